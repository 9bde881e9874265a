"""Table tests for ypb.domain.council: composition on a day, quorum, motions, refusals.

No app. One small council (2 municipal + 2 youth seats and the coordinator's seat) with a
year of memberships for composition; a full 5 + 5 council for quorum and votes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.domain.source_checks import (
    assert_filled,
    assert_marked_for_translation,
    declared_codes,
    imports_outside_stdlib,
    refusal_calls,
)
from ypb.domain import council
from ypb.domain.council import (
    ATTENDANCE_LABELS,
    CONSTITUENCY_LABELS,
    MAJORITY_LABELS,
    OUTCOME_LABELS,
    QUORUM_RULE_LABELS,
    ROLE_LABELS,
    VOTE_LABELS,
    Attendance,
    Constituency,
    Counts,
    Majority,
    Member,
    MembershipInfo,
    Outcome,
    Parity,
    QuorumRule,
    SeatInfo,
    SeatRole,
    SideCount,
    VoteChoice,
    VoteRecord,
    composition_on,
    membership_refusals,
    parity_refusals,
    quorum,
    tally_motion,
    vote_refusals,
)

D = date
MUNICIPAL, YOUTH = Constituency.MUNICIPAL, Constituency.YOUTH

# --- the small council and its year ---------------------------------------------------------

SEATS = (
    SeatInfo("m1", "Municipal 1", "municipal", "chair"),
    SeatInfo("m2", "Municipal 2", "municipal"),
    SeatInfo("y1", "Youth 1", "youth", "vice_chair"),
    SeatInfo("y2", "Youth 2", "youth"),
    SeatInfo("sec", "Coordinator", None, "secretary"),
)
PARITY = Parity(2, 2)

ANA = MembershipInfo("m1", "ana", D(2025, 1, 1), None, "Ana", 1, on_behalf_of="Municipal board")
BEN = MembershipInfo("m2", "ben", D(2025, 1, 1), D(2025, 3, 31), "Ben", 2, end_reason="Moved away")
CARA = MembershipInfo("m2", "cara", D(2025, 4, 1), None, "Cara", 3)  # Ben's successor
DAN = MembershipInfo("y1", "dan", D(2025, 1, 1), None, "Dan", 4, on_behalf_of="Youth union")
EVA = MembershipInfo("y2", "eva", D(2025, 2, 1), D(2025, 12, 31), "Eva", 5)
SAM = MembershipInfo("sec", "sam", D(2025, 1, 1), None, "Sam", 6)
HISTORY = (ANA, BEN, CARA, DAN, EVA, SAM)

CARA_EARLY = MembershipInfo("m2", "cara", D(2025, 3, 31), None, "Cara", 3)  # starts on Ben's last day
DAN_TWICE = MembershipInfo("y2", "dan", D(2025, 1, 1), None, "Dan", 7)  # Dan in both youth seats
REVERSED = MembershipInfo("y2", "zoe", D(2025, 3, 1), D(2025, 1, 1), "Zoe", 8)


def holders(composition) -> str:
    """'m1=ana m2=ben+cara y2=-' — who sits where, readable in a table."""
    return " ".join(
        f"{h.seat.id}={'+'.join(str(m.person_id) for m in h.memberships) or '-'}" for h in composition.holdings
    )


def codes(refusals) -> list[str]:
    return [r.code for r in refusals]


FULL_BEN = "m1=ana m2=ben y1=dan y2=eva sec=sam"
FULL_CARA = "m1=ana m2=cara y1=dan y2=eva sec=sam"

# fmt: off
COMPOSITION_CASES = [
    pytest.param(D(2024, 12, 31), HISTORY, PARITY, "m1=- m2=- y1=- y2=- sec=-", False,
                 ["council.seats_vacant", "council.seats_vacant"], id="before anyone starts: all vacant"),
    pytest.param(D(2025, 1, 1), HISTORY, PARITY, "m1=ana m2=ben y1=dan y2=- sec=sam", False,
                 ["council.seats_vacant"], id="first day: one youth seat still vacant"),
    pytest.param(D(2025, 1, 31), HISTORY, PARITY, "m1=ana m2=ben y1=dan y2=- sec=sam", False,
                 ["council.seats_vacant"], id="day before Eva starts"),
    pytest.param(D(2025, 2, 1), HISTORY, PARITY, FULL_BEN, True, [], id="Eva's first day: balanced"),
    pytest.param(D(2025, 3, 31), HISTORY, PARITY, FULL_BEN, True, [],
                 id="Ben's last day: the end date is inclusive"),
    pytest.param(D(2025, 4, 1), HISTORY, PARITY, FULL_CARA, True, [], id="Cara's first day: she succeeds Ben"),
    pytest.param(D(2025, 12, 31), HISTORY, PARITY, FULL_CARA, True, [], id="Eva's last day"),
    pytest.param(D(2026, 1, 1), HISTORY, PARITY, "m1=ana m2=cara y1=dan y2=- sec=sam", False,
                 ["council.seats_vacant"], id="day after Eva leaves"),
    pytest.param(D(2025, 3, 31), (ANA, BEN, CARA_EARLY, DAN, EVA, SAM), PARITY,
                 "m1=ana m2=ben+cara y1=dan y2=eva sec=sam", False,
                 ["council.seat_shared", "council.side_over"], id="successor starts on the last day: seat held twice"),
    pytest.param(D(2025, 4, 1), (ANA, BEN, CARA_EARLY, DAN, EVA, SAM), PARITY, FULL_CARA, True, [],
                 id="the same successor, the day after"),
    pytest.param(D(2025, 1, 15), (ANA, BEN, DAN, DAN_TWICE, SAM), PARITY,
                 "m1=ana m2=ben y1=dan y2=dan sec=sam", False, ["council.person_two_seats"],
                 id="one person in both youth seats"),
    pytest.param(D(2025, 2, 1), HISTORY, Parity(1, 2), FULL_BEN, False,
                 ["council.seat_count", "council.side_over"], id="more municipal seats than the rule says"),
    pytest.param(D(2025, 2, 1), HISTORY, Parity(3, 2), FULL_BEN, False,
                 ["council.seat_count"], id="fewer municipal seats than the rule says"),
    pytest.param(D(2025, 2, 1), (ANA, BEN, DAN, EVA), PARITY, "m1=ana m2=ben y1=dan y2=eva sec=-", True, [],
                 id="vacant secretary seat leaves parity alone"),
    pytest.param(D(2025, 2, 1), (ANA, BEN, DAN, REVERSED), PARITY, "m1=ana m2=ben y1=dan y2=- sec=-", False,
                 ["council.seats_vacant"], id="a membership ending before it starts never sits"),
]
# fmt: on


@pytest.mark.parametrize(("day", "memberships", "parity", "expected", "balanced", "issues"), COMPOSITION_CASES)
def test_composition_on_a_day(day, memberships, parity, expected, balanced, issues):
    composition = composition_on(day, SEATS, memberships, parity)
    assert holders(composition) == expected
    assert composition.balanced is balanced
    assert codes(composition.issues) == issues


def test_chair_and_vice_chair_count_in_their_side_and_the_secretary_in_none():
    composition = composition_on(D(2025, 2, 1), SEATS, HISTORY, PARITY)
    assert composition.sides == {
        MUNICIPAL: SideCount(seats=2, filled=2, members=2, parity=2),
        YOUTH: SideCount(seats=2, filled=2, members=2, parity=2),
    }
    assert [(m.person_id, m.constituency, m.seat_id) for m in composition.voting_members] == [
        ("ana", MUNICIPAL, "m1"),  # the chair
        ("ben", MUNICIPAL, "m2"),
        ("dan", YOUTH, "y1"),  # the vice-chair
        ("eva", YOUTH, "y2"),
    ]
    assert composition.holdings[-1].holder == SAM  # sits, but neither votes nor counts


def test_vacancies_are_listed_and_counted_per_side():
    composition = composition_on(D(2025, 1, 15), SEATS, (ANA, DAN), PARITY)
    assert [seat.id for seat in composition.vacant] == ["m2", "y2", "sec"]
    assert composition.sides[MUNICIPAL].vacant == 1
    assert [(r.params["side"], r.params["count"], r.params["seats"]) for r in composition.issues] == [
        (MUNICIPAL, 1, ["Municipal 2"]),
        (YOUTH, 1, ["Youth 2"]),
    ]


def test_a_seat_held_twice_names_the_seat_and_counts_both_people():
    composition = composition_on(D(2025, 3, 31), SEATS, (ANA, BEN, CARA_EARLY, DAN, EVA), PARITY)
    shared, over = composition.issues
    assert shared.params == {"seat": "Municipal 2", "count": 2, "day": D(2025, 3, 31), "names": ["Ben", "Cara"]}
    assert over.params == {"side": MUNICIPAL, "count": 3, "expected": 2, "day": D(2025, 3, 31)}
    assert composition.holdings[1].holder is None and not composition.holdings[1].vacant


def test_one_person_in_two_seats_votes_once():
    composition = composition_on(D(2025, 1, 15), SEATS, (ANA, BEN, DAN, DAN_TWICE), PARITY)
    assert [m.person_id for m in composition.voting_members] == ["ana", "ben", "dan"]
    assert composition.sides[YOUTH] == SideCount(seats=2, filled=2, members=1, parity=2)
    assert composition.issues[0].params["seats"] == ["Youth 1", "Youth 2"]


def test_parity_mismatch_names_the_numbers():
    composition = composition_on(D(2025, 2, 1), SEATS, HISTORY, Parity(1, 2))
    assert [r.params for r in composition.issues] == [
        {"side": MUNICIPAL, "count": 2, "expected": 1},
        {"side": MUNICIPAL, "count": 2, "expected": 1, "day": D(2025, 2, 1)},
    ]


# --- quorum ---------------------------------------------------------------------------------


def members(municipal: int, youth: int) -> list[Member]:
    return [Member(f"m{i}", MUNICIPAL, name=f"M{i}") for i in range(1, municipal + 1)] + [
        Member(f"y{i}", YOUTH, name=f"Y{i}") for i in range(1, youth + 1)
    ]


FULL = members(5, 5)
SHORT_YOUTH = members(5, 2)  # three youth seats vacant: 7 voting members
ATTENDANCE_LETTERS = {"P": Attendance.PRESENT, "R": Attendance.REMOTE, "E": Attendance.EXCUSED, "A": Attendance.ABSENT}


def attendance(municipal: str, youth: str) -> dict:
    """'PPRE.' per side: Present, Remote, Excused, Absent, '.' = nothing recorded."""
    marks = [("m", municipal), ("y", youth)]
    return {f"{p}{i}": ATTENDANCE_LETTERS[c] for p, row in marks for i, c in enumerate(row, 1) if c != "."}


MAJ, EACH = QuorumRule.MAJORITY, QuorumRule.MAJORITY_EACH_SIDE

# fmt: off
QUORUM_CASES = [
    pytest.param(FULL, "PPPPP", "PPPPP", MAJ, 10, 6, [], id="everyone present"),
    pytest.param(FULL, "PPPAA", "PPPAA", MAJ, 6, 6, [], id="six of ten: more than half"),
    pytest.param(FULL, "PPPAA", "PPAAA", MAJ, 5, 6, ["council.quorum_short"], id="five of ten: half is not enough"),
    pytest.param(FULL, "PPPRR", "RAAAA", MAJ, 6, 6, [], id="remote counts as present"),
    pytest.param(FULL, "PPPEE", "PEEEE", MAJ, 4, 6, ["council.quorum_short"], id="excused does not count"),
    pytest.param(FULL, ".....", "PPPPP", MAJ, 5, 6, ["council.quorum_short"], id="nothing recorded counts as absent"),
    pytest.param(SHORT_YOUTH, "PPPPA", "AA", MAJ, 4, 4, [],
                 id="vacant seats are not counted: four of seven"),
    pytest.param(FULL, "PPPPP", "PAAAA", EACH, 6, 6, [], id="each side: one youth member is enough"),
    pytest.param(SHORT_YOUTH, "PPPPA", "AA", EACH, 4, 4, ["council.quorum_side_missing"],
                 id="each side: majority without any youth member"),
    pytest.param(SHORT_YOUTH, "PPPPA", "RA", EACH, 5, 4, [], id="each side: a remote youth member counts"),
    pytest.param(SHORT_YOUTH, "PPPPA", "EE", EACH, 4, 4, ["council.quorum_side_missing"],
                 id="each side: excused youth members do not count"),
    pytest.param(FULL, "AAAAA", "PPAAA", EACH, 2, 6, ["council.quorum_short", "council.quorum_side_missing"],
                 id="each side: too few and no municipal member"),
    pytest.param([], "", "", MAJ, 0, 1, ["council.quorum_short"], id="nobody sits on the council"),
]
# fmt: on


@pytest.mark.parametrize(("voters", "municipal", "youth", "rule", "present", "required", "reasons"), QUORUM_CASES)
def test_quorum(voters, municipal, youth, rule, present, required, reasons):
    result = quorum(attendance(municipal, youth), voters, rule)
    assert (result.present, result.required, result.met) == (present, required, not reasons)
    assert codes(result.reasons) == reasons
    assert result.reason == (result.reasons[0] if reasons else None)


def test_quorum_ignores_people_who_are_not_voting_members_and_takes_stored_strings():
    present = {"m1": "present", "m2": "remote", "sam": "present", "guest": "present"}
    result = quorum(present, members(2, 2), "majority_each_side")
    assert (result.present, result.required, result.met) == (2, 3, False)
    assert result.present_by_side == {MUNICIPAL: 2, YOUTH: 0}


def test_quorum_refusal_names_the_numbers():
    result = quorum(attendance("PAAAA", "PAAAA"), FULL, EACH)
    assert result.reason.params == {"present": 2, "members": 10, "required": 6}
    result = quorum(attendance("PPPPP", "EEEEE"), FULL, EACH)
    assert [r.params for r in result.reasons] == [{"present": 5, "members": 10, "required": 6}, {"side": YOUTH}]


# --- motions --------------------------------------------------------------------------------

VOTE_LETTERS = {"Y": VoteChoice.YES, "N": VoteChoice.NO, "A": VoteChoice.ABSTAIN, "-": VoteChoice.ABSENT}


def roll(municipal: str, youth: str) -> dict:
    """'YNA-.' per side: Yes, No, Abstain, absent recorded, '.' = nothing recorded."""
    marks = [("m", municipal), ("y", youth)]
    return {f"{p}{i}": VOTE_LETTERS[c] for p, row in marks for i, c in enumerate(row, 1) if c != "."}


SIMPLE, ABSOLUTE, TWO_THIRDS, DOUBLE = Majority.SIMPLE, Majority.ABSOLUTE, Majority.TWO_THIRDS, Majority.DOUBLE
ADOPTED, REJECTED, NO_QUORUM = Outcome.ADOPTED, Outcome.REJECTED, Outcome.NO_QUORUM

# fmt: off
MOTION_CASES = [
    # simple: more yes than no
    pytest.param(FULL, SIMPLE, "YYYYN", "YYNA-", True, ADOPTED, "council.adopted_simple", (6, 2, 1, 1),
                 id="simple: 6 yes, 2 no, 1 abstention, 1 absent"),
    pytest.param(FULL, SIMPLE, "YYYNN", "YNN--", True, REJECTED, "council.motion_tie", (4, 4, 0, 2),
                 id="simple: a tie is rejected"),
    pytest.param(FULL, SIMPLE, "YNNNN", "YYNNA", True, REJECTED, "council.rejected_simple", (3, 6, 1, 0),
                 id="simple: more no than yes"),
    pytest.param(FULL, SIMPLE, "YAAAA", "AAAAA", True, ADOPTED, "council.adopted_simple", (1, 0, 9, 0),
                 id="simple: one yes and nine abstentions carries it"),
    pytest.param(FULL, SIMPLE, "AAAAA", "AAAAA", True, REJECTED, "council.motion_no_votes", (0, 0, 10, 0),
                 id="simple: everyone abstains"),
    pytest.param(FULL, SIMPLE, "-----", ".....", True, REJECTED, "council.motion_no_votes", (0, 0, 0, 10),
                 id="simple: everyone absent"),
    pytest.param(FULL, SIMPLE, "-----", "AAAAA", True, REJECTED, "council.motion_no_votes", (0, 0, 5, 5),
                 id="simple: absent and abstain are counted apart"),
    # absolute: yes from more than half of the voting members
    pytest.param(FULL, ABSOLUTE, "YYYYY", "YNNAA", True, ADOPTED, "council.adopted_absolute", (6, 2, 2, 0),
                 id="absolute: 6 yes of 10 members"),
    pytest.param(FULL, ABSOLUTE, "YYYYY", "AAAA-", True, REJECTED, "council.rejected_absolute", (5, 0, 4, 1),
                 id="absolute: 5 yes and 0 no is not enough"),
    pytest.param(SHORT_YOUTH, ABSOLUTE, "YYYYN", "NA", True, ADOPTED, "council.adopted_absolute", (4, 2, 1, 0),
                 id="absolute: vacant seats are not counted, 4 of 7"),
    pytest.param(FULL, ABSOLUTE, "AAAAA", "AAAAA", True, REJECTED, "council.motion_no_votes", (0, 0, 10, 0),
                 id="absolute: everyone abstains"),
    # two thirds of the yes and no votes
    pytest.param(FULL, TWO_THIRDS, "YYYYY", "YNNN-", True, ADOPTED, "council.adopted_two_thirds", (6, 3, 0, 1),
                 id="two thirds: exactly two thirds passes"),
    pytest.param(FULL, TWO_THIRDS, "YYYYY", "NNNA-", True, REJECTED, "council.rejected_two_thirds", (5, 3, 1, 1),
                 id="two thirds: 5 of 8 is short"),
    pytest.param(FULL, TWO_THIRDS, "YYYYN", "NAAAA", True, ADOPTED, "council.adopted_two_thirds", (4, 2, 4, 0),
                 id="two thirds: abstentions are not votes cast"),
    pytest.param(FULL, TWO_THIRDS, "YYNNA", "YYNNA", True, REJECTED, "council.rejected_two_thirds", (4, 4, 2, 0),
                 id="two thirds: a tie"),
    pytest.param(FULL, TWO_THIRDS, "AAAAA", "AA---", True, REJECTED, "council.motion_no_votes", (0, 0, 7, 3),
                 id="two thirds: all abstain or absent"),
    # double: more yes than no on each side
    pytest.param(FULL, DOUBLE, "YYYNN", "YYYNN", True, ADOPTED, "council.adopted_double", (6, 4, 0, 0),
                 id="double: both sides carry it"),
    pytest.param(FULL, DOUBLE, "YYYYY", "YNNNN", True, REJECTED, "council.rejected_double", (6, 4, 0, 0),
                 id="double: youth side outvoted by the municipal side"),
    pytest.param(FULL, DOUBLE, "NNNNY", "YYYYY", True, REJECTED, "council.rejected_double", (6, 4, 0, 0),
                 id="double: municipal side outvoted by the youth side"),
    pytest.param(FULL, DOUBLE, "YYYNN", "YYNNA", True, REJECTED, "council.rejected_double", (5, 4, 1, 0),
                 id="double: a tie on one side"),
    pytest.param(FULL, DOUBLE, "YYYYY", "AAA--", True, REJECTED, "council.rejected_double_silent", (5, 0, 3, 2),
                 id="double: youth side cast no vote at all"),
    pytest.param(FULL, DOUBLE, "-----", ".....", True, REJECTED, "council.motion_no_votes", (0, 0, 0, 10),
                 id="double: everyone absent"),
    # without quorum nothing passes, whatever the rule
    *[pytest.param(FULL, rule, "YYYYY", "YYYYY", False, NO_QUORUM, "council.motion_no_quorum", (10, 0, 0, 0),
                   id=f"{rule}: unanimous but no quorum") for rule in Majority],
]
# fmt: on


@pytest.mark.parametrize(
    ("voters", "requirement", "municipal", "youth", "quorum_met", "outcome", "code", "total"), MOTION_CASES
)
def test_tally_motion(voters, requirement, municipal, youth, quorum_met, outcome, code, total):
    result = tally_motion(roll(municipal, youth), voters, requirement, quorum_met)
    assert result.outcome is outcome
    assert result.adopted is (outcome is ADOPTED)
    assert result.explanation.code == code
    assert result.total == Counts(*total)
    assert {k: result.explanation.params[k] for k in ("yes", "no", "abstain", "absent")} == Counts(*total).params()


@pytest.mark.parametrize(
    ("requirement", "outcome"),
    [(SIMPLE, ADOPTED), (ABSOLUTE, ADOPTED), (TWO_THIRDS, REJECTED), (DOUBLE, REJECTED)],
    ids=str,
)
def test_the_same_six_to_four_under_each_rule(requirement, outcome):
    # 5-0 municipal, 1-4 youth: a majority overall that the youth side voted against.
    assert tally_motion(roll("YYYYY", "YNNNN"), FULL, requirement, True).outcome is outcome


def test_counts_per_side_ignore_the_secretary_and_people_who_do_not_sit():
    votes = roll("YYYN-", "YNAA.") | {"sam": "yes", "guest": "no"}
    result = tally_motion(votes, FULL, "simple", True)
    assert result.by_side == {MUNICIPAL: Counts(3, 1, 0, 1), YOUTH: Counts(1, 1, 2, 1)}
    assert result.total == Counts(4, 2, 2, 2)
    assert result.voting_members == 10
    assert (result.requirement, result.quorum_met) == (SIMPLE, True)


def test_explanations_carry_what_their_sentences_need():
    absolute = tally_motion(roll("YYYYY", "AAAA-"), FULL, ABSOLUTE, True).explanation
    assert (absolute.params["needed"], absolute.params["members"]) == (6, 10)
    two_thirds = tally_motion(roll("YYYYY", "NNNA-"), FULL, TWO_THIRDS, True).explanation
    assert (two_thirds.params["needed"], two_thirds.params["cast"]) == (6, 8)
    double = tally_motion(roll("YYYYY", "YNNNN"), FULL, DOUBLE, True).explanation
    assert (double.params["side"], double.params["side_yes"], double.params["side_no"]) == (YOUTH, 1, 4)
    silent = tally_motion(roll("YYYYY", "AAA--"), FULL, DOUBLE, True).explanation
    assert silent.params["side"] is YOUTH
    adopted = tally_motion(roll("YYYNN", "YYYYN"), FULL, DOUBLE, True).explanation
    assert adopted.params == {"yes": 7, "no": 3, "abstain": 0, "absent": 0, "municipal_yes": 3, "municipal_no": 2,
                              "youth_yes": 4, "youth_no": 1}


def test_a_duplicate_member_in_the_list_counts_once():
    result = tally_motion(roll("YN", ""), [*members(2, 0), Member("m1", MUNICIPAL)], SIMPLE, True)
    assert result.total == Counts(1, 1, 0, 0) and result.voting_members == 2


# --- refusals for input ---------------------------------------------------------------------

PARITY_CASES = [
    pytest.param(5, 5, [], id="five and five"),
    pytest.param(1, 1, [], id="one and one"),
    pytest.param(0, 5, ["council.parity_too_small"], id="no municipal seat"),
    pytest.param(5, 0, ["council.parity_too_small"], id="no youth seat"),
    pytest.param(0, -1, ["council.parity_too_small"] * 2, id="neither side"),
]


@pytest.mark.parametrize(("municipal", "youth", "expected"), PARITY_CASES)
def test_parity_refusals(municipal, youth, expected):
    assert codes(parity_refusals(municipal, youth)) == expected


def test_parity_refusal_names_the_side():
    assert [r.params for r in parity_refusals(0, 3)] == [{"side": MUNICIPAL, "count": 0}]


def new(seat, start, end=None, membership_id=None):
    return MembershipInfo(seat, "zoe", start, end, "Zoe", membership_id)


# fmt: off
MEMBERSHIP_CASES = [
    pytest.param(new("y2", D(2025, 5, 2), D(2025, 5, 1)), ["council.ends_before_start"], id="ends before it starts"),
    pytest.param(new("y2", D(2026, 1, 5), D(2026, 1, 5)), [], id="a one-day membership"),
    pytest.param(new("y2", D(2026, 1, 1)), [], id="starts the day after the predecessor's last day"),
    pytest.param(new("y2", D(2025, 12, 31)), ["council.seat_taken"], id="starts on the predecessor's last day"),
    pytest.param(new("y2", D(2025, 1, 1), D(2025, 1, 31)), [], id="ends the day before the next one starts"),
    pytest.param(new("y2", D(2025, 1, 1), D(2025, 2, 1)), ["council.seat_taken"],
                 id="ends on the next one's first day"),
    pytest.param(new("y2", D(2024, 6, 1)), ["council.seat_taken"], id="open-ended, reaching over a later holder"),
    pytest.param(new("m1", D(2030, 1, 1)), ["council.seat_taken_open"], id="holder without an end date"),
    pytest.param(new("m2", D(2025, 3, 1)), ["council.seat_taken", "council.seat_taken_open"],
                 id="overlaps two holders"),
    pytest.param(new("m2", D(2024, 1, 1), D(2024, 12, 31)), [], id="other seats' members do not count"),
    pytest.param(new("y1", D(2024, 1, 1), D(2024, 12, 31)), [], id="before the seat's first holder"),
    pytest.param(MembershipInfo("m2", "ben", D(2025, 1, 1), D(2025, 3, 31), "Ben", 2), [],
                 id="editing a membership does not clash with itself"),
    pytest.param(MembershipInfo("m2", "ben", D(2025, 1, 1), D(2025, 4, 1), "Ben", 2), ["council.seat_taken_open"],
                 id="extending into the successor's first day"),
]
# fmt: on


@pytest.mark.parametrize(("candidate", "expected"), MEMBERSHIP_CASES)
def test_membership_refusals(candidate, expected):
    assert codes(membership_refusals(candidate, HISTORY)) == expected


def test_membership_refusals_name_the_holder_and_dates():
    taken, taken_open = membership_refusals(new("m2", D(2025, 3, 1)), HISTORY)
    assert taken.params == {"name": "Ben", "start": D(2025, 1, 1), "end": D(2025, 3, 31)}
    assert taken_open.params == {"name": "Cara", "start": D(2025, 4, 1)}
    [reversed_dates] = membership_refusals(new("y2", D(2025, 5, 2), D(2025, 5, 1)), HISTORY)
    assert reversed_dates.params == {"start": D(2025, 5, 2), "end": D(2025, 5, 1)}


FEB = composition_on(D(2025, 2, 1), SEATS, HISTORY, PARITY).voting_members
APRIL = composition_on(D(2025, 4, 1), SEATS, HISTORY, PARITY).voting_members

# fmt: off
VOTE_CASES = [
    pytest.param([VoteRecord("ana", "yes"), VoteRecord("ben", "no"), VoteRecord("dan", "abstain"),
                  VoteRecord("eva", "absent")], FEB, D(2025, 2, 1), [], id="every member once"),
    pytest.param([VoteRecord("sam", "yes", "Sam")], FEB, D(2025, 2, 1), ["council.vote_not_member"],
                 id="the secretary does not vote"),
    pytest.param([VoteRecord("ben", "no", "Ben")], APRIL, D(2025, 4, 1), ["council.vote_not_member"],
                 id="a member the day after the last day"),
    pytest.param([VoteRecord("ana", "yes"), VoteRecord("ana", "no")], FEB, D(2025, 2, 1), ["council.vote_twice"],
                 id="the same member twice"),
    pytest.param([VoteRecord("x", "yes"), VoteRecord("ana", "yes"), VoteRecord("ana", "yes")], FEB, D(2025, 2, 1),
                 ["council.vote_not_member", "council.vote_twice"], id="both at once"),
]
# fmt: on


@pytest.mark.parametrize(("votes", "voters", "day", "expected"), VOTE_CASES)
def test_vote_refusals(votes, voters, day, expected):
    assert codes(vote_refusals(votes, voters, day)) == expected


def test_vote_refusals_name_the_person():
    stranger, twice = vote_refusals([VoteRecord(99, "yes"), VoteRecord("ana", "no"), VoteRecord("ana", "no")],
                                    FEB, D(2025, 2, 1))
    assert stranger.params == {"name": "99", "day": D(2025, 2, 1)}
    assert twice.params == {"name": "Ana"}


# --- inputs are checked, not trusted ----------------------------------------------------------

NOON = datetime(2025, 2, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: SeatInfo("s", "S", "youth", "secretary"), id="secretary seat in a constituency"),
        pytest.param(lambda: SeatInfo("s", "S", None, "member"), id="voting seat without a constituency"),
        pytest.param(lambda: SeatInfo("s", "S", "elders"), id="unknown constituency"),
        pytest.param(lambda: SeatInfo("s", "S", "youth", "treasurer"), id="unknown role"),
        pytest.param(lambda: Parity(0, 5), id="stored parity below one"),
        pytest.param(lambda: MembershipInfo("m1", "ana", NOON), id="a datetime for a date"),
        pytest.param(lambda: MembershipInfo("m1", "ana", D(2025, 1, 1), NOON), id="a datetime end"),
        pytest.param(lambda: composition_on(NOON, SEATS, HISTORY, PARITY), id="composition on a datetime"),
        pytest.param(lambda: composition_on(D(2025, 2, 1), SEATS, [new("zz", D(2025, 1, 1))], PARITY),
                     id="membership of an unknown seat"),
        pytest.param(lambda: quorum({}, FULL, "two_people"), id="unknown quorum rule"),
        pytest.param(lambda: quorum({"m1": "sleeping"}, FULL), id="unknown attendance"),
        pytest.param(lambda: tally_motion({}, FULL, "unanimous", True), id="unknown majority"),
        pytest.param(lambda: tally_motion({"m1": "maybe"}, FULL, "simple", True), id="unknown vote"),
        pytest.param(lambda: VoteRecord("m1", "maybe"), id="unknown vote in a record"),
        pytest.param(lambda: vote_refusals([], FEB, NOON), id="votes checked on a datetime"),
    ],
)
def test_bad_inputs_raise(build):
    with pytest.raises(ValueError):
        build()


def test_stored_strings_become_the_enums():
    seat = SeatInfo(1, "Youth 1", "youth", "vice_chair")
    assert (seat.constituency, seat.role, seat.voting) == (YOUTH, SeatRole.VICE_CHAIR, True)
    assert SeatInfo(2, "Coordinator", None, "secretary").voting is False
    assert Member(1, "municipal").constituency is MUNICIPAL
    assert VoteRecord(1, "abstain").choice is VoteChoice.ABSTAIN
    assert [c.value for c in Constituency] == ["municipal", "youth"]
    assert [r.value for r in SeatRole] == ["member", "chair", "vice_chair", "secretary"]
    assert [r.value for r in QuorumRule] == ["majority", "majority_each_side"]


LABELS = [
    (CONSTITUENCY_LABELS, Constituency),
    (ROLE_LABELS, SeatRole),
    (ATTENDANCE_LABELS, Attendance),
    (VOTE_LABELS, VoteChoice),
    (MAJORITY_LABELS, Majority),
    (QUORUM_RULE_LABELS, QuorumRule),
    (OUTCOME_LABELS, Outcome),
]


@pytest.mark.parametrize(("labels", "enum"), LABELS, ids=[enum.__name__ for _, enum in LABELS])
def test_every_value_has_a_label(labels, enum):
    assert list(labels) == list(enum)
    assert all(labels.values())


# --- messages -------------------------------------------------------------------------------


def _all_refusals():
    """Every refusal, finding and explanation the tables above produce."""
    for param in COMPOSITION_CASES:
        day, memberships, parity, *_ = param.values
        yield from composition_on(day, SEATS, memberships, parity).issues
    for param in QUORUM_CASES:
        voters, municipal, youth, rule, *_ = param.values
        yield from quorum(attendance(municipal, youth), voters, rule).reasons
    for param in MOTION_CASES:
        voters, requirement, municipal, youth, quorum_met, *_ = param.values
        yield tally_motion(roll(municipal, youth), voters, requirement, quorum_met).explanation
    for param in PARITY_CASES:
        yield from parity_refusals(*param.values[:2])
    for param in MEMBERSHIP_CASES:
        yield from membership_refusals(param.values[0], HISTORY)
    for param in VOTE_CASES:
        yield from vote_refusals(*param.values[:3])


ALL_REFUSALS = list(_all_refusals())


def test_every_code_is_exercised():
    declared = declared_codes(council, r'"(council\.[a-z_]+)"')
    assert declared == {r.code for r in ALL_REFUSALS}


@pytest.mark.parametrize("refusal", ALL_REFUSALS, ids=lambda r: r.code)
def test_message_placeholders_are_filled_by_params(refusal):
    assert_filled(refusal)


def test_every_message_is_marked_for_translation():
    calls = refusal_calls(council)
    assert calls
    for call in calls:
        assert_marked_for_translation(call)


def test_module_is_pure():
    outside = imports_outside_stdlib(council)
    assert outside and all(m.startswith("ypb.domain.") for m in outside), outside
