"""E-mail copies of notifications (ypb.services.mail): only with SMTP configured, only after the
commit, never after a rollback, never to who turned them off, in the reader's language, and a
mail server that fails breaks nothing."""

from __future__ import annotations

import logging
import smtplib

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from tests.conftest import make_user
from tests.services import count, new_cycle, submitted, user
from ypb.database import begin_write
from ypb.domain.cycle import Phase
from ypb.extensions import babel, db
from ypb.models import Notification, User
from ypb.services import Refused, comments, mail, notifications

SMTP = {"YPB_SMTP_HOST": "smtp.town.test", "YPB_SMTP_PORT": 2525, "YPB_MAIL_FROM": "youth@town.test",
        "YPB_SMTP_USER": "mailer", "YPB_SMTP_PASSWORD": "secret", "YPB_SMTP_STARTTLS": True}
COMMENTED = "Friend commented on your proposal “Skate park lights”."


class Recorder:
    """Stands in for smtplib.SMTP and remembers every connection and message."""

    def __init__(self):
        self.connections: list[dict] = []
        self.messages = []
        self.fail_connect: Exception | None = None
        self.refuse: set[str] = set()

    def factory(self, host, port, timeout=None):
        if self.fail_connect is not None:
            raise self.fail_connect
        recorder = self
        connection = {"host": host, "port": port, "timeout": timeout, "starttls": False, "login": None}
        self.connections.append(connection)

        class Connection:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def starttls(self, context=None):
                connection["starttls"] = True

            def login(self, name, password):
                connection["login"] = (name, password)

            def send_message(self, message):
                if message["To"] in recorder.refuse:
                    raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
                recorder.messages.append(message)

        return Connection()


@pytest.fixture
def outbox(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(smtplib, "SMTP", recorder.factory)
    return recorder


@pytest.fixture(autouse=True)
def fresh_translations():
    """Flask-Babel keeps loaded catalogues for the whole process (ypb.extensions.babel is
    shared by every app): start without them, and leave none of this module's behind."""
    babel.domain_instance.cache.clear()
    yield
    babel.domain_instance.cache.clear()


def _swedish(tmp_path) -> str:
    """A tiny Swedish catalogue, so the test does not depend on the project's translations."""
    catalog = Catalog(locale="sv")
    catalog.add("%(who)s commented on your proposal “%(title)s”.",
                "%(who)s kommenterade ditt förslag ”%(title)s”.")
    catalog.add("Hello %(name)s,", "Hej %(name)s,")
    folder = tmp_path / "i18n" / "sv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as fh:
        write_mo(fh, catalog)
    return str(tmp_path / "i18n")


def build(make_app, tmp_path, settings: dict):
    """An app, an author with an e-mail address, a friend who comments, and the author's
    submitted proposal; returns (app, ids)."""
    app = make_app(**settings, YPB_LANGUAGES=("en", "sv"), BABEL_TRANSLATION_DIRECTORIES=_swedish(tmp_path))
    ids = {
        "secretary": make_user(app, "secretary-user", "secretary"),
        "author": make_user(app, "author", email="author@example.org"),
        "friend": make_user(app, "friend", email="friend@example.org"),
    }
    with app.app_context():
        ids["cycle"] = new_cycle(ids["secretary"], Phase.PROPOSALS)
        ids["proposal"] = submitted(ids["author"], ids["cycle"])
    return app, ids


@pytest.fixture
def world(make_app, tmp_path):
    app, ids = build(make_app, tmp_path, SMTP)
    with app.app_context():
        yield app, ids


@pytest.fixture
def world_without_smtp(make_app, tmp_path):
    app, ids = build(make_app, tmp_path, {})
    with app.app_context():
        yield app, ids


def comment(ids, body="Great idea!"):
    return comments.add(user(ids["friend"]), ids["proposal"], body)


def test_without_smtp_settings_nothing_is_sent_and_nothing_fails(world_without_smtp, outbox):
    app, ids = world_without_smtp
    assert not mail.enabled()
    comment(ids)
    assert outbox.connections == [] and outbox.messages == []
    assert count(Notification, Notification.user_id == ids["author"]) == 1


def test_a_comment_is_mailed_to_the_author_after_the_commit(world, outbox):
    app, ids = world
    comment(ids)
    (message,) = outbox.messages
    assert message["To"] == "author@example.org"
    assert message["From"] == "youth@town.test"
    assert message["Subject"] == COMMENTED
    body = message.get_content()
    # The same sentence as on the notifications page, a link to the proposal, and how to stop.
    (stored,) = notifications.for_user(ids["author"])
    with app.test_request_context():
        assert notifications.sentence(stored.kind, stored.params) == COMMENTED
    assert COMMENTED in body
    assert f"http://localhost/proposals/{ids['proposal']}" in body
    assert "http://localhost/account/" in body and "untick" in body
    (connection,) = outbox.connections
    assert connection["host"] == "smtp.town.test" and connection["port"] == 2525
    assert connection["starttls"] and connection["login"] == ("mailer", "secret")
    assert 0 < connection["timeout"] <= 30


def test_nothing_is_sent_before_the_commit(world, outbox):
    app, ids = world
    notifications.notify(ids["author"], "comment", proposal_id=ids["proposal"], actor_id=ids["friend"],
                         title="Skate park lights", who="Friend")
    db.session.flush()
    assert outbox.messages == []
    db.session.commit()
    assert [m["To"] for m in outbox.messages] == ["author@example.org"]


def test_a_rolled_back_notification_is_never_mailed(world, outbox):
    app, ids = world
    notifications.notify(ids["author"], "comment", proposal_id=ids["proposal"], actor_id=ids["friend"],
                         title="Skate park lights", who="Friend")
    db.session.rollback()
    # A later, unrelated commit must not send what was rolled back.
    db.session.get(User, ids["friend"]).display_name = "Friend Two"
    db.session.commit()
    assert outbox.messages == []
    assert count(Notification) == 0


def test_a_savepoint_neither_sends_early_nor_drops_the_mail(world, outbox):
    app, ids = world
    begin_write()
    notifications.notify(ids["author"], "comment", proposal_id=ids["proposal"], actor_id=ids["friend"],
                         title="Skate park lights", who="Friend")
    with db.session.begin_nested():
        pass  # a savepoint that is released
    assert outbox.messages == []
    db.session.begin_nested().rollback()  # and one that is rolled back
    db.session.commit()
    assert [m["To"] for m in outbox.messages] == ["author@example.org"]


def test_a_refused_use_case_sends_nothing(world, outbox):
    app, ids = world
    with pytest.raises(Refused):
        comments.add(user(ids["friend"]), ids["proposal"] + 999, "Great idea!")
    comment(ids, body="Now a real one")
    assert len(outbox.messages) == 1


def test_who_turned_email_off_gets_none_but_keeps_the_notification(world, outbox):
    app, ids = world
    mail.set_preference(ids["author"], False)
    assert db.session.get(User, ids["author"]).email_notifications is False
    comment(ids)
    assert outbox.messages == []
    assert count(Notification, Notification.user_id == ids["author"]) == 1
    mail.set_preference(ids["author"], True)
    comment(ids, body="Again")
    assert len(outbox.messages) == 1


def test_an_account_without_email_gets_no_mail(make_app, outbox):
    app = make_app(**SMTP)
    secretary = make_user(app, "secretary-user", "secretary")
    author = make_user(app, "author")  # no e-mail address
    friend = make_user(app, "friend")
    with app.app_context():
        proposal = submitted(author, new_cycle(secretary, Phase.PROPOSALS))
        comments.add(user(friend), proposal, "Nice")
        assert outbox.messages == []
        assert count(Notification, Notification.user_id == author) == 1


def test_the_mail_is_in_the_recipients_language(world, outbox):
    app, ids = world
    db.session.get(User, ids["author"]).locale = "sv"
    db.session.commit()
    comment(ids)
    (message,) = outbox.messages
    assert message["Subject"] == "Friend kommenterade ditt förslag ”Skate park lights”."
    assert message.get_content().startswith("Hej Author,")


def test_a_mail_server_that_is_down_breaks_nothing(world, outbox, caplog):
    app, ids = world
    outbox.fail_connect = ConnectionRefusedError("connection refused")
    with caplog.at_level(logging.WARNING, logger="ypb.services.mail"):
        made = comment(ids)
    assert made.id is not None
    assert count(Notification, Notification.user_id == ids["author"]) == 1
    assert "could not send" in caplog.text


def test_one_refused_address_does_not_stop_the_others(world, outbox):
    app, ids = world
    other = make_user(app, "other", email="other@example.org")
    outbox.refuse = {"author@example.org"}
    begin_write()  # as a use-case does
    for uid in (ids["author"], other):
        notifications.notify(uid, "comment", proposal_id=ids["proposal"], actor_id=ids["friend"],
                             title="Skate park lights", who="Friend")
    db.session.commit()
    assert [m["To"] for m in outbox.messages] == ["other@example.org"]
    assert count(Notification) == 2


def test_a_comment_posted_on_the_site_is_mailed_and_the_page_still_works(make_app, tmp_path, outbox):
    from tests.conftest import post_form, sign_in

    app, ids = build(make_app, tmp_path, SMTP)
    client = app.test_client()
    sign_in(client, "friend")
    url = f"/proposals/{ids['proposal']}"
    response = post_form(client, f"{url}/comments", {"body": "Love it"}, token_from=url)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[-3000:]
    assert [m["To"] for m in outbox.messages] == ["author@example.org"]
    outbox.fail_connect = TimeoutError("timed out")
    response = post_form(client, f"{url}/comments", {"body": "Still love it"}, token_from=url)
    assert response.status_code in (302, 303)
    with app.app_context():
        assert count(Notification, Notification.user_id == ids["author"]) == 2
