"""Tests for ypb.domain.codes: voting codes people read off paper and type on a phone."""

from __future__ import annotations

import math
import re
import secrets

import pytest

from ypb.domain import codes
from ypb.domain.codes import ALPHABET, BITS, GROUP, LENGTH, grouped, new_code, normalise

LOOK_ALIKES = "0O1IL2Z5S8BUV"


def test_the_alphabet_has_no_look_alike_characters():
    assert set(LOOK_ALIKES).isdisjoint(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET), "no character twice"
    assert ALPHABET.isascii() and ALPHABET.upper() == ALPHABET


def test_a_code_carries_at_least_50_bits():
    assert BITS >= 50
    assert math.isclose(BITS, LENGTH * math.log2(len(ALPHABET)))


def test_codes_come_from_the_secure_random_source(monkeypatch):
    calls = []

    def recording_choice(seq):
        calls.append(seq)
        return seq[0]

    monkeypatch.setattr(secrets, "choice", recording_choice)

    assert new_code() == ALPHABET[0] * LENGTH
    assert calls == [ALPHABET] * LENGTH
    assert codes.secrets is secrets


def test_ten_thousand_codes_are_unique_and_use_only_the_alphabet():
    made = [new_code() for _ in range(10_000)]

    assert len(set(made)) == len(made)
    assert all(len(code) == LENGTH for code in made)
    assert set("".join(made)) <= set(ALPHABET)
    # Every symbol turns up: the codes use the whole alphabet, not a corner of it.
    assert set("".join(made)) == set(ALPHABET)


def test_codes_are_grouped_for_reading():
    assert grouped("ACDEFGHJKMNPQR") == "ACDE-FGHJ-KMNP-QR"
    shown = grouped(new_code())
    assert re.fullmatch(rf"([{ALPHABET}]{{{GROUP}}}-)+[{ALPHABET}]{{1,{GROUP}}}", shown)
    parts = shown.split("-")
    assert all(len(part) == GROUP for part in parts[:-1]) and 1 <= len(parts[-1]) <= GROUP
    assert len(shown) == LENGTH + math.ceil(LENGTH / GROUP) - 1


@pytest.mark.parametrize("typed", [
    "ACDEFGHJKMNPQR",
    "acdefghjkmnpqr",
    "ACDE-FGHJ-KMNP-QR",
    "acde-fghj-kmnp-qr",
    "ACDE FGHJ KMNP QR",
    "  ACDE-FGHJ KMNP_QR.\n",
    "AcDe-fGhJ-kMnP-qR",
])
def test_typing_mistakes_that_do_not_matter_are_forgiven(typed):
    assert normalise(typed) == "ACDEFGHJKMNPQR"


@pytest.mark.parametrize("typed", [
    "",
    "ACDE-FGHJ-KMNP-Q",  # one short
    "ACDE-FGHJ-KMNP-QRT",  # one too many
    "ACDE-FGHJ-KMNP-Q0",  # a zero, not a letter of ours
    "OCDE-FGHJ-KMNP-QR",  # a look-alike letter
    "ACDE-FGHJ-KMNP-Q5",
    "ACDE/FGHJ/KMNP/QR",  # an unknown separator
    "\u0410CDE-FGHJ-KMNP-QR",  # a Cyrillic A
])
def test_what_cannot_be_one_of_our_codes_is_refused(typed):
    assert normalise(typed) is None


def test_a_grouped_code_reads_back_as_itself():
    for _ in range(200):
        code = new_code()
        assert normalise(grouped(code)) == code
        assert normalise(grouped(code).lower()) == code
