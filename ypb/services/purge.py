"""The retention job (`flask ypb purge`, from cron): delete what is no longer needed.

- Voting keys of cycles whose results are final (implementation, closed). Moving to
  implementation already destroys the key (`voting.seal`); this catches any cycle that got
  there another way, so no key outlives its vote.
- Voting-code hashes and census lines of sealed cycles: without the key they can never be
  checked again, and they are the last rows tied to who could vote.
- Notifications older than NOTIFICATION_DAYS.
- Drafts never submitted, in cycles whose results are final: they can no longer be submitted.

Not here, because the app keeps none: IP addresses (they are only rate-limit keys, held by the
limiter's storage with its own expiry) and sessions (signed cookies in the browser, no
server-side store). Running it twice deletes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ypb.database import begin_write
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import CensusEntry, Cycle, Notification, Proposal, ProposalStatus, VotingCode, VotingKey
from ypb.models.base import utcnow
from ypb.services import audit, use_case, voting

NOTIFICATION_DAYS = 365
FINAL_PHASES = (Phase.IMPLEMENTATION.value, Phase.CLOSED.value)


@use_case
def purge(now: datetime | None = None) -> dict[str, int]:
    """Delete what retention allows; returns how many of each were deleted."""
    now = now or utcnow()
    begin_write()
    final = list(db.session.scalars(select(Cycle).where(Cycle.phase.in_(FINAL_PHASES)).order_by(Cycle.id)))
    keys = 0
    for cycle in final:
        row = db.session.scalar(select(VotingKey).where(VotingKey.cycle_id == cycle.id))
        if row is None or row.key is not None:
            keys += row is not None
            voting.seal("retention", cycle, now)
    sealed = select(VotingKey.cycle_id).where(VotingKey.key.is_(None))
    counts = {
        "voting keys destroyed": keys,
        "voting-code hashes deleted": db.session.execute(
            delete(VotingCode).where(VotingCode.cycle_id.in_(sealed))).rowcount,
        "census lines deleted": db.session.execute(
            delete(CensusEntry).where(CensusEntry.cycle_id.in_(sealed))).rowcount,
        "notifications deleted": db.session.execute(
            delete(Notification).where(Notification.created_at < now - timedelta(days=NOTIFICATION_DAYS))).rowcount,
    }
    drafts = db.session.scalars(select(Proposal).where(
        Proposal.status == ProposalStatus.DRAFT.value, Proposal.submitted_at.is_(None),
        Proposal.cycle_id.in_(select(Cycle.id).where(Cycle.phase.in_(FINAL_PHASES))))).all()
    for draft in drafts:
        db.session.delete(draft)
    counts["unsubmitted drafts deleted"] = len(drafts)
    if any(counts.values()):
        audit.record("retention", "retention.purge", "site", counts)
    db.session.commit()
    return counts
