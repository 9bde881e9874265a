"""The second factor's service: enrolment, codes, replays, recovery codes, the requirement."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, make_user
from ypb.domain import two_factor as rules
from ypb.extensions import db
from ypb.models import AuditEntry, User
from ypb.services import Refused, two_factor

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
STEP = timedelta(seconds=30)


@pytest.fixture
def secretary(app_ctx):
    return make_user(app_ctx, "sec", "secretary")


def code_at(secret: str, when: datetime) -> str:
    return pyotp.TOTP(secret).at(when)


def enrol(user_id: int, now: datetime = NOW) -> tuple[str, list[str]]:
    secret = two_factor.new_secret()
    codes = two_factor.enable(user_id, secret, code_at(secret, now), now=now)
    return secret, codes


def fingerprint(user_id: int) -> str:
    return two_factor.login_fingerprint(db.session.get(User, user_id))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_secret_is_encrypted_at_rest_and_round_trips(app_ctx):
    secret = two_factor.new_secret()
    stored = two_factor.encrypt_secret(secret)
    assert secret not in stored
    assert two_factor.decrypt_secret(stored) == secret
    raw = bytearray(base64.urlsafe_b64decode(stored))
    raw[20] ^= 1
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode()
    assert two_factor.decrypt_secret(tampered) is None


def test_enable_needs_a_valid_code_and_gives_ten_recovery_codes(secretary):
    secret = two_factor.new_secret()
    with pytest.raises(Refused):
        two_factor.enable(secretary, secret, "000000" if code_at(secret, NOW) != "000000" else "111111",
                          now=NOW)
    assert not db.session.get(User, secretary).two_factor_enabled
    codes = two_factor.enable(secretary, secret, code_at(secret, NOW), now=NOW)
    assert len(codes) == 10 and len(set(codes)) == 10
    user = db.session.get(User, secretary)
    assert user.two_factor_enabled
    assert secret not in user.totp_secret
    assert two_factor.recovery_codes_left(secretary) == 10
    assert "2fa.enable" in audit_actions()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "2fa.enable")).one()
    assert secret not in entry.data and not any(c in entry.data for c in codes)


def test_code_accepted_once_and_neighbouring_steps_allowed(secretary):
    secret, _codes = enrol(secretary)
    fp = fingerprint(secretary)
    # The enrolment code itself cannot sign in.
    with pytest.raises(Refused):
        two_factor.verify_login(secretary, fp, code_at(secret, NOW), now=NOW)
    later = NOW + 4 * STEP
    # One step of clock drift either way is fine...
    assert two_factor.verify_login(secretary, fp, code_at(secret, later - STEP), now=later)
    # ...but the same code again is a replay, and so is an older one.
    with pytest.raises(Refused):
        two_factor.verify_login(secretary, fp, code_at(secret, later - STEP), now=later)
    with pytest.raises(Refused):
        two_factor.verify_login(secretary, fp, code_at(secret, later - 2 * STEP), now=later)
    assert two_factor.verify_login(secretary, fp, code_at(secret, later + STEP), now=later)


def test_recovery_code_works_once(secretary):
    _secret, codes = enrol(secretary)
    fp = fingerprint(secretary)
    typed = rules.display_recovery_code(codes[0]).upper()  # dash and capitals are fine
    assert two_factor.verify_login(secretary, fp, typed, now=NOW)
    assert two_factor.recovery_codes_left(secretary) == 9
    with pytest.raises(Refused):
        two_factor.verify_login(secretary, fp, codes[0], now=NOW)
    assert audit_actions().count("2fa.recovery_used") == 1


def test_password_change_voids_a_half_login(secretary):
    secret, _codes = enrol(secretary)
    fp = fingerprint(secretary)
    db.session.get(User, secretary).session_token = "changed"
    db.session.commit()
    with pytest.raises(Refused) as caught:
        two_factor.verify_login(secretary, fp, code_at(secret, NOW + 2 * STEP), now=NOW + 2 * STEP)
    assert caught.value.refusals[0].code == "2fa.login_gone"


def test_disable_needs_password_and_code(secretary):
    secret, _codes = enrol(secretary)
    later = NOW + 3 * STEP
    with pytest.raises(Refused):
        two_factor.disable(secretary, "wrong password", code_at(secret, later), now=later)
    with pytest.raises(Refused):
        two_factor.disable(secretary, PASSWORD, "123", now=later)
    assert db.session.get(User, secretary).two_factor_enabled
    two_factor.disable(secretary, PASSWORD, code_at(secret, later), now=later)
    user = db.session.get(User, secretary)
    assert not user.two_factor_enabled and user.totp_secret is None
    assert two_factor.recovery_codes_left(secretary) == 0
    assert "2fa.disable" in audit_actions()


def test_requirement_applies_to_staff_only_and_is_audited(app_ctx):
    admin_id, youth_id = make_user(app_ctx, "boss", "admin"), make_user(app_ctx, "kid", "youth")
    admin, youth = db.session.get(User, admin_id), db.session.get(User, youth_id)
    assert not two_factor.is_required() and not two_factor.must_enrol(admin)
    assert two_factor.set_required(admin, True)
    assert not two_factor.set_required(admin, True)  # no change, no entry
    assert two_factor.must_enrol(admin) and not two_factor.must_enrol(youth)
    assert audit_actions().count("2fa.required") == 1


def test_domain_rules():
    assert rules.normalise_code(" 123 456 ") == "123456"
    assert rules.is_totp_shape("123456") and not rules.is_totp_shape("12345a")
    code = rules.new_recovery_codes(1)[0]
    assert rules.is_recovery_shape(rules.normalise_code(rules.display_recovery_code(code)))
    assert rules.accepted_step({9: False, 10: True, 11: False}, 10) is None
    assert rules.accepted_step({9: False, 10: True, 11: False}, 9) == 10
    assert rules.half_login_expired(NOW - timedelta(minutes=6), NOW)
    assert not rules.half_login_expired(NOW - timedelta(minutes=4), NOW)
