"""Demo data for the public calendar: a workshop, a two-day hackathon, a forum and a visit
that was called off (it stays listed as cancelled)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ypb.domain.calendar import EventInput
from ypb.models import User
from ypb.services import calendar

DAY = timedelta(days=1)


def load(secretary: User, now: datetime) -> None:
    today = now.astimezone(calendar.zone()).date()
    calendar.create(secretary, EventInput(
        title="Workshop: from an idea to a proposal", kind="workshop", start_day=today + 5 * DAY,
        start_time=time(17, 0), end_time=time(19, 0), place="Youth centre, Main street 5",
        description="Bring an idea, leave with a proposal you can publish. Laptops provided."), now=now - 10 * DAY)
    calendar.create(secretary, EventInput(
        title="Hack the town square", kind="hackathon", start_day=today + 12 * DAY, end_day=today + 13 * DAY,
        place="Vocational school, hall B",
        description="Two days to design, cost and pitch ideas for the square. Food on us."), now=now - 10 * DAY)
    calendar.create(secretary, EventInput(
        title="Youth forum: what did the budget change?", kind="forum", start_day=today + 26 * DAY,
        start_time=time(16, 0), end_time=time(18, 30), place="Town hall, council room",
        description="The funded projects report back, and you ask the questions."), now=now - 10 * DAY)
    visit = calendar.create(secretary, EventInput(
        title="Skate park visit", kind="other", start_day=today + 8 * DAY, start_time=time(15, 0),
        end_time=time(16, 30), place="Skate park, Lake road"), now=now - 10 * DAY)
    calendar.cancel(secretary, visit.id, now=now - 2 * DAY)
