"""E-mails and PDFs in Kyrgyz and Russian: the demo seeded for people who read each language sends
its e-mails in that language, and every document of every demo subject renders in it, with the
Kyrgyz letters ң ө ү in the PDF's text."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test.utils import override_settings
from django.utils import timezone, translation

from ssp_portal.documents.registry import kinds
from ssp_portal.documents.rendering import html_to_pdf
from ssp_portal.documents.tests.conftest import pdf_text
from ssp_portal.notifications.models import OutgoingEmail as Email
from ssp_portal.tests.catalogs import LANGUAGES, english_left

pytestmark = pytest.mark.django_db

KYRGYZ_LETTERS = set("ңөүҢӨҮ")


@pytest.fixture
def seeded(settings, tmp_path):
    def seed(language: str) -> None:
        settings.SSP_DEMO_ALLOWED = True
        settings.MEDIA_ROOT = tmp_path
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            call_command("seed_demo", "--quiet", "--language", language)

    return seed


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_demos_emails_are_in_the_language_of_their_recipients(seeded, language):
    seeded(language)
    emails = list(Email.objects.all())
    templates = {email.template for email in emails}
    assert len(templates) >= 4, templates
    for email in emails:
        assert email.language == language
        leaks = english_left(f'<html lang="{language}"><body>{email.html}</body></html>', language)
        assert leaks == [], (email.template, leaks)
        assert english_left(f"<p>{email.subject}</p>", language) == [], email.template
        if language == "ky":
            assert KYRGYZ_LETTERS & set(email.text), email.template


def _rendered(kind, subject, language: str) -> str:
    with translation.override(language):
        context = {
            **kind.context(subject),
            "generated_at": timezone.now(),
            "site_url": settings.SSP_SITE_URL,
        }
        return render_to_string(kind.template, context)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_document_of_the_demo_renders_in_the_language(seeded, language):
    seeded("ru")
    rendered = 0
    # The PDFs; a kind built otherwise (the auditor's bundle) is tested with its builder.
    pdf_kinds = {code: kind for code, kind in kinds().items() if kind.template}
    for code, kind in sorted(pdf_kinds.items()):
        subjects = list(kind.model.objects.order_by("pk"))
        assert subjects, f"the demo has nothing to render {code} for"
        for subject in subjects:
            html = _rendered(kind, subject, language)
            assert f'lang="{language}"' in html, code
            assert english_left(html, language) == [], (code, str(subject))
            rendered += 1
        # One PDF of each kind: its text carries the translated heading and, in Kyrgyz, its letters.
        html = _rendered(kind, subjects[-1], language)
        text = " ".join(pdf_text(html_to_pdf(html)).split())
        heading = " ".join(
            re.sub(r"<[^>]+>", " ", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).split()
        )
        assert unescape(heading) in text, (code, heading)
        if language == "ky":
            assert KYRGYZ_LETTERS & set(text), code
    assert rendered >= 10
