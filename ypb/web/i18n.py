"""Language and time zone of each request, and the locale-aware template filters."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from ypb.extensions import babel

LANGUAGE_COOKIE = "ypb_lang"

# Each language's own name, shown in the switch in that language.
LANGUAGE_NAMES = {
    "en": "English",
    "sv": "Svenska",
    "lv": "Latviešu",
    "pt": "Português",
    "lt": "Lietuvių",
    "el": "Ελληνικά",
}


def available_languages() -> tuple[str, ...]:
    return tuple(current_app.config["YPB_LANGUAGES"])


def select_locale() -> str:
    languages = available_languages()
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["YPB_TIMEZONE"]


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path + "/../translations"),
    )
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES
    app.jinja_env.globals["available_languages"] = available_languages
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())


def text_direction() -> str:
    # None of the six languages is written right to left; kept explicit for when one is.
    return "ltr"
