"""Finance staff, commission members, consultants and administrators are logged out after
SSP_IDLE_TIMEOUT_MINUTES without a request; the next page says why and the log-in brings them
back to where they were. NCO members keep the session length (ssp_portal/middleware.py)."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.urls import reverse

from organizations.factories import PASSWORD, MunicipalityMembershipFactory
from organizations.tests.test_second_factor import totp_code
from procurement.models import Subscription
from ssp_portal.middleware import LAST_REQUEST_KEY

pytestmark = pytest.mark.django_db

GONE = "You were logged out after 30 minutes without activity. Log in to go on where you were."
NOT_SAVED = (
    "You were logged out after 30 minutes without activity, so what you sent was not saved. "
    "Log in, then send it again."
)


POWERFUL = ["finance_staff", "commission_member", "consultant", "admin_user"]


def idle_for(client, minutes: float) -> None:
    """As if the session's last request was ``minutes`` ago."""
    session = client.session
    session[LAST_REQUEST_KEY] = int(time.time() - minutes * 60)
    session.save()


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("persona", POWERFUL)
def test_the_powerful_roles_are_logged_out_after_30_idle_minutes(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    idle_for(client, 32)

    response = client.get("/competitions/?q=Karakol")

    login = f"{reverse('account_login')}?next={quote('/competitions/?q=Karakol', safe='')}"
    assert response.status_code == 302
    assert response["Location"] == login
    assert not logged_in(client)
    page = client.get(response["Location"])
    assert GONE in page.content.decode()
    assert 'name="login"' in page.content.decode()


@pytest.mark.parametrize("persona", POWERFUL)
def test_a_request_within_the_timeout_keeps_them_logged_in(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    idle_for(client, 29)
    assert client.get("/competitions/").status_code == 200
    assert logged_in(client)
    # The request counts: the clock starts again from it.
    assert client.session[LAST_REQUEST_KEY] >= time.time() - 5


@pytest.mark.parametrize("persona", ["nco_member", "no_role"])
def test_nco_members_keep_the_session_length(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    idle_for(client, 24 * 60)
    response = client.get("/applications/")
    assert response.status_code == 200
    assert logged_in(client)


def test_a_person_who_is_also_finance_staff_times_out_as_finance_staff(nco_member, municipality, client_for):
    MunicipalityMembershipFactory(user=nco_member, municipality=municipality)
    client = client_for(nco_member)
    idle_for(client, 45)
    assert client.get("/applications/").status_code == 302
    assert not logged_in(client)


def test_logging_in_again_comes_back_to_the_page(finance_staff, municipality, client_for, settings):
    """Password, then the authenticator's code (finance staff need a second factor), then the page."""
    settings.MFA_TOTP_TOLERANCE = 1
    secret = generate_totp_secret()
    TOTP.activate(finance_staff, secret)
    client = client_for(finance_staff)
    idle_for(client, 40)
    page = reverse("procurement:staff-competitions", args=[municipality.slug])
    login = client.get(page)["Location"]

    response = client.post(login, {"login": finance_staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == page
    assert client.get(page).status_code == 200
    assert logged_in(client)


def test_a_form_sent_after_the_timeout_is_not_saved_and_says_so(finance_staff, municipality, client_for):
    client = client_for(finance_staff)
    following = reverse("procurement:subscription-list")
    idle_for(client, 32)

    response = client.post(
        reverse("procurement:follow"),
        {"municipality": municipality.slug},
        headers={"referer": f"http://testserver{following}"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={quote(following, safe='')}"
    assert not Subscription.objects.exists()
    assert NOT_SAVED in client.get(response["Location"]).content.decode()


def test_logging_out_after_the_timeout_loses_nothing(finance_staff, client_for):
    client = client_for(finance_staff)
    idle_for(client, 32)
    response = client.post(reverse("account_logout"), headers={"referer": "http://testserver/competitions/"})
    assert response["Location"] == f"{reverse('account_login')}?next={quote('/competitions/', safe='')}"
    assert not logged_in(client)
    page = client.get(response["Location"]).content.decode()
    assert GONE in page
    assert "not saved" not in page


def test_an_htmx_request_after_the_timeout_sends_the_page_to_log_in(finance_staff, client_for):
    client = client_for(finance_staff)
    idle_for(client, 60)
    response = client.get("/competitions/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert not logged_in(client)


def test_the_timeout_counts_from_the_log_in_until_a_request_is_recorded(finance_staff, client_for):
    client = client_for(finance_staff)
    finance_staff.refresh_from_db()
    type(finance_staff).objects.filter(pk=finance_staff.pk).update(
        last_login=finance_staff.last_login.replace(year=finance_staff.last_login.year - 1)
    )
    assert LAST_REQUEST_KEY not in client.session
    assert client.get("/competitions/").status_code == 302
    assert not logged_in(client)


def test_the_time_of_the_last_request_is_written_at_most_once_a_minute(finance_staff, client_for):
    client = client_for(finance_staff)
    idle_for(client, 2)
    client.get("/competitions/")
    first = client.session[LAST_REQUEST_KEY]
    idle_for(client, 0.5)
    half_a_minute_ago = client.session[LAST_REQUEST_KEY]
    client.get("/competitions/")
    assert client.session[LAST_REQUEST_KEY] == half_a_minute_ago < first


def test_the_login_page_speaks_the_persons_language(finance_staff, client_for):
    finance_staff.language = "ru"
    finance_staff.save(update_fields=["language"])
    client = client_for(finance_staff)
    idle_for(client, 32)
    response = client.get("/competitions/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


@pytest.mark.parametrize("minutes", [5, 0])
def test_the_timeout_is_a_setting(minutes, finance_staff, client_for, settings):
    settings.SSP_IDLE_TIMEOUT_MINUTES = minutes
    client = client_for(finance_staff)
    idle_for(client, 7)
    response = client.get("/competitions/")
    if minutes:
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "You were logged out after 5 minutes without activity." in page
    else:
        assert response.status_code == 200
        assert logged_in(client)
