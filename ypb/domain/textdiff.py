"""A readable word-level diff between two versions of a text, for revision history."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# A word with the space after it: a rewritten sentence then reads as one removed and one
# added run, not word salad, and a long text has few tokens (difflib is quadratic at worst).
_WORD = re.compile(r"\S+\s*")
_LEADING = re.compile(r"\s*")


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "added" or "removed"
    text: str


def _tokens(text: str) -> list[str]:
    lead = _LEADING.match(text).group()
    return ([lead] if lead else []) + _WORD.findall(text, len(lead))


def word_diff(old: str, new: str) -> list[Piece]:
    """Pieces of text in reading order; whitespace is kept so the result reads naturally.

    Joining the "same" and "removed" pieces gives `old` back, "same" and "added" gives `new`.
    """
    a, b = _tokens(old or ""), _tokens(new or "")
    # Words are matched without their trailing space, so adding a word after the last one
    # does not mark that last word as changed just because it gained a space.
    matcher = difflib.SequenceMatcher(a=[t.strip() for t in a], b=[t.strip() for t in b], autojunk=False)
    pieces: list[Piece] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1].op == op:
            pieces[-1] = Piece(op, pieces[-1].text + text)
        else:
            pieces.append(Piece(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for old_token, new_token in zip(a[i1:i2], b[j1:j2], strict=True):
                if old_token == new_token:
                    add("same", old_token)
                    continue
                # The same word with different spacing after it: show only the spacing change.
                word = old_token.rstrip()
                add("same", word)
                add("removed", old_token[len(word):])
                add("added", new_token[len(word):])
            continue
        add("removed", "".join(a[i1:i2]))
        add("added", "".join(b[j1:j2]))
    return pieces


def changed(old: str | None, new: str | None) -> bool:
    return (old or "") != (new or "")
