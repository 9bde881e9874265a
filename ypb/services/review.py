"""The municipality's side of a proposal: feasibility notes during feedback, and the
review decision (on the ballot, merged, or rejected with a public reason)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from ypb.database import begin_write
from ypb.domain import cycle as rules
from ypb.domain.messages import N_
from ypb.domain.money import MAX_AMOUNT
from ypb.extensions import db
from ypb.models import FeasibilityNote, Proposal, ProposalStatus, Verdict
from ypb.models.base import utcnow
from ypb.services import Refused, audit, cycles, notifications, refuse, use_case


class Decision(StrEnum):
    APPROVE = "approve"
    MERGE = "merge"
    REJECT = "reject"


MAX_COST = MAX_AMOUNT  # what a BIGINT money column holds, with room to spare
MAX_REF = 200  # proposals.council_decision_ref is a String(200)
IN_THE_RUNNING = (ProposalStatus.SUBMITTED.value, ProposalStatus.APPROVED.value)
DECIDED = (ProposalStatus.SUBMITTED.value, ProposalStatus.APPROVED.value, ProposalStatus.REJECTED.value,
           ProposalStatus.MERGED.value)



def _load(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not proposal.is_public:
        raise refuse("proposal.missing", N_("There is no such proposal."))
    return proposal


@use_case
def publish_note(actor, proposal_id: int, verdict: Verdict, reason: str, municipal_cost: int | None = None,
                 now: datetime | None = None) -> FeasibilityNote:
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise refuse("note.reason", N_("Explain the assessment, so the author knows what to change."),
                      "reason")
    if municipal_cost is not None and municipal_cost < 0:
        # The database refuses it too, but as an error page instead of a message.
        raise refuse("note.cost", N_("The cost cannot be below zero."), "municipal_cost")
    if municipal_cost is not None and municipal_cost > MAX_COST:
        raise refuse("note.cost_large", N_("This amount is too large."), "municipal_cost")
    begin_write()
    proposal = _load(proposal_id)
    if not rules.can_publish_feasibility_note(proposal.cycle.phase_enum):
        raise refuse("note.phase", N_("Feasibility notes are published during the feedback phase, "
                                       "so authors can still revise."))
    if proposal.status != ProposalStatus.SUBMITTED.value:
        raise refuse("note.status", N_("This proposal is not open for feedback."))
    note = FeasibilityNote(proposal_id=proposal.id, author_id=actor.id, verdict=Verdict(verdict).value,
                           municipal_cost=municipal_cost, reason=reason, created_at=now)
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "proposal.feasibility", f"proposal:{proposal.id}",
                 {"verdict": note.verdict, "municipal_cost": municipal_cost})
    notifications.notify(proposal.author_id, "feasibility_note", proposal_id=proposal.id, actor_id=actor.id,
                         title=proposal.title, verdict=note.verdict)
    db.session.commit()
    return note


@use_case
def decide(actor, proposal_id: int, decision: Decision, *, reason: str = "", final_cost: int | None = None,
           merged_into_id: int | None = None, council_decision_ref: str | None = None,
           now: datetime | None = None) -> Proposal:
    """Record (or change, until voting opens) the review decision on one proposal."""
    now = now or utcnow()
    reason = (reason or "").strip()
    council_decision_ref = (council_decision_ref or "").strip() or None
    decision = Decision(decision)
    if final_cost is not None and final_cost < 0:
        raise refuse("review.cost_negative", N_("The cost cannot be below zero."), "final_cost")
    if council_decision_ref is not None and len(council_decision_ref) > MAX_REF:
        # PostgreSQL would refuse the longer text with an error page.
        raise refuse("review.ref_long", N_("Keep the reference under %(max)s characters."),
                      "council_decision_ref", max=MAX_REF)
    begin_write()
    proposal = _load(proposal_id)
    cycle = proposal.cycle
    if refusals := rules.review_refusals(cycles.state_of(cycle), now):
        raise Refused(*refusals)
    if proposal.status not in DECIDED:
        raise refuse("review.status", N_("This proposal was withdrawn and cannot be decided."))
    # Proposals merged into this one must never end up merged into one that is off the ballot.
    followers = list(db.session.scalars(select(Proposal).where(
        Proposal.merged_into_id == proposal.id, Proposal.status == ProposalStatus.MERGED.value)
        .order_by(Proposal.id)))
    if decision == Decision.REJECT and followers:
        raise refuse("review.has_merged", N_("Other proposals were merged into this one: %(titles)s. "
                                              "Decide on them again first, so that none of them is "
                                              "merged into a rejected proposal."),
                      "decision", titles=", ".join(f"“{f.title}”" for f in followers))
    if decision == Decision.APPROVE:
        if final_cost is None:
            raise refuse("review.cost", N_("Give the final cost that goes on the ballot."), "final_cost")
        if final_cost > cycle.budget_total:
            raise refuse("review.cost_over", N_("The final cost is higher than the whole budget."),
                          "final_cost")
        proposal.status, proposal.final_cost, proposal.merged_into_id = ProposalStatus.APPROVED.value, \
            final_cost, None
    elif decision == Decision.REJECT:
        if not reason:
            raise refuse("review.reason", N_("A rejection needs a public reason."), "reason")
        proposal.status, proposal.final_cost, proposal.merged_into_id = ProposalStatus.REJECTED.value, None, None
    else:
        target = db.session.get(Proposal, merged_into_id) if merged_into_id else None
        if target is None or target.cycle_id != cycle.id or target.id == proposal.id \
                or target.status not in IN_THE_RUNNING:
            raise refuse("review.merge", N_("Choose another proposal of this cycle that is still in the "
                                             "running."), "merged_into_id")
        proposal.status, proposal.final_cost, proposal.merged_into_id = ProposalStatus.MERGED.value, None, \
            target.id
        # What was merged into this proposal follows it into the target.
        for follower in followers:
            follower.merged_into_id = target.id
            audit.record(actor, "proposal.review", f"proposal:{follower.id}", {
                "decision": Decision.MERGE.value, "merged_into": target.id, "followed": proposal.id})
            notifications.notify(follower.author_id, "review_decision", proposal_id=follower.id,
                                 actor_id=actor.id, title=follower.title, decision=Decision.MERGE.value)
    proposal.decision_reason = reason or None
    proposal.council_decision_ref = council_decision_ref
    proposal.decided_at, proposal.decided_by_id = now, actor.id
    audit.record(actor, "proposal.review", f"proposal:{proposal.id}", {
        "decision": decision.value, "final_cost": proposal.final_cost, "merged_into": proposal.merged_into_id,
        "reason": proposal.decision_reason, "council_decision": proposal.council_decision_ref,
    })
    notifications.notify(proposal.author_id, "review_decision", proposal_id=proposal.id, actor_id=actor.id,
                         title=proposal.title, decision=decision.value)
    db.session.commit()
    return proposal


def review_list(cycle_id: int) -> list[Proposal]:
    """Every proposal a review must decide, undecided first."""
    proposals = db.session.scalars(select(Proposal).where(
        Proposal.cycle_id == cycle_id, Proposal.status.in_(DECIDED)).order_by(Proposal.id))
    return sorted(proposals, key=lambda p: (p.status != ProposalStatus.SUBMITTED.value, p.id))


def merge_targets(proposal: Proposal) -> list[Proposal]:
    """The proposals `proposal` may be merged into: the others of its cycle still in the running."""
    return list(db.session.scalars(select(Proposal).where(
        Proposal.cycle_id == proposal.cycle_id, Proposal.id != proposal.id,
        Proposal.status.in_(IN_THE_RUNNING)).order_by(Proposal.title, Proposal.id)))
