"""Second factor for staff accounts: TOTP (pyotp) with single-use recovery codes.

Secrets at rest: the TOTP secret is encrypted before it is stored. The key is derived
from SECRET_KEY with HMAC-SHA256; a random nonce per secret gives the key stream
(HMAC-SHA256 used as a PRF) and an HMAC tag over nonce and ciphertext detects tampering.
A copy of the database alone therefore does not give the codes away. Changing
SECRET_KEY makes stored secrets and recovery codes unusable: staff then enrol again.
Secrets and codes never go into logs or the audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select

from ypb.database import begin_write
from ypb.domain import two_factor as rules
from ypb.domain.messages import N_
from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import User
from ypb.models.account import RecoveryCode, SiteSetting, new_session_token
from ypb.models.base import utcnow
from ypb.passwords import verify_password
from ypb.services import audit, refuse, use_case

ISSUER = "ypb"
REQUIRE_KEY = "two_factor_required"
VALID_WINDOW = 1  # steps of clock drift accepted either side, as pyotp's valid_window
STAFF_ROLES = {Role.SECRETARY.value, Role.ADMIN.value}
_NONCE = 16
_TAG = 16

WRONG_CODE = N_("This code is not right. Check the time on your phone and try again.")


# --- keys and storage -------------------------------------------------------------------

def _key(purpose: str) -> bytes:
    secret = current_app.config["SECRET_KEY"]
    return hmac.new(secret.encode(), f"ypb two-factor {purpose}".encode(), hashlib.sha256).digest()


def _xor(data: bytes, nonce: bytes) -> bytes:
    stream = hmac.new(_key("encrypt"), nonce, hashlib.sha256).digest()
    if len(data) > len(stream):  # a base32 secret of 32 characters fits one block
        raise ValueError("secret too long")
    return bytes(a ^ b for a, b in zip(data, stream, strict=False))


def encrypt_secret(secret: str) -> str:
    nonce = secrets.token_bytes(_NONCE)
    body = nonce + _xor(secret.encode(), nonce)
    tag = hmac.new(_key("authenticate"), body, hashlib.sha256).digest()[:_TAG]
    return base64.urlsafe_b64encode(body + tag).decode()


def decrypt_secret(stored: str) -> str | None:
    """The secret, or None when it was not made with this SECRET_KEY or was altered."""
    try:
        raw = base64.urlsafe_b64decode(stored.encode())
    except (ValueError, TypeError):
        return None
    body, tag = raw[:-_TAG], raw[-_TAG:]
    expected = hmac.new(_key("authenticate"), body, hashlib.sha256).digest()[:_TAG]
    if len(body) <= _NONCE or not hmac.compare_digest(tag, expected):
        return None
    return _xor(body[_NONCE:], body[:_NONCE]).decode()


def _recovery_hash(code: str) -> str:
    # Recovery codes carry ~49 random bits, so a keyed hash is enough (argon2 would make
    # each sign-in check ten slow hashes).
    return hmac.new(_key("recovery"), code.encode(), hashlib.sha256).hexdigest()


# --- enrolment ---------------------------------------------------------------------------

def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> bytes:
    out = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(out, kind="svg", scale=4, border=4)
    return out.getvalue()


def _matching_step(secret: str, code: str, last_step: int | None, now: datetime) -> int | None:
    """The time step `code` belongs to, within one step either side (valid_window=1 in
    pyotp's terms), and only if that step is later than the last one used."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    candidates = {current + offset: hmac.compare_digest(totp.generate_otp(current + offset), code)
                  for offset in range(-VALID_WINDOW, VALID_WINDOW + 1)}
    return rules.accepted_step(candidates, last_step)


def _wrong_code(field: str = "code"):
    return refuse("2fa.wrong_code", WRONG_CODE, field=field)


@use_case
def enable(user_id: int, secret: str, code: str, now: datetime | None = None) -> list[str]:
    """Turn the second factor on once `code` proves the app holds `secret`; returns the
    recovery codes in clear, to be shown once."""
    now = now or utcnow()
    code = rules.normalise_code(code)
    step = _matching_step(secret, code, None, now) if rules.is_totp_shape(code) else None
    if step is None:
        raise _wrong_code()
    begin_write()
    user = db.session.get(User, user_id, with_for_update=True)
    if user.two_factor_enabled:
        raise refuse("2fa.already_on", N_("Two-step sign-in is already on."))
    user.totp_secret = encrypt_secret(secret)
    user.totp_enabled_at = now
    user.totp_last_step = step  # the confirming code cannot be used again to sign in
    codes = _replace_recovery_codes(user.id, now)
    audit.record(user, "2fa.enable", f"user:{user.id}", {"recovery_codes": len(codes)})
    db.session.commit()
    return codes


def _replace_recovery_codes(user_id: int, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = rules.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user_id, code_hash=_recovery_hash(c), created_at=now)
                       for c in codes)
    return codes


@use_case
def disable(user_id: int, password: str, code: str, now: datetime | None = None) -> None:
    """Turn the second factor off: needs the password and a current code or a recovery code."""
    now = now or utcnow()
    begin_write()
    user = db.session.get(User, user_id, with_for_update=True)
    if not user.two_factor_enabled:
        raise refuse("2fa.already_off", N_("Two-step sign-in is already off."))
    if not verify_password(user.password_hash, password or ""):
        raise refuse("2fa.password", N_("This password is not right."), field="password")
    how = _check_code(user, rules.normalise_code(code), now)
    if how is None:
        raise _wrong_code()
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(user, "2fa.disable", f"user:{user.id}", {"with": how})
    db.session.commit()


@use_case
def reset(actor, user_id: int) -> User:
    """An administrator turns off the second factor of someone who lost their phone and their
    recovery codes (after checking who is asking, outside the platform). The account is signed
    out everywhere, and enrols again at the next sign-in when staff must have a second factor.
    `actor` is the administrator, or "cli" for the command line (the last administrator's way
    back in). Nobody resets their own from the web: they turn it off with a code instead."""
    begin_write()
    user = db.session.get(User, user_id, with_for_update=True)
    if user is None:
        raise refuse("no_user", N_("There is no such account."))
    if isinstance(actor, User) and actor.id == user.id:
        raise refuse("2fa.own_reset", N_("You cannot reset your own two-step sign-in: turn it off with a code "
                                         "on your account page, or ask another administrator."))
    if not user.two_factor_enabled:
        raise refuse("2fa.already_off", N_("Two-step sign-in is already off."))
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.session_token = new_session_token()  # signs out every device
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(actor, "2fa.reset", f"user:{user.id}")
    db.session.commit()
    return user


# --- signing in --------------------------------------------------------------------------

def _check_code(user: User, code: str, now: datetime) -> str | None:
    """"totp" or "recovery" when `code` is accepted (and consumed), else None. Runs inside
    the caller's write transaction, so two requests cannot both use one code."""
    if rules.is_totp_shape(code):
        secret = decrypt_secret(user.totp_secret or "")
        step = _matching_step(secret, code, user.totp_last_step, now) if secret else None
        if step is None:
            return None
        user.totp_last_step = step
        return "totp"
    if rules.is_recovery_shape(code):
        row = db.session.scalars(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None))).first()
        if row is None:
            return None
        row.used_at = now
        db.session.flush()
        audit.record(user, "2fa.recovery_used", f"user:{user.id}",
                     {"left": recovery_codes_left(user.id)})
        return "recovery"
    return None


def login_fingerprint(user: User) -> str:
    """Ties a half-done login to the account as it was at the password step (a password
    change in between voids it) without putting the session token in the cookie."""
    return hmac.new(_key("half-login"), user.session_token.encode(), hashlib.sha256).hexdigest()[:32]


@use_case
def verify_login(user_id: int, fingerprint: str, code: str, now: datetime | None = None) -> User:
    """The second step of signing in: the account, once `code` is accepted. Refused when
    the code is wrong or replayed, or the account changed since the password step."""
    now = now or utcnow()
    begin_write()
    user = db.session.get(User, user_id, with_for_update=True)
    if user is None or not user.active or not user.two_factor_enabled \
            or not hmac.compare_digest(login_fingerprint(user), fingerprint):
        raise refuse("2fa.login_gone", N_("Please sign in again."))
    if _check_code(user, rules.normalise_code(code), now) is None:
        raise _wrong_code()
    db.session.commit()
    return user


def recovery_codes_left(user_id: int) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))).all())


# --- the requirement for staff ----------------------------------------------------------

def is_required() -> bool:
    return db.session.scalar(select(SiteSetting.value).where(SiteSetting.key == REQUIRE_KEY)) == "1"


def applies_to(user) -> bool:
    return user.role in STAFF_ROLES


def must_enrol(user) -> bool:
    return applies_to(user) and not user.two_factor_enabled and is_required()


@use_case
def set_required(actor: User, required: bool) -> bool:
    """Turn the requirement on or off; True when it changed (only changes are audited)."""
    begin_write()
    row = db.session.get(SiteSetting, REQUIRE_KEY)
    value = "1" if required else "0"
    if (row.value if row else "0") == value:
        db.session.rollback()
        return False
    if row is None:
        db.session.add(SiteSetting(key=REQUIRE_KEY, value=value, updated_at=utcnow()))
    else:
        row.value, row.updated_at = value, utcnow()
    audit.record(actor, "2fa.required", "site", {"to": required})
    db.session.commit()
    return True
