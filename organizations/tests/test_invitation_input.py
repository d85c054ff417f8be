"""An invitation's address (and the invited person's name) with a control, direction or
zero-width character is refused beside the field, and nothing is sent or stored."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from organizations.factories import OrganizationInvitationFactory
from organizations.forms import InvitationAccountForm, MemberInviteForm
from organizations.models import OrganizationInvitation, User

pytestmark = pytest.mark.django_db

HIDDEN = [
    ("\u202e", "U+202E"),  # right-to-left override
    ("\u202a", "U+202A"),
    ("\u2066", "U+2066"),  # left-to-right isolate
    ("\u2069", "U+2069"),
    ("\u200e", "U+200E"),  # left-to-right mark
    ("\u200f", "U+200F"),
    ("\u200b", "U+200B"),  # zero-width space
    ("\u200d", "U+200D"),  # zero-width joiner
    ("\ufeff", "U+FEFF"),  # byte-order mark
    ("\x07", "U+0007"),  # bell
    ("\x00", "U+0000"),
]


@pytest.mark.parametrize(("character", "code"), HIDDEN)
@pytest.mark.parametrize("where", ["aida{}@example.org", "aida@exam{}ple.org", "aida@example.org{}x"])
def test_an_address_with_a_hidden_character_is_refused_with_its_name(character, code, where):
    form = MemberInviteForm({"email": where.format(character)})
    assert not form.is_valid()
    [message] = form.errors["email"]
    assert code in message
    assert "hidden character" in message


def test_an_ordinary_address_is_accepted():
    form = MemberInviteForm({"email": "  Aida@Example.org "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "aida@example.org"


def test_the_page_says_so_beside_the_field_and_sends_nothing(organization, nco_member, client_for):
    response = client_for(nco_member).post(
        reverse("organizations:invitation-create", args=[organization.pk]),
        {"email": "aida@exam\u202eple.org"},
    )
    assert response.status_code == 400
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in response.content.decode()
    assert "hidden character" in str(response.context["invite_form"].errors["email"])
    assert not OrganizationInvitation.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(("character", "code"), HIDDEN)
def test_the_invited_persons_name_with_a_hidden_character_is_refused(character, code):
    form = InvitationAccountForm(
        {"full_name": f"Aida{character} Sydykova", "password1": "x", "password2": "x"},
        email="aida@example.org",
    )
    assert not form.is_valid()
    assert code in form.errors["full_name"][0]


def test_the_account_page_refuses_such_a_name(organization, client):
    invitation = OrganizationInvitationFactory(organization=organization, email="aida@example.org")
    password = "a-long-Passw0rd-2026"
    response = client.post(
        reverse("organizations:invitation-account", args=[invitation.key]),
        {"full_name": "Aida \u2067Sydykova", "password1": password, "password2": password},
    )
    assert response.status_code == 400
    assert "U+2067" in response.content.decode()
    assert not User.objects.filter(email="aida@example.org").exists()
