"""The organization page writes every date in one form, the long one ("1 December 2026",
"1 декабря 2026"), in every language: never beside "01.12.2026" or "1 Dec 2026"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from organizations import services
from organizations.factories import OrganizationDocumentFactory
from organizations.models import Organization

pytestmark = pytest.mark.django_db

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
FORMS = {
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
    parser = _Visible()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    found = {name: pattern.findall(text) for name, pattern in FORMS.items()}
    return {name: dates for name, dates in found.items() if dates}


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
def test_the_organization_page_writes_its_dates_in_one_form(
    organization, nco_member, finance_staff, client_for, language
):
    Organization.objects.filter(pk=organization.pk).update(
        status_changed_at=timezone.now(), status_changed_by=finance_staff
    )
    OrganizationDocumentFactory(organization=organization, uploaded_by=nco_member)
    services.organization_invite(organization=organization, by=nco_member, email="colleague@example.org")
    nco_member.language = language
    nco_member.save(update_fields=["language"])
    client = client_for(nco_member)
    client.cookies["django_language"] = language
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    forms = date_forms(response.content.decode())
    assert set(forms) == {"long"}, forms
