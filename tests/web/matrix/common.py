"""Shared vocabulary of the role × route matrix."""

from __future__ import annotations

from tests.conftest import ROLES

LOGIN = "login"  # a redirect to the sign-in page (anonymous visitor, page needs an account)
OK, REDIRECT, SEE_OTHER, FORBIDDEN, NOT_FOUND, INVALID = 200, 302, 303, 403, 404, 422

ANON = "anonymous"
SIGNED_IN = ["youth", "secretary", "council", "admin"]


def each(status, **exceptions):
    return {role: exceptions.get(role, status) for role in ROLES}


def only(roles: list[str], status, otherwise=FORBIDDEN):
    return {role: status if role in roles else (LOGIN if role == ANON else otherwise) for role in ROLES}

STAFF = ["secretary", "admin"]
