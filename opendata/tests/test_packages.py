"""The demo's OCDS packages: valid against the 1.1.5 schema, closed codelists held, ids unique, and
amounts and currencies those of the database."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import PaymentTranche, Project
from opendata.tests.conftest import read
from opendata.tests.schema import (
    closed_codelists,
    codelist,
    errors,
    package_validator,
    release_validator,
    values_at,
)
from procurement.models import Award, Competition

pytestmark = pytest.mark.django_db

RELEASES = reverse("opendata:ocds-release-package")
RECORDS = reverse("opendata:ocds-record-package")


def competition_url(reference: str) -> str:
    return reverse("opendata:ocds-competition", args=[reference])


def published_references() -> list[str]:
    return list(
        Competition.objects.exclude(state=Competition.State.DRAFT)
        .filter(published_at__isnull=False)
        .values_list("reference", flat=True)
    )


def release_feeds() -> list[str]:
    return [RELEASES, f"{RELEASES}?municipality=karakol", f"{RELEASES}?municipality=karakol&year=2025"]


def releases_of_records(package: dict) -> list[dict]:
    return [
        release
        for record in package["records"]
        for release in [*record["releases"], record["compiledRelease"]]
    ]


def assert_codelists_hold(releases: list[dict]) -> None:
    for release in releases:
        for path, name in closed_codelists():
            for code in values_at(release, path):
                assert code in codelist(name), f"{release['id']} {'/'.join(path)}: {code!r} not in {name}"


def test_the_release_packages_are_valid(demo, client):
    feeds = [RELEASES, f"{RELEASES}?municipality=karakol"]
    feeds += [competition_url(reference) for reference in published_references()]
    for url in feeds:
        package = read(client.get(url))
        assert package["releases"], url
        assert errors(package_validator(), package) == [], url
        assert_codelists_hold(package["releases"])


def test_the_record_packages_hold_valid_releases_and_compiled_releases(demo, client):
    package = read(client.get(RECORDS))
    assert {"uri", "publisher", "publishedDate", "records", "version"} <= set(package)
    assert sorted(record["ocid"] for record in package["records"]) == sorted(
        f"ocds-xxxxxx-ssp-{reference}" for reference in published_references()
    )
    for release in releases_of_records(package):
        assert errors(release_validator(), release) == [], release["id"]
    assert_codelists_hold(releases_of_records(package))
    for record in package["records"]:
        assert record["compiledRelease"]["tag"] == ["compiled"]
        assert all(release["ocid"] == record["ocid"] for release in record["releases"])


def test_ids_are_unique(demo, client):
    releases = read(client.get(RELEASES))["releases"]
    assert len({release["id"] for release in releases}) == len(releases)
    for release in releases:
        for items in (
            release.get("parties", []),
            release.get("awards", []),
            release.get("contracts", []),
            release.get("tender", {}).get("documents", []),
            release.get("tender", {}).get("amendments", []),
        ):
            counts = Counter(item["id"] for item in items)
            assert [id for id, n in counts.items() if n > 1] == [], release["id"]
        for contract in release.get("contracts", []):
            for key in ("transactions", "milestones", "documents"):
                ids = [item["id"] for item in contract.get("implementation", {}).get(key, [])]
                assert len(ids) == len(set(ids)), release["id"]


def test_every_release_is_dated_in_order_and_tagged(demo, client):
    package = read(client.get(RECORDS))
    for record in package["records"]:
        dates = [release["date"] for release in record["releases"]]
        assert dates == sorted(dates), record["ocid"]
        assert record["releases"][0]["tag"] == ["planning"]
        assert record["releases"][1]["tag"] == ["tender"]
        assert all(release["initiationType"] == "tender" for release in record["releases"])


def test_amounts_and_currencies_match_the_database(demo, client):
    compiled = {record["ocid"]: record["compiledRelease"] for record in read(client.get(RECORDS))["records"]}
    awards = [award for release in compiled.values() for award in release.get("awards", [])]
    assert sum(Decimal(str(award["value"]["amount"])) for award in awards) == Decimal("400000")
    assert sum(Decimal(str(award["value"]["amount"])) for award in awards) == sum(
        award.amount for award in Award.objects.all()
    )
    for competition in Competition.objects.filter(reference__in=published_references()):
        tender = compiled[f"ocds-xxxxxx-ssp-{competition.reference}"]["tender"]
        assert Decimal(str(tender["value"]["amount"])) == competition.budget
        assert tender["items"][0]["unit"]["value"]["amount"] == competition.max_grant
    contracts = {c["id"]: c for release in compiled.values() for c in release.get("contracts", [])}
    for project in Project.objects.all():
        assert Decimal(str(contracts[project.contract_number]["value"]["amount"])) == project.amount
        paid = PaymentTranche.objects.filter(project=project, paid_on__isnull=False)
        transactions = contracts[project.contract_number].get("implementation", {}).get("transactions", [])
        assert sorted(Decimal(str(t["value"]["amount"])) for t in transactions) == sorted(
            t.amount for t in paid
        )
    for value in _values(compiled):
        assert value["currency"] == "KGS"


def _values(document) -> list[dict]:
    if isinstance(document, dict):
        found = [document] if set(document) == {"amount", "currency"} else []
        return found + [value for item in document.values() for value in _values(item)]
    if isinstance(document, list):
        return [value for item in document for value in _values(item)]
    return []


def test_a_filter_by_year_holds_that_year_only(demo, client):
    years = set(
        Competition.objects.filter(reference__in=published_references()).values_list("year", flat=True)
    )
    for year in years:
        releases = read(client.get(f"{RELEASES}?year={year}"))["releases"]
        expected = set(
            Competition.objects.filter(reference__in=published_references(), year=year).values_list(
                "reference", flat=True
            )
        )
        assert {release["tender"]["id"] for release in releases if "tender" in release} == expected
