"""Which language a page speaks: the reader's choice, then their browser's, then the municipality's."""

from __future__ import annotations

import re

import pytest

from tests.conftest import post_form, sign_in

WELCOME = {
    "en": "Your ideas, your budget",
    "sv": "Dina idéer, din budget",
    "lv": "Tavas idejas, tavs budžets",
    "pt": "As tuas ideias, o teu orçamento",
    "lt": "Tavo idėjos, tavo biudžetas",
    "el": "Οι ιδέες σου, ο προϋπολογισμός σου",
}


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)" dir="(ltr|rtl)"', html).group(1)


@pytest.mark.parametrize("language", sorted(WELCOME))
def test_the_browser_language_is_spoken_when_nobody_chose(app, language):
    html = app.test_client().get("/", headers={"Accept-Language": f"{language},en;q=0.5"}).get_data(as_text=True)
    assert html_lang(html) == language
    assert WELCOME[language] in html


def test_a_language_nobody_translated_falls_back_to_the_municipality_default(make_app):
    html = make_app().test_client().get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert html_lang(html) == "en"
    lv = make_app(BABEL_DEFAULT_LOCALE="lv").test_client().get("/", headers={"Accept-Language": "de"})
    assert html_lang(lv.get_data(as_text=True)) == "lv"


def test_the_switch_beats_the_browser_and_is_kept_in_a_cookie(app):
    client = app.test_client()
    post_form(client, "/language", {"lang": "el", "next": "/"}, token_from="/")
    html = client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert html_lang(html) == "el" and WELCOME["el"] in html


def test_an_account_keeps_its_language_on_every_device(app, users):
    first = app.test_client()
    sign_in(first, "youth-user")
    post_form(first, "/language", {"lang": "lt", "next": "/"}, token_from="/")
    other_device = app.test_client()
    sign_in(other_device, "youth-user")
    html = other_device.get("/", headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert html_lang(html) == "lt" and WELCOME["lt"] in html


def test_an_unknown_language_is_ignored(app):
    client = app.test_client()
    post_form(client, "/language", {"lang": "xx", "next": "/"}, token_from="/")
    assert html_lang(client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)) == "sv"


def test_money_and_dates_follow_the_language_and_what_people_wrote_does_not(app, world):
    client = app.test_client()
    path = f"/proposals/{world['proposal']}"
    english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    swedish = client.get(path, headers={"Accept-Language": "sv"}).get_data(as_text=True)
    # 1,200,000 cents: € 12,000.00 in English, 12 000,00 € in Swedish (with no-break spaces).
    assert "€12,000.00" in english
    assert re.search(r"12\s000,00\s€", swedish)
    # The proposal is shown as its author wrote it, in every language.
    assert "Skate park lights" in english and "Skate park lights" in swedish
    assert "Lights so we can skate after dark." in swedish


def test_dates_use_the_language_month_names(app, world):
    client = app.test_client()
    path = f"/cycles/{world['cycle_feedback']}"
    english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, 20\d\d", english)
    swedish = client.get(path, headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert re.search(r"\d{1,2} (jan|feb|mars|apr|maj|juni|juli|aug|sep|okt|nov|dec)\.? 20\d\d", swedish)
    greek = client.get(path, headers={"Accept-Language": "el"}).get_data(as_text=True)
    assert re.search(r"\d{1,2} [Α-Ωα-ωάέήίόύώ]{3,}\.? 20\d\d", greek)
