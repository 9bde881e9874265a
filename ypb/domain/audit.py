"""The audit trail's hash chain: each entry's hash covers its content and the previous hash.

Changing, removing or reordering any stored entry breaks every hash after it, which
`verify_chain` reports by naming the first entry that no longer matches.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

GENESIS_HASH = "0" * 64


def canonical_json(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(
    prev_hash: str, seq: int, created_at: datetime, actor: str, action: str, subject: str, data: str
) -> str:
    payload = canonical_json(
        {
            "prev": prev_hash,
            "seq": seq,
            "at": created_at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "subject": subject,
            "data": data,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    seq: int
    created_at: datetime
    actor: str
    action: str
    subject: str
    data: str
    prev_hash: str
    hash: str


def verify_chain(entries: Iterable[ChainEntry]) -> int | None:
    """Return the seq of the first broken entry, or None when the chain holds."""
    expected_prev = GENESIS_HASH
    for entry in entries:
        recomputed = entry_hash(
            entry.prev_hash, entry.seq, entry.created_at, entry.actor, entry.action,
            entry.subject, entry.data,
        )
        if entry.prev_hash != expected_prev or entry.hash != recomputed:
            return entry.seq
        expected_prev = entry.hash
    return None
