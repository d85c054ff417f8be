"""The feeds as aggregators use them: filters, refusals that are never a 500, validators and
conditional GET, and a fixed number of queries whatever the number of competitions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.factories import ProjectFactory
from monitoring.models import PaymentTranche
from opendata import selectors
from opendata.tests.conftest import read
from procurement.factories import ApplicationFactory, AwardFactory, CompetitionFactory

pytestmark = pytest.mark.django_db

RELEASES = reverse("opendata:ocds-release-package")
RECORDS = reverse("opendata:ocds-record-package")


@pytest.mark.parametrize(
    "query",
    [
        "municipality=nowhere",
        "year=20x5",
        "year=1999",
        "year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95",
        "year=99999",
    ],
)
def test_a_bad_filter_is_a_400_with_a_json_error(client, municipality, query):
    for url in (RELEASES, RECORDS):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert response.json()["error"]


def test_an_inactive_municipality_is_not_published(client, municipality):
    CompetitionFactory(municipality=municipality, published=True)
    municipality.is_active = False
    municipality.save()
    assert client.get(f"{RELEASES}?municipality=karakol").status_code == 400
    assert read(client.get(RELEASES))["releases"] == []


def test_filters_select_the_municipality_and_the_year(client, municipality, other_municipality):
    ours = CompetitionFactory(municipality=municipality, published=True)
    CompetitionFactory(municipality=other_municipality, published=True)
    releases = read(client.get(f"{RELEASES}?municipality=karakol&year={ours.year}"))["releases"]
    assert {release["tender"]["id"] for release in releases if "tender" in release} == {ours.reference}
    assert read(client.get(f"{RELEASES}?year={ours.year - 3}"))["releases"] == []


def test_a_conditional_get_of_an_unchanged_feed_is_answered_304(client, municipality):
    competition = CompetitionFactory(municipality=municipality, published=True)
    for url in (RELEASES, RECORDS, reverse("opendata:ocds-competition", args=[competition.reference])):
        first = client.get(url)
        assert first["ETag"].startswith('W/"') and first["Last-Modified"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again["ETag"] == first["ETag"]
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304


def test_a_change_gives_a_new_etag(client, municipality):
    competition = CompetitionFactory(municipality=municipality, published=True)
    etag = client.get(RELEASES)["ETag"]
    competition.state, competition.cancelled_at = competition.State.CANCELLED, timezone.now()
    competition.save()
    changed = client.get(RELEASES, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert client.get(f"{RELEASES}?year={competition.year}")["ETag"] != changed["ETag"]


def _competitions(municipality, count: int) -> None:
    """Competitions at every stage: open, past the deadline with an application, completed with
    an award, its grant agreement and a tranche paid."""
    for index in range(count):
        stage = index % 3
        if stage == 0:
            CompetitionFactory(municipality=municipality, published=True, criteria=True)
        elif stage == 1:
            competition = CompetitionFactory(municipality=municipality, past_deadline=True, criteria=True)
            ApplicationFactory(competition=competition, complete=True, submit=True)
        else:
            competition = CompetitionFactory(municipality=municipality, completed=True, criteria=True)
            award = AwardFactory(application__competition=competition, application__complete=True)
            project = ProjectFactory(award=award)
            PaymentTranche.objects.create(
                project=project,
                number=1,
                planned_date=project.start_date,
                amount=award.amount,
                paid_on=project.start_date,
            )


@pytest.mark.parametrize("url", [RELEASES, RECORDS])
def test_the_queries_do_not_grow_with_the_competitions(client, municipality, url):
    counts = []
    for size in (2, 6):
        _competitions(municipality, size - len(counts) * 2)
        with CaptureQueriesContext(connection) as queries:
            package = read(client.get(url))
        assert (
            len({r.get("ocid") or r["ocid"] for r in package.get("releases") or package["records"]}) == size
        )
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_chunks_give_the_same_records(municipality):
    _competitions(municipality, 5)
    now = timezone.now()
    whole = [r.competition.pk for r in selectors.ocds_competitions(scope=selectors.Scope(), now=now)]
    chunked = [
        r.competition.pk for r in selectors.ocds_competitions(scope=selectors.Scope(), now=now, chunk_size=2)
    ]
    assert whole == chunked and len(whole) == 5


def test_the_page_explains_the_feeds(client, municipality):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert RELEASES in html and RECORDS in html and "municipality=karakol" in html
