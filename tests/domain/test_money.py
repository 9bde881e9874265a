"""Tests for ypb.domain.money: what people type becomes integer minor units, or None."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from ypb.domain.money import MAX_AMOUNT, parse_amount, split_amount, too_large

NBSP, NARROW_NBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(("text", "expected"), [
    # plain whole amounts
    ("1500", 150000),
    ("0", 0),
    ("7", 700),
    ("  1500  ", 150000),
    ("001500", 150000),
    # one decimal mark, comma or dot, with one or two decimals
    ("1500.5", 150050),
    ("1500,5", 150050),
    ("1500.50", 150050),
    ("1500,05", 150005),
    ("1,5", 150),
    ("0,5", 50),
    ("0.01", 1),
    # thousands grouped with spaces of every kind, apostrophes and underscores
    ("1 500,50", 150050),
    (f"1{NBSP}500,50", 150050),
    (f"1{NARROW_NBSP}500{NARROW_NBSP}000", 150000000),
    ("1'500.50", 150050),
    ("1_500", 150000),
    ("\t1 500\n", 150000),
    # thousands grouped with dots or commas: three digits after the mark are never cents
    ("1.500.000", 150000000),
    ("1,500,000", 150000000),
    ("12,345", 1234500),
    ("1.500", 150000),
    ("999,999", 99999900),
    # grouped thousands AND decimals after the other mark (pt/el/lt write 1.500,50)
    ("1.500,50", 150050),
    ("1,500.50", 150050),
    ("1.500.000,5", 150000050),
    ("1,500,000.05", 150000005),
    # the upper limit is inclusive
    (f"{MAX_AMOUNT // 100}.{MAX_AMOUNT % 100:02d}", MAX_AMOUNT),
])
def test_parse_amount_accepts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", [
    "",
    "   ",
    NBSP,
    "abc",
    "12abc",
    "-5",
    "+5",
    "-1 500,50",
    "1.2.3",
    "1,2,3",
    "1.50.000",        # a group of two is not thousands
    "1.500.50",        # the decimal mark must differ from the grouping mark
    "1,500,50",
    "1.500,505",       # three decimals after a grouped number
    "1500.505",        # three decimals and no grouping: neither cents nor thousands
    "1234.567",
    ".5",
    "5.",
    "1e5",
    "€1500",
    "1500 EUR",
    "0x10",
    "1 500,50,5",
    f"{(MAX_AMOUNT + 1) // 100}.{(MAX_AMOUNT + 1) % 100:02d}",   # one cent over the limit
    str(MAX_AMOUNT),                            # in major units: far over the limit
    "9" * 40,
    "1" + "0" * 30 + ",50",
])
def test_parse_amount_refuses(text):
    assert parse_amount(text) is None


def test_huge_input_is_refused_quickly_without_raising():
    # A pasted wall of digits must neither crash (decimal overflow, int digit limit) nor hang.
    started = time.perf_counter()
    assert parse_amount("9" * 1_000_001) is None
    assert parse_amount("1" + ",000" * 200_000) is None
    assert time.perf_counter() - started < 2


def test_leading_zeros_do_not_count_against_the_limit():
    assert parse_amount("0" * 50 + "15") == 1500


@pytest.mark.parametrize(("text", "minor_digits", "expected"), [
    ("1500", 0, 1500),
    ("1 500", 0, 1500),
    ("1.500", 0, 1500),         # with no minor unit a mark can only group thousands
    ("1,500,000", 0, 1500000),
    ("1,5", 0, None),
    ("1.500,50", 0, None),
    ("1.5", 3, 1500),
    ("1,500", 3, 1500),          # three decimals are cents-like for a three-digit currency
    ("1,5001", 3, None),
    ("1.500.000,250", 3, 1500000250),
])
def test_parse_amount_with_other_minor_units(text, minor_digits, expected):
    assert parse_amount(text, minor_digits) == expected


@pytest.mark.parametrize(("minor", "minor_digits", "expected"), [
    (150050, 2, Decimal("1500.50")),
    (150000, 2, Decimal("1500")),
    (1, 2, Decimal("0.01")),
    (0, 2, Decimal("0")),
    (MAX_AMOUNT, 2, Decimal(MAX_AMOUNT) / 100),
    (-150, 2, Decimal("-1.5")),
    (1500, 0, Decimal("1500")),
    (1500250, 3, Decimal("1500.25")),
])
def test_split_amount(minor, minor_digits, expected):
    value = split_amount(minor, minor_digits)
    assert isinstance(value, Decimal)
    assert value == expected


@pytest.mark.parametrize("minor", [0, 1, 99, 100, 150050, 123456789, MAX_AMOUNT])
def test_split_then_parse_round_trips(minor):
    # What the form shows (a plain decimal) must parse back to the same amount.
    assert parse_amount(f"{split_amount(minor):f}") == minor


@pytest.mark.parametrize(("text", "expected"), [
    ("1 000 000 000 000", True), ("99999999999999", True), ("1500", False), ("abc", False),
    ("", False), ("12 000 000,50", False),
])
def test_too_large_tells_a_huge_amount_from_a_non_amount(text, expected):
    assert too_large(text) is expected
