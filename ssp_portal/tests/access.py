"""The access matrix: every URL of the portal, for every persona, with the answer each gets.

Each app's ``tests/test_access.py`` lists its rows and a fixture of the objects they request;
``run_row`` makes the request and checks the answer. ``LOGIN`` means an anonymous visitor is sent
to log in. A refused request must change nothing: a row's ``snapshot`` is compared before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ssp_portal.tests.catalogs import LANGUAGES, english_left

LOGIN = "login"
PERSONAS = [
    "anonymous",
    "no_role",
    "nco_member",
    "other_member",
    "finance_staff",
    "other_staff",
    "consultant",
    "auditor",  # of the municipality the matrix's objects belong to: reads, changes nothing
    "admin_user",
]


def everyone(status: int, roles: list[str] = PERSONAS) -> dict[str, int | str]:
    return dict.fromkeys(roles, status)


def signed_in(status: int) -> dict[str, int | str]:
    return {**everyone(status), "anonymous": LOGIN}


def only(
    allowed: dict[str, int], *, others: int, anonymous: int | str = LOGIN, roles: list[str] = PERSONAS
) -> dict[str, int | str]:
    return {**everyone(others, roles), "anonymous": anonymous, **allowed}


@dataclass(frozen=True)
class Row:
    method: str
    args: Callable[[Any], list]
    expected: dict[str, int | str]
    data: Callable[[Any], dict] = field(default=lambda objects: {})
    snapshot: Callable[[Any], Any] | None = None


def url_name(key: str) -> str:
    """A row's URL name: keys may add a case in brackets, ``procurement:competition-edit[draft]``."""
    return key.split("[", 1)[0]


def run_row(key: str, row: Row, persona: str, objects: Any, client_for, request, capture_on_commit) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    url = reverse(url_name(key), args=row.args(objects))
    data = row.data(objects)
    before = row.snapshot(objects) if row.snapshot else None

    with capture_on_commit(execute=True):
        response = getattr(client, row.method)(url, data)

    expected = row.expected[persona]
    where = f"{persona} {row.method.upper()} {url}"
    if expected == LOGIN:
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse("account_login")), where
    else:
        assert response.status_code == expected, f"{where}: {response.status_code}"
    if row.snapshot and (expected == LOGIN or expected >= 400):
        assert row.snapshot(objects) == before, f"{where} changed something"
    if (
        row.method == "get"
        and response.status_code == 200
        and "text/html" in response.get("Content-Type", "")
    ):
        assert_translated(client, user, url, data, where)


def assert_translated(client, user, url: str, data: dict, where: str) -> None:
    """The page again in Kyrgyz and in Russian: no text of the portal's left in English."""
    for language in LANGUAGES:
        if user is not None:
            type(user).objects.filter(pk=user.pk).update(language=language)
        client.cookies["django_language"] = language
        html = client.get(url, data, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        if "<html" in html:  # a whole page, not a fragment that a page asks for
            assert f'<html lang="{language}"' in html, f"{where} is not in {language}"
        found = english_left(html, language)
        assert found == [], f"{where} in {language}: {found}"
    client.cookies.pop("django_language", None)


def url_names(resolver: URLResolver | None = None, namespace: str | None = None) -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names
