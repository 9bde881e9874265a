"""Tests for ypb.domain.textdiff: the word diff shown in a proposal's revision history."""

from __future__ import annotations

import random
import time

import pytest

from ypb.domain.textdiff import Piece, changed, word_diff


def pieces(old, new):
    return [(p.op, p.text) for p in word_diff(old, new)]


@pytest.mark.parametrize(("old", "new", "expected"), [
    # identical text: one unchanged piece
    ("Six LED lamps.", "Six LED lamps.", [("same", "Six LED lamps.")]),
    # insertions: at the end, at the start, in the middle
    ("Six lamps", "Six lamps now", [("same", "Six lamps"), ("added", " now")]),
    ("lamps", "Six lamps", [("added", "Six "), ("same", "lamps")]),
    ("Six lamps", "Six LED lamps", [("same", "Six "), ("added", "LED "), ("same", "lamps")]),
    # deletions
    ("Six LED lamps", "Six lamps", [("same", "Six "), ("removed", "LED "), ("same", "lamps")]),
    ("Six lamps now", "Six lamps", [("same", "Six lamps"), ("removed", " now")]),
    # replacement: the old words first, then the new ones, at the same place
    ("Six lamps", "Eight lamps", [("removed", "Six "), ("added", "Eight "), ("same", "lamps")]),
    ("a b c", "a x c", [("same", "a "), ("removed", "b "), ("added", "x "), ("same", "c")]),
    ("Six lamps.", "Eight lamps.", [("removed", "Six "), ("added", "Eight "), ("same", "lamps.")]),
    # a rewritten run reads as one removed and one added piece, not word by word
    ("one two three", "four five six", [("removed", "one two three"), ("added", "four five six")]),
    ("Keep one two three end", "Keep four five six end",
     [("same", "Keep "), ("removed", "one two three "), ("added", "four five six "), ("same", "end")]),
    # a word that only gains or loses the space after it is not shown as changed
    ("Six lamps", "Six lamps, solar", [("same", "Six "), ("removed", "lamps"), ("added", "lamps, solar")]),
    ("Six lamps", "Six lamps solar", [("same", "Six lamps"), ("added", " solar")]),
    # empty old or new text
    ("", "New text", [("added", "New text")]),
    ("Old text", "", [("removed", "Old text")]),
    (None, "New", [("added", "New")]),
    ("Old", None, [("removed", "Old")]),
    ("", "", []),
    # punctuation belongs to its word
    ("lamps.", "lamps!", [("removed", "lamps."), ("added", "lamps!")]),
])
def test_word_diff_pieces(old, new, expected):
    assert pieces(old, new) == expected


@pytest.mark.parametrize(("old", "new"), [
    ("Six LED lamps.\n\nNear the ramp.", "Eight LED lamps.\n\nNear the ramp, and the bench."),
    ("one  two\tthree", "one two three"),
    ("  leading and trailing  ", "leading and trailing"),
    ("line one\nline two\n", "line one\r\nline two\n"),
    ("", "   "),
    ("a b c d e f", "f e d c b a"),
    ("Ünïcode wörds — ok", "Ünïcode words — ok"),
])
def test_whitespace_is_kept_so_both_texts_can_be_read_back(old, new):
    result = word_diff(old, new)
    assert "".join(p.text for p in result if p.op != "added") == old
    assert "".join(p.text for p in result if p.op != "removed") == new
    assert all(p.text for p in result)
    assert {p.op for p in result} <= {"same", "added", "removed"}


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("one  two", "one two", [("same", "one"), ("removed", "  "), ("added", " "), ("same", "two")]),
    ("one two", "one\ntwo", [("same", "one"), ("removed", " "), ("added", "\n"), ("same", "two")]),
    ("  one", "one", [("removed", "  "), ("same", "one")]),
    ("one", "one\n", [("same", "one"), ("added", "\n")]),
])
def test_a_whitespace_only_change_is_shown(old, new, expected):
    assert pieces(old, new) == expected


def test_a_long_rewrite_is_quick():
    # The revision page diffs descriptions of up to 20 000 characters on every view.
    rng = random.Random(7)
    words = ["lamp", "park", "skate", "the", "a", "of", "to", "and", "light", "ramp", "youth", "town"]
    old, new = (" ".join(rng.choice(words) for _ in range(3500)) for _ in range(2))
    started = time.perf_counter()
    result = word_diff(old, new)
    assert time.perf_counter() - started < 1.5
    assert "".join(p.text for p in result if p.op != "added") == old


def test_pieces_are_plain_values():
    assert word_diff("a", "b") == [Piece("removed", "a"), Piece("added", "b")]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("a", "a", False),
    ("a", "b", True),
    (None, "", False),
    ("", None, False),
    (None, None, False),
    (None, "x", True),
    ("a", "a ", True),
])
def test_changed(old, new, expected):
    assert changed(old, new) is expected
