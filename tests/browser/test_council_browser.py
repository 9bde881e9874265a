"""On a phone: the secretary records who came to a council meeting and the roll-call vote on
a motion about a proposal, then publishes the decision; anyone then reads the decision on
the meeting page and on the proposal's page. With JavaScript and without.

The council of `five_and_five` sits from 1 January 2030, so the meetings service's clock is
set to the meeting's evening (the live server runs in this process).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.conftest import PHONE, PageProblems, screenshot
from tests.browser.test_voting_browser import sign_in
from tests.conftest import make_user
from tests.services import IN_PROPOSALS, new_cycle
from tests.services.test_council_service import five_and_five
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import User
from ypb.services import meetings, proposals
from ypb.services.proposals import ProposalInput

pytestmark = pytest.mark.browser

MEETING_AT = datetime(2030, 5, 6, 15, 0, tzinfo=UTC)
DURING = MEETING_AT + timedelta(hours=1)


@pytest.fixture(scope="module")
def council(live_app):
    patch = pytest.MonkeyPatch()
    patch.setattr(meetings, "utcnow", lambda: DURING)
    secretary = make_user(live_app, "coordinator", "secretary", birth_year=1990)
    author = make_user(live_app, "skater", birth_year=2008)
    with live_app.app_context():
        ids = five_and_five(db.session.get(User, secretary))
        ids["cycle"] = new_cycle(secretary, Phase.PROPOSALS, title="Youth budget 2030")
    ids.update(secretary=secretary, author=author)
    yield ids
    patch.undo()


@pytest.fixture
def meeting(live_app, council, phone):
    """A proposal of its own per run, and a meeting with a motion about it."""
    suffix = "js" if phone.js else "nojs"
    with live_app.app_context():
        staff = db.session.get(User, council["secretary"])
        idea = ProposalInput(title=f"Skate park lights ({suffix})", summary="Lights so we can skate after dark.",
                             estimated_cost=1_200_000)
        proposal = proposals.create(db.session.get(User, council["author"]), council["cycle"], idea, submit=True,
                                    now=IN_PROPOSALS).id
        meeting = meetings.schedule(staff, f"May meeting ({suffix})", MEETING_AT, place="Town hall, room 2").id
        item = meetings.add_item(staff, meeting, "Skate park lights", "decision", proposal_id=proposal).id
        motion = meetings.add_motion(staff, meeting, "Fund the lights of the skate park from the youth budget.",
                                     mover_id=council["youth1-person"], seconder_id=council["municipal2-person"],
                                     agenda_item_id=item).id
    return {"meeting": meeting, "motion": motion, "proposal": proposal}


def no_overflow(page) -> None:
    if page.js:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def member_row(form, name):
    return form.locator("fieldset.member-row").filter(has=form.page.locator("legend", has_text=f"{name} ("))


def test_the_secretary_records_a_vote_on_a_phone_and_the_public_reads_it(phone, browser, live_server, council,
                                                                        meeting):
    page = phone
    sign_in(page, live_server, "coordinator")
    page.goto(f"{live_server}/council/meetings/{meeting['meeting']}")

    # Attendance: everyone starts as present; one youth member is absent, one follows remotely.
    attendance = page.locator("#attendance form")
    assert attendance.locator("fieldset.member-row").count() == 10
    choice = member_row(attendance, "Youth member 4").locator("label.choice").first
    box = choice.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]
    member_row(attendance, "Youth member 4").get_by_label("Absent", exact=True).check()
    member_row(attendance, "Youth member 2").get_by_label("Present remotely").check()
    attendance.get_by_role("button", name="Save the attendance").click()
    page.get_by_text("The attendance is saved.").wait_for()
    assert "The meeting had quorum: 9 of the 10 voting members were present" in page.locator("main").inner_text()

    # The roll call: the absent member can only be absent, the others are chosen one by one.
    votes = page.locator(f"#motion-{meeting['motion']} form.rows-form")
    assert member_row(votes, "Youth member 4").get_by_label("Absent", exact=True).is_checked()
    for side in ("Municipal", "Youth"):
        for n in range(1, 6):
            name = f"{side} member {n}"
            if name == "Youth member 4":
                continue
            choice = "No" if name == "Municipal member 5" else "Yes"
            member_row(votes, name).get_by_label(choice, exact=True).check()
    votes.get_by_role("button", name="Save the roll call").click()
    page.get_by_text("The roll call on motion 1 is saved: adopted.").wait_for()
    no_overflow(page)
    screenshot(page, "meetings-secretary")

    publish = page.locator(f"#motion-{meeting['motion']} form.publish-form")
    publish.get_by_label("I have checked the roll call.", exact=False).check()
    publish.get_by_role("button", name="Publish the decision").click()
    page.get_by_text("is published.").first.wait_for()
    number = page.locator("#flash").inner_text().split()[1]
    assert page.problems.messages == []

    # Anyone, without an account, on a phone.
    context = browser.new_context(viewport=PHONE, java_script_enabled=page.js, device_scale_factor=1,
                                  is_mobile=True, has_touch=True)
    public = context.new_page()
    public.problems = PageProblems(public)
    public.js = page.js
    public.goto(f"{live_server}/council/meetings/{meeting['meeting']}")
    main = public.locator("main").inner_text()
    assert f"Decision {number}: Adopted" in main
    assert "Adopted: yes 8, no 1, abstained 0, absent 1; a simple majority needs more yes than no votes." in main
    table = public.locator("table.vote-counts")
    assert table.is_visible() and table.bounding_box()["x"] + table.bounding_box()["width"] <= PHONE["width"]
    assert "Youth member 2 Present remotely" in " ".join(main.split())
    no_overflow(public)
    screenshot(public, "meetings-public")

    public.goto(f"{live_server}/proposals/{meeting['proposal']}")
    section = public.locator("#council-decisions")
    assert f"Decision {number}" in section.inner_text()
    assert "Decided by the youth council at “May meeting" in section.inner_text()
    assert "Votes: yes 8, no 1, abstained 0, absent 1." in section.inner_text()
    no_overflow(public)
    screenshot(public, "meetings-proposal")
    section.get_by_role("link", name=f"Decision {number}").click()
    public.wait_for_url(re.compile(rf"/council/meetings/{meeting['meeting']}#decision-\d+$"))
    no_overflow(public)

    public.goto(f"{live_server}/council/influence")
    public.get_by_role("table").wait_for()
    assert "Council meetings held" in public.locator("main").inner_text()
    no_overflow(public)
    screenshot(public, "meetings-influence")
    assert public.problems.messages == []
    context.close()
