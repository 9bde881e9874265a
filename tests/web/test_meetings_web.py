"""The council's meetings through the web: the public list, a meeting's agenda, attendance,
votes (hidden until the decision is published) and minutes, the decisions, the influence
figures and the open data; every secretary form, each refusal shown with nothing saved;
and the proposal page's "what the youth council decided".

The council of `five_and_five` sits from 1 January 2030, so the services' clock is set to a
day of 2030 (the `clock` fixture); the meeting starts at 18:00 in Riga on 6 May 2030.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.services import user
from tests.services.test_council_service import five_and_five
from ypb.extensions import db
from ypb.models import AgendaItem, AttendanceRecord, Decision, Meeting, Motion, Vote
from ypb.models.meeting import Minutes
from ypb.services import meetings
from ypb.web.i18n import format_when

MEETING_AT = datetime(2030, 5, 6, 15, 0, tzinfo=UTC)  # 18:00 in Riga (summer time, UTC+3)
DURING = MEETING_AT + timedelta(hours=1)
NEXT_AT = MEETING_AT + timedelta(days=30)
CONTACTS = ("@example.org", "example.org")


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def text(response) -> str:
    """What a reader sees: the page without its tags, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page(response)).split())


def post(client, path: str, prefix: str, data: dict):
    """A form of the meeting pages: its fields carry the form's prefix, its token too."""
    fields = {f"{prefix}-{name}": value for name, value in data.items()}
    fields[f"{prefix}-csrf_token"] = csrf_token(client, "/")
    return client.post(path, data=fields)


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def when(app, moment) -> str:
    with app.test_request_context():
        return " ".join(format_when(moment).split())  # as `text` squeezes the narrow space before PM


@pytest.fixture
def clock(monkeypatch):
    """The meetings service's clock, one hour into the meeting unless a test moves it."""
    now = {"at": DURING}
    monkeypatch.setattr(meetings, "utcnow", lambda: now["at"])
    return now


@pytest.fixture
def w(app, users, clock):
    """A 5 + 5 council and its May meeting in the town hall."""
    with app.app_context():
        staff = user(users["secretary"])
        ids = five_and_five(staff)
        ids["secretary-user"] = users["secretary"]
        ids["meeting"] = meetings.schedule(staff, "May meeting", MEETING_AT, place="Town hall, room 2").id
    return ids


def everyone(w) -> list[int]:
    return [w[f"{side}{n}-person"] for side in ("municipal", "youth") for n in range(1, 6)]


def attend(app, w, meeting=None, **statuses) -> None:
    """Everyone present unless named: attend(app, w, absent=[...], excused=[...], remote=[...])."""
    chosen = dict.fromkeys(everyone(w), "present")
    for status, people in statuses.items():
        chosen |= dict.fromkeys(people, status)
    with app.app_context():
        meetings.record_attendance(user(w["secretary-user"]), meeting or w["meeting"], chosen, now=DURING)


def add_motion(app, w, text="Approve the ballot list", requirement="simple", item_id=None, meeting=None) -> int:
    with app.app_context():
        return meetings.add_motion(user(w["secretary-user"]), meeting or w["meeting"], text, requirement,
                                   mover_id=w["youth1-person"], seconder_id=w["municipal1-person"],
                                   agenda_item_id=item_id).id


def vote(app, w, motion_id, **exceptions) -> None:
    choices = dict.fromkeys(everyone(w), "yes") | {w["municipal5-person"]: "no", w["youth5-person"]: "abstain"}
    choices |= {int(k[1:]): v for k, v in exceptions.items()}
    with app.app_context():
        meetings.record_roll_call(user(w["secretary-user"]), motion_id, choices, now=DURING)


def publish(app, w, motion_id) -> Decision:
    with app.app_context():
        decision = meetings.publish_decision(user(w["secretary-user"]), motion_id, now=DURING)
        return decision.id, decision.number


@pytest.fixture
def voted(app, users, w):
    """Everyone at the May meeting; motion 1 voted 8 yes, 1 no, 1 abstained; not published."""
    attend(app, w)
    w["motion"] = add_motion(app, w)
    vote(app, w, w["motion"])
    return w


def meeting_url(w) -> str:
    return f"/council/meetings/{w['meeting']}"


# --- the public pages ----------------------------------------------------------------------


def test_without_a_council_there_are_no_meetings_and_no_open_data(client_for):
    client = client_for("anonymous")
    response = client.get("/council/meetings")
    assert response.status_code == 200
    assert "The youth council is not set up here yet, so it has no meetings." in text(response)
    assert client.get("/council/popolo.json").status_code == 404
    assert client.get("/council/meetings.ics").status_code == 404


def test_the_list_shows_upcoming_and_past_meetings_in_local_time(app, users, client_for, w):
    with app.app_context():
        meetings.schedule(user(users["secretary"]), "June meeting", NEXT_AT,
                          online_url="https://meet.example.net/council")
    response = client_for("anonymous").get("/council/meetings")
    assert response.status_code == 200
    body = page(response)
    upcoming = body[body.index("Upcoming meetings"):body.index("Past meetings")]
    past = body[body.index("Past meetings"):]
    assert "June meeting" in upcoming and "May meeting" not in upcoming
    assert "May meeting" in past and "Town hall, room 2" in past
    assert when(app, MEETING_AT) in text(response)
    assert "6:00 PM" in when(app, MEETING_AT)  # Riga's clocks, not UTC's
    assert 'href="https://meet.example.net/council"' in upcoming
    assert 'href="/council/meetings.ics"' in body and 'href="/council/popolo.json"' in body
    assert 'href="/council/decisions"' in body and 'href="/council/influence"' in body
    assert "Schedule a meeting" not in body


def test_the_agenda_is_numbered_with_links_to_the_proposal_and_its_cycle(app, users, client_for, world, w):
    with app.app_context():
        staff = user(users["secretary"])
        meetings.add_item(staff, w["meeting"], "Welcome", "information")
        meetings.add_item(staff, w["meeting"], "Skate park lights", "decision", "Line one\nline two",
                          proposal_id=world["proposal"])
    response = client_for("anonymous").get(meeting_url(w))
    assert response.status_code == 200
    body = page(response)
    assert re.search(r'<li id="item-\d+" value="1">\s*<p class="agenda-title">Welcome', body)
    assert re.search(r'<li id="item-\d+" value="2">\s*<p class="agenda-title">Skate park lights', body)
    assert "For decision" in body and "For information" in body
    assert f'href="/proposals/{world["proposal"]}"' in body
    assert f'href="/cycles/{world["cycle_feedback"]}"' in body
    assert "Line one<br>line two" in body


def test_attendance_by_side_and_the_quorum_in_words(app, users, client_for, w):
    attend(app, w, remote=[w["youth2-person"]], excused=[w["municipal3-person"]], absent=[w["youth4-person"]])
    shown = text(client_for("anonymous").get(meeting_url(w)))
    assert ("The meeting had quorum: 8 of the 10 voting members were present, in the room or remotely, and 6 were "
            "needed.") in shown
    municipal = shown[shown.index("Municipal members"):shown.index("Youth members")]
    youth = shown[shown.index("Youth members"):shown.index("Motions and decisions")]
    assert "Municipal member 3 Excused" in municipal and "Youth member" not in municipal
    assert "Youth member 2 Present remotely" in youth and "Youth member 4 Absent" in youth
    assert "Youth member 1 Present" in youth


def test_no_quorum_is_said_with_the_numbers(app, users, client_for, w):
    attend(app, w, absent=everyone(w)[:6])
    shown = text(client_for("anonymous").get(meeting_url(w)))
    assert "There is no quorum: 4 of the 10 voting members are present, and 6 are needed." in shown


def test_a_vote_stays_hidden_from_the_public_until_its_decision_is_published(app, client_for, voted):
    w = voted
    public = text(client_for("anonymous").get(meeting_url(w)))
    assert "Motion 1" in public and "Approve the ballot list" in public
    assert "Moved by Youth member 1" in public and "Seconded by Municipal member 1" in public
    assert "Simple majority: more yes than no votes" in public
    assert "The vote is being checked." in public
    assert "Adopted" not in public and "Roll call" not in public and "Abstained" not in public
    for role in ("youth", "council"):
        assert "The vote is being checked." in text(client_for(role).get(meeting_url(w)))
    staff = text(client_for("secretary").get(meeting_url(w)))
    assert "Not published yet: only staff see this. Outcome: Adopted." in staff

    publish(app, w, w["motion"])
    response = client_for("anonymous").get(meeting_url(w))
    shown = text(response)
    assert "The vote is being checked." not in shown
    assert "Decision 2030/1: Adopted" in shown
    assert ("Adopted: yes 8, no 1, abstained 1, absent 0; a simple majority needs more yes than no votes."
            in shown)
    # The counts overall and per side: all, municipal, youth.
    table = re.search(r'<table class="numbers vote-counts">.*?</table>', page(response), re.S).group(0)
    cells = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    assert cells == ["Vote All Municipal Youth", "Yes 8 4 4", "No 1 1 0", "Abstained 1 0 1", "Absent 0 0 0"]
    roll_call = shown[shown.index("Roll call"):]
    assert "Municipal member 5 No" in roll_call and "Youth member 5 Abstained" in roll_call
    assert "Youth member 1 Yes" in roll_call


def test_a_rule_s_explanation_names_the_side(app, users, client_for, w):
    attend(app, w)
    motion = add_motion(app, w, requirement="double")
    # The youth side votes yes, the municipal side no except its first member.
    vote(app, w, motion, **{f"p{w[f'municipal{n}-person']}": "no" for n in range(2, 6)},
         **{f"p{w['youth5-person']}": "yes"})
    publish(app, w, motion)
    shown = text(client_for("anonymous").get(meeting_url(w)))
    assert "Decision 2030/1: Rejected" in shown
    assert ("Rejected: the municipal side voted yes 1, no 4; a double majority needs more yes than no votes on "
            "each side.") in shown


def test_a_correction_links_to_the_decision_it_corrects_and_back(app, users, client_for, voted):
    w = voted
    first_id, _ = publish(app, w, w["motion"])
    with app.app_context():
        staff = user(users["secretary"])
        later = meetings.schedule(staff, "June meeting", NEXT_AT, place="Town hall").id
        chosen = dict.fromkeys(everyone(w), "present")
        meetings.record_attendance(staff, later, chosen, now=NEXT_AT)
    fix = add_motion(app, w, text="Approve the ballot list without project 7", meeting=later)
    with app.app_context():
        meetings.record_roll_call(user(users["secretary"]), fix, dict.fromkeys(everyone(w), "yes"), now=NEXT_AT)
        meetings.correct_decision(user(users["secretary"]), first_id, fix, "Project 7 was withdrawn.", now=NEXT_AT)
    response = client_for("anonymous").get(f"/council/meetings/{later}")
    assert "This corrects decision 2030/1 . Project 7 was withdrawn." in text(response)  # the number is a link
    assert f'href="/council/meetings/{w["meeting"]}#decision-{first_id}">2030/1</a>' in page(response)
    old = client_for("anonymous").get(meeting_url(w))
    assert "Corrected later by decision 2030/2 ." in text(old)

    decisions = client_for("anonymous").get("/council/decisions")
    shown = text(decisions)
    assert shown.index("Decision 2030/2") < shown.index("Decision 2030/1")  # newest first
    assert "This corrects decision 2030/1 ." in shown
    assert "Yes 10, no 0, abstained 0, absent 0." in shown
    assert "Decided at “May meeting”" in shown


def test_the_decisions_page_lists_only_published_decisions(app, client_for, voted):
    shown = text(client_for("anonymous").get("/council/decisions"))
    assert "No decision is published yet." in shown and "Approve the ballot list" not in shown
    publish(app, voted, voted["motion"])
    shown = text(client_for("anonymous").get("/council/decisions"))
    assert "Decision 2030/1 Adopted Approve the ballot list" in shown


def test_minutes_are_shown_only_once_published(app, users, client_for, w):
    with app.app_context():
        staff = user(users["secretary"])
        meetings.save_minutes(staff, w["meeting"], "Everyone came.\n\n<b>Bold?</b> No: plain text.", now=DURING)
        later = meetings.schedule(staff, "June meeting", NEXT_AT, place="Town hall").id
    public = text(client_for("anonymous").get(meeting_url(w)))
    assert "Everyone came." not in public
    assert "The minutes are published once a later meeting has approved them." in public
    with app.app_context():
        meetings.approve_minutes(user(users["secretary"]), w["meeting"], later, now=NEXT_AT)
    assert "Everyone came." not in text(client_for("anonymous").get(meeting_url(w)))
    with app.app_context():
        meetings.publish_minutes(user(users["secretary"]), w["meeting"], now=NEXT_AT)
    response = client_for("anonymous").get(meeting_url(w))
    body = response.get_data(as_text=True)
    assert '<p class="plain">Everyone came.</p>' in body
    assert "&lt;b&gt;Bold?&lt;/b&gt; No: plain text." in body and "<b>Bold?" not in body
    assert "Approved at June meeting" in text(response)


def test_contact_details_are_nowhere(app, client_for, voted):
    publish(app, voted, voted["motion"])
    for role in ("anonymous", "secretary"):
        client = client_for(role)
        for url in ("/council/meetings", meeting_url(voted), "/council/decisions", "/council/influence",
                    "/council/popolo.json", "/council/meetings.ics"):
            body = client.get(url).get_data(as_text=True)
            assert not any(contact in body for contact in CONTACTS), (role, url)


def test_the_influence_figures(app, client_for, voted):
    response = client_for("anonymous").get("/council/influence")
    assert response.status_code == 200
    body = page(response)
    rows = {re.sub(r"<[^>]+>", "", th).strip(): [c.strip() for c in re.findall(r'<td class="num">(.*?)</td>', rest)]
            for th, rest in re.findall(r'<tr>\s*<th scope="row">(.*?)</th>(.*?)</tr>', body, re.S)}
    header = re.search(r"<thead>(.*?)</thead>", body, re.S).group(1)
    assert "2030" in header
    # 2030 is the first column: the May meeting held with everyone there, motion 1 moved by a youth member.
    assert rows["Council meetings held"][0] == "1"
    assert rows["Meetings with quorum"][0] == "100%"
    assert rows["Motions moved by youth members"][0] == "1"
    assert rows["Youth members' motions adopted"][0] == "1"
    assert rows["Projects implemented"][0] == "not tracked yet"
    shown = text(response)
    assert "What each figure counts" in shown
    assert "Motions proposed by a member holding one of the youth seats on the day of the meeting." in shown


def test_popolo_json(app, client_for, voted):
    client = client_for("anonymous")
    data = client.get("/council/popolo.json").get_json()
    assert data["motions"] == []  # voted, but not published
    publish(app, voted, voted["motion"])
    response = client.get("/council/popolo.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["organizations"][0]["name"] == "Youth Affairs Council"
    assert {p["name"] for p in data["persons"]} >= {"Youth member 1", "Municipal member 5"}
    assert all(set(p) == {"id", "name", "memberships_elsewhere"} for p in data["persons"])
    [event] = data["vote_events"]
    assert {c["option"]: c["value"] for c in event["counts"]}["yes"] == 8


def test_meetings_ics(app, client_for, w):
    response = client_for("anonymous").get("/council/meetings.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "May meeting"
    assert str(event["location"]) == "Town hall, room 2"
    assert str(event["url"]) == f"http://localhost/council/meetings/{w['meeting']}"
    assert event.decoded("dtstart") == MEETING_AT


# --- scheduling and the meeting's status ------------------------------------------------------


def test_staff_schedule_a_meeting_in_local_time(app, client_for, w):
    client = client_for("secretary")
    assert "Schedule a meeting" in text(client.get("/council/meetings"))
    response = post(client, "/council/meetings", "meeting", {
        "title": "June meeting", "day": "2030-06-10", "time": "17:30", "place": "Youth centre"})
    assert response.status_code == 303
    with app.app_context():
        found = db.session.scalar(select(Meeting).where(Meeting.title == "June meeting"))
        assert found.starts_at == datetime(2030, 6, 10, 14, 30, tzinfo=UTC)  # 17:30 in Riga
        assert response.headers["Location"].endswith(f"/council/meetings/{found.id}")
    assert "“June meeting” is scheduled for" in text(client.get(response.headers["Location"]))


def test_a_meeting_needs_a_place_or_a_link(app, client_for, w):
    response = post(client_for("secretary"), "/council/meetings", "meeting", {
        "title": "June meeting", "day": "2030-06-10", "time": "17:30"})
    assert response.status_code == 422
    body = page(response)
    assert re.search(r'id="meeting-place-error">Say where the meeting takes place, or give its online link\.', body)
    assert 'value="June meeting"' in body  # what was typed stays
    assert count(app, Meeting) == 1


def test_a_meeting_needs_a_date_and_time_that_can_be_read(app, client_for, w):
    response = post(client_for("secretary"), "/council/meetings", "meeting", {
        "title": "June meeting", "day": "tomorrow", "time": "", "place": "Hall"})
    assert response.status_code == 422
    shown = text(response)
    assert "Enter a date, for example 2027-03-31." in shown and "Enter the time the meeting starts." in shown
    assert count(app, Meeting) == 1


def test_mark_held_and_cancel(app, client_for, users, w):
    client = client_for("secretary")
    response = post(client, f"{meeting_url(w)}/status", "status", {"status": "held"})
    assert response.status_code == 303
    assert "The meeting is marked as held." in text(client.get(response.headers["Location"]))
    with app.app_context():
        assert meetings.get(w["meeting"]).status == "held"
        later = meetings.schedule(user(users["secretary"]), "June meeting", NEXT_AT, place="Hall").id
    response = post(client, f"/council/meetings/{later}/status", "status", {"status": "cancelled"})
    assert response.status_code == 303
    with app.app_context():
        assert meetings.get(later).status == "cancelled"
    assert "Cancelled" in text(client_for("anonymous").get("/council/meetings"))
    # A cancelled meeting's page offers no forms, and takes no records.
    body = page(client.get(f"/council/meetings/{later}"))
    assert "This meeting was cancelled." in body and "<form method=\"post\" action=\"/council/meetings/" not in body
    response = post(client, f"/council/meetings/{later}/items", "item", {"title": "Welcome", "kind": "information"})
    assert response.status_code == 422 and "This meeting was cancelled." in text(response)
    assert count(app, AgendaItem) == 0


def test_a_meeting_can_t_be_held_before_it_starts_or_cancelled_once_recorded(app, client_for, users, clock, w):
    client = client_for("secretary")
    clock["at"] = MEETING_AT - timedelta(days=1)
    response = post(client, f"{meeting_url(w)}/status", "status", {"status": "held"})
    assert response.status_code == 422
    assert "This can only be recorded once the meeting has started" in text(response)
    clock["at"] = DURING
    attend(app, w)
    response = post(client, f"{meeting_url(w)}/status", "status", {"status": "cancelled"})
    assert response.status_code == 422
    assert "A meeting with attendance or votes recorded can't be cancelled." in text(response)
    with app.app_context():
        assert meetings.get(w["meeting"]).status == "held"


# --- agenda ------------------------------------------------------------------------------------


def test_add_an_agenda_item_about_a_proposal(app, client_for, world, w):
    client = client_for("secretary")
    form = page(client.get(meeting_url(w)))
    assert f'<option value="{world["proposal"]}">Skate park lights</option>' in form
    response = post(client, f"{meeting_url(w)}/items", "item", {
        "title": "Skate park lights", "kind": "decision", "description": "", "cycle_id": "",
        "proposal_id": str(world["proposal"])})
    assert response.status_code == 303
    with app.app_context():
        [item] = db.session.scalars(select(AgendaItem)).all()
        assert (item.position, item.kind, item.proposal_id, item.cycle_id) == (
            1, "decision", world["proposal"], world["cycle_feedback"])
    assert "Item 1, “Skate park lights”, is on the agenda." in text(client.get(response.headers["Location"]))


def test_an_agenda_item_with_an_unknown_proposal_is_refused(app, client_for, w):
    response = post(client_for("secretary"), f"{meeting_url(w)}/items", "item", {
        "title": "Something", "kind": "decision", "cycle_id": "", "proposal_id": "999999"})
    assert response.status_code == 422
    assert re.search(r'id="item-proposal_id-error">Choose a proposal from the list\.', page(response))
    assert count(app, AgendaItem) == 0
    response = post(client_for("secretary"), f"{meeting_url(w)}/items", "item", {"title": "", "kind": "decision"})
    assert response.status_code == 422 and "Give the agenda item a title." in text(response)
    assert count(app, AgendaItem) == 0


# --- attendance --------------------------------------------------------------------------------


def _rows(w, **statuses) -> dict:
    chosen = dict.fromkeys(everyone(w), "present")
    for status, people in statuses.items():
        chosen |= dict.fromkeys(people, status)
    return {f"p{pid}": value for pid, value in chosen.items()}


def test_record_attendance_one_row_per_member(app, client_for, w):
    client = client_for("secretary")
    body = page(client.get(meeting_url(w)))
    form = re.search(r'<form method="post" action="[^"]*/attendance".*?</form>', body, re.S).group(0)
    assert form.count('<fieldset class="member-row') == 10
    assert form.count('type="radio"') == 40
    assert "Youth member 3 (youth)" in " ".join(re.sub(r"<[^>]+>", " ", form).split())
    response = post(client, f"{meeting_url(w)}/attendance", "attendance",
                    _rows(w, absent=[w["youth4-person"]], remote=[w["youth2-person"]]))
    assert response.status_code == 303
    shown = text(client.get(response.headers["Location"]))
    assert "The attendance is saved. The meeting had quorum: 9 of the 10 voting members were present" in shown
    with app.app_context():
        recorded = {a.person_id: a.status for a in db.session.scalars(select(AttendanceRecord))}
        assert recorded[w["youth4-person"]] == "absent" and recorded[w["youth2-person"]] == "remote"
        assert len(recorded) == 10
        assert meetings.get(w["meeting"]).status == "held"


def test_attendance_before_the_meeting_or_with_a_row_missing_is_refused(app, client_for, clock, w):
    client = client_for("secretary")
    clock["at"] = MEETING_AT - timedelta(hours=2)
    response = post(client, f"{meeting_url(w)}/attendance", "attendance", _rows(w))
    assert response.status_code == 422
    assert "This can only be recorded once the meeting has started" in text(response)
    clock["at"] = DURING
    rows = _rows(w, absent=[w["youth4-person"]])
    del rows[f"p{w['youth3-person']}"]
    response = post(client, f"{meeting_url(w)}/attendance", "attendance", rows)
    assert response.status_code == 422
    assert "Choose whether Youth member 3 was there." in text(response)
    # What was chosen stays chosen.
    assert re.search(rf'id="attendance-p{w["youth4-person"]}-3"[^>]*checked|checked[^>]*'
                     rf'id="attendance-p{w["youth4-person"]}-3"', page(response))
    assert count(app, AttendanceRecord) == 0


# --- motions and roll calls ------------------------------------------------------------------


def test_add_a_motion(app, client_for, w):
    client = client_for("secretary")
    response = post(client, f"{meeting_url(w)}/motions", "motion", {
        "text": "Fund the skate park lights", "requirement": "two_thirds", "mover_id": str(w["youth1-person"]),
        "seconder_id": str(w["municipal2-person"]), "agenda_item_id": ""})
    assert response.status_code == 303
    with app.app_context():
        [motion] = db.session.scalars(select(Motion)).all()
        assert (motion.number, motion.requirement, motion.mover_id) == (1, "two_thirds", w["youth1-person"])
    shown = text(client.get(response.headers["Location"]))
    assert "Motion 1 is added." in shown
    assert "Two-thirds majority: at least two thirds of the yes and no votes are yes" in shown


def test_a_motion_seconded_by_its_mover_is_refused(app, client_for, w):
    response = post(client_for("secretary"), f"{meeting_url(w)}/motions", "motion", {
        "text": "Fund it", "requirement": "simple", "mover_id": str(w["youth1-person"]),
        "seconder_id": str(w["youth1-person"])})
    assert response.status_code == 422
    assert re.search(r'id="motion-seconder_id-error">The seconder must be another member than the mover\.',
                     page(response))
    assert count(app, Motion) == 0


def test_record_the_roll_call_then_publish(app, client_for, users, w):
    attend(app, w, excused=[w["municipal3-person"]])
    motion = add_motion(app, w)
    client = client_for("secretary")
    body = page(client.get(meeting_url(w)))
    votes = re.search(rf'<form method="post" action="[^"]*/motions/{motion}/votes".*?</form>', body, re.S).group(0)
    assert votes.count('<fieldset class="member-row') == 10
    # The excused member's row starts at absent; the others wait for a choice.
    excused = w["municipal3-person"]
    assert re.search(rf'checked[^>]*id="vote-{motion}-p{excused}-3"|id="vote-{motion}-p{excused}-3"[^>]*checked',
                     votes)
    assert votes.count("checked") == 1

    rows = {f"p{pid}": "yes" for pid in everyone(w)} | {f"p{excused}": "absent", f"p{w['youth5-person']}": "no"}
    response = post(client, f"{meeting_url(w)}/motions/{motion}/votes", f"vote-{motion}", rows)
    assert response.status_code == 303
    assert "The roll call on motion 1 is saved: adopted." in text(client.get(response.headers["Location"]))
    assert count(app, Vote) == 10

    # Publishing asks for the confirmation first.
    response = post(client, f"{meeting_url(w)}/motions/{motion}/publish", f"publish-{motion}", {})
    assert response.status_code == 422
    assert "Tick the box to confirm that the decision can be published." in text(response)
    assert count(app, Decision) == 0
    response = post(client, f"{meeting_url(w)}/motions/{motion}/publish", f"publish-{motion}", {"confirm": "y"})
    assert response.status_code == 303
    assert "Decision 2030/1 is published." in text(client.get(response.headers["Location"]))
    assert "Decision 2030/1: Adopted" in text(client_for("anonymous").get(meeting_url(w)))


def test_a_vote_from_an_absent_member_is_refused_and_nothing_is_saved(app, client_for, users, w):
    attend(app, w, absent=[w["youth2-person"]])
    motion = add_motion(app, w)
    rows = {f"p{pid}": "yes" for pid in everyone(w)}
    response = post(client_for("secretary"), f"{meeting_url(w)}/motions/{motion}/votes", f"vote-{motion}", rows)
    assert response.status_code == 422
    assert "Youth member 2 is not present at this meeting, so they can't vote." in text(response)
    assert count(app, Vote) == 0
    with app.app_context():
        assert db.session.get(Motion, motion).outcome is None


def test_a_roll_call_with_a_member_missing_is_refused(app, client_for, voted):
    w = voted
    motion = add_motion(app, w, text="Second motion")
    rows = {f"p{pid}": "yes" for pid in everyone(w)}
    del rows[f"p{w['youth1-person']}"]
    response = post(client_for("secretary"), f"{meeting_url(w)}/motions/{motion}/votes", f"vote-{motion}", rows)
    assert response.status_code == 422
    assert "Choose how Youth member 1 voted." in text(response)
    assert count(app, Vote, Vote.motion_id == motion) == 0


def test_publishing_an_unvoted_motion_is_refused(app, client_for, users, w):
    motion = add_motion(app, w)
    response = post(client_for("secretary"), f"{meeting_url(w)}/motions/{motion}/publish", f"publish-{motion}",
                    {"confirm": "y"})
    assert response.status_code == 422
    assert "Record the roll-call vote before publishing the decision." in text(response)
    assert count(app, Decision) == 0


def test_a_published_decision_s_roll_call_can_t_be_recorded_again(app, client_for, voted):
    w = voted
    publish(app, w, w["motion"])
    client = client_for("secretary")
    assert f"/motions/{w['motion']}/votes" not in page(client.get(meeting_url(w)))  # no form offered
    rows = {f"p{pid}": "no" for pid in everyone(w)}
    response = post(client, f"{meeting_url(w)}/motions/{w['motion']}/votes", f"vote-{w['motion']}", rows)
    assert response.status_code == 422
    assert "The decision on this motion is published; it can't change." in text(response)
    with app.app_context():
        assert db.session.get(Motion, w["motion"]).counts["total"]["yes"] == 8


def test_publish_a_correction(app, client_for, voted):
    w = voted
    first_id, _ = publish(app, w, w["motion"])
    fix = add_motion(app, w, text="Approve the ballot list without project 7")
    vote(app, w, fix)
    client = client_for("secretary")
    body = page(client.get(meeting_url(w)))
    assert f'<option value="{first_id}">Decision 2030/1: Approve the ballot list</option>' in body
    response = post(client, f"{meeting_url(w)}/motions/{fix}/correction", f"correct-{fix}", {"decision_id": "",
                                                                                              "note": ""})
    assert response.status_code == 422
    assert "Choose the decision this one corrects." in text(response) and "Say what the correction changes." in \
        text(response)
    response = post(client, f"{meeting_url(w)}/motions/{fix}/correction", f"correct-{fix}", {
        "decision_id": str(first_id), "note": "Project 7 was withdrawn."})
    assert response.status_code == 303
    assert "Decision 2030/2 is published as the correction of decision 2030/1." in text(
        client.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.scalar(select(Decision).where(Decision.number == "2030/2")).corrects_id == first_id


def test_a_correction_on_an_already_published_motion_is_refused(app, client_for, voted):
    w = voted
    first_id, _ = publish(app, w, w["motion"])
    fix = add_motion(app, w, text="Fix")
    vote(app, w, fix)
    publish(app, w, fix)
    response = post(client_for("secretary"), f"{meeting_url(w)}/motions/{fix}/correction", f"correct-{fix}", {
        "decision_id": str(first_id), "note": "Too late."})
    assert response.status_code == 422
    assert "Choose a voted motion whose decision is not yet published." in text(response)
    assert count(app, Decision) == 2
    with app.app_context():
        assert db.session.scalar(select(Decision).where(Decision.motion_id == fix)).corrects_id is None


# --- minutes -------------------------------------------------------------------------------------


def test_draft_approve_and_publish_the_minutes(app, client_for, users, clock, w):
    client = client_for("secretary")
    response = post(client, f"{meeting_url(w)}/minutes", "minutes", {"text": "Everyone came."})
    assert response.status_code == 303
    assert "The draft minutes are saved." in text(client.get(response.headers["Location"]))
    with app.app_context():
        later = meetings.schedule(user(users["secretary"]), "June meeting", NEXT_AT, place="Hall").id
    clock["at"] = NEXT_AT + timedelta(hours=1)
    body = page(client.get(meeting_url(w)))
    assert f'<option value="{later}">June meeting, ' in body
    response = post(client, f"{meeting_url(w)}/minutes/approve", "approve", {"at_meeting_id": str(later)})
    assert response.status_code == 303
    assert "The minutes are approved at “June meeting”." in text(client.get(response.headers["Location"]))
    assert "Everyone came." not in text(client_for("anonymous").get(meeting_url(w)))
    response = post(client, f"{meeting_url(w)}/minutes/publish", "publish-minutes", {})
    assert response.status_code == 303
    assert "The minutes are published." in text(client.get(response.headers["Location"]))
    assert "Everyone came." in text(client_for("anonymous").get(meeting_url(w)))


def test_minutes_refusals_change_nothing(app, client_for, users, clock, w):
    client = client_for("secretary")
    clock["at"] = MEETING_AT - timedelta(days=1)
    response = post(client, f"{meeting_url(w)}/minutes", "minutes", {"text": "Written too early."})
    assert response.status_code == 422
    assert "This can only be recorded once the meeting has started" in text(response)
    assert count(app, Minutes) == 0
    clock["at"] = DURING
    assert post(client, f"{meeting_url(w)}/minutes", "minutes", {"text": "Draft."}).status_code == 303
    # Not approved yet: publishing is refused.
    response = post(client, f"{meeting_url(w)}/minutes/publish", "publish-minutes", {})
    assert response.status_code == 422
    assert "Minutes are published once a later meeting has approved them." in text(response)
    # Approved at the same meeting: refused on the field.
    response = post(client, f"{meeting_url(w)}/minutes/approve", "approve", {"at_meeting_id": str(w["meeting"])})
    assert response.status_code == 422
    assert re.search(r'id="approve-at_meeting_id-error">Minutes are approved at a later meeting that took place\.',
                     page(response))
    with app.app_context():
        minutes = db.session.scalar(select(Minutes))
        assert (minutes.status, minutes.text, minutes.published_at) == ("draft", "Draft.", None)


# --- the proposal page ------------------------------------------------------------------------


def test_the_proposal_page_says_what_the_council_decided(app, users, client_for, world, w):
    with app.app_context():
        item = meetings.add_item(user(users["secretary"]), w["meeting"], "Skate park lights", "decision",
                                 proposal_id=world["proposal"]).id
    attend(app, w)
    motion = add_motion(app, w, text="Fund the skate park lights", item_id=item)
    vote(app, w, motion)
    url = f"/proposals/{world['proposal']}"
    assert "What the youth council decided" not in text(client_for("anonymous").get(url))  # not published yet
    decision_id, _ = publish(app, w, motion)
    response = client_for("anonymous").get(url)
    assert response.status_code == 200
    shown = text(response)
    section = shown[shown.index("What the youth council decided"):]
    assert "Decision 2030/1 : Adopted" in section or "Decision 2030/1: Adopted" in section
    assert "Fund the skate park lights" in section
    assert "Decided by the youth council at “May meeting” on May 6, 2030, on the agenda item “Skate park lights”." \
        in section
    assert "Votes: yes 8, no 1, abstained 1, absent 0." in section
    assert f'href="/council/meetings/{w["meeting"]}#decision-{decision_id}"' in page(response)
    # Another proposal's page says nothing about it.
    assert "What the youth council decided" not in text(client_for("anonymous").get(
        f"/proposals/{world['review_proposal']}"))
