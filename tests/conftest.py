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


def cycle_input(contact_id: int, start, **overrides):
    """A valid cycle form's values, with a schedule counted from `start`."""
    from datetime import timedelta

    from ypb.domain.cycle import Schedule
    from ypb.services.cycles import CycleInput

    days = timedelta(days=1)
    values = dict(
        title="Youth budget 2027", description="Ideas for **our town**.", budget_total=5_000_000,
        currency="EUR", min_age=13, max_age=29, residency_required=True, contact_id=contact_id,
        feedback_days=7, categories=["Influence", "Health", "Climate"],
        schedule=Schedule(proposals_end=start + 14 * days, feedback_end=start + 40 * days,
                          review_end=start + 50 * days, voting_end=start + 60 * days,
                          results_end=start + 67 * days),
    )
    values.update(overrides)
    return CycleInput(**values)


@pytest.fixture
def world(app, users):
    """A cycle in each of draft, proposals, feedback and review, with proposals and a
    comment; returns the ids as a dict usable to fill URL placeholders."""
    from datetime import timedelta

    from ypb.domain.cycle import Phase
    from ypb.models import User
    from ypb.models.base import utcnow
    from ypb.services import comments, cycles, proposals
    from ypb.services.proposals import ProposalInput

    now = utcnow()
    day = timedelta(days=1)
    ids = dict(users)
    with app.app_context():
        secretary = db.session.get(User, users["secretary"])
        youth = db.session.get(User, users["youth"])
        council = db.session.get(User, users["council"])

        def make_cycle(title, start):
            cycle = cycles.create(secretary, cycle_input(secretary.id, start, title=title), now=start)
            return cycle.id

        ids["cycle_draft"] = make_cycle("Draft cycle", now)

        ids["cycle_proposals"] = make_cycle("Proposals cycle", now)
        cycles.advance(secretary, ids["cycle_proposals"], Phase.PROPOSALS, now=now)
        ids["draft"] = proposals.create(youth, ids["cycle_proposals"], ProposalInput(title="My draft idea")).id

        start = now - 20 * day
        ids["cycle_feedback"] = make_cycle("Feedback cycle", start)
        cycles.advance(secretary, ids["cycle_feedback"], Phase.PROPOSALS, now=start)
        ids["proposal"] = proposals.create(youth, ids["cycle_feedback"], ProposalInput(
            title="Skate park lights", summary="Lights so we can skate after dark.",
            description="Six LED lamps.", estimated_cost=1_200_000), submit=True, now=start + day).id
        cycles.advance(secretary, ids["cycle_feedback"], Phase.FEEDBACK, now=start + 2 * day)
        ids["comment"] = comments.add(council, ids["proposal"], "How many lamps exactly?",
                                      is_question=True).id

        start = now - 40 * day
        ids["cycle_review"] = make_cycle("Review cycle", start)
        cycles.advance(secretary, ids["cycle_review"], Phase.PROPOSALS, now=start)
        ids["review_proposal"] = proposals.create(youth, ids["cycle_review"], ProposalInput(
            title="Library study room", summary="A quiet room open until 22.", estimated_cost=800_000),
            submit=True, now=start + day).id
        cycles.advance(secretary, ids["cycle_review"], Phase.FEEDBACK, now=start + 2 * day)
        cycles.advance(secretary, ids["cycle_review"], Phase.REVIEW, now=now - day)

        from ypb.services import accounts

        # Its own author, so the voting cycle adds nothing to youth-user's proposals or notifications.
        author = accounts.create_account(username="ballot-author", display_name="Ballot Author", password=PASSWORD,
                                         birth_year=2007, resident=True)
        ids.update(_voting_cycle(secretary, author, now))
    return ids


def _voting_cycle(secretary, author, now) -> dict:
    """A cycle in voting: three approved projects, an approval ballot (1 to 2 picks), one code."""
    from datetime import timedelta

    from ypb.domain.ballot import BallotType
    from ypb.domain.cycle import Phase
    from ypb.services import cycles, proposals, review, voting
    from ypb.services.proposals import ProposalInput

    day = timedelta(days=1)
    start = now - 50 * day
    cycle_id = cycles.create(secretary, cycle_input(secretary.id, start, title="Voting cycle"), now=start).id
    cycles.advance(secretary, cycle_id, Phase.PROPOSALS, now=start)
    projects = []
    for title, cost in (("Bike racks", 300_000), ("Outdoor gym", 2_500_000), ("Book swap shelf", 50_000)):
        projects.append(proposals.create(author, cycle_id, ProposalInput(
            title=title, summary=f"{title} for everyone.", estimated_cost=cost), submit=True, now=start + day).id)
    cycles.advance(secretary, cycle_id, Phase.FEEDBACK, now=start + 2 * day)
    cycles.advance(secretary, cycle_id, Phase.REVIEW, now=now - 9 * day)
    for pid, cost in zip(projects, (300_000, 2_500_000, 50_000), strict=True):
        review.decide(secretary, pid, review.Decision.APPROVE, final_cost=cost, now=now - 8 * day)
    voting.save_settings(secretary, cycle_id, voting.BallotSettings(BallotType.APPROVAL, min_choices=1, max_choices=2))
    cycles.advance(secretary, cycle_id, Phase.VOTING, now=now - 5 * day)
    code = voting.generate_codes(secretary, cycle_id, 1, label="Class 9B")[0]
    return {"cycle_voting": cycle_id, "ballot_projects": projects, "voting_code": code}
