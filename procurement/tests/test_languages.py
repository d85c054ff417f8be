"""What a municipality publishes, in Kyrgyz and Russian (English optional), shown in the reader's
language, marked when it is in another; the publishing checklist asks for both state languages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from procurement import rules
from procurement.documents import ANNOUNCEMENT
from procurement.factories import CompetitionFactory, EvaluationCriterionFactory, RequiredDocumentFactory
from procurement.forms.competitions import CompetitionForm
from procurement.models import Competition, EvaluationCriterion
from procurement.services import competitions as services
from procurement.views.competition_rows import ROWS_PAGES
from ssp_portal.documents.models import Document
from ssp_portal.documents.tests.conftest import pdf_text
from ssp_portal.tests.rows import rows_post

pytestmark = pytest.mark.django_db


def read_as(client, language: str, url: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def bilingual(**kwargs) -> Competition:
    return CompetitionFactory(
        title="Warm winter",
        title_ky="Жылуу кыш",
        title_ru="Тёплая зима",
        description_ky="Кышкы баш калкалоочу жай.",
        description_ru="Зимний приют.",
        **kwargs,
    )


def test_each_reader_sees_the_title_in_their_language(client):
    competition = bilingual(published=True)

    kyrgyz = read_as(client, "ky", competition.get_absolute_url())
    russian = read_as(client, "ru", competition.get_absolute_url())

    assert "Жылуу кыш" in kyrgyz and "Тёплая зима" not in kyrgyz
    assert "Тёплая зима" in russian and "Жылуу кыш" not in russian
    assert "Кышкы баш калкалоочу жай." in kyrgyz
    assert 'data-testid="language-note"' not in kyrgyz


def test_a_text_only_in_russian_is_shown_to_a_kyrgyz_reader_marked_as_russian(client):
    competition = CompetitionFactory(
        published=True, title_en=None, title_ky=None, title_ru="Только по-русски", description_ky=None
    )

    page = read_as(client, "ky", competition.get_absolute_url())
    listing = read_as(client, "ky", reverse("procurement:competition-list"))

    with translation.override("ky"):
        note = gettext("(in Russian)")
    for html in (page, listing):
        assert '<span lang="ru">Только по-русски</span> <small' in html
        assert f'data-testid="language-note">{note}</small>' in html


def test_search_finds_a_competition_by_its_kyrgyz_title_on_a_russian_page(client):
    wanted = bilingual(published=True)
    other = CompetitionFactory(published=True, title_ky="Башка конкурс")

    html = read_as(client, "ru", reverse("procurement:competition-list") + "?q=жылуу")

    assert wanted.reference in html
    assert other.reference not in html


def test_publishing_is_refused_until_the_title_and_every_row_is_in_both_state_languages(
    municipality, finance_staff
):
    competition = CompetitionFactory(municipality=municipality, ready=True, title_ky=None)
    EvaluationCriterion.objects.filter(competition=competition, name_en="Budget").update(name_ru=None)
    RequiredDocumentFactory(competition=competition, name="Charter", name_ky=None)

    problems = rules.publish_problems(competition, at=timezone.now())

    assert "Write the Kyrgyz title" in problems
    assert "Criteria without Russian text: «Budget»" in problems
    assert "Documents without Kyrgyz text: «Charter»" in problems
    with pytest.raises(Exception, match="Write the Kyrgyz title"):
        services.competition_publish(competition=competition, by=finance_staff)
    competition.refresh_from_db()
    assert competition.state == Competition.State.DRAFT


def test_the_checklist_links_to_the_row_editor_in_the_missing_language(
    municipality, finance_staff, client_for
):
    competition = CompetitionFactory(municipality=municipality, ready=True)
    EvaluationCriterion.objects.filter(competition=competition).update(name_ky=None)

    html = client_for(finance_staff).get(competition.get_absolute_url()).content.decode()

    assert reverse("procurement:competition-criteria", args=[competition.reference]) + "?lang=ky" in html


def test_a_competition_in_both_state_languages_passes_the_language_check(municipality):
    competition = CompetitionFactory(municipality=municipality, ready=True)

    checks = rules.publish_checks(competition, at=timezone.now())

    assert [c.message for c in checks if not c.ok] == []
    assert "Written in Kyrgyz and Russian" in [c.message for c in checks]


def test_the_competition_form_shows_a_field_per_language_and_needs_one(municipality):
    form = CompetitionForm(municipality=municipality)
    assert str(form["title_ky"].label) == "Title — Кыргызча"
    assert str(form["title_ru"].label) == "Title — Русский"
    assert str(form["title_en"].label) == "Title — English (optional)"

    bound = CompetitionForm({"title_ky": "", "title_ru": "", "title_en": ""}, municipality=municipality)
    bound.is_valid()
    assert bound.errors["title_en"] == ["Write this text in at least one language."]


def test_a_draft_edited_in_kyrgyz_keeps_its_russian(municipality, finance_staff, client_for):
    competition = bilingual(municipality=municipality)
    client = client_for(finance_staff)
    form = client.get(reverse("procurement:competition-edit", args=[competition.reference])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["title_ky"] = "Жылуу кыш 2026"

    response = client.post(reverse("procurement:competition-edit", args=[competition.reference]), data)

    assert response.status_code == 302
    competition.refresh_from_db()
    assert (competition.title_ky, competition.title_ru) == ("Жылуу кыш 2026", "Тёплая зима")


def criteria_in(client, competition: Competition, language: str):
    url = reverse("procurement:competition-criteria", args=[competition.reference]) + f"?lang={language}"
    return url, client.get(url)


def test_criteria_edited_in_kyrgyz_leave_the_russian_untouched(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, criteria=True)
    client = client_for(finance_staff)
    url, page = criteria_in(client, competition, "ky")
    html = page.content.decode()
    assert 'value="Relevance (ky)"' in html
    assert "Relevance (ru)" in html  # the Russian shown under the Kyrgyz input
    shown = ROWS_PAGES["criteria"].rows(competition, "ky")
    stored = [{k: v for k, v in row.items() if k != "other_languages"} for row in shown]
    data = rows_post("criteria", stored, shown=shown)
    data["criteria-0-name"] = "Максатка шайкештиги"

    response = client.post(url, data)

    assert response.status_code == 302
    first = competition.criteria.get(position=0)
    assert (first.name_ky, first.name_ru, first.name_en) == (
        "Максатка шайкештиги",
        "Relevance (ru)",
        "Relevance",
    )


def test_criteria_saved_unchanged_in_kyrgyz_write_nothing(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, criteria=True)
    client = client_for(finance_staff)
    url, _page = criteria_in(client, competition, "ky")
    shown = ROWS_PAGES["criteria"].rows(competition, "ky")
    stored = [{k: v for k, v in row.items() if k != "other_languages"} for row in shown]
    before = list(EvaluationCriterion.objects.order_by("pk").values())

    response = client.post(url, rows_post("criteria", stored, shown=shown), follow=True)

    assert "Nothing was changed" in response.content.decode()
    assert list(EvaluationCriterion.objects.order_by("pk").values()) == before


def test_a_criterion_added_in_russian_has_only_russian(municipality, finance_staff):
    competition = CompetitionFactory(municipality=municipality)

    services.competition_set_criteria(
        competition=competition,
        by=finance_staff,
        criteria=[services.CriterionData("Актуальность", "", 10, 100)],
        language="ru",
    )

    criterion = competition.criteria.get()
    assert (criterion.name_ru, criterion.name_ky, criterion.name_en) == ("Актуальность", None, None)
    problems = rules.publish_problems(competition, at=timezone.now())
    assert "Criteria without Kyrgyz text: «Актуальность»" in problems


def test_rows_may_share_an_untranslated_language(municipality, finance_staff):
    """Two criteria not yet in Kyrgyz do not meet the unique name in Kyrgyz."""
    competition = CompetitionFactory(municipality=municipality)
    EvaluationCriterionFactory(competition=competition, name="A", name_ky=None, weight=50)
    EvaluationCriterionFactory(competition=competition, name="B", name_ky=None, weight=50)
    assert competition.criteria.filter(name_ky__isnull=True).count() == 2


def test_a_bad_language_of_the_row_editor_falls_back_to_the_page_language(
    municipality, finance_staff, client_for
):
    competition = CompetitionFactory(municipality=municipality, criteria=True)

    _url, page = criteria_in(client_for(finance_staff), competition, "xx")

    assert page.status_code == 200
    assert 'value="Relevance"' in page.content.decode()


def test_the_announcement_is_prepared_and_offered_in_each_language(
    municipality, finance_staff, client_for, client, on_commit
):
    competition = bilingual(municipality=municipality, ready=True)
    with on_commit():
        services.competition_publish(competition=competition, by=finance_staff)

    texts = {
        document.language: pdf_text(document.file.read())
        for document in Document.objects.filter(kind=ANNOUNCEMENT, state=Document.State.READY)
    }
    assert "Жылуу кыш" in texts["ky"] and "Тёплая зима" not in texts["ky"]
    assert "Тёплая зима" in texts["ru"]
    assert "Warm winter" in texts["en"]
    page = read_as(client, "ru", competition.get_absolute_url())
    for language in ("ky", "ru", "en"):
        assert f'data-document-language="{language}"' in page


def test_the_announcement_is_requested_in_a_chosen_language(
    municipality, finance_staff, client_for, on_commit
):
    competition = bilingual(municipality=municipality, published=True)
    client = client_for(finance_staff)
    url = reverse("documents:request", args=[ANNOUNCEMENT, competition.pk])

    with on_commit():
        response = client.post(url, {"language": "ky", "next": competition.get_absolute_url()})

    assert response.status_code == 302
    document = Document.objects.get(kind=ANNOUNCEMENT)
    assert document.language == "ky"
    assert "Жылуу кыш" in pdf_text(document.file.read())


@pytest.mark.parametrize("language", ["xx", "../en", "ky-KG"])
def test_a_bad_language_of_a_document_request_is_404(municipality, finance_staff, client_for, language):
    competition = bilingual(municipality=municipality, published=True)
    url = reverse("documents:request", args=[ANNOUNCEMENT, competition.pk])

    response = client_for(finance_staff).post(url, {"language": language})

    assert response.status_code == 404
    assert not Document.objects.exists()


def test_a_row_not_yet_in_kyrgyz_may_stay_so_but_a_written_name_is_not_erased(
    municipality, finance_staff, client_for
):
    competition = CompetitionFactory(municipality=municipality, criteria=True)
    competition.criteria.filter(position=0).update(name_ky=None)
    client = client_for(finance_staff)
    url, _page = criteria_in(client, competition, "ky")
    shown = ROWS_PAGES["criteria"].rows(competition, "ky")
    stored = [{k: v for k, v in row.items() if k != "other_languages"} for row in shown]

    untranslated = client.post(url, rows_post("criteria", stored, shown=shown), follow=True)
    assert "Nothing was changed" in untranslated.content.decode()

    data = rows_post("criteria", stored, shown=shown)
    data["criteria-1-name"] = ""
    erased = client.post(url, data)
    assert erased.status_code == 400
    assert competition.criteria.get(position=1).name_ky == "Approach (ky)"
