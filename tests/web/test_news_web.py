"""The news page, its Atom feed (parsed with feedparser, a maintained feed library) and the
account page's switch for e-mail copies of notifications."""

from __future__ import annotations

import feedparser
import pytest

from tests.conftest import csrf_token, post_form, sign_in
from ypb.extensions import db
from ypb.models import User

# Titles the `world` fixture keeps private: a cycle still drafted and a proposal never submitted.
PRIVATE = ("Draft cycle", "My draft idea")


def parse(response):
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_the_feed_is_valid_atom_with_every_required_element(client_for, world):
    parsed = parse(client_for("anonymous").get("/news.atom"))
    feed = parsed.feed
    assert feed.id.startswith("urn:uuid:")
    assert feed.title == "News from the youth budget"
    assert feed.updated_parsed is not None
    assert any(link.rel == "self" and link.href == "http://localhost/news.atom" for link in feed.links)
    assert parsed.entries, "the world has phase changes and review decisions"
    for entry in parsed.entries:
        assert entry.id.startswith("urn:uuid:")
        assert entry.title and entry.updated_parsed is not None
        assert entry.link.startswith("http://localhost/")
    titles = [e.title for e in parsed.entries]
    assert "“Voting cycle”: voting is open" in titles
    assert "On the ballot: “Bike racks”" in titles


def test_the_feed_says_nothing_that_is_not_public(client_for, world):
    for role in ("anonymous", "secretary"):  # staff see drafts on the site, never in the feed
        body = client_for(role).get("/news.atom").get_data(as_text=True)
        for private in PRIVATE:
            assert private not in body


def test_entry_ids_are_the_same_request_after_request(client_for, world):
    client = client_for("anonymous")
    first = [(e.id, e.title) for e in parse(client.get("/news.atom")).entries]
    again = [(e.id, e.title) for e in parse(client.get("/news.atom")).entries]
    assert first == again
    assert len({entry_id for entry_id, _ in first}) == len(first)  # and no two items share one


def test_the_feed_is_in_the_readers_language(make_app):
    app = make_app(YPB_LANGUAGES=("en", "sv"))
    client = app.test_client()
    swedish = client.get("/news.atom", headers={"Accept-Language": "sv"})
    assert parse(swedish).feed.language == "sv"
    assert "Accept-Language" in swedish.headers["Vary"]
    assert parse(client.get("/news.atom", headers={"Accept-Language": "en"})).feed.language == "en"


def test_an_empty_site_still_has_a_valid_feed_and_page(client_for):
    parsed = parse(client_for("anonymous").get("/news.atom"))
    assert parsed.entries == []
    page = client_for("anonymous").get("/news").get_data(as_text=True)
    assert "No news yet" in page


def test_the_news_page_lists_the_same_news_with_links(client_for, world):
    response = client_for("anonymous").get("/news")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "“Voting cycle”: voting is open" in page
    assert f'href="/cycles/{world["cycle_voting"]}"' in page
    assert f'href="/proposals/{world["ballot_projects"][0]}"' in page
    for private in PRIVATE:
        assert private not in page


def test_every_page_points_feed_readers_to_the_feed(client_for):
    page = client_for("anonymous").get("/").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml" href="/news.atom"' in page
    assert 'href="/news"' in page


# --- e-mail copies of notifications on the account page --------------------------------------


def checkbox(page: str) -> str:
    start = page.index('name="email_notifications"')
    return page[page.rindex("<input", 0, start):page.index(">", start)]


@pytest.fixture
def youth(app, users):
    client = app.test_client()
    sign_in(client, "youth-user")
    return client


def stored(app, users) -> bool:
    with app.app_context():
        return db.session.get(User, users["youth"]).email_notifications


def test_email_copies_are_on_by_default_and_can_be_turned_off_and_on(app, users, youth):
    page = youth.get("/account/").get_data(as_text=True)
    assert "checked" in checkbox(page)
    response = post_form(youth, "/account/email-notifications", {}, token_from="/account/")  # unticked
    assert response.status_code == 303
    assert stored(app, users) is False
    page = youth.get("/account/").get_data(as_text=True)
    assert "no longer come by e-mail" in page
    assert "checked" not in checkbox(page)
    post_form(youth, "/account/email-notifications", {"email_notifications": "y"}, token_from="/account/")
    assert stored(app, users) is True


def test_without_a_csrf_token_nothing_changes(app, users, youth):
    csrf_token(youth, "/account/")
    response = youth.post("/account/email-notifications", data={})
    assert response.status_code == 400
    assert stored(app, users) is True


def test_the_account_page_says_when_no_email_can_be_sent(youth, app, users):
    page = youth.get("/account/").get_data(as_text=True)
    # The youth account has no address, and this site has no mail server configured.
    assert "has no e-mail address" in page
