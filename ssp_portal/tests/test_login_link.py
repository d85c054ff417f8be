"""The header's "Log in" link brings a visitor back to the page they were reading."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from organizations.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def navbar_login(html: str) -> str:
    [href] = re.findall(r'href="([^"]*)" data-testid="navbar-login"', html)
    return unescape(href)


def test_the_link_carries_the_page_and_logging_in_returns_there(client, organization):
    user = UserFactory()
    page = reverse("procurement:competition-list") + "?q=school&page=1"
    href = navbar_login(client.get(page).content.decode())
    parts = urlsplit(href)
    assert parts.path == reverse("account_login")
    assert parse_qs(parts.query) == {"next": [page]}

    assert client.get(href).status_code == 200
    response = client.post(href, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == page


def test_the_home_page_is_returned_to(client):
    assert (
        navbar_login(client.get(reverse("home")).content.decode()) == f"{reverse('account_login')}?next=%2F"
    )


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_the_account_pages_link_to_the_plain_log_in(client, name):
    href = navbar_login(client.get(reverse(name) + "?next=/competitions/").content.decode())
    assert href == reverse("account_login")


def test_a_page_shown_after_a_post_links_to_the_plain_log_in(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    request = rf.post("/receipts/verify/")
    request.user = AnonymousUser()
    html = Template("{% load portal %}{% login_url %}").render(Context({"request": request}))
    assert html == reverse("account_login")
