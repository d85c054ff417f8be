"""An organization's "My applications" as CSV and XLSX (procurement/exports_nco.py): the rows the
page shows with its filters, all its pages, the next step the page gives, money as numbers, headers
in the person's language, the same queries at 3 rows and at 15, and never another organization's
application (sealed until the deadline)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations.factories import OrganizationFactory
from procurement.factories import ApplicationFactory, mark_submitted
from procurement.models import Application
from ssp_portal import exports
from ssp_portal.tests.test_exports import read_csv, read_xlsx

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx"]


def table(client, fmt: str, **params) -> list[dict]:
    response = client.get(reverse("procurement:my-applications"), {**params, exports.PARAMETER: fmt})
    translation.activate("en")  # the file keeps the language of the request that asked for it
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def applications(organization, nco_member):
    """A draft and a submission of the member's organization; another organization's submission
    to the same competition, whose deadline has not passed."""
    draft = ApplicationFactory(organization=organization)
    submitted = ApplicationFactory(organization=organization, submit=True)
    ApplicationFactory(
        organization=OrganizationFactory(verified=True), competition=submitted.competition, submit=True
    )
    return draft, submitted


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_file_holds_the_rows_and_next_steps_of_the_page(applications, nco_member, client_for, fmt):
    draft, submitted = applications
    client = client_for(nco_member)
    shown = client.get(reverse("procurement:my-applications")).context["page"].object_list
    rows = table(client, fmt)
    assert [row["Reference"] for row in rows] == [a.competition.reference for a in shown]
    assert len(rows) == 2, "another organization's application, sealed, is not in the file"
    by_receipt = {row["Receipt number"]: row for row in rows}
    sent = by_receipt[submitted.receipt_number]
    assert sent["Next step"] == "Submitted. You may withdraw it and submit a new version until the deadline."
    assert sent["State"] == "Submitted"
    amount = sent["Requested amount"]
    if fmt == "xlsx":
        assert isinstance(amount, int | float) and amount == 150000
    else:
        assert amount == "150000.00"
    (unsent,) = [row for row in rows if row["Reference"] == draft.competition.reference]
    assert unsent["Next step"] == "Complete every section and submit before the deadline."


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_pages_filters_filter_the_file(applications, nco_member, client_for, fmt):
    draft, submitted = applications
    client = client_for(nco_member)
    assert [row["Receipt number"] for row in table(client, fmt, state="submitted")] == [
        submitted.receipt_number
    ]
    by_competition = table(client, fmt, competition=draft.competition.reference)
    assert [row["Reference"] for row in by_competition] == [draft.competition.reference]


def test_every_page_is_in_the_file(organization, nco_member, client_for):
    for _ in range(27):
        ApplicationFactory(organization=organization)
    client = client_for(nco_member)
    assert len(client.get(reverse("procurement:my-applications")).context["page"].object_list) == 25
    assert len(table(client, "csv", page="2")) == 27


def test_the_headers_are_in_the_persons_language(applications, nco_member, client_for):
    nco_member.language = "ru"
    nco_member.save(update_fields=["language"])
    client = client_for(nco_member)
    for fmt in FORMATS:
        first = table(client, fmt)[0]
        assert "Номер конкурса" in first and "Reference" not in first


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_file_makes_the_same_queries_at_3_rows_and_at_15(organization, nco_member, client_for, fmt):
    client = client_for(nco_member)
    counts = []
    for size in (3, 15):
        while Application.objects.count() < size:
            application = ApplicationFactory(organization=organization)
            if Application.objects.count() % 3 == 0:
                mark_submitted(application)
        with CaptureQueriesContext(connection) as captured:
            assert len(table(client, fmt)) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_without_an_organization_the_file_is_as_empty_as_the_page(applications, no_role, client_for):
    client = client_for(no_role)
    assert list(client.get(reverse("procurement:my-applications")).context["page"].object_list) == []
    assert table(client, "xlsx") == []


def test_the_file_needs_a_log_in_as_the_page_does(client_for):
    client = client_for(None)
    url = reverse("procurement:my-applications")
    assert client.get(url, {exports.PARAMETER: "csv"}).status_code == client.get(url).status_code == 302
