"""Public news, newest first: what changed in the budget rounds, the council and the funded projects.

Each item is made from what is already stored, and each source is asked only for its latest
`limit` rows, so a page costs a handful of queries however long the history is:

- a budget round entering a phase: the audit trail's `cycle.phase` entries (entering the
  results phase is "the draft results are out");
- results confirmed: `Cycle.results_ratified_at`;
- review decisions on public proposals (on the ballot, not on it, merged): the proposals;
- published council decisions: `Decision` (a motion is news only once it is published);
- funded projects: a milestone planned, a milestone done, and a change of status (the audit
  trail's `project.status` entries whose status differs before and after).

Nothing private appears: draft cycles, unsubmitted proposals and unpublished motions have
nothing here. Titles and summaries are `N_` messages with `%(name)s` parameters, for the web
layer to translate; `excerpt` is text people wrote (a reason, a decision), shown as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ypb.domain.cycle import PHASES, Phase
from ypb.domain.messages import N_
from ypb.domain.projects import ProjectStatus
from ypb.extensions import db
from ypb.models import AuditEntry, Cycle, Decision, Proposal, ProposalStatus, TallyResult
from ypb.models.project import FundedProject, ProjectMilestone

LIMIT = 50
EXCERPT = 280  # characters of a reason or a decision's text shown with an item


@dataclass(frozen=True)
class NewsItem:
    key: str  # stable, e.g. "cycle/3/phase/voting": the same event always has the same key
    kind: str
    at: datetime
    title: str  # N_ message
    summary: str | None  # N_ message, or None
    params: dict[str, Any]  # fill both messages; dates stay dates for the reader's format
    endpoint: str  # where the item links to (url_for)
    args: dict[str, Any] = field(default_factory=dict)
    excerpt: str = ""
    rank: int = 0  # orders items of the same moment: a cycle's later phase comes first


PHASE_NEWS = {
    Phase.PROPOSALS: (N_("“%(cycle)s” is open for proposals"),
                      N_("Young people can now send their ideas for the youth budget.")),
    Phase.FEEDBACK: (N_("“%(cycle)s”: the proposals are open for feedback"),
                     N_("Read the proposals and comment on them; their authors can still improve them.")),
    Phase.REVIEW: (N_("“%(cycle)s”: the municipality is reviewing the proposals"),
                   N_("It decides which proposals go on the ballot and gives its reasons.")),
    Phase.VOTING: (N_("“%(cycle)s”: voting is open"),
                   N_("Choose the projects you want funded.")),
    Phase.RESULTS: (N_("“%(cycle)s”: the draft results are out"),
                    N_("Voting has closed. Everyone may comment on the draft results before they are "
                       "confirmed.")),
    Phase.IMPLEMENTATION: (N_("“%(cycle)s”: the funded projects are under way"),
                           N_("Follow each funded project on its page.")),
    Phase.CLOSED: (N_("“%(cycle)s” is closed"),
                   N_("This budget round has ended.")),
}
RESULTS_CONFIRMED = (N_("“%(cycle)s”: the results are confirmed"),
                     N_("The projects chosen in the vote will be funded."))
REVIEW_NEWS = {
    ProposalStatus.APPROVED.value: (N_("On the ballot: “%(title)s”"),
                                    N_("The municipality put this proposal on the ballot of “%(cycle)s”.")),
    ProposalStatus.REJECTED.value: (N_("Not on the ballot: “%(title)s”"),
                                    N_("The municipality did not put this proposal on the ballot of "
                                       "“%(cycle)s”, for this reason:")),
    ProposalStatus.MERGED.value: (N_("Joined with a similar proposal: “%(title)s”"),
                                  N_("The municipality joined this proposal of “%(cycle)s” with another one.")),
}
DECISION_NEWS = {
    "adopted": N_("The youth council adopted decision %(number)s"),
    "rejected": N_("The youth council voted against the motion in decision %(number)s"),
    "no_quorum": N_("Decision %(number)s: too few members were present to decide"),
}
DECISION_FALLBACK = N_("The youth council published decision %(number)s")
MILESTONE_PLANNED = (N_("A milestone is planned for “%(title)s”: %(milestone)s"), N_("Planned for %(day)s."))
MILESTONE_DONE = (N_("“%(title)s” reached a milestone: %(milestone)s"), None)
STATUS_NEWS = {
    ProjectStatus.IN_PROGRESS.value: N_("The project “%(title)s” has started"),
    ProjectStatus.DELIVERED.value: N_("The project “%(title)s” was delivered"),
    ProjectStatus.CANCELLED.value: N_("The project “%(title)s” was cancelled"),
}
STATUS_FALLBACK = N_("The project “%(title)s” changed its status")


def _excerpt(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"


def _id_of(subject: str) -> int | None:
    try:
        return int(subject.split(":", 1)[1])
    except (IndexError, ValueError):
        return None


def _data(entry: AuditEntry) -> dict:
    try:
        data = json.loads(entry.data or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _latest_audit(action: str, limit: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.seq.desc()).limit(limit)))


def _public_cycles(ids) -> dict[int, Cycle]:
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Cycle).where(
        Cycle.id.in_(ids), Cycle.phase != Phase.DRAFT.value))}


def _known_times(cycles: dict[int, Cycle]) -> dict[int, dict[Phase, datetime]]:
    """When each cycle entered the phases its own record dates: the current phase, feedback, and
    results (the tally runs as voting closes)."""
    known = {c.id: {c.phase_enum: c.phase_started_at} for c in cycles.values()}
    for c in cycles.values():
        if c.feedback_started_at is not None:
            known[c.id][Phase.FEEDBACK] = c.feedback_started_at
    if cycles:
        for cycle_id, at in db.session.execute(
                select(TallyResult.cycle_id, func.min(TallyResult.computed_at))
                .where(TallyResult.cycle_id.in_(list(cycles))).group_by(TallyResult.cycle_id)):
            known[cycle_id][Phase.RESULTS] = at
    return known


def _entered(recorded: datetime, phase: Phase, known: dict[Phase, datetime]) -> datetime:
    # The audit trail says when a move was recorded. A move dated in the past (moving on by
    # schedule after a pause, or data loaded with its history) is recorded later than it
    # happened: no phase began after a later phase that the cycle itself dates.
    later = [at for p, at in known.items() if at is not None and PHASES.index(p) >= PHASES.index(phase)]
    return min([recorded, *later])


def _phase_changes(limit: int) -> list[NewsItem]:
    entries = [(e, _id_of(e.subject), _data(e).get("to")) for e in _latest_audit("cycle.phase", limit)]
    cycles = _public_cycles({cid for _, cid, _ in entries if cid is not None})
    known = _known_times(cycles)
    items = []
    for entry, cycle_id, to in entries:
        cycle = cycles.get(cycle_id)
        if cycle is None or to not in {p.value for p in PHASE_NEWS}:
            continue
        phase = Phase(to)
        title, summary = PHASE_NEWS[phase]
        endpoint, args = "cycles.show", {"cycle_id": cycle.id}
        if phase is Phase.RESULTS:
            endpoint = "results.show"
        elif phase is Phase.IMPLEMENTATION:
            endpoint = "projects.for_cycle"
        items.append(NewsItem(f"cycle/{cycle.id}/phase/{phase.value}", "phase",
                              _entered(entry.created_at, phase, known[cycle.id]), title, summary,
                              {"cycle": cycle.title}, endpoint, args, rank=PHASES.index(phase)))
    return items


def _results_confirmed(limit: int) -> list[NewsItem]:
    found = db.session.scalars(select(Cycle).where(
        Cycle.results_ratified_at.is_not(None), Cycle.phase != Phase.DRAFT.value)
        .order_by(Cycle.results_ratified_at.desc()).limit(limit))
    title, summary = RESULTS_CONFIRMED
    return [NewsItem(f"cycle/{c.id}/results/confirmed", "results", c.results_ratified_at, title, summary,
                     {"cycle": c.title}, "results.show", {"cycle_id": c.id}) for c in found]


def _review_decisions(limit: int) -> list[NewsItem]:
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.status, Proposal.decided_at, Proposal.decision_reason,
               Cycle.title.label("cycle_title"))
        .join(Cycle, Cycle.id == Proposal.cycle_id)
        .where(Proposal.status.in_(list(REVIEW_NEWS)), Proposal.decided_at.is_not(None),
               Proposal.submitted_at.is_not(None), Cycle.phase != Phase.DRAFT.value)
        .order_by(Proposal.decided_at.desc(), Proposal.id.desc()).limit(limit))
    items = []
    for row in rows:
        title, summary = REVIEW_NEWS[row.status]
        # A decision may change until voting opens: the time tells one decision from the next.
        stamp = int(row.decided_at.timestamp())
        items.append(NewsItem(f"proposal/{row.id}/decision/{row.status}/{stamp}", "review", row.decided_at, title,
                              summary, {"title": row.title, "cycle": row.cycle_title}, "proposals.show",
                              {"proposal_id": row.id}, _excerpt(row.decision_reason)))
    return items


def _council_decisions(limit: int) -> list[NewsItem]:
    found = db.session.scalars(select(Decision).order_by(Decision.published_at.desc(), Decision.id.desc())
                               .limit(limit))
    return [NewsItem(f"decision/{d.id}", "decision", d.published_at, DECISION_NEWS.get(d.outcome, DECISION_FALLBACK),
                     None, {"number": d.number}, "meetings.show",
                     {"meeting_id": d.meeting_id, "_anchor": f"decision-{d.id}"}, _excerpt(d.text))
            for d in found]


def _projects(project_ids) -> dict[int, tuple[str, datetime | None]]:
    """Each project's title (its proposal's) and when its status last changed."""
    if not project_ids:
        return {}
    return {row.id: (row.title, row.status_changed_at) for row in db.session.execute(
        select(FundedProject.id, FundedProject.status_changed_at, Proposal.title)
        .join(Proposal, Proposal.id == FundedProject.proposal_id).where(FundedProject.id.in_(project_ids)))}


def _project_titles(project_ids) -> dict[int, str]:
    return {pid: title for pid, (title, _) in _projects(project_ids).items()}


def _milestones(limit: int) -> list[NewsItem]:
    planned = list(db.session.scalars(select(ProjectMilestone).order_by(
        ProjectMilestone.created_at.desc(), ProjectMilestone.id.desc()).limit(limit)))
    done = list(db.session.scalars(select(ProjectMilestone).where(ProjectMilestone.done_at.is_not(None))
                                   .order_by(ProjectMilestone.done_at.desc(), ProjectMilestone.id.desc())
                                   .limit(limit)))
    titles = _project_titles({m.project_id for m in planned + done})
    items = []
    for m in planned:
        if m.project_id in titles:
            title, summary = MILESTONE_PLANNED
            items.append(NewsItem(f"project/{m.project_id}/milestone/{m.id}/planned", "milestone", m.created_at,
                                  title, summary, {"title": titles[m.project_id], "milestone": m.title, "day": m.day},
                                  "projects.show", {"project_id": m.project_id, "_anchor": f"milestone-{m.id}"}))
    for m in done:
        if m.project_id in titles:
            title, summary = MILESTONE_DONE
            items.append(NewsItem(f"project/{m.project_id}/milestone/{m.id}/done", "milestone", m.done_at,
                                  title, summary, {"title": titles[m.project_id], "milestone": m.title},
                                  "projects.show", {"project_id": m.project_id, "_anchor": f"milestone-{m.id}"},
                                  _excerpt(m.evidence)))
    return items


def _status_changes(limit: int) -> list[NewsItem]:
    changes = []
    # Progress-only updates are not news here; a few times the limit leaves enough real changes.
    for entry in _latest_audit("project.status", 4 * limit):
        data = _data(entry)
        before, after = (data.get("before") or {}).get("status"), (data.get("after") or {}).get("status")
        if after and before != after:
            changes.append((entry, _id_of(entry.subject), after))
    found = _projects({pid for _, pid, _ in changes if pid is not None})
    items = []
    for entry, pid, status in changes[:limit]:
        if pid not in found:
            continue
        title, last_change = found[pid]
        # As for phases: no status change came after the one the project itself dates last.
        at = min(entry.created_at, last_change) if last_change else entry.created_at
        items.append(NewsItem(f"project/{pid}/status/{entry.seq}", "project", at,
                              STATUS_NEWS.get(status, STATUS_FALLBACK), None, {"title": title}, "projects.show",
                              {"project_id": pid}))
    return items


def latest(limit: int = LIMIT) -> list[NewsItem]:
    """The newest `limit` public news items, newest first."""
    items = [*_phase_changes(limit), *_results_confirmed(limit), *_review_decisions(limit),
             *_council_decisions(limit), *_milestones(limit), *_status_changes(limit)]
    items.sort(key=lambda item: (item.at, item.rank, item.key), reverse=True)
    return items[:limit]


def publisher() -> str | None:
    """The municipality's name, when the installation has it: the feed's author."""
    from ypb.models import Municipality

    return db.session.scalar(select(Municipality.name).order_by(Municipality.id).limit(1))
