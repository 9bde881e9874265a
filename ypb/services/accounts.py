"""Accounts: sign-up, sign-in, first accounts from the command line, role changes."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ypb.database import begin_write
from ypb.domain.messages import N_, Refusal
from ypb.domain.passwords import password_refusals
from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import User
from ypb.models.base import utcnow
from ypb.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from ypb.services import Refused, audit, use_case

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,29}$")
MIN_SIGNUP_AGE = 13  # under this, a parent's consent is needed (GDPR art. 8): not offered here


def normalise_username(username: str) -> str:
    return username.strip().lower()


def username_refusals(username: str) -> list[Refusal]:
    if not USERNAME_RE.match(username):
        return [Refusal("username_format", N_(
            "Use 3 to 30 letters (a–z), digits, dots, dashes or underscores, "
            "starting with a letter or digit."))]
    return []


def birth_year_refusals(birth_year: int, now: datetime) -> list[Refusal]:
    youngest = now.year - MIN_SIGNUP_AGE
    if birth_year > youngest:
        return [Refusal("too_young", N_("You need to be at least %(age)s years old to create an account."),
                        {"age": MIN_SIGNUP_AGE})]
    if birth_year < now.year - 120:
        return [Refusal("birth_year", N_("Please check your birth year."))]
    return []


def _check_free(username: str, email: str | None) -> None:
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Refused(Refusal("username_taken", N_("This username is taken. Try another one.")),
                      field="username")
    if email and db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise Refused(Refusal("email_taken", N_("An account with this e-mail address already exists.")),
                      field="email")


@use_case
def create_account(
    *, username: str, display_name: str, password: str, birth_year: int,
    email: str | None = None, resident: bool = False, role: Role = Role.YOUTH,
    actor=None, now: datetime | None = None,
) -> User:
    """Create an account; raises Refused with field-tagged reasons when input is wrong."""
    now = now or utcnow()
    username = normalise_username(username)
    email = email.strip().lower() if email and email.strip() else None
    display_name = display_name.strip()
    for field, refusals in (
        ("username", username_refusals(username)),
        ("birth_year", birth_year_refusals(birth_year, now) if role == Role.YOUTH else []),
        ("password", password_refusals(password, username=username, display_name=display_name)),
    ):
        if refusals:
            raise Refused(*refusals, field=field)
    password_hash = hash_password(password)  # slow: do it before taking the write lock
    begin_write()
    _check_free(username, email)
    user = User(
        username=username, display_name=display_name, email=email, birth_year=birth_year,
        residency_declared_at=now if resident else None, password_hash=password_hash,
        role=role.value, created_at=now,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone took the name between our check and our insert.
        db.session.rollback()
        raise Refused(Refusal("username_taken", N_("This username is taken. Try another one.")),
                      field="username") from None
    if actor is not None or role != Role.YOUTH:
        audit.record(actor or "cli", "account.create", f"user:{user.id}", {"role": role.value})
    db.session.commit()
    return user


def authenticate(login: str, password: str) -> User | None:
    """The active account matching username or e-mail and password, else None."""
    login = login.strip().lower()
    user = db.session.scalars(
        select(User).where(or_(User.username == login, func.lower(User.email) == login))
    ).first()
    if user is None:
        dummy_verify(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    begin_write()
    user = db.session.get(User, user.id)
    if needs_rehash(user.password_hash):
        # Parameters were raised since this hash was made: upgrade it now we know the password.
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


@use_case
def set_role(actor: User, user_id: int, role: Role) -> User:
    begin_write()
    user = db.session.get(User, user_id)
    if user is None:
        raise Refused(Refusal("no_user", N_("There is no such account.")))
    if user.id == actor.id:
        raise Refused(Refusal("own_role", N_("You cannot change your own role.")))
    old = user.role
    user.role = role.value
    audit.record(actor, "account.role", f"user:{user.id}", {"from": old, "to": role.value})
    db.session.commit()
    return user


def load_user(session_token: str) -> User | None:
    return db.session.scalars(select(User).where(User.session_token == session_token)).first()
