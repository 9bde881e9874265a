"""ypb.services.influence: the yearly figures of what youth participation led to."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from tests.services import user
from tests.services.test_council_service import five_and_five
from ypb.extensions import db
from ypb.models import Proposal
from ypb.services import influence, meetings

HOUR = timedelta(hours=1)


def test_figures_by_year(app, world):
    with app.app_context():
        staff = user(world["secretary"])
        ids = five_and_five(staff)
        everyone = [ids[f"{side}{n}-person"] for side in ("municipal", "youth") for n in range(1, 6)]
        held = datetime(2030, 5, 6, 15, tzinfo=UTC)
        first = meetings.schedule(staff, "May", held, place="Town hall").id
        meetings.record_attendance(staff, first, dict.fromkeys(everyone, "present"), now=held + HOUR)
        by_youth = meetings.add_motion(staff, first, "Skate park lights", mover_id=ids["youth1-person"]).id
        by_town = meetings.add_motion(staff, first, "Close the youth centre", mover_id=ids["municipal1-person"]).id
        meetings.record_roll_call(staff, by_youth, dict.fromkeys(everyone, "yes"), now=held + HOUR)
        meetings.record_roll_call(staff, by_town, dict.fromkeys(everyone, "no"), now=held + HOUR)
        # A second meeting in 2030 without quorum; a scheduled one in 2031 counts nothing yet.
        second = meetings.schedule(staff, "June", held + timedelta(days=30), place="Town hall").id
        meetings.record_attendance(staff, second, dict.fromkeys(everyone[:3], "present"),
                                   now=held + timedelta(days=30, hours=1))
        meetings.schedule(staff, "January", datetime(2031, 1, 10, 15, tzinfo=UTC), place="Town hall")

        rows = {r.year: r for r in influence.by_year()}
        y2030 = rows[2030]
        assert (y2030.meetings_held, y2030.meetings_with_quorum, y2030.quorum_rate) == (2, 1, 0.5)
        assert (y2030.motions_by_youth, y2030.motions_by_youth_adopted) == (1, 1)
        assert (y2030.motions_voted, y2030.motions_adopted) == (2, 1)
        assert 2031 not in rows
        submitted = Counter(influence._local_year(p.submitted_at) for p in db.session.query(Proposal)
                            if p.submitted_at is not None)
        assert submitted and {y: rows[y].submitted for y in submitted} == submitted
        assert all(r.implemented is None for r in rows.values())  # not tracked yet
        assert influence.totals(list(rows.values()))["meetings_held"] == 2
