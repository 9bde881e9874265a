"""A meeting's record in the reader's words: labels, the quorum, each motion's vote and decision.

The services hand over models, the domain's stored strings and `Refusal`s; this module
translates them and gathers what each template shows, so templates only place the words.
Who voted how is only gathered for a published decision: before that the public page says
the vote is being checked, and only staff see the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date, format_percent, lazy_pgettext
from flask_babel import gettext as _
from flask_login import current_user

from ypb.domain.council import (
    ATTENDANCE_LABELS,
    CONSTITUENCY_LABELS,
    MAJORITY_LABELS,
    OUTCOME_LABELS,
    SIDES,
    VOTE_LABELS,
    Attendance,
    Constituency,
    Majority,
    Outcome,
    VoteChoice,
)
from ypb.domain.messages import N_
from ypb.models.meeting import AgendaItem, Decision, Meeting, Motion
from ypb.permissions import can
from ypb.services import council as council_service
from ypb.services import cycles as cycle_service
from ypb.services import meetings as meeting_service
from ypb.services import proposals as proposal_service
from ypb.web.i18n import format_when

# "Cancelled" and the others agree with "meeting" in languages with grammatical gender.
STATUS_LABELS = {"scheduled": lazy_pgettext("meeting", "Scheduled"), "held": lazy_pgettext("meeting", "Held"),
                 "cancelled": lazy_pgettext("meeting", "Cancelled")}
KIND_LABELS = {"information": N_("For information"), "discussion": N_("For discussion"),
               "decision": N_("For decision")}
# The order the secretary meets them in: most members are there.
ATTENDANCE_ORDER = (Attendance.PRESENT, Attendance.REMOTE, Attendance.EXCUSED, Attendance.ABSENT)
VOTE_ORDER = tuple(VoteChoice)


def side_label(side: str | None) -> str:
    if side is None:
        return _("no longer on the council")
    return _(CONSTITUENCY_LABELS[Constituency(side)])


def side_heading(side: str) -> str:
    return _("Municipal members") if side == Constituency.MUNICIPAL else _("Youth members")


def status_label(status: str) -> str:
    return str(STATUS_LABELS[status])


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind])


def attendance_label(status: str) -> str:
    return _(ATTENDANCE_LABELS[Attendance(status)])


def vote_label(choice: str) -> str:
    return _(VOTE_LABELS[VoteChoice(choice)])


def majority_label(requirement: str) -> str:
    return _(MAJORITY_LABELS[Majority(requirement)])


def outcome_label(outcome: str) -> str:
    return _(OUTCOME_LABELS[Outcome(outcome)])


def _param(key: str, value):
    if key == "side" and value is not None:
        return side_label(value)
    if isinstance(value, datetime):  # before date: a datetime is also a date
        return format_when(value)
    if isinstance(value, date):
        return format_date(value, "long")
    return value


def message(refusal) -> str:
    """A refusal of the services or the domain in the reader's language."""
    return _(refusal.message, **{key: _param(key, value) for key, value in refusal.params.items()})


def explanation_text(explanation: dict | None) -> str:
    """A stored vote explanation ({"code", "message", "params"}) as a sentence."""
    if not explanation:
        return ""
    params = explanation.get("params") or {}
    return _(explanation["message"], **{key: _param(key, value) for key, value in params.items()})


def percent(rate: float | None) -> str:
    return format_percent(rate) if rate is not None else _("no meetings")


# --- people on the day ------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    side: str | None  # None: not a voting member on the day (memberships changed since)


class People:
    """The voting members of a meeting's day, by id; anyone else recorded, looked up once.

    Only names and sides: contact details never leave the council service.
    """

    def __init__(self, meeting: Meeting):
        self.members = [Person(m.person_id, m.name, str(m.constituency))
                        for m in meeting_service.members_on(meeting)]
        self._by_id = {p.id: p for p in self.members}

    def __getitem__(self, person_id: int | None) -> Person | None:
        if person_id is None:
            return None
        if person_id not in self._by_id:
            found = council_service.public_person(person_id)
            self._by_id[person_id] = Person(person_id, found.name if found else _("a former member"), None)
        return self._by_id[person_id]

    def by_side(self, rows: list[Row]) -> list[tuple[str, list[Row]]]:
        """Rows grouped under their side, in the domain's order; people without one last."""
        groups = [(side_heading(side), [r for r in rows if r.person.side == side]) for side in SIDES]
        others = [r for r in rows if r.person.side is None]
        if others:
            groups.append((_("No longer on the council"), others))
        return [(heading, found) for heading, found in groups if found]


@dataclass(frozen=True)
class Row:
    person: Person
    value: str  # a stored attendance status or vote choice
    label: str


# --- agenda -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    item: AgendaItem
    kind: str
    cycle: object | None  # shown only if the reader may see it
    proposal: object | None


def _item(item: AgendaItem) -> ItemView:
    cycle = cycle_service.get(item.cycle_id) if item.cycle_id else None
    proposal = proposal_service.get(item.proposal_id) if item.proposal_id else None
    return ItemView(
        item, kind_label(item.kind),
        cycle if cycle is not None and can(current_user, "cycle.read", cycle) else None,
        proposal if proposal is not None and can(current_user, "proposal.read", proposal) else None,
    )


# --- quorum -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuorumView:
    met: bool
    sentences: list[str]


def quorum_view(meeting: Meeting, members: int) -> QuorumView:
    result = meeting_service.quorum_of(meeting)
    if result.met:
        return QuorumView(True, [_(
            "The meeting had quorum: %(present)s of the %(members)s voting members were present, in the room or "
            "remotely, and %(required)s were needed.", present=result.present, members=members,
            required=result.required)])
    return QuorumView(False, [message(reason) for reason in result.reasons])


# --- motions and decisions -------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    label: str
    total: int
    by_side: list[int]


def count_rows(counts: dict) -> list[CountRow]:
    """One row per choice: overall, then each side (the table's columns)."""
    return [CountRow(vote_label(choice), counts["total"].get(choice, 0),
                     [counts.get(side, {}).get(choice, 0) for side in SIDES]) for choice in VOTE_ORDER]


def counts_sentence(counts: dict) -> str:
    total = counts["total"]
    return _("Yes %(yes)s, no %(no)s, abstained %(abstain)s, absent %(absent)s.", yes=total.get("yes", 0),
             no=total.get("no", 0), abstain=total.get("abstain", 0), absent=total.get("absent", 0))


def side_headings() -> list[str]:
    return [side_label(side).capitalize() for side in SIDES]


@dataclass
class MotionView:
    motion: Motion
    mover: Person | None
    seconder: Person | None
    requirement: str
    item: AgendaItem | None
    decision: Decision | None
    # Filled for staff always, for the public only once the decision is published.
    outcome: str = ""
    counts: list[CountRow] = field(default_factory=list)
    explanation: str = ""
    roll_call: list[tuple[str, list[Row]]] = field(default_factory=list)
    corrects: Decision | None = None
    corrected_by: list[Decision] = field(default_factory=list)

    @property
    def voted(self) -> bool:
        return self.motion.outcome is not None

    @property
    def published(self) -> bool:
        return self.decision is not None


def _motion(motion: Motion, people: People, items: dict[int, AgendaItem], show_unpublished: bool,
            corrections: dict[int, list[Decision]]) -> MotionView:
    decision = motion.decision
    view = MotionView(motion, people[motion.mover_id], people[motion.seconder_id], majority_label(motion.requirement),
                      items.get(motion.agenda_item_id), decision)
    if decision is not None:
        # What was published, never recomputed: the decision keeps its own copy of the numbers.
        view.outcome = outcome_label(decision.outcome)
        view.counts = count_rows(decision.counts)
        view.explanation = explanation_text(decision.explanation)
        view.corrects = decision.corrects
        view.corrected_by = corrections.get(decision.id, [])
    elif motion.outcome is not None and show_unpublished:
        view.outcome = outcome_label(motion.outcome)
        view.counts = count_rows(motion.counts)
        view.explanation = explanation_text(motion.explanation)
    if view.outcome:
        rows = [Row(people[v.person_id], v.choice, vote_label(v.choice))
                for v in sorted(motion.votes, key=lambda v: v.person_id)]
        view.roll_call = people.by_side(_in_member_order(rows, people))
    return view


def _in_member_order(rows: list[Row], people: People) -> list[Row]:
    order = {p.id: n for n, p in enumerate(people.members)}
    return sorted(rows, key=lambda r: (order.get(r.person.id, len(order)), r.person.name))


def corrections_index() -> dict[int, list[Decision]]:
    """Decision id → the later decisions correcting it."""
    found: dict[int, list[Decision]] = {}
    for decision in meeting_service.decisions():
        if decision.corrects_id is not None:
            found.setdefault(decision.corrects_id, []).append(decision)
    return found


# --- the meeting page ------------------------------------------------------------------------


@dataclass
class MeetingView:
    meeting: Meeting
    status: str
    people: People
    items: list[ItemView]
    attendance: list[tuple[str, list[Row]]]  # (side heading, rows); empty until recorded
    quorum: QuorumView | None
    motions: list[MotionView]


def meeting_view(meeting: Meeting, *, staff: bool) -> MeetingView:
    people = People(meeting)
    recorded = {a.person_id: a.status for a in meeting.attendance}
    attendance = []
    quorum = None
    if recorded:
        rows = [Row(p, recorded[p.id], attendance_label(recorded[p.id])) for p in people.members if p.id in recorded]
        rows += [Row(people[pid], status, attendance_label(status)) for pid, status in sorted(recorded.items())
                 if people[pid].side is None]
        attendance = people.by_side(rows)
        quorum = quorum_view(meeting, len(people.members))
    items = {item.id: item for item in meeting.items}
    corrections = corrections_index()
    return MeetingView(
        meeting, status_label(meeting.status), people, [_item(i) for i in meeting.items], attendance, quorum,
        [_motion(m, people, items, staff, corrections) for m in meeting.motions],
    )



# --- influence figures ----------------------------------------------------------------------

# (figure, name, what it counts): the table's rows and the explanation under it.
FIGURES = (
    ("submitted", N_("Proposals submitted"),
     N_("Proposals young people published for feedback, counted in the year they were submitted.")),
    ("approved", N_("Proposals approved for the ballot"),
     N_("Proposals the municipality's review put on the ballot, counted in the year of that decision.")),
    ("funded", N_("Projects funded"),
     N_("Projects funded by the confirmed results of a vote, counted in the year the results were confirmed.")),
    ("implemented", N_("Projects implemented"),
     N_("Funded projects that were delivered. Not tracked yet: this is counted once the platform follows "
        "funded projects to the end.")),
    ("meetings_held", N_("Council meetings held"),
     N_("Meetings of the youth council that took place, counted in the year of the meeting.")),
    ("quorum_rate", N_("Meetings with quorum"),
     N_("The share of the meetings held at which more than half of the voting members were present, so the "
        "council could decide.")),
    ("motions_voted", N_("Motions voted on"), N_("Motions the council voted on by roll call.")),
    ("motions_adopted", N_("Motions adopted"), N_("Of the motions voted on, those the council adopted.")),
    ("motions_by_youth", N_("Motions moved by youth members"),
     N_("Motions proposed by a member holding one of the youth seats on the day of the meeting.")),
    ("motions_by_youth_adopted", N_("Youth members' motions adopted"),
     N_("Of the motions moved by youth members, those the council adopted.")),
)


@dataclass(frozen=True)
class FigureRow:
    name: str
    explanation: str
    values: list[str]  # one per year, newest first
    total: str


def _shown(key: str, value) -> str:
    if key == "quorum_rate":
        return percent(value)
    if key == "implemented" and value is None:
        return _("not tracked yet")
    return str(value)


def figure_rows(years, totals, total_quorum_rate: float | None) -> list[FigureRow]:
    rows = []
    for key, name, explanation in FIGURES:
        if key == "quorum_rate":
            total = percent(total_quorum_rate)
        elif key == "implemented":
            known = [y.implemented for y in years if y.implemented is not None]
            total = str(sum(known)) if known else _("not tracked yet")
        else:
            total = str(totals[key])
        rows.append(FigureRow(_(name), _(explanation), [_shown(key, getattr(y, key)) for y in years], total))
    return rows
