from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ypb.extensions import limiter
from ypb.permissions import require
from ypb.services import Refused, accounts
from ypb.web.auth import bp
from ypb.web.auth.forms import LoginForm, LogoutForm, SignUpForm
from ypb.web.auth.two_factor import begin_half_login
from ypb.web.util import attach_refused, flash_refused, safe_next


def _login_limit() -> str:
    from flask import current_app
    return current_app.config["RATELIMIT_LOGIN"]


def _signup_limit() -> str:
    from flask import current_app
    return current_app.config["RATELIMIT_SIGNUP"]


def _start_session(user, remember: bool) -> None:
    # A fresh session at sign-in: nothing from before (a planted session id, an old
    # CSRF token) carries over into the signed-in session.
    session.clear()
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@require("site.read")
@limiter.limit(_signup_limit, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_account(
                username=form.username.data, display_name=form.display_name.data,
                email=form.email.data, birth_year=form.birth_year.data,
                resident=form.resident.data, password=form.password.data,
            )
        except Refused as exc:
            if not attach_refused(form, exc):
                flash_refused(exc)
        else:
            _start_session(user, remember=False)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("main.home"))
    status = 422 if form.errors else 200
    return render_template("auth/signup.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@require("site.read")
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.login.data, form.password.data)
        if user is None:
            # One message for both cases, so the form does not reveal which usernames exist.
            form.password.errors = [_("The username or password is not right.")]
        elif user.two_factor_enabled:
            begin_half_login(user, form.remember.data, request.args.get("next"))
            return redirect(url_for("auth.login_code"))
        else:
            _start_session(user, remember=form.remember.data)
            flash(_("You are signed in."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@require("account.view")
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))
