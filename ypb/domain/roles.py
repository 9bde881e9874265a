"""The roles a user account can hold, and what each is for."""

from enum import StrEnum


class Role(StrEnum):
    YOUTH = "youth"  # default on sign-up: propose, comment, vote
    SECRETARY = "secretary"  # the municipality's youth coordinator: runs cycles and the council record
    COUNCIL = "council"  # a council member: votes on motions
    ADMIN = "admin"  # manages accounts and roles


ROLES = tuple(r.value for r in Role)
