"""Public pages kept for anonymous visitors (ssp_portal/public_cache.py): kept once and served
again, never to or from a logged-in person, by language, with each visitor's own CSRF token, never
with someone's messages, with validators and 304s."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement.factories import CompetitionFactory
from procurement.models import Competition
from ssp_portal import public_cache
from ssp_portal.public_cache import CSRF_PLACEHOLDER, public_changed, public_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_public_pages")]

LIST = "/competitions/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r'(?<=value=")[A-Za-z0-9]{64}(?=")|(?<="X-CSRFToken": ")[A-Za-z0-9]{64}(?=")')


def queries(client: Client, address: str, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address, headers=headers)
    return len(captured), response


@pytest.fixture
def listed(municipality):
    return CompetitionFactory(municipality=municipality, published=True, title="Clean water for schools")


def retitle(competition: Competition, title: str) -> None:
    """A change that no service makes: kept pages do not know of it."""
    Competition.objects.filter(pk=competition.pk).update(title=title)


# Kept and served ------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["/", LIST, "/priority-issues/", "competition"])
def test_a_public_page_is_rendered_once_and_then_served_without_a_query(address, listed, client):
    address = listed.get_absolute_url() if address == "competition" else address
    first, response = queries(client, address)
    assert response.status_code == 200 and first > 0
    again, kept = queries(Client(), address)
    assert again == 0
    assert kept.status_code == 200
    assert ANY_TOKEN.sub("", kept.content.decode()) == ANY_TOKEN.sub("", response.content.decode())


def test_a_service_change_shows_at_once_and_nothing_else_does_until_then(listed, client, on_commit):
    assert "Clean water for schools" in client.get(LIST).content.decode()
    retitle(listed, "Roads in winter")
    assert "Clean water for schools" in client.get(LIST).content.decode()
    with on_commit():
        public_changed()
    page = client.get(LIST).content.decode()
    assert "Roads in winter" in page and "Clean water for schools" not in page


def test_the_pages_change_after_the_commit_and_not_after_a_rollback(listed, client, on_commit):
    client.get(LIST)
    before = public_cache.generation()
    with on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        public_changed()
        raise RuntimeError
    assert public_cache.generation() == before
    with on_commit():
        public_changed()
        assert public_cache.generation() == before
    assert public_cache.generation() == before + 1


def test_each_query_string_is_its_own_page(listed, municipality, client):
    CompetitionFactory(municipality=municipality, published=True, title="Libraries for villages")
    assert "Libraries for villages" in client.get(LIST).content.decode()
    found = client.get(LIST, {"q": "water"}).content.decode()
    assert "Clean water for schools" in found and "Libraries for villages" not in found


def test_the_generation_starts_again_above_any_it_had_when_the_cache_loses_it():
    first = public_cache.generation()
    public_cache._bump()
    from django.core.cache import cache

    cache.delete(public_cache.GENERATION_KEY)
    public_cache._bump()
    assert public_cache.generation() > first + 1


def test_with_no_time_to_keep_them_no_page_is_kept_and_the_validators_stay(listed, client, settings):
    settings.SSP_PUBLIC_CACHE_SECONDS = 0
    etag = client.get(LIST)["ETag"]
    count, response = queries(client, LIST)
    assert count > 0 and response["ETag"] == etag
    assert client.get(LIST, headers={"if-none-match": etag}).status_code == 304


def test_a_missing_page_is_not_kept(client):
    assert client.get("/competitions/KRK-1999-001/").status_code == 404
    count, response = queries(Client(), "/competitions/KRK-1999-001/")
    assert response.status_code == 404 and count > 0
    assert CSRF_PLACEHOLDER not in response.content.decode()


# Logged in ------------------------------------------------------------------------------------


def test_a_logged_in_person_gets_a_fresh_page_and_none_is_kept_from_theirs(listed, nco_member, client_for):
    Client().get(LIST)  # kept for visitors
    retitle(listed, "Roads in winter")
    member = client_for(nco_member)
    response = member.get(LIST)
    assert "Roads in winter" in response.content.decode()
    assert "ETag" not in response
    assert nco_member.get_short_name() in response.content.decode()
    for address in ("/", listed.get_absolute_url(), "/priority-issues/"):
        assert nco_member.get_short_name() in member.get(address).content.decode()
        assert nco_member.get_short_name() not in Client().get(address).content.decode()


# Language -------------------------------------------------------------------------------------


def test_the_language_the_page_is_in_is_part_of_its_key(listed, client):
    russian = Client().get(LIST, headers={"accept-language": "ru"})
    assert '<html lang="ru">' in russian.content.decode()
    english = Client().get(LIST, headers={"accept-language": "en"})
    assert '<html lang="en">' in english.content.decode()
    kyrgyz = Client()
    kyrgyz.cookies["django_language"] = "ky"
    assert '<html lang="ky">' in kyrgyz.get(LIST, headers={"accept-language": "ru"}).content.decode()
    again, kept = queries(Client(), LIST, **{"accept-language": "ru"})
    assert again == 0 and '<html lang="ru">' in kept.content.decode()


# CSRF -----------------------------------------------------------------------------------------


def test_a_kept_page_carries_each_visitors_own_csrf_token_and_the_language_switch_works():
    first = Client(enforce_csrf_checks=True)
    first_page = first.get("/").content.decode()
    second = Client(enforce_csrf_checks=True)
    second_page = second.get("/").content.decode()
    assert CSRF_PLACEHOLDER not in second_page
    tokens = set(TOKEN.findall(second_page))
    assert len(tokens) == 1 and tokens != set(TOKEN.findall(first_page))
    assert f'"X-CSRFToken": "{tokens.pop()}"' in second_page
    token = TOKEN.search(second_page).group(1)
    response = second.post(
        reverse("set_language"), {"language": "ru", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert '<html lang="ru">' in second.get("/").content.decode()
    # The first visitor's token is no good with the second's cookie.
    stolen = TOKEN.search(first_page).group(1)
    refused = second.post(
        reverse("set_language"), {"language": "ky", "next": "/", "csrfmiddlewaretoken": stolen}
    )
    assert refused.status_code == 403


# Messages -------------------------------------------------------------------------------------


def test_a_visitor_with_messages_sees_them_and_the_page_with_them_is_not_kept(nco_member, client):
    Client().get("/")  # the home page is kept
    client.force_login(nco_member)
    response = client.post(reverse("account_logout"), follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "You have signed out." in response.content.decode()
    assert "You have signed out." not in client.get("/").content.decode()
    assert "You have signed out." not in Client().get("/").content.decode()


# Validators -----------------------------------------------------------------------------------


def test_a_conditional_get_of_an_unchanged_page_is_a_304(listed, client, on_commit):
    response = client.get(LIST)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('W/"')
    not_modified = client.get(LIST, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get(LIST, headers={"if-modified-since": modified}).status_code == 304
    with on_commit():
        public_changed()
    # Rendered again, the same page: still not modified.
    assert client.get(LIST, headers={"if-none-match": etag}).status_code == 304
    retitle(listed, "Roads in winter")
    with on_commit():
        public_changed()
    changed = client.get(LIST, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Roads in winter" in changed.content.decode()


def test_a_304_is_never_for_another_visitors_page(listed, client):
    etag = client.get(LIST)["ETag"]
    other = Client()
    other.get("/")  # a CSRF cookie of its own
    assert other.get(LIST, headers={"if-none-match": etag}).status_code == 200
    russian = client.get(LIST, headers={"if-none-match": etag, "accept-language": "ru"})
    assert russian.status_code == 200


def test_a_public_page_says_how_it_may_be_kept(client):
    response = client.get(LIST)
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-cache"}
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary
    assert "csrftoken" in response.cookies


def test_a_kept_page_is_answered_with_the_policy_and_needs_no_nonce(listed, client):
    client.get(LIST)
    kept = Client().get(LIST)
    assert "nonce" not in kept["Content-Security-Policy"]
    assert "nonce" not in kept.content.decode()
    assert "script-src 'self'" in kept["Content-Security-Policy"]


def visitor(rf):
    request = rf.get("/a-public-page/")
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = "en"
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_page_that_used_a_csp_nonce_is_not_kept(rf):
    from csp.middleware import CSPMiddleware

    rendered = []

    @public_page
    def page(request):
        rendered.append(1)
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    for _ in range(2):
        request = visitor(rf)
        CSPMiddleware(lambda r: HttpResponse()).process_request(request)
        page(request)
    assert len(rendered) == 2


def test_a_page_with_its_own_cookie_is_not_kept_and_has_its_token(rf):
    rendered = []

    @public_page
    def page(request):
        rendered.append(1)
        response = HttpResponse(f"<input value='{CSRF_PLACEHOLDER}'>")
        response.set_cookie("seen", "1")
        return response

    request = visitor(rf)
    first = page(request)
    page(visitor(rf))
    assert len(rendered) == 2
    assert CSRF_PLACEHOLDER not in first.content.decode()
    assert request.META["CSRF_COOKIE"]  # the token put in is of this visitor's cookie
