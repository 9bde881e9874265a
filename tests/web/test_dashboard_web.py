"""The secretary's dashboard (questions, reports, cycles waiting for something) and a
signed-in user's notifications."""

from __future__ import annotations

import re

from tests.conftest import post_form
from ypb.extensions import db
from ypb.models import Notification, User
from ypb.services import comments, notifications


def test_dashboard_lists_the_unanswered_question_with_a_link_to_it(app, world, client_for):
    html = client_for("secretary").get("/dashboard/").get_data(as_text=True)
    assert "Questions waiting for an answer (1)" in html
    assert "How many lamps exactly?" in html
    assert f'href="/proposals/{world["proposal"]}#comment-{world["comment"]}"' in html
    assert "Skate park lights" in html and "Council-User" in html


def test_an_answered_question_leaves_the_dashboard(app, world, client_for):
    with app.app_context():
        secretary = db.session.get(User, world["secretary"])
        comments.add(secretary, world["proposal"], "Six lamps.", parent_id=world["comment"])
    html = client_for("admin").get("/dashboard/").get_data(as_text=True)
    assert "How many lamps exactly?" not in html
    assert "Every question has an answer." in html


def test_dashboard_counts_open_reports_and_links_to_moderation(app, world, client_for):
    assert "No reported comments." in client_for("secretary").get("/dashboard/").get_data(as_text=True)
    with app.app_context():
        youth = db.session.get(User, world["youth"])
        comments.report(youth, world["comment"], "Off topic")
    html = client_for("secretary").get("/dashboard/").get_data(as_text=True)
    assert "1 comment was reported and waits for a moderator." in html
    assert re.search(r'href="/moderation"[^>]*>Open moderation<', html)


def test_dashboard_says_what_each_cycle_waits_for(app, world, client_for):
    html = client_for("secretary").get("/dashboard/").get_data(as_text=True)
    section = html[html.index('id="cycles-heading"'):]
    bodies = re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', section, re.S)
    cards = {title: body for body in bodies for title in re.findall(r">([^<]+ cycle)</a>", body)}
    assert set(cards) == {"Draft cycle", "Proposals cycle", "Feedback cycle", "Review cycle", "Voting cycle"}
    review = cards["Review cycle"]
    assert "Review phase" in review and "1 proposal" in review and "1 without a decision" in review
    assert "Before it can move to Voting:" in review
    assert "Every proposal needs a decision (approve, reject or merge) before voting can start. Still waiting: 1." \
        in review
    assert "Ready to move to Feedback" in cards["Proposals cycle"]  # nothing blocks closing proposals


def test_notifications_list_newest_first_and_mark_all_read(app, world, client_for):
    with app.app_context():
        notifications.notify(world["youth"], "feasibility_note", proposal_id=world["proposal"],
                             title="Skate park lights", verdict="needs_change")
        db.session.commit()
    youth = client_for("youth")
    html = youth.get("/notifications/").get_data(as_text=True)
    question = "Council-User asked a question about your proposal “Skate park lights”."
    note = "The municipality checked if “Skate park lights” can be done: it needs some changes."
    assert question in html and note in html
    assert html.index(note) < html.index(question)  # newest first
    assert html.count("New:") == 2 and "You have 2 new notifications." in html
    assert f'href="/proposals/{world["proposal"]}">{question}' in html

    response = post_form(youth, "/notifications/read", token_from="/notifications/")
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/"
    html = youth.get("/notifications/").get_data(as_text=True)
    assert "New:" not in html and "Mark all as read" not in html
    assert question in html  # still listed, just read
    with app.app_context():
        assert notifications.unread_count(world["youth"]) == 0


def test_each_kind_of_notification_reads_as_a_sentence(app, world, client_for):
    with app.app_context():
        for kind, params in [("comment", {"who": "Ana"}), ("reply", {"who": "Jonas"}),
                             ("review_decision", {"decision": "approve"})]:
            notifications.notify(world["youth"], kind, proposal_id=world["proposal"], title="Skate park lights",
                                 **params)
        db.session.commit()
    html = client_for("youth").get("/notifications/").get_data(as_text=True)
    assert "Ana commented on your proposal “Skate park lights”." in html
    assert "Jonas replied to a comment on “Skate park lights”." in html
    assert "There is a decision on your proposal “Skate park lights”: it goes on the ballot." in html


def test_notifications_are_private_to_their_owner(app, world, client_for):
    html = client_for("council").get("/notifications/").get_data(as_text=True)
    assert "Skate park lights" not in html
    assert "Nothing yet." in html
    with app.app_context():
        assert db.session.query(Notification).filter_by(user_id=world["youth"]).count() == 1
