"""The language switch comes back to a page that opens: after a form was sent to an address that
takes only POST and came back with errors, it returns to the page the form was on (a page of this
site), else to the home page; never to the POST-only address, which would answer 405."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from monitoring.tests.contracted_project import build

pytestmark = pytest.mark.django_db


def _next(html: str) -> str:
    form = re.search(r'<form[^>]*action="/i18n/setlang/"[^>]*>(.*?)</form>', html, re.S)
    assert form
    return re.search(r'name="next" value="([^"]*)"', form.group(1)).group(1).replace("&amp;", "&")


@pytest.fixture
def project(municipality, organization, finance_staff):
    return build(municipality, organization, finance_staff).project


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://testserver/projects/{pk}/schedule/?tab=1", "/projects/{pk}/schedule/?tab=1"),
        ("https://elsewhere.example/phish/", "/"),
        (None, "/"),
    ],
)
def test_after_errors_on_a_post_only_address_the_switch_returns_to_a_page_that_opens(
    project, finance_staff, client_for, referer, expected
):
    client = client_for(finance_staff)
    fill = reverse("monitoring:project-schedule-fill", args=[project.pk])
    headers = {"referer": referer.format(pk=project.pk)} if referer else {}
    response = client.post(fill, {"every_months": "", "period_ends": "", "due_days": "10"}, headers=headers)
    assert response.status_code == 400
    target = _next(response.content.decode())
    assert target == expected.format(pk=project.pk)
    assert target != fill
    switched = client.post(reverse("set_language"), {"language": "ru", "next": target})
    assert switched.status_code == 302
    assert client.get(switched["Location"]).status_code == 200


def test_on_a_page_opened_by_get_the_switch_returns_to_it(client):
    response = client.get("/competitions/?q=water")
    assert _next(response.content.decode()) == "/competitions/?q=water"
