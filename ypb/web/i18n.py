"""Language and time zone of each request, and the locale-aware template filters."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, format_time, get_locale
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


def format_money(minor: int | None, currency: str = "EUR") -> str:
    """Integer minor units shown as money in the reader's locale (e.g. € 12,000.00)."""
    if minor is None:
        return ""
    from babel.numbers import format_currency

    from ypb.domain.money import split_amount

    return format_currency(split_amount(minor), currency, locale=str(get_locale()))


def amount_for_input(minor: int | None) -> str:
    """Minor units as a plain number for a form field: 150050 → '1500.50', 150000 → '1500'."""
    if minor is None:
        return ""
    whole, cents = divmod(minor, 100)
    return f"{whole}" if cents == 0 else f"{whole}.{cents:02d}"


def format_when(value) -> str:
    """A date with its time of day, without seconds, in the municipality's time zone."""
    if value is None:
        return ""
    pattern = str(get_locale().datetime_formats["medium"])
    return pattern.replace("{1}", format_date(value, "medium")).replace("{0}", format_time(value, "short"))


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path + "/../translations"),
    )
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES
    app.jinja_env.globals["available_languages"] = available_languages
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())


def text_direction() -> str:
    # None of the six languages is written right to left; kept explicit for when one is.
    return "ltr"
