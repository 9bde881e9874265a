"""Demo data: a municipality, its coordinator, council members, young people, and budget
cycles in the proposals, feedback, review and voting phases with proposals and feedback,
a finished cycle whose counted results the council confirmed, and the youth council with
its meetings (see `demo_council`); the finished cycle's projects, their KPIs and survey, and
a renewal of the delivered one in the cycle open for proposals (see `demo_projects`)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from ypb.domain.ballot import BallotType
from ypb.domain.cycle import Phase, Schedule
from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import Municipality, User, Verdict
from ypb.models.base import utcnow
from ypb.services import (
    accounts,
    comments,
    cycles,
    demo_calendar,
    demo_council,
    demo_projects,
    proposals,
    review,
    voting,
)
from ypb.services.cycles import CycleInput
from ypb.services.proposals import ProposalInput, RevisionNote

DEMO_PASSWORD = "youth-budget-demo"  # noqa: S105 (published on purpose: demo only)

# (username, display name, role, birth year, resident)
PEOPLE = [
    ("admin", "Site Admin", Role.ADMIN, 1985, False),
    ("laura", "Laura Ozola (youth coordinator)", Role.SECRETARY, 1991, True),
    ("martins", "Mārtiņš Kalniņš", Role.COUNCIL, 1976, True),
    ("ieva", "Ieva Bērziņa", Role.COUNCIL, 1968, True),
    ("sofia", "Sofia Andersson", Role.COUNCIL, 2006, True),
    ("nikos", "Nikos Georgiou", Role.COUNCIL, 2005, True),
    ("ana", "Ana Silva", Role.YOUTH, 2009, True),
    ("jonas", "Jonas Petrauskas", Role.YOUTH, 2007, True),
    ("eleni", "Eleni Christou", Role.YOUTH, 2011, True),
    ("kalle", "Kalle Nilsson", Role.YOUTH, 2004, False),
]

GOALS = [
    "Influence over my life and my town",
    "Good and equal health",
    "Living, studying and working by my passions",
    "Climate transition",
]

DAY = timedelta(days=1)


def has_data() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def _cycle(secretary: User, title: str, description: str, budget: int, start: datetime, *,
           min_age: int = 13, max_age: int = 29, categories=GOALS, renewal_max_years: int = 1) -> int:
    schedule = Schedule(proposals_end=start + 21 * DAY, feedback_end=start + 35 * DAY,
                        review_end=start + 45 * DAY, voting_end=start + 59 * DAY, results_end=start + 66 * DAY)
    data = CycleInput(title=title, description=description, budget_total=budget, currency="EUR",
                      min_age=min_age, max_age=max_age, residency_required=True, contact_id=secretary.id,
                      feedback_days=7, schedule=schedule, categories=list(categories),
                      renewal_max_years=renewal_max_years)
    return cycles.create(secretary, data, now=start).id


def _propose(author: User, cycle_id: int, when: datetime, title: str, summary: str, description: str,
             cost_eur: int, category: int | None, **extra) -> int:
    category_id = None
    if category is not None:
        category_id = cycles.get(cycle_id).categories[category].id
    data = ProposalInput(title=title, summary=summary, description=description, estimated_cost=cost_eur * 100,
                         category_id=category_id, **extra)
    return proposals.create(author, cycle_id, data, submit=True, now=when).id


def load(now: datetime | None = None) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Load everything; returns the logins and a few voting codes to try."""
    now = now or utcnow()
    logins = []
    people: dict[str, User] = {}
    for username, name, role, birth_year, resident in PEOPLE:
        user = accounts.create_account(
            username=username, display_name=name, password=DEMO_PASSWORD, birth_year=birth_year,
            resident=resident, role=role, actor="demo", now=now - 90 * DAY,
        )
        people[username] = user
        logins.append((username, role.value, DEMO_PASSWORD))
    people = {u: db.session.get(User, user.id) for u, user in people.items()}
    council = demo_council.setup(people["laura"], now)
    _feedback_cycle(people, now)
    school = _proposals_cycle(people, now)
    review_cycle, kayak = _review_cycle(people, now)
    # The council's decisions carry out steps of these two: the autumn results first.
    finished = _finished_cycle(people, council, now)
    codes = _voting_cycle(people, council, now)
    demo_council.upcoming_meeting(people["laura"], council, review_cycle, kayak, now)
    demo_projects.load(people["laura"], finished, council.wall_decision, now, renewal_cycle_id=school)
    demo_calendar.load(people["laura"], now)
    db.session.add(Municipality(name="Trakai District Municipality", country="LT", currency="EUR",
                                default_locale="en"))
    db.session.commit()
    return logins, codes


def _feedback_cycle(p: dict[str, User], now: datetime) -> None:
    start = now - 25 * DAY
    cid = _cycle(p["laura"], "Youth Budget 2027",
                 "**€50,000** for projects by and for young people aged 13–29 in Trakai District.\n\n"
                 "Propose an idea, improve it with feedback, and vote in spring.", 5_000_000, start)
    cycles.advance(p["laura"], cid, Phase.PROPOSALS, now=start)
    skate = _propose(p["ana"], cid, start + 2 * DAY, "Lights for the skate park",
                     "LED lights so we can skate after school in winter.",
                     "In winter it is dark at 16:00. Six LED lamps on timers would let us use the park "
                     "until 21:00.\n\n- solar powered if possible\n- switched off at night", 12_000, 3,
                     place="Skate park by the lake")
    chats = _propose(p["jonas"], cid, start + 3 * DAY, "Free mental-health chats",
             "A weekly evening where young people can talk to a trained counsellor, no appointment needed.",
             "Many of us wait months for help. A drop-in evening at the youth centre, once a week, "
             "with a counsellor and a peer volunteer.", 9_500, 1, group_name="Trakai Youth Union")
    _propose(p["eleni"], cid, start + 4 * DAY, "Repair café",
             "Once a month we fix bikes, phones and clothes together instead of throwing them away.",
             "Tools, a small stock of spare parts and snacks. Volunteers from the vocational school teach.",
             4_000, 3, group_name="Eco club (informal)")
    _propose(p["ana"], cid, start + 5 * DAY, "Youth seat on the town's planning walks",
             "Two young people join every planning walk the municipality organises.",
             "We want to be heard before places are built, not after.", 500, 0)
    _propose(p["jonas"], cid, start + 6 * DAY, "Music rehearsal room",
             "A sound-proofed room with basic gear that bands can book for free.",
             "Insulation, a drum kit, two amplifiers and an online booking list.", 18_000, 2)
    cycles.advance(p["laura"], cid, Phase.FEEDBACK, now=start + 21 * DAY)
    question = comments.add(p["martins"], skate, "Could the lamps be on motion sensors to save power?",
                            is_question=True, now=start + 21 * DAY + timedelta(hours=3))
    comments.add(p["laura"], skate, "Yes, the lighting department says motion sensors work well there.",
                 parent_id=question.id, now=start + 22 * DAY)
    liked = comments.add(p["sofia"], skate, "Great idea, the park is empty from November.",
                         now=start + 22 * DAY + timedelta(hours=2))
    comments.add(p["kalle"], skate, "Agree!", parent_id=liked.id, now=start + 22 * DAY + timedelta(hours=5))
    review.publish_note(p["laura"], skate, Verdict.NEEDS_CHANGE,
                        "Feasible on municipal land, but the electrician's quote is higher: "
                        "€14,500 including the connection.", municipal_cost=1_450_000,
                        now=start + 23 * DAY)
    proposals.update(p["ana"], skate, ProposalInput(
        title="Lights for the skate park", summary="LED lights with motion sensors so we can skate after school "
        "in winter.", description="In winter it is dark at 16:00. Six LED lamps with motion sensors would let "
        "us use the park until 21:00.\n\n- motion sensors save power\n- switched off at night",
        estimated_cost=1_450_000, category_id=cycles.get(cid).categories[3].id, place="Skate park by the lake"),
        RevisionNote("Added motion sensors and the municipality's cost.", True, [question.id]),
        now=start + 24 * DAY)
    comments.add(p["nikos"], chats, "Could it also be online for people in the villages?", is_question=True,
                 now=start + 24 * DAY)


def _proposals_cycle(p: dict[str, User], now: datetime) -> int:
    start = now - 6 * DAY
    # Renewals may ask for two years: the bike station's renewal does (see demo_projects).
    cid = _cycle(p["laura"], "School Budget 2027: Trakai Gymnasium",
                 "€8,000 that students of Trakai Gymnasium decide on together.", 800_000, start,
                 max_age=19, categories=["School life", "Sport", "Environment"], renewal_max_years=2)
    cycles.advance(p["laura"], cid, Phase.PROPOSALS, now=start)
    _propose(p["eleni"], cid, start + DAY, "Water fountains on every floor",
             "Refill bottles instead of buying plastic ones.", "", 2_400, 2)
    _propose(p["ana"], cid, start + 2 * DAY, "Chess and board-game corner",
             "Tables and games for the long break.", "", 600, 0)
    proposals.create(p["ana"], cid, ProposalInput(title="Outdoor classroom"), now=start + 3 * DAY)
    return cid


def _review_cycle(p: dict[str, User], now: datetime) -> tuple[int, int]:
    start = now - 40 * DAY
    cid = _cycle(p["laura"], "Summer Youth Budget 2026",
                 "€20,000 for summer activities.", 2_000_000, start)
    cycles.advance(p["laura"], cid, Phase.PROPOSALS, now=start)
    festival = _propose(p["jonas"], cid, start + DAY, "Lake festival", "A one-day music festival by the lake.",
                        "Stage, sound and security for one day in July.", 15_000, 2)
    kayak = _propose(p["ana"], cid, start + 2 * DAY, "Kayak school", "Free kayak lessons for beginners.",
                     "Ten kayaks and an instructor for eight weeks.", 7_000, 1)
    _propose(p["eleni"], cid, start + 3 * DAY, "Outdoor cinema", "Films on the castle lawn on Friday nights.",
             "", 3_000, 0)
    _propose(p["jonas"], cid, start + 4 * DAY, "Beach volleyball court", "Sand and nets by the lake.", "", 6_000, 1)
    cycles.advance(p["laura"], cid, Phase.FEEDBACK, now=start + 21 * DAY)
    cycles.advance(p["laura"], cid, Phase.REVIEW, now=start + 35 * DAY)
    review.decide(p["laura"], kayak, review.Decision.APPROVE, final_cost=720_000,
                  reason="The sports department will lend life jackets.", now=now - 2 * DAY)
    review.decide(p["laura"], festival, review.Decision.REJECT,
                  reason="The lake shore is a protected area in July; the council suggests the town square "
                  "for next year's cycle.", now=now - DAY)
    return cid, kayak


def _voting_cycle(p: dict[str, User], council: demo_council.DemoCouncil, now: datetime) -> list[str]:
    """A cycle in voting: a knapsack ballot the council approved, votes by account and by code,
    codes for a class."""
    start = now - 55 * DAY
    cid = _cycle(p["laura"], "Winter Youth Budget 2026",
                 "€15,000 for winter activities. Choose the projects you want, up to the budget.", 1_500_000,
                 start)
    cycles.advance(p["laura"], cid, Phase.PROPOSALS, now=start)
    ideas = [
        (p["ana"], "Ice rink on the school yard", "A small rink with skates to borrow.", 6_000, 1),
        (p["jonas"], "Winter film club", "Weekly films and hot tea at the youth centre.", 1_200, 2),
        (p["eleni"], "Warm bus shelter", "A heated shelter at the school bus stop.", 7_500, 0),
        (p["ana"], "Snow-sculpture festival", "One weekend of snow art in the castle park.", 2_500, 2),
        (p["jonas"], "Night-time ski track lights", "Lights on the 2 km ski track.", 5_000, 1),
    ]
    ids = [_propose(author, cid, start + DAY, title, summary, "", cost, cat)
           for author, title, summary, cost, cat in ideas]
    cycles.advance(p["laura"], cid, Phase.FEEDBACK, now=start + 2 * DAY)
    cycles.advance(p["laura"], cid, Phase.REVIEW, now=start + 36 * DAY)
    for pid, (_, _, _, cost, _) in zip(ids, ideas, strict=True):
        review.decide(p["laura"], pid, review.Decision.APPROVE, final_cost=cost * 100, now=start + 40 * DAY)
    voting.save_settings(p["laura"], cid, voting.BallotSettings(BallotType.KNAPSACK, min_choices=1))
    demo_council.ballot_meeting(p["laura"], council, cid, now - 4 * DAY)  # opens the vote
    codes = voting.generate_codes(p["laura"], cid, 30, label="Trakai Gymnasium 9A", now=now - 3 * DAY)
    for username, picks in (("ana", [0, 1, 3]), ("jonas", [1, 4, 3]), ("sofia", [2, 1]), ("eleni", [0, 1])):
        voting.cast(voting.Voter(user=p[username]), cid, None, {ids[i]: 1 for i in picks}, now=now - DAY)
    for code, picks in zip(codes[:6], ([0, 1], [4, 3], [2], [0, 3, 1], [4], [0, 1, 3]), strict=True):
        voting.cast(voting.Voter(code=voting.find_code(cid, code)), cid, None, {ids[i]: 1 for i in picks},
                    now=now - DAY)
    return codes[6:9]


def _finished_cycle(p: dict[str, User], council: demo_council.DemoCouncil, now: datetime) -> int:
    """A cycle voted on last autumn: 40 votes by code, counted most-votes-first, results
    confirmed by the council after their comment window, work on the projects under way.

    Small on purpose (a €6,000 budget, 40 voters): the results also show what the Method of
    Equal Shares would have chosen, which raises every voter's share a cent at a time, and
    that stays quick at this size.
    """
    start = now - 120 * DAY
    cid = _cycle(p["laura"], "Autumn Youth Budget 2025",
                 "€6,000 for projects in the youth centre and around it. The votes are counted, and the "
                 "results are final.", 600_000, start)
    cycles.advance(p["laura"], cid, Phase.PROPOSALS, now=start)
    ideas = [
        (p["ana"], "Climbing wall in the youth centre", "A small bouldering wall with mats.", 2_400, 1),
        (p["jonas"], "Podcast studio", "Two microphones, a mixer and a quiet corner to record.", 1_500, 2),
        (p["eleni"], "Bike repair station", "A public stand with tools and a pump by the school.", 900, 3),
        (p["ana"], "Board-game evenings", "Games and snacks for a weekly evening all winter.", 400, 0),
        (p["jonas"], "Street-art wall", "A legal wall for graffiti, with paint for a first jam.", 1_800, 2),
        (p["eleni"], "Seed library", "Free seeds and a shelf to swap them, in the library.", 300, 3),
    ]
    ids = [_propose(author, cid, start + (1 + i) * DAY, title, summary, "", cost, cat)
           for i, (author, title, summary, cost, cat) in enumerate(ideas)]
    cycles.advance(p["laura"], cid, Phase.FEEDBACK, now=start + 21 * DAY)
    cycles.advance(p["laura"], cid, Phase.REVIEW, now=start + 35 * DAY)
    for pid, (_, _, _, cost, _) in zip(ids, ideas, strict=True):
        review.decide(p["laura"], pid, review.Decision.APPROVE, final_cost=cost * 100, now=start + 40 * DAY)
    voting.save_settings(p["laura"], cid, voting.BallotSettings(BallotType.APPROVAL, min_choices=1, max_choices=3))
    cycles.advance(p["laura"], cid, Phase.VOTING, now=start + 45 * DAY)
    codes = voting.generate_codes(p["laura"], cid, 40, label="Youth centre, autumn", now=start + 45 * DAY)
    # Fixed seed: the same plausible mix of votes every time (the climbing wall and the
    # bike station popular, the seed library a favourite of a few).
    rng = random.Random(2025)
    popularity = [9, 6, 7, 5, 4, 3]
    for n, code in enumerate(codes):
        picks: set[int] = set()
        for _ in range(rng.choice([1, 2, 2, 3, 3])):
            picks.add(rng.choices(range(len(ids)), weights=popularity)[0])
        voting.cast(voting.Voter(code=voting.find_code(cid, code)), cid, None, {ids[i]: 1 for i in picks},
                    now=start + 46 * DAY + n * timedelta(hours=3))
    cycles.advance(p["laura"], cid, Phase.RESULTS, now=start + 59 * DAY)
    demo_council.results_meeting(p["laura"], council, cid, start + 67 * DAY)  # confirms the results
    cycles.advance(p["laura"], cid, Phase.IMPLEMENTATION, now=start + 68 * DAY)
    return cid
