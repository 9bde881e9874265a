"""Engine tuning and write transactions.

SQLite: WAL so readers never wait for the writer, a busy timeout so writers queue
instead of failing, foreign keys on, and `BEGIN IMMEDIATE` for transactions that will
write, so two writers never both hold a read snapshot and then deadlock on upgrade.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.engine import Engine

from ypb.extensions import db

WRITE_OPTION = "ypb_write"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_on_begin(conn):
        mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def begin_write() -> None:
    """Start the session's transaction as a write transaction.

    Call it first thing in a service that writes. On SQLite a read transaction left
    open by the request (loading the current user, say) is ended first, because a
    deferred transaction cannot safely be upgraded under concurrency.
    """
    session = db.session()  # the real Session behind the scoped proxy
    if session.in_transaction():
        conn = session.connection()
        if conn.get_execution_options().get(WRITE_OPTION) or conn.dialect.name != "sqlite":
            return
        if session.new or session.dirty or session.deleted:
            # Nothing pending may be lost: flush it under a fresh write lock instead.
            raise RuntimeError("begin_write() called after changes were made in a read transaction")
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


def database_now() -> datetime:
    """The database's own clock (UTC), read now, not at the transaction's start.

    Deadlines that many workers enforce (the close of a vote) are judged by this one clock,
    not by each worker's. SQLite's clock is its host's, read through SQLite itself.
    """
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        value = conn.exec_driver_sql("SELECT clock_timestamp()").scalar_one()
    else:
        value = datetime.fromisoformat(conn.exec_driver_sql(
            "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')").scalar_one())
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
