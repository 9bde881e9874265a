"""argon2id password hashing, with parameters from the app's config."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_hashers: dict[tuple, PasswordHasher] = {}


def hasher() -> PasswordHasher:
    params = current_app.config.get("YPB_ARGON2") or {}
    key = tuple(sorted(params.items()))
    if key not in _hashers:
        _hashers[key] = PasswordHasher(**params)  # argon2id is the default type
    return _hashers[key]


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher().check_needs_rehash(stored_hash)


# Verifying against this when no account matches keeps the timing of "no such user"
# close to that of "wrong password".
def dummy_verify(password: str) -> None:
    verify_password(hash_password("not-a-real-password"), password)
