"""Use-cases: load, ask the domain, persist with an audit entry, in one transaction."""

from __future__ import annotations

from ypb.domain.messages import Refusal


class Refused(Exception):
    """A use-case said no; the refusals carry translatable messages for the user."""

    def __init__(self, *refusals: Refusal, field: str | None = None):
        super().__init__("; ".join(r.code for r in refusals))
        self.refusals = list(refusals)
        self.field = field
