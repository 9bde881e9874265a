"""E-mail copies of in-app notifications, only when the site has an SMTP server configured.

Nothing here is ever required: with YPB_SMTP_HOST or YPB_MAIL_FROM unset no mail is composed
and nothing fails. When they are set:

- `notifications.notify` also queues the notification on the session (`queue_notification`);
- just before the commit, the queued ones are written as mails, one per recipient who has an
  e-mail address and has not turned e-mail off, in that person's language, with a link to the
  item and a line on how to stop them (the database can still be read then, afterwards not);
- only after a successful commit are they sent, best effort and with a short timeout: a mail
  server that is down is logged and never breaks the request or the in-app notification;
- a rollback drops them: nobody gets mail about something that did not happen.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, has_app_context, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ypb.database import begin_write
from ypb.extensions import db
from ypb.models import User
from ypb.services import audit, use_case

log = logging.getLogger(__name__)

PENDING = "ypb_mail_pending"  # notifications queued in this transaction
OUTBOX = "ypb_mail_outbox"  # mails written at commit time, sent once the commit has succeeded
SUBJECT_MAX = 150


@dataclass(frozen=True)
class Pending:
    user_id: int
    kind: str
    proposal_id: int | None
    params: dict


def enabled() -> bool:
    config = current_app.config
    return bool(config.get("YPB_SMTP_HOST") and config.get("YPB_MAIL_FROM"))


def queue_notification(user_id: int, kind: str, proposal_id: int | None, params: dict) -> None:
    """Remember a notification for e-mail; called by `notifications.notify` in the transaction."""
    if not has_app_context() or not enabled():
        return
    db.session.info.setdefault(PENDING, []).append(Pending(user_id, kind, proposal_id, dict(params)))


@use_case
def set_preference(user_id: int, wanted: bool) -> User:
    """Turn e-mail copies of one's notifications on or off."""
    begin_write()
    user = db.session.get(User, user_id)
    if user.email_notifications != wanted:
        user.email_notifications = wanted
        audit.record(user, "account.email_notifications", f"user:{user.id}", {"on": wanted})
    db.session.commit()
    return user


# --- writing the mails ----------------------------------------------------------------------


def _language(user: User) -> str:
    languages = current_app.config["YPB_LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _compose(user: User, item: Pending) -> EmailMessage:
    from ypb.services import notifications

    with force_locale(_language(user)):
        text = notifications.sentence(item.kind, item.params)
        href = notifications.link(item.kind, item.proposal_id, external=True)
        account = url_for("account.profile", _external=True)
        lines = [_("Hello %(name)s,", name=user.display_name), "", text, ""]
        if href:
            lines += [_("Read more: %(link)s", link=href), ""]
        lines += ["-- ",
                  _("You get this e-mail because e-mail notifications are on for your account. "
                    "To stop them, untick “%(option)s” on your account page: %(link)s",
                    option=_("Also send my notifications by e-mail"), link=account)]
        subject = text if len(text) <= SUBJECT_MAX else text[:SUBJECT_MAX - 1] + "…"
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["YPB_MAIL_FROM"]
    message["To"] = user.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["YPB_MAIL_FROM"].rpartition("@")[2] or None)
    # RFC 3834: tells mail servers not to send vacation replies to a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(lines))
    return message


def _write(session: Session, pending: list[Pending]) -> list[EmailMessage]:
    ids = {p.user_id for p in pending}
    users = {u.id: u for u in session.scalars(select(User).where(
        User.id.in_(ids), User.active, User.email.is_not(None), User.email != "", User.email_notifications))}
    wanted = [p for p in pending if p.user_id in users]
    if not wanted:
        return []
    if has_request_context():
        return [_compose(users[p.user_id], p) for p in wanted]
    # No request (the CLI, a cron job): links start with the configured address.
    base = current_app.config.get("YPB_BASE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base):
        return [_compose(users[p.user_id], p) for p in wanted]


def send(messages: list[EmailMessage]) -> int:
    """Send over one SMTP connection; returns how many went out. Never raises."""
    config = current_app.config
    sent = 0
    try:
        with smtplib.SMTP(config["YPB_SMTP_HOST"], int(config["YPB_SMTP_PORT"]),
                          timeout=float(config["YPB_SMTP_TIMEOUT"])) as smtp:
            if config["YPB_SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config.get("YPB_SMTP_USER"):
                smtp.login(config["YPB_SMTP_USER"], config.get("YPB_SMTP_PASSWORD") or "")
            for message in messages:
                try:
                    smtp.send_message(message)
                    sent += 1
                except smtplib.SMTPException:
                    # One refused address must not stop the others.
                    log.warning("e-mail notification to %s was refused", message["To"], exc_info=True)
    except (OSError, smtplib.SMTPException):
        log.warning("could not send %s e-mail notification(s)", len(messages) - sent, exc_info=True)
    return sent


# --- the transaction's events -----------------------------------------------------------------


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.get(PENDING):
        return
    pending = session.info.pop(PENDING)
    try:
        messages = _write(session, pending)
    except Exception:
        # Writing a mail must never stop the commit of what the mail is about.
        log.exception("could not write e-mail notifications")
        return
    if messages:
        session.info.setdefault(OUTBOX, []).extend(messages)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    messages = session.info.pop(OUTBOX, None)
    if messages and has_app_context():
        send(messages)


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint: the outer transaction may still commit
    session.info.pop(PENDING, None)
    session.info.pop(OUTBOX, None)
