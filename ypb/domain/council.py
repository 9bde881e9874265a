"""The youth council's rules: who sits on it on a given day, quorum, and how motions are decided.

This module owns:

- the council's vocabulary as stored strings (`Constituency`, `SeatRole`, `Attendance`,
  `VoteChoice`, `Majority`, `QuorumRule`, `Outcome`) and their labels for people;
- the composition on a day and everything that is off about it (`composition_on`);
- whether a meeting has quorum (`quorum`);
- the outcome of a roll-call vote, counted overall and per constituency (`tally_motion`);
- refusals for input the council service must turn down (`parity_refusals`,
  `membership_refusals`, `vote_refusals`).

It does not load or save anything, check roles or translate. Callers pass plain values
(`SeatInfo`, `MembershipInfo`, `Member`, `VoteRecord`) and translate each message with
gettext before filling in `%(name)s` from its params. `Refusal` is the domain's one
(code, message, params) shape; here it also carries composition findings and the
explanation of a vote, so the web layer renders all of them with one helper. Params named
`side` hold a `Constituency` (show it via `CONSTITUENCY_LABELS`); dates are `date`s for the
caller to format.

Decisions, stated once:

- A membership's end date is its LAST day in the seat (inclusive): a member whose
  membership ends on 31 March still sits, and votes, on 31 March; a successor may start on
  1 April. A membership may last a single day (start == end).
- The secretary seat (the municipality's coordinator) is non-voting and belongs to no
  constituency: it is left out of parity, quorum and every count.
- "Voting seats" in quorum and absolute majority means voting seats FILLED on the day (the
  voting members). A seat the municipality has not yet filled can neither be present nor
  vote, so counting it would let one slow appointment block the council.
- Quorum: more than half of the voting members present; remote counts as present, excused
  does not. The `majority_each_side` rule also needs one member of each side present.
- A motion without quorum is never adopted, whatever the votes.
- Absent is not abstain: both are counted, apart; neither is a vote cast.
- Simple majority: more yes than no; a tie is rejected.
- Absolute majority: more than half of the voting members vote yes.
- Two-thirds: at least two thirds of the votes cast are yes, where only yes and no are cast.
  Abstaining is declining to take part, so it must not weigh as a no.
- Double majority: more yes than no within EACH constituency, so neither side can outvote
  the other. A side that cast no yes or no vote at all rejects the motion: the rule exists
  to show both sides carry a decision, and silence is not support.
- A motion with no yes or no vote at all (everyone abstained or was absent) is rejected
  under every rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

from ypb.domain.messages import N_, Refusal

__all__ = [
    "ATTENDANCE_LABELS",
    "CONSTITUENCY_LABELS",
    "MAJORITY_LABELS",
    "OUTCOME_LABELS",
    "QUORUM_RULE_LABELS",
    "ROLE_LABELS",
    "SIDES",
    "VOTE_LABELS",
    "Attendance",
    "Composition",
    "Constituency",
    "Counts",
    "Majority",
    "Member",
    "MembershipInfo",
    "MotionResult",
    "Outcome",
    "Parity",
    "QuorumResult",
    "QuorumRule",
    "Refusal",
    "SeatHolding",
    "SeatInfo",
    "SeatRole",
    "SideCount",
    "VoteChoice",
    "VoteRecord",
    "composition_on",
    "membership_refusals",
    "parity_refusals",
    "quorum",
    "tally_motion",
    "vote_refusals",
]

# A person's or seat's id as the service knows it (database ids; tests use short strings).
Key = Hashable


class Constituency(StrEnum):
    MUNICIPAL = "municipal"
    YOUTH = "youth"


# Both sides in the one order used for counts and for naming a side in an explanation.
SIDES: tuple[Constituency, ...] = tuple(Constituency)


class SeatRole(StrEnum):
    MEMBER = "member"
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    SECRETARY = "secretary"  # the coordinator's seat: takes minutes, never votes


class Attendance(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"
    REMOTE = "remote"


class VoteChoice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    ABSENT = "absent"


class Majority(StrEnum):
    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    TWO_THIRDS = "two_thirds"
    DOUBLE = "double"


class QuorumRule(StrEnum):
    MAJORITY = "majority"
    MAJORITY_EACH_SIDE = "majority_each_side"


class Outcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


CONSTITUENCY_LABELS: Mapping[Constituency, str] = MappingProxyType(
    {Constituency.MUNICIPAL: N_("municipal"), Constituency.YOUTH: N_("youth")}
)
ROLE_LABELS: Mapping[SeatRole, str] = MappingProxyType(
    {
        SeatRole.MEMBER: N_("Member"),
        SeatRole.CHAIR: N_("Chair"),
        SeatRole.VICE_CHAIR: N_("Vice-chair"),
        SeatRole.SECRETARY: N_("Secretary (non-voting)"),
    }
)
ATTENDANCE_LABELS: Mapping[Attendance, str] = MappingProxyType(
    {
        Attendance.PRESENT: N_("Present"),
        Attendance.ABSENT: N_("Absent"),
        Attendance.EXCUSED: N_("Excused"),
        Attendance.REMOTE: N_("Present remotely"),
    }
)
VOTE_LABELS: Mapping[VoteChoice, str] = MappingProxyType(
    {
        VoteChoice.YES: N_("Yes"),
        VoteChoice.NO: N_("No"),
        VoteChoice.ABSTAIN: N_("Abstained"),
        VoteChoice.ABSENT: N_("Absent"),
    }
)
MAJORITY_LABELS: Mapping[Majority, str] = MappingProxyType(
    {
        Majority.SIMPLE: N_("Simple majority: more yes than no votes"),
        Majority.ABSOLUTE: N_("Absolute majority: yes from more than half of the voting members"),
        Majority.TWO_THIRDS: N_("Two-thirds majority: at least two thirds of the yes and no votes are yes"),
        Majority.DOUBLE: N_("Double majority: more yes than no votes on each side"),
    }
)
QUORUM_RULE_LABELS: Mapping[QuorumRule, str] = MappingProxyType(
    {
        QuorumRule.MAJORITY: N_("More than half of the voting members present"),
        QuorumRule.MAJORITY_EACH_SIDE: N_(
            "More than half of the voting members present, with at least one from each side"
        ),
    }
)
OUTCOME_LABELS: Mapping[Outcome, str] = MappingProxyType(
    {Outcome.ADOPTED: N_("Adopted"), Outcome.REJECTED: N_("Rejected"), Outcome.NO_QUORUM: N_("No quorum")}
)


def _require_date(value: object, name: str) -> None:
    # datetime is a date subclass; comparing one with a date raises deep inside a count,
    # and a time of day would make "on that day" ambiguous. Fail at the door instead.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{name} must be a date, got {value!r}")


# --- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parity:
    """How many voting seats each side holds (Trakai: 5 municipal and 5 youth)."""

    municipal: int
    youth: int

    def __post_init__(self) -> None:
        # Stored parity below one is a loading bug (the database refuses it); people's
        # input goes through parity_refusals first.
        if self.municipal < 1 or self.youth < 1:
            raise ValueError(f"parity must be at least 1 per side, got {self}")

    def of(self, side: Constituency) -> int:
        return self.municipal if Constituency(side) is Constituency.MUNICIPAL else self.youth


@dataclass(frozen=True)
class SeatInfo:
    """A seat (Popolo: Post). The secretary seat has no constituency; every other seat one."""

    id: Key
    label: str
    constituency: Constituency | None
    role: SeatRole = SeatRole.MEMBER

    def __post_init__(self) -> None:
        # Accept the stored strings; an unknown one raises ValueError here.
        object.__setattr__(self, "role", SeatRole(self.role))
        if self.constituency is not None:
            object.__setattr__(self, "constituency", Constituency(self.constituency))
        if (self.role is SeatRole.SECRETARY) != (self.constituency is None):
            raise ValueError(f"seat {self.label!r}: only the secretary seat is outside a constituency")

    @property
    def voting(self) -> bool:
        return self.role is not SeatRole.SECRETARY


@dataclass(frozen=True)
class MembershipInfo:
    """A person's time in one seat. `end` is the last day in the seat; None while serving.

    Not checked on construction, so a person's typed dates can be passed to
    `membership_refusals`; a membership that ends before it starts is never active.
    """

    seat_id: Key
    person_id: Key
    start: date
    end: date | None = None
    person_name: str = ""
    id: Key | None = None  # None for one not saved yet
    end_reason: str | None = None
    on_behalf_of: str = ""  # who nominated the member

    def __post_init__(self) -> None:
        _require_date(self.start, "start")
        if self.end is not None:
            _require_date(self.end, "end")

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: MembershipInfo) -> bool:
        """Whether both hold on at least one common day (end dates inclusive)."""
        starts_before_other_ends = other.end is None or self.start <= other.end
        ends_after_other_starts = self.end is None or other.start <= self.end
        return starts_before_other_ends and ends_after_other_starts


@dataclass(frozen=True)
class Member:
    """A voting member on a given day: what quorum and vote counting need to know."""

    person_id: Key
    constituency: Constituency
    seat_id: Key | None = None
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "constituency", Constituency(self.constituency))


@dataclass(frozen=True)
class VoteRecord:
    """One line of a roll call as entered, before it is checked."""

    person_id: Key
    choice: VoteChoice
    name: str = ""  # for the refusal when the person is not a voting member

    def __post_init__(self) -> None:
        object.__setattr__(self, "choice", VoteChoice(self.choice))


# --- composition ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatHolding:
    seat: SeatInfo
    memberships: tuple[MembershipInfo, ...]  # active on the day; more than one is an error

    @property
    def vacant(self) -> bool:
        return not self.memberships

    @property
    def holder(self) -> MembershipInfo | None:
        """The one membership holding the seat, or None when vacant or held twice."""
        return self.memberships[0] if len(self.memberships) == 1 else None


@dataclass(frozen=True)
class SideCount:
    """One constituency's voting seats on a day."""

    seats: int  # voting seats the council has on this side
    filled: int  # of those, seats with at least one member
    members: int  # distinct people sitting in them
    parity: int  # what the parity rule says

    @property
    def vacant(self) -> int:
        return self.seats - self.filled


@dataclass(frozen=True)
class Composition:
    day: date
    holdings: tuple[SeatHolding, ...]  # every seat, in the order given
    sides: Mapping[Constituency, SideCount]
    voting_members: tuple[Member, ...]  # one per person, for quorum and tally_motion
    issues: tuple[Refusal, ...]  # everything off, ready to translate; empty when all is well

    @property
    def vacant(self) -> tuple[SeatInfo, ...]:
        """Every vacant seat, the secretary's included."""
        return tuple(h.seat for h in self.holdings if h.vacant)

    @property
    def balanced(self) -> bool:
        """Each side has exactly as many members in voting seats as the parity rule says."""
        return all(count.members == count.parity for count in self.sides.values())


def composition_on(
    day: date, seats: Sequence[SeatInfo], memberships: Iterable[MembershipInfo], parity: Parity
) -> Composition:
    """Who holds each seat on `day`, the counts per side, and what is off about it.

    Members are counted as people, not seats: a seat held twice counts both people (both
    could vote), which is why it also shows as an issue.
    """
    _require_date(day, "day")
    by_seat: dict[Key, list[MembershipInfo]] = {seat.id: [] for seat in seats}
    for membership in memberships:
        if membership.seat_id not in by_seat:
            raise ValueError(f"membership {membership!r} is for a seat that was not given")
        if membership.active_on(day):
            by_seat[membership.seat_id].append(membership)
    holdings = tuple(
        SeatHolding(seat, tuple(sorted(by_seat[seat.id], key=lambda m: m.start))) for seat in seats
    )

    issues: list[Refusal] = []
    for holding in holdings:
        if len(holding.memberships) > 1:
            issues.append(
                Refusal(
                    "council.seat_shared",
                    N_("Seat %(seat)s has %(count)s members on %(day)s; a seat has one member at a time."),
                    {
                        "seat": holding.seat.label,
                        "count": len(holding.memberships),
                        "day": day,
                        "names": [m.person_name for m in holding.memberships],
                    },
                )
            )

    voting = [h for h in holdings if h.seat.voting]
    members: list[Member] = []
    seats_of: dict[Key, list[SeatHolding]] = {}
    for holding in voting:
        for membership in holding.memberships:
            if membership.person_id not in seats_of:
                assert holding.seat.constituency is not None  # guaranteed for voting seats
                members.append(
                    Member(membership.person_id, holding.seat.constituency, holding.seat.id, membership.person_name)
                )
            seats_of.setdefault(membership.person_id, []).append(holding)
    for member in members:
        held = seats_of[member.person_id]
        if len(held) > 1:
            issues.append(
                Refusal(
                    "council.person_two_seats",
                    N_("%(name)s holds %(count)s voting seats on %(day)s; a person has one vote and one seat."),
                    {"name": member.name, "count": len(held), "day": day, "seats": [h.seat.label for h in held]},
                )
            )

    sides: dict[Constituency, SideCount] = {}
    for side in SIDES:
        mine = [h for h in voting if h.seat.constituency is side]
        people = {m.person_id for h in mine for m in h.memberships}
        count = SideCount(
            seats=len(mine), filled=sum(1 for h in mine if not h.vacant), members=len(people), parity=parity.of(side)
        )
        sides[side] = count
        if count.seats != count.parity:
            # The council's seats themselves break the rule: fixed in its settings, not by appointing.
            issues.append(
                Refusal(
                    "council.seat_count",
                    N_("The %(side)s side has %(count)s voting seats, but the parity rule says %(expected)s."),
                    {"side": side, "count": count.seats, "expected": count.parity},
                )
            )
        if count.vacant:
            issues.append(
                Refusal(
                    "council.seats_vacant",
                    N_("Vacant seats on the %(side)s side on %(day)s: %(count)s."),
                    {"side": side, "count": count.vacant, "day": day,
                     "seats": [h.seat.label for h in mine if h.vacant]},
                )
            )
        if count.members > count.parity:
            issues.append(
                Refusal(
                    "council.side_over",
                    N_("The %(side)s side has %(count)s members on %(day)s, but the parity rule says %(expected)s."),
                    {"side": side, "count": count.members, "expected": count.parity, "day": day},
                )
            )

    return Composition(day, holdings, MappingProxyType(sides), tuple(members), tuple(issues))


# --- quorum --------------------------------------------------------------------------------

_PRESENT = frozenset({Attendance.PRESENT, Attendance.REMOTE})


@dataclass(frozen=True)
class QuorumResult:
    present: int  # voting members present, remote included
    required: int
    met: bool
    present_by_side: Mapping[Constituency, int]
    reasons: tuple[Refusal, ...]  # why not met; empty when met

    @property
    def reason(self) -> Refusal | None:
        return self.reasons[0] if self.reasons else None


def quorum(
    attendance: Mapping[Key, Attendance | str],
    voting_members: Sequence[Member],
    rule: QuorumRule | str = QuorumRule.MAJORITY,
) -> QuorumResult:
    """Whether a meeting of these voting members has quorum.

    `attendance` maps person ids to their attendance; a member without an entry is absent,
    and entries for anyone else (the secretary, guests) are ignored.
    """
    rule = QuorumRule(rule)
    members = _unique(voting_members)
    by_side = dict.fromkeys(SIDES, 0)
    for member in members:
        status = attendance.get(member.person_id)
        if status is not None and Attendance(status) in _PRESENT:
            by_side[member.constituency] += 1
    present = sum(by_side.values())
    required = len(members) // 2 + 1  # more than half; with no members at all, never met
    reasons = []
    if present < required:
        reasons.append(
            Refusal(
                "council.quorum_short",
                N_(
                    "There is no quorum: %(present)s of the %(members)s voting members are present, and "
                    "%(required)s are needed."
                ),
                {"present": present, "members": len(members), "required": required},
            )
        )
    if rule is QuorumRule.MAJORITY_EACH_SIDE:
        for side in SIDES:
            if by_side[side] == 0:
                reasons.append(
                    Refusal(
                        "council.quorum_side_missing",
                        N_("There is no quorum: no member of the %(side)s side is present, and each side must be."),
                        {"side": side},
                    )
                )
    return QuorumResult(present, required, not reasons, MappingProxyType(by_side), tuple(reasons))


def _unique(members: Sequence[Member]) -> list[Member]:
    # One vote and one presence per person, whatever the caller's list repeats.
    seen: dict[Key, Member] = {}
    for member in members:
        seen.setdefault(member.person_id, member)
    return list(seen.values())


# --- motions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    yes: int = 0
    no: int = 0
    abstain: int = 0
    absent: int = 0

    @property
    def cast(self) -> int:
        """Votes cast: yes and no. Abstaining and being absent are not votes."""
        return self.yes + self.no

    def params(self) -> dict[str, int]:
        return {"yes": self.yes, "no": self.no, "abstain": self.abstain, "absent": self.absent}


def _count(choices: Iterable[VoteChoice]) -> Counts:
    tally = Counter(choices)
    return Counts(tally[VoteChoice.YES], tally[VoteChoice.NO], tally[VoteChoice.ABSTAIN], tally[VoteChoice.ABSENT])


@dataclass(frozen=True)
class MotionResult:
    outcome: Outcome
    requirement: Majority
    quorum_met: bool
    total: Counts
    by_side: Mapping[Constituency, Counts]
    voting_members: int  # the base of an absolute majority
    explanation: Refusal  # code + message + params, ready to translate

    @property
    def adopted(self) -> bool:
        return self.outcome is Outcome.ADOPTED


def tally_motion(
    votes: Mapping[Key, VoteChoice | str],
    members: Sequence[Member],
    requirement: Majority | str,
    quorum_met: bool,
) -> MotionResult:
    """The outcome of a roll-call vote among the voting members of the day.

    `votes` maps person ids to their choice; a member with no entry counts as absent, and
    entries for anyone who is not a voting member (the secretary) are ignored — check them
    first with `vote_refusals`. The explanation's params always hold the overall yes, no,
    abstain and absent counts.
    """
    requirement = Majority(requirement)
    voters = _unique(members)
    choice_of = {m.person_id: VoteChoice(votes.get(m.person_id, VoteChoice.ABSENT)) for m in voters}
    total = _count(choice_of.values())
    by_side = {side: _count(choice_of[m.person_id] for m in voters if m.constituency is side) for side in SIDES}
    outcome, explanation = _decide(requirement, quorum_met, total, by_side, len(voters))
    return MotionResult(
        outcome, requirement, quorum_met, total, MappingProxyType(by_side), len(voters), explanation
    )


def _decide(
    requirement: Majority, quorum_met: bool, total: Counts, by_side: Mapping[Constituency, Counts], seats: int
) -> tuple[Outcome, Refusal]:
    params: dict[str, object] = total.params()
    if not quorum_met:
        return Outcome.NO_QUORUM, Refusal(
            "council.motion_no_quorum",
            N_(
                "Not adopted: the meeting had no quorum, so no motion could pass (yes %(yes)s, no %(no)s, "
                "abstained %(abstain)s, absent %(absent)s)."
            ),
            params,
        )
    if total.cast == 0:
        # Nobody took a side: no rule can call that a majority.
        return Outcome.REJECTED, Refusal(
            "council.motion_no_votes",
            N_("Rejected: nobody voted yes or no (abstained %(abstain)s, absent %(absent)s)."),
            params,
        )

    if requirement is Majority.SIMPLE:
        if total.yes == total.no:
            return Outcome.REJECTED, Refusal(
                "council.motion_tie",
                N_("Rejected: a tie, %(yes)s yes and %(no)s no; a simple majority needs more yes than no votes."),
                params,
            )
        if total.yes > total.no:
            return Outcome.ADOPTED, Refusal(
                "council.adopted_simple",
                N_(
                    "Adopted: yes %(yes)s, no %(no)s, abstained %(abstain)s, absent %(absent)s; a simple "
                    "majority needs more yes than no votes."
                ),
                params,
            )
        return Outcome.REJECTED, Refusal(
            "council.rejected_simple",
            N_(
                "Rejected: yes %(yes)s, no %(no)s, abstained %(abstain)s, absent %(absent)s; a simple "
                "majority needs more yes than no votes."
            ),
            params,
        )

    if requirement is Majority.ABSOLUTE:
        params |= {"needed": seats // 2 + 1, "members": seats}
        if total.yes >= seats // 2 + 1:
            return Outcome.ADOPTED, Refusal(
                "council.adopted_absolute",
                N_(
                    "Adopted: yes %(yes)s, no %(no)s, abstained %(abstain)s, absent %(absent)s; an absolute "
                    "majority needs %(needed)s yes votes, more than half of the %(members)s voting members."
                ),
                params,
            )
        return Outcome.REJECTED, Refusal(
            "council.rejected_absolute",
            N_(
                "Rejected: yes %(yes)s, no %(no)s, abstained %(abstain)s, absent %(absent)s; an absolute "
                "majority needs %(needed)s yes votes, more than half of the %(members)s voting members."
            ),
            params,
        )

    if requirement is Majority.TWO_THIRDS:
        needed = -(-2 * total.cast // 3)  # ceiling of two thirds, in integers
        params |= {"needed": needed, "cast": total.cast}
        if total.yes >= needed:
            return Outcome.ADOPTED, Refusal(
                "council.adopted_two_thirds",
                N_(
                    "Adopted: yes %(yes)s, no %(no)s, abstained %(abstain)s, absent %(absent)s; a two-thirds "
                    "majority needs %(needed)s yes of the %(cast)s yes and no votes (abstentions do not count)."
                ),
                params,
            )
        return Outcome.REJECTED, Refusal(
            "council.rejected_two_thirds",
            N_(
                "Rejected: yes %(yes)s, no %(no)s, abstained %(abstain)s, absent %(absent)s; a two-thirds "
                "majority needs %(needed)s yes of the %(cast)s yes and no votes (abstentions do not count)."
            ),
            params,
        )

    # Double majority. Each side's counts go in the params so the sentence can name them.
    for side in SIDES:
        params |= {f"{side}_yes": by_side[side].yes, f"{side}_no": by_side[side].no}
    for side in SIDES:  # the first side that fails, in SIDES order, is named
        counts = by_side[side]
        if counts.cast == 0:
            return Outcome.REJECTED, Refusal(
                "council.rejected_double_silent",
                N_(
                    "Rejected: nobody on the %(side)s side voted yes or no, and a double majority needs more "
                    "yes than no votes on each side."
                ),
                params | {"side": side},
            )
        if counts.yes <= counts.no:
            return Outcome.REJECTED, Refusal(
                "council.rejected_double",
                N_(
                    "Rejected: the %(side)s side voted yes %(side_yes)s, no %(side_no)s; a double majority "
                    "needs more yes than no votes on each side."
                ),
                params | {"side": side, "side_yes": counts.yes, "side_no": counts.no},
            )
    return Outcome.ADOPTED, Refusal(
        "council.adopted_double",
        N_(
            "Adopted: more yes than no votes on each side (municipal yes %(municipal_yes)s, no %(municipal_no)s; "
            "youth yes %(youth_yes)s, no %(youth_no)s), as a double majority needs."
        ),
        params,
    )


# --- refusals for input --------------------------------------------------------------------


def parity_refusals(municipal: int, youth: int) -> list[Refusal]:
    """Why these parity numbers may not be saved; empty means they may."""
    refusals = []
    for side, count in ((Constituency.MUNICIPAL, municipal), (Constituency.YOUTH, youth)):
        if count < 1:
            refusals.append(
                Refusal(
                    "council.parity_too_small",
                    N_("The parity rule must give the %(side)s side at least one seat."),
                    {"side": side, "count": count},
                )
            )
    return refusals


def membership_refusals(candidate: MembershipInfo, existing: Iterable[MembershipInfo]) -> list[Refusal]:
    """Why `candidate` may not be saved beside `existing` memberships; empty means it may.

    `existing` may hold the council's memberships of every seat; only those of the
    candidate's seat count, and the candidate itself (same id, when editing) is skipped.
    End dates are inclusive, so a successor starts the day after the predecessor's end.
    """
    if candidate.end is not None and candidate.end < candidate.start:
        # Overlaps of reversed dates would only add noise: fix the dates first.
        return [
            Refusal(
                "council.ends_before_start",
                N_("The membership can't end on %(end)s, before it starts on %(start)s."),
                {"start": candidate.start, "end": candidate.end},
            )
        ]
    refusals = []
    for other in sorted(existing, key=lambda m: m.start):
        if other.seat_id != candidate.seat_id or (candidate.id is not None and other.id == candidate.id):
            continue
        if not candidate.overlaps(other):
            continue
        if other.end is None:
            refusals.append(
                Refusal(
                    "council.seat_taken_open",
                    N_("%(name)s holds this seat from %(start)s with no end date; end that membership first."),
                    {"name": other.person_name, "start": other.start},
                )
            )
        else:
            refusals.append(
                Refusal(
                    "council.seat_taken",
                    N_("%(name)s holds this seat from %(start)s to %(end)s; the dates must not overlap."),
                    {"name": other.person_name, "start": other.start, "end": other.end},
                )
            )
    return refusals


def vote_refusals(votes: Sequence[VoteRecord], members: Sequence[Member], day: date) -> list[Refusal]:
    """Why this roll call may not be saved; empty means it may.

    `members` are the voting members on the meeting `day` (`Composition.voting_members`).
    """
    _require_date(day, "day")
    voting = {m.person_id: m for m in members}
    refusals = []
    seen: set[Key] = set()
    for record in votes:
        member = voting.get(record.person_id)
        if member is None:
            refusals.append(
                Refusal(
                    "council.vote_not_member",
                    N_("%(name)s is not a voting member of the council on %(day)s, so their vote can't be recorded."),
                    {"name": record.name or str(record.person_id), "day": day},
                )
            )
        elif record.person_id in seen:
            refusals.append(
                Refusal(
                    "council.vote_twice",
                    N_("The vote of %(name)s is recorded more than once; each member votes once."),
                    {"name": member.name or record.name or str(record.person_id)},
                )
            )
        seen.add(record.person_id)
    return refusals
