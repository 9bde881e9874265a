"""Table tests for ypb.domain.kpis (the four KPIs) and ypb.domain.surveys (the satisfaction
survey's answers, its threshold and its fingerprint). No app."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.domain.source_checks import (
    assert_filled,
    assert_marked_for_translation,
    declared_codes,
    imports_outside_stdlib,
    refusal_calls,
)
from ypb.domain import kpis, surveys
from ypb.domain.kpis import (
    KPI_LABELS,
    KPIS,
    MAX_COUNT,
    SATISFACTION_LABELS,
    Kpis,
    SatisfactionKind,
    as_decimal,
    kpi_refusals,
    parse_effect_number,
    parse_satisfaction,
    satisfaction_actual,
)
from ypb.domain.surveys import (
    MIN_ANSWERS,
    RATING_LABELS,
    RATINGS,
    answer_refusals,
    close_refusals,
    combined,
    distribution,
    fingerprint,
    open_refusals,
)

NS, IP, DL, CA = "not_started", "in_progress", "delivered", "cancelled"
SET = Kpis(engaged_target=40, benefited_target=200, satisfaction_kind="average", satisfaction_target=40,
           effect_unit="trees planted", effect_target_number=12_000, effect_target_text="A greener schoolyard.")


def codes(refusals) -> tuple[str, ...]:
    return tuple(r.code for r in refusals)


def fields(refusals) -> tuple[str, ...]:
    return tuple(r.params.get("field", "") for r in refusals)


# --- KPIs ------------------------------------------------------------------------------------

KPI_CASES = [
    # (status, current, new, expected codes)
    pytest.param(IP, None, SET, (), id="first-targets"),
    pytest.param(NS, None, Kpis(), ("kpis.no_change",), id="nothing-new"),
    pytest.param(IP, SET, SET, ("kpis.no_change",), id="same-again"),
    pytest.param(IP, SET, Kpis(**{**SET.__dict__, "effect_target_text": "  A greener schoolyard.  "}),
                 ("kpis.no_change",), id="only-spaces-differ"),
    pytest.param(IP, None, Kpis(engaged_target=0, engaged_actual=MAX_COUNT), (), id="count-bounds"),
    pytest.param(IP, None, Kpis(engaged_actual=-1), ("kpis.count_negative",), id="negative-count"),
    pytest.param(IP, None, Kpis(benefited_target=MAX_COUNT + 1), ("kpis.count_too_large",), id="huge-count"),
    pytest.param(IP, None, Kpis(benefited_actual=True), ("kpis.count_negative",), id="bool-is-no-count"),
    pytest.param(IP, None, Kpis(satisfaction_kind="stars", satisfaction_target=4), ("kpis.unknown_kind",),
                 id="unknown-kind"),
    pytest.param(IP, None, Kpis(satisfaction_target=10, satisfaction_actual=50), (), id="average-1.0-to-5.0"),
    pytest.param(IP, None, Kpis(satisfaction_target=9), ("kpis.average_range",), id="average-below-1"),
    pytest.param(IP, None, Kpis(satisfaction_actual=51), ("kpis.average_range",), id="average-above-5"),
    pytest.param(IP, None, Kpis(satisfaction_kind="share", satisfaction_target=0, satisfaction_actual=100), (),
                 id="share-0-to-100"),
    pytest.param(IP, None, Kpis(satisfaction_kind="share", satisfaction_target=101), ("kpis.share_range",),
                 id="share-above-100"),
    pytest.param(IP, None, Kpis(effect_target_text="x" * 1001), ("kpis.too_long",), id="narrative-too-long"),
    pytest.param(IP, None, Kpis(effect_actual_text="x" * 1000), (), id="narrative-at-limit"),
    pytest.param(IP, None, Kpis(effect_actual_text=None), ("kpis.text_invalid",), id="narrative-not-text"),
    pytest.param(IP, None, Kpis(effect_unit="u" * 41), ("kpis.too_long",), id="unit-too-long"),
    pytest.param(IP, None, Kpis(effect_target_number=-100, effect_unit="trees"), ("kpis.number_range",),
                 id="negative-effect"),
    pytest.param(IP, None, Kpis(effect_actual_number=150), ("kpis.unit_missing",), id="number-without-unit"),
    pytest.param(IP, None, Kpis(effect_unit="  ", effect_actual_number=150), ("kpis.unit_missing",),
                 id="blank-unit"),
    # Ended projects: the actuals may still come, the targets may not move.
    pytest.param(DL, SET, Kpis(**{**SET.__dict__, "engaged_actual": 52, "satisfaction_actual": 43,
                                  "effect_actual_number": 15_000, "effect_actual_text": "Done."}), (),
                 id="delivered-actuals"),
    pytest.param(DL, SET, Kpis(**{**SET.__dict__, "engaged_target": 20}), ("kpis.targets_fixed",),
                 id="delivered-lowers-target"),
    pytest.param(CA, SET, Kpis(**{**SET.__dict__, "effect_unit": "bushes"}), ("kpis.targets_fixed",),
                 id="cancelled-changes-unit"),
    pytest.param(DL, None, Kpis(engaged_target=10), ("kpis.targets_fixed",), id="delivered-sets-target-late"),
    pytest.param(DL, None, Kpis(engaged_actual=10), (), id="delivered-first-actual"),
]


@pytest.mark.parametrize(("status", "current", "new", "expected"), KPI_CASES)
def test_kpi_rules(status, current, new, expected):
    assert codes(kpi_refusals(status, current, new)) == expected


def test_refusals_name_their_field():
    assert fields(kpi_refusals(IP, None, Kpis(engaged_actual=-1, satisfaction_target=60))) == (
        "engaged_actual", "satisfaction_target")
    assert fields(kpi_refusals(DL, SET, Kpis(**{**SET.__dict__, "benefited_target": 1}))) == ("benefited_target",)


def test_cleaned_trims_text_only():
    assert Kpis(effect_unit=" trees ", engaged_target=3).cleaned() == Kpis(effect_unit="trees", engaged_target=3)


PARSE_SATISFACTION = [
    ("average", "4.2", 42, None), ("average", "4,2", 42, None), ("average", "4", 40, None),
    ("average", "", None, None), ("average", "  ", None, None), ("average", "4.25", None, "kpis.average_range"),
    ("average", "four", None, "kpis.average_range"), ("share", "80", 80, None), ("share", "80 %", 80, None),
    ("share", "80%", 80, None), ("share", "80.5", None, "kpis.share_range"), ("share", "-3", None, "kpis.share_range"),
]


@pytest.mark.parametrize(("kind", "text", "value", "code"), PARSE_SATISFACTION)
def test_parse_satisfaction(kind, text, value, code):
    parsed, refusal = parse_satisfaction(kind, text, "satisfaction_target")
    assert parsed == value
    assert (refusal.code if refusal else None) == code
    if refusal:
        assert refusal.params["field"] == "satisfaction_target"


@pytest.mark.parametrize(("text", "value", "code"), [
    ("12", 1200, None), ("1.5", 150, None), ("1 200,25", 120_025, None), ("", None, None),
    ("1.234", 1234_00, None),  # grouped thousands, as parse_amount reads them
    ("-4", None, "kpis.number_range"), ("a lot", None, "kpis.number_range"),
])
def test_parse_effect_number(text, value, code):
    parsed, refusal = parse_effect_number(text, "effect_actual_number")
    assert (parsed, refusal.code if refusal else None) == (value, code)


def test_stored_figures_read_back_as_people_write_them():
    assert as_decimal(42, "average") == Decimal("4.2")
    assert as_decimal(80, "share") == 80
    assert as_decimal(150, "effect") == Decimal("1.5")
    assert as_decimal(None, "average") is None


def test_the_survey_wins_once_it_has_enough_answers():
    few = distribution({5: 4})
    enough = distribution({5: 3, 4: 1, 2: 1})
    assert satisfaction_actual("average", 38, None) == (38, "entered")
    assert satisfaction_actual("average", 38, few) == (38, "entered")  # 4 answers are not shown
    assert satisfaction_actual("average", None, few) == (None, None)
    assert satisfaction_actual("average", 38, enough) == (42, "survey")
    assert satisfaction_actual("share", 50, enough) == (80, "survey")


def test_every_kpi_and_kind_has_a_label():
    assert tuple(KPI_LABELS) == KPIS and all(KPI_LABELS.values())
    assert list(SATISFACTION_LABELS) == list(SatisfactionKind)


# --- surveys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "rating", "comment", "expected"), [
    ("open", 5, "", ()), ("open", 1, None, ()), ("open", 3, "x" * 500, ()),
    ("open", 0, "", ("surveys.rating",)), ("open", 6, "", ("surveys.rating",)),
    ("open", None, "", ("surveys.rating",)), ("open", True, "", ("surveys.rating",)),
    ("open", "5", "", ("surveys.rating",)), ("open", 4, "x" * 501, ("surveys.comment_long",)),
    ("open", 4, 12, ("surveys.comment_invalid",)), ("closed", 5, "", ("surveys.closed",)),
])
def test_answer_rules(state, rating, comment, expected):
    assert codes(answer_refusals(state, rating, comment)) == expected


@pytest.mark.parametrize(("status", "state", "expected"), [
    (IP, None, ()), (DL, None, ()), (NS, None, ()), (CA, None, ("surveys.project_cancelled",)),
    (IP, "open", ("surveys.already_open",)), (DL, "closed", ("surveys.closed_for_good",)),
])
def test_open_rules(status, state, expected):
    assert codes(open_refusals(status, state)) == expected


def test_close_rules():
    assert codes(close_refusals("open")) == ()
    assert codes(close_refusals("closed")) == codes(close_refusals(None)) == ("surveys.not_open",)


def test_below_five_answers_nothing_is_shown_but_how_many_are_missing():
    for total in range(MIN_ANSWERS):
        d = distribution({5: total})
        assert not d.shown and d.missing == MIN_ANSWERS - total
        assert d.average_tenths is None and d.share_satisfied is None
    d = distribution({5: 2, 4: 1, 3: 1, 1: 1})
    assert d.shown and d.missing == 0 and d.total == 5
    assert d.counts == (1, 0, 1, 1, 2)
    assert d.average_tenths == 36  # (5+5+4+3+1)/5 = 3.6
    assert d.share_satisfied == 60
    assert d.rows() == [(5, 2, 40), (4, 1, 20), (3, 1, 20), (2, 0, 0), (1, 1, 20)]


def test_averages_round_half_up_and_strange_ratings_are_ignored():
    assert distribution({5: 1, 4: 3}).average_tenths is None
    assert distribution({5: 2, 4: 6}).average_tenths == 43  # 4.25 → 4.3
    assert distribution({5: 5, 9: 3, 0: 1}).total == 5


def test_combined_counts_only_the_surveys_that_are_shown():
    shown = distribution({5: 5})
    hidden = distribution({1: 4})
    both = combined([shown, hidden, distribution({3: 5})])
    assert both.total == 10 and both.average_tenths == 40
    assert combined([hidden]).total == 0 and not combined([]).shown


def test_fingerprint_depends_on_key_survey_and_nonce_and_reveals_neither():
    key = b"k" * 32
    mark = fingerprint(key, 1, "nonce-a")
    assert len(mark) == 64 and "nonce-a" not in mark
    assert mark == fingerprint(key, 1, "nonce-a")
    assert len({mark, fingerprint(key, 2, "nonce-a"), fingerprint(key, 1, "nonce-b"),
                fingerprint(b"j" * 32, 1, "nonce-a")}) == 4


def test_every_rating_has_a_label():
    assert tuple(RATING_LABELS) == RATINGS and all(RATING_LABELS.values())


# --- messages ----------------------------------------------------------------------------------


def _all_refusals():
    for status, current, new, _ in (p.values for p in KPI_CASES):
        yield from kpi_refusals(status, current, new)
    for kind, text, _, _ in PARSE_SATISFACTION:
        refusal = parse_satisfaction(kind, text, "f")[1]
        if refusal:
            yield refusal
    yield parse_effect_number("x", "f")[1]
    for args in [("closed", 1, ""), ("open", 0, 5), ("open", 1, "x" * 600)]:
        yield from answer_refusals(*args)
    for args in [(CA, None), (IP, "open"), (IP, "closed")]:
        yield from open_refusals(*args)
    yield from close_refusals(None)


ALL_REFUSALS = list(_all_refusals())


def test_every_code_is_exercised():
    declared = declared_codes(kpis, r'"(kpis\.[a-z_]+)"') | declared_codes(surveys, r'"(surveys\.[a-z_]+)"')
    assert declared == {r.code for r in ALL_REFUSALS}


@pytest.mark.parametrize("refusal", ALL_REFUSALS, ids=lambda r: r.code)
def test_message_placeholders_are_filled_by_params(refusal):
    assert_filled(refusal)


@pytest.mark.parametrize("module", [kpis, surveys])
def test_messages_are_marked_for_translation_and_the_modules_are_pure(module):
    calls = refusal_calls(module)
    assert calls
    for call in calls:
        assert_marked_for_translation(call)
    outside = imports_outside_stdlib(module)
    assert all(m.startswith("ypb.domain.") for m in outside), outside
