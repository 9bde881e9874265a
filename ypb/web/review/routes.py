"""Routes of the municipality's screens: feasibility notes (during feedback), the review of
a cycle and the decision on each proposal, and the moderation queue. Staff only."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ypb.domain import cycle as phase_rules
from ypb.models import ProposalStatus
from ypb.models.base import utcnow
from ypb.permissions import require
from ypb.services import Refused, comments, cycles, proposals
from ypb.services import review as review_service
from ypb.web.cycles import routes as cycle_routes
from ypb.web.review import bp
from ypb.web.review.forms import (
    DECISION_LABELS,
    MAX_MODERATION_REASON,
    VERDICT_SHORT,
    DecisionForm,
    FeasibilityForm,
    HideForm,
    RestoreForm,
)
from ypb.web.util import attach_refused, flash_refused, refusal_text, safe_next

# What a stored status means as a decision (the decision form's values).
DECISION_OF_STATUS = {
    ProposalStatus.APPROVED.value: "approve",
    ProposalStatus.MERGED.value: "merge",
    ProposalStatus.REJECTED.value: "reject",
}
NOTE_PHASE_MESSAGE = ("Feasibility notes are published during the feedback phase, "
                      "so authors can still revise.")


def load_proposal(proposal_id: int, **_):
    """A public proposal (drafts are their author's alone), with its cycle's phase up to date."""
    proposal = proposals.get(proposal_id)
    if proposal is None or not proposal.is_public:
        return None
    cycles.catch_up(proposal.cycle_id)
    return proposal


def load_comment(comment_id: int, **_):
    return comments.get(comment_id)


def _proposal_page(proposal_id: int, anchor: str | None = None) -> str:
    return url_for("proposals.show", proposal_id=proposal_id, _anchor=anchor)


def _blockers(cycle) -> list[str]:
    """Why proposals of this cycle cannot be decided now, in the reader's language."""
    return [refusal_text(r) for r in phase_rules.review_refusals(cycles.state_of(cycle), utcnow())]


# --- feasibility notes ------------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/feasibility", methods=["GET", "POST"])
@require("proposal.assess", load_proposal)
def feasibility(proposal_id: int):
    proposal = proposals.get(proposal_id)
    form = FeasibilityForm()
    if form.validate_on_submit():
        try:
            review_service.publish_note(current_user, proposal.id, form.verdict.data, form.reason.data,
                                        municipal_cost=form.municipal_cost.data)
        except Refused as exc:
            if not attach_refused(form, exc):
                # Wrong phase or status: nothing on this form can fix it.
                flash_refused(exc)
                return redirect(_proposal_page(proposal.id), 303)
        else:
            flash(_("The feasibility note is published. The author gets a notification."), "success")
            return redirect(_proposal_page(proposal.id, "assessment"), 303)
    closed = None
    if not phase_rules.can_publish_feasibility_note(proposal.cycle.phase_enum):
        closed = _(NOTE_PHASE_MESSAGE)
    elif proposal.status != ProposalStatus.SUBMITTED.value:
        closed = _("This proposal is not open for feedback.")
    return render_template("review/feasibility.html", proposal=proposal, form=form, closed=closed,
                           verdict_labels=VERDICT_SHORT), 422 if form.errors else 200


# --- review of a cycle ------------------------------------------------------------------


@bp.get("/cycles/<int:cycle_id>/review")
@require("proposal.review", cycle_routes.load_cycle)
def cycle_review(cycle_id: int):
    cycle = cycles.get(cycle_id)
    items = review_service.review_list(cycle.id)
    undecided = sum(1 for p in items if p.status == ProposalStatus.SUBMITTED.value)
    return render_template("review/cycle_review.html", cycle=cycle, items=items, undecided=undecided,
                           blockers=_blockers(cycle), verdict_labels=VERDICT_SHORT)


def _current_decision(proposal) -> dict:
    note = proposal.latest_note
    cost = proposal.final_cost
    if cost is None:
        cost = note.municipal_cost if note is not None and note.municipal_cost is not None \
            else proposal.estimated_cost
    return {
        "decision": DECISION_OF_STATUS.get(proposal.status), "final_cost": cost,
        "merged_into_id": proposal.merged_into_id, "reason": proposal.decision_reason or "",
        "council_decision_ref": proposal.council_decision_ref or "",
    }


@bp.route("/proposals/<int:proposal_id>/decision", methods=["GET", "POST"])
@require("proposal.review", load_proposal)
def decide(proposal_id: int):
    proposal = proposals.get(proposal_id)
    # Prefill only a fresh form: on a POST a missing field must stay missing.
    form = DecisionForm() if request.method == "POST" else DecisionForm(data=_current_decision(proposal))
    targets = review_service.merge_targets(proposal)
    form.merged_into_id.choices = [SelectChoice("", _("Choose a proposal"))] + [
        SelectChoice(p.id, p.title) for p in targets]
    flashed = False
    if form.validate_on_submit():
        try:
            decided = review_service.decide(
                current_user, proposal.id, form.decision.data, reason=form.reason.data or "",
                final_cost=form.final_cost.data, merged_into_id=form.merged_into_id.data,
                council_decision_ref=form.council_decision_ref.data)
        except Refused as exc:
            if not attach_refused(form, exc):
                flash_refused(exc)
                flashed = True
        else:
            flash(_("Saved: %(title)s — %(decision)s. The author gets a notification.",
                    title=decided.title, decision=DECISION_LABELS[form.decision.data]), "success")
            return redirect(url_for("review.cycle_review", cycle_id=decided.cycle_id), 303)
    refused = flashed or bool(form.errors)
    return render_template(
        "review/decide.html", proposal=proposal, form=form, verdict_labels=VERDICT_SHORT,
        # The flash already says why when a decision was just refused for the phase.
        blockers=[] if flashed else _blockers(proposal.cycle),
    ), 422 if refused else 200


# --- moderation -------------------------------------------------------------------------


def _render_moderation(errors: dict[int, list[str]] | None = None, typed: dict[int, str] | None = None,
                       status: int = 200):
    return render_template("review/moderation.html", queue=comments.moderation_queue(),
                           hidden=comments.hidden_comments(), errors=errors or {}, typed=typed or {},
                           reason_max=MAX_MODERATION_REASON), status


@bp.get("/moderation")
@require("comment.moderate")
def moderation():
    return _render_moderation()


def _back(form) -> str:
    return safe_next(form.next.data, url_for("review.moderation"))


@bp.post("/comments/<int:comment_id>/hide")
@require("comment.moderate", load_comment)
def hide_comment(comment_id: int):
    form = HideForm()
    if form.validate_on_submit():
        try:
            comments.hide(current_user, comment_id, form.reason.data)
        except Refused as exc:
            form.reason.errors = [refusal_text(r) for r in exc.refusals]
        else:
            flash(_("The comment is hidden. Everyone sees your reason in its place."), "success")
            return redirect(_back(form), 303)
    back = _back(form)
    if back.split("#")[0] != url_for("review.moderation"):
        # Sent from another page (a proposal's comments): tell them there.
        for message in form.reason.errors:
            flash(message, "error")
        return redirect(back, 303)
    return _render_moderation({comment_id: list(form.reason.errors)}, {comment_id: form.reason.data or ""},
                              422)


@bp.post("/comments/<int:comment_id>/restore")
@require("comment.moderate", load_comment)
def restore_comment(comment_id: int):
    form = RestoreForm()
    was_hidden = comments.get(comment_id).hidden
    if form.validate_on_submit():
        try:
            comments.restore(current_user, comment_id, form.reason.data or "")
        except Refused as exc:
            flash_refused(exc)
        else:
            flash(_("The comment is visible again.") if was_hidden
                  else _("The comment stays visible and its reports are closed."), "success")
    else:
        for message in form.reason.errors:
            flash(message, "error")
    return redirect(_back(form), 303)

