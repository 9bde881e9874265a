"""Second factor: enrolment, the second sign-in step, and the staff requirement guard."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ypb.domain import two_factor as rules
from ypb.extensions import db, limiter
from ypb.models import User
from ypb.models.base import utcnow
from ypb.permissions import require
from ypb.services import Refused, two_factor
from ypb.web.auth import bp
from ypb.web.auth.forms import CodeForm, DisableTwoFactorForm, EnableTwoFactorForm
from ypb.web.util import attach_refused, flash_refused, safe_next

HALF_LOGIN = "ypb_2fa_login"
PENDING = "ypb_2fa_pending"
# Pages a staff account may still open while the requirement sends it to enrolment.
ENROLMENT_ENDPOINTS = {"static", "auth.two_factor_page", "auth.two_factor_qr", "auth.two_factor_enable",
                       "auth.logout", "main.set_language", "main.healthz"}


# The same limit as passwords, so codes cannot be guessed faster than passwords.
def _login_limit() -> str:
    from flask import current_app
    return current_app.config["RATELIMIT_LOGIN"]


def _no_store(response):
    # Secrets and recovery codes must not stay in a shared computer's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the half-done login -------------------------------------------------------------------

def begin_half_login(user: User, remember: bool, next_url: str | None) -> None:
    """After the password: remember who is signing in, without signing them in."""
    session.clear()
    session[HALF_LOGIN] = {"uid": user.id, "fp": two_factor.login_fingerprint(user),
                           "remember": bool(remember), "next": next_url,
                           "at": utcnow().timestamp(), "tries": 0}


def _half_login() -> dict | None:
    half = session.get(HALF_LOGIN)
    if not half:
        return None
    started = datetime.fromtimestamp(half["at"], UTC)
    if rules.half_login_expired(started, utcnow()):
        session.pop(HALF_LOGIN, None)
        flash(_("That took too long. Please sign in again."), "info")
        return None
    return half


@bp.route("/login/code", methods=["GET", "POST"])
@require("site.read")
@limiter.limit(_login_limit, methods=["POST"])
def login_code():
    from ypb.web.auth.routes import _start_session

    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    half = _half_login()
    if half is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            user = two_factor.verify_login(half["uid"], half["fp"], form.code.data)
        except Refused as exc:
            half["tries"] += 1
            if exc.refusals[0].code == "2fa.login_gone" or half["tries"] >= rules.HALF_LOGIN_MAX_TRIES:
                session.pop(HALF_LOGIN, None)
                flash(_("Please sign in again."), "info")
                return redirect(url_for("auth.login"))
            session[HALF_LOGIN] = half
            attach_refused(form, exc)
        else:
            _start_session(user, remember=half["remember"])
            flash(_("You are signed in."), "success")
            left = two_factor.recovery_codes_left(user.id)
            if rules.is_recovery_shape(rules.normalise_code(form.code.data)):
                flash(_("Recovery codes left: %(count)s.", count=left), "info")
            return redirect(safe_next(half.get("next"), url_for("main.home")))
    status = 422 if form.errors else 200
    return render_template("auth/login_code.html", form=form), status


# --- enrolment -----------------------------------------------------------------------------

def _pending_secret() -> str:
    """The secret being set up in this session (kept encrypted in the session cookie)."""
    stored = session.get(PENDING)
    secret = two_factor.decrypt_secret(stored) if stored else None
    if secret is None:
        secret = two_factor.new_secret()
        session[PENDING] = two_factor.encrypt_secret(secret)
    return secret


def _setup_page(enable_form=None, disable_form=None, status: int = 200):
    enabled = current_user.two_factor_enabled
    secret = None if enabled else _pending_secret()
    response = make_response(render_template(
        "auth/two_factor.html", enabled=enabled, secret=secret,
        enable_form=enable_form or EnableTwoFactorForm(formdata=None),
        disable_form=disable_form or DisableTwoFactorForm(formdata=None),
        required=two_factor.is_required(),
        codes_left=two_factor.recovery_codes_left(current_user.id) if enabled else None,
    ), status)
    return _no_store(response)


@bp.get("/two-factor")
@require("account.two_factor")
def two_factor_page():
    return _setup_page()


@bp.get("/two-factor/qr.svg")
@require("account.two_factor")
def two_factor_qr():
    if current_user.two_factor_enabled:
        abort(404)
    svg = two_factor.qr_svg(two_factor.provisioning_uri(current_user, _pending_secret()))
    return _no_store(make_response(svg, 200, {"Content-Type": "image/svg+xml"}))


@bp.post("/two-factor/enable")
@require("account.two_factor")
def two_factor_enable():
    if current_user.two_factor_enabled:
        return redirect(url_for("auth.two_factor_page"), 303)
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(current_user.id, _pending_secret(), form.code.data)
        except Refused as exc:
            if not attach_refused(form, exc):
                flash_refused(exc)
        else:
            session.pop(PENDING, None)
            shown = [rules.display_recovery_code(c) for c in codes]
            return _no_store(make_response(render_template("auth/recovery_codes.html", codes=shown)))
    return _setup_page(enable_form=form, status=422)


@bp.post("/two-factor/disable")
@require("account.two_factor")
def two_factor_disable():
    if not current_user.two_factor_enabled:
        return redirect(url_for("auth.two_factor_page"), 303)
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(current_user.id, form.password.data, form.code.data)
        except Refused as exc:
            if not attach_refused(form, exc):
                flash_refused(exc)
        else:
            db.session.expire_all()
            flash(_("Two-step sign-in is off."), "success")
            return redirect(url_for("account.profile"), 303)
    return _setup_page(disable_form=form, status=422)



@bp.before_app_request
def _enrolment_required():
    """While the admin requires it, a staff account without a second factor can only enrol."""
    if request.endpoint in ENROLMENT_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated or not two_factor.must_enrol(current_user):
        return None
    return redirect(url_for("auth.two_factor_page"), 303 if request.method == "POST" else 302)
