"""The administration site answers hostile input with messages, never with a 500."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from organizations.factories import MunicipalityFactory, OrganizationFactory, UserFactory
from organizations.models import MunicipalityMembership, OrganizationMembership
from procurement.factories import CompetitionFactory
from procurement.models import CommissionMember, Competition

pytestmark = pytest.mark.django_db


def test_the_organization_add_page_opens(admin_client):
    response = admin_client.get(reverse("admin:organizations_organization_add"))
    assert response.status_code == 200
    assert "page on the portal" in response.content.decode().lower()


def test_the_organization_change_page_links_to_the_portal(admin_client):
    organization = OrganizationFactory()
    response = admin_client.get(reverse("admin:organizations_organization_change", args=[organization.pk]))
    assert response.status_code == 200
    assert organization.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "1e309", "-1", "NaN", "99999999999999999999999"])
@pytest.mark.parametrize(
    ("url_name", "model", "fields"),
    [
        ("admin:organizations_municipalitymembership_add", MunicipalityMembership, ["user", "municipality"]),
    ],
)
def test_a_membership_with_ids_that_are_not_ids_is_refused_beside_the_field(
    admin_client, url_name, model, fields, value
):
    data = dict.fromkeys(fields, value) | {
        "role": "staff",
        "created_at_0": "2026-01-01",
        "created_at_1": "10:00",
    }
    response = admin_client.post(reverse(url_name), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not model.objects.exists()


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "1"])
def test_no_organization_membership_is_added_in_the_admin_whatever_is_posted(admin_client, value):
    """People join an organization by accepting an invitation; the admin offers no add."""
    OrganizationFactory()
    response = admin_client.post(
        reverse("admin:organizations_organizationmembership_add"), {"user": value, "organization": value}
    )
    assert response.status_code == 403
    assert not OrganizationMembership.objects.exists()


def test_a_membership_still_shows_the_person_chosen_when_another_field_is_wrong(admin_client):
    user = UserFactory(full_name="Aigul Mamytova")
    response = admin_client.post(
        reverse("admin:organizations_municipalitymembership_add"),
        {"user": user.pk, "municipality": "abc", "role": "staff"},
    )
    assert response.status_code == 200
    assert "Aigul Mamytova" in response.content.decode()


def test_the_user_admin_inlines_refuse_ids_that_are_not_ids(admin_client):
    user = UserFactory()
    prefix = "municipality_memberships"
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "language": "en",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-municipality": "abc",
        f"{prefix}-0-role": "staff",
        "organization_memberships-TOTAL_FORMS": "0",
        "organization_memberships-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:organizations_user_change", args=[user.pk]), data)
    assert response.status_code == 200
    assert not MunicipalityMembership.objects.exists()


def test_a_commission_is_appointed_on_the_portal_not_in_the_admin(admin_client):
    """The commission page checks the roles and writes the audit event; the admin offers no add."""
    competition = CompetitionFactory()
    assert admin_client.get(reverse("admin:procurement_commissionmember_add")).status_code == 403
    response = admin_client.post(reverse("admin:procurement_commissionmember_add"), {"affiliation": "x"})
    assert response.status_code == 403
    assert not CommissionMember.objects.filter(competition=competition).exists()


def test_the_terms_of_a_competition_are_not_changed_in_the_admin(admin_client):
    """Deadline, budget and criteria change only through amendments, which applicants see."""
    competition = CompetitionFactory()
    url = reverse("admin:procurement_competition_change", args=[competition.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="deadline_0"' not in page.content.decode()
    assert 'name="budget"' not in page.content.decode()
    before = Competition.objects.values().get(pk=competition.pk)
    admin_client.post(
        url, {"budget": "1", "title": "Changed", "deadline_0": "2099-01-01", "deadline_1": "10:00"}
    )
    assert Competition.objects.values().get(pk=competition.pk) == before


def test_a_municipality_added_in_the_admin_gets_its_phone_checked(admin_client):
    data = {
        "name": "Tokmok",
        "slug": "tokmok",
        "code": "TKM",
        "kind": "city",
        "region": "chuy",
        "phone": "hello",
        "time_zone": "Asia/Bishkek",
        "min_submission_days": "30",
        "is_active": "on",
        "created_at_0": "2026-01-01",
        "created_at_1": "10:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:organizations_municipality_add"), data)
    assert response.status_code == 200
    assert "+996" in response.content.decode()
    response = admin_client.post(
        reverse("admin:organizations_municipality_add"), data | {"phone": "0 (3922) 5-00-01"}
    )
    assert response.status_code == 302
    assert MunicipalityFactory._meta.model.objects.get(code="TKM").phone == "+996392250001"


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999"])
def test_chosen_permissions_that_cannot_exist_are_refused_beside_the_field(admin_client, value):
    response = admin_client.post(reverse("admin:auth_group_add"), {"name": "Auditors", "permissions": value})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Group.objects.exists()


LIST_QUERIES = [
    "q=%00",
    "q=" + "x" * 5000,
    "o=abc",
    "p=abc",
    "e=1",
    "created_at__year=99999",
    "created_at__month=13&created_at__year=2026",
    "requested_at__year=abc",
    "id__exact=abc",
    "municipality__id__exact=99999999999999999999999",
]
OBJECT_PATHS = ["abc/change/", "99999999999999999999/change/", "abc/delete/", "abc/history/"]


def test_no_admin_list_or_object_address_answers_500_to_hostile_parameters(admin_client):
    OrganizationFactory()
    admin_client.raise_request_exception = False
    broken = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        addresses = [f"{url}?{query}" for query in LIST_QUERIES] + [url + path for path in OBJECT_PATHS]
        for address in addresses:
            status = admin_client.get(address).status_code
            if status >= 500:
                broken.append(f"{address[:120]}: {status}")
    assert not broken, "\n".join(broken)


def test_a_list_filtered_by_an_impossible_year_is_a_bad_request(admin_client):
    response = admin_client.get(
        reverse("admin:organizations_municipality_changelist") + "?created_at__year=99999"
    )
    assert response.status_code == 400
    ok = admin_client.get(reverse("admin:organizations_municipality_changelist") + "?created_at__year=2026")
    assert ok.status_code == 200
