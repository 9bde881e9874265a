"""The moderation queue: reported comments are hidden with a public reason, or kept."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from tests.conftest import post_form
from ypb.extensions import db
from ypb.models import AuditEntry, Comment, CommentReport, User


def send(client, path: str, data: dict):
    return post_form(client, path, data, token_from="/")


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def open_reports(comment_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(CommentReport).where(
        CommentReport.comment_id == comment_id, CommentReport.resolved_at.is_(None)))


def audit_actions(subject: str) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject == subject)
                                   .order_by(AuditEntry.seq)))


@pytest.fixture
def reported(app, world):
    """world's comment, reported by youth-user and admin-user."""
    from ypb.services import comments

    with app.app_context():
        comments.report(db.session.get(User, world["youth"]), world["comment"], "Rude to the author")
        comments.report(db.session.get(User, world["admin"]), world["comment"], "Spam link")
    return world["comment"]


def test_a_reported_comment_is_in_the_queue(world, reported, client_for):
    response = client_for("secretary").get("/moderation")
    assert response.status_code == 200
    page = text_of(response)
    assert "Reported comments (1)" in page
    assert "How many lamps exactly?" in page
    assert "Reported 2 times:" in page
    assert "Rude to the author" in page and "Spam link" in page
    assert f'href="/proposals/{world["proposal"]}#comment-{reported}"' in page  # its proposal
    assert "Skate park lights" in page
    assert f'action="/comments/{reported}/hide"' in page and f'action="/comments/{reported}/restore"' in page


def test_empty_queue_says_so(world, client_for):
    page = text_of(client_for("secretary").get("/moderation"))
    assert "Reported comments (0)" in page
    assert "Nothing is waiting." in page
    assert "No hidden comments." in page


def test_hide_with_a_reason(app, world, reported, client_for):
    client = client_for("secretary")
    response = send(client, f"/comments/{reported}/hide", {"reason": "Personal attack"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation"
    with app.app_context():
        comment = db.session.get(Comment, reported)
        assert (comment.hidden, comment.hidden_reason, comment.hidden_by_id) == (
            True, "Personal attack", world["secretary"])
        assert open_reports(reported) == 0
        assert audit_actions(f"comment:{reported}") == ["comment.hide"]
    page = text_of(client.get("/moderation"))
    assert "The comment is hidden." in page
    assert "Reported comments (0)" in page
    assert "Hidden by the moderator: Personal attack" in page  # now under "Recently hidden"
    # The public sees the reason in place of the comment.
    public = text_of(client_for("anonymous").get(f"/proposals/{world['proposal']}"))
    assert "Hidden by the moderator: Personal attack" in public
    assert "How many lamps exactly?" not in public


def test_hide_without_a_reason_is_refused(app, reported, client_for):
    client = client_for("secretary")
    response = send(client, f"/comments/{reported}/hide", {"reason": "   "})
    assert response.status_code == 422
    page = text_of(response)
    assert "Give a reason: it is shown in place of the comment." in page
    assert f'id="hide-reason-{reported}-error"' in page
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.get(Comment, reported).hidden is False
        assert open_reports(reported) == 2
        assert audit_actions(f"comment:{reported}") == []


def test_show_a_hidden_comment_again(app, world, reported, client_for):
    client = client_for("secretary")
    send(client, f"/comments/{reported}/hide", {"reason": "Personal attack"})
    response = send(client, f"/comments/{reported}/restore", {"reason": "It was a fair question."})
    assert response.status_code == 303
    with app.app_context():
        comment = db.session.get(Comment, reported)
        assert (comment.hidden, comment.hidden_reason) == (False, None)
        assert audit_actions(f"comment:{reported}") == ["comment.hide", "comment.restore"]
    assert "The comment is visible again." in text_of(client.get("/moderation"))
    public = text_of(client_for("anonymous").get(f"/proposals/{world['proposal']}"))
    assert "How many lamps exactly?" in public


def test_keep_closes_the_reports(app, reported, client_for):
    client = client_for("secretary")
    response = send(client, f"/comments/{reported}/restore", {})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Comment, reported).hidden is False
        assert open_reports(reported) == 0
        assert audit_actions(f"comment:{reported}") == ["comment.keep"]
    page = text_of(client.get("/moderation"))
    assert "The comment stays visible and its reports are closed." in page
    assert "Reported comments (0)" in page


def test_moderating_from_a_proposal_page_returns_there(app, world, reported, client_for):
    client = client_for("secretary")
    back = f"/proposals/{world['proposal']}#comment-{reported}"
    response = send(client, f"/comments/{reported}/hide", {"reason": "Off topic", "next": back})
    assert (response.status_code, response.headers["Location"]) == (303, back)
    # A refusal goes back there too, as a message.
    response = send(client, f"/comments/{reported}/restore", {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/moderation"  # never off the site
    response = send(client, f"/comments/{reported}/hide", {"reason": "", "next": back})
    assert (response.status_code, response.headers["Location"]) == (303, back)
    assert "Give a reason" in text_of(client.get(back))


def test_moderating_a_missing_comment_is_404(world, client_for):
    client = client_for("secretary")
    assert send(client, "/comments/99999/hide", {"reason": "x"}).status_code == 404
    assert send(client, "/comments/99999/restore", {}).status_code == 404
