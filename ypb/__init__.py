"""The ypb application factory."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from ypb.config import Config


class RowIdConverter(IntegerConverter):
    """`<int:…>` in every URL: a number the database's 32-bit id columns can hold. A larger
    one is simply not found (404), not an overflow error in the database driver (500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(config: type[Config] | dict | None = None, overrides: dict | None = None) -> Flask:
    """Build the app. `config` is a Config class (its environment reading included) or
    a dict of overrides on top of the environment's settings; `overrides` go last."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    base = config if isinstance(config, type) else Config
    app.config.from_object(base)
    app.config.update(base.from_env())
    if isinstance(config, dict):
        app.config.update(config)
    app.config.update(overrides or {})
    app.url_map.converters["int"] = RowIdConverter  # before any route is added

    if app.config["YPB_PROXY_COUNT"]:
        n = app.config["YPB_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from ypb import extensions as ext
    from ypb.database import configure_engine

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(app.root_path + "/../migrations"),
                        render_as_batch=True, compare_type=True)
    ext.csrf.init_app(app)
    ext.htmx.init_app(app)
    ext.limiter.init_app(app)
    with app.app_context():
        configure_engine(ext.db.engine)

    from ypb.web import assets, filters, hooks, i18n

    assets.init_app(app)  # first: its after-request hook (compression) must run last
    i18n.init_app(app)
    filters.init_app(app)
    _init_login(app)
    hooks.init_app(app)

    from ypb.web import (
        account,
        admin,
        api,
        auth,
        calendar,
        council,
        cycles,
        dashboard,
        jury,
        main,
        meetings,
        news,
        notifications,
        opendata,
        paper,
        projects,
        proposals,
        results,
        review,
        surveys,
        vote_admin,
        voting,
    )

    for area in (main, auth, account, admin, cycles, proposals, review, dashboard, notifications, vote_admin, paper,
                 voting, results, api, opendata, jury, council, meetings, projects, calendar, news,
                 surveys):
        app.register_blueprint(area.bp)

    from ypb.cli import ypb_cli

    app.cli.add_command(ypb_cli)
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from ypb.extensions import login_manager
    from ypb.services.accounts import load_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    # Flask-Login's "strong" protection would sign people out when a phone changes
    # network; session rotation at login and Lax cookies cover fixation instead.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
