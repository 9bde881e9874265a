"""Proposing, revising and discussing a project through the web pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import func, select

from tests.conftest import make_user, post_form, sign_in
from ypb.extensions import db
from ypb.models import Comment, CommentReport, Notification, Proposal, Revision


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.names.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def proposal_of(app, title: str) -> Proposal:
    with app.app_context():
        p = db.session.scalars(select(Proposal).where(Proposal.title == title)).one()
        db.session.expunge(p)
        return p


def test_draft_then_publish(app, world, client_for):
    client = client_for("youth")
    new = f"/cycles/{world['cycle_proposals']}/proposals/new"
    response = post_form(client, new, {"title": "Open-air cinema", "action": "draft"}, token_from=new)
    assert response.status_code == 303
    draft = proposal_of(app, "Open-air cinema")
    assert draft.status == "draft"
    page = client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    assert "Draft (only you can see it)" in page
    assert client_for("council").get(f"/proposals/{draft.id}").status_code == 404
    assert app.test_client().get(f"/proposals/{draft.id}").status_code == 404
    listing = client.get(f"/cycles/{world['cycle_proposals']}/proposals").get_data(as_text=True)
    assert "Open-air cinema" not in listing

    # Submitting without summary and cost is refused with the reason, and stays a draft.
    refused = post_form(client, f"/proposals/{draft.id}/submit", token_from=f"/proposals/{draft.id}")
    assert refused.status_code == 303
    assert "Add a short summary" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert proposal_of(app, "Open-air cinema").status == "draft"

    edit = f"/proposals/{draft.id}/edit"
    post_form(client, edit, {"title": "Open-air cinema", "summary": "Films in the park on Fridays.",
                             "estimated_cost": "2 500,50", "action": "draft"}, token_from=edit)
    post_form(client, f"/proposals/{draft.id}/submit", token_from=f"/proposals/{draft.id}")
    published = proposal_of(app, "Open-air cinema")
    assert (published.status, published.estimated_cost) == ("submitted", 250050)
    assert "Open-air cinema" in app.test_client().get(
        f"/cycles/{world['cycle_proposals']}/proposals").get_data(as_text=True)


def test_publish_at_once_and_amount_errors(app, world, client_for):
    client = client_for("youth")
    new = f"/cycles/{world['cycle_proposals']}/proposals/new"
    before = count(app, Proposal)
    bad = post_form(client, new, {"title": "Bike repair", "summary": "Tools", "estimated_cost": "lots",
                                  "action": "submit"}, token_from=new)
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Enter an amount like 1500 or 1500.50." in html
    assert 'value="lots"' in html  # what was typed stays in the form
    assert count(app, Proposal) == before
    over = post_form(client, new, {"title": "Bike repair", "summary": "Tools", "estimated_cost": "9999999",
                                   "action": "submit"}, token_from=new)
    assert over.status_code == 422 and "higher than the whole budget" in over.get_data(as_text=True)
    assert count(app, Proposal) == before
    ok = post_form(client, new, {"title": "Bike repair", "summary": "Tools", "estimated_cost": "1500",
                                 "action": "submit"}, token_from=new)
    assert ok.status_code == 303
    assert proposal_of(app, "Bike repair").status == "submitted"


def test_ineligible_people_are_told_why(app, world):
    before = count(app, Proposal)
    make_user(app, "grandpa", birth_year=1950)
    make_user(app, "visitor", birth_year=2008, resident=False)
    new = f"/cycles/{world['cycle_proposals']}/proposals/new"
    for username, reason in (("grandpa", "aged 13 to 29"), ("visitor", "live in the municipality")):
        client = app.test_client()
        sign_in(client, username)
        assert reason in client.get(new).get_data(as_text=True)
        response = post_form(client, new, {"title": "X", "action": "draft"}, token_from="/")
        assert response.status_code == 422
    assert count(app, Proposal) == before


def test_no_new_proposals_outside_the_proposals_phase(app, world, client_for):
    client = client_for("youth")
    response = client.get(f"/cycles/{world['cycle_feedback']}/proposals/new")
    assert response.status_code == 303
    assert "only be made while the cycle collects proposals" in client.get(
        response.headers["Location"]).get_data(as_text=True)


def test_comment_without_javascript_and_notification(app, world, client_for):
    client = client_for("council")
    page = f"/proposals/{world['proposal']}"
    response = post_form(client, f"{page}/comments", {"body": "Love it, **really**."}, token_from=page)
    assert response.status_code == 303 and response.headers["Location"].endswith("#comments")
    html = client.get(page).get_data(as_text=True)
    assert "<strong>really</strong>" in html and "Your comment is published." in html
    with app.app_context():
        kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == world["youth"])).all()
    assert kinds.count("comment") == 1 and "question" in kinds


def test_comment_with_htmx_returns_only_the_thread(app, world, client_for):
    client = client_for("council")
    page = f"/proposals/{world['proposal']}"
    html = client.get(page).get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    response = client.post(f"{page}/comments", data={"body": "Via htmx"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section id="comments"')
    assert "Via htmx" in fragment and "Your comment is published." in fragment
    assert "HX-Request" in response.headers["Vary"]


def test_a_refused_comment_keeps_its_text(app, world, client_for):
    client = client_for("council")
    page = f"/proposals/{world['proposal']}"
    long_text = "word " * 900
    response = post_form(client, f"{page}/comments", {"body": long_text}, token_from=page)
    assert response.status_code == 422
    assert "word word word" in response.get_data(as_text=True)
    assert count(app, Comment) == 1


def test_replies_stay_one_level_and_questions_get_answered(app, world, client_for):
    page = f"/proposals/{world['proposal']}"
    youth = client_for("youth")
    post_form(youth, f"{page}/comments", {"body": "Six lamps.", "parent_id": world["comment"]}, token_from=page)
    with app.app_context():
        reply = db.session.scalars(select(Comment).where(Comment.body == "Six lamps.")).one()
        assert reply.parent_id == world["comment"]
        reply_id = reply.id
    post_form(youth, f"{page}/comments", {"body": "And poles.", "parent_id": reply_id}, token_from=page)
    with app.app_context():
        nested = db.session.scalars(select(Comment).where(Comment.body == "And poles.")).one()
        assert nested.parent_id == world["comment"]  # attached to the top comment
        assert db.session.get(Comment, world["comment"]).answered_at is None  # the author is not the contact
    secretary = client_for("secretary")
    post_form(secretary, f"{page}/comments", {"body": "We will check.", "parent_id": world["comment"]},
              token_from=page)
    assert "answered question" in app.test_client().get(page).get_data(as_text=True)


def test_revision_answering_feedback_shows_in_history(app, world, client_for):
    client = client_for("youth")
    edit = f"/proposals/{world['proposal']}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert "How many lamps exactly?" in form  # the comment can be ticked as answered
    response = post_form(client, edit, {
        "title": "Skate park lights", "summary": "Bright lights so we can skate after dark.",
        "description": "Eight LED lamps.", "estimated_cost": "12000",
        "change_note": "Two more lamps after the question.", "answers_feedback": "y",
        "addressed": str(world["comment"]),
    }, token_from=edit)
    assert response.status_code == 303
    with app.app_context():
        revisions = db.session.scalars(select(Revision).where(Revision.proposal_id == world["proposal"])
                                       .order_by(Revision.number)).all()
        assert [r.number for r in revisions] == [1, 2]
        assert [c.id for c in revisions[1].addresses] == [world["comment"]]
    history = app.test_client().get(f"/proposals/{world['proposal']}/history").get_data(as_text=True)
    assert "<del>Six </del><ins>Eight </ins>" in history
    assert "<del>Lights </del><ins>Bright lights </ins>" in history
    assert "answers feedback" in history and "Two more lamps after the question." in history
    assert f"#comment-{world['comment']}" in history


def test_unchanged_edit_is_refused_and_adds_no_revision(app, world, client_for):
    client = client_for("youth")
    before = count(app, Revision)
    edit = f"/proposals/{world['proposal']}/edit"
    response = post_form(client, edit, {"title": "Skate park lights", "summary": "Lights so we can skate after dark.",
                                        "description": "Six LED lamps.", "estimated_cost": "12000"},
                         token_from=edit)
    assert response.status_code == 422 and "Nothing was changed." in response.get_data(as_text=True)
    assert count(app, Revision) == before


def test_no_edits_after_feedback(app, world, client_for):
    client = client_for("youth")
    response = client.get(f"/proposals/{world['review_proposal']}/edit")
    assert response.status_code == 303
    assert "only while proposals are collected and during feedback" in client.get(
        response.headers["Location"]).get_data(as_text=True)


def test_report_and_hidden_comment_shows_the_reason(app, world, client_for):
    client = client_for("youth")
    report = f"/comments/{world['comment']}/report"
    empty = post_form(client, report, {"reason": ""}, token_from=report)
    assert empty.status_code == 422
    post_form(client, report, {"reason": "Off topic"}, token_from=report)
    with app.app_context():
        assert db.session.scalars(select(CommentReport.reason)).all() == ["Off topic"]
        comment = db.session.get(Comment, world["comment"])
        comment.hidden, comment.hidden_reason = True, "personal attack"
        db.session.commit()
    page = app.test_client().get(f"/proposals/{world['proposal']}").get_data(as_text=True)
    assert "Hidden by the moderator: personal attack" in page
    assert "How many lamps exactly?" not in page


def test_user_markdown_cannot_inject_script_or_htmx(app, world, client_for):
    client = client_for("youth")
    new = f"/cycles/{world['cycle_proposals']}/proposals/new"
    evil = ('<script>alert(1)</script><div hx-get="/admin/users" hx-trigger="load">x</div>'
            '[click](javascript:alert(1)) <img src=x onerror=alert(1)>')
    post_form(client, new, {"title": "Evil", "summary": "s", "description": evil, "estimated_cost": "1",
                            "action": "submit"}, token_from=new)
    page = client.get(f"/proposals/{proposal_of(app, 'Evil').id}").get_data(as_text=True)
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    tags = Tags()
    tags.feed(main)
    assert "script" not in tags.names and "img" not in tags.names
    bad = [(t, a, v) for t, a, v in tags.attributes
           if a.startswith(("on", "hx-", "data-hx")) and not (t == "form" and a in ("hx-post", "hx-target", "hx-swap"))
           or (a == "href" and (v or "").strip().lower().startswith("javascript"))]
    assert bad == []


def test_listing_filters_and_stable_random_order(app, world, client_for):
    client = client_for("youth")
    new = f"/cycles/{world['cycle_proposals']}/proposals/new"
    for i in range(6):
        post_form(client, new, {"title": f"Idea {i}", "summary": "s", "estimated_cost": str(100 + i),
                                "action": "submit"}, token_from=new)
    listing = f"/cycles/{world['cycle_proposals']}/proposals"
    assert "Idea 3" in client.get(f"{listing}?q=idea+3").get_data(as_text=True)
    assert "Idea 4" not in client.get(f"{listing}?q=idea+3").get_data(as_text=True)
    # % and _ are searched for literally, not as wildcards.
    assert "No proposals match." in client.get(f"{listing}?q=%25").get_data(as_text=True)

    def order(c):
        return re.findall(r">(Idea \d)<", c.get(f"{listing}?order=random").get_data(as_text=True))

    first = order(client)
    assert sorted(first) == [f"Idea {i}" for i in range(6)]
    assert order(client) == first  # the same for this visitor on every load
    cheapest = re.findall(r">(Idea \d)<", client.get(f"{listing}?order=cost").get_data(as_text=True))
    assert cheapest == [f"Idea {i}" for i in range(6)]


def test_my_proposals_lists_drafts(app, world, client_for):
    html = client_for("youth").get("/proposals/mine").get_data(as_text=True)
    assert "My draft idea" in html and "Skate park lights" in html
