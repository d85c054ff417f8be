"""The public competition list's search and its priority-issue choices: a competition is found by
its title in any language from any page's language, whatever the case of its Cyrillic letters, by
part of a word; on PostgreSQL also by a word's other forms and a misspelt word, the best match
first, through the indexes; the priority issues offered are the chosen municipality's alone."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations.factories import MunicipalityFactory
from procurement.factories import CompetitionFactory, PriorityIssueFactory
from procurement.filters import COMPETITION_SEARCH, CompetitionFilter, approved_issues
from procurement.models import Competition
from ssp_portal.search import fold

pytestmark = pytest.mark.django_db

URL = reverse("procurement:competition-list")


def found(client, language: str = "en", **params) -> list[str]:
    client.cookies["django_language"] = language
    response = client.get(URL, params)
    assert response.status_code == 200
    return [competition.reference for competition in response.context["page"].object_list]


@pytest.fixture
def warm_winter():
    return CompetitionFactory(
        published=True,
        title_ky="Жылуу кыш",
        title_ru="Тёплая зима",
        title_en="Warm winter",
        description_ky="Кышкы баш калкалоочу жай.",
        description_ru="Зимний приют для бездомных.",
        description_en="A winter shelter.",
    )


@pytest.fixture
def other():
    return CompetitionFactory(
        published=True, title_ky="Таза суу", title_ru="Чистая вода", title_en="Clean water"
    )


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
@pytest.mark.parametrize("typed", ["Жылуу кыш", "Тёплая зима", "Warm winter"])
def test_a_title_in_any_language_finds_the_competition_on_a_page_in_any_language(
    client, warm_winter, other, language, typed
):
    assert found(client, language, q=typed) == [warm_winter.reference]


@pytest.mark.parametrize("typed", ["ЖЫЛУУ", "жылуу КЫШ", "ТЁПЛАЯ", "теплая", "ПРИЮТ", "WARM"])
def test_cyrillic_is_found_in_any_case_and_yo_as_ye(client, warm_winter, other, typed):
    assert found(client, "ru", q=typed) == [warm_winter.reference]


@pytest.mark.parametrize("typed", ["жыл", "калкалоо", "бездом", "зима жылуу", "  кыш  "])
def test_part_of_a_word_and_words_in_any_order_find_it(client, warm_winter, other, typed):
    assert found(client, "ky", q=typed) == [warm_winter.reference]


def test_a_reference_and_a_word_that_is_nowhere_find_what_they_should(client, warm_winter, other):
    assert found(client, q=warm_winter.reference.lower()) == [warm_winter.reference]
    assert found(client, q="вертолёт") == []
    assert set(found(client, q="")) == {warm_winter.reference, other.reference}


def test_a_title_changed_with_update_fields_is_searched_as_changed(warm_winter, client):
    warm_winter.title_ru = "Горячее лето"
    warm_winter.save(update_fields=["title_ru"])

    assert found(client, "ru", q="горячее") == [warm_winter.reference]
    assert found(client, "ru", q="тёплая") == []
    assert Competition.objects.get(pk=warm_winter.pk).search_text == fold(
        f"{warm_winter.reference} Жылуу кыш Горячее лето Warm winter Кышкы баш калкалоочу жай. "
        "Зимний приют для бездомных. A winter shelter."
    )


# PostgreSQL: words' forms, likeness, relevance, indexes ---------------------------------------


def test_on_postgresql_other_forms_of_a_word_and_a_misspelt_word_find_it(postgresql, client):
    school = CompetitionFactory(published=True, title_ru="Ремонт школы", title_en="School repair")
    CompetitionFactory(published=True, title_ru="Чистая вода", title_en="Clean water")

    assert found(client, "ru", q="школа") == [school.reference]  # Russian stemming
    assert found(client, "ru", q="ремонд") == [school.reference]  # a misspelt word
    assert found(client, "en", q="repairs") == [school.reference]  # English stemming


def test_on_postgresql_a_title_match_comes_before_a_description_match(postgresql, client):
    titled = CompetitionFactory(published=True, title_ru="Ремонт школы", description_ru="Работы летом.")
    described = CompetitionFactory(
        published=True, title_ru="Поддержка семей", description_ru="Ремонт школы в селе."
    )
    later = titled.published_at + datetime.timedelta(days=1)
    Competition.objects.filter(pk=described.pk).update(published_at=later)

    assert found(client, "ru") == [described.reference, titled.reference]  # the newest first
    assert found(client, "ru", q="ремонт школы") == [titled.reference, described.reference]


def test_on_postgresql_every_branch_of_the_search_reads_an_index(postgresql, warm_winter):
    """The expressions the search queries are the ones migration 0008 indexed: were they to drift
    apart, PostgreSQL would read the whole table (asked not to, it would say so)."""
    queryset = COMPETITION_SEARCH.filter(Competition.objects.all(), "зимы")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    used = set(re.findall(r"Bitmap Index Scan on (\w+)", plan))

    assert used == {
        "competition_search_trgm",
        "competition_title_trgm",
        "competition_fts_ky",
        "competition_fts_ru",
        "competition_fts_en",
    }
    assert "Seq Scan on procurement_competition" not in plan


# The priority-issue choices ------------------------------------------------------------------


def issue_options(html: str) -> list[str]:
    select = re.search(r'<select name="priority_issue".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


def test_no_priority_issue_is_offered_until_a_municipality_is_chosen(client):
    for _ in range(3):
        PriorityIssueFactory()

    html = client.get(URL).content.decode()

    assert issue_options(html) == []
    assert re.search(r'<select name="priority_issue"[^>]* disabled', html)
    assert "Choose a municipality first" in html


def test_the_issues_offered_are_the_chosen_municipality_s_approved_ones(client):
    karakol, naryn = MunicipalityFactory(slug="karakol"), MunicipalityFactory(slug="naryn")
    ours = [PriorityIssueFactory(municipality=karakol) for _ in range(2)]
    PriorityIssueFactory(municipality=karakol, draft=True)
    PriorityIssueFactory(municipality=naryn)

    html = client.get(URL, {"municipality": "karakol"}).content.decode()

    assert sorted(issue_options(html)) == sorted(str(issue.pk) for issue in ours)


def test_a_link_with_only_a_priority_issue_still_filters_and_shows_its_municipality(client):
    issue = PriorityIssueFactory()
    wanted = CompetitionFactory(published=True, municipality=issue.municipality, priority_issue=issue)
    CompetitionFactory(published=True, municipality=issue.municipality)

    response = client.get(URL, {"priority_issue": issue.pk})

    assert [c.reference for c in response.context["page"].object_list] == [wanted.reference]
    form = response.context["filter"].form
    assert form["municipality"].value() == issue.municipality.slug
    assert form["priority_issue"].value() == str(issue.pk)


def test_an_issue_of_another_municipality_left_in_the_address_filters_nothing(client):
    issue = PriorityIssueFactory()
    elsewhere = CompetitionFactory(published=True)

    response = client.get(URL, {"municipality": elsewhere.municipality.slug, "priority_issue": issue.pk})

    assert [c.reference for c in response.context["page"].object_list] == [elsewhere.reference]
    assert not response.context["filter"].form.errors


def test_choosing_a_municipality_asks_for_its_issues_with_htmx():
    select = str(CompetitionFilter(QueryDict()).form["municipality"])

    assert f'hx-get="{URL}"' in select
    assert 'hx-select="#id_priority_issue"' in select
    assert 'hx-target="#id_priority_issue"' in select


def test_the_issues_are_in_the_reader_s_order():
    municipality = MunicipalityFactory(slug="issyk")
    for title in ("Вода", "Аптека"):
        PriorityIssueFactory(municipality=municipality, title_ru=title, title_ky=title + " (ky)")
    with translation.override("ru"):
        assert [issue.title_ru for issue in approved_issues("issyk")] == ["Аптека", "Вода"]


# Query counts --------------------------------------------------------------------------------


def queries(client, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "зима"},
        {"municipality": "karakol", "q": "зима"},
        {"municipality": "karakol", "priority_issue": "ISSUE"},
        {"priority_issue": "ISSUE"},
    ],
)
def test_the_list_makes_the_same_queries_for_3_or_30_competitions_issues_and_municipalities(client, params):
    karakol = MunicipalityFactory(slug="karakol")
    issue = PriorityIssueFactory(municipality=karakol)
    params = {name: str(issue.pk) if value == "ISSUE" else value for name, value in params.items()}

    def grow(n: int) -> None:
        for _ in range(n):
            PriorityIssueFactory(municipality=karakol)
            PriorityIssueFactory()  # and another municipality
            CompetitionFactory(
                published=True, municipality=karakol, priority_issue=issue, title_ru="Тёплая зима"
            )

    grow(3)
    queries(client, params)  # fills the content-type cache
    few = queries(client, params)
    grow(27)
    assert queries(client, params) == few


def test_the_applications_filter_finds_an_organization_by_part_of_its_name_in_any_case():
    from procurement.factories import ApplicationFactory
    from procurement.filters import ApplicationFilter
    from procurement.models import Application

    wanted = ApplicationFactory(organization__name="Коомдук фонд «Жылуу Үй»")
    ApplicationFactory(organization__name="Public Foundation Clean Water")

    filterset = ApplicationFilter(QueryDict("organization=ЖЫЛУУ үй"), queryset=Application.objects.all())

    assert list(filterset.qs) == [wanted]


def test_the_migration_fills_the_searched_texts_of_competitions_saved_before_it(warm_winter, client):
    from django.apps import apps

    fill = importlib.import_module("procurement.migrations.0008_competition_search").fill_search_text
    Competition.objects.filter(pk=warm_winter.pk).update(search_text="", search_title="")

    fill(apps, None)

    assert found(client, "ru", q="ЖЫЛУУ") == [warm_winter.reference]
    assert Competition.objects.get(pk=warm_winter.pk).search_title == fold(
        f"{warm_winter.reference} Жылуу кыш Тёплая зима Warm winter"
    )
