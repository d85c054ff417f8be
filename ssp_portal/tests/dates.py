"""The forms of date a page shows, for tests that each page writes its dates one way."""

from __future__ import annotations

import re
from html.parser import HTMLParser

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
FORMS = {
    # English, and the Russian (genitive) and Kyrgyz month names that ``E`` writes.
    # "1 December 2026", "1 декабря 2026", "2026-жылдын 1-декабры"
    "long": re.compile(
        rf"\b\d{{1,2}} (?:{MONTHS}|[а-яёА-ЯЁ]+) \d{{4}}\b" r"|\b\d{4}-жылдын \d{1,2}-[а-яөүң]+"
    ),
    "short month": re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b"),
    "dotted": re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b"),
    "slashed": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "iso": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
}


class _Visible(HTMLParser):
    """The text a reader sees: no attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def date_forms(html: str) -> dict[str, list[str]]:
    """Each form of date the page shows, with the dates written in it."""
    parser = _Visible()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    found = {name: pattern.findall(text) for name, pattern in FORMS.items()}
    return {name: dates for name, dates in found.items() if dates}
