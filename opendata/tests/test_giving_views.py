"""The 360Giving files: /360giving/grants.json and /360giving/grants.csv."""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal

import jsonschema
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.factories import ProjectFactory
from monitoring.models import PaymentTranche
from opendata import giving
from organizations.factories import OrganizationFactory
from procurement.factories import ApplicationFactory, AwardFactory, CompetitionFactory
from procurement.models import Award, Competition

JSON_URL = reverse("opendata:giving-grants-json")
CSV_URL = reverse("opendata:giving-grants-csv")

# The standard's required fields and their types (360Giving Data Standard 1.4, grant schema).
ORGANIZATION = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "string", "minLength": 1}, "name": {"type": "string", "minLength": 1}},
    },
}
GRANT_SCHEMA = {
    "type": "object",
    "required": [
        "id",
        "title",
        "description",
        "currency",
        "amountAwarded",
        "awardDate",
        "recipientOrganization",
        "fundingOrganization",
    ],
    "properties": {
        "id": {"type": "string", "pattern": "^360G-"},
        "title": {"type": "string", "minLength": 1},
        "description": {"type": "string", "minLength": 1},
        "currency": {"const": "KGS"},
        "amountAwarded": {"type": "number", "exclusiveMinimum": 0},
        "amountDisbursed": {"type": "number", "minimum": 0},
        "awardDate": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])$"},
        "recipientOrganization": ORGANIZATION,
        "fundingOrganization": ORGANIZATION,
        "dateModified": {"type": "string", "format": "date-time"},
        "plannedDates": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"duration": {"type": "integer", "minimum": 0}},
            },
        },
        "fromOpenCall": {"enum": ["Yes", "No"]},
        "beneficiaryLocation": {"type": "array", "items": {"properties": {"countryCode": {"const": "KG"}}}},
    },
}


def content(response) -> str:
    return b"".join(response.streaming_content).decode()


def grants_json(client, **query) -> dict:
    response = client.get(JSON_URL, query)
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(content(response), parse_float=Decimal)


def grants_csv(client, **query) -> list[dict[str, str]]:
    response = client.get(CSV_URL, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(content(response).removeprefix("\ufeff"))))


@dataclass
class World:
    completed: Competition
    awards: list[Award]
    open: Competition
    evaluation: Competition
    evaluation_award: Award
    other: Award


def completed_awards(municipality, count: int, *, competition=None) -> list[Award]:
    competition = competition or CompetitionFactory(municipality=municipality, completed=True)
    return [
        AwardFactory(
            application=ApplicationFactory(competition=competition, submit=True),
            amount=Decimal("200000"),
            rank=rank,
        )
        for rank in range(1, count + 1)
    ]


@pytest.fixture
def world(municipality, other_municipality) -> World:
    """A completed competition with two awards (one contracted, a tranche of it paid), an open
    competition with a submitted application, one in evaluation with an award already decided,
    and a completed competition of another municipality."""
    completed = CompetitionFactory(municipality=municipality, completed=True)
    awards = completed_awards(municipality, 2, competition=completed)
    project = ProjectFactory(award=awards[0], title="Afternoon care")
    PaymentTranche.objects.create(
        project=project,
        number=1,
        planned_date=project.start_date,
        amount=Decimal("120000"),
        paid_on=project.start_date,
    )
    PaymentTranche.objects.create(
        project=project, number=2, planned_date=project.end_date, amount=Decimal("80000")
    )
    open_competition = CompetitionFactory(municipality=municipality, published=True)
    ApplicationFactory(
        competition=open_competition, organization=OrganizationFactory(name="Sealed Applicant"), submit=True
    )
    evaluation = CompetitionFactory(municipality=municipality, evaluation=True)
    evaluation_award = AwardFactory(
        application=ApplicationFactory(
            competition=evaluation, organization=OrganizationFactory(name="Not Yet Published"), submit=True
        )
    )
    (other,) = completed_awards(other_municipality, 1)
    return World(completed, awards, open_competition, evaluation, evaluation_award, other)


def grant_id(award: Award) -> str:
    return f"360G-sspportal-{award.competition.reference}-{award.pk}"


@pytest.mark.django_db
def test_every_grant_has_the_required_fields_and_types(client, world, settings):
    package = grants_json(client)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert len(package["grants"]) == 3
    for grant in package["grants"]:
        number_safe = json.loads(json.dumps(grant, default=float))
        jsonschema.Draft202012Validator(GRANT_SCHEMA, format_checker=checker).validate(number_safe)
    assert (
        package["license"] == settings.SSP_360GIVING_LICENSE == "https://creativecommons.org/licenses/by/4.0/"
    )
    assert package["publisher"]["name"] == settings.SSP_360GIVING_PUBLISHER
    assert package["version"] == "1.4"
    assert len({grant["id"] for grant in package["grants"]}) == 3


@pytest.mark.django_db
def test_nothing_from_a_competition_before_its_results(client, world):
    """An open competition's applicants and an award decided under evaluation stay out of both files."""
    ids = {grant["id"] for grant in grants_json(client)["grants"]}
    assert ids == {grant_id(award) for award in [*world.awards, world.other]}
    for url in (JSON_URL, CSV_URL):
        text = content(client.get(url))
        for hidden in (
            "Sealed Applicant",
            "Not Yet Published",
            world.open.reference,
            world.evaluation.reference,
        ):
            assert hidden not in text, (url, hidden)


@pytest.mark.django_db
def test_amounts_match_the_database(client, world):
    grants = {grant["id"]: grant for grant in grants_json(client)["grants"]}
    for award in [*world.awards, world.other]:
        grant = grants[grant_id(award)]
        paid = PaymentTranche.objects.filter(project__award=award, paid_on__isnull=False).aggregate(
            total=Sum("amount")
        )["total"] or Decimal("0")
        assert Decimal(grant["amountAwarded"]) == award.amount
        assert Decimal(grant["amountDisbursed"]) == paid
    contracted = grants[grant_id(world.awards[0])]
    assert contracted["amountDisbursed"] == 120000
    assert contracted["title"] == "Afternoon care"


@pytest.mark.django_db
def test_csv_and_json_hold_the_same_grants(client, world):
    from_json = [giving.flat(grant) for grant in grants_json(client)["grants"]]
    from_csv = grants_csv(client)
    assert [row["Identifier"] for row in from_csv] == [row["Identifier"] for row in from_json]
    for json_row, csv_row in zip(from_json, from_csv, strict=True):
        for title, value in json_row.items():
            if title.startswith("Amount"):
                assert Decimal(csv_row[title]) == Decimal(value), title
            else:
                assert csv_row[title] == ("" if value is None else str(value)), title
    assert {"Recipient Org:Identifier", "Funding Org:Name", "Last Modified"} <= set(from_csv[0])


@pytest.mark.django_db
def test_filters_by_municipality_and_year(client, world, municipality, other_municipality):
    ours = {grant["id"] for grant in grants_json(client, municipality=municipality.slug)["grants"]}
    assert ours == {grant_id(award) for award in world.awards}
    theirs = grants_csv(client, municipality=other_municipality.slug)
    assert [row["Identifier"] for row in theirs] == [grant_id(world.other)]
    year = world.completed.year
    assert len(grants_json(client, year=year)["grants"]) == 3
    assert grants_json(client, year=year - 1)["grants"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "twenty"}, "year"),
        ({"year": "1800"}, "year"),
        ({"year": "99999999999999999999"}, "year"),
        ({"municipality": "atlantis"}, "municipality"),
        ({"municipality": "x" * 500}, "municipality"),
    ],
)
def test_bad_filters_are_a_clear_400(client, world, url, query, field):
    response = client.get(url, query)
    assert response.status_code == 400
    text = response.content.decode()
    if url == JSON_URL:
        answer = json.loads(text)
        assert list(answer["fields"]) == [field]
        text = answer["fields"][field][0]
    assert ("2000 to 2100" if field == "year" else "No municipality has the short name") in text


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        content(response)
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_the_number_of_queries_does_not_grow_with_the_grants(client, municipality, url):
    awards = completed_awards(municipality, 2)
    for award in awards:
        project = ProjectFactory(award=award)
        PaymentTranche.objects.create(
            project=project,
            number=1,
            planned_date=project.start_date,
            amount=Decimal("1000"),
            paid_on=project.start_date,
        )
    at_two = queries_for(client, url)
    completed_awards(municipality, 4)
    assert len(grants_json(client)["grants"]) == 6
    assert queries_for(client, url) == at_two


@pytest.mark.django_db
@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_conditional_get_answers_304_until_something_changes(client, world, url):
    first = client.get(url)
    content(first)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304

    PaymentTranche.objects.filter(number=2).update(paid_on=datetime.date(2026, 6, 1))
    changed = client.get(url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "200000" in content(changed)


@pytest.mark.django_db
def test_the_demo_publishes_its_two_awards(client, settings):
    """Karakol's two completed competitions: 200,000 soms each, the tranches paid as recorded;
    nothing of the open competition."""
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    grants = grants_json(client)["grants"]
    assert sorted(grant["amountAwarded"] for grant in grants) == [200000, 200000]
    assert sum(grant["amountAwarded"] for grant in grants) == 400000
    for grant in grants:
        reference, award_pk = grant["id"].removeprefix("360G-sspportal-").rsplit("-", 1)
        award = Award.objects.get(pk=award_pk, competition__reference=reference)
        paid = PaymentTranche.objects.filter(project__award=award, paid_on__isnull=False)
        assert Decimal(grant["amountDisbursed"]) == paid.aggregate(total=Sum("amount"))["total"]
        assert grant["recipientOrganization"][0]["id"] == f"KG-INN-{award.application.organization.inn}"
        assert grant["fundingOrganization"][0] == {
            "id": "XI-SSP-karakol",
            "name": "Karakol Mayor's Office",
            "addressRegion": "Issyk-Kul region",
            "addressCountry": "Kyrgyz Republic",
        }
    published = set(
        Award.objects.filter(competition__state=Competition.State.COMPLETED).values_list(
            "competition__reference", flat=True
        )
    )
    assert {grant["id"].split("-", 2)[2].rsplit("-", 1)[0] for grant in grants} == published
    assert len(grants_csv(client, municipality="karakol")) == 2


@pytest.mark.django_db
def test_the_municipality_s_texts_come_in_the_reader_s_language(client, world):
    """Each language is a version of its own: its own titles and its own ETag."""
    issue = world.completed.priority_issue
    english = client.get(JSON_URL, {"municipality": world.completed.municipality.slug})
    kyrgyz = client.get(
        JSON_URL, {"municipality": world.completed.municipality.slug}, headers={"accept-language": "ky"}
    )
    titles = {
        json.loads(content(response))["grants"][0]["grantProgramme"][0]["title"]
        for response in (english, kyrgyz)
    }
    assert titles == {issue.title_en, issue.title_ky}
    assert english["ETag"] != kyrgyz["ETag"]
    assert "Accept-Language" in kyrgyz["Vary"]
