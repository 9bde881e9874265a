"""ypb.services.news: public news items, newest first, from phase changes, review decisions,
results, council decisions and funded projects; nothing that is not public."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from tests.services import IN_REVIEW, draft, new_cycle, submitted, to_feedback, to_review, user
from tests.services.test_projects_service import funded_cycle, make_decision
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import Cycle, Decision, Meeting, Motion, TallyResult
from ypb.models.base import utcnow
from ypb.services import news, projects, review

DAY = timedelta(days=1)


def english(item: news.NewsItem) -> str:
    """The title as an English reader sees it (the web layer translates the same way)."""
    return item.title % item.params


def by_key(items) -> dict[str, news.NewsItem]:
    return {item.key: item for item in items}


def everything_said(items) -> str:
    """Every word an item shows: its title, summary and excerpt."""
    return " | ".join(english(i) + " " + (i.summary % i.params if i.summary else "") + " " + i.excerpt
                      for i in items)


@pytest.fixture
def ids(app, users):
    with app.app_context():
        yield dict(users)


def reviewed_cycle(ids) -> dict:
    """A cycle in review: one proposal on the ballot, one rejected, one undecided, one private draft."""
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS, title="Spring youth budget")
    made = {"cycle": cycle_id,
            "approved": submitted(ids["youth"], cycle_id, "Skate park lights"),
            "rejected": submitted(ids["youth"], cycle_id, "Gold-plated benches"),
            "undecided": submitted(ids["youth"], cycle_id, "Pizza on Fridays"),
            "draft": draft(ids["youth"], cycle_id, "Secret draft idea")}
    to_feedback(ids["secretary"], cycle_id)
    to_review(ids["secretary"], cycle_id)
    secretary = user(ids["secretary"])
    review.decide(secretary, made["approved"], review.Decision.APPROVE, final_cost=1_000_000,
                  reason="Lights make the park safe after dark.", now=IN_REVIEW)
    review.decide(secretary, made["rejected"], review.Decision.REJECT, reason="Gold costs far more than the budget.",
                  now=IN_REVIEW + timedelta(hours=1))
    return made


def test_a_cycle_entering_a_phase_is_news_and_a_draft_cycle_never_is(ids):
    new_cycle(ids["secretary"], Phase.DRAFT, title="Secret round being drafted")
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS, title="Autumn youth budget")
    items = by_key(news.latest())
    item = items[f"cycle/{cycle_id}/phase/proposals"]
    assert english(item) == "“Autumn youth budget” is open for proposals"
    assert (item.endpoint, item.args) == ("cycles.show", {"cycle_id": cycle_id})
    assert "Secret round" not in everything_said(items.values())


def test_review_decisions_on_public_proposals_are_news_with_their_public_reason(ids):
    made = reviewed_cycle(ids)
    items = news.latest()
    decisions = [i for i in items if i.kind == "review"]
    assert [english(i) for i in decisions] == ["Not on the ballot: “Gold-plated benches”",
                                               "On the ballot: “Skate park lights”"]
    assert decisions[0].excerpt == "Gold costs far more than the budget."
    assert decisions[0].args == {"proposal_id": made["rejected"]}
    said = everything_said(items)
    assert "Pizza on Fridays" not in said  # not decided yet
    assert "Secret draft idea" not in said  # never published
    # The review phase itself is news too, newest first.
    assert f"cycle/{made['cycle']}/phase/review" in by_key(items)


def test_draft_results_and_their_confirmation_are_news(app, ids):
    made = funded_cycle(app, ids["secretary"])
    items = by_key(news.latest())
    draft_results = items[f"cycle/{made['cycle']}/phase/results"]
    assert english(draft_results) == "“Last year's budget”: the draft results are out"
    assert (draft_results.endpoint, draft_results.args) == ("results.show", {"cycle_id": made["cycle"]})
    confirmed = items[f"cycle/{made['cycle']}/results/confirmed"]
    assert english(confirmed) == "“Last year's budget”: the results are confirmed"
    assert confirmed.at == db.session.get(Cycle, made["cycle"]).results_ratified_at


def test_a_move_dated_in_the_past_is_news_at_the_time_the_cycle_gives_it(app, ids):
    # Voting closed 20 days ago here, though the audit trail recorded the move today.
    made = funded_cycle(app, ids["secretary"], ratify=False)
    items = by_key(news.latest())
    closed = db.session.scalar(select(TallyResult.computed_at).where(TallyResult.cycle_id == made["cycle"]))
    assert closed < utcnow() - 15 * DAY
    assert items[f"cycle/{made['cycle']}/phase/results"].at == closed
    assert items[f"cycle/{made['cycle']}/phase/voting"].at <= closed
    keys = [i.key for i in news.latest()]
    assert keys.index(f"cycle/{made['cycle']}/phase/results") < keys.index(f"cycle/{made['cycle']}/phase/voting")


def test_unconfirmed_results_are_not_announced_as_confirmed(app, ids):
    made = funded_cycle(app, ids["secretary"], ratify=False)
    keys = by_key(news.latest())
    assert f"cycle/{made['cycle']}/phase/results" in keys
    assert f"cycle/{made['cycle']}/results/confirmed" not in keys


def test_published_council_decisions_are_news_and_unpublished_motions_are_not(ids):
    decision_id = make_decision("adopted", "2030/4")
    meeting_id = db.session.get(Decision, decision_id).meeting_id
    db.session.add(Motion(meeting_id=meeting_id, number=2, text="A motion still being voted on", requirement="simple"))
    db.session.commit()
    items = news.latest()
    (item,) = [i for i in items if i.kind == "decision"]
    assert english(item) == "The youth council adopted decision 2030/4"
    assert item.excerpt == "The climbing wall may cost more."
    assert item.args == {"meeting_id": meeting_id, "_anchor": f"decision-{decision_id}"}
    assert "still being voted" not in everything_said(items)


def test_rejected_and_inquorate_decisions_say_so(ids):
    make_decision("rejected", "2030/5")
    db.session.add(Decision(number="2030/6", meeting_id=db.session.scalar(select(Meeting.id)), text="Move the park.",
                            outcome="no_quorum", counts={}, explanation={}))
    db.session.commit()
    titles = {english(i) for i in news.latest() if i.kind == "decision"}
    assert titles == {"The youth council voted against the motion in decision 2030/5",
                      "Decision 2030/6: too few members were present to decide"}


def test_project_milestones_and_status_changes_are_news_but_progress_alone_is_not(app, ids):
    made = funded_cycle(app, ids["secretary"])
    secretary = user(ids["secretary"])
    project = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))[0]
    title = project.proposal.title
    now = utcnow()
    milestone = projects.add_milestone(secretary, project.id, "Wall ordered", date(2031, 5, 1), now=now)
    projects.update_status(secretary, project.id, "in_progress", 10, 0, now=now + DAY)
    projects.update_status(secretary, project.id, "in_progress", 40, 0, now=now + 2 * DAY)
    projects.complete_milestone(secretary, project.id, milestone.id, "Order number 1234, paid.", now=now + 3 * DAY)
    items = [i for i in news.latest() if i.kind in ("milestone", "project")]
    assert [english(i) for i in items] == [
        f"“{title}” reached a milestone: Wall ordered",
        f"The project “{title}” has started",
        f"A milestone is planned for “{title}”: Wall ordered",
    ]
    done, started, planned = items
    assert done.excerpt == "Order number 1234, paid."
    assert planned.params["day"] == date(2031, 5, 1)
    assert done.args == {"project_id": project.id, "_anchor": f"milestone-{milestone.id}"}
    assert started.args == {"project_id": project.id}


def test_newest_first_limited_and_the_same_keys_every_time(ids):
    for n in range(4):
        new_cycle(ids["secretary"], Phase.PROPOSALS, title=f"Round {n}")
    first = news.latest(limit=3)
    assert len(first) == 3
    assert [i.at for i in first] == sorted((i.at for i in first), reverse=True)
    assert [english(i) for i in first][0] == "“Round 3” is open for proposals"
    assert [i.key for i in news.latest(limit=3)] == [i.key for i in first]
    assert len({i.key for i in news.latest()}) == len(news.latest())


def test_the_number_of_queries_does_not_grow_with_the_history(app, ids):
    def queries() -> int:
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            db.session.expire_all()
            news.latest()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    reviewed_cycle(ids)
    make_decision("adopted", "2030/1")
    few = queries()
    for n in range(3):
        reviewed_cycle(ids)
        make_decision("adopted", f"2030/{n + 2}")
    assert queries() == few
