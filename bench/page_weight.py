"""How heavy the ballot page is, and how soon it can be used on a slow phone connection.

Builds a throwaway app on a temporary SQLite file with a cycle in voting (40 approved projects
with titles, summaries and markdown descriptions of realistic length, on a knapsack ballot),
serves it on a loopback port, signs a voter in, and opens the ballot in Debian's Chromium through
Playwright with an empty cache, phone-sized, with JavaScript on and then off. For each run it prints:

- every request the page made, its status, encoding, bytes on the wire (CDP encodedDataLength:
  compressed body plus headers) and decoded size;
- the totals, against the budget: at most 60 KB transferred (1 KB = 1000 bytes), 12 requests;
- times under Chromium's network emulation (400 kbit/s down and up, 400 ms latency): first
  paint, DOMContentLoaded, load, when the page is interactive (checkboxes painted and, with
  JavaScript, htmx ready: defer scripts run before DOMContentLoaded), and how long a first tick
  takes to update the running total (with JavaScript: one round trip to the server);
- a second load in the same browser (warm cache): it should be one request, the page itself.

Run from the repository root:

    .venv/bin/python bench/page_weight.py            # --projects 40 --seed 7 --no-throttle
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.voting_cycle import PASSWORD, make_voting_cycle  # noqa: E402
from ypb import create_app  # noqa: E402
from ypb.config import TestConfig  # noqa: E402
from ypb.extensions import db  # noqa: E402

CHROMIUM = Path(os.environ.get("YPB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
MAX_BYTES, MAX_REQUESTS, MAX_INTERACTIVE_MS = 60_000, 12, 3000
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# --- content ---------------------------------------------------------------------------------

class Words:
    """Made-up words used with a Zipf-like frequency, so the text compresses about as well as
    real prose does (a small vocabulary would compress far better and flatter the page)."""

    def __init__(self, rng: random.Random, size: int = 2000):
        syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["ing", "er", "an", "ol", "is"]
        self.rng = rng
        self.vocab = ["".join(rng.choices(syllables, k=rng.choice((1, 2, 2, 3, 3, 4)))) for _ in range(size)]
        self.weights = [1 / rank for rank in range(1, size + 1)]

    def sentence(self, low: int = 6, high: int = 16) -> str:
        words = self.rng.choices(self.vocab, self.weights, k=self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def text(self, limit: int) -> str:
        out = self.sentence()
        while len(out) < limit * 0.7:
            out += " " + self.sentence()
        return out[:limit]


def make_cycle(app, projects: int, rng: random.Random) -> int:
    """A cycle in voting with `projects` approved projects of realistic length, and a voter."""
    from ypb.services import accounts
    from ypb.services.proposals import ProposalInput

    words = Words(rng)

    def proposals_for(categories: list[int]) -> list[ProposalInput]:
        made = []
        for _ in range(projects):
            cost = rng.randrange(100_000, 1_000_000, 10_000)
            description = "\n\n".join([words.text(rng.randint(200, 400)),
                                       "\n".join(f"- {words.sentence(3, 7)}" for _ in range(rng.randint(2, 4))),
                                       words.text(rng.randint(100, 300))])
            made.append(ProposalInput(
                title=words.sentence(2, 6)[:-1], summary=words.text(rng.randint(120, 260)),
                description=description, estimated_cost=cost, category_id=rng.choice(categories)))
        return made

    with app.app_context():
        cycle_id, _costs = make_voting_cycle("Youth budget 2027", "Ideas for our town.",
                                             ["Sport", "Culture", "Nature", "School"], proposals_for)
        accounts.create_account(username="bench-voter", display_name="Voter", password=PASSWORD,
                                birth_year=2009, resident=True, actor="bench")
    return cycle_id


# --- measuring ---------------------------------------------------------------------------------

@dataclass
class Resource:
    url: str
    kind: str = ""
    status: int = 0
    encoding: str = ""
    cache_control: str = ""
    wire: int = 0  # bytes on the wire: headers and (compressed) body
    decoded: int = 0  # body after decoding
    cached: bool = False  # served from the browser's cache without a request
    failed: str = ""  # why the browser gave up on it (e.g. cancelled)


@dataclass
class Load:
    resources: dict[str, Resource] = field(default_factory=dict)

    def watch(self, cdp) -> None:
        def sent(e):
            self.resources.setdefault(e["requestId"], Resource(e["request"]["url"], e.get("type", "")))

        def received(e):
            r = self.resources.setdefault(e["requestId"], Resource(e["response"]["url"]))
            resp = e["response"]
            headers = {k.lower(): v for k, v in resp.get("headers", {}).items()}
            r.kind, r.status = e.get("type", r.kind), resp["status"]
            r.encoding = headers.get("content-encoding", "")
            r.cache_control = headers.get("cache-control", "")
            r.cached = r.cached or bool(resp.get("fromDiskCache") or resp.get("fromPrefetchCache"))

        def data(e):
            if e["requestId"] in self.resources:
                self.resources[e["requestId"]].decoded += e["dataLength"]

        def finished(e):
            if e["requestId"] in self.resources:
                self.resources[e["requestId"]].wire = int(e["encodedDataLength"])

        def served_from_cache(e):
            if e["requestId"] in self.resources:
                self.resources[e["requestId"]].cached = True

        def failed(e):
            if e["requestId"] in self.resources:
                self.resources[e["requestId"]].failed = e.get("errorText") or "failed"

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.responseReceived", received)
        cdp.on("Network.dataReceived", data)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.requestServedFromCache", served_from_cache)
        cdp.on("Network.loadingFailed", failed)

    def freeze(self) -> Load:
        """The requests made so far; later ones (a tick's round trip) are not the page load's."""
        return Load(dict(self.resources))

    def settle(self, page, limit_ms: int = 3000) -> None:
        """Wait until every request has an answer (the icon is fetched after the load event)."""
        page.wait_for_timeout(300)
        waited = 300
        while waited < limit_ms and any(not r.status and not r.failed for r in self.resources.values()):
            page.wait_for_timeout(100)
            waited += 100

    @property
    def fetched(self) -> list[Resource]:
        """What went over the network (not answered by the browser's cache)."""
        return [r for r in self.resources.values()
                if not r.cached and not r.failed and not r.url.startswith("data:")]


def print_load(label: str, load: Load, times: dict[str, float] | None, budgets: bool = True) -> bool:
    fetched = load.fetched
    wire = sum(r.wire for r in fetched)
    decoded = sum(r.decoded for r in fetched)
    print(f"\n== {label}")
    print(f"   {'resource':<46} {'status':>6} {'encoding':>8} {'wire B':>8} {'decoded B':>9}  cache-control")
    for r in sorted(load.resources.values(), key=lambda r: -r.wire):
        path = urlsplit(r.url).path
        note = " (from cache)" if r.cached else f" ({r.failed})" if r.failed else ""
        print(f"   {path[:46]:<46} {r.status:>6} {r.encoding or '-':>8} {r.wire:>8} {r.decoded:>9}  "
              f"{r.cache_control}{note}")
    print(f"   requests {len(fetched)}, transferred {wire / 1000:.1f} KB ({wire} bytes), "
          f"decoded {decoded / 1000:.1f} KB")
    ok = True
    if budgets:
        ok = len(fetched) <= MAX_REQUESTS and wire <= MAX_BYTES
        print(f"   budget: <= {MAX_REQUESTS} requests, <= {MAX_BYTES / 1000:.0f} KB: {'OK' if ok else 'OVER'}")
    if times:
        for name, value in times.items():
            print(f"   {name:<42} {value:7.0f} ms")
        if "interactive" in times:
            fast = times["interactive"] < MAX_INTERACTIVE_MS
            print(f"   budget: interactive < {MAX_INTERACTIVE_MS} ms: {'OK' if fast else 'OVER'}")
            ok = ok and fast
    return ok


NAV_TIMES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {response: nav.responseEnd, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          fcp: paint ? paint.startTime : null};
}"""


def open_ballot(browser, base: str, ballot: str, js: bool, throttle: bool) -> bool:
    """Sign in outside the page (no cache filled), then load the ballot twice: cold and warm."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1,
                                  java_script_enabled=js)
    # Signing in through the API request context shares the cookies, not the HTTP cache.
    login = context.request.get(base + "/login").text()
    token = CSRF_RE.search(login).group(1)
    signed = context.request.post(base + "/login", form={"login": "bench-voter", "password": PASSWORD,
                                                         "csrf_token": token}, max_redirects=0)
    assert signed.status == 302, f"sign-in failed: {signed.status}"

    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttle:
        cdp.send("Network.emulateNetworkConditions", SLOW)
    cold = Load()
    cold.watch(cdp)
    page.goto(base + ballot, wait_until="load")
    cold.settle(page)  # late requests (the icon, a lazy script) count too
    nav = page.evaluate(NAV_TIMES) if js else None
    cold = cold.freeze()
    times: dict[str, float] = {}
    first = page.locator(".ballot-pick input[type=checkbox]").first
    if js:
        interactive = max(nav["dcl"], nav["fcp"] or 0)
        times = {"first contentful paint": nav["fcp"] or 0, "DOMContentLoaded (htmx ready)": nav["dcl"],
                 "load": nav["load"], "interactive": interactive}
        total = page.locator("#ballot-total").inner_text()
        started = time.perf_counter()
        first.check()
        page.wait_for_function("t => document.querySelector('#ballot-total').innerText !== t", arg=total)
        times["first tick -> total updated (after interactive)"] = (time.perf_counter() - started) * 1000
    else:
        # Without JavaScript the page cannot report its own timings: time a fresh load from
        # outside instead, until the first checkbox can be ticked (painted, CSS applied).
        again = context.new_page()
        cdp2 = context.new_cdp_session(again)
        cdp2.send("Network.enable")
        cdp2.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if throttle:
            cdp2.send("Network.emulateNetworkConditions", SLOW)
        started = time.perf_counter()
        again.goto(base + ballot, wait_until="commit")
        again.locator(".ballot-pick input[type=checkbox]").first.check()
        times["interactive (first box ticked, from outside)"] = (time.perf_counter() - started) * 1000
        times["interactive"] = times["interactive (first box ticked, from outside)"]
        again.close()
        first.check()
    assert first.is_checked()
    mode = "JavaScript on" if js else "JavaScript off"
    net = "400 kbit/s, 400 ms latency" if throttle else "no throttling"
    ok = print_load(f"ballot, empty cache, {mode}, {net}", cold, times)

    warm = Load()
    warm.watch(cdp)
    page.goto(base + ballot, wait_until="load")
    warm.settle(page)
    print_load(f"ballot again, warm cache, {mode}", warm, None, budgets=False)
    one = len(warm.fetched) == 1
    print(f"   warm cache: {len(warm.fetched)} request(s): {'OK' if one else 'expected 1 (the page itself)'}")
    context.close()
    return ok and one


def html_size(app, ballot: str) -> None:
    """The page's own HTML, as the server sends it with and without compression."""
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"login": "bench-voter", "password": PASSWORD,
                                "csrf_token": CSRF_RE.search(login).group(1)})
    plain = client.get(ballot)
    print(f"\n   ballot HTML: {len(plain.get_data())} bytes uncompressed", end="")
    for encoding in ("gzip", "br"):
        r = client.get(ballot, headers={"Accept-Encoding": encoding})
        if r.headers.get("Content-Encoding") == encoding:
            print(f", {len(r.get_data())} with {encoding}", end="")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=40, help="approved projects on the ballot (default 40)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-throttle", action="store_true", help="no network emulation")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"Needs Debian's Chromium at {CHROMIUM} (apt-get install chromium).", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    with tempfile.TemporaryDirectory(prefix="ypb-bench-") as tmp:
        app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                                      "RATELIMIT_ENABLED": False, "YPB_RAISE_ERRORS": False})
        with app.app_context():
            db.create_all()
        cycle_id = make_cycle(app, args.projects, random.Random(args.seed))
        ballot = f"/cycles/{cycle_id}/vote"
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        print(f"ypb ballot page weight: {args.projects} projects, knapsack ballot, Chromium at {CHROMIUM}, "
              f"{PHONE['width']} px wide")
        html_size(app, ballot)
        ok = True
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                for js in (True, False):
                    ok = open_ballot(browser, base, ballot, js, not args.no_throttle) and ok
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=5)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    print(f"\n{'all budgets met' if ok else 'OVER BUDGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
