"""`flask --app app ypb tick`: the cron job that moves cycles on when a planned end passes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import cycle_input
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import AuditEntry, Cycle, User
from ypb.models.base import utcnow
from ypb.services import cycles

DAY = timedelta(days=1)


def open_cycle(app, secretary_id: int, start, title: str, *, open_it: bool = True) -> int:
    with app.app_context():
        secretary = db.session.get(User, secretary_id)
        cycle = cycles.create(secretary, cycle_input(secretary.id, start, title=title), now=start)
        if open_it:
            cycles.advance(secretary, cycle.id, Phase.PROPOSALS, now=start)
        return cycle.id


def phase_of(app, cycle_id: int) -> str:
    with app.app_context():
        return db.session.get(Cycle, cycle_id).phase


def test_tick_closes_proposals_whose_end_has_passed(app, users):
    # Opened 20 days ago: its proposals ended 6 days ago (cycle_input: start + 14 days).
    late = open_cycle(app, users["secretary"], utcnow() - 20 * DAY, "Late")
    running = open_cycle(app, users["secretary"], utcnow(), "Running")
    draft = open_cycle(app, users["secretary"], utcnow() - 20 * DAY, "Draft", open_it=False)

    result = app.test_cli_runner().invoke(args=["ypb", "tick"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [f"cycle {late}: proposals → feedback"]
    assert phase_of(app, late) == "feedback"
    assert phase_of(app, running) == "proposals"
    assert phase_of(app, draft) == "draft"  # opening is always a person's decision
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.subject == f"cycle:{late}")
                                   .order_by(AuditEntry.seq.desc())).first()
        assert entry.action == "cycle.phase" and '"by":"schedule"' in entry.data.replace(" ", "")


def test_tick_is_safe_to_repeat_and_keeps_the_feedback_promise(app, users):
    # Opened 45 days ago and never ticked: proposals AND feedback ends have both passed.
    cycle_id = open_cycle(app, users["secretary"], utcnow() - 45 * DAY, "Forgotten")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ypb", "tick"])
    assert first.output.strip() == f"cycle {cycle_id}: proposals → feedback"
    again = runner.invoke(args=["ypb", "tick"])
    assert again.exit_code == 0
    # Feedback only began now and was promised 7 days, so its past planned end does not close it.
    assert again.output.strip() == "nothing to move"
    assert phase_of(app, cycle_id) == "feedback"


def test_tick_with_nothing_to_do(app, users):
    result = app.test_cli_runner().invoke(args=["ypb", "tick"])
    assert result.exit_code == 0 and result.output.strip() == "nothing to move"
