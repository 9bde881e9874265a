"""The results page, the anonymised ballots file (.pb) and confirming draft results.

Nothing with a number in it is shown before voting closes (`vote_totals_visible`): running
totals would sway later voters. A cycle still being drafted has no results page at all.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ypb.domain.cycle import Phase, vote_totals_visible
from ypb.domain.explain import RULE_DESCRIPTIONS
from ypb.domain.turnout import SUPPRESS_BELOW
from ypb.extensions import db
from ypb.models import User
from ypb.models.base import utcnow
from ypb.permissions import can, require
from ypb.services import Refused, competition, cycles, results, voting
from ypb.web.cycles import routes as cycle_routes
from ypb.web.results import bp
from ypb.web.results.forms import RatifyForm
from ypb.web.results.present import budget_view, number, rule_name
from ypb.web.util import flash_refused, refusal_text


def load_cycle(cycle_id: int, **_):
    cycle = cycle_routes.load_cycle(cycle_id)  # also moves the cycle on when voting_end has passed
    # A draft has no results, and its page must not reveal that the cycle exists.
    if cycle is None or cycle.phase == Phase.DRAFT.value:
        return None
    return cycle


@bp.get("/cycles/<int:cycle_id>/results")
@require("cycle.read", load_cycle, hide=True)
def show(cycle_id: int):
    cycle = cycles.get(cycle_id)
    if not vote_totals_visible(cycle.phase_enum):
        return render_template("results/waiting.html", cycle=cycle, rule=rule_name(cycle.tally_rule),
                               rule_description=_(RULE_DESCRIPTIONS[cycle.tally_rule]),
                               criteria=competition.criteria_of(cycle))
    found = results.results_of(cycle)
    confirming = None
    if can(current_user, "results.ratify") and cycle.phase == Phase.RESULTS.value and not cycle.results_ratified:
        confirming = [refusal_text(r) for r in results.ratify_refusals(cycle, utcnow())]
    # Shown by name, like the cycle's contact person: confirming results is a public act.
    confirmed_by = db.session.get(User, cycle.results_ratified_by_id) if cycle.results_ratified_by_id else None
    return render_template(
        "results/show.html", cycle=cycle, budgets=[budget_view(item, cycle) for item in found],
        rule=rule_name(cycle.tally_rule), rule_description=_(RULE_DESCRIPTIONS[cycle.tally_rule]),
        turnout=voting.turnout(cycle.id), confirmed_by=confirmed_by, confirming=confirming,
        ratify_form=RatifyForm(), now=utcnow(), number=number, suppress_below=SUPPRESS_BELOW,
        criteria=competition.criteria_of(cycle),
    )


@bp.get("/cycles/<int:cycle_id>/results/<int:budget_id>.pb")
@require("cycle.read", load_cycle, hide=True)
def download(cycle_id: int, budget_id: int):
    cycle = cycles.get(cycle_id)
    found = next((item for item in results.results_of(cycle) if item.budget.id == budget_id), None)
    if found is None:  # unknown budget, or voting still open
        abort(404)
    response = make_response(results.pb_file(cycle, found.budget))
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="ypb-cycle-{cycle.id}-budget-{budget_id}.pb"'
    return response


@bp.post("/cycles/<int:cycle_id>/results/ratify")
@require("results.ratify", load_cycle)
def ratify(cycle_id: int):
    if not RatifyForm().validate_on_submit():
        flash(_("Confirm the results with the button on the results page."), "error")
    else:
        try:
            results.ratify(current_user, cycle_id)
        except Refused as exc:
            flash_refused(exc)
        else:
            flash(_("The results are confirmed."), "success")
    return redirect(url_for("results.show", cycle_id=cycle_id), 303)
