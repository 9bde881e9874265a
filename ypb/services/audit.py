"""Appending to, and checking, the hash-chained audit trail."""

from __future__ import annotations

from sqlalchemy import select, text

from ypb.domain.audit import GENESIS_HASH, ChainEntry, canonical_json, entry_hash, verify_chain
from ypb.extensions import db
from ypb.models import AuditEntry
from ypb.models.base import utcnow

# Any constant works; it only has to be the same in every process.
_PG_AUDIT_LOCK = 0x79706261


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return f"user:{actor.id}"


def record(actor, action: str, subject: str, data: dict | None = None) -> AuditEntry:
    """Add an entry to the current transaction; the caller commits.

    The head is read under a lock (PostgreSQL advisory lock; SQLite's write
    transaction already serialises writers), so concurrent actions queue.
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    head = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (head.seq + 1, head.hash) if head else (1, GENESIS_HASH)
    created_at = utcnow()
    payload = canonical_json(data or {})
    label = actor_label(actor)
    entry = AuditEntry(
        seq=seq, created_at=created_at, actor=label, action=action, subject=subject,
        data=payload, prev_hash=prev,
        hash=entry_hash(prev, seq, created_at, label, action, subject, payload),
    )
    session.add(entry)
    session.flush()
    return entry


def verify() -> int | None:
    """The seq of the first broken entry, or None when the whole chain holds."""
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000)
    return verify_chain(
        ChainEntry(r.seq, r.created_at, r.actor, r.action, r.subject, r.data, r.prev_hash, r.hash)
        for r in rows
    )


def head() -> AuditEntry | None:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()
