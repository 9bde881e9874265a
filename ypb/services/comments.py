"""Public feedback: comments and questions with one level of replies, reports, moderation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ypb.database import begin_write
from ypb.domain import cycle as rules
from ypb.domain.messages import N_
from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import Comment, CommentReport, Cycle, Proposal, ProposalStatus
from ypb.models.base import utcnow
from ypb.services import audit, notifications, refuse, use_case

MAX_BODY = 4000
STAFF_ROLES = (Role.SECRETARY.value, Role.ADMIN.value)



def thread(proposal_id: int) -> list[Comment]:
    """Top-level comments, oldest first; each carries its replies."""
    return list(db.session.scalars(
        select(Comment).where(Comment.proposal_id == proposal_id, Comment.parent_id.is_(None))
        .order_by(Comment.created_at, Comment.id)
    ))


def get(comment_id: int) -> Comment | None:
    return db.session.get(Comment, comment_id)


def _answers_question(actor, parent: Comment, cycle: Cycle) -> bool:
    return parent.is_question and (actor.id == cycle.contact_id or actor.role in STAFF_ROLES)


@use_case
def add(actor, proposal_id: int, body: str, *, parent_id: int | None = None, is_question: bool = False,
        now: datetime | None = None) -> Comment:
    now = now or utcnow()
    body = (body or "").strip()
    if not body:
        raise refuse("comment.empty", N_("Write something first."), "body")
    if len(body) > MAX_BODY:
        raise refuse("comment.long", N_("Keep it under 4000 characters."), "body")
    begin_write()
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not proposal.is_public:
        raise refuse("proposal.missing", N_("There is no such proposal."))
    if proposal.status != ProposalStatus.SUBMITTED.value:
        raise refuse("comment.closed", N_("Feedback is closed for this proposal."))
    cycle = proposal.cycle
    if not rules.can_comment(cycle.phase_enum):
        raise refuse("comment.phase", N_("Comments are open while proposals are collected and during "
                                          "feedback."))
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.proposal_id != proposal.id or parent.hidden:
            raise refuse("comment.parent", N_("You can no longer reply to this comment."))
        # One level of replies keeps threads readable on a phone: reply to the top comment.
        if parent.parent_id is not None:
            parent = db.session.get(Comment, parent.parent_id)
            if parent.hidden:
                raise refuse("comment.parent", N_("You can no longer reply to this comment."))
        is_question = False
    comment = Comment(proposal_id=proposal.id, author_id=actor.id, parent_id=parent.id if parent else None,
                      body=body, is_question=is_question, created_at=now)
    db.session.add(comment)
    db.session.flush()
    if parent is not None and _answers_question(actor, parent, cycle) and parent.answered_at is None:
        parent.answered_at = now
    kind = "question" if is_question else ("reply" if parent else "comment")
    notifications.notify(proposal.author_id, kind, proposal_id=proposal.id, actor_id=actor.id,
                         title=proposal.title, who=actor.display_name)
    if parent is not None and parent.author_id != proposal.author_id:
        notifications.notify(parent.author_id, "reply", proposal_id=proposal.id, actor_id=actor.id,
                             title=proposal.title, who=actor.display_name)
    db.session.commit()
    return comment


@use_case
def report(actor, comment_id: int, reason: str, now: datetime | None = None) -> CommentReport:
    reason = (reason or "").strip()
    if not reason:
        raise refuse("report.reason", N_("Tell the moderator what is wrong with this comment."), "reason")
    begin_write()
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise refuse("comment.missing", N_("There is no such comment."))
    existing = db.session.scalar(select(CommentReport).where(
        CommentReport.comment_id == comment.id, CommentReport.reporter_id == actor.id))
    if existing is not None:
        existing.reason = reason[:500]
        existing.resolved_at = None
        db.session.commit()
        return existing
    item = CommentReport(comment_id=comment.id, reporter_id=actor.id, reason=reason[:500],
                         created_at=now or utcnow())
    db.session.add(item)
    db.session.commit()
    return item


def _resolve_reports(comment_id: int, now: datetime) -> None:
    for item in db.session.scalars(select(CommentReport).where(
            CommentReport.comment_id == comment_id, CommentReport.resolved_at.is_(None))):
        item.resolved_at = now


@use_case
def hide(actor, comment_id: int, reason: str, now: datetime | None = None) -> Comment:
    """Hide a comment; the reason stays visible in its place."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise refuse("moderation.reason", N_("Give a reason: it is shown in place of the comment."), "reason")
    begin_write()
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise refuse("comment.missing", N_("There is no such comment."))
    comment.hidden, comment.hidden_reason = True, reason[:500]
    comment.hidden_by_id, comment.hidden_at = actor.id, now
    _resolve_reports(comment.id, now)
    audit.record(actor, "comment.hide", f"comment:{comment.id}", {"reason": comment.hidden_reason})
    db.session.commit()
    return comment


@use_case
def restore(actor, comment_id: int, reason: str, now: datetime | None = None) -> Comment:
    """Show a hidden comment again, or keep a reported one: the reports are closed."""
    now = now or utcnow()
    begin_write()
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise refuse("comment.missing", N_("There is no such comment."))
    was_hidden = comment.hidden
    comment.hidden, comment.hidden_reason, comment.hidden_by_id, comment.hidden_at = False, None, None, None
    _resolve_reports(comment.id, now)
    audit.record(actor, "comment.restore" if was_hidden else "comment.keep", f"comment:{comment.id}",
                 {"reason": (reason or "").strip()[:500]})
    db.session.commit()
    return comment


def moderation_queue() -> list[tuple[Comment, int, list[str]]]:
    """Comments with open reports: (comment, how many reports, their reasons), most reported first."""
    rows = db.session.execute(
        select(CommentReport.comment_id, func.count())
        .where(CommentReport.resolved_at.is_(None)).group_by(CommentReport.comment_id)
        .order_by(func.count().desc(), CommentReport.comment_id)
    ).all()
    queue = []
    for comment_id, count in rows:
        reasons = list(db.session.scalars(select(CommentReport.reason).where(
            CommentReport.comment_id == comment_id, CommentReport.resolved_at.is_(None))))
        queue.append((db.session.get(Comment, comment_id), count, reasons))
    return queue


def hidden_comments(limit: int = 50) -> list[Comment]:
    return list(db.session.scalars(select(Comment).where(Comment.hidden)
                                   .order_by(Comment.hidden_at.desc()).limit(limit)))


def unanswered_questions(cycle_id: int | None = None) -> list[Comment]:
    stmt = (select(Comment).join(Proposal, Proposal.id == Comment.proposal_id)
            .where(Comment.is_question, Comment.answered_at.is_(None), Comment.hidden.is_(False)))
    if cycle_id:
        stmt = stmt.where(Proposal.cycle_id == cycle_id)
    return list(db.session.scalars(stmt.order_by(Comment.created_at)))


def open_report_count() -> int:
    return db.session.scalar(select(func.count(func.distinct(CommentReport.comment_id)))
                             .where(CommentReport.resolved_at.is_(None)))
