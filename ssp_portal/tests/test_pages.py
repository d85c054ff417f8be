from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from organizations.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def test_public_home_explains_the_portal(client, organization):
    OrganizationFactory()  # pending organizations are not counted
    page = client.get(reverse("home")).content.decode()
    assert "State social procurement, in the open" in page
    assert reverse("account_signup") in page
    assert 'class="figure-number">1</div>' in page  # one verified organization


def test_nco_member_sees_their_organizations_and_their_state(nco_member, client_for):
    pending = OrganizationMembershipFactory(
        user=nco_member, organization=OrganizationFactory(name="New Union")
    ).organization
    page = client_for(nco_member).get(reverse("home")).content.decode()
    assert 'data-testid="nco-home"' in page
    assert pending.name in page
    assert 'data-organization-state="pending"' in page
    assert 'data-organization-state="verified"' in page
    assert reverse("organizations:organization-review-list") not in page


def test_staff_see_their_municipality_and_organizations_to_verify(finance_staff, municipality, client_for):
    OrganizationFactory()
    OrganizationFactory()
    page = client_for(finance_staff).get(reverse("home")).content.decode()
    assert 'data-testid="staff-home"' in page
    assert municipality.name in page
    assert "2 organizations wait for verification." in page
    assert reverse("organizations:organization-review-list") in page


def test_consultant_sees_their_municipalities(consultant, municipality, client_for):
    page = client_for(consultant).get(reverse("home")).content.decode()
    assert "you are its monitoring consultant" in page
    assert municipality.get_absolute_url() in page


def test_a_person_without_a_role_is_invited_to_register_an_organization(no_role, client_for):
    page = client_for(no_role).get(reverse("home")).content.decode()
    assert 'data-testid="no-role-home"' in page


def test_home_queries_do_not_grow_with_organizations(nco_member, client_for, django_assert_max_num_queries):
    client = client_for(nco_member)
    for _ in range(10):
        OrganizationMembershipFactory(user=nco_member)
    with django_assert_max_num_queries(11):
        client.get(reverse("home"))


def test_language_switch_saves_the_choice_for_a_person(nco_member, client_for):
    client = client_for(nco_member)
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert response.status_code == 302
    nco_member.refresh_from_db()
    assert nco_member.language == "ru"
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="ru">' in page


def test_language_switch_for_a_visitor_uses_a_cookie(client):
    client.post(reverse("set_language"), {"language": "ky", "next": "/"})
    assert '<html lang="ky">' in client.get(reverse("home")).content.decode()


def test_every_language_is_offered(client):
    page = client.get(reverse("home")).content.decode()
    for code in ("ky", "ru", "en"):
        assert f'name="language" value="{code}"' in page


def test_not_found_page_has_the_portal_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page does not exist, or it is not yours to see" in page
    assert 'class="navbar' in page


def test_forbidden_page_has_the_portal_layout(nco_member, client_for):
    response = client_for(nco_member).get(reverse("organizations:organization-review-list"))
    assert response.status_code == 403
    assert "You are not allowed to do this" in response.content.decode()


def test_server_error_page_renders_without_context(rf):
    from ssp_portal.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_an_expired_form_gets_a_plain_explanation(nco_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nco_member)
    response = client.post(reverse("organizations:organization-register"), {})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def test_static_files_are_served_by_the_app(client):
    for path in (
        "/static/bootstrap/css/bootstrap.min.css",
        "/static/css/portal.css",
        "/static/django_htmx/htmx-2.min.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path


def test_pages_use_no_external_resources(client):
    page = client.get(reverse("home")).content.decode()
    assert "cdn." not in page
    assert 'src="http' not in page
    assert 'href="http' not in page


def test_admin_lists_and_shows_every_model(admin_user, client_for, settings, rf):
    from django.contrib import admin
    from django.core.management import call_command

    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    client = client_for(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        response = client.get(
            reverse(f"{name}_changelist"), {"q": "karakol"} if model_admin.search_fields else {}
        )
        assert response.status_code == 200, name
        listing = rf.get("/")
        listing.user = admin_user
        first = model_admin.get_queryset(listing).first()
        if first is not None:
            assert client.get(reverse(f"{name}_change", args=[first.pk])).status_code == 200, name


def test_admin_is_closed_to_finance_staff_and_visitors(finance_staff, client_for):
    assert client_for(finance_staff).get(reverse("admin:index"), follow=True).status_code == 403
    # Visitors log in through the portal's log-in, which throttles failures.
    anonymous = Client().get(reverse("admin:index"), follow=True)
    assert anonymous.redirect_chain[-1][0].startswith(reverse("account_login"))
