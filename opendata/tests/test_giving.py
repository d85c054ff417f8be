"""The mapping of award rows to 360Giving grants (opendata/giving.py): pure, no database."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest

from opendata import giving
from organizations.models import Region

UTC = datetime.UTC

ROW = giving.AwardRow(
    award_id=7,
    amount=Decimal("200000.00"),
    decided_at=datetime.datetime(2025, 3, 31, 20, 0, tzinfo=UTC),  # 1 April in Bishkek
    reference="KRK-2025-001",
    competition_title="Children of Labor Migrants",
    completed_at=datetime.datetime(2025, 4, 2, 6, 0, tzinfo=UTC),
    project_start=datetime.date(2025, 5, 1),
    project_end=datetime.date(2025, 12, 31),
    issue_id=3,
    issue_title="Children left behind",
    municipality_slug="karakol",
    municipality_code="KRK",
    municipality_name="Karakol",
    municipality_authority="Karakol Mayor's Office",
    municipality_region=Region.ISSYK_KUL,
    time_zone="Asia/Bishkek",
    organization_name='Public Foundation "Baldarga Tirek"',
    organization_inn="01405201210123",
    organization_registration_number="12345-3303-ОФ",
    organization_region=Region.ISSYK_KUL,
    application_title="A home after school",
    application_summary="Afternoon care for 40 children.",
    project_title=None,
    project_start_date=None,
    project_end_date=None,
    project_created_at=None,
    project_state_changed_at=None,
    disbursed=Decimal("0"),
    last_paid_on=None,
)
PUBLICATION = giving.Publication(
    prefix="360G-test",
    funder_id="XI-SSP-{slug}",
    site_url="https://ssp.example.kg",
    data_source="https://ssp.example.kg/360giving/grants.json",
)


def test_identifiers_are_made_from_the_settings_and_the_records():
    grant = giving.grant(ROW, PUBLICATION)
    assert grant["id"] == "360G-test-KRK-2025-001-7"
    assert grant["recipientOrganization"][0]["id"] == "KG-INN-01405201210123"
    assert grant["recipientOrganization"][0]["companyNumber"] == "12345-3303-ОФ"
    assert grant["fundingOrganization"][0] == {
        "id": "XI-SSP-karakol",
        "name": "Karakol Mayor's Office",
        "addressRegion": "Issyk-Kul region",
        "addressCountry": "Kyrgyz Republic",
    }
    by_code = dataclasses.replace(PUBLICATION, funder_id="KG-MUN-{code}")
    assert giving.grant(ROW, by_code)["fundingOrganization"][0]["id"] == "KG-MUN-KRK"


def test_the_grant_stays_the_same_grant_once_contracted():
    """The identifier does not change when the agreement is signed: no grant is published twice."""
    contracted = dataclasses.replace(
        ROW,
        project_title="A home after school (agreement)",
        project_start_date=datetime.date(2025, 5, 15),
        project_end_date=datetime.date(2025, 11, 14),
        project_created_at=datetime.datetime(2025, 5, 10, 4, 0, tzinfo=UTC),
    )
    before, after = giving.grant(ROW, PUBLICATION), giving.grant(contracted, PUBLICATION)
    assert before["id"] == after["id"]
    assert after["title"] == "A home after school (agreement)"
    assert after["plannedDates"] == [{"startDate": "2025-05-15", "endDate": "2025-11-14", "duration": 6}]
    assert before["plannedDates"] == [{"startDate": "2025-05-01", "endDate": "2025-12-31", "duration": 8}]


def test_money_dates_and_the_programme():
    grant = giving.grant(dataclasses.replace(ROW, disbursed=Decimal("100000.00")), PUBLICATION)
    assert grant["currency"] == "KGS"
    assert grant["amountAwarded"] == Decimal("200000.00")
    assert grant["amountDisbursed"] == Decimal("100000.00")
    assert grant["awardDate"] == "2025-04-01"  # the day in Bishkek, not in UTC
    assert grant["grantProgramme"] == [{"code": "KRK-PI-3", "title": "Children left behind"}]
    assert grant["beneficiaryLocation"] == [{"name": "Karakol", "countryCode": "KG"}]
    assert grant["url"] == "https://ssp.example.kg/competitions/KRK-2025-001/"
    assert grant["dataSource"] == PUBLICATION.data_source


def test_date_modified_is_the_latest_change_in_the_municipality_zone():
    assert giving.grant(ROW, PUBLICATION)["dateModified"] == "2025-04-02T12:00:00+06:00"
    paid = dataclasses.replace(
        ROW,
        project_created_at=datetime.datetime(2025, 5, 10, 4, 0, tzinfo=UTC),
        last_paid_on=datetime.date(2025, 6, 1),
    )
    assert giving.grant(paid, PUBLICATION)["dateModified"] == "2025-06-01T00:00:00+06:00"


def test_titles_fall_back_to_what_the_competition_says():
    bare = dataclasses.replace(ROW, application_title="", application_summary="")
    grant = giving.grant(bare, PUBLICATION)
    assert grant["title"] == grant["description"] == "Children of Labor Migrants"


@pytest.mark.parametrize(
    ("region", "field", "value"),
    [
        (Region.BISHKEK, "addressLocality", "Bishkek city"),
        (Region.NARYN, "addressRegion", "Naryn region"),
    ],
)
def test_where_the_recipient_is_registered(region, field, value):
    organization = giving.recipient(dataclasses.replace(ROW, organization_region=region))
    assert organization[field] == value
    assert {"streetAddress", "telephone", "email"}.isdisjoint(organization)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (datetime.date(2025, 4, 1), datetime.date(2025, 9, 30), 6),
        (datetime.date(2025, 1, 15), datetime.date(2025, 7, 14), 6),
        (datetime.date(2025, 1, 15), datetime.date(2025, 7, 15), 7),
        (datetime.date(2025, 3, 1), datetime.date(2025, 3, 1), 1),
    ],
)
def test_duration_in_months(start, end, expected):
    assert giving.months(start, end) == expected


def test_flat_row_uses_the_standard_titles():
    row = giving.flat(giving.grant(ROW, PUBLICATION))
    assert list(row)[:8] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
        "URL",
    ]
    assert row["Recipient Org:Identifier"] == "KG-INN-01405201210123"
    assert row["Planned Dates:Duration (months)"] == 8
    assert row["Recipient Org:City"] is None  # Issyk-Kul is a region, not a city
    assert row["Last Modified"] == "2025-04-02T12:00:00+06:00"
