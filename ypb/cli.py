"""`flask --app app ypb …`: commands for operators (first accounts, demo data, checks)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ypb.domain.roles import ROLES, Role
from ypb.services import Refused

ypb_cli = AppGroup("ypb", help="ypb operations: accounts, demo data, audit.")


def _fail(exc: Refused) -> None:
    for refusal in exc.refusals:
        click.echo(f"error: {refusal.message % refusal.params}", err=True)
    sys.exit(2)


@ypb_cli.command("create-user")
@click.option("--username", required=True)
@click.option("--display-name", required=True)
@click.option("--role", type=click.Choice(ROLES), default=Role.YOUTH.value, show_default=True)
@click.option("--birth-year", type=int, default=1990, show_default=True)
@click.option("--email", default=None)
@click.password_option(help="Asked for when not given (recommended: keeps it out of shell history).")
def create_user(username, display_name, role, birth_year, email, password):
    """Create an account, for example the first secretary or admin."""
    from ypb.services import accounts

    try:
        user = accounts.create_account(
            username=username, display_name=display_name, password=password,
            birth_year=birth_year, email=email, role=Role(role), actor="cli",
        )
    except Refused as exc:
        _fail(exc)
    click.echo(f"created {user.role} {user.username} (id {user.id})")


@ypb_cli.command("reset-2fa")
@click.argument("username")
def reset_two_factor(username):
    """Turn off USERNAME's two-step sign-in (lost phone and recovery codes), signing them out.

    Check who is asking before you run it; the audit trail records it. With the requirement
    on, they set up a new second factor at their next sign-in.
    """
    from sqlalchemy import select

    from ypb.extensions import db
    from ypb.models import User
    from ypb.services import two_factor

    user_id = db.session.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        click.echo(f"error: there is no account {username!r}", err=True)
        sys.exit(2)
    try:
        two_factor.reset("cli", user_id)
    except Refused as exc:
        _fail(exc)
    click.echo(f"two-step sign-in turned off for {username}; they are signed out everywhere")


@ypb_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
@click.option("--force", is_flag=True, help="Allow it with YPB_ENV=production.")
def demo(if_empty, force):
    """Load demo data and print the demo logins."""
    from flask import current_app

    from ypb.services import demo as demo_service

    if current_app.config["YPB_ENV"] == "production" and not force:
        click.echo("error: demo accounts have published passwords; not in production "
                   "(use --force if you really mean it).", err=True)
        sys.exit(2)

    if demo_service.has_data():
        if if_empty:
            click.echo("demo: the database already has data; nothing loaded.")
            return
        click.echo("error: the database already has data; demo data goes into an empty one.", err=True)
        sys.exit(2)
    logins, codes = demo_service.load()
    click.echo("Demo data loaded. Sign in at http://127.0.0.1:5000/login with:")
    for username, role, password in logins:
        click.echo(f"  {role:<10} {username:<12} {password}")
    if codes:
        from ypb.domain.codes import grouped

        click.echo("Voting codes for the 'Winter Youth Budget 2026' vote (no account needed):")
        for code in codes:
            click.echo(f"  {grouped(code)}")


@ypb_cli.group("audit")
def audit_group():
    """The hash-chained audit trail."""


@audit_group.command("verify")
def audit_verify():
    """Check the whole chain; name the first broken entry."""
    from ypb.services import audit

    broken = audit.verify()
    if broken is not None:
        click.echo(f"audit chain BROKEN at entry {broken}", err=True)
        sys.exit(1)
    head = audit.head()
    click.echo(f"audit chain intact: {head.seq if head else 0} entries, head {head.hash if head else '-'}")


@ypb_cli.command("tick")
def tick():
    """Move budget cycles on whose planned phase end has passed (safe to run from cron)."""
    from ypb.domain.cycle import PHASES
    from ypb.services import cycles

    moved = cycles.tick()
    if not moved:
        click.echo("nothing to move")
        return
    for cycle_id, steps in sorted(moved.items()):
        # Phases only move forward one at a time, so the first step names where it came from.
        start = PHASES[PHASES.index(steps[0]) - 1]
        click.echo(f"cycle {cycle_id}: " + " → ".join([start.value, *(s.value for s in steps)]))


@ypb_cli.command("import-pb")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--title", default=None, help="The cycle's title (default: the file's description).")
def import_pb(path, title):
    """Import a Pabulib .pb file as a closed budget cycle with its counted results."""
    from pathlib import Path

    from babel.numbers import format_currency

    from ypb.domain.money import split_amount
    from ypb.domain.pabulib import PabulibError
    from ypb.services import pbimport

    try:
        text = Path(path).read_bytes().decode("utf-8")
        imported = pbimport.import_pb(text, Path(path).name, title=title)
    except PabulibError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except UnicodeDecodeError as exc:
        click.echo(f"error: not a UTF-8 text file ({exc.reason} at byte {exc.start})", err=True)
        sys.exit(2)
    except Refused as exc:
        _fail(exc)
    for warning in imported.warnings:
        click.echo(f"warning: {warning}", err=True)
    rule = imported.rule + (f" (at least {imported.threshold} supporters)" if imported.threshold else "")

    def money(amount: int) -> str:
        return format_currency(split_amount(amount), imported.currency, locale="en")

    click.echo(f"imported cycle {imported.cycle_id}: {imported.title}")
    click.echo(f"{imported.ballots} ballots, counted with {rule}: {len(imported.selected)} projects selected, "
               f"{money(imported.spent)} of {money(imported.budget)}")
    for name, cost in imported.selected:
        click.echo(f"  {money(cost):>16}  {name}")


@ypb_cli.command("tally")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--rule", type=click.Choice(["greedy", "mes"]), required=True)
@click.option("--sat", type=click.Choice(["cost", "cardinality", "points"]), default="cost", show_default=True,
              help="MES satisfaction; 'points' counts a voter's points (cumulative and ordinal ballots).")
@click.option("--completion", type=click.Choice(["none", "greedy", "add1", "add1-exhaustive", "add1-greedy"]),
              default="none", show_default=True, help="mes only: how the budget MES leaves unspent is used.")
@click.option("--compare-greedy", is_flag=True,
              help="mes only: keep the MES outcome unless more voters prefer the greedy one (Wieliczka).")
@click.option("--threshold", type=int, default=0, show_default=True,
              help="greedy only: minimum number of supporters a project needs.")
def tally_command(path, rule, sat, completion, compare_greedy, threshold):
    """Tally a Pabulib .pb file and print the outcome as JSON (for audits)."""
    import json

    from ypb.domain import tally
    from ypb.domain.pabulib import PabulibError, parse_pabulib

    try:
        with open(path, encoding="utf-8") as fh:
            instance, ballots = parse_pabulib(fh)
    except PabulibError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except UnicodeDecodeError as exc:
        click.echo(f"error: not a UTF-8 text file ({exc.reason} at byte {exc.start})", err=True)
        sys.exit(2)
    if rule == "greedy":
        outcome, described = tally.greedy(instance, ballots, threshold=threshold), "greedy"
        if threshold:
            described += f" --threshold {threshold}"
    else:
        outcome = tally.mes_completed(instance, ballots, sat=sat, completion=completion,
                                      compare_greedy=compare_greedy)
        described = f"mes --sat {sat}" + (f" --completion {completion}" if completion != "none" else "")
        if compare_greedy:
            described += " --compare-greedy"
    click.echo(json.dumps({"selected": list(outcome.selected), "cost": outcome.cost, "rule": described}))


def _database_url() -> str:
    # The engine's URL, as Flask-SQLAlchemy resolved it (relative SQLite paths included).
    from ypb.extensions import db

    return db.engine.url.render_as_string(hide_password=False)


@ypb_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Write a consistent backup of the database to PATH (safe while the site runs)."""
    from ypb.services import backup

    try:
        written = backup.backup(_database_url(), path)
    except backup.BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"backup written to {written} ({written.stat().st_size} bytes)")


@ypb_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path, yes):
    """Replace the database with the backup at PATH (stop the site first)."""
    from ypb.extensions import db
    from ypb.services import backup

    url = _database_url()
    db.session.remove()
    db.engine.dispose()  # our own open connections would block or survive the swap
    try:
        backup.restore(url, path, overwrite=yes)
    except backup.BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"restored from {path}; check it with: flask ypb audit verify")


@ypb_cli.command("purge")
def purge_command():
    """Delete what is no longer needed (voting keys and codes of final votes, old notifications…)."""
    from ypb.services import purge

    counts = purge.purge()
    for what, n in counts.items():
        click.echo(f"{what}: {n}")
    click.echo("IP addresses: none kept by the app (rate limits live in the limiter's storage, which expires them)")
    click.echo("sessions: signed cookies in the browser, nothing stored on the server")
