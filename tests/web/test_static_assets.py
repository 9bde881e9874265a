"""Static files under hashed names with long cache lifetimes, and compressed responses: what a
phone on a slow connection notices (what it downloads, how often, and how much)."""

from __future__ import annotations

import gzip
import hashlib
import random
import re
from datetime import timedelta
from pathlib import Path

import brotli
import pytest

from tests.conftest import PASSWORD, cycle_input, make_user, sign_in
from ypb.extensions import db
from ypb.web.assets import Assets

STATIC = Path(__file__).resolve().parents[2] / "static"
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')
HASHED = re.compile(r"^/static/(?P<dir>(?:.+/)?)(?P<stem>[^/]+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[^./]+)$")
YEAR = "max-age=31536000"


def static_urls(client, path: str) -> list[str]:
    return STATIC_URL.findall(client.get(path).get_data(as_text=True))


def file_behind(url: str) -> Path:
    m = HASHED.match(url)
    assert m, f"{url} has no content hash in its name"
    return STATIC / f"{m['dir']}{m['stem']}{m['ext']}"


@pytest.mark.parametrize("path", ["/", "/login", "/calendar"])
def test_pages_link_static_files_by_a_hash_of_their_content(app, path):
    urls = static_urls(app.test_client(), path)
    assert any(u.endswith(".css") for u in urls) and any(u.endswith(".js") for u in urls)
    for url in urls:
        file = file_behind(url)
        assert HASHED.match(url)["hash"] == hashlib.sha256(file.read_bytes()).hexdigest()[:10]


def test_every_app_process_builds_the_same_names(app, make_app):
    # Several workers serve one site: a page from one must find its files at another.
    assert static_urls(app.test_client(), "/") == static_urls(make_app().test_client(), "/")


def test_hashed_names_are_cached_for_a_year(app):
    client = app.test_client()
    for url in static_urls(client, "/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.data == file_behind(url).read_bytes()
        cache = response.headers["Cache-Control"]
        assert "public" in cache and YEAR in cache and "immutable" in cache


def test_a_plain_name_still_works_but_is_cached_briefly(app):
    response = app.test_client().get("/static/css/app.css")
    assert response.status_code == 200
    assert response.data == (STATIC / "css/app.css").read_bytes()
    assert response.cache_control.max_age <= 3600
    assert not response.cache_control.immutable


def test_a_wrong_hash_or_a_missing_file_is_not_found(app):
    client = app.test_client()
    good = next(u for u in static_urls(client, "/") if "/css/app." in u)
    wrong = re.sub(r"\.[0-9a-f]{10}\.css$", ".0123456789.css", good)
    assert wrong != good
    assert client.get(wrong).status_code == 404
    assert client.get("/static/css/nothing.0123456789.css").status_code == 404
    assert client.get("/static/css/nothing.css").status_code == 404


def test_an_unchanged_file_is_not_sent_again(app):
    client = app.test_client()
    url = next(u for u in static_urls(client, "/") if u.endswith(".js"))
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_static_files_are_compressed_only_when_the_browser_asks(app):
    client = app.test_client()
    url = next(u for u in static_urls(client, "/") if u.endswith(".js"))
    raw = file_behind(url).read_bytes()

    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and plain.data == raw
    assert "Accept-Encoding" in plain.headers["Vary"]

    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == raw and len(zipped.data) < len(raw) / 2
    assert "Accept-Encoding" in zipped.headers["Vary"]

    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == raw


def test_pages_are_compressed_only_when_the_browser_asks(app):
    client = app.test_client()
    plain = client.get("/login")
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    zipped = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    text = gzip.decompress(zipped.data).decode()
    assert "<form" in text and len(zipped.data) < len(text.encode()) / 2


def test_a_tiny_answer_is_not_compressed(app, world):
    # The live total under the ballot is a few hundred bytes: compressing it would not pay.
    client = app.test_client()
    sign_in(client, "youth-user")
    ballot = client.get(f"/cycles/{world['cycle_voting']}/vote").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', ballot).group(1)
    response = client.post(f"/cycles/{world['cycle_voting']}/vote/check",
                           data={"csrf_token": token, f"p{world['ballot_projects'][0]}": "1"},
                           headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "project chosen" in response.get_data(as_text=True)
    assert "Content-Encoding" not in response.headers


def test_a_changed_file_gets_a_new_name_while_developing(app, tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("body { color: black; }")
    assets = Assets(tmp_path)
    app.debug = True
    with app.test_request_context():
        before = assets.url_name("css/site.css")
        sheet.write_text("body { color: navy; margin: 0; }")
        after = assets.url_name("css/site.css")
    assert re.fullmatch(r"css/site\.[0-9a-f]{10}\.css", before) and after != before
    assert assets.url_name("css/other.css") == "css/other.css"  # not a known file: unchanged


# --- the ballot page ---------------------------------------------------------------------------

def made_up_text(rng: random.Random, length: int) -> str:
    """Words of random syllables: compresses no better than real prose, so the budget is fair."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append("".join(rng.choices(syllables, k=rng.randint(1, 4))))
    return " ".join(words)[:length]


def forty_project_ballot(app) -> int:
    from ypb.domain.ballot import BallotType
    from ypb.domain.cycle import Phase
    from ypb.models import User
    from ypb.models.base import utcnow
    from ypb.services import cycles, proposals, review, voting
    from ypb.services.proposals import ProposalInput

    rng = random.Random(3)
    secretary_id = make_user(app, "secretary-40", "secretary", birth_year=1980)
    author_id = make_user(app, "author-40")
    now, day = utcnow(), timedelta(days=1)
    start = now - 50 * day
    with app.app_context():
        secretary, author = db.session.get(User, secretary_id), db.session.get(User, author_id)
        cycle_id = cycles.create(secretary, cycle_input(secretary.id, start), now=start).id
        cycles.advance(secretary, cycle_id, Phase.PROPOSALS, now=start)
        ids = []
        for _ in range(40):
            description = f"{made_up_text(rng, 350)}\n\n- {made_up_text(rng, 40)}\n- {made_up_text(rng, 40)}" \
                          f"\n\n{made_up_text(rng, 200)}"
            ids.append(proposals.create(author, cycle_id, ProposalInput(
                title=made_up_text(rng, rng.randint(15, 50)), summary=made_up_text(rng, rng.randint(120, 260)),
                description=description, estimated_cost=rng.randrange(100_000, 900_000, 10_000)),
                submit=True, now=start + day).id)
        cycles.advance(secretary, cycle_id, Phase.FEEDBACK, now=start + 2 * day)
        cycles.advance(secretary, cycle_id, Phase.REVIEW, now=now - 9 * day)
        for pid in ids:
            review.decide(secretary, pid, review.Decision.APPROVE, final_cost=500_000, now=now - 8 * day)
        voting.save_settings(secretary, cycle_id, voting.BallotSettings(BallotType.KNAPSACK, min_choices=1))
        cycles.advance(secretary, cycle_id, Phase.VOTING, now=now - 5 * day)
    return cycle_id


def test_a_ballot_of_forty_projects_stays_light(app):
    cycle_id = forty_project_ballot(app)
    make_user(app, "voter-40", birth_year=2009)
    client = app.test_client()
    sign_in(client, "voter-40", PASSWORD)
    response = client.get(f"/cycles/{cycle_id}/vote", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    html = gzip.decompress(response.data).decode()
    assert html.count('type="checkbox"') == 40
    assert len(response.data) < 25_000, f"ballot page is {len(response.data)} bytes compressed"
    # What the page needs besides itself: few files, each under a hashed, long-cached name.
    assets = STATIC_URL.findall(html)
    assert len(assets) <= 6
    assert all(HASHED.match(u) for u in assets)
