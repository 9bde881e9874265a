"""ypb.services.voting under random sequences of use: accounts and code holders cast and
change ballots (valid and invalid ones), the secretary revokes codes, closes the vote and
reads the totals, in any order. After every step the database must agree with a plain
model of what should have been kept:

- one counted ballot per pseudonym (per voter) and one participation per voter;
- every stored ballot is valid under the cycle's ballot rules;
- the stored ballots are exactly the model's, and the totals (once visible) are its sums.

Each example gets a fresh cycle in the one database of the test (making the accounts once
is what keeps it fast); the examples are derandomized so CI always runs the same ones.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from tests.conftest import make_user
from tests.services import DAY, user
from tests.services.test_voting_service import VOTING_END, build_voting_cycle
from ypb.domain.ballot import BallotType, ballot_refusals
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import Ballot, Budget, Cycle, Participation
from ypb.services import Refused, cycles, voting
from ypb.services.voting import BallotSettings, Voter

ACCOUNTS = 3
CODES = 3
MAX_PICKS = 2  # the approval ballot below: 1 to 2 projects, one point each
UNKNOWN_PROJECT = 999_999
WHILE_OPEN = VOTING_END - 2 * DAY
CLOSE_AT = VOTING_END + 1 * DAY

# (kind, index): an account voter or a code voter
voters = st.tuples(st.sampled_from(["account", "code"]), st.integers(0, max(ACCOUNTS, CODES) - 1))
# Project numbers 0..2 are on the ballot, 3 stands for a project id that is not; 2 points is never allowed here.
choice_sets = st.dictionaries(st.integers(0, 3), st.sampled_from([1, 1, 1, 2]), max_size=4)


class VotingMachine(RuleBasedStateMachine):
    app = None
    people: dict = {}
    made = 0

    @initialize()
    def new_cycle(self):
        cls = type(self)
        cls.made += 1
        with self.app.app_context():
            made = build_voting_cycle(self.people["secretary"], self.people["author"],
                                      BallotSettings(BallotType.APPROVAL, min_choices=1, max_choices=MAX_PICKS),
                                      title=f"Machine cycle {cls.made}")
            self.cycle_id, self.projects = made["cycle"], made["projects"]
            plain = voting.generate_codes(user(self.people["secretary"]), self.cycle_id, CODES, label="machine")
            self.code_ids = [voting.find_code(self.cycle_id, c).id for c in plain]
        self.ballots: dict[tuple[str, int], dict[int, int]] = {}  # the model: what must be stored
        self.revoked: set[int] = set()
        self.closed = False

    # --- helpers ---------------------------------------------------------------------------

    def _voter(self, kind: str, index: int) -> Voter:
        if kind == "account":
            return Voter(user=user(self.people["voters"][index % ACCOUNTS]))
        return Voter(code=voting.code_by_id(self.cycle_id, self.code_ids[index % CODES])
                     or db.session.get(voting.VotingCode, self.code_ids[index % CODES]))

    def _key(self, kind: str, index: int) -> tuple[str, int]:
        return (kind, index % (ACCOUNTS if kind == "account" else CODES))

    def _ids(self, picks: dict[int, int]) -> dict[int, int]:
        return {(self.projects[n] if n < 3 else UNKNOWN_PROJECT): p for n, p in picks.items()}

    @staticmethod
    def _valid(choices: dict[int, int]) -> bool:
        return (1 <= len(choices) <= MAX_PICKS and UNKNOWN_PROJECT not in choices
                and all(p == 1 for p in choices.values()))

    # --- rules -----------------------------------------------------------------------------

    @rule(who=voters, picks=choice_sets)
    def cast(self, who, picks):
        key = self._key(*who)
        choices = self._ids(picks)
        may_vote = not self.closed and not (key[0] == "code" and self.code_ids[key[1]] in self.revoked)
        with self.app.app_context():
            try:
                voting.cast(self._voter(*who), self.cycle_id, None, choices, now=WHILE_OPEN)
            except Refused:
                accepted = False
            else:
                accepted = True
        assert accepted == (may_vote and self._valid(choices)), (who, choices, self.closed, self.revoked)
        if accepted:
            self.ballots[key] = choices

    @rule(index=st.integers(0, CODES - 1))
    def revoke(self, index):
        code_id = self.code_ids[index]
        with self.app.app_context():
            done = voting.revoke_codes(user(self.people["secretary"]), self.cycle_id, [code_id], now=WHILE_OPEN)
        assert done == (0 if code_id in self.revoked else 1)
        self.revoked.add(code_id)

    @precondition(lambda self: not self.closed)
    @rule()
    def close(self):
        with self.app.app_context():
            cycles.advance(user(self.people["secretary"]), self.cycle_id, Phase.RESULTS, now=CLOSE_AT)
        self.closed = True

    @rule()
    def tally(self):
        expected = Counter()
        for choices in self.ballots.values():
            expected.update(choices)
        with self.app.app_context():
            if not self.closed:
                with pytest.raises(Refused):
                    voting.totals(self.cycle_id)
                return
            got = voting.totals(self.cycle_id)
        assert {pid: n for totals in got.values() for pid, n in totals.items()} == dict(expected)

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def one_counted_ballot_per_pseudonym(self):
        with self.app.app_context():
            per_name = db.session.execute(
                select(Ballot.pseudonym, func.count()).join(Budget).where(Budget.cycle_id == self.cycle_id)
                .group_by(Ballot.pseudonym)).all()
            assert all(n == 1 for _name, n in per_name), per_name
            assert len(per_name) == len(self.ballots)
            taking_part = db.session.scalar(select(func.count()).select_from(Participation)
                                            .where(Participation.cycle_id == self.cycle_id))
            assert taking_part == len(self.ballots)

    @invariant()
    def every_stored_ballot_is_valid_and_the_models(self):
        with self.app.app_context():
            cycle = db.session.get(Cycle, self.cycle_id)
            stored = list(db.session.scalars(select(Ballot).join(Budget).where(Budget.cycle_id == self.cycle_id)))
            for ballot in stored:
                budget = db.session.get(Budget, ballot.budget_id)
                costs = {p.id: p.final_cost for p in voting.projects_on_ballot(cycle, budget)}
                choices = {c.proposal_id: c.points for c in ballot.choices}
                assert ballot_refusals(voting.rules_for(cycle, budget), choices, costs) == [], choices
            by_name = {b.pseudonym: {c.proposal_id: c.points for c in b.choices} for b in stored}
            expected = {}
            for (kind, index), choices in self.ballots.items():
                subject = (f"user:{self.people['voters'][index]}" if kind == "account"
                           else f"code:{self.code_ids[index]}")
                key = db.session.get(voting.VotingKey, self.cycle_id).key
                expected[voting._hmac(key, subject)] = choices
            assert by_name == expected


def test_random_voting_sequences_keep_the_invariants(app):
    with app.app_context():
        people = {"secretary": make_user(app, "machine-secretary", "secretary"),
                  "author": make_user(app, "machine-author"),
                  "voters": [make_user(app, f"machine-voter-{i}") for i in range(ACCOUNTS)]}
    VotingMachine.app, VotingMachine.people, VotingMachine.made = app, people, 0
    run_state_machine_as_test(VotingMachine, settings=settings(
        max_examples=12, stateful_step_count=25, derandomize=True, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
