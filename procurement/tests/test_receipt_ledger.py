"""The public receipt ledger (procurement/ledger.py): after the deadline, every receipt issued, with
its time and digest, on the competition's page and as a file; nothing before; names only once the
results are published."""

from __future__ import annotations

import csv
import datetime
import io
import time

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from playwright.sync_api import Page, expect

from procurement import ledger
from procurement.factories import ApplicationFactory, CompetitionFactory
from procurement.models import Application, Competition
from procurement.receipts import verify

pytestmark = pytest.mark.django_db


def receipts_url(competition: Competition, fmt: str = "csv") -> str:
    return reverse("procurement:competition-receipts", args=[competition.reference]) + f"?export={fmt}"


def csv_rows(client: Client, competition: Competition) -> list[dict[str, str]]:
    response = client.get(receipts_url(competition))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def passed(competition: Competition) -> None:
    """The deadline passes, with nothing recorded (the periodic task has not run)."""
    deadline = timezone.now() - datetime.timedelta(seconds=1)
    Competition.objects.filter(pk=competition.pk).update(deadline=deadline)
    competition.refresh_from_db()


@pytest.fixture
def competition(municipality):
    return CompetitionFactory(municipality=municipality, published=True, ready=True)


@pytest.fixture
def applications(competition):
    submitted = [ApplicationFactory(competition=competition, submit=True) for _ in range(2)]
    withdrawn = ApplicationFactory(competition=competition, withdrawn=True)
    ApplicationFactory(competition=competition)  # a draft has no receipt
    return [*submitted, withdrawn]


def test_after_the_deadline_every_receipt_is_listed_with_its_digest(client, competition, applications):
    passed(competition)
    page = client.get(competition.get_absolute_url()).content.decode()
    ledger_html = page[page.index('data-testid="receipts"') :]
    for application in applications:
        assert application.receipt_number in ledger_html and application.digest in ledger_html
    assert ledger_html.count('data-testid="withdrawn"') == 1
    assert applications[0].summary not in page and escape(applications[0].organization.name) not in page
    assert f'href="{reverse("procurement:receipt-verify")}"' in ledger_html

    rows = csv_rows(client, competition)
    assert {row["Receipt number"] for row in rows} == {a.receipt_number for a in applications}
    for row in rows:  # the digests are the receipts' own
        assert verify(receipt_number=row["Receipt number"], digest=row["SHA-256 digest"])
    withdrawn = next(row for row in rows if row["Receipt number"] == applications[2].receipt_number)
    assert withdrawn["Withdrawn"] == "Yes"
    assert "Organization" not in rows[0]
    local = timezone.localtime(applications[0].submitted_at, competition.zone)
    first = next(row for row in rows if row["Receipt number"] == applications[0].receipt_number)
    assert first["Received at"] == local.isoformat(timespec="seconds")

    xlsx = client.get(receipts_url(competition, "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == {a.receipt_number for a in applications}


def test_before_the_deadline_nothing_reveals_a_receipt(client, competition, applications):
    page = client.get(competition.get_absolute_url()).content.decode()
    assert 'data-testid="receipts"' not in page
    for application in applications:
        assert application.receipt_number not in page and application.digest not in page
    for fmt in ("csv", "xlsx"):
        assert client.get(receipts_url(competition, fmt)).status_code == 404
    assert client.get(receipts_url(competition, "")).status_code == 404


def test_cancelled_before_the_deadline_stays_sealed(client, competition, applications):
    passed(competition)
    Competition.objects.filter(pk=competition.pk).update(
        state=Competition.State.CANCELLED, cancelled_at=competition.deadline - datetime.timedelta(hours=1)
    )
    assert applications[0].receipt_number not in client.get(competition.get_absolute_url()).content.decode()
    assert client.get(receipts_url(competition)).status_code == 404


def test_organizations_are_named_once_the_results_are_published(client, competition, applications):
    passed(competition)
    Competition.objects.filter(pk=competition.pk).update(state=Competition.State.EVALUATION)
    assert (
        escape(applications[0].organization.name)
        not in client.get(competition.get_absolute_url()).content.decode()
    )

    Competition.objects.filter(pk=competition.pk).update(
        state=Competition.State.COMPLETED, completed_at=timezone.now()
    )
    page = client.get(competition.get_absolute_url()).content.decode()
    ledger_html = page[page.index('data-testid="receipts"') :]
    for application in applications:
        assert escape(application.organization.name) in ledger_html
    rows = csv_rows(client, competition)
    assert {row["Organization"] for row in rows} == {a.organization.name for a in applications}


def bulk_receipts(competition: Competition, count: int) -> None:
    """``count`` receipts, written at once (their digests are not computed: only their number counts)."""
    template = ApplicationFactory(competition=competition, submit=True)
    organization = template.organization
    now = timezone.now()
    Application.objects.bulk_create(
        Application(
            competition=competition,
            organization=organization,
            state=Application.State.WITHDRAWN,
            receipt_number=f"{competition.reference}-B{n:05d}",
            submitted_at=now,
            digest=f"{n:064x}",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [3, 300])
def test_the_ledger_is_one_query_whatever_its_size(client, competition, count):
    bulk_receipts(competition, count)
    passed(competition)
    competition = Competition.objects.select_related("municipality").get(pk=competition.pk)
    with CaptureQueriesContext(connection) as captured:
        receipts = ledger.receipt_ledger(competition=competition)
    assert len(receipts) == count + 1 and len(captured) == 1


def page_queries(client: Client, competition: Competition) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(competition.get_absolute_url()).status_code == 200
    return len(captured)


def test_the_page_makes_the_same_queries_at_3_and_300_receipts(client, municipality):
    small = CompetitionFactory(municipality=municipality, published=True, ready=True)
    large = CompetitionFactory(municipality=municipality, published=True, ready=True)
    bulk_receipts(small, 3)
    bulk_receipts(large, 300)
    passed(small)
    passed(large)
    page_queries(client, small)  # fills the content-type cache
    assert page_queries(client, small) == page_queries(client, large)
    assert len(csv_rows(client, large)) == 301


@pytest.mark.usefixtures("kept_public_pages")
def test_a_page_kept_before_the_deadline_shows_the_ledger_once_it_passes(
    competition, applications, monkeypatch
):
    deadline = timezone.now() + datetime.timedelta(minutes=2)
    Competition.objects.filter(pk=competition.pk).update(deadline=deadline)
    address = competition.get_absolute_url()
    assert 'data-testid="receipts"' not in Client().get(address).content.decode()
    with CaptureQueriesContext(connection) as captured:
        assert 'data-testid="receipts"' not in Client().get(address).content.decode()
    assert len(captured) == 0  # kept

    # Time passes to just after the deadline; the periodic task has not run and nothing was written.
    after = deadline + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: after)
    monkeypatch.setattr(time, "time", lambda: after.timestamp())
    page = Client().get(address).content.decode()
    assert 'data-testid="receipts"' in page and applications[0].receipt_number in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_on_a_phone_finds_a_receipt_of_a_closed_competition(page: Page, live_server, tmp_path):
    competition = CompetitionFactory(closed=True, ready=True)
    application = ApplicationFactory(competition=competition, submit=True)
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "ky", "url": base}])
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}{competition.get_absolute_url()}#receipts")
    row = page.locator(f'tr[data-receipt="{application.receipt_number}"]')
    expect(row).to_be_visible()
    row.locator("summary").click()
    expect(row.get_by_test_id("digest")).to_have_text(application.digest)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=tmp_path / "ledger-ky-360.png", full_page=True)
