from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from organizations.factories import PASSWORD, UserFactory
from organizations.models import User
from ssp_portal.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def signup(client, email="new.member@example.org", **extra):
    return client.post(
        reverse("account_signup"),
        {"email": email, "full_name": "Aibek Usenov", "password1": PASSWORD, "password2": PASSWORD, **extra},
    )


def test_signup_sends_a_confirmation_in_the_visitors_language(client, django_capture_on_commit_callbacks):
    client.post(reverse("set_language"), {"language": "ky", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.member@example.org")
    assert (user.full_name, user.language) == ("Aibek Usenov", "ky")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.member@example.org"]
    html = message.alternatives[0][0]
    assert '<html lang="ky">' in html
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", message.body)
    assert OutgoingEmail.objects.get().template == "account/email/email_confirmation_signup"


def test_an_unconfirmed_address_cannot_log_in_until_confirmed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "new.member@example.org", "password": PASSWORD}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    assert client.post(link).status_code == 302
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.member@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(User.objects.get(email="new.member@example.org").pk)


def test_repeated_failed_log_ins_are_throttled(client):
    user = UserFactory(email="target@example.org")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_goes_through_the_queue(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="forgot@example.org", language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert (email.to, email.language, email.state) == (user.email, "ru", OutgoingEmail.State.SENT)
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_log_out_is_post_only(client, nco_member):
    client.force_login(nco_member)
    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
