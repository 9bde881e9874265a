from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ypb.domain import cycle as phase_rules
from ypb.domain.messages import N_
from ypb.domain.renewals import RENEWAL_TITLE
from ypb.domain.textdiff import changed, word_diff
from ypb.extensions import limiter
from ypb.models import ProposalStatus
from ypb.permissions import can, phase_required, require
from ypb.services import Refused, comments, cycles, meetings, projects, proposals, renewals
from ypb.services.proposals import ProposalInput, RevisionNote
from ypb.web.cycles import routes as cycle_routes
from ypb.web.projects.routes import HELPERS as PROJECT_HELPERS
from ypb.web.projects.routes import renewal_context
from ypb.web.projects.routes import status_label as project_status_label
from ypb.web.proposals import bp
from ypb.web.proposals.forms import ActionForm, CommentForm, ProposalForm, RenewalForm, ReportForm, RevisionForm
from ypb.web.util import attach_refused, flash_refused, htmx_fragment

ORDERS = ("newest", "random", "title", "cost")


def load_proposal(proposal_id: int, **_):
    proposal = proposals.get(proposal_id)
    if proposal is not None:
        cycles.catch_up(proposal.cycle_id)
    return proposal


def cycle_of_proposal(proposal_id: int, **_):
    proposal = proposals.get(proposal_id)
    return proposal.cycle if proposal else None


def _comment_limit() -> str:
    return current_app.config.get("RATELIMIT_COMMENT", "10 per minute;200 per day")


def _per_account() -> str:
    # Schools share one public address; limit comments per account, not per address.
    return f"user:{current_user.id}" if current_user.is_authenticated else (request.remote_addr or "?")


def _input(form: ProposalForm) -> ProposalInput:
    years, amounts = form.funding()
    return ProposalInput(
        title=form.title.data or "", summary=form.summary.data or "", description=form.description.data or "",
        estimated_cost=form.estimated_cost.data, category_id=form.category_id.data or None,
        place=form.place.data, group_name=form.group_name.data, funding_years=years, funding_amounts=amounts,
    )


def _refused(form, exc: Refused) -> None:
    if not attach_refused(form, exc):
        flash_refused(exc)


# --- public reading ---------------------------------------------------------------------

@bp.get("/cycles/<int:cycle_id>/proposals")
@require("cycle.read", cycle_routes.load_cycle, hide=True)
def index(cycle_id: int):
    cycle = cycles.get(cycle_id)
    order = request.args.get("order", "newest")
    order = order if order in ORDERS else "newest"
    if order == "random" and "shuffle_seed" not in session:
        session["shuffle_seed"] = secrets.token_hex(8)
    filters = {
        "category_id": request.args.get("category", type=int),
        "status": request.args.get("status") or None,
        "query": (request.args.get("q") or "").strip()[:100] or None,
    }
    found = proposals.listing(cycle_id, order=order, seed=session.get("shuffle_seed", ""), **filters)
    return render_template(
        "proposals/index.html", cycle=cycle, proposals=found, filters=filters, order=order,
        categories=proposals.categories_of(cycle_id), statuses=proposals.PUBLIC_STATUSES,
        can_propose=phase_rules.can_propose(cycle.phase_enum),
    )


def _comment_view(proposal):
    cycle = proposal.cycle
    open_for_comments = phase_rules.can_comment(cycle.phase_enum) and proposal.status == "submitted"
    return {
        "thread": comments.thread(proposal.id),
        "comment_form": CommentForm(formdata=None),
        "comments_open": open_for_comments,
        "contact_id": cycle.contact_id,
    }


def _render_show(proposal, comment_form=None, status: int = 200):
    cycle = proposal.cycle
    phase = cycle.phase_enum
    context = _comment_view(proposal)
    if comment_form is not None:
        context["comment_form"] = comment_form
    if htmx_fragment():
        return render_template("proposals/_comments.html", proposal=proposal, fragment=True, **context), status
    funded = projects.for_proposal(proposal.id)
    return render_template(
        "proposals/show.html", proposal=proposal, cycle=cycle, action_form=ActionForm(),
        can_edit=can(current_user, "proposal.edit", proposal) and phase_rules.can_edit_proposal(phase)
        and proposal.status in ("draft", "submitted"),
        can_submit=proposal.status == "draft" and phase_rules.can_propose(phase),
        can_assess=can(current_user, "proposal.assess") and phase_rules.can_publish_feasibility_note(phase)
        and proposal.status == "submitted",
        can_decide=can(current_user, "proposal.review") and phase == phase_rules.Phase.REVIEW,
        council_decisions=meetings.decisions_about(proposal.id),
        funded_project=funded,
        project_status_label=project_status_label,
        renewal=renewals.evidence(proposal),
        yearly=renewals.yearly(proposal) if proposal.funding_years > 1 else None,
        kpi=PROJECT_HELPERS,
        **renewal_context(funded),
        **context,
    ), status


@bp.get("/proposals/<int:proposal_id>")
@require("proposal.read", load_proposal, hide=True)
def show(proposal_id: int):
    return _render_show(proposals.get(proposal_id))


@bp.get("/proposals/<int:proposal_id>/history")
@require("proposal.read", load_proposal, hide=True)
def history(proposal_id: int):
    proposal = proposals.get(proposal_id)
    steps = []
    previous = None
    for revision in proposal.revisions:
        diffs = {}
        if previous is not None:
            for name in ("title", "summary", "description", "place", "group_name", "category_name"):
                old, new = getattr(previous, name), getattr(revision, name)
                if changed(old, new):
                    diffs[name] = word_diff(old or "", new or "")
            if previous.estimated_cost != revision.estimated_cost:
                diffs["estimated_cost"] = (previous.estimated_cost, revision.estimated_cost)
        steps.append((revision, diffs))
        previous = revision
    return render_template("proposals/history.html", proposal=proposal, cycle=proposal.cycle,
                           steps=list(reversed(steps)))


@bp.get("/proposals/mine")
@require("account.view")
def mine():
    return render_template("proposals/mine.html", proposals=proposals.of_author(current_user.id))


# --- the author's forms -----------------------------------------------------------------

@bp.route("/cycles/<int:cycle_id>/proposals/new", methods=["GET", "POST"])
@require("proposal.create", cycle_routes.load_cycle)
@phase_required(phase_rules.can_propose, N_("New proposals can only be made while the cycle collects proposals."),
                cycle_of=lambda cycle_id: cycles.get(cycle_id))
def new(cycle_id: int):
    cycle = cycles.get(cycle_id)
    form = ProposalForm()
    form.set_categories(cycle.categories)
    not_eligible = cycles.eligibility(cycle, current_user)
    if form.validate_on_submit() and not not_eligible:
        submit = request.form.get("action") == "submit"
        try:
            proposal = proposals.create(current_user, cycle.id, _input(form), submit=submit)
        except Refused as exc:
            _refused(form, exc)
        else:
            flash(_("Your proposal is published. Everyone can now read it and give feedback.") if submit
                  else _("Your draft is saved. Only you can see it until you submit it."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    status = 422 if form.errors or (request.method == "POST" and not_eligible) else 200
    return render_template("proposals/form.html", form=form, cycle=cycle, proposal=None,
                           not_eligible=not_eligible), status


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@require("proposal.edit", load_proposal, hide=True)
@phase_required(phase_rules.can_edit_proposal,
                N_("Proposals can be changed only while proposals are collected and during feedback."),
                cycle_of=cycle_of_proposal)
def edit(proposal_id: int):
    proposal = proposals.get(proposal_id)
    cycle = proposal.cycle
    public = proposal.status == ProposalStatus.SUBMITTED.value
    form_class = RevisionForm if public else ProposalForm
    form = form_class(obj=proposal) if request.method == "GET" else form_class()
    form.set_categories(cycle.categories)
    form.set_funding(proposal, cycle, fill=request.method == "GET")
    thread = comments.thread(proposal.id) if public else []
    if public:
        form.addressed.choices = [(c.id, f"{c.author.display_name if c.author else '—'}: {c.body[:80]}")
                                  for c in thread if not c.hidden]
    if form.validate_on_submit():
        note = RevisionNote(form.change_note.data, form.answers_feedback.data, form.addressed.data or []) \
            if public else None
        try:
            proposals.update(current_user, proposal.id, _input(form), note)
        except Refused as exc:
            _refused(form, exc)
        else:
            flash(_("Your changes are saved and shown in the proposal's history.") if public
                  else _("Your draft is saved."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id), 303)
    status = 422 if form.errors or request.method == "POST" else 200
    return render_template("proposals/form.html", form=form, cycle=cycle, proposal=proposal,
                           not_eligible=[]), status


@bp.post("/proposals/<int:proposal_id>/submit")
@require("proposal.edit", load_proposal, hide=True)
def submit(proposal_id: int):
    if ActionForm().validate_on_submit():
        try:
            proposals.submit(current_user, proposal_id)
        except Refused as exc:
            flash_refused(exc)
            return redirect(url_for("proposals.edit", proposal_id=proposal_id), 303)
        flash(_("Your proposal is published. Everyone can now read it and give feedback."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal_id), 303)


@bp.post("/proposals/<int:proposal_id>/withdraw")
@require("proposal.edit", load_proposal, hide=True)
def withdraw(proposal_id: int):
    if ActionForm().validate_on_submit():
        try:
            proposals.withdraw(current_user, proposal_id)
        except Refused as exc:
            flash_refused(exc)
        else:
            flash(_("Your proposal is withdrawn."), "info")
    return redirect(url_for("proposals.show", proposal_id=proposal_id), 303)


# --- renewals ---------------------------------------------------------------------------

def load_project(project_id: int, **_):
    return projects.get(project_id)


@bp.post("/projects/<int:project_id>/renewals")
@require("project.renew", load_project)
def renew(project_id: int):
    """Start a renewal of a delivered project: a draft pre-filled from the funded proposal."""
    back = redirect(url_for("projects.show", project_id=project_id, _anchor="renewal"), 303)
    form = RenewalForm()
    if not form.validate_on_submit():
        flash(_("Nothing was started. Please try again."), "error")
        return back
    try:
        proposal = renewals.propose(current_user, project_id, form.cycle_id.data, title_pattern=_(RENEWAL_TITLE))
    except Refused as exc:
        flash_refused(exc)
        return back
    if proposal.author_id == current_user.id:
        flash(_("Your renewal is saved as a draft, filled in from the funded proposal. Say what the project "
                "learned and what comes next, then submit it."), "success")
        return redirect(url_for("proposals.edit", proposal_id=proposal.id), 303)
    flash(_("The draft renewal is saved for %(name)s, who can complete and submit it from “My proposals”.",
            name=proposal.author.display_name), "success")
    return back


# --- feedback -------------------------------------------------------------------------

@bp.post("/proposals/<int:proposal_id>/comments")
@require("comment.create", load_proposal)
@limiter.limit(_comment_limit, key_func=_per_account)
def comment(proposal_id: int):
    proposal = proposals.get(proposal_id)
    if not proposal.is_public:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        parent = int(form.parent_id.data) if (form.parent_id.data or "").isdigit() else None
        try:
            created = comments.add(current_user, proposal.id, form.body.data, parent_id=parent,
                                   is_question=form.is_question.data)
        except Refused as exc:
            attach_refused(form, exc) or flash_refused(exc)
        else:
            flash(_("Your question is published. The contact person will answer it here.")
                  if created.is_question else _("Your comment is published."), "success")
            if htmx_fragment():
                return _render_show(proposal, CommentForm(formdata=None))
            return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor="comments"), 303)
    # Nothing typed is lost: the page comes back with the text in the form and the reason.
    return _render_show(proposal, form, 422)


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@require("comment.report", lambda comment_id: comments.get(comment_id))
def report(comment_id: int):
    item = comments.get(comment_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            comments.report(current_user, item.id, form.reason.data)
        except Refused as exc:
            _refused(form, exc)
        else:
            flash(_("Thank you. A moderator will look at this comment."), "success")
            return redirect(url_for("proposals.show", proposal_id=item.proposal_id,
                                    _anchor=f"comment-{item.id}"), 303)
    return render_template("proposals/report.html", form=form, comment=item), (422 if form.errors else 200)
