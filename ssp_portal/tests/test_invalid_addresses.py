"""An address with a NUL or another control character answers the portal's 404 page, whatever
route it looks like and whoever asks (ssp_portal/middleware.py, InvalidAddressMiddleware).

No link, form or typed address holds one; PostgreSQL refuses a NUL in any query a view would
make with it. Every URL pattern of the portal (the admin's and allauth's included) is tried with
a NUL in each of its parameters, with one after its path, and with control characters in its
query string.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from organizations.factories import OrganizationMembershipFactory
from procurement.factories import CompetitionFactory
from procurement.models import Application
from ssp_portal.tests.access import url_names

pytestmark = pytest.mark.django_db

NOT_FOUND = "This page does not exist, or it is not yours to see"
# A value that fits every parameter of the portal's routes (int, slug, str, path).
SAMPLE = "1"


def address_formats(name: str) -> list[tuple[str, list[str]]]:
    """The URL name's paths as ``%(parameter)s`` formats, with their parameters' names."""
    resolver = get_resolver()
    *namespaces, view = name.split(":")
    prefix = "/"
    for namespace in namespaces:
        extra, resolver = resolver.namespace_dict[namespace]
        prefix += re.sub(r"\\(.)", r"\1", extra)
    return [
        (prefix + result, params)
        for possibilities, *_ in resolver.reverse_dict.getlist(view)
        for result, params in possibilities
    ]


def invalid_addresses() -> list[str]:
    """Every pattern with a NUL in each of its parameters, after its path, and in its query."""
    addresses = []
    for name in sorted(url_names()):
        for result, params in address_formats(name):
            plain = dict.fromkeys(params, SAMPLE)
            path = result % plain
            for param in params:
                addresses.append(result % {**plain, param: quote("KRK-2026-001") + "%00"})
            addresses += [path + "%00", path + "?q=%00", path + "?next=%2F&q=a%1Bb", path + "?%7F=1"]
    return addresses


def test_the_patterns_are_all_there():
    """The enumeration reaches the routes that answered 500 or 400 before (a sanity check)."""
    addresses = invalid_addresses()
    assert "/competitions/KRK-2026-001%00/" in addresses
    assert "/competitions/KRK-2026-001%00/ranking/" in addresses
    assert "/admin/procurement/competition/KRK-2026-001%00/change/" in addresses
    assert "/accounts/confirm-email/KRK-2026-001%00/" in addresses
    assert len(addresses) > 4 * len(url_names())


def test_every_route_with_a_control_character_answers_the_404_page():
    client = Client(raise_request_exception=False)
    wrong = []
    for address in invalid_addresses():
        response = client.get(address)
        if response.status_code != 404 or NOT_FOUND not in response.content.decode():
            wrong.append(f"{address}: {response.status_code}")
    assert not wrong, f"{len(wrong)} addresses:\n" + "\n".join(wrong[:40])


@pytest.mark.parametrize("persona", ["nco_member", "finance_staff", "consultant", "admin_user"])
def test_the_competition_routes_answer_404_to_everyone(persona, request, client_for, municipality):
    competition = CompetitionFactory(municipality=municipality, published=True)
    client = client_for(request.getfixturevalue(persona))
    client.raise_request_exception = False
    routes = [
        result
        for name in sorted(url_names())
        for result, params in address_formats(name)
        if result.startswith("/competitions/%(reference)s/")
    ]
    assert len(routes) > 10
    for route in routes:
        for reference in (competition.reference + "%00", "%00", quote(competition.reference) + "%0A"):
            response = client.get(route % {"reference": reference})
            assert response.status_code == 404, route % {"reference": reference}
            assert NOT_FOUND in response.content.decode()
        response = client.get(route % {"reference": competition.reference} + "?q=%00")
        assert response.status_code == 404, route


def test_the_404_page_of_such_an_address_leads_home_not_back_to_it(client):
    response = client.get("/competitions/%00/?page=%00")
    page = response.content.decode()
    assert response.status_code == 404
    # The error page's and the navigation's log-in links, and the language switch, all lead home.
    assert f'href="{reverse("account_login")}?next=%2F"' in page
    assert f'href="{reverse("account_login")}"' in page
    assert '<input type="hidden" name="next" value="/">' in page
    assert "\x00" not in page


def test_a_logged_in_person_sees_the_404_page_with_their_own_menu(nco_member, client_for):
    response = client_for(nco_member).get("/competitions/KRK-2026-001%00/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="account-menu"' in page
    assert "My applications" in page


def test_a_form_sent_to_such_an_address_changes_nothing(municipality, client_for):
    membership = OrganizationMembershipFactory(organization__verified=True)
    competition = CompetitionFactory(municipality=municipality, published=True)
    client = client_for(membership.user)
    data = {"organization": membership.organization.pk}
    response = client.post(f"/competitions/{competition.reference}%00/apply/", data)
    assert response.status_code == 404
    response = client.post(f"/competitions/{competition.reference}/apply/?next=%00", data)
    assert response.status_code == 404
    assert not Application.objects.exists()
    # The same form at its own address works.
    response = client.post(f"/competitions/{competition.reference}/apply/", data)
    assert response.status_code == 302
    assert Application.objects.filter(organization=membership.organization).exists()


@pytest.mark.parametrize("address", ["/competitions/", "/competitions/?q=Karakol", "/competitions/?q=%D0%96"])
def test_ordinary_addresses_are_not_touched(client, address):
    assert client.get(address).status_code == 200


def test_a_multi_line_text_sent_by_get_is_not_an_invalid_address(client):
    """A confirmation page carries a typed reason in its query: its line breaks and tabs are text."""
    response = client.get(reverse("home"), {"reason": "First line.\r\nSecond\tline."})
    assert response.status_code == 200
    assert client.get(reverse("home"), {"reason": "bell\x07"}).status_code == 404
