"""The finding: entering a colleague's address on the organization page made them a member at once."""

from __future__ import annotations

import pytest

from organizations.factories import UserFactory
from ssp_portal.tests.forms_as_rendered import forms_on

pytestmark = pytest.mark.django_db


def colleague_form(client, organization):
    url = organization.get_absolute_url()
    forms = forms_on(client.get(url).content.decode(), url)
    return next(form for form in forms if any(c.name == "email" and c.type == "email" for c in form.fields))


def test_entering_a_colleagues_address_makes_no_one_a_member(organization, nco_member, client_for):
    outsider = UserFactory(email="baldarga@ngo.example")
    client = client_for(nco_member)
    form = colleague_form(client, organization)
    response = client.post(form.action, {**form.data(), "email": outsider.email}, follow=True)
    assert response.status_code == 200
    assert not organization.memberships.filter(user=outsider).exists()
    assert "now a member" not in response.content.decode()


def test_entering_ones_own_address_says_so(organization, nco_member, client_for):
    client = client_for(nco_member)
    form = colleague_form(client, organization)
    response = client.post(form.action, {**form.data(), "email": nco_member.email}, follow=True)
    page = response.content.decode()
    assert "now a member" not in page
    assert "your own address" in page
