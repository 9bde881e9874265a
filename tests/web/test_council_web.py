"""The youth council's pages through the web: the public composition on any day with its
parity status and history, a member's page, and every form of the secretary's page, each
refusal shown on its field with nothing saved."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import format_date
from sqlalchemy import func, select

from tests.conftest import csrf_token
from ypb.extensions import db
from ypb.models import Affiliation, Membership, Person, Seat, User
from ypb.services import council

START = date(2025, 1, 1)


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def text(response) -> str:
    """What a reader sees: the page without its tags, spaces squeezed."""
    body = re.sub(r"<[^>]+>", " ", page(response))
    return " ".join(body.split())


def post(client, path: str, prefix: str, data: dict):
    """A form of the manage page: its fields carry the form's prefix, its token too."""
    fields = {f"{prefix}-{name}": value for name, value in data.items()}
    fields[f"{prefix}-csrf_token"] = csrf_token(client, "/")
    return client.post(path, data=fields)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def today(app) -> date:
    return datetime.now(ZoneInfo(app.config["YPB_TIMEZONE"])).date()


def long_date(app, day: date) -> str:
    with app.test_request_context():
        return format_date(day, "long")


@pytest.fixture
def five_and_five(app, users):
    """A 5 + 5 council seated since START, except youth seat 5 (vacant); a secretary's seat;
    one former member whose term ended; contact details on everyone."""
    with app.app_context():
        staff = db.session.get(User, users["secretary"])
        council.save_settings(staff, "Youth Affairs Council", 5, 5, "majority")
        ids = {}
        for side in ("municipal", "youth"):
            for n in range(1, 6):
                role = {("municipal", 1): "chair", ("youth", 1): "vice_chair"}.get((side, n), "member")
                seat = council.add_seat(staff, f"{side.title()} seat {n}", side, role)
                ids[f"{side}{n}"] = seat.id
                if (side, n) == ("youth", 5):
                    continue
                person = council.add_person(staff, f"{side.title()} member {n}", email=f"{side}{n}@example.org",
                                            phone=f"+371 2000 00{n}{len(side)}")
                ids[f"{side}{n}-person"] = person.id
                ids[f"{side}{n}-membership"] = council.appoint(
                    staff, seat.id, person.id, START,
                    on_behalf_of="Municipal council" if side == "municipal" else "Youth organisations' union").id
        ids["secretary"] = council.add_seat(staff, "Coordinator", None, "secretary").id
        former = council.add_person(staff, "Former member", email="former@example.org", phone="+371 2999 9999")
        ids["former"] = former.id
        membership = council.appoint(staff, ids["youth5"], former.id, date(2023, 1, 1), on_behalf_of="Youth union")
        council.end_membership(staff, membership.id, date(2024, 12, 31), "Moved to another town")
        council.add_affiliation(staff, ids["municipal1-person"], "Municipal board", "Member",
                                date(2024, 1, 1), None)
        ids["nobody"] = council.add_person(staff, "Not yet seated", email="waiting@example.org").id
    return ids


CONTACTS = ("@example.org", "+371")


# --- the public page ------------------------------------------------------------------------

def test_before_the_council_is_set_up_the_page_says_so(client_for):
    response = client_for("anonymous").get("/council")
    assert response.status_code == 200
    assert "The youth council is not set up here yet." in text(response)
    assert "/council/manage" not in page(response)
    staff_view = client_for("secretary").get("/council")
    assert 'href="/council/manage"' in page(staff_view) and "Set up the council" in text(staff_view)


def test_everyone_finds_the_council_in_the_main_menu(client_for):
    for role in ("anonymous", "youth"):
        nav = re.search(r"<nav.*?</nav>", page(client_for(role).get("/")), re.S).group(0)
        assert 'href="/council"' in nav and ">Council<" in nav


def test_the_public_page_shows_who_sits_where_by_side(app, client_for, five_and_five):
    response = client_for("anonymous").get("/council")
    assert response.status_code == 200
    body = page(response)
    shown = text(response)
    assert "Youth Affairs Council" in shown
    assert f"The council today, {long_date(app, today(app))}" in shown
    municipal = body[body.index(">Municipal seats<"):body.index(">Youth seats<")]
    youth = body[body.index(">Youth seats<"):body.index(">Secretary<")]
    assert municipal.count("<li class=\"card") == 5 and "Youth member" not in municipal
    assert youth.count("<li class=\"card") == 5 and "Municipal member" not in youth
    # Seat, role, since when, who nominated, and a link to the member's page.
    assert "Municipal seat 1 Chair" in text(response) and "Youth seat 1 Vice-chair" in shown
    assert f"since {long_date(app, START)}" in shown
    assert "Nominated by Municipal council" in shown and "Nominated by Youth organisations' union" in shown
    assert f'href="/council/people/{five_and_five["youth2-person"]}"' in body
    # The vacancy, plainly, and the non-voting secretary's seat apart from the sides.
    assert re.search(r"Youth seat 5\s*</p>\s*<p><strong>Vacant</strong>", body)
    assert "Coordinator" in body[body.index(">Secretary<"):]


def test_the_parity_status_names_the_vacancy(app, client_for, five_and_five):
    shown = text(client_for("anonymous").get("/council"))
    assert "The parity rule says 5 municipal and 5 youth members; on this day there are 5 municipal and 4 youth" \
        in shown
    assert f"Vacant seats on the youth side on {long_date(app, today(app))}: 1." in shown
    assert "Balanced" not in shown


def test_a_full_council_is_balanced_in_words(app, client_for, users, five_and_five):
    with app.app_context():
        staff = db.session.get(User, users["secretary"])
        person = council.add_person(staff, "New youth member")
        council.appoint(staff, five_and_five["youth5"], person.id, START)
    shown = text(client_for("anonymous").get("/council"))
    assert "Balanced: 5 municipal and 5 youth members, as the parity rule says." in shown
    assert "Vacant" not in shown.replace("Coordinator Vacant", "")  # only the secretary's seat is open


def test_the_history_says_who_sat_when_and_why_they_left(app, client_for, five_and_five):
    response = client_for("anonymous").get("/council")
    history = page(response)[page(response).index("Who sat when"):]
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><a[^>]*>([^<]*)</a></th>(.*?)</tr>", history, re.S)
    assert len(rows) == 10  # nine members seated now, one before them
    cells = {name: [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
             for name, row in rows}
    with app.test_request_context():
        assert cells["Former member"] == [
            "Youth seat 5 youth",
            f"{format_date(date(2023, 1, 1))} to {format_date(date(2024, 12, 31))} Moved to another town"]
        assert cells["Municipal member 1"] == ["Municipal seat 1 municipal", f"since {format_date(START)}"]


def test_contact_details_never_reach_the_public_pages(client_for, five_and_five):
    for role in ("anonymous", "youth", "council"):
        client = client_for(role)
        for url in ("/council", f"/council/people/{five_and_five['municipal1-person']}",
                    f"/council/people/{five_and_five['former']}"):
            body = page(client.get(url))
            assert not any(contact in body for contact in CONTACTS), (role, url)


def test_the_day_picker_shows_the_council_on_another_day(app, client_for, five_and_five):
    client = client_for("anonymous")
    response = client.get("/council?on=2024-06-01")
    assert response.status_code == 200
    shown = text(response)
    assert f"The council on {long_date(app, date(2024, 6, 1))}" in shown
    assert 'value="2024-06-01"' in page(response)  # the picker keeps the day
    # Before the current members: only the former member sat, in youth seat 5.
    assert "Former member" in shown.split("Who sat when")[0]
    assert "Municipal member 1" not in shown.split("Who sat when")[0]
    assert "Vacant seats on the municipal side on June 1, 2024: 5." in shown
    assert "See the council today" in shown


def test_the_day_picker_works_as_a_plain_form(client_for, five_and_five):
    body = page(client_for("anonymous").get("/council"))
    form = re.search(r'<form method="get" action="/council"[^>]*>(.*?)</form>', body, re.S).group(1)
    assert 'type="date"' in form and 'name="on"' in form and "<button" in form


@pytest.mark.parametrize("typed", ["2025-13-45", "yesterday", "31/12/2024"])
def test_a_date_that_cant_be_read_says_so_and_shows_today(app, client_for, five_and_five, typed):
    response = client_for("anonymous").get("/council", query_string={"on": typed})
    assert response.status_code == 200
    shown = text(response)
    assert "Enter a date, for example 2027-03-31." in shown
    assert "The date you asked for can't be read, so this is the council today." in shown
    assert f"The council today, {long_date(app, today(app))}" in shown
    assert 'aria-invalid="true"' in page(response)
    assert f'value="{today(app).isoformat()}"' in page(response)  # the picker shows the day on the page


def test_an_empty_date_shows_today(app, client_for, five_and_five):
    response = client_for("anonymous").get("/council?on=")
    assert f"The council today, {long_date(app, today(app))}" in text(response)
    assert "can't be read" not in text(response)


# --- a member's page ------------------------------------------------------------------------

def test_a_members_page_shows_seats_and_other_bodies(app, client_for, five_and_five):
    response = client_for("anonymous").get(f"/council/people/{five_and_five['municipal1-person']}")
    assert response.status_code == 200
    shown = text(response)
    assert "<h1>Municipal member 1</h1>" in page(response)
    assert "Municipal seat 1 Chair" in shown
    assert "Side municipal" in shown
    assert f"Term since {long_date(app, START)}" in shown
    assert "Nominated by Municipal council" in shown
    assert "Seats in other bodies Municipal board Member" in shown
    assert f"since {long_date(app, date(2024, 1, 1))}" in shown


def test_a_former_members_page_shows_the_end_and_its_reason(app, client_for, five_and_five):
    shown = text(client_for("anonymous").get(f"/council/people/{five_and_five['former']}"))
    assert f"{long_date(app, date(2023, 1, 1))} to {long_date(app, date(2024, 12, 31))}" in shown
    assert "Why it ended Moved to another town" in shown
    assert "None recorded." in shown


def test_only_people_who_held_a_seat_have_a_page(client_for, five_and_five):
    client = client_for("anonymous")
    assert client.get(f"/council/people/{five_and_five['nobody']}").status_code == 404
    assert client.get("/council/people/99999").status_code == 404


# --- the secretary's page -------------------------------------------------------------------

def test_the_manage_page_shows_contact_details_to_staff(client_for, five_and_five):
    for role in ("secretary", "admin"):
        response = client_for(role).get("/council/manage")
        assert response.status_code == 200
        body = page(response)
        assert "youth2@example.org" in body and "+371 2000 0025" in body
        assert "only staff see them" in body


def test_the_forms_say_contact_details_are_private(client_for):
    shown = text(client_for("secretary").get("/council/manage"))
    assert "Email (optional) Private: only the secretary sees it." in shown
    assert "Phone (optional) Private: only the secretary sees it." in shown


def test_setting_up_the_council(app, client_for):
    client = client_for("secretary")
    manage = page(client.get("/council/manage"))
    assert "Start here" in manage and 'action="/council/seats"' not in manage  # seats come after the settings
    response = post(client, "/council/settings", "settings", {
        "name": "Youth Affairs Council", "parity_municipal": "5", "parity_youth": "5",
        "quorum_rule": "majority_each_side"})
    assert response.status_code == 303 and response.headers["Location"] == "/council/manage"
    assert "The council is set up. Now add its seats." in text(client.get("/council/manage"))
    with app.app_context():
        found = council.get_council()
        assert (found.name, found.parity_municipal, found.parity_youth, found.quorum_rule) == (
            "Youth Affairs Council", 5, 5, "majority_each_side")


def test_the_settings_form_shows_the_quorum_rules_as_radio_buttons(client_for, five_and_five):
    body = page(client_for("secretary").get("/council/manage"))
    assert '<input checked id="settings-quorum_rule-0" name="settings-quorum_rule" type="radio" value="majority">' \
        in body
    assert "More than half of the voting members present, with at least one from each side" in body
    assert 'value="Youth Affairs Council"' in body  # filled in from the stored settings


def test_changing_the_settings(app, client_for, five_and_five):
    client = client_for("admin")
    response = post(client, "/council/settings", "settings", {
        "name": "Trakai Youth Affairs Council", "parity_municipal": "6", "parity_youth": "6",
        "quorum_rule": "majority"})
    assert response.status_code == 303
    assert "The council's settings are saved." in text(client.get("/council/manage"))
    with app.app_context():
        assert council.get_council().parity_youth == 6
    shown = text(client.get("/council"))
    assert "The youth side has 5 voting seats, but the parity rule says 6." in shown


@pytest.mark.parametrize(("data", "message"), [
    ({"parity_youth": "0"}, "The parity rule must give the youth side at least one seat."),
    ({"parity_municipal": "five"}, "Enter a whole number, for example 7."),
    ({"name": "  "}, "Give the council a name."),
    ({"quorum_rule": "unanimity"}, "Choose one of the quorum rules."),
])
def test_wrong_settings_are_refused_and_nothing_changes(app, client_for, five_and_five, data, message):
    values = {"name": "Renamed", "parity_municipal": "5", "parity_youth": "5", "quorum_rule": "majority", **data}
    response = post(client_for("secretary"), "/council/settings", "settings", values)
    assert response.status_code == 422
    assert message in text(response)
    assert 'aria-invalid="true"' in page(response)
    assert "Nothing was saved." in text(response)
    with app.app_context():
        found = council.get_council()
        assert (found.name, found.parity_youth) == ("Youth Affairs Council", 5)


def test_adding_a_seat(app, client_for, five_and_five):
    client = client_for("secretary")
    response = post(client, "/council/seats", "seat", {"label": "Youth seat 6", "constituency": "youth",
                                                        "role": "member"})
    assert response.status_code == 303
    assert "The seat “Youth seat 6” is added." in text(client.get("/council/manage"))
    with app.app_context():
        seat = db.session.scalar(select(Seat).where(Seat.label == "Youth seat 6"))
        assert (seat.constituency, seat.role) == ("youth", "member")


def test_the_secretary_seat_needs_no_side(app, client_for, five_and_five):
    response = post(client_for("secretary"), "/council/seats", "seat", {"label": "Deputy coordinator",
                                                                         "role": "secretary"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Seat.constituency).where(Seat.label == "Deputy coordinator")) is None


@pytest.mark.parametrize(("data", "message"), [
    ({"label": "Youth seat 1"}, "Another seat already has this name."),
    ({"constituency": ""}, "Choose the side the seat belongs to: municipal or youth."),
    ({"role": "president"}, "Choose the seat's role."),
    ({"label": ""}, "Give the seat a name."),
])
def test_a_wrong_seat_is_refused_on_its_field(app, client_for, five_and_five, data, message):
    before = count(app, Seat)
    values = {"label": "New seat", "constituency": "youth", "role": "member", **data}
    response = post(client_for("secretary"), "/council/seats", "seat", values)
    assert response.status_code == 422
    body = page(response)
    assert re.search(r'id="seat-\w+-error">' + re.escape(message), body), message
    assert count(app, Seat) == before


def test_no_seat_before_the_council_is_set_up(app, client_for, users):
    response = post(client_for("secretary"), "/council/seats", "seat", {"label": "Youth seat 1",
                                                                         "constituency": "youth", "role": "member"})
    assert response.status_code == 422
    assert "Set up the council first: its name and parity rule." in text(response)
    assert count(app, Seat) == 0


def test_adding_a_person_with_private_contact_details(app, client_for, five_and_five):
    client = client_for("secretary")
    response = post(client, "/council/people", "person", {"name": "Ieva Ozola", "email": "ieva@example.org",
                                                           "phone": "+371 2611 1111"})
    assert response.status_code == 303
    assert "Ieva Ozola is added. You can now appoint them to a seat." in text(client.get("/council/manage"))
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.name == "Ieva Ozola"))
        assert (person.email, person.phone) == ("ieva@example.org", "+371 2611 1111")


@pytest.mark.parametrize(("data", "message", "field"), [
    ({"email": "not an address"}, "Enter an email address like name@example.org, or leave it empty.", "email"),
    ({"name": ""}, "Enter the person's name.", "name"),
    ({"phone": "1" * 41}, "Use at most 40 characters.", "phone"),
])
def test_a_wrong_person_is_refused_on_its_field(app, client_for, five_and_five, data, message, field):
    before = count(app, Person)
    values = {"name": "Ieva Ozola", "email": "", "phone": "", **data}
    response = post(client_for("secretary"), "/council/people", "person", values)
    assert response.status_code == 422
    assert f'id="person-{field}-error">{message}' in page(response)
    assert count(app, Person) == before


def test_appointing_a_member_to_the_vacant_seat(app, client_for, five_and_five):
    client = client_for("secretary")
    response = post(client, "/council/appointments", "appoint", {
        "seat_id": five_and_five["youth5"], "person_id": five_and_five["nobody"], "start": "2025-02-01",
        "end": "", "on_behalf_of": "Youth organisations' union"})
    assert response.status_code == 303
    assert (f"Not yet seated holds the seat “Youth seat 5” from {long_date(app, date(2025, 2, 1))}."
            in text(client.get("/council/manage")))
    assert "Balanced: 5 municipal and 5 youth members" in text(client.get("/council"))
    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.person_id == five_and_five["nobody"]))
        assert (membership.start_date, membership.end_date, membership.on_behalf_of) == (
            date(2025, 2, 1), None, "Youth organisations' union")


def test_an_overlapping_appointment_is_refused_and_nothing_saved(app, client_for, five_and_five):
    before = count(app, Membership)
    response = post(client_for("secretary"), "/council/appointments", "appoint", {
        "seat_id": five_and_five["youth1"], "person_id": five_and_five["nobody"], "start": "2025-06-01"})
    assert response.status_code == 422
    body = page(response)
    expected = (f"Youth member 1 holds this seat from {long_date(app, START)} with no end date; "
                "end that membership first.")
    assert f'id="appoint-start-error">{expected}' in body
    assert 'value="2025-06-01"' in body  # what was typed stays
    assert f'<option selected value="{five_and_five["youth1"]}">' in body
    assert count(app, Membership) == before


@pytest.mark.parametrize(("data", "message", "field"), [
    ({"start": ""}, "Enter the first day in the seat.", "start"),
    ({"start": "2025-02-30"}, "Enter a date, for example 2027-03-31.", "start"),
    ({"end": "soon"}, "Enter a date, for example 2027-03-31.", "end"),
    ({"seat_id": ""}, "Choose a seat from the list.", "seat_id"),
    ({"person_id": "99999"}, "Choose a person from the list.", "person_id"),
    ({"end": "2025-01-31"}, "The membership can't end on January 31, 2025, before it starts on February 1, 2025.",
     "end"),
])
def test_a_wrong_appointment_is_refused_on_its_field(app, client_for, five_and_five, data, message, field):
    before = count(app, Membership)
    values = {"seat_id": five_and_five["youth5"], "person_id": five_and_five["nobody"], "start": "2025-02-01",
              "end": "", **data}
    response = post(client_for("secretary"), "/council/appointments", "appoint", values)
    assert response.status_code == 422
    assert f'id="appoint-{field}-error">{message}' in page(response)
    assert count(app, Membership) == before


def test_ending_a_membership(app, client_for, five_and_five):
    client = client_for("secretary")
    membership_id = five_and_five["youth2-membership"]
    response = post(client, f"/council/memberships/{membership_id}/end", f"end-{membership_id}",
                    {"end": "2025-03-31", "reason": "Resigned"})
    assert response.status_code == 303
    assert (f"The membership of Youth member 2 in the seat “Youth seat 2” ends on "
            f"{long_date(app, date(2025, 3, 31))}." in text(client.get("/council/manage")))
    with app.app_context():
        membership = db.session.get(Membership, membership_id)
        assert (membership.end_date, membership.end_reason) == (date(2025, 3, 31), "Resigned")
    assert "Resigned" in text(client.get("/council"))


@pytest.mark.parametrize(("data", "message", "field"), [
    ({"end": "2024-12-01"}, "The membership can't end on December 1, 2024, before it starts on January 1, 2025.",
     "end"),
    ({"end": ""}, "Enter the last day in the seat.", "end"),
    ({"end": "31-03-2025"}, "Enter a date, for example 2027-03-31.", "end"),
    ({"reason": ""}, "Say why the membership ends.", "reason"),
])
def test_a_wrong_end_is_refused_on_its_field(app, client_for, five_and_five, data, message, field):
    membership_id = five_and_five["youth2-membership"]
    values = {"end": "2025-03-31", "reason": "Resigned", **data}
    response = post(client_for("secretary"), f"/council/memberships/{membership_id}/end", f"end-{membership_id}",
                    values)
    assert response.status_code == 422
    body = page(response)
    assert f'id="end-{membership_id}-{field}-error">{message}' in body
    # The form that needs fixing is unfolded.
    assert re.search(rf'<details class="row-details" open>\s*<summary>[^<]*</summary>\s*'
                     rf'<form method="post" action="/council/memberships/{membership_id}/end"', body)
    with app.app_context():
        assert db.session.get(Membership, membership_id).end_date is None


def test_a_membership_that_does_not_exist_cannot_be_ended(client_for, five_and_five):
    response = post(client_for("secretary"), "/council/memberships/99999/end", "end-99999",
                    {"end": "2025-03-31", "reason": "Resigned"})
    assert response.status_code == 422
    assert "That membership does not exist." in text(response)


def test_adding_a_seat_in_another_body(app, client_for, five_and_five):
    client = client_for("secretary")
    person_id = five_and_five["youth1-person"]
    response = post(client, f"/council/people/{person_id}/affiliations", f"aff-{person_id}",
                    {"body": "Municipal board", "role": "Observer", "start": "2025-01-15", "end": ""})
    assert response.status_code == 303
    assert "The seat in Municipal board is added to the page of Youth member 1." in text(client.get("/council/manage"))
    shown = text(client_for("anonymous").get(f"/council/people/{person_id}"))
    assert "Municipal board Observer" in shown and f"since {long_date(app, date(2025, 1, 15))}" in shown


@pytest.mark.parametrize(("data", "message", "field"), [
    ({"end": "2024-01-01"}, "The end date can't be before the start date.", "end"),
    ({"body": ""}, "Name the body.", "body"),
    ({"start": "someday"}, "Enter a date, for example 2027-03-31.", "start"),
])
def test_a_wrong_affiliation_is_refused_on_its_field(app, client_for, five_and_five, data, message, field):
    person_id = five_and_five["youth1-person"]
    values = {"body": "Municipal board", "role": "", "start": "2025-01-15", "end": "", **data}
    response = post(client_for("secretary"), f"/council/people/{person_id}/affiliations", f"aff-{person_id}", values)
    assert response.status_code == 422
    assert f'id="aff-{person_id}-{field}-error">{message}' in page(response)
    assert count(app, Affiliation) == 1  # the fixture's own


def test_an_affiliation_for_nobody_is_refused(app, client_for, five_and_five):
    response = post(client_for("secretary"), "/council/people/99999/affiliations", "aff-99999",
                    {"body": "Municipal board"})
    assert response.status_code == 422
    assert "Choose a person from the list." in text(response)
    assert count(app, Affiliation) == 1


def test_a_refused_form_says_where_to_look(client_for, five_and_five):
    response = post(client_for("secretary"), "/council/seats", "seat", {"label": "", "constituency": "youth",
                                                                         "role": "member"})
    assert response.status_code == 422
    assert ('Nothing was saved. Please correct the marked fields in: <a href="#seats">Seats</a>'
            in page(response))
    assert 'id="seat-label-error">Give the seat a name.' in page(response)

