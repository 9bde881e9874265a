"""The ballot form's idempotency key: a confirmation sent twice (a retry, a double tap,
five at once from a flaky connection) changes the vote once and gets the same answer."""

from __future__ import annotations

import re
import threading

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.web.test_voting_web import ballots, picks, post, vote_url
from ypb.extensions import db
from ypb.models import Ballot

IDEM = re.compile(r'name="idem" value="([A-Za-z0-9_-]{16,64})"')


def key_on(html: str) -> str:
    found = IDEM.findall(html)
    assert found, "the ballot form carries no idempotency key"
    return found[0]


def version(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Ballot.version))


def test_each_ballot_page_gets_its_own_key_and_the_review_keeps_it(app, world, client_for):
    client = client_for("youth")
    cycle_id, (bikes, _gym, _books) = world["cycle_voting"], world["ballot_projects"]
    first = key_on(client.get(vote_url(cycle_id)).get_data(as_text=True))
    second = key_on(client.get(vote_url(cycle_id)).get_data(as_text=True))
    assert first != second
    reviewed = post(client, vote_url(cycle_id), {**picks(bikes), "idem": first})
    assert key_on(reviewed.get_data(as_text=True)) == first


def test_the_same_key_posted_twice_changes_the_vote_once(app, world, client_for):
    client = client_for("youth")
    cycle_id, (bikes, gym, books) = world["cycle_voting"], world["ballot_projects"]
    old = key_on(client.get(vote_url(cycle_id)).get_data(as_text=True))
    first = post(client, vote_url(cycle_id, "/confirm"), {**picks(bikes), "idem": old})
    new = key_on(client.get(vote_url(cycle_id)).get_data(as_text=True))
    assert post(client, vote_url(cycle_id, "/confirm"), {**picks(gym), "idem": new}).status_code == 303

    # The first confirmation arrives again (a retry after a timeout): same answer, no change.
    again = post(client, vote_url(cycle_id, "/confirm"), {**picks(bikes), "idem": old})

    assert again.status_code == first.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert ballots(app) == [{gym: 1}] and version(app) == 2
    assert books  # three projects on this ballot


def test_five_posts_of_one_key_at_once_change_the_vote_once(app, world, client_for):
    cycle_id, (bikes, gym, _books) = world["cycle_voting"], world["ballot_projects"]
    client = client_for("youth")
    assert post(client, vote_url(cycle_id, "/confirm"), picks(bikes)).status_code == 303
    key = key_on(client.get(vote_url(cycle_id)).get_data(as_text=True))
    # Five connections of the same voter, each with its own session, sending one form.
    clients = [client_for("youth") for _ in range(5)]
    forms = [{**picks(gym), "idem": key, "csrf_token": csrf_token(c, "/")} for c in clients]
    barrier = threading.Barrier(5)
    statuses: list = [None] * 5

    def send(i):
        barrier.wait(timeout=30)
        statuses[i] = clients[i].post(vote_url(cycle_id, "/confirm"), data=forms[i]).status_code

    threads = [threading.Thread(target=send, args=(i,), daemon=True) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [303] * 5
    assert ballots(app) == [{gym: 1}] and version(app) == 2


def test_a_forged_key_is_ignored_not_an_error(app, world, client_for):
    client = client_for("youth")
    cycle_id, (bikes, _gym, _books) = world["cycle_voting"], world["ballot_projects"]
    sent = post(client, vote_url(cycle_id, "/confirm"), {**picks(bikes), "idem": "<script>"})
    assert sent.status_code == 303 and ballots(app) == [{bikes: 1}]
