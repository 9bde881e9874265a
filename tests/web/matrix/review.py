"""Matrix entries: feasibility notes, review decisions, moderation."""

from __future__ import annotations

ENTRIES: dict = {}
