"""The privacy page, the data download and deleting one's account through the web."""

from __future__ import annotations

import html
import json

from tests.conftest import PASSWORD, post_form
from ypb.extensions import db
from ypb.models import Proposal, User


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_privacy_page_is_public_and_linked_from_every_page(client_for):
    visitor = client_for("anonymous")
    assert 'href="/privacy"' in text(visitor.get("/"))
    page = text(visitor.get("/privacy"))
    assert "Privacy: what we keep about you" in page
    for heading in ("What we store and why", "What is public", "How long we keep it", "Your rights", "Questions"):
        assert heading in page
    assert "Notifications: 365 days." in page
    assert "Go to my account" not in page
    assert "Go to my account" in text(client_for("youth").get("/privacy"))


def test_the_account_page_offers_download_and_deletion(client_for):
    page = text(client_for("youth").get("/account/"))
    assert 'href="/account/data.json"' in page and 'href="/account/delete"' in page


def test_the_download_is_a_json_file_of_my_own_data(client_for, world):
    response = client_for("youth").get("/account/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["username"] == "youth-user"
    assert "Your ballots are not in it" in data["about_this_file"]
    assert json.loads(client_for("council").get("/account/data.json").get_data(as_text=True))["proposals"] == []


def test_a_wrong_password_keeps_the_account(app, client_for, world):
    youth = client_for("youth")
    response = post_form(youth, "/account/delete", {"password": "nope"}, token_from="/account/delete")
    assert response.status_code == 422
    assert "That password is not right. Nothing was deleted." in text(response)
    assert youth.get("/account/").status_code == 200


def test_staff_are_told_to_ask_an_administrator(client_for):
    response = post_form(client_for("secretary"), "/account/delete", {"password": PASSWORD},
                         token_from="/account/delete")
    assert response.status_code == 422
    assert "Staff accounts cannot be deleted here." in text(response)


def test_deleting_signs_out_and_shows_a_former_member(app, client_for, world):
    youth = client_for("youth")
    assert "It cannot be undone." in text(youth.get("/account/delete"))
    response = post_form(youth, "/account/delete", {"password": PASSWORD}, token_from="/account/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Your account is deleted." in text(youth.get("/"))
    assert youth.get("/account/").status_code == 302  # signed out

    page = text(client_for("anonymous").get(f"/proposals/{world['proposal']}"))
    assert "a former member" in page and "Youth-User" not in page
    with app.app_context():
        assert db.session.get(Proposal, world["proposal"]).author_id is None
        assert db.session.get(User, world["youth"]).username.startswith("deleted-")
    again = app.test_client()
    response = post_form(again, "/login", {"login": "youth-user", "password": PASSWORD})
    assert response.status_code != 302
