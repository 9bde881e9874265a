"""Table tests for ypb.domain.projects: status changes, milestones and changes of terms.

No app. Each table row is one thing a secretary might try and the refusal codes it earns
(an empty tuple: allowed).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.domain.source_checks import (
    assert_filled,
    assert_marked_for_translation,
    declared_codes,
    imports_outside_stdlib,
    refusal_calls,
)
from ypb.domain import projects
from ypb.domain.projects import (
    STATUS_LABELS,
    TERM_LABELS,
    TERMS,
    ProjectStatus,
    Terms,
    completion_refusals,
    milestone_refusals,
    status_refusals,
    terms_diff,
    terms_refusals,
)

NS, IP, DL, CA = "not_started", "in_progress", "delivered", "cancelled"
CURRENT = Terms(240_000, "A bouldering wall with mats.", date(2026, 6, 30), "Ana")


def codes(refusals) -> tuple[str, ...]:
    return tuple(r.code for r in refusals)


# --- status, progress, spending -------------------------------------------------------------

STATUS_CASES = [
    # current, new, progress, spent, expected codes
    pytest.param(NS, NS, 0, 0, (), id="nothing-yet"),
    pytest.param(NS, IP, 10, 5_000, (), id="start"),
    pytest.param(IP, IP, 60, 120_000, (), id="progress-update"),
    pytest.param(IP, DL, 100, 240_000, (), id="deliver"),
    pytest.param(NS, DL, 100, 0, (), id="deliver-at-once"),
    pytest.param(IP, CA, 40, 80_000, (), id="cancel-midway"),
    pytest.param(NS, CA, 0, 0, (), id="cancel-before-start"),
    pytest.param(IP, IP, 100, 300_000, (), id="overspent-is-allowed"),
    pytest.param(DL, DL, 100, 250_000, ("projects.final",), id="delivered-is-final"),
    pytest.param(CA, IP, 10, 0, ("projects.final",), id="cancelled-is-final"),
    pytest.param(IP, NS, 0, 0, ("projects.no_restart",), id="no-going-back"),
    pytest.param(IP, "finished", 100, 0, ("projects.unknown_status",), id="unknown-status"),
    pytest.param(IP, IP, 101, 0, ("projects.progress_range",), id="over-100"),
    pytest.param(IP, IP, -1, 0, ("projects.progress_range",), id="below-0"),
    pytest.param(IP, IP, 50.5, 0, ("projects.progress_range",), id="not-whole"),
    pytest.param(IP, IP, True, 0, ("projects.progress_range",), id="bool-is-not-a-number"),
    pytest.param(IP, DL, 90, 0, ("projects.delivered_not_done",), id="delivered-means-100"),
    pytest.param(NS, NS, 20, 0, ("projects.not_started_progress",), id="not-started-no-progress"),
    pytest.param(IP, IP, 20, -1, ("projects.spent_negative",), id="negative-spending"),
    pytest.param(IP, NS, 200, -5, ("projects.no_restart", "projects.progress_range", "projects.spent_negative"),
                 id="everything-wrong-at-once"),
]


@pytest.mark.parametrize(("current", "new", "progress", "spent", "expected"), STATUS_CASES)
def test_status_changes(current, new, progress, spent, expected):
    assert codes(status_refusals(current, new, progress, spent)) == expected


def test_status_refusals_name_the_field_they_are_about():
    assert status_refusals(IP, IP, 101, 0)[0].params["field"] == "progress"
    assert status_refusals(IP, NS, 0, 0)[0].params["field"] == "status"
    assert status_refusals(IP, IP, 1, -1)[0].params["field"] == "budget_spent"


# --- milestones ---------------------------------------------------------------------------

D = date(2026, 3, 1)
MILESTONE_CASES = [
    pytest.param("Wall ordered", D, "", (), id="plain"),
    pytest.param("Wall ordered", D, "Invoice 2026/14", (), id="with-evidence"),
    pytest.param("   ", D, "", ("projects.missing",), id="blank-title"),
    pytest.param(None, D, "", ("projects.missing",), id="no-title"),
    pytest.param("x" * 201, D, "", ("projects.too_long",), id="long-title"),
    pytest.param("Wall ordered", None, "", ("projects.milestone_date",), id="no-date"),
    pytest.param("Wall ordered", "2026-03-01", "", ("projects.milestone_date",), id="date-as-text"),
    pytest.param("Wall ordered", D, "e" * 2001, ("projects.too_long",), id="long-evidence"),
]


@pytest.mark.parametrize(("title", "day", "evidence", "expected"), MILESTONE_CASES)
def test_milestones(title, day, evidence, expected):
    assert codes(milestone_refusals(title, day, evidence)) == expected


COMPLETION_CASES = [
    pytest.param(IP, False, "Photos in the report", (), id="done-with-evidence"),
    pytest.param(NS, False, "", (), id="done-without-evidence"),
    pytest.param(IP, True, "", ("projects.milestone_done",), id="twice"),
    pytest.param(IP, False, "e" * 2001, ("projects.too_long",), id="long-evidence"),
    pytest.param(DL, False, "", ("projects.final",), id="project-ended"),
]


@pytest.mark.parametrize(("status", "done", "evidence", "expected"), COMPLETION_CASES)
def test_completing_a_milestone(status, done, evidence, expected):
    assert codes(completion_refusals(status, done, evidence)) == expected


# --- terms ----------------------------------------------------------------------------------

WHY = "The supplier closed; a second quote was higher."
TERMS_CASES = [
    # status, changes, reason, material, decision_id, spent, expected codes
    pytest.param(IP, {"planned_end": date(2026, 9, 30)}, WHY, False, None, 0, (), id="later-end"),
    pytest.param(IP, {"planned_end": None}, WHY, False, None, 0, (), id="end-unknown-again"),
    pytest.param(IP, {"budget_granted": 300_000}, WHY, True, 7, 0, (), id="material-with-decision"),
    pytest.param(NS, {"responsible": "Youth centre"}, WHY, True, 7, 0, (), id="new-deliverer"),
    pytest.param(IP, {"scope": "A smaller wall, without mats."}, WHY, False, None, 0, (), id="scope"),
    pytest.param(IP, {**CURRENT.__dict__, "scope": "Wall and mats."}, WHY, False, None, 0, (),
                 id="unchanged-terms-are-ignored"),
    pytest.param(IP, {"budget_granted": 300_000}, WHY, True, None, 0, ("projects.material_needs_decision",),
                 id="material-without-decision"),
    pytest.param(IP, {"budget_granted": 300_000}, "  ", False, None, 0, ("projects.reason_missing",),
                 id="no-reason"),
    pytest.param(IP, {"budget_granted": 300_000}, None, False, None, 0, ("projects.reason_missing",),
                 id="reason-none"),
    pytest.param(IP, {"budget_granted": 300_000}, "r" * 2001, False, None, 0, ("projects.too_long",),
                 id="long-reason"),
    pytest.param(IP, {"budget_granted": -1}, WHY, False, None, 0, ("projects.budget_invalid",), id="negative"),
    pytest.param(IP, {"budget_granted": "3000"}, WHY, False, None, 0, ("projects.budget_invalid",),
                 id="budget-as-text"),
    pytest.param(IP, {"budget_granted": 100_000}, WHY, False, None, 150_000, ("projects.budget_below_spent",),
                 id="below-spent"),
    pytest.param(IP, {"scope": ""}, WHY, False, None, 0, ("projects.missing",), id="empty-scope"),
    pytest.param(IP, {"responsible": " "}, WHY, False, None, 0, ("projects.missing",), id="nobody-delivers"),
    pytest.param(IP, {"responsible": "r" * 201}, WHY, False, None, 0, ("projects.too_long",), id="long-name"),
    pytest.param(IP, {"planned_end": "soon"}, WHY, False, None, 0, ("projects.end_invalid",), id="bad-end"),
    pytest.param(IP, {"colour": "red"}, WHY, False, None, 0, ("projects.unknown_term",), id="unknown-term"),
    pytest.param(IP, {"responsible": " Ana "}, WHY, False, None, 0, ("projects.no_change",), id="no-change"),
    pytest.param(IP, {}, "", True, None, 0,
                 ("projects.no_change", "projects.reason_missing", "projects.material_needs_decision"),
                 id="empty-form"),
    pytest.param(CA, {"budget_granted": 1}, WHY, False, None, 0, ("projects.final",), id="cancelled-is-final"),
]


@pytest.mark.parametrize(("status", "changes", "reason", "material", "decision", "spent", "expected"), TERMS_CASES)
def test_changes_of_terms(status, changes, reason, material, decision, spent, expected):
    assert codes(terms_refusals(status, CURRENT, changes, reason, material, decision, spent)) == expected


def test_the_diff_keeps_only_what_really_changes_in_the_order_terms_are_shown():
    changes = {"responsible": "Youth centre", "budget_granted": 240_000, "planned_end": date(2026, 9, 30),
               "scope": " A bouldering wall with mats. "}
    assert terms_diff(CURRENT, changes) == {
        "planned_end": (date(2026, 6, 30), date(2026, 9, 30)),
        "responsible": ("Ana", "Youth centre"),
    }


def test_the_material_refusal_points_at_the_decision_field():
    [refusal] = terms_refusals(IP, CURRENT, {"scope": "Less."}, WHY, True, None)
    assert refusal.params["field"] == "decision_id"


# --- labels and messages ------------------------------------------------------------------


def test_every_status_and_term_has_a_label():
    assert list(STATUS_LABELS) == list(ProjectStatus) and all(STATUS_LABELS.values())
    assert tuple(TERM_LABELS) == TERMS and all(TERM_LABELS.values())


def _all_refusals():
    for param in STATUS_CASES:
        yield from status_refusals(*param.values[:4])
    for param in MILESTONE_CASES:
        yield from milestone_refusals(*param.values[:3])
    for param in COMPLETION_CASES:
        yield from completion_refusals(*param.values[:3])
    for param in TERMS_CASES:
        status, changes, reason, material, decision, spent, _ = param.values
        yield from terms_refusals(status, CURRENT, changes, reason, material, decision, spent)


ALL_REFUSALS = list(_all_refusals())


def test_every_code_is_exercised():
    declared = declared_codes(projects, r'"(projects\.[a-z_]+)"')
    assert declared == {r.code for r in ALL_REFUSALS}


@pytest.mark.parametrize("refusal", ALL_REFUSALS, ids=lambda r: r.code)
def test_message_placeholders_are_filled_by_params(refusal):
    assert_filled(refusal)


def test_every_message_is_marked_for_translation():
    calls = refusal_calls(projects)
    assert calls
    for call in calls:
        assert_marked_for_translation(call)


def test_module_is_pure():
    outside = imports_outside_stdlib(projects)
    assert outside and all(m.startswith("ypb.domain.") for m in outside), outside
