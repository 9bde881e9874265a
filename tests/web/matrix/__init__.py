"""The role × route matrix, one module of entries per area.

Each module defines ENTRIES = {(endpoint, method): (url, form or None, {role: expected})}.
URLs may use placeholders filled from the `world` fixture: {youth} and the other role
names (user ids), {cycle_draft}, {cycle_proposals}, {cycle_feedback}, {cycle_review},
{proposal} (submitted, by youth-user, in the feedback cycle), {draft} (youth-user's
draft in the proposals cycle), {comment} (by council-user on {proposal}),
{review_proposal} (submitted, in the review cycle), {cycle_voting} (in voting: three approved
projects, an approval ballot of 1 to 2 picks), {voting_code} (a valid code of that cycle).
"""

from __future__ import annotations

import importlib
import pkgutil

MATRIX: dict = {}
for info in pkgutil.iter_modules(__path__):
    if info.name == "common":
        continue
    module = importlib.import_module(f"{__name__}.{info.name}")
    overlap = MATRIX.keys() & module.ENTRIES.keys()
    assert not overlap, f"{info.name} repeats {overlap}"
    MATRIX.update(module.ENTRIES)
