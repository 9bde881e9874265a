"""Voting on the ballot pages: ways in, the live total, review, confirmation, re-voting,
voting codes and their rate limits, and what a shared phone must not keep."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import _voting_cycle, cycle_input, make_user, post_form
from ypb.domain.ballot import BallotType
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import Ballot, Participation, Proposal, User
from ypb.models.base import utcnow
from ypb.services import cycles, proposals, review, voting
from ypb.services.proposals import ProposalInput

CHECKED = re.compile(r'name="p(\d+)" value="1"[^>]*\bchecked\b')


def vote_url(cycle_id: int, tail: str = "") -> str:
    return f"/cycles/{cycle_id}/vote{tail}"


def post(client, path: str, data: dict | None = None, **kwargs):
    return post_form(client, path, data, token_from="/", **kwargs)


def picks(*project_ids: int) -> dict:
    return {f"p{pid}": "1" for pid in project_ids}


def ballots(app) -> list[dict[int, int]]:
    """Every stored ballot's choices, in a fixed order (ballot ids are random on purpose)."""
    with app.app_context():
        rows = db.session.scalars(select(Ballot)).all()
        return sorted(({c.proposal_id: c.points for c in row.choices} for row in rows), key=lambda d: sorted(d.items()))


def channels(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Ballot.channel)))


def checked_ids(html: str) -> set[int]:
    return {int(pid) for pid in CHECKED.findall(html)}


def vote(client, cycle_id: int, data: dict):
    """Review then confirm, as the pages do; returns the confirm response."""
    reviewed = post(client, vote_url(cycle_id), data)
    assert reviewed.status_code == 200, reviewed.get_data(as_text=True)[:2000]
    return post(client, vote_url(cycle_id, "/confirm"), data)


# --- ways in ---------------------------------------------------------------------------

def test_anonymous_sees_the_two_ways_in(app, world):
    response = app.test_client().get(vote_url(world["cycle_voting"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sign in to vote" in html and "I have a voting code" in html
    assert f'action="/cycles/{world["cycle_voting"]}/vote/code"' in html
    assert f"/login?next=/cycles/{world['cycle_voting']}/vote" in html
    assert 'name="p' not in html  # no ballot without a way in


def test_an_account_that_may_not_vote_is_told_why_and_offered_the_code(app, world):
    make_user(app, "grandpa", birth_year=1950)
    client = app.test_client()
    post(client, "/login", {"login": "grandpa", "password": "correct horse battery"})
    html = client.get(vote_url(world["cycle_voting"])).get_data(as_text=True)
    assert "You can't vote with your account in this budget" in html
    assert "I have a voting code" in html
    assert 'name="p' not in html
    refused = post(client, vote_url(world["cycle_voting"], "/confirm"), picks(world["ballot_projects"][0]))
    assert refused.status_code == 303 and ballots(app) == []


# --- voting ----------------------------------------------------------------------------

def test_youth_votes_review_confirm_done(app, world, client_for):
    client = client_for("youth")
    cycle_id, (bikes, _gym, books) = world["cycle_voting"], world["ballot_projects"]
    page = client.get(vote_url(cycle_id)).get_data(as_text=True)
    for title in ("Bike racks", "Outdoor gym", "Book swap shelf"):
        assert title in page
    assert "€25,000.00" in page  # the gym's cost, as money
    assert "Choose from 1 to 2 projects." in page

    reviewed = post(client, vote_url(cycle_id), picks(bikes, books))
    html = reviewed.get_data(as_text=True)
    assert reviewed.status_code == 200
    assert "This is exactly what will be recorded" in html and "Confirm my vote" in html
    assert "Bike racks" in html and "Book swap shelf" in html and "Outdoor gym" not in html
    assert "€3,500.00" in html  # 3000 + 500 together
    assert f'name="p{bikes}" value="1"' in html and f'name="p{books}" value="1"' in html
    assert ballots(app) == []  # nothing is recorded before the confirmation

    confirmed = post(client, vote_url(cycle_id, "/confirm"), picks(bikes, books))
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == vote_url(cycle_id, "/done")
    done = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Your vote is counted. You can change it until" in done
    assert f'href="{vote_url(cycle_id)}"' in done
    assert ballots(app) == [{bikes: 1, books: 1}]
    assert channels(app) == ["online"]


def test_too_many_picks_are_refused_and_the_choices_kept(app, world, client_for):
    client = client_for("youth")
    cycle_id, projects = world["cycle_voting"], world["ballot_projects"]
    response = post(client, vote_url(cycle_id), picks(*projects))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "You have chosen too many projects: 3. You can choose up to 2." in html
    assert checked_ids(html) == set(projects)
    # The confirmation refuses the same ballot (a crafted request skipping the review).
    confirmed = post(client, vote_url(cycle_id, "/confirm"), picks(*projects))
    assert confirmed.status_code == 422
    assert "You can choose up to 2." in confirmed.get_data(as_text=True)
    assert ballots(app) == []


def test_change_on_the_review_page_goes_back_with_the_choices(app, world, client_for):
    client = client_for("youth")
    cycle_id, (bikes, _gym, books) = world["cycle_voting"], world["ballot_projects"]
    response = post(client, vote_url(cycle_id), {**picks(bikes, books), "edit": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Review my vote" in html and checked_ids(html) == {bikes, books}


def test_changing_the_vote_keeps_one_ballot(app, world, client_for):
    client = client_for("youth")
    cycle_id, (bikes, gym, books) = world["cycle_voting"], world["ballot_projects"]
    assert vote(client, cycle_id, picks(bikes)).status_code == 303
    again = post(client, vote_url(cycle_id), picks(gym, books)).get_data(as_text=True)
    assert "This replaces your earlier vote." in again
    assert post(client, vote_url(cycle_id, "/confirm"), picks(gym, books)).status_code == 303
    assert ballots(app) == [{gym: 1, books: 1}]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Participation)) == 1


def test_previous_choices_stay_hidden_until_asked_for(app, world, client_for):
    client = client_for("youth")
    cycle_id, (bikes, _gym, books) = world["cycle_voting"], world["ballot_projects"]
    vote(client, cycle_id, picks(bikes, books))
    page = client.get(vote_url(cycle_id)).get_data(as_text=True)
    assert "You have already voted. Voting again replaces your earlier vote." in page
    assert "Show my current choices" in page
    assert checked_ids(page) == set()
    mine = client.get(vote_url(cycle_id, "?show=mine")).get_data(as_text=True)
    assert checked_ids(mine) == {bikes, books}
    assert "Show my current choices" not in mine
    # Someone who has not voted gets nothing from the same address.
    other = client_for("council").get(vote_url(cycle_id, "?show=mine")).get_data(as_text=True)
    assert checked_ids(other) == set() and "You have already voted" not in other


def test_projects_are_shuffled_per_voter_but_stable(app, world, client_for):
    cycle_id = world["cycle_voting"]
    titles = ("Bike racks", "Outdoor gym", "Book swap shelf")

    def order(client):
        html = client.get(vote_url(cycle_id)).get_data(as_text=True)
        return tuple(sorted(titles, key=html.index))

    client = client_for("youth")
    first = order(client)
    assert all(order(client) == first for _ in range(3))
    # Fresh voters (each with a code-less account session) see their own orders.
    orders = {order(client_for("youth")) for _ in range(8)}
    assert len(orders) > 1


# --- voting codes ----------------------------------------------------------------------

def test_a_good_code_typed_loosely_lets_an_anonymous_visitor_vote(app, world):
    client = app.test_client()
    cycle_id, (bikes, _gym, _books) = world["cycle_voting"], world["ballot_projects"]
    code = world["voting_code"]
    qr = client.get(vote_url(cycle_id, f"/code?code={code.lower()}"))
    # The code leaves the address (a shared phone's history), and is shown as printed.
    assert qr.status_code == 303 and qr.headers["Location"] == vote_url(cycle_id, "/code")
    form = client.get(qr.headers["Location"]).get_data(as_text=True)
    assert f'value="{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}"' in form
    assert f'value="{code[:4]}' not in client.get(vote_url(cycle_id, "/code")).get_data(as_text=True)

    typed = " ".join(code[i:i + 4] for i in range(0, len(code), 4)).lower()
    entered = post(client, vote_url(cycle_id, "/code"), {"code": typed})
    assert entered.status_code == 303 and entered.headers["Location"] == vote_url(cycle_id)
    page = client.get(vote_url(cycle_id)).get_data(as_text=True)
    assert "You are voting with a voting code." in page and f'name="p{bikes}"' in page

    assert vote(client, cycle_id, picks(bikes)).status_code == 303
    assert ballots(app) == [{bikes: 1}] and channels(app) == ["code"]
    done = client.get(vote_url(cycle_id, "/done")).get_data(as_text=True)
    assert "Your vote is counted." in done and "type your voting code again" in done
    # The phone forgets the code: the next person sees the ways in, not this vote.
    after = client.get(vote_url(cycle_id, "?show=mine")).get_data(as_text=True)
    assert "I have a voting code" in after and checked_ids(after) == set()


def test_a_wrong_code_is_refused_and_logged_without_the_code(app, world, caplog):
    client = app.test_client()
    cycle_id = world["cycle_voting"]
    with caplog.at_level(logging.WARNING):
        response = post(client, vote_url(cycle_id, "/code"), {"code": "ACDE-FGHJ-KMNP-QR"})
    assert response.status_code == 422
    assert "This code does not work." in response.get_data(as_text=True)
    assert f"wrong voting code for cycle {cycle_id}" in caplog.text
    assert "ACDE" not in caplog.text
    assert "I have a voting code" in client.get(vote_url(cycle_id)).get_data(as_text=True)
    assert post(client, vote_url(cycle_id, "/code"), {"code": ""}).status_code == 422


def _plain_world(app) -> dict:
    secretary = make_user(app, "coordinator", "secretary", birth_year=1990)
    author = make_user(app, "author", birth_year=2008)
    with app.app_context():
        return _voting_cycle(db.session.get(User, secretary), db.session.get(User, author), utcnow())


def test_wrong_codes_are_rate_limited_per_address(make_app):
    app = make_app(RATELIMIT_VOTING_CODE="3 per minute")
    world = _plain_world(app)
    client = app.test_client()
    url = vote_url(world["cycle_voting"], "/code")
    assert [post(client, url, {"code": f"wrong {n}"}).status_code for n in range(3)] == [422] * 3
    assert post(client, url, {"code": "wrong again"}).status_code == 429
    assert post(client, url, {"code": world["voting_code"]}).status_code == 429
    # Another address is not blocked by this one's mistakes.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert post(other, url, {"code": world["voting_code"]}).status_code == 303


def test_good_codes_do_not_use_up_the_limit(make_app):
    app = make_app(RATELIMIT_VOTING_CODE="1 per minute")
    world = _plain_world(app)
    client = app.test_client()
    url = vote_url(world["cycle_voting"], "/code")
    for _ in range(3):
        assert post(client, url, {"code": world["voting_code"]}).status_code == 303


def test_wrong_codes_are_rate_limited_per_cycle_across_addresses(make_app):
    app = make_app(RATELIMIT_VOTING_CODE="100 per minute", RATELIMIT_VOTING_CODE_CYCLE="3 per minute")
    world = _plain_world(app)
    url = vote_url(world["cycle_voting"], "/code")
    statuses = []
    for n in range(4):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.1.{n + 1}"
        statuses.append(post(client, url, {"code": "not a code"}).status_code)
    assert statuses == [422, 422, 422, 429]


# --- caching and htmx ------------------------------------------------------------------

def test_ballot_pages_are_never_stored(app, world, client_for):
    client = client_for("youth")
    cycle_id, (bikes, *_rest) = world["cycle_voting"], world["ballot_projects"]
    responses = [
        client.get(vote_url(cycle_id)),
        post(client, vote_url(cycle_id), picks(bikes)),
        post(client, vote_url(cycle_id, "/check"), picks(bikes), headers={"HX-Request": "true"}),
        client.get(vote_url(cycle_id, "/code")),
        post(client, vote_url(cycle_id, "/confirm"), picks(bikes)),
        client.get(vote_url(cycle_id, "/done")),
        app.test_client().get(vote_url(cycle_id)),
    ]
    for response in responses:
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    page = responses[0].get_data(as_text=True)
    assert 'hx-history="false"' in page
    assert 'aria-live="polite"' in page and 'id="ballot-total"' in page
    assert f'hx-post="{vote_url(cycle_id, "/check")}"' in page and 'hx-trigger="change"' in page


def test_htmx_check_returns_only_the_running_total(app, world, client_for):
    client = client_for("youth")
    cycle_id, projects = world["cycle_voting"], world["ballot_projects"]
    htmx = {"HX-Request": "true"}
    one = post(client, vote_url(cycle_id, "/check"), picks(projects[0]), headers=htmx)
    html = one.get_data(as_text=True)
    assert one.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert "1 project chosen" in html and "Ready." in html
    assert "HX-Request" in one.headers["Vary"]
    three = post(client, vote_url(cycle_id, "/check"), picks(*projects), headers=htmx).get_data(as_text=True)
    assert "3 projects chosen" in three and "You can choose up to 2." in three
    empty = post(client, vote_url(cycle_id, "/check"), {}, headers=htmx).get_data(as_text=True)
    assert "You haven&#39;t chosen any projects yet" in empty

    plain = post(client, vote_url(cycle_id, "/check"), picks(projects[0]))
    assert plain.status_code == 303 and plain.headers["Location"] == vote_url(cycle_id)
    assert ballots(app) == []


# --- phases ----------------------------------------------------------------------------

def test_outside_voting_the_ballot_says_it_is_not_open(app, world, client_for):
    client = client_for("youth")
    early = client.get(vote_url(world["cycle_review"]))
    assert early.status_code == 200
    assert "Voting is not open" in early.get_data(as_text=True)
    assert "has not started yet" in early.get_data(as_text=True)
    assert post(client, vote_url(world["cycle_review"], "/confirm"), {}).status_code == 303
    assert "Voting is not open" in client.get(vote_url(world["cycle_feedback"], "/code")).get_data(as_text=True)
    # A draft does not exist for the public.
    assert client.get(vote_url(world["cycle_draft"])).status_code == 404


def test_after_voting_ends_no_vote_is_taken(app, world, client_for):
    client = client_for("youth")
    cycle_id, (bikes, *_rest) = world["cycle_voting"], world["ballot_projects"]
    post(client, vote_url(cycle_id), picks(bikes))  # reviewed while open…
    with app.app_context():
        cycle = cycles.get(cycle_id)
        cycle.voting_end = utcnow() - timedelta(minutes=1)  # …and the clock ran out
        db.session.commit()
    confirmed = post(client, vote_url(cycle_id, "/confirm"), picks(bikes))
    assert confirmed.status_code == 303
    page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Voting is over in this budget." in page
    live = post(client, vote_url(cycle_id, "/check"), picks(bikes), headers={"HX-Request": "true"})
    assert "Voting is not open." in live.get_data(as_text=True)
    assert ballots(app) == []


# --- other ballot types ----------------------------------------------------------------

def _cycle_with(app, users, settings: voting.BallotSettings, costs=(300_000, 2_500_000, 50_000),
                budgets: dict[str, list[int]] | None = None) -> tuple[int, list[int]]:
    """A cycle in voting with these ballot settings; `budgets` puts project indexes in budgets."""
    now, day = utcnow(), timedelta(days=1)
    start = now - 50 * day
    with app.app_context():
        secretary = db.session.get(User, users["secretary"])
        author = db.session.get(User, users["youth"])
        cycle_id = cycles.create(secretary, cycle_input(secretary.id, start, title="Other ballot"), now=start).id
        cycles.advance(secretary, cycle_id, Phase.PROPOSALS, now=start)
        ids = [proposals.create(author, cycle_id, ProposalInput(
            title=f"Project {n}", summary="Something good.", estimated_cost=cost), submit=True,
            now=start + day).id for n, cost in enumerate(costs)]
        cycles.advance(secretary, cycle_id, Phase.FEEDBACK, now=start + 2 * day)
        cycles.advance(secretary, cycle_id, Phase.REVIEW, now=now - 9 * day)
        for pid, cost in zip(ids, costs, strict=True):
            review.decide(secretary, pid, review.Decision.APPROVE, final_cost=cost, now=now - 8 * day)
        voting.save_settings(secretary, cycle_id, settings)
        if budgets:
            # No page assigns approved projects to budgets yet; the test does it directly.
            by_name = {b.name: b.id for b in cycles.get(cycle_id).budgets}
            for name, indexes in budgets.items():
                for i in indexes:
                    db.session.get(Proposal, ids[i]).budget_id = by_name[name]
            db.session.commit()
        cycles.advance(secretary, cycle_id, Phase.VOTING, now=now - 5 * day)
    return cycle_id, ids


def test_points_ballot_counts_points_and_keeps_what_was_typed(app, users, client_for):
    cycle_id, (a, b, c) = _cycle_with(app, users, voting.BallotSettings(
        BallotType.CUMULATIVE, min_choices=1, points_total=5, max_points_per_project=3))
    client = client_for("youth")
    page = client.get(vote_url(cycle_id)).get_data(as_text=True)
    assert "You have 5 points to share out." in page and 'type="number"' in page and 'max="3"' in page

    typo = post(client, vote_url(cycle_id), {f"p{a}": "two", f"p{b}": "2"})
    assert typo.status_code == 422
    assert "Type the points as whole numbers: 0 or more." in typo.get_data(as_text=True)
    assert 'value="two"' in typo.get_data(as_text=True)

    too_many = post(client, vote_url(cycle_id), {f"p{a}": "3", f"p{b}": "3"}).get_data(as_text=True)
    assert "You have given out 6 points, but you have only 5." in too_many

    live = post(client, vote_url(cycle_id, "/check"), {f"p{a}": "3", f"p{b}": "1"},
                headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "1 point left" in live

    reviewed = post(client, vote_url(cycle_id), {f"p{a}": "3", f"p{b}": "0", f"p{c}": "2"}).get_data(as_text=True)
    assert "3 points" in reviewed and "5 of 5" in reviewed
    assert post(client, vote_url(cycle_id, "/confirm"), {f"p{a}": "3", f"p{c}": "2"}).status_code == 303
    assert ballots(app) == [{a: 3, c: 2}]


def test_budget_ballot_shows_money_in_its_messages(app, users, client_for):
    cycle_id, (a, b, _c) = _cycle_with(app, users, voting.BallotSettings(BallotType.KNAPSACK, min_choices=1),
                                       costs=(3_000_000, 2_500_000, 50_000))
    client = client_for("youth")
    over = post(client, vote_url(cycle_id), picks(a, b))
    html = over.get_data(as_text=True)
    assert over.status_code == 422
    assert "Your choice costs €5,000.00 more than the budget of €50,000.00." in html
    live = post(client, vote_url(cycle_id, "/check"), picks(a), headers={"HX-Request": "true"})
    assert "Budget used: €30,000.00 of €50,000.00" in live.get_data(as_text=True)


@pytest.mark.parametrize("choice", ["one", "each"])
def test_with_several_budgets_the_voter_picks_one_first(app, users, client_for, choice):
    cycle_id, (a, b, c) = _cycle_with(
        app, users, voting.BallotSettings(BallotType.APPROVAL, min_choices=1, budget_choice=choice,
                                          budgets=[("North", 2_000_000), ("South", 3_000_000)]),
        budgets={"North": [0, 1], "South": [2]})
    client = client_for("youth")
    chooser = client.get(vote_url(cycle_id)).get_data(as_text=True)
    assert "Choose a budget" in chooser and "North" in chooser and "South" in chooser
    with app.app_context():
        north, south = (b_.id for b_ in cycles.get(cycle_id).budgets)
    page = client.get(vote_url(cycle_id, f"?budget={north}")).get_data(as_text=True)
    assert "Your vote: North" in page
    assert f'name="p{a}"' in page and f'name="p{b}"' in page and f'name="p{c}"' not in page
    assert vote(client, cycle_id, {"budget": str(north), **picks(a)}).status_code == 303
    assert vote(client, cycle_id, {"budget": str(south), **picks(c)}).status_code == 303
    expected = [{c: 1}] if choice == "one" else [{a: 1}, {c: 1}]
    assert ballots(app) == expected
