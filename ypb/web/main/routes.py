from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from ypb.extensions import db, limiter
from ypb.permissions import require
from ypb.services import cycles, preferences
from ypb.web.i18n import LANGUAGE_COOKIE
from ypb.web.main import bp
from ypb.web.util import safe_next


@bp.get("/")
@require("site.read")
def home():
    from ypb.web.cycles.routes import current_steps

    running = [c for c in cycles.public_cycles() if c.phase != "closed"]
    return render_template("main/home.html", cycles=running, current=current_steps(running))


@bp.get("/healthz")
@limiter.exempt
@require("site.read")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        current_app.logger.warning("health check: database unreachable", exc_info=True)
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.post("/language")
@require("site.read")
def set_language():
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next"), url_for("main.home"))
    response = redirect(target)
    if lang in current_app.config["YPB_LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600,
                            samesite="Lax", httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        if current_user.is_authenticated:
            preferences.set_locale(current_user, lang)
    return response


@bp.get("/privacy")
@require("site.read")
def privacy():
    from ypb.services import purge

    return render_template("main/privacy.html", notification_days=purge.NOTIFICATION_DAYS)
