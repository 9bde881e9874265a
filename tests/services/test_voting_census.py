"""A census list limits who may vote: listed people who claimed their number, plus code holders."""

from __future__ import annotations

import pytest

from ypb.extensions import db
from ypb.models import Ballot, Cycle, User
from ypb.services import Refused, census, voting


def test_only_people_who_claimed_a_listed_number_may_vote(app, world):
    cycle_id, picks = world["cycle_voting"], {world["ballot_projects"][0]: 1}
    with app.app_context():
        secretary = db.session.get(User, world["secretary"])
        census.upload(secretary, cycle_id, "S-1001\nS-1002\n")
        cycle = db.session.get(Cycle, cycle_id)
        cycle.census_required = True  # set directly: the list may be required only before voting opens
        db.session.commit()
        youth = db.session.get(User, world["youth"])
        with pytest.raises(Refused) as refused:
            voting.cast(voting.Voter(user=youth), cycle_id, None, picks)
        assert [r.code for r in refused.value.refusals] == ["eligibility.census"]
        assert db.session.query(Ballot).count() == 0

        census.claim(youth, cycle_id, " s-1001 ")
        voting.cast(voting.Voter(user=db.session.get(User, world["youth"])), cycle_id, None, picks)
        # A printed code needs no list entry: the school handed it out.
        code = voting.find_code(cycle_id, world["voting_code"])
        voting.cast(voting.Voter(code=code), cycle_id, None, picks)
        assert db.session.query(Ballot).count() == 2
