"""The account pages speak the portal's vocabulary (locale/GLOSSARY.md), not each framework's own:
in Kyrgyz the address is «электрондук почта» and a password «купуя сөз» on the log-in and
sign-up pages and in the password rules Django checks."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["account_login", "account_signup"])
def test_kyrgyz_account_pages_use_the_glossarys_words(client, url_name):
    page = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="ky").content.decode()
    assert "Электрондук почта" in page
    assert "Купуя сөз" in page
    assert "Эмейл" not in page and "экат" not in page and "сырсөз" not in page.lower()


def test_password_rules_are_told_in_the_portals_words():
    with translation.override("ky"), pytest.raises(ValidationError) as refused:
        validate_password("1234567")
    messages = " ".join(refused.value.messages)
    assert "купуя сөз" in messages.lower() and "сырсөз" not in messages.lower()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_password("1234567")
    assert "This password is too short: choose one of at least 8 characters." in refused.value.messages


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_signed_in_message_is_in_the_persons_language(client, language):
    """A browser that starts in English, a person whose language is Kyrgyz or Russian: the message
    after the log-in is in the person's language, as the page it stands on."""
    from organizations.factories import PASSWORD, UserFactory

    user = UserFactory(full_name="Aigul Asanova", language=language)
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    from ssp_portal.framework_strings import SIGNED_IN

    with translation.override(language):
        signed_in = str(SIGNED_IN) % {"name": "Aigul"}
    assert signed_in != "Successfully signed in as Aigul."
    assert "Successfully signed in" not in page
    assert signed_in.split("Aigul")[0] in page
