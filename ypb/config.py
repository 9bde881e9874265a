"""Settings read from the environment, and the fixed settings used by the tests."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    """The environment asks for something the app refuses to run with."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret_key(instance_dir: Path) -> str:
    """A key generated once and kept in instance/, so sessions survive restarts."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when two processes start at once, the first one's key wins.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


class Config:
    """Base settings. `from_env()` fills in what the environment says."""

    YPB_ENV = "development"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'ypb.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Stated on every app: Flask-Limiter's one shared limiter otherwise keeps the last app's choice.
    RATELIMIT_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute;100 per day"
    RATELIMIT_SIGNUP = "5 per minute;50 per day"
    RATELIMIT_COMMENT = "10 per minute;200 per day"
    RATELIMIT_VOTING_CODE = "10 per minute"  # wrong codes, per address
    RATELIMIT_VOTING_CODE_CYCLE = "200 per minute"  # wrong codes against one cycle, from anywhere
    RATELIMIT_CENSUS_CLAIM = "10 per minute;30 per day"
    # Survey answers, per address: a class on one school network answers within minutes.
    RATELIMIT_SURVEY = "30 per minute;300 per day"
    YPB_TIMEZONE = "Europe/Riga"
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    YPB_LANGUAGES = ("en", "sv", "lv", "pt", "lt", "el")
    YPB_PROXY_COUNT = 0
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "ypb_session"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    TESTING = False
    # E-mail copies of notifications: off unless YPB_SMTP_HOST and YPB_MAIL_FROM are set.
    YPB_SMTP_HOST: str | None = None
    YPB_SMTP_PORT = 587
    YPB_SMTP_USER: str | None = None
    YPB_SMTP_PASSWORD: str | None = None
    YPB_SMTP_STARTTLS = True
    YPB_SMTP_TIMEOUT = 5  # seconds; a slow mail server must not hold a request for long
    YPB_MAIL_FROM: str | None = None
    # The address links in e-mails start with when no request is there to tell (e.g. the CLI).
    YPB_BASE_URL: str | None = None

    @classmethod
    def from_env(cls) -> dict:
        env = os.environ
        ypb_env = env.get("YPB_ENV", cls.YPB_ENV).strip().lower()
        if ypb_env not in {"development", "production"}:
            raise ConfigError(f"YPB_ENV must be 'development' or 'production', not {ypb_env!r}.")
        production = ypb_env == "production"
        settings: dict = {"YPB_ENV": ypb_env}

        secret = env.get("SECRET_KEY")
        if not secret:
            if production:
                raise ConfigError("SECRET_KEY must be set when YPB_ENV=production.")
            secret = _development_secret_key(INSTANCE_DIR)
        settings["SECRET_KEY"] = secret

        if env.get("DATABASE_URL"):
            settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(env["DATABASE_URL"])
        if env.get("YPB_RATELIMIT_STORAGE"):
            settings["RATELIMIT_STORAGE_URI"] = env["YPB_RATELIMIT_STORAGE"]
        if env.get("YPB_TIMEZONE"):
            settings["YPB_TIMEZONE"] = env["YPB_TIMEZONE"]
        if env.get("YPB_DEFAULT_LANGUAGE"):
            language = env["YPB_DEFAULT_LANGUAGE"].strip().lower()
            if language not in cls.YPB_LANGUAGES:
                choices = ", ".join(cls.YPB_LANGUAGES)
                raise ConfigError(f"YPB_DEFAULT_LANGUAGE must be one of {choices}, not {language!r}.")
            settings["BABEL_DEFAULT_LOCALE"] = language
        if env.get("YPB_PROXY_COUNT"):
            settings["YPB_PROXY_COUNT"] = int(env["YPB_PROXY_COUNT"])

        if production:
            # __Host- cookies: only over HTTPS, only for this exact host, path /.
            settings.update(
                SESSION_COOKIE_NAME="__Host-ypb_session",
                SESSION_COOKIE_SECURE=True,
                REMEMBER_COOKIE_NAME="__Host-ypb_remember",
                REMEMBER_COOKIE_SECURE=True,
                PREFERRED_URL_SCHEME="https",
            )
        settings["RATELIMIT_ENABLED"] = _bool("YPB_RATELIMIT_ENABLED", True)
        for name in ("YPB_SMTP_HOST", "YPB_SMTP_USER", "YPB_SMTP_PASSWORD", "YPB_MAIL_FROM", "YPB_BASE_URL"):
            if env.get(name):
                settings[name] = env[name]
        if env.get("YPB_SMTP_PORT"):
            settings["YPB_SMTP_PORT"] = int(env["YPB_SMTP_PORT"])
        if env.get("YPB_SMTP_TIMEOUT"):
            settings["YPB_SMTP_TIMEOUT"] = float(env["YPB_SMTP_TIMEOUT"])
        settings["YPB_SMTP_STARTTLS"] = _bool("YPB_SMTP_STARTTLS", True)
        return settings


class TestConfig(Config):
    """Fast, isolated settings for the test suite (the database URL is set per test)."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    YPB_ENV = "development"
    # The tests ask for these cheap parameters; production keeps argon2-cffi's defaults.
    YPB_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}

    @classmethod
    def from_env(cls) -> dict:
        return {}
