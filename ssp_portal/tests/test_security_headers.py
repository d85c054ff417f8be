"""The headers that protect every answer: the Content-Security-Policy (django-csp), the
Permissions-Policy, and no caching of what is private (ssp_portal/middleware.py).

The policy allows no inline script, event handler or style attribute: templates keep their
JavaScript in static/js and their styles in static/css (checked here on the templates' text, and
in Chromium by test_csp_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.http import FileResponse, HttpResponse
from django.test import Client
from django.urls import reverse

from procurement.factories import ApplicationAttachmentFactory, ApplicationFactory
from ssp_portal.middleware import SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
TURNED_OFF = {"camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "midi"}


def directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def features(header: str) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in header.split(","))


def stored(response) -> bool:
    """Whether a browser or a proxy may keep the answer."""
    return "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "address",
    ["/", "/competitions/", "/accounts/login/", "/accounts/signup/", "/no-such-page/", "/competitions/%00/"],
)
def test_every_page_has_the_policy(client, address):
    response = client.get(address)
    assert directives(response["Content-Security-Policy"]) == POLICY
    assert features(response["Permissions-Policy"]).keys() >= TURNED_OFF
    assert set(features(response["Permissions-Policy"]).values()) == {"()"}


def test_the_administration_and_its_error_answers_have_the_policy(admin_user, client_for):
    client = client_for(admin_user)
    for address in (reverse("admin:index"), reverse("admin:organizations_municipality_add")):
        response = client.get(address)
        assert response.status_code == 200
        assert directives(response["Content-Security-Policy"]) == POLICY
    expired = Client(enforce_csrf_checks=True)
    expired.force_login(admin_user)
    response = expired.post(reverse("organizations:organization-register"), {})
    assert response.status_code == 403
    assert directives(response["Content-Security-Policy"]) == POLICY


@pytest.mark.parametrize("address", ["/", "/competitions/", "/priority-issues/", "/receipts/verify/"])
def test_public_pages_stay_cacheable_for_visitors(client, address):
    response = client.get(address)
    assert response.status_code == 200
    assert stored(response)
    assert "Permissions-Policy" in response


@pytest.mark.parametrize("persona", ["nco_member", "finance_staff", "consultant", "admin_user"])
def test_nothing_sent_to_a_logged_in_person_is_stored(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    client.raise_request_exception = False
    for address in ("/", "/competitions/", "/priority-issues/", "/no-such-page/", "/competitions/%00/"):
        response = client.get(address)
        assert not stored(response), f"{persona} {address}: {response.get('Cache-Control')}"
        assert "private" in response["Cache-Control"]
    # A redirect (the language switch) and a refusal too.
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert not stored(response)


def test_a_downloaded_file_is_not_stored(nco_member, client_for):
    application = ApplicationFactory(organization=nco_member.organization_memberships.get().organization)
    attachment = ApplicationAttachmentFactory(application=application)
    response = client_for(nco_member).get(
        reverse("procurement:attachment-download", args=[application.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert not stored(response)


@pytest.mark.parametrize(
    "answer",
    [
        lambda: FileResponse(ContentFile(b"%PDF-1.7", name="announcement.pdf"), as_attachment=True),
        lambda: FileResponse(ContentFile(b"\x89PNG", name="photo.png")),
        lambda: HttpResponse("a,b\n", headers={"Content-Disposition": 'attachment; filename="list.csv"'}),
    ],
)
def test_a_file_is_not_stored_even_for_a_visitor(rf, answer):
    request = rf.get("/a-public-file/")
    request.user = AnonymousUser()
    response = SecurityHeadersMiddleware(lambda request: answer())(request)
    assert not stored(response)
    page = SecurityHeadersMiddleware(lambda request: HttpResponse("<p>public</p>"))(request)
    assert stored(page)


def test_static_files_stay_cacheable_for_a_logged_in_person(nco_member, client_for):
    response = client_for(nco_member).get("/static/css/portal.css")
    assert response.status_code == 200
    assert stored(response)


# The templates' text -------------------------------------------------------------------------

TEMPLATE_DIRS = [
    settings.BASE_DIR / "templates",
    *settings.BASE_DIR.glob("*/templates"),
    *settings.BASE_DIR.glob("ssp_portal/*/templates"),
]
# E-mails and PDFs are never pages: mail readers need inline styles, and WeasyPrint has no CSP.
NOT_PAGES = re.compile(r"/(email|pdf)/|_message\.html$")
INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "an event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "a style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a javascript: address": re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I),
}


def page_templates() -> list[Path]:
    return sorted(
        path
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
        if not NOT_PAGES.search(path.as_posix())
    )


def test_no_page_template_has_inline_script_or_style():
    templates = page_templates()
    assert any(path.name == "base.html" for path in templates)
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in templates
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert not found, "\n".join(found)
