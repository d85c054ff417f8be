"""The public page of the published chain heads and its JSON."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ssp_portal.audit.models import PublishedHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def heads():
    return [
        PublishedHead.objects.create(
            date=datetime.date(2026, 11, day), last_event_id=10 * day, count=9 * day, hash=f"{day:02x}" * 32
        )
        for day in (24, 25, 26)
    ]


def test_the_page_lists_the_heads_newest_first_and_says_what_to_do_with_them(client, heads):
    response = client.get(reverse("audit:chain"))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(heads[2].hash) < page.index(heads[1].hash) < page.index(heads[0].hash)
    assert "Anyone may download this list and keep a copy" in page
    assert f'href="{reverse("audit:chain-json")}"' in page


def test_an_empty_list_says_none_is_published_yet(client):
    assert "No hash has been published yet" in client.get(reverse("audit:chain")).content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "99999999999999999999", "-1"])
def test_any_page_number_gives_a_page(client, heads, page):
    assert client.get(reverse("audit:chain"), {"page": page}).status_code == 200


def test_the_json_lists_every_head_oldest_first(client, heads):
    document = client.get(reverse("audit:chain-json")).json()

    assert document["format"] == "ssp-audit-v1"
    assert [h["date"] for h in document["heads"]] == ["2026-11-24", "2026-11-25", "2026-11-26"]
    assert document["heads"][2] == {
        "date": "2026-11-26",
        "last_event_id": 260,
        "count": 234,
        "hash": heads[2].hash,
        "published_at": heads[2].published_at.isoformat(),
    }


def test_every_page_links_to_the_audit_log_from_its_footer(client):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("audit:chain")}"' in page[page.index("<footer") :]
