"""The ballot pages. Every rule check goes through `voting.preview` (the live total and the
review) or `voting.cast` (the confirmation), so what the phone shows and what is recorded
can never disagree.

Privacy on a shared phone: pages are never cached (`no-store`, `hx-history="false"`), a
returning voter sees an empty ballot until they ask for their choices, and a voting code
is forgotten by this browser once its vote is counted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ypb.domain import codes as code_rules
from ypb.domain import cycle as phase_rules
from ypb.domain.ballot import MONEY_PARAMS, BallotType
from ypb.domain.messages import N_, Refusal
from ypb.extensions import limiter
from ypb.models import VotingCode
from ypb.models.base import utcnow
from ypb.permissions import can, require
from ypb.services import Refused, cycles, voting
from ypb.web.cycles import routes as cycle_routes
from ypb.web.i18n import format_money
from ypb.web.util import htmx_fragment, refusal_text
from ypb.web.voting import bp
from ypb.web.voting.forms import CodeForm

SEED_KEY = "vote_seed"


def _code_key(cycle_id: int) -> str:
    return f"vote_code:{cycle_id}"


def _done_key(cycle_id: int) -> str:
    return f"vote_done:{cycle_id}"


def _prefill_key(cycle_id: int) -> str:
    return f"vote_code_prefill:{cycle_id}"


def _readable(typed: str) -> str:
    """A code as printed (ACDE-FGHJ-KMNP-QR) when it can be one, so it is easy to compare with the paper."""
    clean = code_rules.normalise(typed)
    return code_rules.grouped(clean) if clean else typed.strip()[:40]


def load_cycle(cycle_id: int, **_):
    cycle = cycle_routes.load_cycle(cycle_id)  # also moves the cycle on when voting_end has passed
    # A draft is not public yet: its ballot page must not reveal that it exists.
    if cycle is None or not can(current_user, "cycle.read", cycle):
        return None
    return cycle


@bp.after_request
def no_store(response):
    # What someone chose must not stay in a shared phone's cache or back button.
    response.headers["Cache-Control"] = "no-store"
    return response


# --- rate limits on voting codes --------------------------------------------------------

def _code_limit() -> str:
    return current_app.config.get("RATELIMIT_VOTING_CODE", "10 per minute")


def _cycle_code_limit() -> str:
    return current_app.config.get("RATELIMIT_VOTING_CODE_CYCLE", "200 per minute")


def _per_cycle() -> str:
    # Many wrong codes against one cycle from many addresses are guessing too.
    return f"cycle:{(request.view_args or {}).get('cycle_id')}"


def _wrong_code(response) -> bool:
    return response.status_code == 422


# --- who is voting ------------------------------------------------------------------------

def _session_code(cycle_id: int) -> VotingCode | None:
    """The voting code this browser entered for the cycle, while it is still valid."""
    code_id = session.get(_code_key(cycle_id))
    if not isinstance(code_id, int):
        return None
    code = voting.code_by_id(cycle_id, code_id)
    if code is None:
        session.pop(_code_key(cycle_id), None)
    return code


def _voter(cycle) -> voting.Voter | None:
    # A code typed in this browser wins over the account: typing it was the latest,
    # deliberate act (a signed-in pupil voting with the class's printed code).
    code = _session_code(cycle.id)
    if code is not None:
        return voting.Voter(code=code)
    if current_user.is_authenticated:
        return voting.Voter(user=current_user._get_current_object())
    return None


def _voting_open(cycle) -> bool:
    return phase_rules.can_vote(cycles.state_of(cycle), utcnow())


@dataclasses.dataclass
class Gate:
    """Whether this visitor may fill in the ballot now: the voter, or why not."""

    voter: voting.Voter | None = None
    closed: bool = False
    reasons: list[str] = dataclasses.field(default_factory=list)  # why the account may not vote

    def page(self, cycle):
        """The page a GET shows instead of the ballot: voting not open, or the ways in."""
        return _closed_page(cycle) if self.closed else _ways_in(cycle, self.reasons)


def _gate(cycle) -> Gate:
    if not _voting_open(cycle):
        return Gate(closed=True)
    voter = _voter(cycle)
    if voter is None:
        return Gate()
    if voter.user is not None:
        reasons = cycles.eligibility(cycle, voter.user)
        if reasons:
            return Gate(reasons=[refusal_text(r) for r in reasons])
    return Gate(voter=voter)


def _closed_page(cycle):
    not_yet = phase_rules.PHASES.index(cycle.phase_enum) < phase_rules.PHASES.index(phase_rules.Phase.VOTING)
    return render_template("voting/closed.html", cycle=cycle, not_yet=not_yet)


def _ways_in(cycle, reasons: list[str] | None = None):
    return render_template("voting/ways_in.html", cycle=cycle, reasons=reasons or [],
                           form=CodeForm(formdata=None))


def _back_to_ballot(cycle, budget=None):
    budget_id = getattr(budget, "id", None) or request.form.get("budget") or None
    return redirect(url_for("voting.ballot", cycle_id=cycle.id, budget=budget_id), 303)


# --- the ballot sheet -----------------------------------------------------------------------

def _budget(cycle, raw):
    """The budget voted in (None: the voter must choose one first) and all of them."""
    budgets = voting.budgets_of(cycle)
    if len(budgets) == 1:
        return budgets[0], budgets
    try:
        wanted = int(raw)
    except (TypeError, ValueError):
        return None, budgets
    return next((b for b in budgets if b.id == wanted), None), budgets


def _shuffled(projects):
    """Projects in an order of their own for each voter, the same on every visit: the
    first card on everyone's phone should not be the same project."""
    seed = session.get(SEED_KEY)
    if not isinstance(seed, str):
        seed = session[SEED_KEY] = secrets.token_hex(8)
    return sorted(projects, key=lambda p: hashlib.sha256(f"{seed}:{p.id}".encode()).hexdigest())


@dataclasses.dataclass
class Choices:
    """What the form said: points by project, what was typed, and numbers that are not numbers."""

    points: dict[int, int]
    typed: dict[int, str]
    bad: set[int]


def _parse(form, projects, rules) -> Choices:
    points, typed, bad = {}, {}, set()
    counts_points = rules.ballot_type is BallotType.CUMULATIVE
    for project in projects:
        raw = (form.get(f"p{project.id}") or "").strip()
        if not raw:
            continue
        if not counts_points:
            points[project.id] = 1  # a ticked box is one point, whatever value it sends
            continue
        typed[project.id] = raw[:12]
        if raw.isascii() and raw.isdigit() and len(raw) <= 6:
            if int(raw) > 0:
                points[project.id] = int(raw)
        else:
            bad.add(project.id)
    return Choices(points, typed, bad)


def _say(refusal: Refusal, currency: str) -> str:
    """A ballot refusal in words, its amounts of money shown as money."""
    params = {k: format_money(v, currency) if k in MONEY_PARAMS else v for k, v in refusal.params.items()}
    return refusal_text(dataclasses.replace(refusal, params=params))


BAD_POINTS = Refusal("ballot.points_typed", N_("Type the points as whole numbers: 0 or more."))


def _rules_lines(rules, currency: str) -> list[str]:
    """The rules of this ballot in short sentences, shown above the projects."""
    lines = []
    if rules.ballot_type is BallotType.CUMULATIVE:
        lines.append(ngettext("You have %(num)d point to share out.", "You have %(num)d points to share out.",
                              rules.points_total))
        if rules.points_limit < rules.points_total:
            lines.append(ngettext("Give at most %(num)d point to one project.",
                                  "Give at most %(num)d points to one project.", rules.points_limit))
        if rules.use_all_points:
            lines.append(_("Use all your points."))
    elif rules.ballot_type is BallotType.KNAPSACK:
        lines.append(_("The projects you choose can cost %(budget)s together, not more.",
                       budget=format_money(rules.budget, currency)))
        if rules.minimum_cost:
            lines.append(_("Together they must cost at least %(minimum)s.",
                           minimum=format_money(rules.minimum_cost, currency)))
    low, high = rules.min_choices, rules.max_choices
    if high is not None and low == high:
        lines.append(ngettext("Choose exactly %(num)d project.", "Choose exactly %(num)d projects.", high))
    elif high is not None and low >= 1:
        lines.append(_("Choose from %(min)s to %(max)s projects.", min=low, max=high))
    elif high is not None:
        lines.append(ngettext("Choose up to %(num)d project.", "Choose up to %(num)d projects.", high))
    elif low >= 1:
        lines.append(ngettext("Choose at least %(num)d project.", "Choose at least %(num)d projects.", low))
    else:
        lines.append(_("Choose as many projects as you like."))
    if low == 0:
        lines.append(_("You can also send a blank vote: no project at all."))
    return lines


def _total_context(cycle, rules, tally, bad: set[int]) -> dict:
    """The running total's figures and its one status line."""
    if bad:
        status, kind = _say(BAD_POINTS, cycle.currency), "problem"
    elif tally.fits:
        kind = "ready"
        status = (_("No project chosen: this is a blank vote.") if tally.blank
                  else _("Ready. Review your vote to send it."))
    else:
        first = tally.refusals[0]
        # A fresh, empty ballot is a hint, not a mistake.
        kind = "hint" if first.code == "ballot.empty" else "problem"
        status = _say(first, cycle.currency)
    return {"tally": tally, "rules": rules, "currency": cycle.currency, "status": status, "status_kind": kind}


def _render_ballot(cycle, voter, budget, budgets, rules, projects, choices: Choices, *,
                   shown_refusals=(), show_mine=False, status=200):
    tally = voting.preview(cycle, budget, choices.points)
    flagged = set(choices.bad)
    for refusal in shown_refusals:
        flagged.update(refusal.params.get("projects", ()))
    messages = [_say(r, cycle.currency) for r in shown_refusals]
    if choices.bad:
        messages.insert(0, _say(BAD_POINTS, cycle.currency))
    values = {pid: str(points) for pid, points in choices.points.items()}
    values.update(choices.typed)
    return render_template(
        "voting/ballot.html", cycle=cycle, budget=budget, budgets=budgets, voter=voter, idem=_idempotency_key(),
        projects=projects, values=values, flagged=flagged, messages=messages,
        rules_lines=_rules_lines(rules, cycle.currency), cumulative=rules.ballot_type is BallotType.CUMULATIVE,
        already=voting.has_voted(cycle.id, voter), show_mine=show_mine,
        **_total_context(cycle, rules, tally, choices.bad),
    ), status


def _idempotency_key() -> str:
    """The key that makes this ballot's sending count once: kept from the posted form (the
    review page and a refused ballot send the same one on), new for a freshly shown ballot."""
    return voting.valid_idempotency_key(request.form.get("idem")) or secrets.token_urlsafe(18)


# --- routes ------------------------------------------------------------------------------

@bp.get("/cycles/<int:cycle_id>/vote")
@require("vote.cast", load_cycle, hide=True)
def ballot(cycle_id: int):
    cycle = cycles.get(cycle_id)
    gate = _gate(cycle)
    if gate.voter is None:
        return gate.page(cycle)
    voter = gate.voter
    budget, budgets = _budget(cycle, request.args.get("budget"))
    if budget is None:
        return render_template("voting/budgets.html", cycle=cycle, budgets=budgets,
                               already=voting.has_voted(cycle.id, voter))
    rules = voting.rules_for(cycle, budget)
    projects = _shuffled(voting.projects_on_ballot(cycle, budget))
    # Earlier choices only on an explicit request: someone may be looking over the shoulder.
    show_mine = request.args.get("show") == "mine" and voting.has_voted(cycle.id, voter)
    points = voting.my_ballots(cycle.id, voter).get(budget.id, {}) if show_mine and budget.id else {}
    return _render_ballot(cycle, voter, budget, budgets, rules, projects, Choices(dict(points), {}, set()),
                          show_mine=show_mine)


@bp.post("/cycles/<int:cycle_id>/vote/check")
@require("vote.cast", load_cycle, hide=True)
def check(cycle_id: int):
    cycle = cycles.get(cycle_id)
    if not htmx_fragment():
        return _back_to_ballot(cycle)
    budget, _budgets = _budget(cycle, request.form.get("budget"))
    if budget is None or not _voting_open(cycle):
        return render_template("voting/_total.html", closed=True)
    rules = voting.rules_for(cycle, budget)
    choices = _parse(request.form, voting.projects_on_ballot(cycle, budget), rules)
    tally = voting.preview(cycle, budget, choices.points)
    return render_template("voting/_total.html", **_total_context(cycle, rules, tally, choices.bad))


def _sent_ballot(cycle):
    """The voter, budget, rules, projects and parsed choices of a posted ballot, or None when
    the visitor may not vote here (the ballot page then says why)."""
    voter = _gate(cycle).voter
    budget, budgets = _budget(cycle, request.form.get("budget"))
    if voter is None or budget is None:
        return None
    rules = voting.rules_for(cycle, budget)
    projects = _shuffled(voting.projects_on_ballot(cycle, budget))
    return voter, budget, budgets, rules, projects, _parse(request.form, projects, rules)


@bp.post("/cycles/<int:cycle_id>/vote")
@require("vote.cast", load_cycle, hide=True)
def review(cycle_id: int):
    cycle = cycles.get(cycle_id)
    sent = _sent_ballot(cycle)
    if sent is None:
        return _back_to_ballot(cycle)  # which says why
    voter, budget, budgets, rules, projects, choices = sent
    if request.form.get("edit"):
        # "Change" on the review page: back to the ballot with the choices kept.
        return _render_ballot(cycle, voter, budget, budgets, rules, projects, choices)
    tally = voting.preview(cycle, budget, choices.points)
    if choices.bad or not tally.fits:
        return _render_ballot(cycle, voter, budget, budgets, rules, projects, choices,
                              shown_refusals=tally.refusals, status=422)
    picked = [(p, choices.points[p.id]) for p in projects if p.id in choices.points]
    return render_template("voting/review.html", cycle=cycle, budget=budget, budgets=budgets, picked=picked,
                           tally=tally, rules=rules, cumulative=rules.ballot_type is BallotType.CUMULATIVE,
                           already=voting.has_voted(cycle.id, voter), idem=_idempotency_key())


@bp.post("/cycles/<int:cycle_id>/vote/confirm")
@require("vote.cast", load_cycle, hide=True)
def confirm(cycle_id: int):
    cycle = cycles.get(cycle_id)
    sent = _sent_ballot(cycle)
    if sent is None:
        return _back_to_ballot(cycle)  # which says why
    voter, budget, budgets, rules, projects, choices = sent
    if choices.bad:
        return _render_ballot(cycle, voter, budget, budgets, rules, projects, choices, status=422)
    try:
        voting.cast(voter, cycle.id, budget.id, choices.points,
                    idempotency_key=voting.valid_idempotency_key(request.form.get("idem")))
    except Refused as exc:
        return _render_ballot(cycle, voter, budget, budgets, rules, projects, choices,
                              shown_refusals=exc.refusals, status=422)
    session[_done_key(cycle.id)] = voter.channel
    if voter.code is not None:
        # The next pupil may get this phone: nobody else may change or see this vote.
        session.pop(_code_key(cycle.id), None)
    return redirect(url_for("voting.done", cycle_id=cycle.id, budget=budget.id if len(budgets) > 1 else None), 303)


@bp.get("/cycles/<int:cycle_id>/vote/done")
@require("vote.cast", load_cycle, hide=True)
def done(cycle_id: int):
    cycle = cycles.get(cycle_id)
    channel = session.get(_done_key(cycle.id))
    voter = _voter(cycle)
    if channel is None and voter is not None and voting.has_voted(cycle.id, voter):
        channel = voter.channel
    if channel is None:
        return redirect(url_for("voting.ballot", cycle_id=cycle.id), 303)
    budgets = voting.budgets_of(cycle)
    others = [b for b in budgets if str(b.id) != request.args.get("budget")] \
        if len(budgets) > 1 and cycle.budget_choice == "each" else []
    return render_template("voting/done.html", cycle=cycle, by_code=channel == "code", others=others)


@bp.route("/cycles/<int:cycle_id>/vote/code", methods=["GET", "POST"])
@require("vote.cast", load_cycle, hide=True)
@limiter.limit(_code_limit, methods=["POST"], deduct_when=_wrong_code)
@limiter.limit(_cycle_code_limit, key_func=_per_cycle, methods=["POST"], deduct_when=_wrong_code)
def code(cycle_id: int):
    cycle = cycles.get(cycle_id)
    if not _voting_open(cycle):
        return _back_to_ballot(cycle) if request.method == "POST" else _closed_page(cycle)
    if request.method == "GET" and "code" in request.args:
        # The QR code on the printed sheet opens this page with ?code=…. The code moves to
        # the session and the address loses it, so it does not stay in a shared phone's
        # history for the next person. It is only filled in: the voter still presses the
        # button (a GET never changes anything).
        session[_prefill_key(cycle.id)] = _readable(request.args.get("code") or "")
        return redirect(url_for("voting.code", cycle_id=cycle.id), 303)
    form = CodeForm(code=session.pop(_prefill_key(cycle.id), "") if request.method == "GET" else "")
    if form.validate_on_submit():
        found = voting.find_code(cycle.id, form.code.data)
        if found is not None:
            session[_code_key(cycle.id)] = found.id
            session.pop(_done_key(cycle.id), None)  # the previous voter on this phone
            return redirect(url_for("voting.ballot", cycle_id=cycle.id), 303)
        # Never the code itself: a log must not become a list of codes to try.
        current_app.logger.warning("wrong voting code for cycle %s", cycle_id)
        form.code.errors.append(_("This code does not work. Check it on your paper and type it again."))
    return render_template("voting/code.html", cycle=cycle, form=form), (422 if form.errors else 200)
