"""User-authored rich text: Markdown -> safe HTML, plain text -> safe HTML,
and Markdown -> short plain-text summaries.

This module owns the single answer to "what HTML may a resident put on our
pages" (proposal descriptions, comments, other free-text fields).  Every
function returns a plain ``str``; the web layer decides whether to wrap it in
``markupsafe.Markup``:

* ``render_markdown`` / ``render_plain`` return sanitised HTML -> safe to
  wrap in ``Markup``.
* ``summary_text`` returns *plain text, not HTML* -> must be autoescaped by
  the template like any other string (never wrap it in ``Markup``).

Pipeline for Markdown: markdown-it-py (CommonMark, raw HTML disabled) renders,
then nh3 sanitises with a strict allow-list.  The sanitiser runs on every
output because the renderer is not a security boundary (defence in depth).

Policy decisions (documented here so templates/CSS can rely on them):

* Headings are demoted by two levels (``#`` -> h3, ``##`` -> h4, ``###`` ->
  h5, deeper -> h6) so user content can never outrank the page's own h1/h2.
  Relative levels are preserved.
* Markdown images are never rendered as ``<img>`` (mobile bandwidth, tracking
  pixels); ``![alt](url)`` becomes an ordinary link labelled with the alt text
  (or the URL), which then goes through the same link rules.
* Links keep only ``href``; only absolute ``http``, ``https`` and ``mailto``
  URLs survive (relative URLs such as ``/admin`` or ``#x`` are dropped too),
  ``rel="nofollow noopener ugc"`` is forced and ``target`` is removed.
* Strikethrough (``~~x~~``) is emitted as ``<del>``; tables are supported but
  column alignment (an inline ``style``) is dropped with all other styling.
* Bare URLs are not auto-linked (that needs linkify-it-py, not a dependency).

Pure domain code: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

__all__ = ["render_markdown", "render_plain", "summary_text"]

_ELLIPSIS = "…"

# The only tags that may leave this module.  h1/h2 are absent on purpose:
# the renderer demotes headings, and anything else claiming h1/h2 is dropped.
_ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr",
        "strong", "em", "del", "code", "pre", "blockquote",
        "ul", "ol", "li",
        "h3", "h4", "h5", "h6",
        "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

# Tags whose *content* is dropped as well (script bodies, CSS, embedded
# documents).  Other disallowed tags are unwrapped and keep their text.
_CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame",
        "frameset", "object", "embed", "applet", "svg", "math", "textarea",
        "title", "xmp", "noembed", "noframes", "select", "option",
    }
)  # fmt: skip

_LINK_REL = "nofollow noopener ugc"

# Allow-list, not deny-list: ``data-*``, ``hx-*``, ``on*``, ``style``,
# ``class``, ``id``, ``target`` are all absent, and no generic attribute
# prefixes are allowed.  ``rel`` is set by nh3 itself (``link_rel``).
_CLEANER = nh3.Cleaner(
    tags=set(_ALLOWED_TAGS),
    clean_content_tags=set(_CLEAN_CONTENT_TAGS),
    # "*" must be given explicitly, else nh3 keeps its default generic
    # attributes (lang, title).
    attributes={"*": set(), "a": {"href"}},
    url_schemes={"http", "https", "mailto"},
    # Relative URLs carry no scheme nh3 can check; we have no use for them in
    # user content and "jav%09ascript:"-style leftovers parse as relative.
    url_relative="deny",
    link_rel=_LINK_REL,
    strip_comments=True,
)

# C0 controls (minus tab/newline/CR) and DEL never belong in user text and
# some browsers ignore them inside URLs, which helps obfuscation.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE_RUN = re.compile(r"\s+")


def _render_image_as_link(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    # Images would load third-party content on every view; render a link the
    # reader may choose to follow.  nh3 still vets the URL afterwards.
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    label = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}">{escapeHtml(label)}</a>'


def _sanitise_html(fragment: str) -> str:
    """Run an HTML fragment through the allow-list (the security boundary).

    Links whose URL is rejected keep their text inside an inert ``<a>`` with
    no ``href`` (not focusable, not clickable).
    """
    return _CLEANER.clean(fragment).strip()


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # Both rules ship with markdown-it-py itself (no extra plugin package).
    md.enable(["strikethrough", "table"])
    md.add_render_rule("image", _render_image_as_link)
    return md


# Built once: configuration is read-only after construction, and every
# render creates its own parser state, so sharing it across threads is fine.
_MD = _build_markdown()


def _demote_and_normalise(tokens: list[Token]) -> None:
    """Shift heading levels down by two and turn ``<s>`` into ``<del>``."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1])
            token.tag = f"h{min(level + 2, 6)}"
        elif token.type in ("s_open", "s_close"):
            token.tag = "del"
        if token.children:
            _demote_and_normalise(token.children)


def _prepare(text: str | None) -> str:
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_CHARS.sub("", text)
    return text if text.strip() else ""


def render_markdown(text: str) -> str:
    """Render user Markdown to sanitised HTML (``""`` for blank input)."""
    text = _prepare(text)
    if not text:
        return ""
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    _demote_and_normalise(tokens)
    rendered = _MD.renderer.render(tokens, _MD.options, env)
    return _sanitise_html(rendered)


def render_plain(text: str) -> str:
    """Escape plain text for HTML, keeping line breaks as ``<br>``.

    No Markdown, no links.  Outer blank lines/whitespace are trimmed.
    """
    text = _prepare(text).strip()
    if not text:
        return ""
    return "<br>\n".join(html.escape(line, quote=True) for line in text.split("\n"))


def _collect_text(tokens: Sequence[Token], parts: list[str]) -> None:
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            # Alt text lives in the children; fall through to them.
            pass
        elif token.type in ("code_block", "fence"):
            parts.append(f" {token.content} ")
        elif token.block and token.type != "inline":
            # Paragraph/list/heading edges must not glue words together
            # (inline markup such as ** or links must, hence ``block``).
            parts.append(" ")
        if token.children:
            _collect_text(token.children, parts)


def summary_text(text: str, limit: int = 200) -> str:
    """Markdown reduced to one line of plain text, at most ``limit`` chars.

    Returns PLAIN TEXT (entities decoded, e.g. ``&amp;`` -> ``&``): the caller
    must HTML-escape it (Jinja autoescape does).  If the text is too long it is
    cut at the last word boundary and "…" is appended; the ellipsis counts
    towards ``limit``.  A single word longer than the budget is hard-cut.
    """
    if limit < 1:
        raise ValueError("limit must be >= 1")
    text = _prepare(text)
    if not text:
        return ""
    parts: list[str] = []
    _collect_text(_MD.parse(text, {}), parts)
    plain = _WHITESPACE_RUN.sub(" ", "".join(parts)).strip()
    if len(plain) <= limit:
        return plain
    budget = limit - len(_ELLIPSIS)
    head = plain[: budget + 1]  # one extra char tells us if we end on a word edge
    if head[-1:] == " ":
        cut = head[:-1]
    else:
        space = head.rfind(" ")
        cut = head[:space] if space > 0 else head[:budget]
    cut = cut.rstrip(" ,;:.-–—")
    return f"{cut}{_ELLIPSIS}"
