"""The organizations list's search: part of a name in any case, an INN's first digits, part of a
registration number; on PostgreSQL a misspelt name too, the best match first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.factories import OrganizationFactory
from organizations.models import Organization

pytestmark = pytest.mark.django_db

URL = reverse("organizations:organization-review-list")


@pytest.fixture
def found(finance_staff, client_for):
    client = client_for(finance_staff)

    def names(q: str) -> list[str]:
        response = client.get(URL, {"q": q})
        assert response.status_code == 200
        return [organization.name for organization in response.context["page"].object_list]

    return names


@pytest.fixture
def baldarga():
    return OrganizationFactory(
        name="Общественный фонд «Балдарга Тирек»", inn="01203201510042", registration_number="012345-3301-ОФ"
    )


@pytest.fixture
def others():
    OrganizationFactory(name="Коомдук бирикме «Улукман Дарыгер»", inn="02505201810077")
    OrganizationFactory(name="Public Union Clean Water", inn="03001201910001")


@pytest.mark.parametrize("typed", ["балдарга", "БАЛДАРГА ТИРЕК", "тирек фонд", "0120320", "012345-3301"])
def test_part_of_a_name_inn_or_registration_number_finds_the_organization(found, baldarga, others, typed):
    assert found(typed) == [baldarga.name]


def test_a_name_is_searched_as_it_was_changed(found, baldarga, others):
    baldarga.name = "Фонд «Жаңы Тирек»"
    baldarga.save(update_fields=["name"])

    assert found("ЖАҢЫ") == ["Фонд «Жаңы Тирек»"]
    assert (
        Organization.objects.get(pk=baldarga.pk).search_text
        == "фонд «жаңы тирек» 01203201510042 012345-3301-оф"
    )


def test_on_postgresql_a_misspelt_name_finds_it_and_a_whole_word_comes_first(
    postgresql, found, baldarga, others
):
    OrganizationFactory(name="Фонд «Балдаргалар»", inn="04001202010001")

    assert found("балдарго") == [baldarga.name, "Фонд «Балдаргалар»"]
    assert found("балдарга")[0] == baldarga.name
