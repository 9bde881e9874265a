"""The secretary's side of the vote through the web: ballot settings (locked once voting
opens), voting codes on a printable sheet and in a CSV file, and revoking codes."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
import segno
from sqlalchemy import select

from tests.conftest import post_form
from ypb.extensions import db
from ypb.models import Cycle, User, VotingCode
from ypb.services import voting

GROUPED = re.compile(r'<p class="code-value">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2})</p>')
QR_IMG = re.compile(r'<img class="code-qr" src="(data:image/svg\+xml[^"]+)"')
HIDDEN_CODE = re.compile(r'<input type="hidden" name="code" value="([^"]+)">')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def settings_of(app, cycle_id: int) -> dict:
    with app.app_context():
        c = db.session.get(Cycle, cycle_id)
        return {
            "ballot_type": c.ballot_type, "min": c.min_choices, "max": c.max_choices,
            "share": c.min_share_percent, "points": c.points_total, "max_points": c.max_points_per_project,
            "use_all": c.use_all_points, "budget_choice": c.budget_choice,
            "budgets": [(b.name, b.amount) for b in c.budgets],
        }


def settings_form(**overrides) -> dict:
    data = {"ballot_type": "approval", "min_choices": "1", "max_choices": "", "min_share_percent": "0",
            "points_total": "", "max_points_per_project": "", "budgets": "", "budget_choice": "one"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_settings(client, cycle_id: int, **overrides):
    url = f"/cycles/{cycle_id}/ballot"
    return post_form(client, url, settings_form(**overrides), token_from=url)


def text(response) -> str:
    return response.get_data(as_text=True)


# --- ballot settings -----------------------------------------------------------------------

CASES = {
    "approval": (dict(ballot_type="approval", min_choices="1", max_choices="3"),
                 dict(ballot_type="approval", min=1, max=3, share=0, points=None, use_all=False)),
    "knapsack": (dict(ballot_type="knapsack", min_choices="1", min_share_percent="50"),
                 dict(ballot_type="knapsack", min=1, max=None, share=50, points=None, use_all=False)),
    "cumulative": (dict(ballot_type="cumulative", min_choices="1", max_choices="5", points_total="10",
                        max_points_per_project="4", use_all_points="y"),
                   dict(ballot_type="cumulative", min=1, max=5, share=0, points=10, max_points=4, use_all=True)),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_settings_are_saved_for_each_ballot_type_and_shown_back(app, world, client_for, kind):
    form, expected = CASES[kind]
    secretary = client_for("secretary")
    response = post_settings(secretary, world["cycle_review"], **form)
    assert response.status_code == 303
    stored = settings_of(app, world["cycle_review"])
    assert {k: stored[k] for k in expected} == expected

    page = text(secretary.get(response.headers["Location"]))
    assert "The ballot settings are saved." in page
    assert re.search(rf'<input[^>]*checked[^>]*value="{kind}"|<input[^>]*value="{kind}"[^>]*checked', page)
    for name in ("min_choices", "max_choices", "points_total", "max_points_per_project"):
        if form.get(name):
            assert re.search(rf'name="{name}"[^>]*value="{form[name]}"', page), name


def test_settings_for_another_type_are_not_kept(app, world, client_for):
    secretary = client_for("secretary")
    post_settings(secretary, world["cycle_review"], ballot_type="approval", min_share_percent="40",
                  points_total="10")
    stored = settings_of(app, world["cycle_review"])
    assert (stored["share"], stored["points"]) == (0, None)


def test_several_budgets_are_saved_and_shown_back_as_money(app, world, client_for):
    secretary = client_for("secretary")
    # The world's cycles have a total budget of 50 000.00.
    response = post_settings(secretary, world["cycle_review"], budgets="North school: 30 000\nSouth school: 20000,00",
                             budget_choice="each")
    assert response.status_code == 303
    stored = settings_of(app, world["cycle_review"])
    assert stored["budgets"] == [("North school", 3_000_000), ("South school", 2_000_000)]
    assert stored["budget_choice"] == "each"
    page = text(secretary.get(f"/cycles/{world['cycle_review']}/ballot"))
    assert "North school: 30000\nSouth school: 20000" in page


@pytest.mark.parametrize(("form", "message", "field"), [
    (dict(min_choices="3", max_choices="2"),
     "The smallest number of projects to choose (3) can't be larger than the largest (2).", "min_choices"),
    (dict(ballot_type="cumulative", points_total=""),
     "Give the number of points each voter can hand out: 1 or more.", "points_total"),
    (dict(budgets="North: 10000\nSouth: 10000"),
     "The budgets must add up to the cycle's total budget.", "budgets"),
    (dict(budgets="Everything: 50000"), "Write two budgets or more, or leave this empty", "budgets"),
    (dict(budgets="North 30000\nSouth: 20000"), "Line 1: write the name, a colon and the amount", "budgets"),
    (dict(budgets="North: 25000\nnorth: 25000"), "Line 2: two budgets can't have the same name.", "budgets"),
    (dict(ballot_type=""), "Choose one of the three ways to vote.", "ballot_type"),
])
def test_invalid_settings_are_refused_and_change_nothing(app, world, client_for, form, message, field):
    secretary = client_for("secretary")
    post_settings(secretary, world["cycle_review"], ballot_type="approval", min_choices="1", max_choices="2")
    before = settings_of(app, world["cycle_review"])

    response = post_settings(secretary, world["cycle_review"], **form)

    assert response.status_code == 422
    page = html.unescape(text(response))
    assert message in page
    # The message sits on its field, tied to it for screen readers.
    assert f'id="{field}-error"' in page
    assert settings_of(app, world["cycle_review"]) == before


def test_settings_lock_once_voting_has_opened(app, world, client_for):
    secretary = client_for("secretary")
    url = f"/cycles/{world['cycle_voting']}/ballot"
    before = settings_of(app, world["cycle_voting"])

    page = text(secretary.get(url))
    assert "locked because voting has opened" in page
    assert "Choose projects" in page  # the approval ballot, shown read-only
    assert f'action="{url}"' not in page

    response = post_settings(secretary, world["cycle_voting"], ballot_type="cumulative", points_total="10")
    assert response.status_code == 422
    assert "The ballot cannot change once voting has opened" in text(response)
    assert settings_of(app, world["cycle_voting"]) == before == {**before, "ballot_type": "approval", "max": 2}


# --- voting codes --------------------------------------------------------------------------

def generate(client, cycle_id: int, count, label=""):
    return post_form(client, f"/cycles/{cycle_id}/codes", {"count": str(count), "label": label},
                     token_from=f"/cycles/{cycle_id}/codes")


def test_codes_page_counts_codes_by_label(world, client_for):
    page = text(client_for("secretary").get(f"/cycles/{world['cycle_voting']}/codes"))
    # The world made one code labelled "Class 9B".
    assert "Class 9B" in page
    assert "1 code in all: 0 used to vote, 0 revoked." in page


def test_generate_renders_a_sheet_of_new_codes_that_are_stored_only_hashed(app, world, client_for):
    cycle_id = world["cycle_voting"]
    response = generate(client_for("secretary"), cycle_id, 5, "Riverside school 9A")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert "Print or save this page now: the codes cannot be shown again." in page
    assert "style=" not in page  # the CSP forbids inline styles, also inside the QR images
    grouped = GROUPED.findall(page)
    assert len(grouped) == 5 and len(set(grouped)) == 5
    assert page.count("Riverside school 9A") >= 5
    images = QR_IMG.findall(page)
    assert len(images) == 5

    plain = [g.replace("-", "") for g in grouped]
    for code, image in zip(plain, images, strict=True):
        # Each QR code holds the absolute link that opens the vote with that code.
        link = f"http://localhost/cycles/{cycle_id}/vote/code?code={code}"
        assert image == segno.make(link, error="m", micro=False).svg_data_uri(border=4, omitsize=True)
    assert "go to localhost/<wbr>cycles/<wbr>" in page  # the address to type, wrapping at slashes

    with app.app_context():
        rows = db.session.scalars(select(VotingCode).where(VotingCode.cycle_id == cycle_id)).all()
        assert len(rows) == 6  # the world's code and these five
        stored = " ".join(str(getattr(row, col.key)) for row in rows for col in VotingCode.__table__.columns)
        for code, shown in zip(plain, grouped, strict=True):
            assert code not in stored and shown not in stored
            assert voting.find_code(cycle_id, shown) is not None


@pytest.mark.parametrize(("count", "message"), [
    ("0", "Make between 1 and 1000 codes at a time."),
    ("1001", "Make between 1 and 1000 codes at a time."),
    ("ten", "Enter a whole number, for example 7."),
])
def test_a_wrong_number_of_codes_is_refused(app, world, client_for, count, message):
    response = generate(client_for("secretary"), world["cycle_voting"], count)
    assert response.status_code == 422
    assert message in text(response)
    with app.app_context():
        assert len(db.session.scalars(select(VotingCode)).all()) == 1


def test_csv_gives_back_the_codes_of_the_sheet(world, client_for):
    secretary = client_for("secretary")
    cycle_id = world["cycle_voting"]
    sheet = text(generate(secretary, cycle_id, 5, "=Class 9C"))
    plain = HIDDEN_CODE.findall(sheet)
    assert len(plain) == 5

    response = secretary.post(f"/cycles/{cycle_id}/codes/csv", data={
        "csrf_token": CSRF.search(sheet).group(1), "label": "=Class 9C", "code": plain})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0] == ["code", "label", "link"]
    assert [r[0].replace("-", "") for r in rows[1:]] == plain
    # A label a spreadsheet would run as a formula is written as text.
    assert {r[1] for r in rows[1:]} == {"'=Class 9C"}
    assert [r[2] for r in rows[1:]] == [f"http://localhost/cycles/{cycle_id}/vote/code?code={c}" for c in plain]


def test_csv_without_codes_sends_back_to_the_codes_page(world, client_for):
    secretary = client_for("secretary")
    url = f"/cycles/{world['cycle_voting']}/codes"
    response = post_form(secretary, url + "/csv", {"code": ["not a code"]}, token_from=url)
    assert response.status_code == 303
    assert "There are no codes to download." in text(secretary.get(response.headers["Location"]))


# --- revoking --------------------------------------------------------------------------------

def revoke(client, cycle_id: int, **data):
    url = f"/cycles/{cycle_id}/codes"
    return post_form(client, url + "/revoke", data, token_from=url)


def make_codes(app, world, count: int, label: str | None) -> list[str]:
    with app.app_context():
        secretary = db.session.get(User, world["secretary"])
        return voting.generate_codes(secretary, world["cycle_voting"], count, label)


def vote_with(app, world, code: str) -> None:
    with app.app_context():
        row = voting.find_code(world["cycle_voting"], code)
        voting.cast(voting.Voter(code=row), world["cycle_voting"], None, {world["ballot_projects"][0]: 1})


def still_valid(app, cycle_id: int, plain: list[str]) -> list[bool]:
    with app.app_context():
        return [voting.find_code(cycle_id, code) is not None for code in plain]


def test_revoking_all_codes_of_a_label_stops_them_working(app, world, client_for):
    cycle_id = world["cycle_voting"]
    lost = make_codes(app, world, 3, "Lost sheet")
    secretary = client_for("secretary")

    response = revoke(secretary, cycle_id, revoke_label="label:Lost sheet", scope="all", confirm="y")

    assert response.status_code == 303
    page = text(secretary.get(response.headers["Location"]))
    assert "3 codes were revoked." in page
    assert still_valid(app, cycle_id, lost) == [False, False, False]
    assert still_valid(app, cycle_id, [world["voting_code"]]) == [True]  # another label


def test_revoking_unused_codes_keeps_the_ones_already_voted_with(app, world, client_for):
    cycle_id = world["cycle_voting"]
    plain = make_codes(app, world, 3, None)
    vote_with(app, world, plain[0])
    secretary = client_for("secretary")

    response = revoke(secretary, cycle_id, revoke_label="none", scope="unused", confirm="y")

    assert response.status_code == 303
    assert "2 codes were revoked." in text(secretary.get(response.headers["Location"]))
    assert still_valid(app, cycle_id, plain) == [True, False, False]
    page = text(secretary.get(f"/cycles/{cycle_id}/codes"))
    assert "4 codes in all: 1 used to vote, 2 revoked." in page


def test_revoking_needs_the_confirmation(app, world, client_for):
    response = revoke(client_for("secretary"), world["cycle_voting"], revoke_label="label:Class 9B", scope="all")
    assert response.status_code == 422
    assert "Tick the box to confirm." in text(response)
    assert still_valid(app, world["cycle_voting"], [world["voting_code"]]) == [True]


def test_projects_are_placed_in_budgets_before_voting_can_open(app, world, client_for):
    from ypb.domain.ballot import BallotType
    from ypb.models import Cycle, Proposal, User
    from ypb.services import cycles as cycle_service
    from ypb.services import review, voting

    cycle_id, pid = world["cycle_review"], world["review_proposal"]
    with app.app_context():
        secretary = db.session.get(User, world["secretary"])
        review.decide(secretary, pid, review.Decision.APPROVE, final_cost=800_000)
        voting.save_settings(secretary, cycle_id, voting.BallotSettings(
            BallotType.APPROVAL, budgets=[("North", 3_000_000), ("South", 2_000_000)]))
        cycle = db.session.get(Cycle, cycle_id)
        assert not cycle_service.ballot_ready(cycle)  # the project is in no budget yet
        south = next(b.id for b in cycle.budgets if b.name == "South")

    client = client_for("secretary")
    page = client.get(f"/cycles/{cycle_id}/ballot").get_data(as_text=True)
    assert "Which budget is each project in?" in page and f'name="budget_{pid}"' in page
    response = post_form(client, f"/cycles/{cycle_id}/ballot/budgets", {f"budget_{pid}": str(south)},
                         token_from=f"/cycles/{cycle_id}/ballot")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Proposal, pid).budget_id == south
        assert cycle_service.ballot_ready(db.session.get(Cycle, cycle_id))
