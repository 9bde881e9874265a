"""Models as the API's JSON objects. Only what the public HTML pages show goes out: never an
e-mail address, a birth year, a username, or anything about who voted or how many did.

Money is an integer number of minor units (cents); times are ISO 8601 in UTC; texts written
in Markdown (descriptions, reasons) are given as their Markdown source.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import url_for

from ypb.domain.cycle import TimelineStep, ballot_settings_locked
from ypb.models import Budget, Cycle, Proposal, ProposalStatus

DECIDED = (ProposalStatus.APPROVED.value, ProposalStatus.REJECTED.value, ProposalStatus.MERGED.value)


def when(value: datetime | None) -> str | None:
    """ISO 8601 in UTC to the second, e.g. 2027-03-01T09:30:00Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def _cycle_links(cycle: Cycle) -> dict:
    return {
        "self": url_for("api.cycle", cycle_id=cycle.id),
        "proposals": url_for("api.cycle_proposals", cycle_id=cycle.id),
        "html": url_for("cycles.show", cycle_id=cycle.id),
    }


def cycle_summary(cycle: Cycle) -> dict:
    """A cycle as listed: what it is, where it stands, and its planned dates."""
    return {
        "id": cycle.id,
        "title": cycle.title,
        "phase": cycle.phase,
        "phase_started_at": when(cycle.phase_started_at),
        "budget_total": cycle.budget_total,
        "currency": cycle.currency,
        "schedule": {
            "proposals_end": when(cycle.proposals_end),
            "feedback_end": when(cycle.feedback_end),
            "review_end": when(cycle.review_end),
            "voting_end": when(cycle.voting_end),
            "results_end": when(cycle.results_end),
        },
        "links": _cycle_links(cycle),
    }


def _ballot(cycle: Cycle) -> dict | None:
    # Settings may still change until voting opens; only the ones people vote with are published.
    if not ballot_settings_locked(cycle.phase_enum) or cycle.ballot_type is None:
        return None
    return {
        "type": cycle.ballot_type,
        "min_choices": cycle.min_choices,
        "max_choices": cycle.max_choices,
        "min_share_percent": cycle.min_share_percent,
        "points_total": cycle.points_total,
        "max_points_per_project": cycle.max_points_per_project,
        "use_all_points": cycle.use_all_points,
        "budget_choice": cycle.budget_choice,
        "census_required": cycle.census_required,
    }


def _step(step: TimelineStep) -> dict:
    return {"phase": step.phase.value, "status": step.status.value, "start": when(step.start),
            "end": when(step.end), "overdue": step.overdue}


def _budgets(budgets: list[Budget]) -> list[dict]:
    # A single budget's row is stored when the first ballot is cast, so showing its id would
    # tell the public that someone has voted. Ids only matter to tell several budgets apart.
    several = len(budgets) > 1
    return [{"id": b.id if several else None, "name": b.name, "amount": b.amount} for b in budgets]


def cycle_detail(cycle: Cycle, timeline: list[TimelineStep], budgets: list[Budget]) -> dict:
    return {
        **cycle_summary(cycle),
        "description": cycle.description,
        "feedback_days": cycle.feedback_days,
        "eligibility": {"min_age": cycle.min_age, "max_age": cycle.max_age,
                        "residency_required": cycle.residency_required},
        "contact_name": cycle.contact.display_name,
        "categories": [{"id": c.id, "name": c.name} for c in cycle.categories],
        "budgets": _budgets(budgets),
        "ballot": _ballot(cycle),
        "timeline": [_step(s) for s in timeline],
    }


def _decision(p: Proposal) -> dict | None:
    if p.status not in DECIDED:
        return None
    return {
        "outcome": p.status,
        "decided_at": when(p.decided_at),
        "reason": p.decision_reason,
        "final_cost": p.final_cost,
        "merged_into_id": p.merged_into_id,
        "budget_id": p.budget_id,
        "council_decision_ref": p.council_decision_ref,
    }


def proposal_summary(p: Proposal) -> dict:
    """A proposal as listed: everything but its long text and the municipality's notes."""
    return {
        "id": p.id,
        "cycle_id": p.cycle_id,
        "title": p.title,
        "summary": p.summary,
        # Shown as "withdrawn" like on the proposal's page; the text stays public.
        "status": p.status,
        # The name shown on the proposal's page; null when the account was deleted.
        "author_name": p.author.display_name if p.author else None,
        "group_name": p.group_name,
        "category": {"id": p.category.id, "name": p.category.name} if p.category else None,
        "estimated_cost": p.estimated_cost,
        "place": p.place,
        "submitted_at": when(p.submitted_at),
        "updated_at": when(p.updated_at),
        "decision": _decision(p),
        "links": {
            "self": url_for("api.proposal", proposal_id=p.id),
            "cycle": url_for("api.cycle", cycle_id=p.cycle_id),
            "html": url_for("proposals.show", proposal_id=p.id),
        },
    }


def proposal_detail(p: Proposal) -> dict:
    return {
        **proposal_summary(p),
        "description": p.description,
        "feasibility_notes": [
            {"verdict": n.verdict, "municipal_cost": n.municipal_cost, "reason": n.reason,
             "published_at": when(n.created_at)}
            for n in p.notes
        ],
    }


def cycle_results(cycle: Cycle, found: list) -> dict:
    """Stored tally results per budget (`services.results.results_of`), with each project's reason."""
    return {
        "cycle_id": cycle.id,
        "status": "confirmed" if cycle.results_ratified else "draft",
        "confirmed_at": when(cycle.results_ratified_at),
        "rule": cycle.tally_rule,
        "budgets": [
            {
                "name": item.budget.name,
                "amount": item.result.budget_amount,
                "spent": item.result.spent,
                "voters": item.result.voters,
                "computed_at": when(item.result.computed_at),
                "selected": list(item.result.selected),
                "projects": [
                    {"proposal_id": row["proposal_id"], "cost": row["cost"], "votes": row["votes"],
                     "points": row["points"], "funded": row["funded"], "reason": row["reason"],
                     "reason_params": row["params"]}
                    for row in item.result.rows
                ],
                "what_if": {"rule": item.result.what_if["rule"], "selected": item.result.what_if["selected"],
                            "spent": item.result.what_if["spent"]},
                "ballots_pb_sha256": item.result.pb_sha256,
            }
            for item in found
        ],
        "links": {"self": f"/api/v1/cycles/{cycle.id}/results", "cycle": f"/api/v1/cycles/{cycle.id}"},
    }


# --- the youth council ------------------------------------------------------------------------


def council(found, composition) -> dict:
    """The council on a day: each seat with its holder (a name, never contact details)."""
    seats = []
    for holding in composition.holdings:
        holder = holding.holder
        seats.append({
            "id": holding.seat.id,
            "label": holding.seat.label,
            "constituency": holding.seat.constituency.value if holding.seat.constituency else None,
            "role": holding.seat.role.value,
            "voting": holding.seat.voting,
            "holder": None if holder is None else {
                "person_id": holder.person_id, "name": holder.person_name,
                "since": holder.start.isoformat(), "until": holder.end.isoformat() if holder.end else None,
                "on_behalf_of": holder.on_behalf_of or None,
            },
        })
    return {
        "name": found.name,
        "date": composition.day.isoformat(),
        "parity": {"municipal": found.parity_municipal, "youth": found.parity_youth},
        "quorum_rule": found.quorum_rule,
        "balanced": composition.balanced,
        "issues": [issue.code for issue in composition.issues],
        "seats": seats,
        "links": {"self": url_for("api.council"), "decisions": url_for("api.council_decisions"),
                  "meetings": url_for("api.council_meetings")},
    }


def council_decision(decision) -> dict:
    from ypb.extensions import db
    from ypb.models.meeting import Decision, Meeting

    meeting = db.session.get(Meeting, decision.meeting_id)
    corrects = db.session.get(Decision, decision.corrects_id) if decision.corrects_id else None
    return {
        "number": decision.number,
        "text": decision.text,
        "outcome": decision.outcome,
        "counts": decision.counts,
        "explanation": decision.explanation["code"],
        "explanation_params": {k: v for k, v in decision.explanation["params"].items()
                               if isinstance(v, int | str)},
        "meeting_id": meeting.id,
        "meeting_starts_at": when(meeting.starts_at),
        "published_at": when(decision.published_at),
        "corrects": corrects.number if corrects else None,
        "correction_note": decision.correction_note or None,
    }


def meeting(found) -> dict:
    return {
        "id": found.id,
        "title": found.title,
        "starts_at": when(found.starts_at),
        "place": found.place or None,
        "online_url": found.online_url or None,
        "status": found.status,
        "agenda": [{"position": item.position, "title": item.title, "kind": item.kind,
                    "cycle_id": _public_cycle_id(item.cycle_id), "proposal_id": _public_proposal_id(item.proposal_id)}
                   for item in found.items],
    }


def _public_cycle_id(cycle_id: int | None) -> int | None:
    from ypb.extensions import db

    found = db.session.get(Cycle, cycle_id) if cycle_id is not None else None
    return cycle_id if found is not None and found.phase != "draft" else None


def _public_proposal_id(proposal_id: int | None) -> int | None:
    from ypb.extensions import db

    found = db.session.get(Proposal, proposal_id) if proposal_id is not None else None
    return proposal_id if found is not None and found.is_public else None
