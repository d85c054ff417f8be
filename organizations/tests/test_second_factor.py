"""The second factor: who needs one (``mfa_required``), and what the portal lets them do without it
(``SecondFactorMiddleware``). People log in here through the log-in form, as they do, not with
``force_login`` (which conftest treats as a finished log-in, second factor included)."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.urls import reverse

from organizations import permissions
from organizations.factories import PASSWORD, UserFactory
from organizations.permissions import mfa_required
from ssp_portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NEEDS_A_SECOND_FACTOR = ["finance_staff", "consultant", "commission_member", "admin_user"]
ENROL = reverse("mfa_index")


@pytest.fixture(autouse=True)
def _totp_tolerance(settings):
    # A code computed as its 30 seconds end still counts when the server checks it.
    settings.MFA_TOTP_TOLERANCE = 1


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now, by allauth's own functions."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def log_in(client, user, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def enrol_totp(client) -> str:
    """Set up an authenticator app in this session, as the activation page asks; its secret."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


# The rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", NEEDS_A_SECOND_FACTOR)
def test_the_powerful_roles_need_a_second_factor(persona, request):
    assert mfa_required(request.getfixturevalue(persona))


@pytest.mark.parametrize("persona", ["nco_member", "no_role"])
def test_nco_members_and_people_without_a_role_do_not(persona, request):
    assert not mfa_required(request.getfixturevalue(persona))


def test_either_admin_flag_is_enough():
    assert mfa_required(UserFactory(is_staff=True))
    assert mfa_required(UserFactory(is_superuser=True))


def test_an_inactive_account_or_a_visitor_needs_nothing(finance_staff):
    finance_staff.is_active = False
    assert not mfa_required(finance_staff)
    assert not mfa_required(AnonymousUser())


def test_a_role_an_app_registers_later_joins_the_rule(monkeypatch, nco_member):
    monkeypatch.setattr(permissions, "_SECOND_FACTOR_ROLES", list(permissions._SECOND_FACTOR_ROLES))
    assert not mfa_required(nco_member)
    permissions.register_second_factor_role(Q(full_name=nco_member.full_name))
    assert mfa_required(nco_member)


def test_the_rule_is_one_query(finance_staff, nco_member, django_assert_num_queries):
    for user in (finance_staff, nco_member):
        with django_assert_num_queries(1):
            mfa_required(user)


# Enrolment after log-in ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", NEEDS_A_SECOND_FACTOR)
def test_a_powerful_role_without_a_second_factor_sees_only_enrolment(persona, request, client, settings):
    settings.SSP_MFA_POSTPONE_ALLOWED = False
    user = request.getfixturevalue(persona)
    assert log_in(client, user)["Location"] == reverse("home")
    for url in (
        reverse("home"),
        reverse("organizations:profile"),
        reverse("procurement:competition-list"),
        reverse("procurement:commission-home"),
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, ENROL), url
    page = client.get(ENROL)
    assert page.status_code == 200
    assert 'data-testid="second-factor-required"' in page.content.decode()
    assert 'data-testid="second-factor-postpone"' not in page.content.decode()
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.get(reverse("mfa_add_webauthn")).status_code == 200
    switched = client.post(reverse("set_language"), {"language": "ky", "next": "/competitions/"})
    assert (switched.status_code, switched["Location"]) == (302, "/competitions/")
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_sends_the_whole_page_to_enrolment(finance_staff, client, settings):
    settings.SSP_MFA_POSTPONE_ALLOWED = False
    log_in(client, finance_staff)
    response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == ENROL


@pytest.mark.parametrize("persona", ["nco_member", "no_role"])
def test_an_nco_member_is_never_asked(persona, request, client):
    log_in(client, request.getfixturevalue(persona))
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "second-factor" not in page.content.decode()


def test_once_enrolled_the_person_reaches_the_page_they_asked_for(finance_staff, client, settings):
    settings.SSP_MFA_POSTPONE_ALLOWED = False
    log_in(client, finance_staff)
    assert client.get(reverse("procurement:competition-list"))["Location"] == ENROL
    enrol_totp(client)
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert 'data-testid="second-factor-ready"' in codes
    assert f'href="{reverse("procurement:competition-list")}"' in codes
    assert client.get(reverse("procurement:competition-list")).status_code == 200
    assert client.get(reverse("home")).status_code == 200
    assert Authenticator.objects.filter(user=finance_staff).count() == 2  # the app and recovery codes


def test_the_next_log_in_asks_for_the_authenticator_code(finance_staff, client):
    secret = generate_totp_secret()
    TOTP.activate(finance_staff, secret)
    response = log_in(client, finance_staff)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    refused = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


# Postponing (development only) ----------------------------------------------------------------


def test_postponing_lets_the_person_in_for_the_session_with_a_warning_on_every_page(
    finance_staff, client, settings
):
    settings.SSP_MFA_POSTPONE_ALLOWED = True
    log_in(client, finance_staff)
    assert client.get(reverse("procurement:competition-list"))["Location"] == ENROL
    assert 'data-testid="second-factor-postpone"' in client.get(ENROL).content.decode()
    response = client.post(reverse("organizations:second-factor-postpone"))
    assert (response.status_code, response["Location"]) == (302, reverse("procurement:competition-list"))
    for url in (reverse("home"), reverse("procurement:competition-list"), reverse("organizations:profile")):
        page = client.get(url)
        assert page.status_code == 200, url
        assert 'data-testid="second-factor-postponed"' in page.content.decode(), url
        assert f'href="{ENROL}"' in page.content.decode()
    assert AuditEvent.objects.filter(verb="account.second_factor_postponed", actor=finance_staff).count() == 1

    client.post(reverse("account_logout"))
    log_in(client, finance_staff)
    assert client.get(reverse("home"))["Location"] == ENROL  # the next session asks again


def test_postponing_is_refused_where_it_is_not_allowed(finance_staff, client, settings):
    settings.SSP_MFA_POSTPONE_ALLOWED = False
    log_in(client, finance_staff)
    assert client.post(reverse("organizations:second-factor-postpone")).status_code == 403
    assert client.get(reverse("home"))["Location"] == ENROL
    assert not AuditEvent.objects.filter(verb="account.second_factor_postponed").exists()


def test_an_nco_member_has_nothing_to_postpone(nco_member, client, settings):
    settings.SSP_MFA_POSTPONE_ALLOWED = True
    log_in(client, nco_member)
    assert client.post(reverse("organizations:second-factor-postpone")).status_code == 403


# The Django admin -------------------------------------------------------------------------------


def test_the_admin_log_in_is_the_portals(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_the_admin_refuses_a_session_without_the_second_factor(admin_user, client, settings):
    settings.SSP_MFA_POSTPONE_ALLOWED = True
    log_in(client, admin_user)
    client.post(reverse("organizations:second-factor-postpone"))
    assert client.get(reverse("home")).status_code == 200  # the portal, postponed
    response = client.get(reverse("admin:index"))
    assert (response.status_code, response["Location"]) == (302, ENROL)

    secret = enrol_totp(client)  # set up in this session, after a log-in with the password only
    response = client.get(reverse("admin:organizations_organization_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate") + "?next=/admin/")
    confirmed = client.post(response["Location"], {"code": totp_code(secret)})
    assert confirmed["Location"] == "/admin/organizations/organization/"
    assert client.get(reverse("admin:organizations_organization_changelist")).status_code == 200


def test_the_admin_opens_after_a_log_in_with_the_second_factor(admin_user, client):
    secret = generate_totp_secret()
    TOTP.activate(admin_user, secret)
    log_in(client, admin_user)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_password_only_session_of_an_enrolled_admin_is_asked_for_the_code(admin_user, client):
    """A session that did not use the second factor (here made by Django's own log-in, as a
    session from before enrolment would be) does not open the admin."""
    TOTP.activate(admin_user, generate_totp_secret())
    client._login(admin_user, "django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_a_role_that_needs_a_second_factor_cannot_remove_its_last_one(finance_staff, nco_member, client):
    TOTP.activate(finance_staff, generate_totp_secret())
    client.force_login(finance_staff)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication." in response.content.decode()
    assert Authenticator.objects.filter(user=finance_staff, type=Authenticator.Type.TOTP).exists()

    TOTP.activate(nco_member, generate_totp_secret())  # an NCO member chose one: theirs to remove
    client.force_login(nco_member)
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=nco_member).exists()


def test_an_administrator_removes_a_lost_authenticator_and_the_log_says_so(admin_user, finance_staff, client):
    totp = TOTP.activate(finance_staff, generate_totp_secret()).instance
    RecoveryCodes.activate(finance_staff)
    client.force_login(admin_user)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk])).content.decode()
    assert "secret" not in page  # the administrator never sees it
    response = client.post(reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=finance_staff).exists()  # the codes went with it
    event = AuditEvent.objects.get(verb="account.second_factor_removed")
    assert (event.actor, event.target_id, event.details) == (
        admin_user,
        str(finance_staff.pk),
        {"type": "totp"},
    )
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
