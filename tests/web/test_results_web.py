"""The public results page through the web: nothing before voting closes, then draft results
with a reason per project, the votes as a chart and a table, the "what if", the turnout and
the anonymised ballots file with its digest; confirming them; and the counting-rule setting."""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, cycle_input, post_form
from ypb.domain.ballot import BallotType
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import AuditEntry, Cycle, TallyResult, User
from ypb.models.base import utcnow
from ypb.services import Refused, accounts, cycles, proposals, review, voting
from ypb.services.proposals import ProposalInput

DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
APPROVAL = voting.BallotSettings(BallotType.APPROVAL, min_choices=1, max_choices=2)
PROJECTS = (("Bike racks", 300_000), ("Outdoor gym", 2_500_000), ("Book swap shelf", 50_000))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def build_cycle(app, secretary_id: int, *, now, title: str = "Results cycle", budget: int = 5_000_000,
                projects=PROJECTS, settings: voting.BallotSettings = APPROVAL) -> dict:
    """A cycle planned like the world's voting cycle around `now` (voting opened at now - 5 days,
    planned to end at now + 10 days, results open for comments until now + 17 days)."""
    with app.app_context():
        secretary = db.session.get(User, secretary_id)
        start = now - 50 * DAY
        cycle_id = cycles.create(secretary, cycle_input(secretary.id, start, title=title, budget_total=budget),
                                 now=start).id
        author = accounts.create_account(username=f"author{cycle_id}", display_name="Author", password=PASSWORD,
                                         birth_year=2007, resident=True)
        cycles.advance(secretary, cycle_id, Phase.PROPOSALS, now=start)
        ids = [proposals.create(author, cycle_id, ProposalInput(title=name, summary=f"{name} for all.",
                                                                 estimated_cost=cost), submit=True,
                                now=start + DAY).id for name, cost in projects]
        cycles.advance(secretary, cycle_id, Phase.FEEDBACK, now=start + 2 * DAY)
        cycles.advance(secretary, cycle_id, Phase.REVIEW, now=now - 9 * DAY)
        for pid, (_, cost) in zip(ids, projects, strict=True):
            review.decide(secretary, pid, review.Decision.APPROVE, final_cost=cost, now=now - 8 * DAY)
        voting.save_settings(secretary, cycle_id, settings)
        cycles.advance(secretary, cycle_id, Phase.VOTING, now=now - 5 * DAY)
    return {"cycle": cycle_id, "projects": ids, "now": now}


def vote(app, made: dict, picks: list[dict[int, int] | tuple[int, ...]]) -> None:
    """One ballot per pick: indexes of the cycle's projects (or {index: points})."""
    with app.app_context():
        for pick in picks:
            n = db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) + 1
            voter = voting.Voter(user=accounts.create_account(
                username=f"voter{n}", display_name=f"Voter {n}", password=PASSWORD, birth_year=2008, resident=True))
            points = pick if isinstance(pick, dict) else dict.fromkeys(pick, 1)
            voting.cast(voter, made["cycle"], None, {made["projects"][i]: p for i, p in points.items()},
                        now=made["now"] - DAY)


def close(app, made: dict, secretary_id: int) -> None:
    with app.app_context():
        cycle = db.session.get(Cycle, made["cycle"])
        cycles.advance(db.session.get(User, secretary_id), cycle.id, Phase.RESULTS, now=cycle.voting_end + SECOND)


@pytest.fixture
def draft_results(app, world):
    """Greedy results of four ballots, closed in the future: still open for comments now."""
    made = build_cycle(app, world["secretary"], now=utcnow())
    vote(app, made, [(0, 1), (0,), (1, 2), (0, 2)])
    close(app, made, world["secretary"])
    return made


@pytest.fixture
def due_results(app, world):
    """Results whose time for comments is over: the secretary may confirm them now."""
    made = build_cycle(app, world["secretary"], now=utcnow() - 30 * DAY, title="Last year's budget")
    vote(app, made, [(0,), (0, 2)])
    close(app, made, world["secretary"])
    return made


def results_url(made: dict) -> str:
    return f"/cycles/{made['cycle']}/results"


def stored_result(app, made: dict) -> TallyResult:
    with app.app_context():
        return db.session.scalars(select(TallyResult).where(TallyResult.cycle_id == made["cycle"])).one()


# --- before voting closes ---------------------------------------------------------------------

def test_while_voting_is_open_the_page_says_when_results_come_and_shows_no_numbers(app, world, client_for):
    made = build_cycle(app, world["secretary"], now=utcnow())
    vote(app, made, [(0,), (0, 1)])
    client = client_for("anonymous")
    response = client.get(results_url(made))
    page = text(response)
    assert response.status_code == 200
    assert "Voting is still open. The results come as soon as it closes." in page
    assert "Voting closes on" in page
    assert "Most votes first" in page  # the rule is known beforehand
    for leak in ("Bike racks", "<svg", "<table", "Funded", "People who voted"):
        assert leak not in page
    with app.app_context():
        budget_id = db.session.get(Cycle, made["cycle"]).budgets[0].id
    assert client.get(f"{results_url(made)}/{budget_id}.pb").status_code == 404


def test_before_voting_the_page_says_results_come_when_it_closes(world, client_for):
    page = text(client_for("youth").get(f"/cycles/{world['cycle_proposals']}/results"))
    assert "Voting has not started yet in this budget." in page
    assert "The results are published here when voting closes, planned for" in page


@pytest.mark.parametrize("role", ["anonymous", "secretary"])
def test_drafts_and_unknown_cycles_have_no_results_page(world, client_for, role):
    client = client_for(role)
    assert client.get(f"/cycles/{world['cycle_draft']}/results").status_code == 404
    assert client.get("/cycles/99999/results").status_code == 404
    assert client.get("/cycles/99999/results/1.pb").status_code == 404


# --- draft results ------------------------------------------------------------------------------

def test_draft_results_show_funded_projects_first_with_their_reasons(app, draft_results, client_for):
    page = text(client_for("anonymous").get(results_url(draft_results)))
    assert "Draft results" in page and "These results are open for comments until" in page
    assert "Confirmed results" not in page
    assert "Budget used" in page and "€28,500.00 of €50,000.00" in page
    # Greedy by votes: bike racks (3), outdoor gym (2), book swap shelf (2); all fit.
    funded = page.split("Funded projects", 1)[1].split("Votes per project", 1)[0]
    assert funded.index("Bike racks") < funded.index("Outdoor gym") < funded.index("Book swap shelf")
    assert "Funded: place 1 by votes, and it fit in the €50,000.00 still available." in page
    assert "Funded: place 2 by votes, and it fit in the €47,000.00 still available." in page
    assert "How the projects were chosen" in page and "Projects are taken in order of their votes." in page


def test_the_votes_are_a_chart_for_eyes_and_screen_readers_and_a_table(app, draft_results, client_for):
    raw = client_for("anonymous").get(results_url(draft_results)).get_data(as_text=True)
    svg = re.search(r"<svg[^>]*>.*?</svg>", raw, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg
    desc = html.unescape(re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1))
    assert "Bike racks: 3 votes, funded" in desc and "Outdoor gym: 2 votes, funded" in desc
    assert svg.count('class="bar bar-funded"') == 3
    # The CSP forbids inline styles: the chart is coloured by classes only.
    assert "style=" not in raw
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)</td>', raw))
    assert rows == {"Bike racks": "3", "Outdoor gym": "2", "Book swap shelf": "2"}


def test_the_turnout_is_shown_with_small_groups_hidden(draft_results, client_for):
    page = text(client_for("anonymous").get(results_url(draft_results)))
    turnout = page.split("Who voted", 1)[1]
    assert re.search(r"People who voted</dt>\s*<dd>4</dd>", turnout)
    assert re.search(r"Online, with an account</dt>\s*<dd>4</dd>", turnout)
    assert re.search(r"Aged \d+ to \d+: fewer than 5", turnout)  # the four voters are of one age


def test_a_project_that_no_longer_fits_says_how_much_was_left(app, world, client_for):
    made = build_cycle(app, world["secretary"], now=utcnow(),
                       projects=(("Bike racks", 300_000), ("Outdoor gym", 4_800_000), ("Book swap shelf", 50_000)))
    vote(app, made, [(1,), (1, 0), (0,), (0,)])
    close(app, made, world["secretary"])
    page = text(client_for("anonymous").get(results_url(made)))
    assert "Not funded: it costs €48,000.00, but only €47,000.00 was left when its turn came." in page
    not_funded = page.split("Not funded</h2>", 1)[1].split("Votes per project", 1)[0]
    assert "Outdoor gym" in not_funded and "Bike racks" not in not_funded


def test_what_if_puts_the_other_rule_beside_the_one_used(app, world, client_for):
    # Six voters want the gym and the hoops; four want the shelf. Most votes first funds the
    # two projects of the six; equal shares give the four their share of the money too.
    made = build_cycle(app, world["secretary"], now=utcnow(), budget=100_000,
                       projects=(("Outdoor gym", 40_000), ("Basketball hoops", 40_000), ("Book swap shelf", 40_000)))
    vote(app, made, [(0, 1)] * 6 + [(2,)] * 4)
    close(app, made, world["secretary"])
    gym, hoops, shelf = made["projects"]
    result = stored_result(app, made)
    assert set(result.selected) == {gym, hoops} and result.what_if["selected"] == sorted([gym, shelf])

    page = text(client_for("anonymous").get(results_url(made)))
    assert "Not funded: it costs €400.00, but only €200.00 was left when its turn came." in page
    what_if = page.split("What if the other rule had been used?", 1)[1].split("Count the votes yourself", 1)[0]
    used, other = what_if.split("If “Method of Equal Shares” had been used", 1)
    assert "Used: Most votes first" in used and "Spent: €800.00" in used
    assert 'Basketball hoops <span class="badge badge-only">only with this rule' in used
    assert 'Book swap shelf <span class="badge badge-only">only with this rule' in other
    assert "Outdoor gym</li>" in other and "Basketball hoops" not in other
    assert "Both rules fund the same projects." not in what_if


def test_the_compare_rule_says_how_many_voters_preferred_each_result(app, world, client_for):
    settings = voting.BallotSettings(BallotType.APPROVAL, min_choices=1, max_choices=2, tally_rule="mes-add1-compare")
    made = build_cycle(app, world["secretary"], now=utcnow(), budget=100_000, settings=settings,
                       projects=(("Outdoor gym", 40_000), ("Basketball hoops", 40_000), ("Book swap shelf", 40_000)))
    # Equal shares fund the gym and the shelf; the six get more of what they chose from most votes first.
    vote(app, made, [(0, 1)] * 6 + [(2,)] * 4)
    close(app, made, world["secretary"])
    page = text(client_for("anonymous").get(results_url(made)))
    assert "Voters who prefer the Equal Shares result: 4." in page
    assert "Voters who prefer the most-votes-first result: 6." in page
    assert "So the most-votes-first result is used." in page
    assert "Method of Equal Shares, compared with most votes first" in page
    funded = page.split("Funded projects", 1)[1].split("Not funded", 1)[0]
    assert "Outdoor gym" in funded and "Basketball hoops" in funded and "Book swap shelf" not in funded


def test_cumulative_ballots_show_points_and_voters(app, world, client_for):
    settings = voting.BallotSettings(BallotType.CUMULATIVE, min_choices=1, points_total=5)
    made = build_cycle(app, world["secretary"], now=utcnow(), settings=settings)
    vote(app, made, [{0: 5}, {1: 3, 2: 2}, {2: 5}])
    close(app, made, world["secretary"])
    raw = client_for("anonymous").get(results_url(made)).get_data(as_text=True)
    assert "Points per project" in raw
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>', raw)
    assert sorted(rows) == [("Bike racks", "5", "1"), ("Book swap shelf", "7", "2"), ("Outdoor gym", "3", "1")]
    assert "Book swap shelf: 7 points, funded" in html.unescape(raw)


# --- the ballots file ---------------------------------------------------------------------------

def test_the_ballots_file_downloads_and_matches_the_digest_on_the_page(app, draft_results, client_for):
    client = client_for("anonymous")
    page = text(client.get(results_url(draft_results)))
    link = re.search(r'href="(/cycles/\d+/results/\d+\.pb)" download hx-boost="false"', page).group(1)
    digest = re.search(r'<code class="digest">([0-9a-f]{64})</code>', page).group(1)

    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(response.get_data()).hexdigest() == digest == stored_result(app, draft_results).pb_sha256
    body = response.get_data(as_text=True)
    assert "num_votes;4" in body and "voter" not in body.split("VOTES", 1)[1].split("\n", 2)[2]
    assert client.get(f"{results_url(draft_results)}/99999.pb").status_code == 404


# --- confirming ---------------------------------------------------------------------------------

def ratify(client, made: dict):
    return post_form(client, f"{results_url(made)}/ratify", token_from=results_url(made))


def test_confirming_too_early_is_refused_with_the_reason(app, draft_results, client_for):
    secretary = client_for("secretary")
    page = text(secretary.get(results_url(draft_results)))
    assert "The results can't be confirmed yet: everyone may comment on the draft results until" in page
    assert "Confirm these results" not in page

    response = ratify(secretary, draft_results)
    assert response.status_code == 303
    page = text(secretary.get(response.headers["Location"]))
    assert 'class="flash flash-error">The results can\'t be confirmed yet' in page
    assert "Draft results" in page
    with app.app_context():
        assert not db.session.get(Cycle, draft_results["cycle"]).results_ratified


def test_the_secretary_confirms_results_once_the_time_for_comments_is_over(app, world, due_results, client_for):
    secretary = client_for("secretary")
    page = text(secretary.get(results_url(due_results)))
    assert "The time for comments ended on" in page and "Confirm these results" in page

    response = ratify(secretary, due_results)
    assert response.status_code == 303
    page = text(secretary.get(response.headers["Location"]))
    assert "The results are confirmed." in page
    assert "Confirmed results" in page and "by Secretary-User." in page and "Draft results" not in page
    assert "Confirm these results" not in page
    with app.app_context():
        cycle = db.session.get(Cycle, due_results["cycle"])
        assert cycle.results_ratified and cycle.results_ratified_by_id == world["secretary"]
    assert "Confirmed results" in text(client_for("anonymous").get(results_url(due_results)))


def test_council_members_see_the_draft_but_cannot_confirm_it(app, due_results, client_for):
    council = client_for("council")
    page = text(council.get(results_url(due_results)))
    assert "Draft results" in page and "Confirm the results" not in page
    assert ratify(council, due_results).status_code == 403
    assert ratify(client_for("youth"), due_results).status_code == 403
    response = ratify(client_for("anonymous"), due_results)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.app_context():
        assert not db.session.get(Cycle, due_results["cycle"]).results_ratified


def test_the_cycle_page_links_to_the_results(draft_results, client_for):
    page = text(client_for("anonymous").get(f"/cycles/{draft_results['cycle']}"))
    assert f'href="{results_url(draft_results)}">See the draft results' in page


# --- the counting rule in the ballot settings ---------------------------------------------------

def post_settings(client, cycle_id: int, **overrides):
    data = {"ballot_type": "approval", "min_choices": "1", "max_choices": "2", "min_share_percent": "0",
            "points_total": "", "max_points_per_project": "", "budgets": "", "budget_choice": "one",
            "tally_rule": "greedy", "tally_threshold": "0", **overrides}
    url = f"/cycles/{cycle_id}/ballot"
    return post_form(client, url, data, token_from=url)


def rule_of(app, cycle_id: int) -> tuple[str, int]:
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        return cycle.tally_rule, cycle.tally_threshold


def test_the_secretary_chooses_the_rule_and_the_minimum_supporters(app, world, client_for):
    secretary = client_for("secretary")
    response = post_settings(secretary, world["cycle_review"], tally_rule="greedy", tally_threshold="3")
    assert response.status_code == 303
    assert rule_of(app, world["cycle_review"]) == ("greedy", 3)
    page = secretary.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="greedy"|<input[^>]*value="greedy"[^>]*checked', page)
    assert re.search(r'name="tally_threshold"[^>]*value="3"', page)
    assert "Method of Equal Shares, compared with most votes first" in page

    # The minimum is only for most votes first: with Equal Shares it is dropped.
    response = post_settings(secretary, world["cycle_review"], tally_rule="mes-add1", tally_threshold="3")
    assert response.status_code == 303
    assert rule_of(app, world["cycle_review"]) == ("mes-add1", 0)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "cycle.ballot_settings")
                                   .order_by(AuditEntry.seq.desc())).first()
        recorded = json.loads(entry.data)
        assert (recorded["rule"], recorded["threshold"]) == ("mes-add1", 0)


@pytest.mark.parametrize(("form", "message", "field"), [
    (dict(tally_rule="borda"), "Choose one of the counting rules.", "tally_rule"),
    (dict(tally_threshold="-1"), "Enter a number from 0 to 1000000.", "tally_threshold"),
    (dict(tally_threshold="two"), "Enter a whole number, for example 7.", "tally_threshold"),
])
def test_a_wrong_rule_setting_is_explained_and_changes_nothing(app, world, client_for, form, message, field):
    secretary = client_for("secretary")
    post_settings(secretary, world["cycle_review"], tally_rule="greedy", tally_threshold="2")
    response = post_settings(secretary, world["cycle_review"], **form)
    assert response.status_code == 422
    page = text(response)
    assert message in page and f'id="{field}-error"' in page
    assert rule_of(app, world["cycle_review"]) == ("greedy", 2)


def test_the_service_refuses_an_unknown_rule_or_a_negative_minimum(app, world):
    with app.app_context():
        secretary = db.session.get(User, world["secretary"])
        for settings, code in ((voting.BallotSettings(BallotType.APPROVAL, tally_rule="borda"), "ballot.tally_rule"),
                               (voting.BallotSettings(BallotType.APPROVAL, tally_threshold=-1),
                                "ballot.tally_threshold")):
            with pytest.raises(Refused) as info:
                voting.save_settings(secretary, world["cycle_review"], settings)
            assert [r.code for r in info.value.refusals] == [code]
        assert db.session.get(Cycle, world["cycle_review"]).tally_rule == "greedy"


def test_the_rule_locks_when_voting_opens(app, world, client_for):
    secretary = client_for("secretary")
    url = f"/cycles/{world['cycle_voting']}/ballot"
    page = text(secretary.get(url))
    assert "How the votes are counted" in page and "Most votes first" in page
    assert 'name="tally_rule"' not in page
    response = post_settings(secretary, world["cycle_voting"], tally_rule="mes-add1")
    assert response.status_code == 422
    assert "The ballot cannot change once voting has opened" in text(response)
    assert rule_of(app, world["cycle_voting"]) == ("greedy", 0)


def test_the_minimum_supporters_chosen_is_applied_and_explained_in_the_results(app, world, client_for):
    settings = voting.BallotSettings(BallotType.APPROVAL, min_choices=1, max_choices=2, tally_threshold=2)
    made = build_cycle(app, world["secretary"], now=utcnow(), settings=settings)
    vote(app, made, [(0, 1), (0,), (0, 2)])
    close(app, made, world["secretary"])
    page = text(client_for("anonymous").get(results_url(made)))
    assert "Not funded: 1 supporters, fewer than the 2 a project needed." in page
    assert "A project also needed at least 2 supporters." in page
