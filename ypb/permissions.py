"""Who may do what: the one place where roles are checked.

`can(user, action, obj)` answers from the RULES table; `@require(action)` guards a view:
a visitor without an account is sent to sign in, a signed-in user without the right
gets 403. Nothing else in the code compares roles.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from ypb.domain.roles import Role

Check = Callable[[object, object], bool]


def _signed_in(user, _obj) -> bool:
    return bool(user is not None and user.is_authenticated)


def _roles(*roles: Role) -> Check:
    allowed = {r.value for r in roles}

    def check(user, _obj) -> bool:
        return _signed_in(user, None) and user.role in allowed

    return check


def _anyone(_user, _obj) -> bool:
    return True


STAFF = (Role.SECRETARY, Role.ADMIN)
_staff = _roles(*STAFF)


def _cycle_visible(user, cycle) -> bool:
    # A cycle being drafted is not public yet; staff prepare it.
    return cycle is None or cycle.phase != "draft" or _staff(user, None)


def _proposal_visible(user, proposal) -> bool:
    if proposal is None:
        return False
    if not proposal.is_public:
        return _signed_in(user, None) and user.id == proposal.author_id
    return _cycle_visible(user, proposal.cycle)


def _author(user, proposal) -> bool:
    return _signed_in(user, None) and proposal is not None and user.id == proposal.author_id


def _project_team(user, project) -> bool:
    # The team is the funded proposal's author (its group is free text); staff act on its behalf.
    return _staff(user, None) or (project is not None and _author(user, project.proposal))


RULES: dict[str, Check] = {
    "site.read": _anyone,
    "account.view": _signed_in,
    "account.two_factor": _staff,  # staff accounts can add a second factor (TOTP)
    "users.manage": _roles(Role.ADMIN),
    "audit.read": _staff,
    # Budget cycles
    "cycle.read": _cycle_visible,
    "cycle.manage": _staff,
    # Proposals (phase and eligibility are the domain's rules, checked by the services)
    "proposal.read": _proposal_visible,
    "proposal.create": _signed_in,
    "proposal.edit": _author,
    "proposal.assess": _staff,  # feasibility notes
    "proposal.review": _staff,  # ballot decisions
    # Feedback
    "comment.create": _signed_in,
    "comment.report": _signed_in,
    "comment.moderate": _staff,
    "dashboard.view": _staff,
    # Voting: anyone may open the ballot (a voting code needs no account); the voting
    # service decides who may cast, from eligibility or a valid code.
    "vote.cast": _anyone,
    "ballot.manage": _staff,  # ballot settings
    "codes.manage": _staff,  # voting codes, their printed sheet and CSV
    "paper.manage": _staff,  # paper-ballot batches
    "census.manage": _staff,
    "census.claim": _signed_in,
    # Competition cycles: staff publish the jury's criteria; council members are the jury.
    "jury.manage": _staff,
    "jury.score": _roles(Role.COUNCIL),
    # Results: everyone reads them (draft ones too: feedback before approval); staff confirm them.
    # The council's own decision on them comes with the council's pages.
    "results.ratify": _staff,
    "notifications.read": _signed_in,
    # The youth council: everyone reads its composition; staff keep it (contact details too).
    "council.read": _anyone,
    "council.manage": _staff,
    "meetings.manage": _staff,  # meetings, attendance, votes, decisions and minutes
    "projects.manage": _staff,  # funded projects: status, milestones, changes of terms
    "projects.kpis_manage": _staff,  # funded projects' KPIs
    "projects.survey_manage": _staff,  # satisfaction surveys: open, close, the QR code and comments
    # Proposing a delivered project again (the domain checks the project's status and the cycle's phase).
    "project.renew": _project_team,
    # Anyone with the link may answer a survey: no account, nothing kept about who answered.
    "survey.answer": _anyone,
    "calendar.manage": _staff,  # events on the public calendar (workshops, hackathons, forums)
}


def can(user, action: str, obj=None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise LookupError(f"unknown permission {action!r}") from None
    return rule(user, obj)


def require(action: str, load: Callable[..., object] | None = None, *, hide: bool = False):
    """Guard a view; `load(**view_args)` fetches the object the rule needs (404 when it
    returns None). With `hide`, a refusal looks like 404 so private things (drafts) do
    not reveal that they exist."""

    def decorator(view):
        @wraps(view)
        def wrapped(**kwargs):
            obj = None
            if load is not None:
                obj = load(**kwargs)
                if obj is None:
                    abort(404)
            if not can(current_user, action, obj):
                if hide:
                    abort(404)
                if not current_user.is_authenticated:
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                abort(403)
            return view(**kwargs)

        wrapped.permission = action  # read by the role × route matrix test
        return wrapped

    return decorator


def phase_required(allowed: Callable[[object], bool], message: str, cycle_of: Callable[..., object]):
    """Refuse a view outside the phases `allowed(phase)` accepts: the visitor is sent back
    to the cycle's page with `message` (a gettext-marked string, translated here)."""
    from flask import flash
    from flask_babel import gettext

    from ypb.domain.cycle import Phase

    def decorator(view):
        @wraps(view)
        def wrapped(**kwargs):
            cycle = cycle_of(**kwargs)
            if cycle is None:
                abort(404)
            if not allowed(Phase(cycle.phase)):
                flash(gettext(message), "warning")
                return redirect(url_for("cycles.show", cycle_id=cycle.id), 303)
            return view(**kwargs)

        wrapped.permission = getattr(view, "permission", None)
        return wrapped

    return decorator
