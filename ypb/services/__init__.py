"""Use-cases: load, ask the domain, persist with an audit entry, in one transaction."""

from __future__ import annotations

from ypb.domain.messages import Refusal


class Refused(Exception):
    """A use-case said no; the refusals carry translatable messages for the user."""

    def __init__(self, *refusals: Refusal, field: str | None = None):
        super().__init__("; ".join(r.code for r in refusals))
        self.refusals = list(refusals)
        self.field = field


def refuse(code: str, message: str, field: str | None = None, **params) -> Refused:
    """One refusal, ready to raise: `raise refuse("vote.closed", N_("Voting is not open."))`."""
    return Refused(Refusal(code, message, params), field=field)


def use_case(fn):
    """Wrap a service that writes: any exception rolls the transaction back at once, so
    refused input changes nothing and SQLite's write lock is released straight away."""
    from functools import wraps

    from ypb.extensions import db

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise

    return wrapper
