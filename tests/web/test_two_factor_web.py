"""Two-step sign-in as a staff member meets it: enrolment, the second step, the requirement."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest

from tests.conftest import PASSWORD, csrf_token, make_user, post_form

SECRET_RE = re.compile(r'class="tfa-secret">([A-Z2-7]+)<')
CODES_RE = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


@pytest.fixture
def secretary(app):
    return make_user(app, "sec-user", "secretary")


def password_step(client, username="sec-user", password=PASSWORD):
    return post_form(client, "/login", {"login": username, "password": password})


def now_code(secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time(), counter_offset=steps)


def enrol(client) -> tuple[str, list[str]]:
    page = client.get("/two-factor")
    assert page.status_code == 200
    secret = SECRET_RE.search(page.get_data(as_text=True)).group(1)
    done = post_form(client, "/two-factor/enable", {"code": now_code(secret)}, token_from="/two-factor")
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    codes = CODES_RE.findall(done.get_data(as_text=True))
    return secret, codes


@pytest.fixture
def enrolled(app, secretary):
    """(secret, recovery codes) of sec-user, who then signs out."""
    client = app.test_client()
    password_step(client)
    secret, codes = enrol(client)
    post_form(client, "/logout", token_from="/")
    return secret, codes


def signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def test_enrol_shows_qr_key_and_ten_recovery_codes(app, secretary):
    client = app.test_client()
    password_step(client)
    qr = client.get("/two-factor/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    profile = client.get("/account/").get_data(as_text=True)
    assert "Two-step sign-in" in profile and "On" in profile
    # The codes are shown once: the page now offers to turn it off, and no codes.
    page = client.get("/two-factor").get_data(as_text=True)
    assert "Turn off" in page and codes[0] not in page and secret not in page


def test_wrong_enrolment_code_changes_nothing(app, secretary):
    client = app.test_client()
    password_step(client)
    client.get("/two-factor")
    response = post_form(client, "/two-factor/enable", {"code": "12345"}, token_from="/two-factor")
    assert response.status_code == 422
    assert "This code is not right" in response.get_data(as_text=True)
    assert "Turn on" in client.get("/two-factor").get_data(as_text=True)


def test_password_alone_does_not_sign_in_then_code_does(app, enrolled):
    secret, _codes = enrolled
    client = app.test_client()
    response = password_step(client)
    assert response.headers["Location"] == "/login/code"
    assert not signed_in(client)
    page = client.get("/login/code")
    assert page.status_code == 200 and "authenticator app" in page.get_data(as_text=True)
    done = post_form(client, "/login/code", {"code": now_code(secret, 1)}, token_from="/login/code")
    assert done.status_code == 302
    assert signed_in(client)


def test_wrong_code_is_refused(app, enrolled):
    client = app.test_client()
    password_step(client)
    response = post_form(client, "/login/code", {"code": "000000"}, token_from="/login/code")
    # (one chance in a million that 000000 is today's code: then this test is lucky)
    assert response.status_code == 422
    assert "This code is not right" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_same_code_cannot_be_used_twice(app, enrolled):
    secret, _codes = enrolled
    code = now_code(secret, 1)
    first = app.test_client()
    password_step(first)
    post_form(first, "/login/code", {"code": code}, token_from="/login/code")
    assert signed_in(first)
    second = app.test_client()
    password_step(second)
    response = post_form(second, "/login/code", {"code": code}, token_from="/login/code")
    assert response.status_code == 422
    assert not signed_in(second)


def test_recovery_code_signs_in_once(app, enrolled):
    _secret, codes = enrolled
    client = app.test_client()
    password_step(client)
    done = post_form(client, "/login/code", {"code": codes[3]}, token_from="/login/code")
    assert done.status_code == 302
    assert "Recovery codes left: 9." in client.get("/").get_data(as_text=True)
    assert signed_in(client)
    again = app.test_client()
    password_step(again)
    response = post_form(again, "/login/code", {"code": codes[3]}, token_from="/login/code")
    assert response.status_code == 422 and not signed_in(again)


def test_half_login_expires(app, enrolled, monkeypatch):
    from ypb.models.base import utcnow
    from ypb.web.auth import two_factor as views

    secret, _codes = enrolled
    client = app.test_client()
    password_step(client)
    later = utcnow() + timedelta(minutes=6)
    monkeypatch.setattr(views, "utcnow", lambda: later)
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "too long" in client.get("/login").get_data(as_text=True)
    response = client.post("/login/code", data={"code": now_code(secret, 1),
                                                "csrf_token": csrf_token(client, "/login")})
    assert response.headers["Location"] == "/login" and not signed_in(client)


def test_five_wrong_codes_end_the_half_login(app, enrolled):
    client = app.test_client()
    password_step(client)
    token = csrf_token(client, "/login/code")
    for _ in range(4):
        assert client.post("/login/code", data={"code": "abc", "csrf_token": token}).status_code == 422
    last = client.post("/login/code", data={"code": "abc", "csrf_token": token})
    assert last.headers["Location"] == "/login"


def test_requirement_sends_staff_to_enrolment_until_done(app, users):
    admin = app.test_client()
    password_step(admin, "admin-user")
    post_form(admin, "/admin/two-factor-requirement", {"required": "y"}, token_from="/admin/users")
    # The admin without a second factor is now held on the enrolment page too.
    assert admin.get("/admin/users").headers["Location"] == "/two-factor"

    secretary = app.test_client()
    password_step(secretary, "secretary-user")
    for path in ("/", "/account/", "/admin/users"):
        response = secretary.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/two-factor"
    assert "needs two-step sign-in" in secretary.get("/two-factor").get_data(as_text=True)
    enrol(secretary)
    assert secretary.get("/account/").status_code == 200

    youth = app.test_client()
    password_step(youth, "youth-user")
    assert youth.get("/account/").status_code == 200


def test_requirement_change_is_audited(app, users):
    from sqlalchemy import select

    from ypb.extensions import db
    from ypb.models import AuditEntry

    admin = app.test_client()
    password_step(admin, "admin-user")
    response = post_form(admin, "/admin/two-factor-requirement", {"required": "y"},
                         token_from="/admin/users")
    assert response.status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "2fa.required" in actions


def test_disable_needs_password_and_code(app, enrolled):
    secret, codes = enrolled
    client = app.test_client()
    password_step(client)
    post_form(client, "/login/code", {"code": codes[0]}, token_from="/login/code")
    wrong = post_form(client, "/two-factor/disable", {"password": "nope nope nope", "code": codes[1]},
                      token_from="/two-factor")
    assert wrong.status_code == 422 and "password is not right" in wrong.get_data(as_text=True)
    done = post_form(client, "/two-factor/disable", {"password": PASSWORD, "code": codes[1]},
                     token_from="/two-factor")
    assert done.status_code == 303
    assert "Two-step sign-in is off." in client.get("/account/").get_data(as_text=True)
    # Signing in needs the password only again.
    fresh = app.test_client()
    assert password_step(fresh).headers["Location"] == "/"
    assert signed_in(fresh)


def test_youth_cannot_open_enrolment(client_for):
    assert client_for("youth").get("/two-factor").status_code == 403


def test_admin_turns_off_a_lost_second_factor_after_confirming(app, users, enrolled, secretary):
    from sqlalchemy import select

    from ypb.extensions import db
    from ypb.models import AuditEntry

    _secret, codes = enrolled
    phone = app.test_client()  # sec-user, signed in before losing the phone
    password_step(phone)
    post_form(phone, "/login/code", {"code": codes[0]}, token_from="/login/code")
    assert signed_in(phone)
    admin = app.test_client()
    password_step(admin, "admin-user")
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{secretary}/two-factor-reset" in listing
    assert "/two-factor-reset" not in listing.replace(f"/admin/users/{secretary}/two-factor-reset", ""), \
        "only accounts with a second factor offer the reset"

    unconfirmed = post_form(admin, f"/admin/users/{secretary}/two-factor-reset", {}, token_from="/admin/users")
    assert unconfirmed.status_code == 302
    assert "Tick the box" in admin.get("/admin/users").get_data(as_text=True)
    assert password_step(app.test_client()).headers["Location"] == "/login/code", "still on"

    done = post_form(admin, f"/admin/users/{secretary}/two-factor-reset", {"confirm": "y"},
                     token_from="/admin/users")
    assert done.status_code == 302
    assert "Two-step sign-in is off for sec-user" in admin.get("/admin/users").get_data(as_text=True)
    assert not signed_in(phone), "signed out everywhere"
    fresh = app.test_client()
    assert password_step(fresh).headers["Location"] == "/"
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "2fa.reset")).one()
        assert (entry.subject, entry.actor) == (f"user:{secretary}", f"user:{users['admin']}")


def test_nobody_resets_their_own_second_factor_from_the_web(app, users):
    from ypb.extensions import db
    from ypb.models import User
    from ypb.services import two_factor

    admin = app.test_client()
    password_step(admin, "admin-user")
    _secret, _codes = enrol(admin)
    admin_id = users["admin"]
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{admin_id}/two-factor-reset" not in listing
    post_form(admin, f"/admin/users/{admin_id}/two-factor-reset", {"confirm": "y"}, token_from="/admin/users")
    assert "cannot reset your own" in admin.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin_id).two_factor_enabled
        assert two_factor.recovery_codes_left(admin_id) == 10


def test_the_command_line_resets_the_last_administrators_second_factor(app, users, enrolled, secretary):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ypb", "reset-2fa", "sec-user"])
    assert result.exit_code == 0, result.output
    assert "turned off for sec-user" in result.output
    assert password_step(app.test_client()).headers["Location"] == "/"

    again = runner.invoke(args=["ypb", "reset-2fa", "sec-user"])
    assert again.exit_code == 2 and "already off" in again.output
    missing = runner.invoke(args=["ypb", "reset-2fa", "nobody-here"])
    assert missing.exit_code == 2 and "no account 'nobody-here'" in missing.output
