"""Fixtures: an app per test on SQLite (and on PostgreSQL when YPB_TEST_DATABASE_URL is
set), signed-in clients for every role, and a CSRF-aware form poster."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import create_engine

from ypb import create_app
from ypb.config import TestConfig, normalise_database_url
from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import Base

PG_URL = os.environ.get("YPB_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
PASSWORD = "correct horse battery"
ROLES = ["anonymous", *[r.value for r in Role]]

_pg_schema_ready = False


def _reset_postgres(url: str) -> None:
    """Fresh tables once per session, then emptied after every test (much faster than
    dropping and creating them each time)."""
    global _pg_schema_ready
    engine = create_engine(url)
    with engine.begin() as conn:
        if not _pg_schema_ready:
            Base.metadata.drop_all(conn)
            Base.metadata.create_all(conn)
            _pg_schema_ready = True
        else:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    url = normalise_database_url(PG_URL)
    _reset_postgres(url)
    return url


@pytest.fixture
def make_app(database_url):
    """Build an app on this test's database; extra settings as keyword arguments."""
    apps = []

    def factory(**overrides):
        app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        apps.append(app)
        with app.app_context():
            if database_url.startswith("sqlite"):
                db.create_all()
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict | None = None, *, token_from: str = "/login", **kwargs):
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(path, data=data, **kwargs)


def make_user(app, username: str, role: Role | str = Role.YOUTH, **fields):
    from ypb.services import accounts

    with app.app_context():
        user = accounts.create_account(
            username=username, display_name=fields.pop("display_name", username.title()),
            password=fields.pop("password", PASSWORD), birth_year=fields.pop("birth_year", 2006),
            resident=fields.pop("resident", True), role=Role(role), actor="test", **fields,
        )
        return user.id


def sign_in(client, username: str, password: str = PASSWORD):
    response = post_form(client, "/login", {"login": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def users(app):
    """One account per role; returns {role: user id}."""
    return {role.value: make_user(app, f"{role.value}-user", role) for role in Role}


@pytest.fixture
def client_for(app, users):
    """client_for(role) -> a test client signed in with that role ('anonymous': none)."""

    def factory(role: str):
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, f"{role}-user")
        return client

    return factory
