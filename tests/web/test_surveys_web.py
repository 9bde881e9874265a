"""KPIs, satisfaction surveys and the cycle report through the web.

The secretary reports a project's KPIs on its page and the public reads target against actual;
the secretary opens a survey and gets its link and QR code; a participant answers from the
link without an account or JavaScript, once per phone session (a copied cookie can't answer
again), within the rate limit; results show from five answers; the cycle's report and its CSV.
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
import segno
from sqlalchemy import func, select

from tests.conftest import csrf_token, post_form
from tests.services.test_projects_service import funded_cycle
from ypb.extensions import db
from ypb.models import Cycle, User
from ypb.models.kpi import ProjectKpis
from ypb.models.survey import Survey, SurveyAnswer
from ypb.services import projects, surveys

KPIS = {"kpis-engaged_target": "40", "kpis-engaged_actual": "52", "kpis-benefited_target": "200",
        "kpis-benefited_actual": "", "kpis-satisfaction_kind": "average", "kpis-satisfaction_target": "4,2",
        "kpis-satisfaction_actual": "", "kpis-effect_unit": "events held", "kpis-effect_target_number": "10",
        "kpis-effect_actual_number": "12.5", "kpis-effect_target_text": "Young people run their own events.",
        "kpis-effect_actual_text": "<b>Twelve</b> events."}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def squash(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def made(app, users):
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        found = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))
        made.update(project=found[0].id, second=found[1].id, title=found[0].proposal.title)
    return {**made, **users}


def page_of(made) -> str:
    return f"/projects/{made['project']}"


def survey_page(made) -> str:
    return f"{page_of(made)}/survey"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def open_survey(app, made, client_for) -> str:
    """Open the survey as the secretary; its token."""
    response = post_form(client_for("secretary"), f"{survey_page(made)}/open", token_from=survey_page(made))
    assert response.status_code == 303
    with app.app_context():
        return surveys.for_project(made["project"]).token


def answer(client, token: str, rating="5", comment=""):
    """A participant opens the link and answers, as a browser without JavaScript would."""
    return post_form(client, f"/s/{token}", {"rating": rating, "comment": comment}, token_from=f"/s/{token}")


# --- KPIs --------------------------------------------------------------------------------------


def test_the_public_sees_the_four_kpis_not_reported_yet_and_no_form(made, client_for):
    page = text(client_for("anonymous").get(page_of(made)))
    assert "Results for young people" in page
    for label in ("Young people engaged", "Young people who benefited", "Participant satisfaction",
                  "Overall effect"):
        assert label in page
    assert page.count("not reported yet") == 8  # a target and an actual each
    assert "Report the KPIs" not in page and "/kpis" not in page


def test_the_secretary_reports_kpis_and_everyone_reads_target_against_actual(app, made, client_for):
    secretary = client_for("secretary")
    response = post_form(secretary, f"{page_of(made)}/kpis", KPIS, token_from=page_of(made))
    assert response.status_code == 303 and response.headers["Location"].endswith("#kpis")
    assert "The KPIs are saved." in text(secretary.get(response.headers["Location"]))
    page = squash(text(client_for("anonymous").get(page_of(made))))
    assert "Young people engaged Target 40 Actual 52" in page
    assert "Young people who benefited Target 200 Actual not reported yet" in page
    assert "Participant satisfaction Target 4.2 out of 5 Actual not reported yet" in page
    assert "Target 10 events held Young people run their own events." in page
    assert "Actual 12.5 events held Twelve events." in page
    raw = client_for("anonymous").get(page_of(made)).get_data(as_text=True)
    assert "&lt;b&gt;Twelve&lt;/b&gt;" in raw  # shown as text, never as markup
    with app.app_context():
        row = db.session.get(ProjectKpis, made["project"])
        assert (row.satisfaction_target, row.effect_actual_number) == (42, 1250)
    form = text(secretary.get(page_of(made)))
    assert 'value="4.2"' in form and 'value="12.5"' in form  # the form shows what was saved


def test_a_share_target_is_shown_as_a_percentage(made, client_for):
    data = {**KPIS, "kpis-satisfaction_kind": "share", "kpis-satisfaction_target": "80 %",
            "kpis-satisfaction_actual": "75"}
    assert post_form(client_for("secretary"), f"{page_of(made)}/kpis", data, token_from=page_of(made)
                     ).status_code == 303
    page = squash(text(client_for("youth").get(page_of(made))))
    assert "Participant satisfaction Target 80% Actual 75%" in page
    assert "Reported by the project's coordinator." in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"kpis-engaged_actual": "-4"}, "engaged_actual", "Enter a whole number of people, zero or more."),
    ({"kpis-satisfaction_target": "7"}, "satisfaction_target", "An average rating is from 1.0 to 5.0"),
    ({"kpis-satisfaction_target": "4.25"}, "satisfaction_target", "An average rating is from 1.0 to 5.0"),
    ({"kpis-effect_actual_number": "lots"}, "effect_actual_number", "Enter a number of zero or more"),
    ({"kpis-effect_unit": ""}, "effect_unit", "Say what the number counts"),
    ({"kpis-effect_actual_text": "x" * 1001}, "effect_actual_text", "Use at most 1000 characters."),
])
def test_refused_kpis_show_the_reason_on_the_field_and_save_nothing(app, made, client_for, changes, field,
                                                                     message):
    response = post_form(client_for("secretary"), f"{page_of(made)}/kpis", {**KPIS, **changes},
                         token_from=page_of(made))
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was saved." in page and "Results for young people" in page
    error = re.search(rf'<p class="error" id="kpis-{field}-error">([^<]*)</p>', page)
    assert error and message in error.group(1)
    assert count(app, ProjectKpis) == 0


def test_after_delivery_the_targets_are_fixed_but_actuals_can_be_reported(app, made, client_for):
    secretary = client_for("secretary")
    post_form(secretary, f"{page_of(made)}/kpis", KPIS, token_from=page_of(made))
    with app.app_context():
        projects.update_status(db.session.get(User, made["secretary"]), made["project"], "delivered", 100, 0)
    page = text(secretary.get(page_of(made)))
    assert "Report the KPIs" in page and "its targets are fixed" in page
    response = post_form(secretary, f"{page_of(made)}/kpis", {**KPIS, "kpis-engaged_target": "20"},
                         token_from=page_of(made))
    assert response.status_code == 422 and "only the actual figures can still be reported" in text(response)
    response = post_form(secretary, f"{page_of(made)}/kpis", {**KPIS, "kpis-benefited_actual": "240"},
                         token_from=page_of(made))
    assert response.status_code == 303
    assert "Target 200 Actual 240" in squash(text(secretary.get(page_of(made))))


def test_only_staff_report_kpis(app, made, client_for):
    for role in ("youth", "council"):
        assert post_form(client_for(role), f"{page_of(made)}/kpis", KPIS, token_from="/").status_code == 403
    assert count(app, ProjectKpis) == 0


# --- opening the survey -------------------------------------------------------------------------


def test_the_secretary_opens_a_survey_and_gets_its_link_and_qr_code(app, made, client_for):
    secretary = client_for("secretary")
    page = text(secretary.get(survey_page(made)))
    assert "No satisfaction survey has been opened for this project yet." in page and "Open the survey" in page
    token = open_survey(app, made, client_for)
    page = text(secretary.get(survey_page(made)))
    assert "Participants answer at this address, without an account:" in page
    link = f"http://localhost/s/{token}"
    assert f'<a href="{link}">{link}</a>' in page
    assert f'src="{survey_page(made)}/qr.svg"' in page and "Print the QR code" in page
    assert secretary.get(survey_page(made)).headers["Cache-Control"] == "no-store"

    qr = secretary.get(f"{survey_page(made)}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    expected = io.BytesIO()
    segno.make(link, error="m", micro=False).save(expected, kind="svg", border=4, omitsize=True, xmldecl=False,
                                                 title=f"QR code of the survey about {made['title']}")
    assert qr.get_data() == expected.getvalue()  # the QR code carries exactly the survey's link

    printable = text(secretary.get(f"{survey_page(made)}/print"))
    assert "How was it?" in printable and link in printable and 'src="' + survey_page(made) + '/qr.svg"' in printable


def test_the_public_never_sees_the_link(app, made, client_for):
    token = open_survey(app, made, client_for)
    for role in ("anonymous", "youth", "council"):
        page = client_for(role).get(survey_page(made)).get_data(as_text=True)
        assert "Satisfaction survey" in page and token not in page
        assert token not in client_for(role).get(page_of(made)).get_data(as_text=True)
    assert client_for("youth").get(f"{survey_page(made)}/qr.svg").status_code == 403
    assert client_for("anonymous").get(f"{survey_page(made)}/print").status_code == 302


def test_opening_twice_says_so(app, made, client_for):
    open_survey(app, made, client_for)
    secretary = client_for("secretary")
    response = post_form(secretary, f"{survey_page(made)}/open", token_from=survey_page(made))
    assert response.status_code == 303
    assert "The survey is already open." in text(secretary.get(response.headers["Location"]))
    assert count(app, Survey) == 1


# --- answering -----------------------------------------------------------------------------------


def test_a_participant_answers_without_an_account_and_is_thanked(app, made, client_for):
    token = open_survey(app, made, client_for)
    participant = client_for("anonymous")
    page = participant.get(f"/s/{token}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    body = text(page)
    assert made["title"] in body and "5 – Very happy" in body and "1 – Very unhappy" in body
    assert '<meta name="robots" content="noindex">' in body and "<script>" not in body.split("</head>")[1]
    response = answer(participant, token, "4", "Fun, but too short")
    assert response.status_code == 303 and response.headers["Location"] == f"/s/{token}/thanks"
    thanks = text(participant.get(response.headers["Location"]))
    assert "Thank you!" in thanks and f"Your answer about “{made['title']}” is saved." in thanks
    with app.app_context():
        [stored] = db.session.scalars(select(SurveyAnswer)).all()
        assert (stored.rating, stored.comment) == (4, "Fun, but too short")


def test_a_second_answer_from_the_same_session_changes_nothing(app, made, client_for):
    token = open_survey(app, made, client_for)
    participant = client_for("anonymous")
    assert answer(participant, token, "2").status_code == 303
    again = participant.get(f"/s/{token}")
    assert again.status_code == 200 and "You have already answered" in text(again)
    assert 'name="rating"' not in text(again)
    response = post_form(participant, f"/s/{token}", {"rating": "5"}, token_from="/")
    assert response.status_code == 409 and "your first answer stays as it was" in text(response)
    with app.app_context():
        assert [a.rating for a in db.session.scalars(select(SurveyAnswer))] == [2]
    assert answer(client_for("anonymous"), token, "5").status_code == 303  # another phone
    assert count(app, SurveyAnswer) == 2


def test_replaying_the_cookie_from_before_the_answer_cannot_answer_twice(app, made, client_for):
    token = open_survey(app, made, client_for)
    participant = client_for("anonymous")
    form = participant.get(f"/s/{token}")
    old_cookie = participant.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    old_csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.get_data(as_text=True)).group(1)
    assert participant.post(f"/s/{token}", data={"rating": "1", "csrf_token": old_csrf}).status_code == 303

    replay = app.test_client()  # a fresh browser given the old cookie
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], old_cookie)
    response = replay.post(f"/s/{token}", data={"rating": "1", "csrf_token": old_csrf})
    assert response.status_code == 409 and "You have already answered" in text(response)
    assert count(app, SurveyAnswer) == 1


def test_the_nonce_in_the_cookie_is_never_stored(app, made, client_for):
    token = open_survey(app, made, client_for)
    participant = client_for("anonymous")
    participant.get(f"/s/{token}")
    cookie = participant.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    session = app.session_interface.get_signing_serializer(app).loads(cookie)
    nonce = session["survey_nonce"]
    answer(participant, token, "5", "ok")
    with app.app_context():
        [stored] = db.session.scalars(select(SurveyAnswer)).all()
        assert nonce not in repr({c: getattr(stored, c) for c in ("rating", "comment", "answered_on",
                                                                  "fingerprint")})


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose a rating from 1 to 5."),
    ({"rating": "9"}, "Choose a rating from 1 to 5."),
    ({"rating": "five"}, "Choose a rating from 1 to 5."),
    ({"rating": "4", "comment": "x" * 501}, "Use at most 500 characters."),
])
def test_a_bad_answer_is_shown_again_with_the_reason(app, made, client_for, data, message):
    token = open_survey(app, made, client_for)
    participant = client_for("anonymous")
    response = post_form(participant, f"/s/{token}", data, token_from=f"/s/{token}")
    assert response.status_code == 422
    page = text(response)
    assert "Your answer was not saved yet." in page and message in page and 'name="rating"' in page
    assert count(app, SurveyAnswer) == 0
    assert answer(participant, token, "3").status_code == 303  # and the same phone can still answer


def test_a_closed_survey_refuses_answers(app, made, client_for):
    token = open_survey(app, made, client_for)
    participant = client_for("anonymous")
    participant.get(f"/s/{token}")
    secretary = client_for("secretary")
    response = post_form(secretary, f"{survey_page(made)}/close", token_from=survey_page(made))
    assert response.status_code == 303
    assert "The survey is closed. It takes no more answers." in text(secretary.get(survey_page(made)))
    page = participant.get(f"/s/{token}")
    assert page.status_code == 200 and "This survey is closed" in text(page)
    response = post_form(participant, f"/s/{token}", {"rating": "5"}, token_from="/")
    assert response.status_code == 409 and "This survey is closed" in text(response)
    assert count(app, SurveyAnswer) == 0
    assert secretary.get(f"{survey_page(made)}/qr.svg").status_code == 404  # the link no longer works


def test_unknown_links_are_not_found(made, client_for):
    assert client_for("anonymous").get("/s/not-a-real-token").status_code == 404
    assert client_for("anonymous").get("/projects/999/survey").status_code == 404


def test_answers_are_rate_limited_with_a_translated_page(make_app, users):
    app = make_app(RATELIMIT_SURVEY="2 per minute")
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        project = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))[0]
        token = surveys.open_survey(db.session.get(User, users["secretary"]), project.id).token
    codes = []
    for _ in range(3):  # three phones behind one school network address
        phone = app.test_client()
        codes.append(answer(phone, token, "5").status_code)
    assert codes == [303, 303, 429]
    phone = app.test_client()
    assert phone.get(f"/s/{token}").status_code == 200  # reading the question is not limited
    response = phone.post(f"/s/{token}", data={"rating": "5", "csrf_token": csrf_token(phone, f"/s/{token}")})
    assert response.status_code == 429 and "Too many tries" in text(response)
    assert count(app, SurveyAnswer) == 2


# --- results --------------------------------------------------------------------------------------


def test_results_show_from_five_answers_with_comments_for_staff_only(app, made, client_for):
    token = open_survey(app, made, client_for)
    for rating, comment in [("5", "<script>alert(1)</script>"), ("5", ""), ("4", ""), ("2", "")]:
        assert answer(client_for("anonymous"), token, rating, comment).status_code == 303
    page = squash(text(client_for("anonymous").get(survey_page(made))))
    assert "4 answers" in page and "1 more answer is needed" in page and "Average" not in page
    assert "One more answer" not in page
    assert "shown once it has 5 answers: 1 more is needed." in squash(text(client_for("anonymous").get(page_of(made))))
    staff = text(client_for("secretary").get(survey_page(made)))
    assert "The comments are shown with the results, once there are enough answers." in staff

    assert answer(client_for("anonymous"), token, "4", "").status_code == 303
    raw = client_for("anonymous").get(survey_page(made)).get_data(as_text=True)
    page = squash(html.unescape(raw))
    assert "Average: 4.0 out of 5" in page and "80% rated it 4 or 5" in page
    assert "5 Very happy 2 " in page and "3 Neither 0 " in page and "1 Very unhappy 0 " in page
    assert "alert(1)" not in raw  # comments are not for the public
    staff = client_for("secretary").get(survey_page(made)).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in staff and "<script>alert" not in staff
    project = squash(text(client_for("anonymous").get(page_of(made))))
    assert "From the satisfaction survey: 5 answers." in project


# --- the cycle's report ---------------------------------------------------------------------------


def test_the_cycle_report_is_public_and_linked_from_the_projects(app, made, client_for):
    post_form(client_for("secretary"), f"{page_of(made)}/kpis", KPIS, token_from=page_of(made))
    token = open_survey(app, made, client_for)
    for rating in ("5", "5", "4", "4", "2"):
        answer(client_for("anonymous"), token, rating)
    with app.app_context():
        projects.update_status(db.session.get(User, made["secretary"]), made["project"], "delivered", 100, 150_000)
    public = client_for("anonymous")
    index = text(public.get(f"/cycles/{made['cycle']}/projects"))
    assert f'href="/cycles/{made["cycle"]}/report"' in index
    page = squash(text(public.get(f"/cycles/{made['cycle']}/report")))
    assert "What the money did" in page and "Granted €" in page and "Spent €1,500.00" in page
    assert "Delivered: 1 of 3 projects." in page and "Not started 2 In progress 0 Delivered 1 Cancelled 0" in page
    assert "Young people engaged 40 52" in page and "Young people who benefited 200 not reported yet" in page
    assert "Average rating over all surveys: 4.0 out of 5" in page and "From 5 answers." in page
    assert "target 40 · actual 52" in page and "4.0 out of 5 from 5 answers" in page

    response = public.get(f"/cycles/{made['cycle']}/report.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="ypb-cycle-{made["cycle"]}-report.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert len(rows) == 4 and rows[0]["title"] == made["title"] and rows[-1]["project_id"] == "total"
    assert rows[0]["survey_average"] == "4" and rows[-1]["budget_spent"] == "1500.00"


def test_a_report_before_confirmation_says_it_comes_later(app, users, client_for):
    made = funded_cycle(app, users["secretary"], ratify=False)
    page = text(client_for("youth").get(f"/cycles/{made['cycle']}/report"))
    assert "The report is made once the results of the vote are confirmed." in page
    assert client_for("youth").get("/cycles/999/report").status_code == 404
    assert client_for("youth").get("/cycles/999/report.csv").status_code == 404


def test_a_draft_cycle_has_no_report(world, client_for):
    assert client_for("youth").get(f"/cycles/{world['cycle_draft']}/report").status_code == 404
    assert client_for("secretary").get(f"/cycles/{world['cycle_draft']}/report").status_code == 200
