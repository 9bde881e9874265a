"""Every POST form of the site, fuzzed: a fixed list of XSS and malformed inputs, then
hypothesis-generated text, typed into its fields by the role that sees the form.

Forms are found the way a person finds them: by opening every page of the role × route
matrix (tests/web/matrix) as each role and reading the <form method="post"> elements there,
with their fields and default values. Then:

- no submission gets a server error (5xx);
- afterwards, no page shows injected markup: no <script> carrying the payloads, no
  `on…=` event attribute, no `hx-…` attribute from the input, no javascript: link.

Rate limits are off here (the fuzz sends many forms from one address); they have their own
tests. Payloads carry the marker MARK so injected markup is told apart from the site's own
(htmx attributes are part of the site's templates).
"""

from __future__ import annotations

import string
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROLES, csrf_token
from tests.web.matrix import MATRIX
from tests.web.matrix.common import FORBIDDEN, LOGIN, NOT_FOUND, OK

MARK = "zq7x"
XSS = [
    f"<script>alert('{MARK}')</script>",
    f"<SCRIPT SRC=//evil.example/{MARK}.js></SCRIPT>",
    f'"><script>alert("{MARK}")</script>',
    f"<img src=x onerror=alert('{MARK}')>",
    f'<a href="javascript:alert(\'{MARK}\')">{MARK} link</a>',
    f"[{MARK} link](javascript:alert(1))",
    f'<div hx-get="/{MARK}" hx-trigger="load">{MARK}</div>',
    f'<button hx-post="/logout?{MARK}" hx-on:click="alert(\'{MARK}\')">{MARK}</button>',
    f"<svg onload=alert('{MARK}')><script>alert('{MARK}')</script></svg>",
    f"<math><mtext><table><mglyph><style><img src=x onerror=alert('{MARK}')></style></mglyph></table></mtext></math>",
    f"<iframe srcdoc=\"<script>alert('{MARK}')</script>\"></iframe>",
    f"' onmouseover='alert(\"{MARK}\")' x='",
    f"{MARK} \udcff\udcfe broken \ufffd\x80 bytes \u202e reversed",
    f"{MARK} with a NUL \x00 inside",
    MARK + "A" * 20_000,
    f"  {MARK}  \r\n\t  ",
]
# Not fuzzed: they would end the session, change its language, or send staff to set up a
# second factor first (their forms hold no text to fuzz).
NOT_FORMS = {"auth.logout", "account.delete", "main.set_language", "admin.two_factor_requirement"}
ROLE_ORDER = ["youth", "council", "secretary", "admin", "anonymous"]
assert sorted(ROLE_ORDER) == sorted(ROLES)


@pytest.fixture
def app(make_app):
    return make_app(RATELIMIT_ENABLED=False)


class _Forms(HTMLParser):
    """The POST forms of a page: [(action, {name: (kind, value)})]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict]] = []
        self._fields: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action") or "", self._fields))
        if self._fields is None or not a.get("name"):
            if tag == "option" and self._select and self._fields is not None:
                kind, value = self._fields[self._select]
                if value is None or "selected" in a:
                    self._fields[self._select] = (kind, a.get("value", ""))
            return
        name, kind = a["name"], (a.get("type") or tag).lower()
        if kind in ("submit", "button", "reset", "image", "file"):
            return
        if kind in ("checkbox", "radio"):
            if "checked" in a or name not in self._fields:
                self._fields[name] = (kind, a.get("value", "on") if "checked" in a else None)
            return
        if tag == "select":
            self._select = name
            self._fields[name] = ("select", None)
            return
        self._fields[name] = (kind, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


PLAUSIBLE = {"text": "Plain words", "textarea": "Plain words for a longer text.", "search": "words",
             "number": "1", "date": "2031-05-04", "datetime-local": "2031-05-04T18:00", "time": "18:00",
             "email": "fuzz@example.org", "url": "https://example.org/", "tel": "+358 40 123 4567"}


def _filled(fields: dict) -> dict:
    """The form as its page offers it, with plausible values where a field is empty."""
    data = {}
    for name, (kind, value) in fields.items():
        if value is None:
            continue
        data[name] = value or PLAUSIBLE.get(kind, value)
    return data


def _path(url: str) -> str:
    return urlsplit(url).path


def _start_pages(world, role: str) -> list[str]:
    pages = []
    for (endpoint, method), (url, _form, expected) in MATRIX.items():
        if method == "GET" and expected[role] == OK and not endpoint.startswith("api."):
            try:
                pages.append(url.format(**world))
            except (KeyError, IndexError):
                continue
    return pages


def _crawl(client, world, role: str, limit: int = 120, per_route: int = 3):
    """The HTML pages this role reaches from the matrix's pages by following links: (url, html).
    A few pages per route are enough (the tenth proposal's page has the forms of the first)."""
    queue, seen, routes = _start_pages(world, role), set(), Counter()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or url.startswith(("/static", "/api/", "/logout")):
            continue
        seen.add(url)
        routes[_endpoint(client.application, url, "GET")] += 1
        if routes[_endpoint(client.application, url, "GET")] > per_route:
            continue
        response = client.get(url)
        if response.status_code != OK or "html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        yield url, html
        links = _Links()
        links.feed(html)
        for href in links.hrefs:
            target = urlsplit(urljoin(url, href))
            if not target.netloc and target.path not in seen:
                queue.append(target.path)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith(("#", "mailto:", "tel:", "http")):
            self.hrefs.append(href)


def _discover(app, clients, world) -> dict[str, tuple[str, dict]]:
    """{action path: (role, fields)} for every POST form on the pages each role reaches."""
    found: dict[str, tuple[str, dict]] = {}
    for role in ROLE_ORDER:
        for page_url, html in _crawl(clients[role], world, role):
            parser = _Forms()
            parser.feed(html)
            for action, fields in parser.forms:
                target = _path(urljoin(page_url, action or page_url))
                endpoint_of = _endpoint(app, target)
                if endpoint_of and endpoint_of not in NOT_FORMS and target not in found:
                    found[target] = (role, fields)
    return found


def _endpoint(app, path: str, method: str = "POST") -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method=method)
    except Exception:  # noqa: BLE001 (not a route of ours: not a form to fuzz)
        return None
    return endpoint


class _Injected(HTMLParser):
    """Markup on a page that came from the payloads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name.startswith("hx-") and MARK in value + name:
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data", "srcdoc") and (
                    value.strip().lower().startswith("javascript:") or name == "srcdoc"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            self._in_script = True
            if MARK in src or not src.startswith("/static/"):
                self.found.append(f"<script src={src!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data[:80]}")


_tokens: dict[int, str] = {}


def _post(client, action: str, data: dict):
    """Post with the session's CSRF token (read once per client; read again if refused)."""
    for _attempt in range(2):
        if id(client) not in _tokens:
            _tokens[id(client)] = csrf_token(client, "/")
        # Encoded here so lone surrogates reach the app as the invalid UTF-8 bytes they stand for.
        body = urlencode({name: value.encode("utf-8", "surrogateescape")
                          for name, value in {**data, "csrf_token": _tokens[id(client)]}.items()})
        response = client.post(action, data=body, content_type="application/x-www-form-urlencoded")
        if response.status_code != 400:
            return response
        _tokens.pop(id(client))
    return response


def _fallback_forms(app, world, found: dict) -> dict[str, tuple[str, dict]]:
    """POST routes whose form no page showed here (the records they need are not in the
    world): the matrix's URL and fields, sent by the first role that may use it."""
    covered = {_endpoint(app, action) for action in found}
    extra = {}
    for (endpoint, method), (url, form, expected) in MATRIX.items():
        if method != "POST" or endpoint in covered or endpoint in NOT_FORMS or endpoint.startswith("api."):
            continue
        role = next((r for r in ROLE_ORDER if expected[r] not in (FORBIDDEN, NOT_FOUND, LOGIN)), None)
        try:
            action = url.format(**world)
        except (KeyError, IndexError):
            continue
        if role is not None:
            extra[action] = (role, {name: ("text", value) for name, value in (form or {}).items()})
    return extra


def _pages_with_injections(clients, world) -> tuple[list[str], int]:
    """What injected markup the pages show, and how many pages show the payloads at all."""
    bad, showing = [], 0
    for role in ROLE_ORDER:
        for page_url, html in _crawl(clients[role], world, role):
            parser = _Injected()
            parser.feed(html)
            bad += [f"{role} {page_url}: {what}" for what in parser.found]
            showing += MARK in html
    return bad, showing


def test_no_form_fails_or_stores_markup(app, world, client_for):
    clients = {role: client_for(role) for role in ROLE_ORDER}
    _tokens.clear()
    # Sending each form once as offered creates records (a council person, a jury criterion,
    # a hidden comment, …) whose pages hold more forms: a second look finds them.
    forms: dict[str, tuple[str, dict]] = {}
    for _round in range(2):
        new = {a: f for a, f in _discover(app, clients, world).items() if a not in forms}
        for action, (role, fields) in sorted(new.items()):
            assert _post(clients[role], action, _filled(fields)).status_code < 500, (role, action)
        forms.update(new)
    by_endpoint = {}
    for action in sorted(forms):  # one form per route: /cycles/1/edit stands for every cycle's
        by_endpoint.setdefault(_endpoint(app, action), action)
    assert len(by_endpoint) >= 30, sorted(by_endpoint)  # the forms were found
    forms = {action: forms[action] for action in by_endpoint.values()}
    forms.update(_fallback_forms(app, world, forms))

    errors = []
    for action, (role, fields) in sorted(forms.items()):
        targets = [name for name in fields if name != "csrf_token"] or [None]
        for i, payload in enumerate(XSS):
            data = _filled(fields)
            name = targets[i % len(targets)]
            if name is not None:
                data[name] = payload
            response = _post(clients[role], action, data)
            if response.status_code >= 500:
                errors.append(f"{role} POST {action} {name}={payload[:60]!r}: {response.status_code}")
    assert not errors, "\n".join(errors)

    actions = sorted(forms)

    @settings(max_examples=40, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(which=st.integers(0, len(actions) - 1), field=st.integers(0, 50),
           text=st.text(st.characters(codec="utf-8") | st.sampled_from(string.printable + "<>\"'&=/"),
                        max_size=300))
    def random_text(which, field, text):
        action = actions[which]
        role, fields = forms[action]
        targets = [name for name in fields if name != "csrf_token"]
        data = _filled(fields)
        if targets:
            data[targets[field % len(targets)]] = text
        response = _post(clients[role], action, data)
        assert response.status_code < 500, (role, action, data)

    random_text()

    injected, showing = _pages_with_injections(clients, world)
    assert not injected, "\n".join(injected)
    assert showing >= 10, "the payloads were stored and shown (as text), so the check above saw them"


def test_the_markup_check_sees_what_it_looks_for():
    page = (f'<p>{MARK}</p><img src=x onerror="alert(1)"><div hx-get="/{MARK}"></div><a href=" JavaScript:x">'
            f'<script>alert(1)</script><script src="/static/app.js"></script><div hx-get="/fine"></div>')
    parser = _Injected()
    parser.feed(page)
    assert len(parser.found) == 5, parser.found  # the inline script counts twice: a tag without src, a body
    assert not [found for found in parser.found if "/fine" in found or "/static/" in found]


def test_a_nul_character_in_a_form_is_dropped_not_a_server_error(world, client_for):
    # PostgreSQL refuses U+0000 in text: it used to be a 500 there.
    client = client_for("youth")
    response = _post(client, f"/proposals/{world['proposal']}/comments", {"body": "Bright\x00 lamps, please"})
    assert response.status_code == 303
    assert "Bright lamps, please" in client.get(f"/proposals/{world['proposal']}").get_data(as_text=True)
