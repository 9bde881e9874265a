"""`?page=&per_page=` on list endpoints, and the envelope every list answers with."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import gettext as _

from ypb.web.api.errors import InvalidParameter

DEFAULT_PER_PAGE, MAX_PER_PAGE = 50, 200
# 200 million items at the largest page size: far beyond any town, and keeps the number small.
MAX_PAGE = 1_000_000
_WHOLE = re.compile(r"[0-9]{1,9}")  # ASCII digits only: int() would also take "٣" or " 3"


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _whole_number(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _WHOLE.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise InvalidParameter(_("The parameter %(name)s must be a whole number from 1 to %(max)s.",
                                 name=name, max=maximum))
    return int(raw)


def requested() -> Paging:
    """The page the request asks for; InvalidParameter (400) for anything unusable."""
    return Paging(_whole_number("page", 1, MAX_PAGE), _whole_number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE))


def envelope(items: list[dict], paging: Paging, total: int) -> dict:
    """{"items", "page", "per_page", "total", "next", "prev"}; next/prev are links or null."""

    def link(page: int) -> str:
        return url_for(request.endpoint, **request.view_args, page=page, per_page=paging.per_page)

    last = max(1, -(-total // paging.per_page))
    return {
        "items": items,
        "page": paging.page,
        "per_page": paging.per_page,
        "total": total,
        "next": link(paging.page + 1) if paging.page < last else None,
        # Past the end, "prev" leads back to the last page that has items.
        "prev": link(min(paging.page - 1, last)) if paging.page > 1 else None,
    }
