"""Competition cycles: the jury's criteria (kept by staff) and the council members' scores.

The criteria are public once set and lock with the other ballot settings when voting opens.
Council members score each approved proposal on every criterion, 1 to 5, from the review phase
until voting closes; they may change their scores until then. A juror's own scores are shown
only to that juror; the public sees each project's jury mean, with the results. The ranking
itself is `ypb.domain.competition`, run by `services.results` when voting closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ypb.database import begin_write
from ypb.domain import competition as rules
from ypb.domain.cycle import ballot_settings_locked
from ypb.domain.messages import N_, Refusal
from ypb.extensions import db
from ypb.models import Cycle, JuryCriterion, JuryScore, Proposal, ProposalStatus
from ypb.models.base import utcnow
from ypb.services import Refused, audit, refuse, use_case, voting

RULE = rules.RULE


def is_competition(cycle: Cycle) -> bool:
    return cycle.tally_rule == RULE


def criteria_of(cycle: Cycle) -> list[JuryCriterion]:
    return list(cycle.jury_criteria)


def _cycle(cycle_id: int) -> Cycle:
    # Read afresh and share-locked on PostgreSQL (as a ballot is): opening or closing the vote
    # waits for a change being saved, and a change saved after it sees the new phase.
    cycle = voting._locked_cycle(cycle_id)
    if cycle is None:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    return cycle


def _criterion_refused(found: list[Refusal]) -> Refused:
    fields = {r.params.get("field") for r in found} - {None}
    return Refused(*found, field=fields.pop() if len(fields) == 1 else None)


@use_case
def add_criterion(actor, cycle_id: int, title: str, description: str = "") -> JuryCriterion:
    begin_write()
    cycle = _cycle(cycle_id)
    existing = criteria_of(cycle)
    if found := rules.criterion_refusals(cycle.phase_enum, title, description, [c.title for c in existing],
                                         adding=True):
        raise _criterion_refused(found)
    criterion = JuryCriterion(cycle_id=cycle.id, title=title.strip(), description=description.strip(),
                              position=max((c.position for c in existing), default=-1) + 1)
    db.session.add(criterion)
    db.session.flush()
    audit.record(actor, "jury.criterion_add", f"cycle:{cycle.id}",
                 {"criterion": criterion.id, "title": criterion.title, "description": criterion.description})
    db.session.commit()
    return criterion


def _criterion(cycle: Cycle, criterion_id: int) -> JuryCriterion:
    criterion = db.session.get(JuryCriterion, criterion_id)
    if criterion is None or criterion.cycle_id != cycle.id:
        raise refuse("criterion.missing", N_("This criterion no longer exists. Nothing was changed."))
    return criterion


@use_case
def edit_criterion(actor, cycle_id: int, criterion_id: int, title: str, description: str = "") -> JuryCriterion:
    begin_write()
    cycle = _cycle(cycle_id)
    criterion = _criterion(cycle, criterion_id)
    others = [c.title for c in criteria_of(cycle) if c.id != criterion.id]
    if found := rules.criterion_refusals(cycle.phase_enum, title, description, others, adding=False):
        raise _criterion_refused(found)
    criterion.title, criterion.description = title.strip(), description.strip()
    audit.record(actor, "jury.criterion_edit", f"cycle:{cycle.id}",
                 {"criterion": criterion.id, "title": criterion.title, "description": criterion.description})
    db.session.commit()
    return criterion


@use_case
def remove_criterion(actor, cycle_id: int, criterion_id: int) -> int:
    """Remove a criterion and the scores given on it; returns how many scores went with it."""
    begin_write()
    cycle = _cycle(cycle_id)
    criterion = _criterion(cycle, criterion_id)
    if ballot_settings_locked(cycle.phase_enum):
        raise Refused(rules.locked_refusal())
    scores = db.session.scalar(select(func.count()).select_from(JuryScore)
                               .where(JuryScore.criterion_id == criterion.id))
    audit.record(actor, "jury.criterion_remove", f"cycle:{cycle.id}",
                 {"criterion": criterion.id, "title": criterion.title, "scores_removed": scores})
    cycle.jury_criteria.remove(criterion)  # the database removes its scores (ON DELETE CASCADE)
    db.session.commit()
    return scores


# --- scoring ----------------------------------------------------------------------------------


def scoring_refusals(cycle: Cycle, now: datetime | None = None) -> list[Refusal]:
    """Why the jury may not score in this cycle now (empty: it may)."""
    return rules.scoring_refusals(cycle.phase_enum, cycle.tally_rule, cycle.voting_end, now or utcnow(),
                                  len(cycle.jury_criteria))


def projects_to_score(cycle: Cycle) -> list[Proposal]:
    return voting.approved_projects(cycle)


@use_case
def save_scores(actor, cycle_id: int, proposal_id: int, values: dict[int, int],
                now: datetime | None = None) -> None:
    """Store (or replace) one juror's scores of one approved proposal: {criterion id: 1 to 5}."""
    now = now or utcnow()
    begin_write()
    cycle = _cycle(cycle_id)
    if found := scoring_refusals(cycle, now):
        raise Refused(*found)
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.cycle_id != cycle.id or proposal.status != ProposalStatus.APPROVED.value:
        raise refuse("jury.not_approved", N_("The jury scores only proposals approved for the ballot of this "
                                             "budget. Nothing was changed."))
    if proposal.author_id is not None and proposal.author_id == getattr(actor, "id", None):
        # A juror judging their own idea would not be a fair competition.
        raise refuse("jury.own_proposal", N_("You can't score your own proposal. The other jurors score it."))
    if found := rules.score_refusals(values, [c.id for c in cycle.jury_criteria]):
        raise Refused(*found)
    for criterion_id, score in sorted(values.items()):
        # A double tap sends the same scores twice at once: the second insert waits and does nothing.
        voting._insert_if_absent(JuryScore, cycle_id=cycle.id, proposal_id=proposal.id, criterion_id=criterion_id,
                                 juror_id=actor.id, score=score, updated_at=now)
        row = db.session.scalars(select(JuryScore).where(
            JuryScore.criterion_id == criterion_id, JuryScore.proposal_id == proposal.id,
            JuryScore.juror_id == actor.id).execution_options(populate_existing=True)).one()
        row.score, row.updated_at = score, now
    audit.record(actor, "jury.score", f"proposal:{proposal.id}",
                 {"cycle": cycle.id, "scores": {str(k): v for k, v in sorted(values.items())}})
    db.session.commit()


def scores_of(juror_id: int, cycle: Cycle) -> dict[int, dict[int, int]]:
    """One juror's own scores: {proposal id: {criterion id: score}}."""
    rows = db.session.scalars(select(JuryScore).where(JuryScore.cycle_id == cycle.id,
                                                      JuryScore.juror_id == juror_id))
    found: dict[int, dict[int, int]] = {}
    for row in rows:
        found.setdefault(row.proposal_id, {})[row.criterion_id] = row.score
    return found


@dataclass(frozen=True)
class Progress:
    jurors: int  # council members who have scored at least one project
    scored: dict[int, int]  # proposal id → jurors who scored it


def progress(cycle: Cycle) -> Progress:
    """How far the jury has got, without any score: for staff to remind the council."""
    per_project = db.session.execute(
        select(JuryScore.proposal_id, func.count(func.distinct(JuryScore.juror_id)))
        .where(JuryScore.cycle_id == cycle.id).group_by(JuryScore.proposal_id)).all()
    jurors = db.session.scalar(select(func.count(func.distinct(JuryScore.juror_id)))
                               .where(JuryScore.cycle_id == cycle.id)) or 0
    return Progress(jurors, {pid: n for pid, n in per_project})


def jury_for(cycle: Cycle, proposal_ids) -> rules.Jury:
    """The weight and every score of these proposals, as the ranking takes them."""
    ids = list(proposal_ids)
    rows = db.session.scalars(select(JuryScore).where(JuryScore.cycle_id == cycle.id,
                                                      JuryScore.proposal_id.in_(ids))) if ids else []
    return rules.Jury(cycle.jury_weight, tuple(
        rules.Score(row.juror_id, row.criterion_id, str(row.proposal_id), row.score) for row in rows))
