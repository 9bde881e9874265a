from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from feedgen.feed import FeedGenerator
from flask import Response, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from ypb.models.base import utcnow
from ypb.permissions import require
from ypb.services import news
from ypb.web.i18n import format_when
from ypb.web.news import bp


@dataclass(frozen=True)
class Shown:
    """A news item in the reader's language, with its link."""

    id: str
    at: datetime
    title: str
    summary: str
    excerpt: str
    href: str


def _value(value):
    if isinstance(value, datetime):  # before date: a datetime is also a date
        return format_when(value)
    if isinstance(value, date):
        return format_date(value, "long")
    return value


def entry_id(key: str) -> str:
    """A URN that stays the same for the same event on this site, request after request."""
    host = request.host.split(":", 1)[0].lower()
    return uuid.uuid5(uuid.NAMESPACE_URL, f"ypb://{host}/news/{key}").urn


def shown(item: news.NewsItem, *, external: bool = False) -> Shown:
    params = {k: _value(v) for k, v in item.params.items()}
    return Shown(
        id=entry_id(item.key), at=item.at, title=_(item.title, **params),
        summary=_(item.summary, **params) if item.summary else "", excerpt=item.excerpt,
        href=url_for(item.endpoint, **item.args, _external=external),
    )


@bp.get("/news")
@require("site.read")
def index():
    items = [shown(item) for item in news.latest()]
    return render_template("news/index.html", items=items, limit=news.LIMIT)


@bp.get("/news.atom")
@require("site.read")
def feed():
    items = [shown(item, external=True) for item in news.latest()]
    name = news.publisher()
    feed = FeedGenerator()
    feed.id(entry_id("feed"))
    feed.title(_("News from the youth budget of %(name)s", name=name) if name else _("News from the youth budget"))
    feed.subtitle(_("Budget rounds, review decisions, results, council decisions and funded projects."))
    feed.author({"name": name or _("Youth budget")})
    feed.link(href=url_for("news.index", _external=True), rel="alternate", type="text/html")
    feed.link(href=url_for("news.feed", _external=True), rel="self", type="application/atom+xml")
    feed.language(str(get_locale()))
    # With no news yet the feed still needs a time; "now" is true for an empty feed.
    feed.updated(items[0].at if items else utcnow())
    for item in items:
        entry = feed.add_entry(order="append")
        entry.id(item.id)
        entry.title(item.title)
        entry.updated(item.at)
        entry.published(item.at)
        entry.link(href=item.href, rel="alternate", type="text/html")
        text = " ".join(part for part in (item.summary, item.excerpt) if part)
        if text:
            entry.summary(text)
    response = Response(feed.atom_str(pretty=True), content_type="application/atom+xml; charset=utf-8")
    # The feed is in the reader's language: caches must keep one copy per language.
    response.vary.update(("Accept-Language", "Cookie"))
    return response
