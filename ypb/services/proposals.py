"""Proposals: drafts, submission, author edits with a public revision history, listing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select

from ypb.database import begin_write
from ypb.domain import cycle as rules
from ypb.domain import renewals as renewal_rules
from ypb.domain.messages import N_, Refusal
from ypb.domain.money import MAX_AMOUNT
from ypb.extensions import db
from ypb.models import Category, Comment, Cycle, Proposal, ProposalStatus, Revision
from ypb.models.base import utcnow
from ypb.services import Refused, cycles, use_case

EDITABLE = ("title", "summary", "description", "estimated_cost", "category_id", "place", "group_name")
# Statuses the public can filter on; withdrawn ones are listed only when asked for.
PUBLIC_STATUSES = [s.value for s in ProposalStatus if s != ProposalStatus.DRAFT]
LISTED_STATUSES = [s for s in PUBLIC_STATUSES if s != ProposalStatus.WITHDRAWN.value]
MAX_COST = MAX_AMOUNT  # what a BIGINT money column holds, with room to spare
# Column sizes, so too long input is refused with a message instead of failing in the database.
LIMITS = {"title": 140, "summary": 300, "place": 200, "group_name": 120}


@dataclass
class ProposalInput:
    title: str
    summary: str = ""
    description: str = ""
    estimated_cost: int | None = None
    category_id: int | None = None
    place: str | None = None
    group_name: str | None = None
    # A renewal's funding (ypb.domain.renewals): None leaves it as it is.
    funding_years: int | None = None
    funding_amounts: list[int | None] | None = None  # as typed, one per year; None: equal shares


@dataclass
class RevisionNote:
    change_note: str | None = None
    answers_feedback: bool = False
    addressed_comment_ids: list[int] = field(default_factory=list)


def _missing(what: str) -> Refused:
    messages = {
        "cycle": N_("There is no such budget cycle."),
        "proposal": N_("There is no such proposal."),
    }
    return Refused(Refusal(f"{what}.missing", messages[what]))


def get(proposal_id: int) -> Proposal | None:
    return db.session.get(Proposal, proposal_id)


def visible_to(proposal: Proposal, user) -> bool:
    """Drafts are private to their author; everything else is public."""
    if proposal.is_public:
        return True
    return bool(user is not None and user.is_authenticated and user.id == proposal.author_id)


def _clean(data: ProposalInput, cycle: Cycle) -> dict:
    values = {
        "title": data.title.strip(),
        "summary": (data.summary or "").strip(),
        "description": (data.description or "").strip(),
        "estimated_cost": data.estimated_cost,
        "category_id": data.category_id,
        "place": (data.place or "").strip() or None,
        "group_name": (data.group_name or "").strip() or None,
    }
    for name, limit in LIMITS.items():
        if len(values[name] or "") > limit:
            raise Refused(Refusal("proposal.too_long", N_("Use at most %(max)s characters."), {"max": limit}),
                          field=name)
    cost = values["estimated_cost"]
    if cost is not None and not 0 <= cost <= MAX_COST:
        raise Refused(Refusal("proposal.cost_range", N_("Enter a cost between 0 and the whole budget.")),
                      field="estimated_cost")
    if values["category_id"] is not None and values["category_id"] not in {c.id for c in cycle.categories}:
        raise Refused(Refusal("proposal.category", N_("Choose one of this cycle's categories.")),
                      field="category_id")
    if not values["title"]:
        raise Refused(Refusal("proposal.title", N_("Give your project a title.")), field="title")
    return values


def _funding(p: Proposal | None, cycle: Cycle, data: ProposalInput, cost: int | None) -> dict:
    """The funding columns to store, checked; {} when there is nothing to change."""
    years, split = (p.funding_years, p.funding_split) if p is not None else (1, None)
    if data.funding_years is None:
        # Left as it is: the author's own amounts must still add up to a changed cost.
        if split is not None and sum(split) != cost:
            raise Refused(Refusal("renewals.split_sum", N_(
                "The amounts per year must add up exactly to the estimated cost. Leave them all empty to "
                "share the cost equally.")), field=renewal_rules.year_field(1))
        return {}
    amounts = list(data.funding_amounts or [])
    if refusals := renewal_rules.funding_refusals(
            is_renewal=p is not None and p.renewal_of_id is not None, max_years=cycle.renewal_max_years,
            years=data.funding_years, amounts=amounts, cost=cost):
        raise Refused(*refusals, field=refusals[0].params.get("field"))
    funding = renewal_rules.funding_of(data.funding_years, amounts)
    return {"funding_years": funding.years, "funding_split": list(funding.split) if funding.split else None}


def _submission_refusals(p: Proposal, cycle: Cycle) -> list[tuple[str, Refusal]]:
    found = []
    if not p.summary:
        found.append(("summary", Refusal("proposal.summary", N_("Add a short summary before you submit."))))
    if p.estimated_cost is None:
        found.append(("estimated_cost", Refusal("proposal.cost", N_(
            "Add an estimated cost before you submit. A rough guess is fine."))))
    elif p.estimated_cost > cycle.budget_total:
        found.append(("estimated_cost", Refusal("proposal.cost_over_budget", N_(
            "The cost is higher than the whole budget of this cycle."))))
    return found


@use_case
def create(actor, cycle_id: int, data: ProposalInput, *, submit: bool = False,
           now: datetime | None = None) -> Proposal:
    """Save a new proposal as a draft, or submit it at once."""
    now = now or utcnow()
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise _missing("cycle")
    if not rules.can_propose(cycle.phase_enum):
        raise Refused(Refusal("proposal.phase", N_("New proposals can only be made while the cycle "
                                                   "collects proposals.")))
    if refusals := cycles.eligibility(cycle, actor, now):
        raise Refused(*refusals)
    values = _clean(data, cycle)
    values.update(_funding(None, cycle, data, values["estimated_cost"]))  # only renewals span years
    proposal = Proposal(cycle_id=cycle.id, author_id=actor.id, status=ProposalStatus.DRAFT.value,
                        created_at=now, updated_at=now, **values)
    db.session.add(proposal)
    db.session.flush()
    if submit:
        _submit(proposal, cycle, now)
    db.session.commit()
    return proposal


def _snapshot(p: Proposal, number: int, note: RevisionNote | None, now: datetime) -> Revision:
    note = note or RevisionNote()
    if len((note.change_note or "").strip()) > 500:
        raise Refused(Refusal("proposal.too_long", N_("Use at most %(max)s characters."), {"max": 500}),
                      field="change_note")
    revision = Revision(
        proposal_id=p.id, number=number, title=p.title, summary=p.summary, description=p.description,
        estimated_cost=p.estimated_cost, category_name=p.category.name if p.category else None,
        place=p.place, group_name=p.group_name, change_note=(note.change_note or "").strip() or None,
        answers_feedback=note.answers_feedback, created_at=now,
    )
    if note.addressed_comment_ids:
        revision.addresses = list(db.session.scalars(
            select(Comment).where(Comment.id.in_(note.addressed_comment_ids), Comment.proposal_id == p.id)
        ))
    return revision


def _submit(p: Proposal, cycle: Cycle, now: datetime) -> None:
    if found := _submission_refusals(p, cycle):
        field_name = found[0][0]
        raise Refused(*[r for f, r in found if f == field_name], field=field_name)
    p.status = ProposalStatus.SUBMITTED.value
    p.submitted_at = now
    db.session.flush()
    db.session.refresh(p, ["category"])
    db.session.add(_snapshot(p, 1, None, now))


@use_case
def submit(actor, proposal_id: int, now: datetime | None = None) -> Proposal:
    now = now or utcnow()
    begin_write()
    p = db.session.get(Proposal, proposal_id)
    if p is None or p.author_id != actor.id:
        raise _missing("proposal")
    if p.status != ProposalStatus.DRAFT.value:
        raise Refused(Refusal("proposal.submitted", N_("This proposal has already been submitted.")))
    cycle = p.cycle
    if not rules.can_propose(cycle.phase_enum):
        raise Refused(Refusal("proposal.phase", N_("New proposals can only be made while the cycle "
                                                   "collects proposals.")))
    _submit(p, cycle, now)
    db.session.commit()
    return p


@use_case
def update(actor, proposal_id: int, data: ProposalInput, note: RevisionNote | None = None,
           now: datetime | None = None) -> Proposal:
    """An author's edit. Once public, every edit that changes something is a new revision."""
    now = now or utcnow()
    begin_write()
    p = db.session.get(Proposal, proposal_id)
    if p is None or p.author_id != actor.id:
        raise _missing("proposal")
    cycle = p.cycle
    if p.status not in (ProposalStatus.DRAFT.value, ProposalStatus.SUBMITTED.value) \
            or not rules.can_edit_proposal(cycle.phase_enum):
        raise Refused(Refusal("proposal.locked", N_(
            "Proposals can be changed only while proposals are collected and during feedback.")))
    values = _clean(data, cycle)
    values.update(_funding(p, cycle, data, values["estimated_cost"]))
    if all(getattr(p, k) == v for k, v in values.items()):
        raise Refused(Refusal("proposal.unchanged", N_("Nothing was changed.")))
    for key, value in values.items():
        setattr(p, key, value)
    p.updated_at = now
    if p.status == ProposalStatus.SUBMITTED.value:
        if found := _submission_refusals(p, cycle):
            field_name = found[0][0]
            raise Refused(*[r for f, r in found if f == field_name], field=field_name)
        db.session.flush()
        db.session.refresh(p, ["category"])
        number = len(p.revisions) + 1
        db.session.add(_snapshot(p, number, note, now))
    db.session.commit()
    return p


@use_case
def withdraw(actor, proposal_id: int, now: datetime | None = None) -> Proposal:
    now = now or utcnow()
    begin_write()
    p = db.session.get(Proposal, proposal_id)
    if p is None or p.author_id != actor.id:
        raise _missing("proposal")
    if p.status not in (ProposalStatus.DRAFT.value, ProposalStatus.SUBMITTED.value) \
            or not rules.can_edit_proposal(p.cycle.phase_enum):
        raise Refused(Refusal("proposal.locked", N_(
            "Proposals can be withdrawn only while proposals are collected and during feedback.")))
    p.status = ProposalStatus.WITHDRAWN.value
    p.updated_at = now
    db.session.commit()
    return p


def stable_shuffle_key(seed: str, proposal_id: int) -> str:
    # A visitor's seed gives the same order on every page load, a different one per visitor,
    # so no proposal always sits at the top.
    return hashlib.sha256(f"{seed}:{proposal_id}".encode()).hexdigest()


def listing(cycle_id: int, *, category_id: int | None = None, status: str | None = None,
            query: str | None = None, order: str = "newest", seed: str = "") -> list[Proposal]:
    """Public proposals of a cycle, filtered and ordered."""
    stmt = select(Proposal).where(Proposal.cycle_id == cycle_id, Proposal.submitted_at.is_not(None))
    if category_id:
        stmt = stmt.where(Proposal.category_id == category_id)
    if status in PUBLIC_STATUSES:
        stmt = stmt.where(Proposal.status == status)
    else:
        stmt = stmt.where(Proposal.status.in_(LISTED_STATUSES))
    if query and query.strip():
        text = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{text}%"
        stmt = stmt.where(or_(*(column.ilike(like, escape="\\") for column in (
            Proposal.title, Proposal.summary, Proposal.description, Proposal.place))))
    if order == "title":
        stmt = stmt.order_by(func.lower(Proposal.title), Proposal.id)
    elif order == "cost":
        stmt = stmt.order_by(Proposal.estimated_cost, Proposal.id)
    else:
        stmt = stmt.order_by(Proposal.submitted_at.desc(), Proposal.id.desc())
    found = list(db.session.scalars(stmt))
    if order == "random":
        found.sort(key=lambda p: stable_shuffle_key(seed, p.id))
    return found


def of_author(user_id: int) -> list[Proposal]:
    """Everything a user proposed, drafts included, most recently changed first."""
    return list(db.session.scalars(select(Proposal).where(Proposal.author_id == user_id)
                                   .order_by(Proposal.updated_at.desc(), Proposal.id.desc())))


def categories_of(cycle_id: int) -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.cycle_id == cycle_id)
                                   .order_by(Category.position)))
