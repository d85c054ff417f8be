"""A competition's page tells each visitor what they can do next, and why not when they cannot;
Apply and the results stand above the description; the receipts are public after the deadline."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from organizations.factories import (
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)
from procurement.factories import ApplicationFactory, CommissionMemberFactory, CompetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def competition(municipality):
    """In place of the shared one (conftest.py): an open competition with criteria and a commission."""
    return CompetitionFactory(municipality=municipality, published=True, ready=True)


def next_step(client, competition) -> str:
    """The text of the panel that says what to do next ('' when there is none)."""
    page = client.get(competition.get_absolute_url()).content.decode()
    match = re.search(r'data-testid="apply-panel">(.*?)</section>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else ""


def test_an_anonymous_visitor_is_asked_to_log_in_or_sign_up_and_comes_back(client, competition):
    page = client.get(competition.get_absolute_url()).content.decode()
    assert "Log in or sign up to apply" in page
    back = f"?next={competition.get_absolute_url()}"
    assert f'href="{reverse("account_login")}{back}"' in page.replace("%2F", "/")
    assert f'href="{reverse("account_signup")}{back}"' in page.replace("%2F", "/")


def test_a_person_without_an_organization_is_asked_to_register_one(client_for, competition):
    text = next_step(client_for(UserFactory()), competition)
    assert text.startswith("Register your organization to apply")
    page = client_for(UserFactory()).get(competition.get_absolute_url()).content.decode()
    assert f'href="{reverse("organizations:organization-register")}"' in page


def test_a_member_of_a_pending_organization_sees_why_and_what_happens_next(client_for, competition):
    pending = OrganizationFactory(name="Jany Jol")
    member = OrganizationMembershipFactory(organization=pending).user
    client = client_for(member)
    text = next_step(client, competition)
    assert "Jany Jol cannot apply yet: it is waiting for verification" in text
    assert "check each organization's details against its charter and state registration certificate" in text
    assert "Its members receive an e-mail once it is verified" in text
    page = client.get(competition.get_absolute_url()).content.decode()
    assert f'href="{pending.get_absolute_url()}"' in page
    assert "Apply for" not in page


def test_a_member_of_a_suspended_organization_reads_the_reason(client_for, competition):
    suspended = OrganizationFactory(name="Kelechek", suspended=True, state_reason="The charter expired.")
    member = OrganizationMembershipFactory(organization=suspended).user
    text = next_step(client_for(member), competition)
    assert "Kelechek is suspended and cannot apply" in text
    assert "The charter expired." in text
    assert "It can apply again once the suspension is lifted." in text


def test_a_member_of_a_verified_organization_applies_near_the_top(client_for, competition, organization):
    member = OrganizationMembershipFactory(organization=organization).user
    page = client_for(member).get(competition.get_absolute_url()).content.decode()
    assert f"Apply for {escape(organization.name)}" in page
    assert page.index("Apply for") < page.index("About the competition")


def test_a_draft_application_is_a_reminder_of_the_deadline(client_for, competition, organization):
    member = OrganizationMembershipFactory(organization=organization).user
    ApplicationFactory(competition=competition, organization=organization)
    text = next_step(client_for(member), competition)
    assert "Your applications" in text
    assert "Finish and submit it before" in text
    assert "Apply for" not in text


@pytest.mark.parametrize("who", ["finance_staff", "consultant", "commission_member"])
def test_people_who_run_or_judge_competitions_are_not_asked_to_register(
    who, client_for, competition, request
):
    if who == "commission_member":
        user = CommissionMemberFactory(competition=competition).user
    else:
        user = request.getfixturevalue(who)
    assert "Register your organization" not in next_step(client_for(user), competition)


def test_after_the_deadline_no_one_is_invited_to_apply(client, client_for, municipality):
    closed = CompetitionFactory(municipality=municipality, past_deadline=True, ready=True)
    assert next_step(client, closed) == ""
    assert next_step(client_for(UserFactory()), closed) == ""


def test_results_stand_above_the_description(client, municipality):
    completed = CompetitionFactory(municipality=municipality, completed=True, ready=True)
    page = client.get(completed.get_absolute_url()).content.decode()
    assert page.index('data-testid="results"') < page.index("About the competition")


def test_every_page_links_to_the_receipt_check_from_its_footer(client):
    page = client.get(reverse("procurement:competition-list")).content.decode()
    footer = page[page.index("<footer") :]
    assert f'href="{reverse("procurement:receipt-verify")}"' in footer


def test_the_page_makes_the_same_queries_for_a_member_of_one_or_five_organizations(client_for, competition):
    member = UserFactory()
    OrganizationMembershipFactory(user=member, organization=OrganizationFactory(verified=True))
    client = client_for(member)
    url = competition.get_absolute_url()

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    count()  # fills the content-type cache
    one = count()
    for traits in ({"verified": True}, {}, {"suspended": True}, {}):
        OrganizationMembershipFactory(user=member, organization=OrganizationFactory(**traits))
    assert count() == one


def test_a_staff_member_of_another_municipality_is_not_asked_to_register(client_for, competition):
    other = MunicipalityMembershipFactory().user
    assert "Register your organization" not in next_step(client_for(other), competition)
