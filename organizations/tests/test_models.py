from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organizations.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)
from organizations.models import MunicipalityMembership, Organization, User
from organizations.services.memberships import municipality_membership_add

pytestmark = pytest.mark.django_db


def test_users_log_in_with_a_lowercased_email():
    user = User.objects.create_user("Aigul.Mamytova@Example.ORG", "secret-password-1")
    assert user.email == "aigul.mamytova@example.org"
    assert user.check_password("secret-password-1")
    assert user.get_full_name() == "aigul.mamytova@example.org"


def test_email_is_unique_whatever_its_case():
    UserFactory(email="finance@karakol.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="FINANCE@karakol.example")])


def test_a_person_holds_one_role_per_municipality():
    membership = MunicipalityMembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityMembership.objects.create(
            user=membership.user,
            municipality=membership.municipality,
            role=MunicipalityMembership.Role.CONSULTANT,
        )


def test_appointing_a_second_role_is_refused_with_a_message():
    membership = MunicipalityMembershipFactory()
    with pytest.raises(ValidationError, match="one person holds one role there"):
        municipality_membership_add(
            municipality=membership.municipality,
            user=membership.user,
            role=MunicipalityMembership.Role.CONSULTANT,
        )
    assert MunicipalityMembership.objects.count() == 1


def test_appointing_again_is_idempotent_and_a_consultant_may_serve_several_municipalities():
    user = UserFactory()
    karakol, naryn = MunicipalityFactory(), MunicipalityFactory()
    role = MunicipalityMembership.Role.CONSULTANT
    first = municipality_membership_add(municipality=karakol, user=user, role=role)
    again = municipality_membership_add(municipality=karakol, user=user, role=role)
    municipality_membership_add(municipality=naryn, user=user, role=role)
    assert first.pk == again.pk
    assert user.municipality_memberships.consultants().count() == 2


def test_a_role_outside_the_choices_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityMembership.objects.create(
            user=UserFactory(), municipality=MunicipalityFactory(), role="mayor"
        )


def test_organization_membership_is_unique():
    membership = OrganizationMembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationMembershipFactory(user=membership.user, organization=membership.organization)


def test_inn_is_unique_and_fourteen_digits_in_the_database():
    organization = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(inn=organization.inn)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(inn="12345")


def test_state_is_one_of_three_in_the_database():
    organization = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(state="approved")


def test_visible_to_scopes_organizations_by_role(
    finance_staff, consultant, nco_member, organization, other_organization
):
    assert set(Organization.objects.visible_to(nco_member)) == {organization}
    assert set(Organization.objects.visible_to(finance_staff)) == {organization, other_organization}
    assert set(Organization.objects.visible_to(consultant)) == set()
    assert set(Organization.objects.visible_to(UserFactory())) == set()
    inactive = OrganizationMembershipFactory(organization=organization, user__is_active=False).user
    assert set(Organization.objects.visible_to(inactive)) == set()
