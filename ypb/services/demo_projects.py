"""Demo data for funded-project tracking: the autumn cycle's projects in every status, with
milestones, evidence, spending and a material change of terms the council allowed; their
KPIs; a satisfaction survey of the delivered bike station with enough answers to show; and
that station's renewal, over two years, in the cycle now open for proposals."""

from __future__ import annotations

from datetime import datetime, timedelta

from ypb.domain.kpis import Kpis
from ypb.extensions import db
from ypb.models import Cycle, User
from ypb.services import kpis, projects, proposals, renewals, surveys
from ypb.services.proposals import ProposalInput

DAY = timedelta(days=1)

# What each project promised (targets), by title; effect numbers are in hundredths.
TARGETS = {
    "Climbing wall in the youth centre": Kpis(
        engaged_target=60, benefited_target=300, satisfaction_target=42, effect_unit="climbing sessions",
        effect_target_number=40_000, effect_target_text="A place to train all year, free for under-20s."),
    "Bike repair station": Kpis(
        engaged_target=25, benefited_target=150, satisfaction_target=40, effect_unit="bike repairs",
        effect_target_number=20_000, effect_target_text="Young people fix their bikes instead of buying new ones."),
    "Board-game evenings": Kpis(
        engaged_target=20, benefited_target=80, satisfaction_kind="share", satisfaction_target=75,
        effect_unit="game evenings", effect_target_number=2_000,
        effect_target_text="A weekly evening out that costs nothing and needs no screen."),
    "Podcast studio": Kpis(engaged_target=12, benefited_target=40, satisfaction_target=40,
                           effect_target_text="Young people's voices on the local radio once a month."),
    "Street-art wall": Kpis(engaged_target=30, benefited_target=200, satisfaction_target=40,
                            effect_target_text="Fewer tags on the station, one wall that changes every month."),
}
# What the delivered and running ones achieved so far.
ACTUALS = {
    "Climbing wall in the youth centre": dict(
        engaged_actual=22, benefited_actual=35, satisfaction_actual=45, effect_actual_number=600,
        effect_actual_text="Two try-out evenings on the first panels, led by the volunteers who built it."),
    "Bike repair station": dict(
        engaged_actual=31, benefited_actual=212, effect_actual_number=23_600,
        effect_actual_text="236 repairs in ten weeks. The school's eco club runs the stand on Thursdays."),
    "Board-game evenings": dict(
        engaged_actual=17, benefited_actual=64, satisfaction_actual=82, effect_actual_number=1_200,
        effect_actual_text="Twelve evenings so far, about 25 people each time."),
}
# The bike station's survey, handed out at the stand: (rating, comment).
BIKE_ANSWERS = [
    (5, "Fixed my brakes myself for the first time!"), (5, ""), (4, "Needs a second pump."), (5, ""),
    (4, ""), (3, "Often busy after school."), (5, "Please keep it next year."), (4, ""), (5, ""),
]


def load(secretary: User, cycle_id: int, wall_decision: int | None, now: datetime,
         renewal_cycle_id: int | None = None) -> None:
    funded = {p.proposal.title: p.id for p in projects.ensure_for_cycle(db.session.get(Cycle, cycle_id))}
    # Targets first: they are fixed once a project ends.
    for title, targets in TARGETS.items():
        if title in funded:
            kpis.update(secretary, funded[title], targets, now=now - 44 * DAY)
    wall = funded.get("Climbing wall in the youth centre")
    if wall is not None:
        projects.add_milestone(secretary, wall, "Wall panels ordered", (now - 40 * DAY).date(), now=now - 45 * DAY)
        projects.add_milestone(secretary, wall, "Wall built and opened", (now + 20 * DAY).date(), now=now - 45 * DAY)
        first = projects.get(wall).milestones[0]
        projects.complete_milestone(secretary, wall, first.id, "Order 2025/118 from the supplier, 40% paid.",
                                    now=now - 38 * DAY)
        projects.update_status(secretary, wall, "in_progress", 45, 110_000, now=now - 38 * DAY)
        if wall_decision is not None:
            projects.change_terms(secretary, wall, {"budget_granted": 280_000},
                                  "The mats must meet the new safety norm; the cheaper ones no longer do.",
                                  True, wall_decision, now=now - 3 * DAY)
    bikes = funded.get("Bike repair station")
    if bikes is not None:
        projects.add_milestone(secretary, bikes, "Stand installed by the school", (now - 20 * DAY).date(),
                               now=now - 45 * DAY)
        projects.complete_milestone(secretary, bikes, projects.get(bikes).milestones[0].id,
                                    "Photos on the school's page; 14 repairs in the first week.", now=now - 19 * DAY)
        _bike_survey(secretary, bikes, now)
        projects.update_status(secretary, bikes, "delivered", 100, 87_500, now=now - 18 * DAY)
    games = funded.get("Board-game evenings")
    if games is not None:
        projects.update_status(secretary, games, "in_progress", 60, 24_000, now=now - 30 * DAY)
    seeds = funded.get("Seed library")
    if seeds is not None:
        projects.update_status(secretary, seeds, "cancelled", 0, 0, now=now - 10 * DAY)
    for title, actuals in ACTUALS.items():
        if title in funded:
            reported = kpis.current(funded[title])
            kpis.update(secretary, funded[title], Kpis(**{**reported.__dict__, **actuals}), now=now - 12 * DAY)
    if bikes is not None and renewal_cycle_id is not None:
        _bike_renewal(bikes, renewal_cycle_id, now)


def _bike_survey(secretary: User, project_id: int, now: datetime) -> None:
    """Nine anonymous answers through the survey service (one fresh session each), then closed,
    which drops the key: the answers can no longer be linked to anyone's cookie."""
    survey = surveys.open_survey(secretary, project_id, now=now - 30 * DAY)
    for n, (rating, comment) in enumerate(BIKE_ANSWERS):
        surveys.answer(survey.id, surveys.new_nonce(), rating, comment, today=(now - (29 - 2 * n) * DAY).date())
    surveys.close_survey(secretary, project_id, now=now - 10 * DAY)


def _bike_renewal(project_id: int, cycle_id: int, now: datetime) -> None:
    """The eco club proposes the station again, for two school years, on the evidence above."""
    author = db.session.get(User, projects.get(project_id).proposal.author_id)
    draft = renewals.propose(author, project_id, cycle_id, now=now - 2 * DAY)
    environment = next((c.id for c in db.session.get(Cycle, cycle_id).categories if c.name == "Environment"), None)
    proposals.update(author, draft.id, ProposalInput(
        title=draft.title,
        summary="Keep the bike repair station open for two more school years, with spare parts and "
                "monthly repair workshops.",
        description="The station was used for 236 repairs in its first ten weeks, and nine in ten people "
                    "who answered the survey would keep it.\n\n"
                    "- spare parts (chains, tubes, brake pads) for two years\n"
                    "- a second pump, as the survey asked\n"
                    "- a repair workshop each month, run by the eco club",
        estimated_cost=140_000, category_id=environment, place="Trakai Gymnasium, by the bike shed",
        group_name="Eco club (informal)", funding_years=2, funding_amounts=[80_000, 60_000]),
        now=now - 2 * DAY + timedelta(hours=2))
    proposals.submit(author, draft.id, now=now - DAY)
