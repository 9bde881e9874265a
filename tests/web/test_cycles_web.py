"""Budget cycles through the web: the secretary's form, opening and moving a cycle on,
and the public page with its timeline and what each visitor can do now."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.conftest import cycle_input, make_user, post_form, sign_in
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import Cycle, User
from ypb.models.base import utcnow
from ypb.services import cycles

RIGA = ZoneInfo("Europe/Riga")  # TestConfig's YPB_TIMEZONE
DAY = timedelta(days=1)


def local(value: datetime) -> str:
    """How a datetime-local input carries `value`: the municipality's wall clock."""
    return value.astimezone(RIGA).strftime("%Y-%m-%dT%H:%M")


def form_data(secretary_id: int, start: datetime, **overrides) -> dict:
    data = {
        "title": "Youth budget 2031", "description": "Ideas for **our town**.",
        "budget_total": "50 000", "currency": "eur", "min_age": "13", "max_age": "29",
        "residency_required": "y", "contact_id": str(secretary_id), "feedback_days": "7",
        "proposals_end": local(start + 14 * DAY), "feedback_end": local(start + 40 * DAY),
        "review_end": local(start + 50 * DAY), "voting_end": local(start + 60 * DAY),
        "results_end": local(start + 67 * DAY),
        "categories": "Influence over your own life\n  Good and equal health \n\nClimate transition\n",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def cycle_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Cycle.id)))


def load(app, cycle_id: int) -> Cycle:
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        _ = cycle.categories, cycle.contact
        db.session.expunge_all()
        return cycle


def make_cycle(app, users, *, start=None, phase: Phase = Phase.PROPOSALS, **overrides) -> int:
    """A cycle created (and opened, and moved on) through the services, `start` in the past or now."""
    start = start or utcnow()
    with app.app_context():
        secretary = db.session.get(User, users["secretary"])
        cycle = cycles.create(secretary, cycle_input(secretary.id, start, **overrides), now=start)
        if phase != Phase.DRAFT:
            cycles.advance(secretary, cycle.id, Phase.PROPOSALS, now=start)
        if phase == Phase.FEEDBACK:
            cycles.advance(secretary, cycle.id, Phase.FEEDBACK, now=start + DAY)
        return cycle.id


def flashed(client, response) -> str:
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


# --- the secretary's form -----------------------------------------------------------------


def test_secretary_creates_a_draft_that_only_staff_see_then_opens_it(app, users, client_for):
    secretary = client_for("secretary")
    start = utcnow().replace(second=0, microsecond=0)
    data = form_data(users["secretary"], start)
    response = post_form(secretary, "/cycles/new", data, token_from="/cycles/new")
    assert response.status_code == 303
    cycle_id = int(re.fullmatch(r"/cycles/(\d+)", response.headers["Location"]).group(1))

    cycle = load(app, cycle_id)
    assert cycle.phase == "draft"
    assert cycle.budget_total == 5_000_000 and cycle.currency == "EUR"
    assert [c.name for c in cycle.categories] == [
        "Influence over your own life", "Good and equal health", "Climate transition"]
    # Typed as the municipality's clock shows it, stored in UTC.
    assert cycle.proposals_end == (start + 14 * DAY).astimezone(UTC)
    assert cycle.voting_end.astimezone(RIGA).strftime("%Y-%m-%dT%H:%M") == data["voting_end"]

    page = flashed(secretary, response)
    assert "saved as a draft" in page
    assert "Move to Proposals" in page
    # A draft is invisible to everyone else, as if it did not exist.
    for role in ("anonymous", "youth", "council"):
        assert client_for(role).get(f"/cycles/{cycle_id}").status_code == 404, role
    assert "Youth budget 2031" not in app.test_client().get("/cycles/").get_data(as_text=True)
    assert "Youth budget 2031" not in app.test_client().get("/").get_data(as_text=True)
    staff_list = secretary.get("/cycles/").get_data(as_text=True)
    assert "Drafts" in staff_list and "Youth budget 2031" in staff_list

    opened = post_form(secretary, f"/cycles/{cycle_id}/advance", {"phase": "proposals"},
                       token_from=f"/cycles/{cycle_id}")
    assert "now in the Proposals phase" in flashed(secretary, opened)
    public = app.test_client().get(f"/cycles/{cycle_id}")
    assert public.status_code == 200
    assert "Youth budget 2031" in app.test_client().get("/").get_data(as_text=True)


def test_edit_form_shows_stored_dates_in_local_time(app, users, client_for):
    cycle_id = make_cycle(app, users, phase=Phase.DRAFT)
    cycle = load(app, cycle_id)
    html = client_for("secretary").get(f"/cycles/{cycle_id}/edit").get_data(as_text=True)
    assert f'value="{local(cycle.feedback_end)}"' in html
    assert 'type="datetime-local"' in html
    assert "Influence\nHealth\nClimate" in html
    assert 'value="50000"' in html  # the budget back as a typed amount


def test_a_budget_that_is_not_an_amount_is_refused_and_nothing_is_created(app, users, client_for):
    secretary = client_for("secretary")
    before = cycle_count(app)
    response = post_form(secretary, "/cycles/new", form_data(users["secretary"], utcnow(), budget_total="abc"),
                         token_from="/cycles/new")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter an amount like 1500 or 1500.50." in html
    assert 'id="budget_total-error"' in html and 'aria-invalid="true"' in html
    assert 'value="abc"' in html  # what was typed stays there to fix
    assert cycle_count(app) == before


def test_dates_out_of_order_are_shown_on_the_date_that_is_wrong(app, users, client_for):
    secretary = client_for("secretary")
    start = utcnow()
    data = form_data(users["secretary"], start, review_end=local(start + 45 * DAY),
                     voting_end=local(start + 44 * DAY))
    response = post_form(secretary, "/cycles/new", data, token_from="/cycles/new")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(r'id="voting_end-error">(.*?)</p>', html, re.S).group(1)
    assert "The Voting phase must end after the Review phase" in error
    assert cycle_count(app) == 0


def test_the_feedback_minimum_must_be_at_least_a_day(app, users, client_for):
    response = post_form(client_for("secretary"), "/cycles/new",
                         form_data(users["secretary"], utcnow(), feedback_days="0"), token_from="/cycles/new")
    assert response.status_code == 422
    assert "Enter between 1 and 365 days." in response.get_data(as_text=True)


def test_the_form_offers_staff_as_contact_and_defaults_to_me(app, users, client_for):
    html = client_for("secretary").get("/cycles/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="contact_id".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option selected value="{users["secretary"]}">', select_html)
    assert "Youth-User" not in select_html  # young people are not contact persons
    assert 'value="13"' in html and 'value="29"' in html and 'value="EUR"' in html


def test_editing_the_budget_after_voting_opened_is_refused(app, users, client_for):
    cycle_id = make_cycle(app, users, start=utcnow() - 3 * DAY, phase=Phase.FEEDBACK)
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        cycle.phase = "voting"  # as if the review had ended and voting opened
        db.session.commit()
    secretary = client_for("secretary")
    edit = f"/cycles/{cycle_id}/edit"
    html = secretary.get(edit).get_data(as_text=True)
    data = {name: value for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', html)}
    data.update(budget_total="99 000", title="Renamed while voting")
    data["description"] = "Ideas."
    data["categories"] = "Influence\nHealth\nClimate"
    data["residency_required"] = "y"
    data["contact_id"] = str(users["secretary"])
    response = post_form(secretary, edit, data, token_from=edit)
    assert response.status_code == 422
    assert "The budget and who may vote cannot change once voting has opened." in response.get_data(as_text=True)
    cycle = load(app, cycle_id)
    assert cycle.budget_total == 5_000_000 and cycle.title == "Youth budget 2027"


def test_other_settings_can_still_be_edited_while_voting(app, users, client_for):
    cycle_id = make_cycle(app, users, start=utcnow().replace(second=30) - 3 * DAY, phase=Phase.FEEDBACK)
    with app.app_context():
        db.session.get(Cycle, cycle_id).phase = "voting"
        db.session.commit()
    promised = load(app, cycle_id).voting_end
    assert promised.second == 30
    secretary = client_for("secretary")
    edit = f"/cycles/{cycle_id}/edit"
    html = secretary.get(edit).get_data(as_text=True)
    data = {name: value for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', html)}
    data.update(title="Youth budget 2027 (extended)", description="Ideas.", residency_required="y",
                categories="Influence\nHealth\nClimate", contact_id=str(users["secretary"]))
    response = post_form(secretary, edit, data, token_from=edit)
    errors = re.findall(r'class="error"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S)
    assert response.status_code == 303, errors
    cycle = load(app, cycle_id)
    assert cycle.title == "Youth budget 2027 (extended)"
    # The form shows minutes only; untouched dates keep their stored seconds, so voting's
    # promised end did not look "moved earlier".
    assert cycle.voting_end == promised


# --- moving a cycle on --------------------------------------------------------------------


def test_feedback_cannot_end_before_its_promised_length(app, users, client_for):
    cycle_id = make_cycle(app, users, start=utcnow() - 2 * DAY, phase=Phase.FEEDBACK)
    secretary = client_for("secretary")
    page = secretary.get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert "Move to Review" in page
    assert "Not possible yet" in page and "Feedback is still open" in page

    response = post_form(secretary, f"/cycles/{cycle_id}/advance", {"phase": "review"},
                         token_from=f"/cycles/{cycle_id}")
    html = flashed(secretary, response)
    assert "Feedback is still open: everyone was promised time to comment until" in html
    assert 'class="flash flash-error"' in html
    assert load(app, cycle_id).phase == "feedback"


def test_moving_on_once_and_a_repeated_click_does_not_move_twice(app, users, client_for):
    cycle_id = make_cycle(app, users)
    secretary = client_for("secretary")
    url = f"/cycles/{cycle_id}/advance"
    first = post_form(secretary, url, {"phase": "feedback"}, token_from=f"/cycles/{cycle_id}")
    assert "now in the Feedback phase" in flashed(secretary, first)
    again = post_form(secretary, url, {"phase": "feedback"}, token_from=f"/cycles/{cycle_id}")
    assert "can only move on to the Review phase" in flashed(secretary, again)
    assert load(app, cycle_id).phase == "feedback"


def test_only_staff_see_the_move_button_and_the_edit_link(app, users, client_for):
    cycle_id = make_cycle(app, users)
    assert "Move to Feedback" in client_for("admin").get(f"/cycles/{cycle_id}").get_data(as_text=True)
    for role in ("anonymous", "youth", "council"):
        html = client_for(role).get(f"/cycles/{cycle_id}").get_data(as_text=True)
        assert "Move to" not in html and f"/cycles/{cycle_id}/edit" not in html, role


# --- the public page ----------------------------------------------------------------------


def test_public_page_shows_facts_timeline_and_contact_name_only(app, users):
    cycle_id = make_cycle(app, users, description="Ideas for **our town**.\n\n<script>alert(1)</script>")
    with app.app_context():
        user = db.session.get(User, users["secretary"])
        user.email = "secret.contact@example.org"
        db.session.commit()
    html = app.test_client().get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert "<strong>our town</strong>" in html
    assert "<script>alert" not in html
    assert "€50,000.00" in html
    assert "People aged 13 to 29." in html and "You must live in the municipality." in html
    assert "Secretary-User" in html
    assert "secret.contact@example.org" not in html and "secretary-user" not in html
    for name in ("Influence", "Health", "Climate"):
        assert f"<li>{name}</li>" in html

    timeline = re.search(r'<ol class="steps"[^>]*>(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r"<li(.*?)>(.*?)</li>", timeline, re.S)
    labels = [re.sub(r"<[^>]+>", "", body).split("·")[0].strip() for _, body in items]
    assert labels == ["Proposals", "Feedback", "Review", "Voting", "Results", "Implementation", "Closed"]
    current = [body for attrs, body in items if 'aria-current="step"' in attrs]
    assert len(current) == 1 and "Proposals" in current[0] and "now" in current[0]
    assert "next" in items[1][1]  # feedback is the next phase
    assert re.search(r"\d{4}, .+ to .+\d{4}, ", current[0])  # from its real start to its planned end


def test_what_an_anonymous_visitor_can_do_while_proposals_are_open(app, users):
    cycle_id = make_cycle(app, users)
    html = app.test_client().get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert "Sign in or create an account to propose a project." in html
    assert f'href="/login?next=/cycles/{cycle_id}"' in html
    assert "Propose a project</a>" not in html


def test_an_eligible_young_person_is_invited_to_propose(app, users, client_for):
    cycle_id = make_cycle(app, users)
    html = client_for("youth").get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert f'href="/cycles/{cycle_id}/proposals/new">Propose a project</a>' in html
    assert "You can't propose" not in html


def test_a_too_old_person_is_told_why_they_cannot_propose(app, users):
    make_user(app, "grown-up", birth_year=1980)
    cycle_id = make_cycle(app, users)
    client = app.test_client()
    sign_in(client, "grown-up")
    html = client.get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert "You can't propose a project in this budget:" in html
    assert "This budget is for people aged 13 to 29." in html
    assert "/proposals/new" not in html


def test_a_non_resident_is_told_to_declare_residency(app, users):
    make_user(app, "visitor", resident=False)
    cycle_id = make_cycle(app, users)
    client = app.test_client()
    sign_in(client, "visitor")
    html = client.get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert "This budget is for people who live in the municipality." in html
    assert "/proposals/new" not in html
    # The same person may take part where residency is not asked for.
    open_id = make_cycle(app, users, residency_required=False, title="Open to all")
    assert "/proposals/new" in client.get(f"/cycles/{open_id}").get_data(as_text=True)


def test_during_feedback_everyone_is_sent_to_read_and_comment(app, users, client_for):
    cycle_id = make_cycle(app, users, start=utcnow() - 2 * DAY, phase=Phase.FEEDBACK)
    html = client_for("youth").get(f"/cycles/{cycle_id}").get_data(as_text=True)
    assert f'href="/cycles/{cycle_id}/proposals">Read and comment on the proposals</a>' in html
    assert "Propose a project" not in html


def test_during_review_the_page_says_the_council_is_reviewing(app, world):
    html = app.test_client().get(f"/cycles/{world['cycle_review']}").get_data(as_text=True)
    assert "The council is reviewing the proposals" in html
    steps = re.search(r'<ol class="steps"[^>]*>(.*?)</ol>', html, re.S).group(1)
    assert steps.count("done") == 2  # proposals and feedback are behind us


def test_the_list_puts_running_cycles_before_closed_ones(app, users):
    old = make_cycle(app, users, title="Last year's budget")
    with app.app_context():
        cycle = db.session.get(Cycle, old)
        cycle.phase, cycle.feedback_started_at = "closed", utcnow()
        db.session.commit()
    make_cycle(app, users, title="This year's budget")
    html = app.test_client().get("/cycles/").get_data(as_text=True)
    assert html.index("This year&#39;s budget") < html.index("Last year&#39;s budget")
    assert "Closed phase" in html and "€50,000.00" in html
    home = app.test_client().get("/").get_data(as_text=True)
    assert "Current budget cycles" in home
    assert "This year&#39;s budget" in home and "Last year&#39;s budget" not in home
    assert "Proposals phase, until" in home


def test_a_budget_too_large_to_store_is_refused_plainly(app, users, client_for):
    response = post_form(client_for("secretary"), "/cycles/new",
                         form_data(users["secretary"], utcnow(), budget_total="1 000 000 000 000"),
                         token_from="/cycles/new")
    assert response.status_code == 422
    assert "This amount is too large." in response.get_data(as_text=True)
    assert cycle_count(app) == 0


def test_voting_cannot_be_made_to_close_earlier_once_open(app, users, client_for):
    cycle_id = make_cycle(app, users, start=utcnow() - 3 * DAY, phase=Phase.FEEDBACK)
    with app.app_context():
        db.session.get(Cycle, cycle_id).phase = "voting"
        db.session.commit()
    promised = load(app, cycle_id).voting_end
    secretary = client_for("secretary")
    edit = f"/cycles/{cycle_id}/edit"
    html = secretary.get(edit).get_data(as_text=True)
    data = {name: value for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', html)}
    data.update(voting_end=local(promised - 2 * DAY), description="Ideas.", residency_required="y",
                categories="Influence\nHealth\nClimate", contact_id=str(users["secretary"]))
    response = post_form(secretary, edit, data, token_from=edit)
    assert response.status_code == 422
    error = re.search(r'id="voting_end-error">(.*?)</p>', response.get_data(as_text=True), re.S).group(1)
    assert "Voting was promised to stay open until" in error
    assert load(app, cycle_id).voting_end == promised
