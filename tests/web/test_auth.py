"""Sign-up, sign-in and sign-out as a person would use them."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import func, select

from tests.conftest import PASSWORD, make_user, post_form, sign_in
from ypb.extensions import db
from ypb.models import User

SIGNUP = {
    "display_name": "Ana",
    "username": "Ana_S",
    "email": "",
    "birth_year": "2009",
    "resident": "y",
    "password": "sunny orange bicycle",
}


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_sign_up_creates_a_youth_account_without_email_and_signs_in(app):
    client = app.test_client()
    response = post_form(client, "/signup", SIGNUP, token_from="/signup")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.username, user.role, user.email, user.birth_year) == ("ana_s", "youth", None, 2009)
        assert user.residency_declared_at is not None
        assert user.password_hash.startswith("$argon2id$")
    home = client.get("/").get_data(as_text=True)
    assert "Hello, Ana." in home and "Sign out" in home


def test_sign_up_without_residency_leaves_it_undeclared(app):
    post_form(app.test_client(), "/signup", {**SIGNUP, "resident": ""}, token_from="/signup")
    with app.app_context():
        assert db.session.scalars(select(User)).one().residency_declared_at is None


def _rejected(app, fields: dict, message: str):
    client = app.test_client()
    response = post_form(client, "/signup", {**SIGNUP, **fields}, token_from="/signup")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'aria-invalid="true"' in html
    return html


def test_short_password_is_refused_and_nothing_is_stored(app):
    _rejected(app, {"password": "short"}, "Use between 10 and 256 characters.")
    assert count_users(app) == 0


def test_common_password_is_refused(app):
    _rejected(app, {"password": "qwertyuiop"}, "too easy to guess")
    _rejected(app, {"password": "Password123"}, "too easy to guess")
    assert count_users(app) == 0


def test_password_containing_the_username_is_refused(app):
    _rejected(app, {"username": "marija", "password": "marija-is-great"}, "must not contain your name")


def test_long_password_without_digits_or_symbols_is_fine(app):
    client = app.test_client()
    response = post_form(client, "/signup", {**SIGNUP, "password": "abcdefghijkl mnop"}, token_from="/signup")
    assert response.status_code == 302


def test_username_is_taken_whatever_its_case(app):
    make_user(app, "ana_s")
    _rejected(app, {"username": "ANA_S"}, "This username is taken")
    assert count_users(app) == 1


def test_email_is_optional_but_unique(app):
    make_user(app, "first", email="kid@example.org")
    _rejected(app, {"email": "KID@example.org"}, "already exists")


def test_bad_username_and_too_young_are_explained(app):
    _rejected(app, {"username": "a b!"}, "Use 3 to 30 letters")
    _rejected(app, {"birth_year": "2020"}, "at least 13 years old")
    _rejected(app, {"birth_year": "abc"}, "Enter your birth year")
    assert count_users(app) == 0


def test_login_by_username_or_email_and_wrong_password(app):
    make_user(app, "jonas", email="jonas@example.org")
    client = app.test_client()
    bad = post_form(client, "/login", {"login": "jonas", "password": "wrong password!"})
    assert bad.status_code == 422
    assert "The username or password is not right." in bad.get_data(as_text=True)
    unknown = post_form(client, "/login", {"login": "nobody", "password": "wrong password!"})
    assert "The username or password is not right." in unknown.get_data(as_text=True)
    sign_in(client, "JONAS@example.org")
    assert "Hello, Jonas." in client.get("/").get_data(as_text=True)


def test_login_follows_only_local_next(app):
    make_user(app, "jonas")
    client = app.test_client()
    ok = post_form(client, "/login?next=/account/", {"login": "jonas", "password": PASSWORD})
    assert ok.headers["Location"] == "/account/"
    client = app.test_client()
    evil = post_form(client, "/login?next=https://evil.example/", {"login": "jonas", "password": PASSWORD})
    assert evil.headers["Location"] == "/"


def test_login_rotates_the_session(app):
    make_user(app, "jonas")
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        before = dict(session)
    sign_in(client, "jonas")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != before.get("csrf_token")
        assert "_user_id" in session


def test_logout_needs_post_and_signs_out(app):
    make_user(app, "jonas")
    client = app.test_client()
    sign_in(client, "jonas")
    assert client.get("/logout").status_code == 405
    response = post_form(client, "/logout", token_from="/")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 302


def test_inactive_account_cannot_sign_in(app):
    uid = make_user(app, "jonas")
    with app.app_context():
        db.session.get(User, uid).active = False
        db.session.commit()
    response = post_form(app.test_client(), "/login", {"login": "jonas", "password": PASSWORD})
    assert response.status_code == 422


def test_login_is_rate_limited(make_app):
    app = make_app(RATELIMIT_LOGIN="3 per minute")
    client = app.test_client()
    responses = [post_form(client, "/login", {"login": "x", "password": "wrong password"})
                 for _ in range(4)]
    assert [r.status_code for r in responses] == [422, 422, 422, 429]
    assert "Too many tries" in responses[-1].get_data(as_text=True)


def test_signup_is_rate_limited(make_app):
    app = make_app(RATELIMIT_SIGNUP="2 per minute")
    client = app.test_client()
    codes = [post_form(client, "/signup", {**SIGNUP, "password": "x"}, token_from="/signup").status_code
             for _ in range(3)]
    assert codes == [422, 422, 429]


def test_password_hash_is_upgraded_when_parameters_change(make_app):
    app = make_app()
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    uid = make_user(app, "jonas")
    with app.app_context():
        db.session.get(User, uid).password_hash = weak.hash(PASSWORD)
        db.session.commit()
    sign_in(app.test_client(), "jonas")
    with app.app_context():
        stored = db.session.get(User, uid).password_hash
    assert "m=1024" in stored and "m=512" not in stored
    assert PasswordHasher().verify(stored, PASSWORD)
