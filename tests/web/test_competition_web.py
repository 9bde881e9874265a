"""Competition cycles through the web: the secretary picks the rule and the jury weight and keeps
the criteria (locked when voting opens); council members score approved proposals with radio
buttons until voting closes; the public reads the criteria, and after the vote the combined
ranking with each project's jury average, votes, combined score and reason."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests.conftest import post_form
from tests.services.test_competition_service import (
    build_competition,
    close,
    juror,
    open_voting,
    score,
    stored_scores,
    vote,
)
from ypb.extensions import db
from ypb.models import Cycle, JuryCriterion, Proposal
from ypb.models.base import utcnow


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def followed(client, response) -> str:
    assert response.status_code == 303, response.status_code
    return text(client.get(response.headers["Location"]))


@pytest.fixture
def made(app, world):
    """A competition in review: three approved projects, two criteria, jury 60%."""
    with app.app_context():
        return build_competition(world["secretary"], now=utcnow())


def cycle_of(app, made) -> Cycle:
    with app.app_context():
        cycle = db.session.get(Cycle, made["cycle"])
        db.session.expunge(cycle)
        return cycle


def titles(app, made) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(JuryCriterion.title).where(JuryCriterion.cycle_id == made["cycle"])
                                       .order_by(JuryCriterion.position)))


def scores_in_db(app, made):
    with app.app_context():
        return stored_scores(made)


# --- ballot settings: the rule and the weight ---------------------------------------------------


def post_settings(client, cycle_id: int, **overrides):
    data = {"ballot_type": "approval", "min_choices": "1", "max_choices": "2", "min_share_percent": "0",
            "points_total": "", "max_points_per_project": "", "budgets": "", "budget_choice": "one",
            "tally_rule": "competition", "tally_threshold": "0", "jury_weight": "70", **overrides}
    url = f"/cycles/{cycle_id}/ballot"
    return post_form(client, url, data, token_from=url)


def test_the_secretary_runs_the_cycle_as_a_competition_with_a_weight(app, world, client_for):
    secretary = client_for("secretary")
    page = text(secretary.get(f"/cycles/{world['cycle_review']}/ballot"))
    assert "Competition: jury and public vote together" in page and 'name="jury_weight"' in page
    response = post_settings(secretary, world["cycle_review"])
    page = followed(secretary, response)
    with app.app_context():
        cycle = db.session.get(Cycle, world["cycle_review"])
        assert (cycle.tally_rule, cycle.jury_weight) == ("competition", 70)
    assert re.search(r'name="jury_weight"[^>]*value="70"', page)
    assert "A competition needs at least one criterion for the jury before voting can start." in page
    assert f'href="/cycles/{world["cycle_review"]}/jury/criteria"' in page


@pytest.mark.parametrize(("weight", "message"), [
    ("101", "Enter a number from 0 to 100."),
    ("-5", "Enter a number from 0 to 100."),
    ("half", "Enter a whole number, for example 7."),
])
def test_a_wrong_weight_is_explained_and_changes_nothing(app, world, client_for, weight, message):
    secretary = client_for("secretary")
    response = post_settings(secretary, world["cycle_review"], jury_weight=weight)
    assert response.status_code == 422
    page = text(response)
    assert message in page and 'id="jury_weight-error"' in page
    with app.app_context():
        cycle = db.session.get(Cycle, world["cycle_review"])
        assert (cycle.tally_rule, cycle.jury_weight) == ("greedy", 50)


def test_the_weight_shows_and_stays_once_voting_opens(app, world, made, client_for):
    with app.app_context():
        open_voting(world["secretary"], made)
    secretary = client_for("secretary")
    page = text(secretary.get(f"/cycles/{made['cycle']}/ballot"))
    assert "The jury's scores count for 60%, the public vote for 40%." in page
    assert 'name="jury_weight"' not in page
    response = post_settings(secretary, made["cycle"], jury_weight="10")
    assert response.status_code == 422
    assert "The ballot cannot change once voting has opened" in text(response)
    assert cycle_of(app, made).jury_weight == 60


# --- the criteria page --------------------------------------------------------------------------


def criteria_url(made) -> str:
    return f"/cycles/{made['cycle']}/jury/criteria"


def test_the_secretary_adds_changes_and_removes_criteria(app, made, client_for):
    secretary = client_for("secretary")
    url = criteria_url(made)
    page = text(secretary.get(url))
    assert "2 criteria" in page and "What innovation means here." in page
    response = post_form(secretary, url, {"title": " Benefit for young people ", "description": "Who gains?"},
                         token_from=url)
    assert "The criterion is added." in followed(secretary, response)
    assert titles(app, made) == ["Innovation", "Impact", "Benefit for young people"]

    first = made["criteria"][0]
    edit = f"{url}/{first}"
    assert 'value="Innovation"' in text(secretary.get(edit))
    response = post_form(secretary, edit, {"title": "Originality", "description": ""}, token_from=edit)
    assert "The criterion is saved." in followed(secretary, response)

    response = post_form(secretary, f"{url}/{made['criteria'][1]}/remove", {}, token_from=url)
    assert "The criterion is removed." in followed(secretary, response)
    assert titles(app, made) == ["Originality", "Benefit for young people"]


@pytest.mark.parametrize(("form", "message"), [
    ({"title": "", "description": ""}, "Give the criterion a short title."),
    ({"title": "x" * 121, "description": ""}, "Keep the title under 120 characters."),
    ({"title": "impact", "description": ""}, "There is already a criterion with this title."),
    ({"title": "Cost", "description": "y" * 301}, "Keep the description under 300 characters."),
])
def test_a_bad_criterion_is_explained_and_changes_nothing(app, made, client_for, form, message):
    secretary = client_for("secretary")
    response = post_form(secretary, criteria_url(made), form, token_from=criteria_url(made))
    assert response.status_code == 422 and message in text(response)
    assert titles(app, made) == ["Innovation", "Impact"]


def test_the_criteria_lock_when_voting_opens(app, world, made, client_for):
    with app.app_context():
        open_voting(world["secretary"], made)
    secretary = client_for("secretary")
    url = criteria_url(made)
    page = text(secretary.get(url))
    assert "The criteria are locked because voting has opened" in page
    assert "Add a criterion" not in page and "/remove" not in page
    response = post_form(secretary, url, {"title": "Late idea", "description": ""}, token_from="/")
    assert response.status_code == 422
    assert "The jury's criteria cannot change once voting has opened" in text(response)
    response = post_form(secretary, f"{url}/{made['criteria'][0]}/remove", {}, token_from="/")
    assert "The jury's criteria cannot change once voting has opened" in followed(secretary, response)
    assert titles(app, made) == ["Innovation", "Impact"]


def test_only_staff_keep_the_criteria(made, client_for):
    for role in ("youth", "council"):
        assert client_for(role).get(criteria_url(made)).status_code == 403


def test_the_criteria_and_weight_are_public_on_the_cycle_page(made, client_for):
    page = text(client_for("anonymous").get(f"/cycles/{made['cycle']}"))
    assert "A competition with a jury" in page
    assert "The jury's scores count for 60% of the combined score, the public vote for 40%." in page
    assert "Innovation" in page and "What impact means here." in page
    assert "Score the projects as a juror" not in page
    council = text(client_for("council").get(f"/cycles/{made['cycle']}"))
    assert f'href="/cycles/{made["cycle"]}/jury"' in council


# --- scoring ------------------------------------------------------------------------------------


def jury_url(made) -> str:
    return f"/cycles/{made['cycle']}/jury"


def post_scores(client, made, project: int, values: dict):
    url = f"{jury_url(made)}/{made['projects'][project]}"
    data = {f"score_{made['criteria'][i]}": v for i, v in values.items()}
    return post_form(client, url, data, token_from=jury_url(made))


def test_a_council_member_scores_with_radio_buttons_and_changes_the_scores(app, world, made, client_for):
    council = client_for("council")
    page = text(council.get(jury_url(made)))
    assert "Repair café" in page and "Climbing wall" in page and "Podcast studio" in page
    first, second = made["criteria"]
    cafe = made["projects"][0]
    assert page.count(f'name="score_{first}"') == 3 * 5  # five radio buttons per criterion and project
    assert "1 weak, 5 excellent" in page and "Not scored yet" in page

    page = followed(council, post_scores(council, made, 0, {0: "4", 1: "5"}))
    assert "Your scores are saved. You can change them until voting closes." in page
    assert re.search(rf'id="score-{cafe}-{first}-4"[^>]*checked', page)
    assert "Scored" in page
    council_id = world["council"]
    assert scores_in_db(app, made) == [(council_id, cafe, first, 4), (council_id, cafe, second, 5)]

    with app.app_context():
        open_voting(world["secretary"], made)
    followed(council, post_scores(council, made, 0, {0: "2", 1: "5"}))
    assert scores_in_db(app, made) == [(council_id, cafe, first, 2), (council_id, cafe, second, 5)]


@pytest.mark.parametrize(("values", "message"), [
    ({0: "0", 1: "3"}, "Each score is a whole number from 1 to 5."),
    ({0: "6", 1: "3"}, "Each score is a whole number from 1 to 5."),
    ({0: "four", 1: "3"}, "Each score is a whole number from 1 to 5."),
    ({1: "3"}, "Give a score from 1 to 5 for every criterion."),
])
def test_bad_scores_are_explained_and_change_nothing(app, made, client_for, values, message):
    council = client_for("council")
    followed(council, post_scores(council, made, 0, {0: "3", 1: "3"}))
    before = scores_in_db(app, made)
    response = post_scores(council, made, 0, values)
    assert response.status_code == 422
    page = text(response)
    assert message in page and 'role="alert"' in page
    assert scores_in_db(app, made) == before


def test_a_proposal_not_on_the_ballot_is_not_scored(app, world, made, client_for):
    with app.app_context():
        proposal = db.session.get(Proposal, made["projects"][2])
        proposal.status, proposal.decision_reason = "rejected", "Not feasible."
        db.session.commit()
    council = client_for("council")
    page = followed(council, post_scores(council, made, 2, {0: "3", 1: "3"}))
    assert "The jury scores only proposals approved for the ballot of this budget. Nothing was changed." in page
    assert "Podcast studio" not in page  # only approved proposals are listed
    url = f"{jury_url(made)}/{world['review_proposal']}"
    response = post_form(council, url, {f"score_{made['criteria'][0]}": "3"}, token_from=jury_url(made))
    assert "Nothing was changed." in followed(council, response)
    assert scores_in_db(app, made) == []


def test_after_voting_closes_scoring_is_refused_with_a_clear_message(app, world, made, client_for):
    council = client_for("council")
    followed(council, post_scores(council, made, 0, {0: "3", 1: "3"}))
    with app.app_context():
        open_voting(world["secretary"], made)
        close(world["secretary"], made)
    before = scores_in_db(app, made)
    page = followed(council, post_scores(council, made, 0, {0: "5", 1: "5"}))
    assert "Jury scoring is closed: scores could be given or changed until voting closed." in page
    assert scores_in_db(app, made) == before
    page = text(council.get(jury_url(made)))
    assert "Save my scores" not in page and "3 of 5" in page  # the juror still sees what they gave


def test_only_council_members_score(made, client_for):
    for role in ("youth", "secretary", "admin"):
        assert client_for(role).get(jury_url(made)).status_code == 403
        assert post_scores(client_for(role), made, 0, {0: "5", 1: "5"}).status_code == 403
    anonymous = client_for("anonymous").get(jury_url(made))
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")


def test_the_jury_page_does_not_reveal_a_draft_cycle(world, client_for):
    council = client_for("council")
    response = council.get(f"/cycles/{world['cycle_draft']}/jury")
    assert response.status_code == 404 and "Draft cycle" not in text(response)


def test_the_jury_page_of_a_cycle_without_a_competition_says_so(world, client_for):
    page = text(client_for("council").get(f"/cycles/{world['cycle_voting']}/jury"))
    assert "This budget is not run as a competition, so there is no jury to score the projects." in page
    assert "Save my scores" not in page


# --- waiting for results and the results page ----------------------------------------------------


def test_while_voting_is_open_the_rules_show_but_no_jury_average(app, world, made, client_for):
    with app.app_context():
        score(made, juror("jo"), 0, (5, 5))
        open_voting(world["secretary"], made)
    page = text(client_for("anonymous").get(f"/cycles/{made['cycle']}/results"))
    assert "Competition: jury and public vote together" in page
    assert "The jury's scores count for 60% of the combined score" in page and "What innovation means here." in page
    assert "Jury:" not in page and "of 5 (" not in page


@pytest.fixture
def competition_results(app, world, made):
    with app.app_context():
        jo, kim = juror("jo"), juror("kim")
        score(made, jo, 0, (3, 3))
        score(made, kim, 0, (3, 4))
        score(made, jo, 1, (5, 5))
        open_voting(world["secretary"], made)
        vote(made, [(0,), (0,), (0, 2), (2,), (1,)])
        close(world["secretary"], made)
    return made


def test_the_results_page_shows_the_combined_ranking_and_why(competition_results, client_for):
    page = text(client_for("anonymous").get(f"/cycles/{competition_results['cycle']}/results"))
    assert ("Funded: place 1 in the combined ranking (jury: 3.25 of 5; public vote: 3), "
            "and it fit in the €50,000.00 still available.") in page
    assert "Jury: 3.25 of 5 (2 jurors)" in page and "Combined score: 79.0 of 100" in page
    assert "Jury: 5.0 of 5 (1 juror)" in page and "Combined score: 73.33 of 100" in page
    assert ("Not funded: place 3 in the combined ranking (no juror scored it, so it had no jury points; "
            "public vote: 2), but it costs €20,000.00 and only €10,000.00 was left when its turn came.") in page
    assert "No jury scores" in page
    # The table: place, jury average, jurors, votes, combined score.
    assert "Jury: the jury's average, out of 5. Score: the combined score, out of 100." in page
    assert "What if only the votes had counted?" in page and "If “Most votes first” had been used" in page
    assert "pabutools can't count the jury's part of a competition again" in page
    assert "The jury scores each project from 1 (weak) to 5 (excellent) on:" in page
    # Individual scores stay private: no juror is named.
    assert "Jo" not in re.sub(r"<[^>]+>", " ", page).split() and "juror-kim" not in page


def test_the_funded_projects_come_in_ranking_order(app, competition_results, client_for):
    page = text(client_for("anonymous").get(f"/cycles/{competition_results['cycle']}/results"))
    funded = page.split("Funded projects", 1)[1].split("Not funded", 1)[0]
    assert funded.index("Repair café") < funded.index("Climbing wall")


def test_the_ballots_file_says_competition(app, competition_results, client_for):
    with app.app_context():
        budget_id = db.session.get(Cycle, competition_results["cycle"]).budgets[0].id
    body = client_for("anonymous").get(f"/cycles/{competition_results['cycle']}/results/{budget_id}.pb")
    assert body.status_code == 200
    file_text = body.get_data(as_text=True)
    assert "rule;competition" in file_text and "the jury's scores are not in this file" in file_text


def test_scores_given_after_the_close_are_not_possible_so_results_stand(app, competition_results, client_for):
    council = client_for("council")
    response = post_scores(council, competition_results, 2, {0: "5", 1: "5"})
    assert "Jury scoring is closed" in followed(council, response)
    page = text(client_for("anonymous").get(f"/cycles/{competition_results['cycle']}/results"))
    assert "no juror scored it" in page  # the podcast studio still has no jury points
