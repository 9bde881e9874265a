"""Backups of the whole database, and restoring one.

SQLite: the online backup API copies a consistent snapshot while the app keeps running (in WAL
mode readers never block writers), into a temporary file that is renamed into place only when
complete. PostgreSQL: `pg_dump -Fc` (a consistent snapshot too) and `pg_restore --clean
--if-exists`; the password goes to the tools in the environment, never on the command line.

Nothing here writes an audit entry: a backup must not change what it copies, and a restore
brings back the trail exactly as it was (`flask ypb audit verify` checks it afterwards).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump/pg_restore, argument lists only
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why (operators read it)."""


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")
    return backend


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def backup(database_url: str, path: str | os.PathLike) -> Path:
    """Write a backup of the database to `path` (which must not exist yet); returns the path."""
    url, target = make_url(database_url), Path(path)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        if _kind(url) == "sqlite":
            source = _sqlite_path(url)
            if not source.is_file():
                raise BackupError(f"there is no database at {source}")
            _sqlite_copy(source, partial)
        else:
            _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"], url)
        partial.replace(target)  # only a complete backup ever carries the real name
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(database_url: str, path: str | os.PathLike, *, overwrite: bool = False) -> None:
    """Replace the database's contents with the backup at `path`.

    Refused when the database already holds tables, unless `overwrite`. The caller must have
    closed its own connections (the app's engine) first.
    """
    url, source = make_url(database_url), Path(path)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    kind = _kind(url)
    if not overwrite and has_tables(database_url):
        raise BackupError("the database is not empty; restoring replaces everything in it "
                          "(add --yes if that is what you want)")
    if kind == "sqlite":
        _check_sqlite_backup(source)
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, target)
    else:
        _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
                            "--single-transaction", str(source)], url, dbname_flag=True)


def has_tables(database_url: str) -> bool:
    url = make_url(database_url)
    if _kind(url) == "sqlite" and not _sqlite_path(url).exists():
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        # One step (pages=-1): the whole copy comes from a single read snapshot.
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()


def _check_sqlite_backup(source: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not an SQLite backup ({exc})") from None
    if not ok:
        raise BackupError(f"{source} is damaged (SQLite quick_check failed)")


def _run(tool: str, args: list[str], url: URL, *, dbname_flag: bool = False) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupError(f"{tool} was not found: install the PostgreSQL client tools "
                          "(the same major version as the server or newer)")
    conn_args = []
    if url.host:
        conn_args.append(f"--host={url.host}")
    if url.port:
        conn_args.append(f"--port={url.port}")
    if url.username:
        conn_args.append(f"--username={url.username}")
    database = url.database or ""
    conn_args.append(f"--dbname={database}" if dbname_flag else database)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if url.password:
        env["PGPASSWORD"] = url.password
    # A list of arguments, no shell: the URL's parts cannot inject anything.
    done = subprocess.run([exe, "--no-password", *args, *conn_args],  # noqa: S603  # nosec B603
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.returncode}")
