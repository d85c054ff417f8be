"""The client's address behind a reverse proxy (ssp_portal/clients.py), and the log-in limits that
count per client with it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from organizations.factories import PASSWORD, UserFactory
from ssp_portal.clients import client_ip

PROXY = "10.0.0.5"


def ip(remote: str, forwarded: str | None = None) -> str:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_connection_is_the_client_and_a_forged_header_is_ignored(settings):
    settings.SSP_TRUSTED_PROXIES = []
    assert ip("198.51.100.7") == "198.51.100.7"
    assert ip("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_a_header_from_a_connection_that_is_not_a_trusted_proxy_is_ignored(settings):
    settings.SSP_TRUSTED_PROXIES = [PROXY]
    assert ip("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwarded(settings):
    settings.SSP_TRUSTED_PROXIES = [PROXY]
    assert ip(PROXY, "198.51.100.7") == "198.51.100.7"
    # What the client wrote itself, left of what the proxy added, proves nothing.
    assert ip(PROXY, "203.0.113.1, 198.51.100.7") == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.SSP_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    assert ip(PROXY, "203.0.113.1, 198.51.100.7, 10.1.2.3") == "198.51.100.7"
    assert ip("2001:db8::2", "2001:db8:1::9, 2a00:1450::1") == "2a00:1450::1"
    assert ip(PROXY, "[2a00:1450::1]:443") == "2a00:1450::1"
    assert ip(PROXY, "198.51.100.7:51234") == "198.51.100.7"


def test_a_mangled_hop_stops_the_walk_at_the_last_good_address(settings):
    settings.SSP_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ip(PROXY, "198.51.100.7, not-an-address, 10.1.2.3") == "10.1.2.3"
    assert ip(PROXY, "") == PROXY
    assert ip(PROXY, " , ") == PROXY


def test_an_ipv4_client_on_an_ipv6_socket_is_that_ipv4_client(settings):
    settings.SSP_TRUSTED_PROXIES = [PROXY]
    assert ip("::ffff:198.51.100.7") == "198.51.100.7"
    assert ip("::ffff:10.0.0.5", "198.51.100.7") == "198.51.100.7"


def test_a_proxy_entry_that_is_no_address_fails_loudly(settings):
    settings.SSP_TRUSTED_PROXIES = ["proxy.example"]
    with pytest.raises(ImproperlyConfigured):
        ip(PROXY, "198.51.100.7")


# The log-in limits count per client ---------------------------------------------------------------


def attempt(client, email: str, password: str, forwarded: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_behind_the_proxy_failures_of_two_clients_are_counted_apart(client, settings):
    settings.SSP_TRUSTED_PROXIES = [PROXY]
    user = UserFactory()
    for index in range(10):
        attempt(client, f"guess{index}@ngo.example", "a wrong guess", "203.0.113.9")
    assert (
        "Too many failed login attempts"
        in attempt(client, user.email, PASSWORD, "203.0.113.9").content.decode()
    )
    assert attempt(client, user.email, PASSWORD, "198.51.100.7")["Location"] == reverse("home")


@pytest.mark.django_db
def test_with_no_trusted_proxy_a_forged_forwarded_address_counts_as_the_connection(client, settings):
    settings.SSP_TRUSTED_PROXIES = []
    user = UserFactory()
    for index in range(10):
        attempt(client, f"guess{index}@ngo.example", "a wrong guess", f"203.0.113.{index + 10}")
    response = attempt(client, user.email, PASSWORD, "198.51.100.7")
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
