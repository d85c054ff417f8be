"""Sealed means sealed in the feeds too: before the deadline nothing says who applied or that
anyone did; after it only the count and the receipt ledger (no name) until results are published."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from opendata.tests.conftest import read
from procurement.factories import ApplicationFactory, CompetitionFactory

pytestmark = pytest.mark.django_db

FEEDS = [
    reverse("opendata:ocds-release-package"),
    reverse("opendata:ocds-record-package"),
    reverse("opendata:ocds-release-package") + "?municipality=karakol",
]


def outputs(client, competition) -> list[str]:
    """Every feed that holds the competition, as text."""
    urls = [*FEEDS, reverse("opendata:ocds-competition", args=[competition.reference])]
    return [json.dumps(read(client.get(url)), ensure_ascii=False) for url in urls]


def releases_of(client, competition) -> list[dict]:
    url = reverse("opendata:ocds-competition", args=[competition.reference])
    return read(client.get(url))["releases"]


def test_before_the_deadline_no_feed_shows_who_applied_or_how_many(client, municipality, organization):
    competition = CompetitionFactory(municipality=municipality, published=True, criteria=True)
    application = ApplicationFactory(
        competition=competition, organization=organization, complete=True, submit=True
    )
    application.refresh_from_db()
    assert application.receipt_number
    for text in outputs(client, competition):
        for secret in (organization.name, organization.inn, application.receipt_number, application.digest):
            assert secret not in text
        assert "numberOfTenderers" not in text
        assert '"tenderers"' not in text
        assert "submissionDocuments" not in text
    assert [release["tag"] for release in releases_of(client, competition)] == [["planning"], ["tender"]]


def test_after_the_deadline_the_count_and_ledger_without_names(client, municipality, organization):
    competition = CompetitionFactory(municipality=municipality, past_deadline=True, criteria=True)
    application = ApplicationFactory(
        competition=competition, organization=organization, complete=True, submit=True
    )
    application.refresh_from_db()
    for text in outputs(client, competition):
        assert organization.name not in text and organization.inn not in text
        assert '"tenderers"' not in text
    update = releases_of(client, competition)[-1]
    assert update["tag"] == ["tenderUpdate"]
    assert update["tender"]["numberOfTenderers"] == 1
    ledger = [d for d in update["tender"]["documents"] if d["documentType"] == "submissionDocuments"]
    assert [d["id"] for d in ledger] == [f"receipt-{application.receipt_number}"]
    assert application.digest in ledger[0]["description"]
    assert [party["roles"] for party in update["parties"]] == [["buyer", "procuringEntity", "payer"]]


def test_a_competition_cancelled_before_its_deadline_stays_sealed(client, municipality, organization):
    competition = CompetitionFactory(municipality=municipality, published=True, criteria=True)
    application = ApplicationFactory(
        competition=competition, organization=organization, complete=True, submit=True
    )
    application.refresh_from_db()
    competition.state, competition.cancel_reason = competition.State.CANCELLED, "Budget withdrawn."
    # Cancelled two days before a deadline that has passed since.
    now = timezone.now()
    competition.published_at, competition.cancelled_at = now - timedelta(days=40), now - timedelta(days=2)
    competition.deadline = now - timedelta(days=1)
    competition.save()
    for text in outputs(client, competition):
        assert application.receipt_number not in text and organization.name not in text
        assert "numberOfTenderers" not in text
    assert releases_of(client, competition)[-1]["tag"] == ["tenderCancellation"]


def test_no_person_s_contact_is_published(demo, client):
    from organizations.models import Organization, User

    text = "\n".join(json.dumps(read(client.get(url)), ensure_ascii=False) for url in FEEDS)
    for user in User.objects.all():
        assert user.email not in text
        assert not user.phone or user.phone not in text
    for organization in Organization.objects.all():
        assert organization.email not in text
        assert organization.phone not in text
        assert organization.head_name not in text


def test_a_draft_has_no_feed(client, municipality):
    draft = CompetitionFactory(municipality=municipality)
    assert client.get(reverse("opendata:ocds-competition", args=[draft.reference])).status_code == 404
    for url in FEEDS:
        assert draft.reference not in json.dumps(read(client.get(url)))
