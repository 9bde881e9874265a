"""ypb.services.voting: ballots cast and replaced under a per-cycle pseudonym, voting codes,
who took part (apart from what they chose), turnout, totals after the close, the key.

Most tests use the `world` fixture's cycle in voting (three approved projects, an approval
ballot of 1 to 2 picks, one printed code) on the real clock; `build_voting_cycle` makes
other ballots (knapsack, several budgets, …) on the fixed calendar of tests.services.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, update

from tests.conftest import make_user
from tests.services import (
    DAY,
    HOUR,
    IN_REVIEW,
    T0,
    audit_entries,
    codes,
    count,
    new_cycle,
    refused,
    submitted,
    to_feedback,
    to_review,
    user,
)
from ypb.database import database_now
from ypb.domain.ballot import BallotType
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import (
    AuditEntry,
    Ballot,
    BallotChoice,
    Budget,
    Cycle,
    Participation,
    Proposal,
    VotingCode,
    VotingKey,
)
from ypb.models.voting import VoteReceipt
from ypb.services import cycles, review, voting
from ypb.services.voting import BallotSettings, Voter

VOTING_AT = IN_REVIEW + HOUR
VOTING_END = T0 + 60 * DAY  # cycle_input's plan
IN_VOTING = VOTING_END - 5 * DAY


def build_voting_cycle(secretary_id: int, author_id: int, settings: BallotSettings, *,
                       costs=(300_000, 2_500_000, 50_000), title: str = "Youth budget 2030",
                       budget_of: dict[int, str] | None = None, rejected: bool = False,
                       open_voting: bool = True) -> dict:
    """A cycle on the fixed calendar with one approved project per cost (and a rejected
    one when asked), the ballot `settings`, and voting opened at VOTING_AT.

    `budget_of` puts project number i (0-based) on the budget of that name: an approved
    proposal of a cycle with several budgets is on the ballot of its `budget_id` only, and
    no service sets that yet, so it is set in the database here.
    """
    secretary = user(secretary_id)
    cycle_id = new_cycle(secretary_id, Phase.PROPOSALS, title=title)
    projects = [submitted(author_id, cycle_id, f"Project {i + 1}", estimated_cost=cost)
                for i, cost in enumerate(costs)]
    rejected_id = submitted(author_id, cycle_id, "Rejected idea") if rejected else None
    to_feedback(secretary_id, cycle_id)
    to_review(secretary_id, cycle_id)
    for pid, cost in zip(projects, costs, strict=True):
        review.decide(secretary, pid, review.Decision.APPROVE, final_cost=cost, now=IN_REVIEW)
    if rejected_id:
        review.decide(secretary, rejected_id, review.Decision.REJECT, reason="Not on town land.", now=IN_REVIEW)
    voting.save_settings(secretary, cycle_id, settings)
    if budget_of:
        by_name = {b.name: b.id for b in db.session.get(Cycle, cycle_id).budgets}
        for i, name in budget_of.items():
            db.session.execute(update(Proposal).where(Proposal.id == projects[i]).values(budget_id=by_name[name]))
        db.session.commit()
    if open_voting:
        cycles.advance(secretary, cycle_id, Phase.VOTING, now=VOTING_AT)
    return {"cycle": cycle_id, "projects": projects, "rejected": rejected_id}


def ballots_of(cycle_id: int, voter: Voter) -> list[Ballot]:
    """The stored ballots of this voter in the cycle (read with the cycle's key)."""
    name = voting.pseudonym(cycle_id, voter)
    return list(db.session.scalars(select(Ballot).join(Budget).where(Budget.cycle_id == cycle_id,
                                                                     Ballot.pseudonym == name)))


def choices_of(ballot: Ballot) -> dict[int, int]:
    return {c.proposal_id: c.points for c in ballot.choices}


def set_phase(cycle_id: int, phase: Phase) -> None:
    """Move a cycle straight to `phase` (the guards are tested in test_cycles_service)."""
    db.session.execute(update(Cycle).where(Cycle.id == cycle_id).values(phase=phase.value))
    db.session.commit()


@pytest.fixture
def w(app, world):
    """The world's ids, inside an app context."""
    with app.app_context():
        yield world


def new_voter(app, username: str, **fields) -> Voter:
    """A new account (made in its own app context, as the fixtures do), as a voter here."""
    user_id = make_user(app, username, **fields)
    db.session.commit()  # end this session's read snapshot, so it sees the new account
    return Voter(user=user(user_id))


def youth(w) -> Voter:
    return Voter(user=user(w["youth"]))


def code_voter(w) -> Voter:
    return Voter(code=voting.find_code(w["cycle_voting"], w["voting_code"]))


# --- casting and replacing ---------------------------------------------------------------------


def test_a_ballot_is_stored_and_replaced_in_place(w):
    cycle_id, (a, b, c) = w["cycle_voting"], w["ballot_projects"]

    first = voting.cast(youth(w), cycle_id, None, {a: 1})
    second = voting.cast(youth(w), cycle_id, None, {b: 1, c: 1})

    assert (first.version, second.version) == (1, 2)
    assert second.picks == 2 and second.budget_id == first.budget_id
    stored = ballots_of(cycle_id, youth(w))
    assert len(stored) == 1
    assert choices_of(stored[0]) == {b: 1, c: 1}
    assert count(Ballot) == 1
    assert count(BallotChoice) == 2, "the first ballot's choice is gone, not kept beside the new ones"
    assert voting.my_ballots(cycle_id, youth(w)) == {first.budget_id: {b: 1, c: 1}}


def test_the_same_ballot_again_changes_nothing(w):
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]
    voting.cast(youth(w), cycle_id, None, {a: 1, b: 1})

    again = voting.cast(youth(w), cycle_id, None, {b: 1, a: 1})

    assert again.version == 1
    assert [choices_of(x) for x in ballots_of(cycle_id, youth(w))] == [{a: 1, b: 1}]
    assert count(Participation) == 1


def test_a_ballot_kept_in_a_session_that_went_stale_is_replaced_correctly(app, w):
    """One voter, two requests: the first has read its ballot when the second replaces it.
    The first must then replace what is stored now, not what it read."""
    cycle_id, (a, b, c) = w["cycle_voting"], w["ballot_projects"]
    voting.cast(youth(w), cycle_id, None, {a: 1})
    assert voting.my_ballots(cycle_id, youth(w))  # this session now holds the ballot

    with app.app_context():  # another request, another session
        assert voting.cast(Voter(user=user(w["youth"])), cycle_id, None, {b: 1}).version == 2

    receipt = voting.cast(youth(w), cycle_id, None, {c: 1})

    assert receipt.version == 3
    db.session.expire_all()
    assert [choices_of(x) for x in ballots_of(cycle_id, youth(w))] == [{c: 1}]


@pytest.mark.parametrize(("case", "expected"), [
    ("too_many", "ballot.too_many"),
    ("none", "ballot.empty"),
    ("unknown", "ballot.unknown_project"),
    ("other_cycle", "ballot.unknown_project"),
    ("two_points", "ballot.points_not_one"),
])
def test_an_invalid_ballot_is_refused_and_the_stored_one_stays(w, case, expected):
    cycle_id, (a, b, c) = w["cycle_voting"], w["ballot_projects"]
    voting.cast(youth(w), cycle_id, None, {a: 1})
    wrong = {"too_many": {a: 1, b: 1, c: 1}, "none": {}, "unknown": {999_999: 1},
             "other_cycle": {w["review_proposal"]: 1}, "two_points": {b: 2}}[case]

    exc = refused(voting.cast, youth(w), cycle_id, None, wrong)

    assert expected in codes(exc)
    assert [choices_of(x) for x in ballots_of(cycle_id, youth(w))] == [{a: 1}]
    assert ballots_of(cycle_id, youth(w))[0].version == 1


def test_a_refused_first_ballot_stores_nothing_at_all(w):
    cycle_id, (a, b, c) = w["cycle_voting"], w["ballot_projects"]

    refused(voting.cast, youth(w), cycle_id, None, {a: 1, b: 1, c: 1})

    assert count(Ballot) == 0
    assert count(Participation) == 0
    assert not voting.has_voted(cycle_id, youth(w))


def test_a_project_that_was_not_approved_is_not_on_the_ballot(app, users):
    with app.app_context():
        made = build_voting_cycle(users["secretary"], users["youth"],
                                  BallotSettings(BallotType.APPROVAL, min_choices=1), rejected=True)
        voter = Voter(user=user(users["youth"]))

        exc = refused(voting.cast, voter, made["cycle"], None, {made["projects"][0]: 1, made["rejected"]: 1},
                      now=IN_VOTING)

        assert codes(exc) == ["ballot.unknown_project"]
        assert exc.refusals[0].params["projects"] == (made["rejected"],)
        assert count(Ballot) == 0


def test_a_ballot_for_a_budget_of_another_cycle_is_refused(app, users, w):
    made = build_voting_cycle(users["secretary"], users["youth"], BallotSettings(BallotType.APPROVAL))
    voting.cast(Voter(user=user(users["youth"])), made["cycle"], None, {made["projects"][0]: 1}, now=IN_VOTING)
    other_budget = db.session.scalar(select(Budget.id).where(Budget.cycle_id == made["cycle"]))

    exc = refused(voting.cast, youth(w), w["cycle_voting"], other_budget, {w["ballot_projects"][0]: 1})

    assert codes(exc) == ["vote.budget"]


def test_a_cumulative_ballot_stores_the_points(app, users):
    with app.app_context():
        made = build_voting_cycle(users["secretary"], users["youth"], BallotSettings(
            BallotType.CUMULATIVE, min_choices=1, points_total=10, max_points_per_project=6))
        a, b, c = made["projects"]
        voter = Voter(user=user(users["youth"]))

        voting.cast(voter, made["cycle"], None, {a: 6, b: 4}, now=IN_VOTING)
        refused(voting.cast, voter, made["cycle"], None, {a: 7, c: 3}, now=IN_VOTING)
        voting.cast(voter, made["cycle"], None, {a: 5, c: 5}, now=IN_VOTING)

        assert [choices_of(x) for x in ballots_of(made["cycle"], voter)] == [{a: 5, c: 5}]


def test_a_blank_vote_counts_as_taking_part_and_can_be_changed(app, users):
    with app.app_context():
        made = build_voting_cycle(users["secretary"], users["youth"],
                                  BallotSettings(BallotType.APPROVAL, min_choices=0, max_choices=2))
        voter = Voter(user=user(users["youth"]))

        blank = voting.cast(voter, made["cycle"], None, {}, now=IN_VOTING)
        changed = voting.cast(voter, made["cycle"], None, {made["projects"][0]: 1}, now=IN_VOTING)
        again_blank = voting.cast(voter, made["cycle"], None, {}, now=IN_VOTING)

        assert (blank.version, changed.version, again_blank.version) == (1, 2, 3)
        assert [choices_of(x) for x in ballots_of(made["cycle"], voter)] == [{}]
        assert voting.has_voted(made["cycle"], voter)


def test_two_ballots_drawing_the_same_random_id_are_both_stored(app, w, monkeypatch):
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]
    drawn = iter([1_500_000_000, 1_500_000_000, 1_600_000_000])
    monkeypatch.setattr(voting, "_random_ballot_id", lambda: next(drawn))

    voting.cast(youth(w), cycle_id, None, {a: 1})
    voting.cast(code_voter(w), cycle_id, None, {b: 1})

    db.session.expire_all()
    assert sorted(db.session.scalars(select(Ballot.id))) == [1_500_000_000, 1_600_000_000]
    assert [choices_of(x) for x in ballots_of(cycle_id, code_voter(w))] == [{b: 1}]
    assert [choices_of(x) for x in ballots_of(cycle_id, youth(w))] == [{a: 1}]


# --- when voting is open, and who may vote ------------------------------------------------------------


def test_no_ballot_outside_the_voting_phase(w):
    exc = refused(voting.cast, youth(w), w["cycle_review"], None, {w["review_proposal"]: 1})

    assert codes(exc) == ["vote.closed"]
    assert count(Ballot) == 0


def test_voting_ends_at_voting_end(w):
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]
    end = db.session.get(Cycle, cycle_id).voting_end

    voting.cast(youth(w), cycle_id, None, {a: 1}, now=end - timedelta(seconds=1))
    exc = refused(voting.cast, youth(w), cycle_id, None, {b: 1}, now=end)

    assert codes(exc) == ["vote.closed"]
    assert [choices_of(x) for x in ballots_of(cycle_id, youth(w))] == [{a: 1}]


def test_without_a_time_the_close_is_judged_by_the_database_clock(w, monkeypatch):
    """A worker whose own clock runs an hour slow still cannot store a ballot after the close:
    the database's clock decides."""
    cycle_id, (a, _b, _c) = w["cycle_voting"], w["ballot_projects"]
    real_now = database_now()
    db.session.execute(update(Cycle).where(Cycle.id == cycle_id).values(voting_end=real_now - timedelta(minutes=1)))
    db.session.commit()
    monkeypatch.setattr("ypb.services.voting.utcnow", lambda: real_now - timedelta(hours=1))
    monkeypatch.setattr("ypb.models.base.utcnow", lambda: real_now - timedelta(hours=1))

    exc = refused(voting.cast, youth(w), cycle_id, None, {a: 1})

    assert codes(exc) == ["vote.closed"]
    assert count(Ballot) == 0 and count(Participation) == 0


def test_a_ballot_whose_transaction_runs_past_the_close_is_not_stored(w, monkeypatch):
    """Open when the cycle row was locked, closed by the time of the commit: refused, and
    nothing of it (ballot, participation, receipt) stays."""
    cycle_id, (a, _b, _c) = w["cycle_voting"], w["ballot_projects"]
    end = db.session.get(Cycle, cycle_id).voting_end
    readings = iter([end - timedelta(milliseconds=5), end])
    monkeypatch.setattr("ypb.services.voting.database_now", lambda: next(readings))

    exc = refused(voting.cast, youth(w), cycle_id, None, {a: 1}, idempotency_key="k" * 20)

    assert codes(exc) == ["vote.closed"]
    assert count(Ballot) == 0 and count(Participation) == 0 and count(VoteReceipt) == 0


@pytest.mark.parametrize(("fields", "expected"), [
    ({"birth_year": 1980}, "eligibility.age"),
    ({"resident": False}, "eligibility.residency"),
])
def test_an_ineligible_account_cannot_vote(app, w, fields, expected):
    outsider = new_voter(app, "outsider", **fields)

    exc = refused(voting.cast, outsider, w["cycle_voting"], None, {w["ballot_projects"][0]: 1})

    assert codes(exc) == [expected]
    assert count(Ballot) == 0 and count(Participation) == 0


# --- voting codes ------------------------------------------------------------------------------


def test_a_code_is_found_however_it_is_typed(w):
    cycle_id, plain = w["cycle_voting"], w["voting_code"]
    row = voting.find_code(cycle_id, plain)
    assert row is not None
    grouped = "-".join(plain[i:i + 4] for i in range(0, len(plain), 4))

    for typed in (plain.lower(), grouped, grouped.lower(), " ".join(grouped.split("-")), f"  {plain}\n"):
        assert voting.find_code(cycle_id, typed).id == row.id, typed
    wrong = ("3" if plain[0] != "3" else "4") + plain[1:]
    assert voting.find_code(cycle_id, wrong) is None
    assert voting.find_code(cycle_id, plain[:-1]) is None
    assert voting.find_code(cycle_id, "") is None


def test_codes_are_stored_hashed(w):
    rows = db.session.scalars(select(VotingCode)).all()
    assert len(rows) == 1
    stored = [str(getattr(rows[0], c.key)) for c in VotingCode.__table__.columns]
    assert not any(w["voting_code"] in value for value in stored)
    assert len(rows[0].code_hash) == 64


def test_a_code_works_only_in_its_own_cycle(w):
    secretary = user(w["secretary"])
    other = voting.generate_codes(secretary, w["cycle_review"], 1)[0]

    assert voting.find_code(w["cycle_voting"], other) is None
    assert voting.find_code(w["cycle_review"], w["voting_code"]) is None
    other_row = voting.find_code(w["cycle_review"], other)
    exc = refused(voting.cast, Voter(code=other_row), w["cycle_voting"], None, {w["ballot_projects"][0]: 1})
    assert codes(exc) == ["vote.code"]


def test_a_code_votes_once_and_can_change_its_ballot(w):
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]

    voting.cast(code_voter(w), cycle_id, None, {a: 1})
    receipt = voting.cast(code_voter(w), cycle_id, None, {b: 1})

    assert receipt.version == 2
    (ballot,) = db.session.scalars(select(Ballot)).all()
    assert ballot.channel == "code" and choices_of(ballot) == {b: 1}
    (taken,) = db.session.scalars(select(Participation)).all()
    assert (taken.channel, taken.code_id, taken.user_id, taken.age_band) == ("code", code_voter(w).code.id, None, None)
    assert voting.has_voted(cycle_id, code_voter(w))
    assert not voting.has_voted(cycle_id, youth(w))


def test_a_revoked_code_no_longer_votes(app, w):
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]
    voter = code_voter(w)  # as a web request would hold it, loaded before the revocation
    voting.cast(voter, cycle_id, None, {a: 1})
    with app.app_context():  # the secretary, in another request
        assert voting.revoke_codes(user(w["secretary"]), cycle_id, [voter.code.id]) == 1

    exc = refused(voting.cast, voter, cycle_id, None, {b: 1})

    assert codes(exc) == ["vote.code"]
    assert voting.find_code(cycle_id, w["voting_code"]) is None
    assert voting.code_by_id(cycle_id, voter.code.id) is None
    db.session.expire_all()
    assert [choices_of(x) for x in db.session.scalars(select(Ballot))] == [{a: 1}]


def test_code_by_id_gives_a_valid_code_of_this_cycle_only(w):
    row = voting.find_code(w["cycle_voting"], w["voting_code"])

    assert voting.code_by_id(w["cycle_voting"], row.id).id == row.id
    assert voting.code_by_id(w["cycle_review"], row.id) is None
    assert voting.code_by_id(w["cycle_voting"], row.id + 1000) is None


def test_codes_count_is_limited_and_no_codes_after_voting(w):
    secretary = user(w["secretary"])
    assert codes(refused(voting.generate_codes, secretary, w["cycle_voting"], 0)) == ["codes.count"]
    assert codes(refused(voting.generate_codes, secretary, w["cycle_voting"], 5001)) == ["codes.count"]
    assert len(set(voting.generate_codes(secretary, w["cycle_voting"], 300))) == 300
    set_phase(w["cycle_voting"], Phase.RESULTS)
    assert codes(refused(voting.generate_codes, secretary, w["cycle_voting"], 1)) == ["codes.phase"]
    assert count(VotingCode) == 301


# --- several budgets ---------------------------------------------------------------------------------

BUDGETS = [("North", 2_000_000), ("South", 3_000_000)]
COSTS = (300_000, 400_000, 500_000, 600_000)
ON_BUDGET = {0: "North", 1: "North", 2: "South", 3: "South"}


@pytest.fixture
def two_budgets(app, users):
    def build(choice: str) -> dict:
        made = build_voting_cycle(users["secretary"], users["youth"], BallotSettings(
            BallotType.APPROVAL, min_choices=1, max_choices=2, budget_choice=choice, budgets=BUDGETS),
            costs=COSTS, budget_of=ON_BUDGET)
        made["budgets"] = {b.name: b.id for b in db.session.get(Cycle, made["cycle"]).budgets}
        made["voter"] = Voter(user=user(users["youth"]))
        return made

    with app.app_context():
        yield build


def test_with_one_budget_to_choose_voting_in_another_moves_the_ballot(two_budgets):
    made = two_budgets("one")
    (n1, n2, s1, _s2), north, south = made["projects"], made["budgets"]["North"], made["budgets"]["South"]

    voting.cast(made["voter"], made["cycle"], north, {n1: 1, n2: 1}, now=IN_VOTING)
    voting.cast(made["voter"], made["cycle"], south, {s1: 1}, now=IN_VOTING)

    assert voting.my_ballots(made["cycle"], made["voter"]) == {south: {s1: 1}}
    assert count(Ballot) == 1 and count(BallotChoice) == 1
    assert count(Participation) == 1


def test_with_a_ballot_in_each_budget_both_are_kept(two_budgets):
    made = two_budgets("each")
    (n1, _n2, s1, s2), north, south = made["projects"], made["budgets"]["North"], made["budgets"]["South"]

    voting.cast(made["voter"], made["cycle"], north, {n1: 1}, now=IN_VOTING)
    voting.cast(made["voter"], made["cycle"], south, {s1: 1, s2: 1}, now=IN_VOTING)

    assert voting.my_ballots(made["cycle"], made["voter"]) == {north: {n1: 1}, south: {s1: 1, s2: 1}}
    assert count(Participation) == 1
    assert voting.turnout(made["cycle"])["total"] == 1


def test_a_budget_shows_only_its_own_projects(two_budgets):
    made = two_budgets("one")
    (n1, n2, s1, s2), north, south = made["projects"], made["budgets"]["North"], made["budgets"]["South"]
    cycle = db.session.get(Cycle, made["cycle"])
    by_id = {b.id: b for b in voting.budgets_of(cycle)}

    assert [p.id for p in voting.projects_on_ballot(cycle, by_id[north])] == [n1, n2]
    assert [p.id for p in voting.projects_on_ballot(cycle, by_id[south])] == [s1, s2]
    exc = refused(voting.cast, made["voter"], made["cycle"], south, {n1: 1, s1: 1}, now=IN_VOTING)
    assert codes(exc) == ["ballot.unknown_project"]
    assert voting.rules_for(cycle, by_id[south]).budget == 3_000_000


@pytest.mark.parametrize(("budgets", "expected"), [
    ([("North", 2_000_000), ("South", 2_000_000)], "ballot.budgets_sum"),
    ([("North", 2_500_000), ("north ", 2_500_000)], "ballot.budget_names"),
    ([("North", 5_000_000), ("South", 0)], "ballot.budget_amount"),
    ([("  ", 2_500_000), ("South", 2_500_000)], "ballot.budget_name"),
    ([("N" * 121, 2_500_000), ("South", 2_500_000)], "ballot.budget_name_long"),
])
def test_wrong_budgets_are_refused_with_a_reason(app, users, budgets, expected):
    with app.app_context():
        made = build_voting_cycle(users["secretary"], users["youth"], BallotSettings(BallotType.APPROVAL),
                                  open_voting=False)

        exc = refused(voting.save_settings, user(users["secretary"]), made["cycle"],
                      BallotSettings(BallotType.APPROVAL, budgets=budgets))

        assert codes(exc) == [expected]
        assert exc.field == "budgets"
        assert count(Budget) == 0


def test_ballot_settings_lock_when_voting_opens(w):
    exc = refused(voting.save_settings, user(w["secretary"]), w["cycle_voting"],
                  BallotSettings(BallotType.APPROVAL, min_choices=1, max_choices=3))

    assert codes(exc) == ["ballot.locked"]
    assert db.session.get(Cycle, w["cycle_voting"]).max_choices == 2


# --- secrecy -------------------------------------------------------------------------------------


def test_ballots_hold_no_person_and_participations_no_choice(w):
    voting.cast(youth(w), w["cycle_voting"], None, {w["ballot_projects"][0]: 1})
    schema = inspect(db.engine)

    assert {c["name"] for c in schema.get_columns("ballots")} == {
        "id", "budget_id", "pseudonym", "channel", "paper_batch_id", "version"}
    assert {c["name"] for c in schema.get_columns("ballot_choices")} == {"ballot_id", "proposal_id", "points"}
    for table in ("ballots", "ballot_choices"):
        referred = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        assert referred <= {"budgets", "paper_batches", "ballots", "proposals"}, table
    assert {fk["referred_table"] for fk in schema.get_foreign_keys("participations")} == {
        "cycles", "users", "voting_codes"}
    (ballot,) = db.session.scalars(select(Ballot)).all()
    me = user(w["youth"])
    assert str(me.id) not in ballot.pseudonym.split(":") and me.username not in ballot.pseudonym
    assert len(ballot.pseudonym) == 64


def test_the_pseudonym_differs_per_cycle_and_per_voter(app, users, w):
    other = build_voting_cycle(users["secretary"], users["youth"], BallotSettings(BallotType.APPROVAL))
    voting.cast(youth(w), w["cycle_voting"], None, {w["ballot_projects"][0]: 1})
    voting.cast(youth(w), other["cycle"], None, {other["projects"][0]: 1}, now=IN_VOTING)

    here, there = voting.pseudonym(w["cycle_voting"], youth(w)), voting.pseudonym(other["cycle"], youth(w))
    assert here != there
    assert sorted(db.session.scalars(select(Ballot.pseudonym))) == sorted([here, there])
    assert voting.pseudonym(w["cycle_voting"], code_voter(w)) != here
    assert voting.pseudonym(w["cycle_voting"], Voter(user=user(w["council"]))) != here


def test_ballot_ids_do_not_tell_the_order_people_voted_in(app, w):
    cycle_id, (a, _b, _c) = w["cycle_voting"], w["ballot_projects"]
    voters = [new_voter(app, f"early{i}") for i in range(12)]
    for voter in voters:
        voting.cast(voter, cycle_id, None, {a: 1})

    in_order = [ballots_of(cycle_id, voter)[0].id for voter in voters]
    taken = list(db.session.scalars(select(Participation.user_id).order_by(Participation.id)))

    assert taken == [v.user.id for v in voters], "participation rows are in voting order"
    # Sequential ballot ids would pair the n-th ballot with the n-th participation row.
    assert in_order != sorted(in_order)


def test_casting_writes_no_audit_entry(w):
    before = count(AuditEntry)

    voting.cast(youth(w), w["cycle_voting"], None, {w["ballot_projects"][0]: 1})
    voting.cast(code_voter(w), w["cycle_voting"], None, {w["ballot_projects"][1]: 1})

    assert count(AuditEntry) == before


def test_audit_entries_of_codes_and_settings_carry_no_code_and_no_ballot(app, users, w):
    secretary = user(w["secretary"])
    plain = voting.generate_codes(secretary, w["cycle_voting"], 3, label="Class 9C")
    voting.cast(code_voter(w), w["cycle_voting"], None, {w["ballot_projects"][1]: 1})
    voting.revoke_codes(secretary, w["cycle_voting"], [voting.find_code(w["cycle_voting"], plain[0]).id])
    build_voting_cycle(users["secretary"], users["youth"], BallotSettings(BallotType.APPROVAL, max_choices=1),
                       open_voting=False)

    generated = audit_entries("codes.generate", f"cycle:{w['cycle_voting']}")
    assert [json.loads(e.data) for e in generated] == [{"count": 1, "label": "Class 9B"},
                                                       {"count": 3, "label": "Class 9C"}]
    assert [json.loads(e.data) for e in audit_entries("codes.revoke")] == [{"count": 1}]
    (settings,) = [e for e in audit_entries("cycle.ballot_settings") if e.subject != f"cycle:{w['cycle_voting']}"]
    assert json.loads(settings.data)["max"] == 1
    secrets_ = [*plain, w["voting_code"], *db.session.scalars(select(VotingCode.code_hash)),
                *db.session.scalars(select(Ballot.pseudonym))]
    for entry in audit_entries():
        assert not any(s in entry.data for s in secrets_), entry.action
        assert "choices" not in entry.data and "pseudonym" not in entry.data


# --- who took part, turnout, totals ---------------------------------------------------------------------


def test_taking_part_is_recorded_once_with_an_age_band(w):
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]
    assert not voting.has_voted(cycle_id, youth(w))

    voting.cast(youth(w), cycle_id, None, {a: 1})
    voting.cast(youth(w), cycle_id, None, {b: 1})

    (taken,) = db.session.scalars(select(Participation)).all()
    closing_year = db.session.get(Cycle, cycle_id).voting_end.year
    age = closing_year - user(w["youth"]).birth_year
    assert (taken.user_id, taken.channel, taken.code_id) == (w["youth"], "online", None)
    assert taken.age_band == next(f"{lo}-{hi}" for lo, hi in ((13, 15), (16, 18), (19, 22), (23, 29))
                                  if lo <= age <= hi)
    assert voting.has_voted(cycle_id, youth(w))


def test_turnout_counts_by_channel_and_hides_small_age_groups(app, w):
    cycle_id, (a, b, c) = w["cycle_voting"], w["ballot_projects"]
    year = db.session.get(Cycle, cycle_id).voting_end.year
    twenties = [new_voter(app, f"twenty{i}", birth_year=year - 20) for i in range(5)]
    sixteen = new_voter(app, "sixteen", birth_year=year - 16)
    for voter in [*twenties, sixteen]:
        voting.cast(voter, cycle_id, None, {a: 1})
    voting.cast(twenties[0], cycle_id, None, {b: 1})  # a change is not a second voter
    voting.cast(code_voter(w), cycle_id, None, {c: 1})

    assert voting.turnout(cycle_id) == {"total": 7, "online": 6, "code": 1, "paper": 0,
                                        "age_bands": {"16-18": None, "19-22": 5}}
    assert voting.turnout(w["cycle_review"]) == {"total": 0, "online": 0, "code": 0, "paper": 0, "age_bands": {}}


def test_totals_stay_hidden_until_voting_closes(w):
    cycle_id, (a, b, c) = w["cycle_voting"], w["ballot_projects"]
    voting.cast(youth(w), cycle_id, None, {a: 1, b: 1})
    voting.cast(code_voter(w), cycle_id, None, {a: 1})

    assert codes(refused(voting.totals, cycle_id)) == ["vote.totals_hidden"]
    set_phase(cycle_id, Phase.RESULTS)

    budget_id = db.session.scalar(select(Budget.id).where(Budget.cycle_id == cycle_id))
    assert voting.totals(cycle_id) == {budget_id: {a: 2, b: 1}}
    assert c not in voting.totals(cycle_id)[budget_id]


# --- the key ---------------------------------------------------------------------------------------


def test_destroying_the_key_seals_the_vote_and_keeps_the_ballots(w):
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]
    voting.cast(youth(w), cycle_id, None, {a: 1, b: 1})
    voting.cast(code_voter(w), cycle_id, None, {a: 1})
    code_id = code_voter(w).code.id
    set_phase(cycle_id, Phase.RESULTS)

    voting.destroy_key(user(w["secretary"]), cycle_id)

    assert voting.my_ballots(cycle_id, youth(w)) == {}
    assert voting.find_code(cycle_id, w["voting_code"]) is None
    assert voting.code_by_id(cycle_id, code_id) is None
    assert codes(refused(voting.cast, youth(w), cycle_id, None, {a: 1})) == ["vote.sealed"]
    assert codes(refused(voting.pseudonym, cycle_id, youth(w))) == ["vote.sealed"]
    assert count(Ballot) == 2
    budget_id = db.session.scalar(select(Budget.id).where(Budget.cycle_id == cycle_id))
    assert voting.totals(cycle_id) == {budget_id: {a: 2, b: 1}}
    assert voting.has_voted(cycle_id, youth(w))  # turnout stays: it never needed the key
    assert db.session.get(VotingKey, cycle_id).key is None
    assert [e.subject for e in audit_entries("vote.key_destroyed")] == [f"cycle:{cycle_id}"]


def test_the_key_stays_while_voting_is_open(w):
    voting.cast(youth(w), w["cycle_voting"], None, {w["ballot_projects"][0]: 1})

    exc = refused(voting.destroy_key, user(w["secretary"]), w["cycle_voting"])

    assert codes(exc) == ["vote.key_in_use"]
    assert voting.my_ballots(w["cycle_voting"], youth(w)) != {}


def test_a_cycle_without_a_key_is_sealed_for_good(app, users):
    with app.app_context():
        made = build_voting_cycle(users["secretary"], users["youth"], BallotSettings(BallotType.APPROVAL))
        set_phase(made["cycle"], Phase.RESULTS)

        voting.destroy_key(user(users["secretary"]), made["cycle"])

        voter = Voter(user=user(users["youth"]))
        assert codes(refused(voting.pseudonym, made["cycle"], voter)) == ["vote.sealed"]
        assert db.session.get(VotingKey, made["cycle"]).destroyed_at is not None


def test_making_the_results_final_destroys_the_voting_key(app, world):
    from ypb.domain.cycle import Phase
    from ypb.models import Cycle, User, VotingKey
    from ypb.services import cycles as cycle_service

    cycle_id = world["cycle_voting"]
    with app.app_context():
        youth = db.session.get(User, world["youth"])
        voting.cast(voting.Voter(user=youth), cycle_id, None, {world["ballot_projects"][0]: 1})
        cycle = db.session.get(Cycle, cycle_id)
        cycle.phase, cycle.results_ratified = "results", True  # the tally's own flow sets these
        db.session.commit()
        secretary = db.session.get(User, world["secretary"])
        cycle_service.advance(secretary, cycle_id, Phase.IMPLEMENTATION)
        assert db.session.get(VotingKey, cycle_id).key is None
        assert voting.my_ballots(cycle_id, voting.Voter(user=db.session.get(User, world["youth"]))) == {}
        assert db.session.query(Ballot).count() == 1  # the ballot itself still counts
