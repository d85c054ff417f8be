"""The lists people work through (the staff's competitions and a competition's applications, an
organization's applications, a commission member's competitions): the same queries at 3 rows and
at 30, pages of their own with the filters kept in the page links, counts that joins never
multiply."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.factories import OrganizationFactory
from procurement import selectors
from procurement.factories import (
    ApplicationFactory,
    CommissionMemberFactory,
    CompetitionFactory,
    PriorityIssueFactory,
    mark_submitted,
)
from procurement.models import Application, Competition
from procurement.views import applications as application_views
from procurement.views import competitions as competition_views
from procurement.views import evaluation as evaluation_views

pytestmark = pytest.mark.django_db


def queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def page_links(content: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'class="page-link" href="\?([^"]*)"', content)]


def same_queries_at_3_and_30(client, url: str, add_rows, expected: int, params: dict | None = None) -> None:
    """``add_rows(n)`` adds n rows to the list; the page makes ``expected`` queries at 3 rows and at 30."""
    add_rows(3)
    queries(client, url, params)  # fills the content-type and site caches
    assert queries(client, url, params) == expected
    add_rows(27)
    assert queries(client, url, params) == expected


# The staff's competitions ---------------------------------------------------------------------------


def test_the_staff_list_makes_the_same_queries_for_3_and_30_competitions(
    municipality, finance_staff, client_for
):
    url = reverse("procurement:staff-competitions", args=[municipality.slug])

    def add(n: int) -> None:
        for i in range(n):
            competition = CompetitionFactory(municipality=municipality, published=bool(i % 2), ready=True)
            ApplicationFactory(competition=competition)

    same_queries_at_3_and_30(client_for(finance_staff), url, add, expected=12)


def test_the_staff_list_counts_each_relation_once_however_many_the_others(
    municipality, finance_staff, client_for
):
    draft = CompetitionFactory(municipality=municipality, ready=True)  # three criteria, three members
    CommissionMemberFactory(competition=draft)
    published = CompetitionFactory(municipality=municipality, published=True, ready=True)
    for _ in range(3):
        ApplicationFactory(competition=published)
    for _ in range(2):
        mark_submitted(ApplicationFactory(competition=published))
    ApplicationFactory(competition=published, withdrawn=True)

    rows = {c.pk: c for c in selectors.competition_for_staff(municipality=municipality)}
    assert (rows[draft.pk].criteria_count, rows[draft.pk].commission_count) == (3, 4)
    assert (rows[published.pk].draft_count, rows[published.pk].submitted_count) == (3, 2)
    sql = str(selectors.competition_for_staff(municipality=municipality).query).upper()
    assert "DISTINCT" not in sql
    assert "GROUP BY" not in sql  # one row per competition, never one per combination of relations

    url = reverse("procurement:staff-competitions", args=[municipality.slug])
    content = client_for(finance_staff).get(url).content.decode()
    assert "3 criteria · 4 in the commission" in content
    assert re.search(rf'data-application-counts="{published.reference}"><a [^>]*>3 / 2</a>', content)


def test_the_staff_list_filters_by_state_priority_issue_year_and_words(
    municipality, finance_staff, client_for
):
    issue = PriorityIssueFactory(municipality=municipality, title="Clean water")
    water = CompetitionFactory(municipality=municipality, priority_issue=issue, published=True, title="Wells")
    old = CompetitionFactory(municipality=municipality, year=2024, title="Older call")
    closed = CompetitionFactory(municipality=municipality, past_deadline=True, title="Roads")
    CompetitionFactory(published=True, title="Wells elsewhere")  # another municipality's
    client = client_for(finance_staff)
    url = reverse("procurement:staff-competitions", args=[municipality.slug])

    def listed(**params) -> set[int]:
        return {c.pk for c in client.get(url, params).context["page"].object_list}

    assert listed() == {water.pk, old.pk, closed.pk}
    assert listed(state="closed") == {closed.pk}  # past its deadline, as every read sees it
    assert listed(state="published") == {water.pk}
    assert listed(priority_issue=issue.pk) == {water.pk}
    assert listed(year=2024) == {old.pk}
    assert listed(q="well") == {water.pk}
    assert listed(q=closed.reference.lower()) == {closed.pk}
    # Another municipality's priority issue is no choice here: the filter is refused, nothing filtered.
    other_issue = PriorityIssueFactory()
    assert client.get(url, {"priority_issue": other_issue.pk}).context["filter"].errors


def test_the_staff_list_pages_keep_the_filters(municipality, finance_staff, client_for):
    for i in range(competition_views.PAGE_SIZE + 3):
        CompetitionFactory(municipality=municipality, published=True, title=f"Call {i}")
    CompetitionFactory(municipality=municipality, title="Call draft")
    client = client_for(finance_staff)
    url = reverse("procurement:staff-competitions", args=[municipality.slug])

    first = client.get(url, {"state": "published", "q": "call"})
    assert first.context["page"].paginator.count == competition_views.PAGE_SIZE + 3
    (link,) = page_links(first.content.decode())
    assert "state=published" in link and "q=call" in link and "page=2" in link
    second = client.get(f"{url}?{link}")
    assert len(second.context["page"].object_list) == 3
    content = second.content.decode()
    assert "Call draft" not in content
    # The state pills keep the words searched for and start again at the first page.
    pills = re.findall(r'class="nav-link[^"]*" href="\?([^"]*)"', content)
    assert "state=draft&amp;q=call" in pills
    assert "q=call" in pills  # all states


# A competition's applications, for its staff ---------------------------------------------------------


def _submitted_to(competition: Competition, n: int) -> None:
    for _ in range(n):
        mark_submitted(ApplicationFactory(competition=competition), at=competition.deadline)


def test_the_staff_applications_make_the_same_queries_for_3_and_30(municipality, finance_staff, client_for):
    """After the deadline each row carries its organization's track record: five queries for all of them."""
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    url = reverse("procurement:competition-applications", args=[competition.reference])
    same_queries_at_3_and_30(
        client_for(finance_staff), url, lambda n: _submitted_to(competition, n), expected=17
    )


def test_sealed_applications_stay_counts_at_any_size(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, published=True)
    url = reverse("procurement:competition-applications", args=[competition.reference])
    client = client_for(finance_staff)

    def add(n: int) -> None:
        for _ in range(n):
            mark_submitted(ApplicationFactory(competition=competition, organization__name="Sealed NCO"))

    same_queries_at_3_and_30(client, url, add, expected=8)
    content = client.get(url, {"page": 2, "state": "submitted"}).content.decode()
    assert 'data-testid="sealed"' in content
    assert "Sealed NCO" not in content
    assert "page-link" not in content


def test_the_staff_applications_pages_keep_the_filters(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    _submitted_to(competition, application_views.PAGE_SIZE + 2)
    client = client_for(finance_staff)
    url = reverse("procurement:competition-applications", args=[competition.reference])
    (link,) = page_links(client.get(url, {"state": "submitted"}).content.decode())
    assert "state=submitted" in link and "page=2" in link
    assert len(client.get(f"{url}?{link}").context["page"].object_list) == 2


# An organization's applications ------------------------------------------------------------------------


def test_my_applications_make_the_same_queries_for_3_and_30(organization, nco_member, client_for):
    url = reverse("procurement:my-applications")

    def add(n: int) -> None:
        for i in range(n):
            application = ApplicationFactory(organization=organization)
            if i % 3 == 0:
                mark_submitted(application)

    same_queries_at_3_and_30(client_for(nco_member), url, add, expected=7)


def test_my_applications_are_paginated_and_filtered_by_state_and_competition(
    organization, nco_member, client_for
):
    for _ in range(application_views.PAGE_SIZE + 2):
        mark_submitted(ApplicationFactory(organization=organization))
    draft = ApplicationFactory(organization=organization, competition__title_ru="Тёплая школа зимой")
    ApplicationFactory(organization=OrganizationFactory(verified=True))  # another organization's
    client = client_for(nco_member)
    url = reverse("procurement:my-applications")

    everything = client.get(url).context["page"]
    assert everything.paginator.count == application_views.PAGE_SIZE + 3
    first = client.get(url, {"state": "submitted"})
    (link,) = page_links(first.content.decode())
    assert "state=submitted" in link and "page=2" in link
    second = client.get(f"{url}?{link}").context["page"]
    assert len(second.object_list) == 2
    assert all(a.state == Application.State.SUBMITTED for a in second.object_list)

    by_competition = client.get(url, {"competition": draft.competition.reference.lower()}).context["page"]
    assert [a.pk for a in by_competition.object_list] == [draft.pk]
    by_title = client.get(url, {"competition": "теплая ШКОЛА"}).context["page"]
    assert [a.pk for a in by_title.object_list] == [draft.pk]


def test_my_applications_never_list_another_organizations(organization, nco_member, client_for):
    ApplicationFactory(organization=organization)
    elsewhere = ApplicationFactory(organization=OrganizationFactory(verified=True))
    response = client_for(nco_member).get(
        reverse("procurement:my-applications"), {"competition": elsewhere.competition.reference}
    )
    assert response.context["page"].paginator.count == 0
    assert elsewhere.get_absolute_url() not in response.content.decode()
    assert "No application matches." in response.content.decode()


# A commission member's competitions -------------------------------------------------------------------


def _seats(user, n: int, **traits) -> list[Competition]:
    competitions = []
    for _ in range(n):
        competition = CompetitionFactory(**traits)
        CommissionMemberFactory(competition=competition, user=user)
        CommissionMemberFactory(competition=competition)
        competitions.append(competition)
    return competitions


def test_the_commission_page_makes_the_same_queries_for_3_and_30_competitions(commission_member, client_for):
    url = reverse("procurement:commission-home")

    def add(n: int) -> None:
        for i in range(n):
            _seats(commission_member, 1, **({"closed": True} if i % 3 == 0 else {"completed": True}))

    same_queries_at_3_and_30(client_for(commission_member), url, add, expected=7)


def test_the_commission_page_is_paginated_and_filtered(commission_member, client_for):
    closed = _seats(commission_member, evaluation_views.PAGE_SIZE + 1, closed=True)
    published = _seats(commission_member, 2, published=True)
    client = client_for(commission_member)
    url = reverse("procurement:commission-home")

    first = client.get(url)
    assert first.context["page"].paginator.count == len(closed) + len(published) + 1  # and the fixture's
    # What asks for work first: the declarations of the closed competitions.
    assert {w.step for w in first.context["page"].object_list} == {"declare"}
    filtered = client.get(url, {"state": "published"}).context["page"].object_list
    assert {w.competition.pk for w in filtered} == {c.pk for c in published}
    (link,) = page_links(client.get(url, {"state": "closed"}).content.decode())
    assert "state=closed" in link and "page=2" in link
    assert len(client.get(f"{url}?{link}").context["page"].object_list) == 1
    assert [w.competition.pk for w in client.get(url, {"q": closed[0].reference}).context["page"]] == [
        closed[0].pk
    ]


def test_the_first_steps_of_a_limited_list_are_those_of_the_whole_list(commission_member):
    now = timezone.now()
    _seats(commission_member, 3, completed=True)
    _seats(commission_member, 2, published=True)
    _seats(commission_member, 2, closed=True)
    CompetitionFactory(published=True, deadline=now - datetime.timedelta(minutes=1))  # no seat
    _seats(commission_member, 1, cancelled=True)
    whole = [w.seat.pk for w in selectors.commission_work(user=commission_member)]
    assert len(whole) == 9  # and the fixture's draft
    for limit in (1, 3, 5, 20):
        limited = selectors.commission_work(user=commission_member, limit=limit)
        assert [w.seat.pk for w in limited] == whole[:limit]
    # Any page of the paginated list is that part of the whole list, before and after the closed ones.
    listed = selectors.CommissionWorkList(
        user=commission_member,
        competitions=selectors.commission_competitions(user=commission_member),
        now=now,
    )
    assert listed.count() == 9
    for start, stop in [(0, 2), (1, 3), (2, 4), (3, 9), (5, 7), (8, 20)]:
        assert [w.seat.pk for w in listed[start:stop]] == whole[start:stop], (start, stop)
