"""The portal's Russian and Kyrgyz catalogs as data, and the English left on a rendered page.

``catalog(language)`` reads ``locale/<language>/LC_MESSAGES/django.po`` with the standard
library's ``gettext`` (from the compiled ``.mo``); ``english_left(html, language)`` returns the text
of a page that is still the English source of a string the catalog translates.
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

LANGUAGES = ("ky", "ru")
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdif]|%[sd]|\{[a-z_0-9]*\}")
# Attributes a person reads or hears.
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "textarea"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip


def po_path(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"


def _normal(text: str) -> str:
    return " ".join(text.split())


@cache
def catalog(language: str) -> dict[str, str]:
    """msgid → msgstr of the compiled catalog (plural entries by their singular)."""
    mo = po_path(language).with_suffix(".mo")
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    entries: dict[str, str] = {}
    for key, value in translations._catalog.items():  # the parsed catalog, msgid → msgstr
        if isinstance(key, tuple):  # (msgid, plural index)
            key, index = key
            if index:
                continue
        if not key:  # the header
            continue
        entries[key.split("\x04", 1)[-1]] = value
    return entries


def _mo_entries(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    entries = {}
    for key, value in translations._catalog.items():
        if isinstance(key, tuple):
            key = key[0]
        if key:
            entries.setdefault(key.split("\x04", 1)[-1], value)
    return entries


@cache
def framework_gaps(language: str) -> dict[str, str]:
    """Strings of the frameworks whose pages the portal shows (Django, allauth) that their own
    catalog for ``language`` leaves in English; each maps to itself."""
    import allauth
    import django

    gaps: dict[str, str] = {}
    for package in (django.__file__, allauth.__file__):
        base = Path(package).parent / ("conf/locale" if package == django.__file__ else "locale")
        ours = _mo_entries(base / language / "LC_MESSAGES" / "django.mo")
        for msgid in _mo_entries(base / "ru" / "LC_MESSAGES" / "django.mo"):
            if not ours.get(msgid):
                gaps[msgid] = msgid
    return gaps


@cache
def english_sources(language: str) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The English texts a page in ``language`` must not show: each translated msgid that differs
    from its translation, as whole text (without placeholders) or as a pattern (with them), and
    the strings Django and allauth leave untranslated unless the portal's catalog translates them."""
    plain: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    own = catalog(language)
    gaps = {k: "" for k in framework_gaps(language) if k not in own}
    for msgid, msgstr in {**gaps, **own}.items():
        if _normal(msgid) == _normal(msgstr) or not re.search("[A-Za-z]{2}", msgid):
            continue
        if "<" in msgid:  # HTML in the string: its text nodes are checked one by one
            continue
        if PLACEHOLDER.search(msgid):
            parts = PLACEHOLDER.split(_normal(msgid))
            if sum(len(p.strip()) for p in parts) < 12:  # too little fixed text to be sure
                continue
            patterns.append(re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$"))
        else:
            plain.add(_normal(msgid))
    return frozenset(plain), tuple(patterns)


class _Texts(HTMLParser):
    """Text nodes and read attributes of a page, outside parts in another language or code."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        skipped = (
            self.skipping
            or tag in SKIPPED_ELEMENTS
            or (lang is not None and tag != "html" and not lang.startswith(self.language))
            or "data-typed" in values  # what a person typed, in the language they wrote
        )
        if not skipped:
            self.texts.extend(values[a] for a in READ_ATTRIBUTES if values.get(a))
            if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
                self.texts.append(values["value"])
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(data)


def english_left(html: str, language: str) -> list[str]:
    """Texts of ``html`` that are the English source of a string translated into ``language``."""
    plain, patterns = english_sources(language)
    parser = _Texts(language)
    parser.feed(html)
    found = []
    for text in parser.texts:
        text = _normal(text)
        if len(text) < 2:
            continue
        if text in plain or any(p.match(text) for p in patterns):
            found.append(text)
    return found
