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

RULES: dict[str, Check] = {
    "site.read": _anyone,
    "account.view": _signed_in,
    "users.manage": _roles(Role.ADMIN),
    "audit.read": _roles(*STAFF),
}


def can(user, action: str, obj=None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise LookupError(f"unknown permission {action!r}") from None
    return rule(user, obj)


def require(action: str, load: Callable[..., object] | None = None):
    """Guard a view; `load(**view_args)` may fetch the object the rule needs."""

    def decorator(view):
        @wraps(view)
        def wrapped(**kwargs):
            obj = load(**kwargs) if load else None
            if not can(current_user, action, obj):
                if not current_user.is_authenticated:
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                abort(403)
            return view(**kwargs)

        wrapped.permission = action  # read by the role × route matrix test
        return wrapped

    return decorator
