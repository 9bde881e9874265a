"""Paper ballots and the census list through the web: typing in a batch line by line,
correcting and deleting it, uploading the list, and a voter entering their number."""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import select

from tests.conftest import make_user, post_form, sign_in
from ypb.domain.messages import Refusal
from ypb.extensions import db
from ypb.models import Ballot, Cycle, User
from ypb.services import census, paper, voting
from ypb.services.paper import BallotProblem


def post(client, path: str, data: dict | None = None, **kwargs):
    """A signed-in client's form post (the token comes from the home page)."""
    return post_form(client, path, data, token_from="/", **kwargs)


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def textarea(response, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', response.get_data(as_text=True), re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip("\r\n")


def paper_count(app, cycle_id: int) -> int:
    with app.app_context():
        return voting.turnout(cycle_id)["paper"]


def stored(app, cycle_id: int, number: int) -> list[dict[int, int]]:
    with app.app_context():
        batch = paper.get_batch(cycle_id, number)
        return [{c.proposal_id: c.points for c in b.choices} for b in batch.ballots] if batch else []


# --- batches ----------------------------------------------------------------------------

def test_the_batch_form_shows_the_numbered_legend(client_for, world):
    response = client_for("secretary").get(f"/cycles/{world['cycle_voting']}/paper/new")
    assert response.status_code == 200
    text = page(response)
    legend = re.search(r"<ol>(.*?)</ol>", text, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", legend) == ["Bike racks", "Outdoor gym", "Book swap shelf"]
    assert 'name="number"' in text and 'value="1"' in text  # the next free number, ready
    assert "for example 1 3" in text


def test_a_batch_typed_in_is_saved_and_listed(app, client_for, world):
    client = client_for("secretary")
    cycle_id = world["cycle_voting"]
    bike, gym, books = world["ballot_projects"]
    response = post(client, f"/cycles/{cycle_id}/paper/new",
                         {"number": "3", "label": "School 5, box 2", "ballots": "1 3\n2\n\n3\n"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cycles/{cycle_id}/paper/new"
    assert stored(app, cycle_id, 3) == [{bike: 1, books: 1}, {gym: 1}, {books: 1}]
    assert paper_count(app, cycle_id) == 3

    following = client.get(response.headers["Location"])
    assert "Batch 3 is saved: 3 ballots." in page(following)
    assert 'value="4"' in page(following)  # the next bundle's number

    listing = page(client.get(f"/cycles/{cycle_id}/paper"))
    assert "Batch 3" in listing and "School 5, box 2" in listing and "3 ballots" in listing
    assert f"/cycles/{cycle_id}/paper/3" in listing


def test_a_wrong_line_is_named_and_the_typed_text_is_kept(app, client_for, world):
    client = client_for("secretary")
    cycle_id = world["cycle_voting"]
    typed = "1 3\n2 7\n1 2 3\n2"
    response = post(client, f"/cycles/{cycle_id}/paper/new", {"number": "1", "ballots": typed})
    assert response.status_code == 422
    text = page(response)
    errors = re.search(r'<ul class="error"[^>]*>(.*?)</ul>', text, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", errors) == [
        "Ballot 2: there is no project 7 on this ballot. The numbers go from 1 to 3.",
        "Ballot 3: You have chosen too many projects: 3. You can choose up to 2.",
    ]
    assert textarea(response, "ballots") == typed
    assert 'aria-invalid="true"' in text
    assert paper_count(app, cycle_id) == 0


def test_a_taken_batch_number_is_refused_on_the_new_form(app, client_for, world):
    client = client_for("secretary")
    cycle_id = world["cycle_voting"]
    assert post(client, f"/cycles/{cycle_id}/paper/new", {"number": "1", "ballots": "1"}).status_code == 303
    response = post(client, f"/cycles/{cycle_id}/paper/new", {"number": "1", "ballots": "2\n2"})
    assert response.status_code == 422
    assert "Batch 1 already exists" in page(response)
    assert len(stored(app, cycle_id, 1)) == 1


def test_a_batch_is_corrected_from_its_page(app, client_for, world):
    client = client_for("secretary")
    cycle_id = world["cycle_voting"]
    bike, gym, books = world["ballot_projects"]
    post(client, f"/cycles/{cycle_id}/paper/new", {"number": "2", "label": "Box", "ballots": "1\n2\n3"})

    form = client.get(f"/cycles/{cycle_id}/paper/2")
    assert form.status_code == 200
    assert textarea(form, "ballots") == "1\n2\n3"
    assert 'value="Box"' in page(form)

    response = post(client, f"/cycles/{cycle_id}/paper/2", {"label": "Box A", "ballots": "1 2\n3"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cycles/{cycle_id}/paper"
    assert stored(app, cycle_id, 2) == [{bike: 1, gym: 1}, {books: 1}]
    assert "Batch 2 is corrected: 2 ballots." in page(client.get(response.headers["Location"]))
    assert paper_count(app, cycle_id) == 2


def test_a_batch_is_deleted(app, client_for, world):
    client = client_for("secretary")
    cycle_id = world["cycle_voting"]
    post(client, f"/cycles/{cycle_id}/paper/new", {"number": "5", "ballots": "1\n2"})
    response = post(client, f"/cycles/{cycle_id}/paper/5/delete")
    assert response.status_code == 303
    assert paper_count(app, cycle_id) == 0
    assert "Batch 5 is deleted" in page(client.get(response.headers["Location"]))
    assert client.get(f"/cycles/{cycle_id}/paper/5").status_code == 404


def test_batches_cannot_change_after_ratification(app, client_for, world):
    client = client_for("secretary")
    cycle_id = world["cycle_voting"]
    post(client, f"/cycles/{cycle_id}/paper/new", {"number": "1", "ballots": "1"})
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        cycle.phase, cycle.results_ratified = "results", True
        db.session.commit()
    listing = page(client.get(f"/cycles/{cycle_id}/paper"))
    assert "The results are final: paper ballots can no longer change." in listing
    assert "Type in a new batch" not in listing
    response = post(client, f"/cycles/{cycle_id}/paper/1", {"ballots": "1\n1"})
    assert response.status_code == 422
    assert len(stored(app, cycle_id, 1)) == 1
    response = post(client, f"/cycles/{cycle_id}/paper/1/delete")
    assert response.status_code == 303
    assert len(stored(app, cycle_id, 1)) == 1


def test_a_ballot_problem_reads_as_one_sentence_with_money(app):
    inner = Refusal("ballot.over_budget", "Your choice costs %(over)s more than the budget of %(budget)s.",
                    {"over": 150_00, "used": 650_00, "budget": 500_00})
    outer = Refusal("ballot.over_budget", "Ballot %(n)s: %(problem)s", {"n": 4, "problem": BallotProblem(inner)})
    from ypb.web.paper.routes import problem_text
    from ypb.web.util import refusal_text

    with app.test_request_context("/"):
        assert problem_text(outer, "EUR") == "Ballot 4: Your choice costs €150.00 more than the budget of €500.00."
        # The generic helper still gives a readable sentence (amounts unformatted).
        assert refusal_text(outer) == "Ballot 4: Your choice costs 15000 more than the budget of 50000."


# --- census list ------------------------------------------------------------------------

def test_the_secretary_uploads_a_csv_file_and_sees_the_counts(app, client_for, world):
    client = client_for("secretary")
    cycle_id = world["cycle_voting"]
    upload = {"file": (io.BytesIO(b"Number,Name\nS-1001,Anna\nS-1002,Jonas\ns-1001,Anna\n"), "list.csv"),
              "skip_header": "y", "upload": "1"}
    response = post(client, f"/cycles/{cycle_id}/census", upload, content_type="multipart/form-data")
    assert response.status_code == 303
    text = page(client.get(response.headers["Location"]))
    assert "2 numbers are added to the list. 1 was on it already." in text
    assert re.search(r"Numbers on the list</dt>\s*<dd>2</dd>", text)
    assert f"/cycles/{cycle_id}/census/claim" in text
    with app.app_context():
        assert census.counts(cycle_id) == {"listed": 2, "claimed": 0}


def test_a_pasted_list_is_added_too(app, client_for, world):
    client = client_for("secretary")
    response = post(client, f"/cycles/{world['cycle_voting']}/census", {"csv_text": "A1\nA2\nA3"})
    assert response.status_code == 303
    with app.app_context():
        assert census.counts(world["cycle_voting"])["listed"] == 3


def test_an_empty_upload_is_shown_again_with_its_error(client_for, world):
    response = post(client_for("secretary"), f"/cycles/{world['cycle_voting']}/census",
                         {"csv_text": " \n "})
    assert response.status_code == 422
    assert "Choose a CSV file or paste the list." in page(response)


def test_the_list_can_be_required_before_voting_but_not_during(app, client_for, world):
    client = client_for("secretary")
    review, voting_cycle = world["cycle_review"], world["cycle_voting"]
    post(client, f"/cycles/{review}/census", {"csv_text": "A1"})
    response = post(client, f"/cycles/{review}/census", {"required": "y", "save_required": "1"})
    assert response.status_code == 303
    assert "Only people on the list can vote now." in page(client.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.get(Cycle, review).census_required is True

    post(client, f"/cycles/{voting_cycle}/census", {"csv_text": "A1"})
    assert "Voting has opened, so this can no longer change." in page(client.get(f"/cycles/{voting_cycle}/census"))
    response = post(client, f"/cycles/{voting_cycle}/census", {"required": "y", "save_required": "1"})
    assert response.status_code == 422
    assert "can't change once voting has opened" in page(response)
    with app.app_context():
        assert db.session.get(Cycle, voting_cycle).census_required is False


def test_a_voter_enters_their_number(app, client_for, world):
    cycle_id = world["cycle_voting"]
    post(client_for("secretary"), f"/cycles/{cycle_id}/census", {"csv_text": "S-1001\nS-1002"})
    client = client_for("youth")
    assert "Your number" in page(client.get(f"/cycles/{cycle_id}/census/claim"))

    wrong = post(client, f"/cycles/{cycle_id}/census/claim", {"identifier": "S-9999"})
    assert wrong.status_code == 422
    assert "This number is not on the list." in page(wrong)
    assert 'value="S-9999"' in page(wrong)

    right = post(client, f"/cycles/{cycle_id}/census/claim", {"identifier": " s-1002 "})
    assert right.status_code == 303
    assert right.headers["Location"] == f"/cycles/{cycle_id}"
    with app.app_context():
        assert census.is_listed(cycle_id, world["youth"])
    assert "You are on the list for this vote." in page(client.get(f"/cycles/{cycle_id}/census/claim"))


def test_a_number_someone_else_entered_is_refused(app, client_for, world):
    cycle_id = world["cycle_voting"]
    post(client_for("secretary"), f"/cycles/{cycle_id}/census", {"csv_text": "S-1001"})
    post(client_for("youth"), f"/cycles/{cycle_id}/census/claim", {"identifier": "S-1001"})
    make_user(app, "mara")
    other = app.test_client()
    sign_in(other, "mara")
    response = post(other, f"/cycles/{cycle_id}/census/claim", {"identifier": "S-1001"})
    assert response.status_code == 422
    text = page(response)
    assert "already used by another account" in text
    assert "Youth-User" not in text and "youth-user" not in text


def test_claims_are_rate_limited_per_account(make_app, world):
    app = make_app(RATELIMIT_CENSUS_CLAIM="3 per minute")
    make_user(app, "mara")
    with app.app_context():
        cycle_id = db.session.scalar(select(Cycle.id).where(Cycle.title == "Voting cycle"))
    client = app.test_client()
    sign_in(client, "mara")
    statuses = [post(client, f"/cycles/{cycle_id}/census/claim", {"identifier": f"S-{n}"}).status_code
                for n in range(4)]
    assert statuses == [422, 422, 422, 429]
    # Another account (another pupil at the same school address) is not locked out.
    make_user(app, "jonas")
    neighbour = app.test_client()
    sign_in(neighbour, "jonas")
    assert post(neighbour, f"/cycles/{cycle_id}/census/claim", {"identifier": "S-1"}).status_code == 422


def test_the_claim_page_of_a_draft_does_not_exist_for_voters(client_for, world):
    assert client_for("youth").get(f"/cycles/{world['cycle_draft']}/census/claim").status_code == 404


def test_paper_ballots_have_no_person_behind_them(app, client_for, world):
    cycle_id = world["cycle_voting"]
    post(client_for("secretary"), f"/cycles/{cycle_id}/paper/new", {"number": "1", "ballots": "1\n2"})
    with app.app_context():
        names = db.session.scalars(select(Ballot.pseudonym).where(Ballot.channel == "paper")).all()
        users = db.session.scalars(select(User.id)).all()
    assert all(n.startswith("paper:") for n in names) and len(set(names)) == 2
    assert users  # the accounts exist, and no paper ballot points at one


def test_the_list_page_offers_no_upload_once_voting_is_over(app, client_for, world):
    with app.app_context():
        cycle = db.session.get(Cycle, world["cycle_voting"])
        cycle.phase = "results"
        db.session.commit()
    text = page(client_for("secretary").get(f"/cycles/{world['cycle_voting']}/census"))
    assert "Voting is over: the list can no longer change." in text
    assert 'name="csv_text"' not in text and "/census/claim" not in text
