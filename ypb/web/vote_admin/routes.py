"""The secretary's vote pages: ballot settings, making voting codes (a printable sheet and
its CSV file) and revoking codes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urljoin

import segno
from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from ypb.domain import codes as code_rules
from ypb.domain.ballot import BALLOT_TYPE_LABELS, MONEY_PARAMS, BallotType
from ypb.domain.cycle import ballot_settings_locked, results_exist
from ypb.domain.explain import RULE_NAMES
from ypb.permissions import require
from ypb.services import Refused, cycles, vote_admin, voting
from ypb.web.cycles.routes import load_cycle
from ypb.web.i18n import format_money
from ypb.web.util import flash_refused, refusal_text
from ypb.web.vote_admin import bp
from ypb.web.vote_admin.forms import (
    BUDGET_CHOICES,
    MAX_CODES_PER_SHEET,
    RULE_HINTS,
    SCOPE_EXPLAINED,
    TYPE_EXPLAINED,
    BallotSettingsForm,
    CodesCsvForm,
    GenerateCodesForm,
    PlacementForm,
    RevokeCodesForm,
)

# The plain codes exist only in the response that made them, so neither the sheet nor the
# CSV may be kept by a browser or a proxy.
NO_STORE = {"Cache-Control": "no-store"}
CARDS_PER_PAGE = 10  # 2 × 5 business-card-sized cards on an A4 page (static/css/print.css)

# Which settings field a rules refusal is about; the rest go above the form.
REFUSAL_FIELDS = {
    "rules.budget": "budgets",
    "ballot.budgets_sum": "budgets",
    "rules.min_choices": "min_choices",
    "rules.min_above_max": "min_choices",
    "rules.max_choices": "max_choices",
    "rules.min_share": "min_share_percent",
    "rules.points_total": "points_total",
    "rules.min_above_points": "points_total",
    "rules.max_points_too_small": "max_points_per_project",
    "rules.max_points_above_total": "max_points_per_project",
    "rules.points_unreachable": "use_all_points",
}


def _text(refusal, currency: str) -> str:
    """A refusal in the reader's language, its amounts shown as money."""
    money = {k: format_money(v, currency) for k, v in refusal.params.items()
             if k in MONEY_PARAMS and isinstance(v, int)}
    return refusal_text(replace(refusal, params={**refusal.params, **money}))


def _attach(form, exc: Refused, currency: str, fields: dict[str, str]) -> None:
    """Each refusal next to the field it is about; the rest above the form."""
    for refusal in exc.refusals:
        # The settings service files every rules refusal under ballot_type: `fields` says better.
        name = fields.get(refusal.code) or (exc.field if exc.field != "ballot_type" else None)
        field = getattr(form, name, None) if name else None
        if field is None:
            form.form_errors.append(_text(refusal, currency))
        else:
            field.errors = list(field.errors) + [_text(refusal, currency)]


# --- ballot settings -----------------------------------------------------------------------

@bp.route("/cycles/<int:cycle_id>/ballot", methods=["GET", "POST"])
@require("ballot.manage", load_cycle)
def settings(cycle_id: int):
    cycle = cycles.get(cycle_id)
    form = BallotSettingsForm()
    if not form.is_submitted():
        form.fill_from(cycle)
    if form.validate_on_submit():
        try:
            voting.save_settings(current_user, cycle.id, form.to_settings())
        except Refused as exc:
            _attach(form, exc, cycle.currency, REFUSAL_FIELDS)
        else:
            flash(_("The ballot settings are saved."), "success")
            return redirect(url_for("vote_admin.settings", cycle_id=cycle.id), 303)
        cycle = cycles.get(cycle_id)  # the refused save was rolled back: show what is stored
    locked = ballot_settings_locked(cycle.phase_enum)
    if locked and form.is_submitted() and not form.form_errors:
        # A stale page's form that did not even reach the service: say why nothing changed
        # (the service's own words, so the translation is shared).
        form.form_errors.append(_("The ballot cannot change once voting has opened: people have already "
                                  "voted on it."))
    status = 422 if form.errors else 200
    return render_template(
        "vote_admin/settings.html", cycle=cycle, form=form, locked=locked,
        budgets=voting.budgets_of(cycle), ballot_type=_ballot_type(cycle),
        placement=_placement(cycle), action_form=PlacementForm(),
        type_labels=BALLOT_TYPE_LABELS, type_explained=TYPE_EXPLAINED, budget_choices=BUDGET_CHOICES,
        rule_names=RULE_NAMES, rule_hints=RULE_HINTS,
    ), status


def _placement(cycle) -> list | None:
    """With several budgets: each approved project and the budget it is in (or None)."""
    if len(cycle.budgets) < 2:
        return None
    return voting.approved_projects(cycle)


@bp.post("/cycles/<int:cycle_id>/ballot/budgets")
@require("ballot.manage", load_cycle)
def assign(cycle_id: int):
    if PlacementForm().validate_on_submit():
        placement = {}
        for key, value in request.form.items():
            if key.startswith("budget_") and key[7:].isdigit() and value.isdigit():
                placement[int(key[7:])] = int(value)
        try:
            voting.assign_budgets(current_user, cycle_id, placement)
        except Refused as exc:
            flash_refused(exc)
        else:
            flash(_("The projects are placed in their budgets."), "success")
    return redirect(url_for("vote_admin.settings", cycle_id=cycle_id, _anchor="placement"), 303)


def _ballot_type(cycle) -> BallotType | None:
    return BallotType(cycle.ballot_type) if cycle.ballot_type else None


# --- voting codes ----------------------------------------------------------------------------

def _codes_page(cycle, generate_form, revoke_form, summary, status: int = 200):
    return render_template(
        "vote_admin/codes.html", cycle=cycle, summary=summary, generate_form=generate_form,
        revoke_form=revoke_form, can_generate=not results_exist(cycle.phase_enum),
        total=sum(r.total for r in summary), revoked=sum(r.revoked for r in summary),
        used=sum(r.used for r in summary), scope_explained=SCOPE_EXPLAINED,
    ), status


@bp.get("/cycles/<int:cycle_id>/codes")
@require("codes.manage", load_cycle)
def codes(cycle_id: int):
    cycle = cycles.get(cycle_id)
    summary = vote_admin.code_summary(cycle.id)
    return _codes_page(cycle, GenerateCodesForm(), RevokeCodesForm(labels=[r.label for r in summary]), summary)


@bp.post("/cycles/<int:cycle_id>/codes")
@require("codes.manage", load_cycle)
def generate(cycle_id: int):
    cycle = cycles.get(cycle_id)
    form = GenerateCodesForm()
    if form.validate_on_submit():
        label = form.label.data or None
        try:
            plain = voting.generate_codes(current_user, cycle.id, form.count.data, label)
        except Refused as exc:
            _attach(form, exc, cycle.currency, {})
        else:
            # Rendered here, not after a redirect: the plain codes exist only in this response.
            return _sheet(cycle, plain, label)
    summary = vote_admin.code_summary(cycle.id)
    return _codes_page(cycle, form, RevokeCodesForm(labels=[r.label for r in summary]), summary, 422)


@dataclass(frozen=True)
class Card:
    code: str
    grouped: str
    link: str
    qr: str  # an SVG data: URI (img-src allows data:, and an image carries no style to block)


def _voting_url(cycle_id: int, code: str | None = None) -> str:
    """The absolute address of the page where a code is typed (or, with `code`, used)."""
    args = {"code": code} if code else {}
    if "voting.code" in current_app.view_functions:
        return url_for("voting.code", cycle_id=cycle_id, _external=True, **args)
    # The voters' code page may not be registered yet; this is the address it will have.
    path = f"cycles/{cycle_id}/vote/code" + (f"?{urlencode(args)}" if args else "")
    return urljoin(request.host_url, path)


def _qr(link: str) -> str:
    # Error correction M survives a crease or a smudge on paper; the 4-module quiet zone is
    # the standard one scanners need.
    return segno.make(link, error="m", micro=False).svg_data_uri(border=4, omitsize=True)


def _cards(cycle_id: int, plain: list[str]) -> list[Card]:
    cards = []
    for code in plain:
        link = _voting_url(cycle_id, code)
        cards.append(Card(code=code, grouped=code_rules.grouped(code), link=link, qr=_qr(link)))
    return cards


def _breakable(address: str) -> Markup:
    # A long address on a narrow card wraps after a slash, not in the middle of a word.
    return Markup("/<wbr>").join(address.split("/"))


def _sheet(cycle, plain: list[str], label: str | None):
    typed_at = _voting_url(cycle.id)
    response = make_response(render_template(
        "vote_admin/sheet.html", cycle=cycle, cards=_cards(cycle.id, plain), label=label,
        per_page=CARDS_PER_PAGE, typed_at=_breakable(typed_at.split("://", 1)[-1]),
        csv_form=CodesCsvForm(label=label or ""),
    ))
    response.headers.update(NO_STORE)
    return response


# The CSV: the codes are stored only hashed, so a later request cannot produce them again.
# The sheet page carries them back in hidden fields of a second form (same signed-in staff
# session, CSRF-checked), and this view only re-formats what it receives: nothing is looked
# up or stored. Making the file in the same response as the sheet (a data: link) would need
# no round trip, but very long data: links are unreliable in browsers; this works everywhere
# without JavaScript.
@bp.post("/cycles/<int:cycle_id>/codes/csv")
@require("codes.manage", load_cycle)
def download_csv(cycle_id: int):
    cycle = cycles.get(cycle_id)
    form = CodesCsvForm()
    received = request.form.getlist("code")[:MAX_CODES_PER_SHEET]
    plain = [code for code in (code_rules.normalise(text) for text in received) if code]
    if not form.validate_on_submit() or not plain:
        flash(_("There are no codes to download. Make new codes: the file comes with their sheet."), "error")
        return redirect(url_for("vote_admin.codes", cycle_id=cycle.id), 303)
    label = (form.label.data or "").strip()[:120]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "label", "link"])
    for code in plain:
        writer.writerow([code_rules.grouped(code), _spreadsheet_safe(label), _voting_url(cycle.id, code)])
    response = make_response(out.getvalue())
    response.headers.update(NO_STORE)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="voting-codes-{cycle.id}.csv"'
    return response


def _spreadsheet_safe(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.post("/cycles/<int:cycle_id>/codes/revoke")
@require("codes.manage", load_cycle)
def revoke(cycle_id: int):
    cycle = cycles.get(cycle_id)
    summary = vote_admin.code_summary(cycle.id)
    form = RevokeCodesForm(labels=[r.label for r in summary])
    if form.validate_on_submit():
        ids = vote_admin.revocable_ids(cycle.id, form.chosen_label(), unused_only=form.scope.data == "unused")
        if not ids:
            flash(_("No codes were revoked: none of the chosen codes still worked."), "info")
        else:
            count = voting.revoke_codes(current_user, cycle.id, ids)
            flash(ngettext("%(num)s code was revoked. It no longer works.",
                           "%(num)s codes were revoked. They no longer work.", count), "success")
        return redirect(url_for("vote_admin.codes", cycle_id=cycle.id), 303)
    return _codes_page(cycle, GenerateCodesForm(), form, summary, 422)
