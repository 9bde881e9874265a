"""The six catalogs are complete, in step with the code, and no interface text escapes gettext.

When this fails after you added or changed a message: run `make translations` and translate
what it leaves empty in every catalog (the failure lists them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ypb.config import Config

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = Config.YPB_LANGUAGES
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3), "lazy_pgettext": ((1, "c"), 2)}
METHODS = [("ypb/**.py", "python"), ("templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdif%r]")


def _key(message_id, context=None):
    msgid = message_id[0] if isinstance(message_id, (list, tuple)) else message_id
    return (context, msgid)


@pytest.fixture(scope="module")
def source_messages() -> set[tuple[str | None, str]]:
    found = set()
    options = {"jinja2": {"extensions": "jinja2.ext.i18n"}}
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), METHODS, options_map={"templates/**.html": options.get("jinja2")}, keywords=KEYWORDS):
        found.add(_key(message, context))
    return found


def catalog(language: str):
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as fh:
        return read_po(fh, locale=language)


def test_every_language_the_switch_offers_has_a_catalog():
    assert set(LANGUAGES) == {"en", "sv", "lv", "pt", "lt", "el"}
    for language in LANGUAGES:
        assert (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").is_file(), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_holds_every_message_of_the_code_and_no_other(language, source_messages):
    held = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog(language) if m.id}
    missing = sorted(m for _, m in source_messages - held)
    stale = sorted(m for _, m in held - source_messages)
    assert not missing, f"{len(missing)} messages not in the {language} catalog (make translations): {missing[:10]}"
    assert not stale, f"{len(stale)} messages of the {language} catalog are no longer used: {stale[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    cat = catalog(language)
    problems = []
    for message in cat:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
        if isinstance(message.id, (list, tuple)) and len(strings) != cat.num_plurals:
            problems.append(("plural forms", message.id))
        if not all(s and s.strip() for s in strings):
            problems.append(("untranslated", message.id))
    assert not problems, f"{len(problems)} problems in the {language} catalog: {problems[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    wrong = []
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        wanted = {p for i in ids for p in PLACEHOLDER.findall(i) if p}
        for string in strings:
            got = set(p for p in PLACEHOLDER.findall(string or "") if p)
            # A plural form may leave the number out (Lithuanian "one" also covers 21), never add a name.
            if got - wanted or (not isinstance(message.id, (list, tuple)) and got != wanted):
                wrong.append((message.id, string))
    assert not wrong, f"{len(wrong)} translations change placeholders in {language}: {wrong[:5]}"


def test_english_catalog_says_each_message_as_written():
    for message in catalog("en"):
        if message.id:
            if isinstance(message.id, (list, tuple)):
                assert tuple(message.string) == tuple(message.id), message.id
            else:
                assert message.string == message.id, message.id


# --- text in templates that would stay English whatever the language ---------------------------

JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
READ_ATTRIBUTE = re.compile(r'\b(placeholder|title|alt|aria-label|aria-description)="([^"]*[A-Za-z][^"]*)"')
SHOWN_VALUE = re.compile(r'<input[^>]*type="(?:submit|button|reset)"[^>]*value="([^"]*[A-Za-z][^"]*)"', re.S)


def escaped_text(source: str) -> list[str]:
    """Words a reader would see that are written into the template instead of through gettext."""
    plain = JINJA.sub(" ", source)
    found = [m.group(0) for m in READ_ATTRIBUTE.finditer(plain)]
    found += [m.group(0) for m in SHOWN_VALUE.finditer(plain)]
    text = re.sub(r"&[a-zA-Z]+;|&#\d+;", " ", TAG.sub(" ", plain))
    return found + re.findall(r"[A-Za-z][A-Za-z'’]+", text)


def test_the_checker_finds_text_outside_gettext():
    assert escaped_text('<p>{{ _("Fine") }}</p>') == []
    assert escaped_text("<p>Vote now</p>") == ["Vote", "now"]
    assert escaped_text('<input type="text" placeholder="Your name">') == ['placeholder="Your name"']
    assert escaped_text('<input type="submit" value="Send">')
    assert escaped_text('<button name="a" value="held">{{ _("Held") }}</button>') == []


def test_no_template_text_escapes_gettext():
    escaped = {str(path.relative_to(ROOT)): words for path in sorted((ROOT / "templates").rglob("*.html"))
               if (words := escaped_text(path.read_text(encoding="utf-8")))}
    assert not escaped, f"text outside gettext: {escaped}"
