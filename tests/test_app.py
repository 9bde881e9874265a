"""The app factory, configuration from the environment, and /healthz."""

from __future__ import annotations

import pytest

from ypb import config as config_module
from ypb import create_app
from ypb.config import Config, ConfigError, TestConfig, normalise_database_url


def test_factory_binds_extensions_and_blueprints(app):
    for name in ("sqlalchemy", "migrate", "csrf", "babel", "limiter"):
        assert name in app.extensions, name
    assert app.login_manager.login_view == "auth.login"
    assert {"main", "auth", "account", "admin"} <= set(app.blueprints)


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setenv("YPB_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_uses_host_prefixed_secure_cookies(monkeypatch):
    monkeypatch.setenv("YPB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/ypb")
    monkeypatch.setenv("YPB_RATELIMIT_STORAGE", "redis://127.0.0.1:6379/3")
    settings = Config.from_env()
    assert settings["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/ypb"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("YPB_ENV", "staging")
    with pytest.raises(ConfigError, match="YPB_ENV"):
        Config.from_env()


def test_development_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("YPB_ENV", raising=False)
    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    first = Config.from_env()["SECRET_KEY"]
    second = Config.from_env()["SECRET_KEY"]
    assert len(first) == 64 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_defaults_to_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Config.SQLALCHEMY_DATABASE_URI.endswith("instance/ypb.sqlite3")
    assert normalise_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app, tmp_path):
    from ypb.extensions import db

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context(), db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_healthz_up(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_down_when_database_unreachable(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-dir' / 'db.sqlite3'}"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": unreachable})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert "sqlite" not in response.get_data(as_text=True).lower()  # nothing internal leaks
