from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.factories import MunicipalityFactory, UserFactory
from procurement.documents import ANNOUNCEMENT
from procurement.factories import (
    CompetitionFactory,
    PriorityIssueFactory,
    SubscriptionFactory,
)
from procurement.models import Competition
from procurement.models.competitions import commission_order
from procurement.services import competitions as services
from procurement.views.competition_rows import ROWS_PAGES
from ssp_portal.documents.models import Document
from ssp_portal.documents.tests.conftest import pdf_text
from ssp_portal.tests.rows import rows_post

pytestmark = pytest.mark.django_db


def queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_public_list_makes_the_same_queries_for_5_and_50_competitions(client):
    url = reverse("procurement:competition-list")
    for _ in range(5):
        CompetitionFactory(published=True)
    queries(client, url)  # fills the content-type cache
    few = queries(client, url)
    for _ in range(45):
        CompetitionFactory(published=True)
    many = queries(client, url)
    assert few == many
    assert queries(client, url, {"page": 2}) == few


def test_the_detail_page_queries_do_not_grow(client):
    competition = CompetitionFactory(published=True, ready=True)
    url = competition.get_absolute_url()
    queries(client, url)  # fills the content-type cache
    before = queries(client, url)
    for i in range(10):
        competition.eligibility_requirements.create(text=f"Requirement {i}", position=i)
        competition.required_documents.create(name=f"Document {i}", position=i)
    assert queries(client, url) == before


def test_drafts_are_not_listed_for_the_public_or_other_municipalities(
    client_for, finance_staff, other_staff, municipality
):
    draft = CompetitionFactory(municipality=municipality, title="Secret draft")
    CompetitionFactory(municipality=municipality, published=True, title="Open call")
    url = reverse("procurement:competition-list")
    for user in (None, other_staff):
        page = client_for(user).get(url).content.decode()
        assert "Open call" in page
        assert "Secret draft" not in page
    assert "Secret draft" in client_for(finance_staff).get(url).content.decode()
    assert client_for(other_staff).get(draft.get_absolute_url()).status_code == 404


def test_filters(client):
    karakol = MunicipalityFactory(name="Karakol", slug="karakol", code="KRK")
    naryn = MunicipalityFactory(name="Naryn", slug="naryn", code="NRN")
    issue = PriorityIssueFactory(municipality=karakol, title="Homeless people")
    CompetitionFactory(
        municipality=karakol, priority_issue=issue, published=True, title="Maintaining Public Order"
    )
    CompetitionFactory(municipality=karakol, completed=True, title="Children of Labor Migrants", year=2025)
    CompetitionFactory(municipality=naryn, published=True, title="Clean water")
    CompetitionFactory(municipality=karakol, past_deadline=True, title="Passed deadline")
    url = reverse("procurement:competition-list")

    def titles(**params) -> set[str]:
        return {c.title for c in client.get(url, params).context["page"].object_list}

    assert titles(municipality="karakol") == {
        "Maintaining Public Order",
        "Children of Labor Migrants",
        "Passed deadline",
    }
    assert titles(priority_issue=issue.pk) == {"Maintaining Public Order"}
    assert titles(state="published") == {"Maintaining Public Order", "Clean water"}
    assert titles(state="closed") == {"Passed deadline"}  # a passed deadline reads as closed
    assert titles(year=2025) == {"Children of Labor Migrants"}
    assert titles(q="water") == {"Clean water"}
    assert titles(q="KRK") == {"Maintaining Public Order", "Children of Labor Migrants", "Passed deadline"}
    response = client.get(url, {"year": "twenty", "state": "nonsense"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_the_detail_shows_the_deadline_in_bishkek_time_with_a_countdown(client):
    deadline = datetime.datetime(2030, 3, 14, 11, 0, tzinfo=datetime.UTC)  # 17:00 in Bishkek
    competition = CompetitionFactory(published=True, ready=True, deadline=deadline)
    page = client.get(competition.get_absolute_url()).content.decode()
    assert "14 March 2030, 17:00" in page
    assert 'data-deadline="2030-03-14T17:00:00+06:00"' in page
    assert "Relevance" in page and "50%" in page


def test_a_passed_deadline_shows_closed_before_the_task_runs(client):
    competition = CompetitionFactory(past_deadline=True)
    page = client.get(competition.get_absolute_url()).content.decode()
    assert 'data-state="closed"' in page
    assert 'class="countdown' not in page


def test_staff_publish_through_the_confirmation_page_and_see_what_is_left_to_do(
    municipality, finance_staff, client_for
):
    client = client_for(finance_staff)
    competition = CompetitionFactory(
        municipality=municipality, deadline=timezone.now() + datetime.timedelta(days=40)
    )
    url = reverse("procurement:competition-publish", args=[competition.reference])

    # An old form posted without the confirmation shows what is left to do, with links, and no button.
    response = client.post(url)
    assert response.status_code == 200
    page = response.content.decode()
    criteria = reverse("procurement:competition-criteria", args=[competition.reference])
    commission = reverse("procurement:competition-commission", args=[competition.reference])
    assert f'href="{criteria}">Add at least one evaluation criterion<' in page
    assert f'href="{commission}">Appoint a chair of the commission<' in page
    assert 'data-testid="confirmation-form"' not in page
    competition.refresh_from_db()
    assert competition.state == Competition.State.DRAFT

    from procurement.factories import add_commission, add_criteria

    add_criteria(competition)
    add_commission(competition)
    page = client.get(competition.get_absolute_url()).content.decode()
    assert page.count('data-done="yes"') == 9  # every check is done
    assert 'data-done="no"' not in page
    response = client.get(url)
    assert response.context["problems"] == []
    token = response.context["token"]
    client.post(url, {"confirm": token})
    competition.refresh_from_db()
    assert competition.state == Competition.State.PUBLISHED


def test_publishing_prepares_the_announcement_which_anyone_downloads(
    municipality, finance_staff, client, django_capture_on_commit_callbacks
):
    competition = CompetitionFactory(
        municipality=municipality,
        deadline=timezone.now() + datetime.timedelta(days=40),
        ready=True,
        title="Публичный порядок",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.competition_publish(competition=competition, by=finance_staff)
    documents = Document.objects.for_subject(competition, ANNOUNCEMENT)
    assert sorted(documents.values_list("language", flat=True)) == ["en", "ky", "ru"]
    assert set(documents.values_list("state", flat=True)) == {"ready"}

    english = documents.get(language="en")
    response = client.get(reverse("documents:download", args=[english.pk]))
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert competition.reference in text
    assert "Публичный порядок" in text
    assert re.search(r"KGS\s400,000", text)
    assert municipality.name in text
    assert "Relevance" in text
    page = client.get(competition.get_absolute_url()).content.decode()
    assert reverse("documents:download", args=[english.pk]) in page
    # Visitors download; they cannot ask for a new rendering.
    assert client.post(reverse("documents:request", args=[ANNOUNCEMENT, competition.pk])).status_code == 302
    assert documents.count() == 3


def test_a_drafts_announcement_is_not_public(municipality, client):
    draft = CompetitionFactory(municipality=municipality)
    document = Document(
        kind=ANNOUNCEMENT, subject=draft, language="en", state="ready", file="documents/x.pdf"
    )
    document.save()
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 302  # to log in; staff only


def test_amending_through_the_page(municipality, finance_staff, client_for):
    competition = CompetitionFactory(
        municipality=municipality, published=True, deadline=timezone.now() + datetime.timedelta(days=5)
    )
    local = timezone.localtime(competition.deadline)
    url = reverse("procurement:competition-amend", args=[competition.reference])
    data = {
        "explanation_en": "A letter of support is also needed.",
        "description_en": "New description",
        "budget": "400000",
        "max_grant": "200000",
        "projects_expected": "2",
        "deadline": local.strftime("%Y-%m-%dT%H:%M"),
        "project_start": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "project_end": competition.project_end.isoformat(),
        "contact": "",
    }
    client = client_for(finance_staff)
    confirmation = client.post(url, data)  # what will change, before anything does
    assert Competition.objects.get(pk=competition.pk).description != "New description"
    response = client.post(url, {**data, "confirm": confirmation.context["token"]}, follow=True)
    competition.refresh_from_db()
    assert competition.description == "New description"
    assert competition.deadline > timezone.now() + datetime.timedelta(days=29)
    page = response.content.decode()
    assert "the deadline moved to" in page
    assert "A letter of support is also needed." in page  # shown on the competition's page


def test_followers_hear_of_a_publication_once(
    municipality, finance_staff, django_capture_on_commit_callbacks
):
    issue = PriorityIssueFactory(municipality=municipality)
    by_municipality = SubscriptionFactory(municipality=municipality).user
    both = SubscriptionFactory(municipality=municipality).user
    SubscriptionFactory(user=both, municipality=None, priority_issue=issue)
    by_issue = SubscriptionFactory(municipality=None, priority_issue=issue).user
    SubscriptionFactory(municipality=MunicipalityFactory())  # someone following elsewhere
    competition = CompetitionFactory(
        municipality=municipality,
        priority_issue=issue,
        ready=True,
        deadline=timezone.now() + datetime.timedelta(days=40),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.competition_publish(competition=competition, by=finance_staff)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([by_municipality.email, both.email, by_issue.email])
    assert competition.title in mail.outbox[0].subject
    from procurement.tasks import notify_followers

    assert notify_followers.delay(competition.pk).get() == 0  # a second run sends nothing
    assert len(mail.outbox) == 3


def test_following_and_unfollowing(municipality, nco_member, client_for):
    client = client_for(nco_member)
    client.post(reverse("procurement:follow"), {"municipality": municipality.slug})
    client.post(reverse("procurement:follow"), {"municipality": municipality.slug})
    assert nco_member.subscriptions.count() == 1
    subscription = nco_member.subscriptions.get()
    page = client.get(reverse("procurement:subscription-list")).content.decode()
    assert municipality.name in page
    client.post(reverse("procurement:unfollow", args=[subscription.pk]))
    assert not nco_member.subscriptions.exists()
    response = client.post(reverse("procurement:follow"), {"priority_issue": "not-a-number"}, follow=True)
    assert "Choose a municipality or a priority issue" in response.content.decode()


def test_a_new_commission_member_is_invited_and_sets_a_password(
    municipality, finance_staff, client_for, client, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="chair@karakol.example")
    competition = CompetitionFactory(municipality=municipality)
    data = {
        "commission-TOTAL_FORMS": "3",
        "commission-INITIAL_FORMS": "0",
        "commission-0-email": existing.email,
        "commission-0-full_name": "Nurlan Asanov",
        "commission-0-role": "chair",
        "commission-1-email": "new.deputy@example.org",
        "commission-1-full_name": "Aigul Mamytova",
        "commission-1-role": "member",
        "commission-1-affiliation": "City council",
        "commission-2-email": "civil@example.org",
        "commission-2-full_name": "Bakyt Toktosunov",
        "commission-2-role": "secretary",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(finance_staff).post(
            reverse("procurement:competition-commission", args=[competition.reference]), data
        )
    assert response.status_code == 302
    from procurement.models.competitions import commission_order

    assert list(competition.commission.order_by(*commission_order()).values_list("user__email", "role")) == [
        ("chair@karakol.example", "chair"),
        ("civil@example.org", "secretary"),
        ("new.deputy@example.org", "member"),
    ]
    invitation = next(m for m in mail.outbox if m.to == ["new.deputy@example.org"])
    assert "Choose your password" in invitation.body
    assert next(m for m in mail.outbox if m.to == [existing.email]).subject.startswith(
        "You are on the commission"
    )

    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", invitation.body).group(1)
    client.logout()
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    client.post(
        form_url, {"password1": "a-new-commission-password", "password2": "a-new-commission-password"}
    )
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.deputy@example.org", "password": "a-new-commission-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_changing_the_commission_keeps_existing_members_and_removes_the_missing(
    municipality, finance_staff, client_for, django_capture_on_commit_callbacks
):
    from procurement.factories import add_commission

    competition = CompetitionFactory(municipality=municipality)
    add_commission(competition)
    members = list(competition.commission.select_related("user"))
    chair = next(m for m in members if m.role == "chair")
    others = [m for m in members if m.role != "chair"]
    data = rows_post(
        "commission",
        [
            {"id": chair.pk, "role": "member", "affiliation": ""},
            {"id": others[0].pk, "role": "chair", "affiliation": ""},
            {"id": others[1].pk, "role": "member", "affiliation": ""},
        ],
        remove=[others[1].pk],
        shown=ROWS_PAGES["commission"].rows(competition),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(finance_staff).post(
            reverse("procurement:competition-commission", args=[competition.reference]), data
        )
    assert dict(competition.commission.values_list("user__email", "role")) == {
        others[0].user.email: "chair",
        chair.user.email: "member",
    }
    assert mail.outbox == []  # no one new: no e-mail


def test_the_commission_is_fixed_once_evaluation_starts(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, evaluation=True, commission=True)
    stored = [
        {"id": m.pk, "role": m.role, "affiliation": m.affiliation}
        for m in competition.commission.order_by(*commission_order())
    ]
    response = client_for(finance_staff).post(
        reverse("procurement:competition-commission", args=[competition.reference]),
        rows_post(
            "commission",
            stored,
            [{"email": "x@example.org", "full_name": "X", "role": "member"}],
            shown=ROWS_PAGES["commission"].rows(competition),
        ),
        follow=True,
    )
    assert "cannot change once evaluation has started" in response.content.decode()
    assert competition.commission.count() == 3


def test_staff_page_counts_by_state_as_reads_see_them(municipality, finance_staff, client_for):
    CompetitionFactory(municipality=municipality)
    CompetitionFactory(municipality=municipality, published=True)
    CompetitionFactory(municipality=municipality, past_deadline=True)
    CompetitionFactory(municipality=municipality, completed=True)
    CompetitionFactory(published=True)  # another municipality's
    response = client_for(finance_staff).get(
        reverse("procurement:staff-competitions", args=[municipality.slug])
    )
    assert response.context["counts"] == {
        "draft": 1,
        "published": 1,
        "closed": 1,
        "evaluation": 0,
        "completed": 1,
        "cancelled": 0,
    }
    assert response.context["page"].paginator.count == 4
    closed = client_for(finance_staff).get(
        reverse("procurement:staff-competitions", args=[municipality.slug]), {"state": "closed"}
    )
    assert closed.context["page"].paginator.count == 1


def test_staff_page_shows_the_municipalitys_timeline(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    services.competition_start_evaluation(competition=competition, by=finance_staff)
    page = client_for(finance_staff).get(reverse("procurement:staff-competitions", args=[municipality.slug]))
    content = page.content.decode()
    assert "Evaluation started" in content
    assert "Submission deadline passed" in content


def test_priority_issues_are_public_once_approved(municipality, finance_staff, client_for, client):
    staff = client_for(finance_staff)
    staff.post(
        reverse("procurement:priority-issue-create", args=[municipality.slug]),
        {
            "title_en": "Homeless people",
            "year": "2026",
            "need_source": "council_decision",
            "target_group_en": "Homeless people",
            "planned_budget": "200000",
            "description_en": "Winter shelter.",
        },
    )
    from procurement.models import PriorityIssue

    issue = PriorityIssue.objects.get()
    assert "Homeless people" not in client.get(reverse("procurement:priority-issue-list")).content.decode()
    staff.post(reverse("procurement:priority-issue-approve", args=[issue.pk]))
    assert "Homeless people" in client.get(reverse("procurement:priority-issue-list")).content.decode()


def test_home_shows_open_competitions_to_visitors(client):
    CompetitionFactory(published=True, title="Open call")
    CompetitionFactory(completed=True, title="Old call")
    page = client.get(reverse("home")).content.decode()
    assert "Open call" in page
    assert "Old call" not in page
