"""Publishing, publishing the results, cancelling and awarding wait for a confirmation that says
what will happen; an old form, a repeated post or a confirmation of changed details does nothing."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organizations.factories import OrganizationMembershipFactory, UserFactory
from procurement.factories import (
    ApplicationFactory,
    CompetitionFactory,
    SubscriptionFactory,
)
from procurement.models import Application, Award, Competition, EvaluationCriterion
from procurement.services import evaluation as evaluation_services
from procurement.tests.competition_in_evaluation import build, score, sign
from ssp_portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def plain(page: str) -> str:
    """The page with amounts as text (the ``soms`` filter wraps them in a span)."""
    return re.sub(r'<span class="amount">([^<]*)</span>', r"\1", page)


def verbs(competition: Competition) -> list[str]:
    return list(AuditEvent.objects.for_target(competition).order_by("id").values_list("verb", flat=True))


def state(competition: Competition) -> str:
    return Competition.objects.get(pk=competition.pk).state


# Publishing -------------------------------------------------------------------------------------


@pytest.fixture
def draft_competition(municipality):
    # 17:00 in Bishkek, 40 days on.
    day = timezone.localdate() + datetime.timedelta(days=40)
    deadline = datetime.datetime.combine(
        day, datetime.time(17), tzinfo=datetime.timezone(datetime.timedelta(hours=6))
    )
    return CompetitionFactory(municipality=municipality, ready=True, deadline=deadline)


def publish_url(competition: Competition) -> str:
    return reverse("procurement:competition-publish", args=[competition.reference])


def test_the_publishing_confirmation_says_what_will_happen(draft_competition, finance_staff, client_for):
    SubscriptionFactory(municipality=draft_competition.municipality)
    both = SubscriptionFactory(municipality=draft_competition.municipality).user
    SubscriptionFactory(
        user=both, municipality=None, priority_issue=draft_competition.priority_issue
    )  # counted once
    SubscriptionFactory(user=UserFactory(is_active=False), municipality=draft_competition.municipality)
    SubscriptionFactory(municipality=None, priority_issue=draft_competition.priority_issue)

    response = client_for(finance_staff).get(publish_url(draft_competition))

    assert response.status_code == 200
    page = response.content.decode()
    day = draft_competition.deadline.astimezone(draft_competition.zone)
    assert f"{draft_competition.reference} becomes public" in page
    assert (
        f"Organizations can apply until {day.day} {day.strftime('%B')} {day.year}, 17:00 (Bishkek time)"
        in page
    )
    assert "its terms change only through amendments" in page
    assert (
        f"3 people who follow {draft_competition.municipality.name} or this priority issue receive an e-mail."
        in page
    )
    assert "Relevance (50%), Approach (30%), Budget (20%)" in page
    assert 'data-testid="confirmation-form"' in page
    assert state(draft_competition) == Competition.State.DRAFT


def test_the_publishing_confirmation_promises_no_open_data(draft_competition, finance_staff, client_for):
    page = client_for(finance_staff).get(publish_url(draft_competition)).content.decode()
    assert f"{draft_competition.reference} becomes public: anyone can read it on the portal." in page
    assert "open data" not in page


def test_a_draft_announced_for_later_is_announced_the_day_it_is_published(
    draft_competition, finance_staff, client_for, client
):
    planned = timezone.localdate() + datetime.timedelta(days=20)
    Competition.objects.filter(pk=draft_competition.pk).update(announcement_date=planned)
    staff = client_for(finance_staff)
    today = timezone.localdate()

    response = staff.get(publish_url(draft_competition))

    page = response.content.decode()
    assert (
        f"It is announced today, {today.day} {today.strftime('%B')} {today.year}, not on "
        f"{planned.day} {planned.strftime('%B')} {planned.year} as the draft says."
    ) in page
    staff.post(publish_url(draft_competition), {"confirm": response.context["token"]})
    assert state(draft_competition) == Competition.State.PUBLISHED
    public = re.sub(r"\s+", " ", client.get(draft_competition.get_absolute_url()).content.decode())
    assert f'Announced</dt><dd class="col-sm-8">{today.day} {today.strftime("%B")} {today.year}<' in public


def test_without_followers_it_says_no_one_is_e_mailed(draft_competition, finance_staff, client_for):
    page = client_for(finance_staff).get(publish_url(draft_competition)).content.decode()
    assert "No one follows" in page and "so no e-mail is sent" in page


def test_a_post_without_the_confirmation_publishes_nothing(
    draft_competition, finance_staff, client_for, django_capture_on_commit_callbacks
):
    SubscriptionFactory(municipality=draft_competition.municipality)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(finance_staff).post(publish_url(draft_competition))  # the old form's post
    assert response.status_code == 200
    assert 'data-testid="confirmation-form"' in response.content.decode()
    assert state(draft_competition) == Competition.State.DRAFT
    assert verbs(draft_competition) == []
    assert mail.outbox == []


def test_a_confirmation_of_terms_changed_since_asks_again(
    draft_competition, finance_staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(finance_staff)
    token = client.get(publish_url(draft_competition)).context["token"]
    # Meanwhile, in another tab, a weight moves from one criterion to another.
    EvaluationCriterion.objects.filter(competition=draft_competition, name="Relevance").update(weight=40)
    EvaluationCriterion.objects.filter(competition=draft_competition, name="Approach").update(weight=40)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(publish_url(draft_competition), {"confirm": token})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="confirmation-stale"' in page
    assert "Relevance (40%), Approach (40%)" in page
    assert state(draft_competition) == Competition.State.DRAFT
    assert verbs(draft_competition) == []


def test_a_confirmed_post_publishes_once_and_followers_are_e_mailed(
    draft_competition, finance_staff, client_for, django_capture_on_commit_callbacks
):
    follower = SubscriptionFactory(municipality=draft_competition.municipality).user
    client = client_for(finance_staff)
    token = client.get(publish_url(draft_competition)).context["token"]

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(publish_url(draft_competition), {"confirm": token})
        again = client.post(publish_url(draft_competition), {"confirm": token})  # a double click

    assert first.status_code == again.status_code == 302
    assert state(draft_competition) == Competition.State.PUBLISHED
    assert verbs(draft_competition) == ["competition.published"]
    assert [m.to for m in mail.outbox] == [[follower.email]]


def test_a_draft_that_is_not_ready_lists_what_to_do_with_links_and_no_button(
    municipality, finance_staff, client_for
):
    soon = CompetitionFactory(
        municipality=municipality, ready=True, deadline=timezone.now() + datetime.timedelta(days=10)
    )
    response = client_for(finance_staff).get(publish_url(soon))
    page = response.content.decode()
    edit = reverse("procurement:competition-edit", args=[soon.reference])
    assert f'href="{edit}">Move the deadline to at least 30 days after today (' in page
    assert 'data-testid="confirmation-form"' not in page

    # Even a hand-made confirmation of it is refused by the service, in the same words.
    response = client_for(finance_staff).post(publish_url(soon), {"confirm": response.context["token"]})
    assert response.status_code == 200
    assert "Move the deadline to at least 30 days after today" in response.content.decode()
    assert state(soon) == Competition.State.DRAFT


def test_a_published_competition_is_not_offered_for_publishing(municipality, finance_staff, client_for):
    published = CompetitionFactory(municipality=municipality, published=True, ready=True)
    response = client_for(finance_staff).get(publish_url(published))
    assert response.status_code == 302
    assert response["Location"] == published.get_absolute_url()


# Publishing the results -------------------------------------------------------------------------


@pytest.fixture
def scored(municipality, finance_staff):
    """Every sheet in: A and B eligible and scored, C screened ineligible; A awarded 150,000."""
    evaluation = build(municipality)
    Application.objects.filter(pk=evaluation.applications[2].pk).update(state=Application.State.INELIGIBLE)
    for member in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, member)
        score(evaluation, member, evaluation.applications[0], [9, 5])
        score(evaluation, member, evaluation.applications[1], [6, 3])
    evaluation_services.award_grant(
        application=evaluation.applications[0], by=finance_staff, amount=Decimal("150000")
    )
    return evaluation


def complete_url(evaluation) -> str:
    return reverse("procurement:competition-complete", args=[evaluation.competition.reference])


def test_the_results_confirmation_lists_awards_and_who_is_told(scored, finance_staff, client_for):
    response = client_for(finance_staff).get(complete_url(scored))
    assert response.status_code == 200
    page = response.content.decode()
    page = plain(page)
    assert "1 application is awarded, KGS\u00a0150,000 of the budget of KGS\u00a0400,000:" in page
    assert '<strong>Organization A</strong>: <span class="text-nowrap">KGS\u00a0150,000</span>' in page
    assert "These eligible applications become “not awarded”: Organization B." in page
    # A, B, C and D applied (E withdrew).
    assert "Each of the 4 organizations that applied receives an e-mail with its outcome." in page
    assert 'data-testid="public-results"' in page  # as the public will see them
    assert "open data" not in page  # the portal publishes no open data yet


def test_results_are_not_published_without_a_current_confirmation(
    scored, finance_staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(finance_staff)
    token = client.get(complete_url(scored)).context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        unconfirmed = client.post(complete_url(scored))
        # Another tab takes the award back: what was confirmed is no longer what would be published.
        evaluation_services.award_revoke(award=Award.objects.get(), by=finance_staff)
        stale = client.post(complete_url(scored), {"confirm": token})

    assert unconfirmed.status_code == stale.status_code == 200
    assert 'data-testid="confirmation-stale"' in stale.content.decode()
    assert "No application is awarded." in stale.content.decode()
    assert state(scored.competition) == Competition.State.EVALUATION
    assert Application.objects.get(pk=scored.applications[1].pk).state == Application.State.ELIGIBLE
    assert "competition.completed" not in verbs(scored.competition)
    assert mail.outbox == []


def test_confirmed_results_are_published_and_applicants_told(
    scored, finance_staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(finance_staff)
    token = client.get(complete_url(scored)).context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(complete_url(scored), {"confirm": token})
    assert response.status_code == 302
    assert state(scored.competition) == Competition.State.COMPLETED
    assert Application.objects.get(pk=scored.applications[1].pk).state == Application.State.NOT_AWARDED
    told = {address for message in mail.outbox for address in message.to}
    assert {scored.applicants[0].email, scored.applicants[1].email} <= told


def test_unfinished_scoring_is_listed_instead_of_the_button(municipality, finance_staff, client_for):
    evaluation = build(municipality)
    page = client_for(finance_staff).get(complete_url(evaluation)).content.decode()
    assert "3 eligible applications have no submitted score sheet." in page
    assert 'data-testid="confirmation-form"' not in page


# Cancelling -------------------------------------------------------------------------------------


def test_cancelling_shows_the_reason_and_what_stops_before_acting(
    municipality, finance_staff, client_for, django_capture_on_commit_callbacks
):
    competition = CompetitionFactory(municipality=municipality, published=True, ready=True)
    draft_application = ApplicationFactory(competition=competition)
    submitted = ApplicationFactory(competition=competition, submit=True)
    withdrawn = ApplicationFactory(competition=competition, withdrawn=True)
    told = [
        OrganizationMembershipFactory(organization=application.organization).user
        for application in (draft_application, submitted, withdrawn)
    ]
    url = reverse("procurement:competition-cancel", args=[competition.reference])
    client = client_for(finance_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "The council moved the budget to flood relief."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The council moved the budget to flood relief." in page
    assert "1 draft stops here." in page and "1 application was submitted." in page
    assert "The applications stay sealed" in page
    assert state(competition) == Competition.State.PUBLISHED
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"reason": "The council moved the budget to flood relief.", "confirm": response.context["token"]},
        )
    assert response.status_code == 302
    competition.refresh_from_db()
    assert competition.state == Competition.State.CANCELLED
    assert competition.cancel_reason == "The council moved the budget to flood relief."
    # The organizations with a live application are told why; the one that withdrew is not.
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [told[0].email, told[1].email]
    )
    assert "flood relief" in mail.outbox[0].body


def test_a_reason_changed_on_the_way_to_the_confirmation_asks_again(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, published=True, ready=True)
    url = reverse("procurement:competition-cancel", args=[competition.reference])
    client = client_for(finance_staff)
    token = client.post(url, {"reason": "No budget"}).context["token"]
    response = client.post(url, {"reason": "Something else", "confirm": token})
    assert response.status_code == 200
    assert 'data-testid="confirmation-stale"' in response.content.decode()
    assert state(competition) == Competition.State.PUBLISHED


def test_a_reason_with_line_breaks_survives_the_confirmation(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, published=True, ready=True)
    url = reverse("procurement:competition-cancel", args=[competition.reference])
    client = client_for(finance_staff)
    token = client.post(url, {"reason": "First line.\r\nSecond line."}).context["token"]
    # A browser sends the hidden field's text back with either line end.
    assert client.post(url, {"reason": "First line.\nSecond line.", "confirm": token}).status_code == 302
    assert state(competition) == Competition.State.CANCELLED


def test_a_completed_competition_offers_no_cancelling(municipality, finance_staff, client_for):
    competition = CompetitionFactory(municipality=municipality, completed=True)
    response = client_for(finance_staff).get(
        reverse("procurement:competition-cancel", args=[competition.reference])
    )
    assert response.status_code == 302
    assert state(competition) == Competition.State.COMPLETED


# Awards -----------------------------------------------------------------------------------------


@pytest.fixture
def ranked(municipality):
    """Every sheet in, nothing awarded: A first, B second, C third."""
    evaluation = build(municipality)
    for member in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, member)
        for application, values in zip(evaluation.applications, ([9, 5], [7, 4], [5, 2]), strict=True):
            score(evaluation, member, application, values)
    return evaluation


def award_url(application) -> str:
    return reverse("procurement:award-grant", args=[application.pk])


def test_an_award_is_confirmed_with_its_rank_and_the_budget_left(ranked, finance_staff, client_for):
    first = ranked.applications[0]
    client = client_for(finance_staff)
    assert client.get(award_url(first)).status_code == 200  # the amount's form

    response = client.post(award_url(first), {"amount": "150000", "departure_reason": ""})
    assert response.status_code == 200
    page = response.content.decode()
    page = plain(page)
    assert "Award KGS\u00a0150,000 to Organization A?" in page
    assert "KGS\u00a0250,000" in page  # left of 400,000
    assert not Award.objects.exists()

    response = client.post(
        award_url(first), {"amount": "150000", "departure_reason": "", "confirm": response.context["token"]}
    )
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.application, award.amount, award.rank) == (first, Decimal("150000"), 1)


def test_an_award_out_of_order_asks_for_the_reason_beside_the_field(ranked, finance_staff, client_for):
    response = client_for(finance_staff).post(award_url(ranked.applications[1]), {"amount": "100000"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "Organization A" in form.errors["departure_reason"][0]
    assert not Award.objects.exists()


def test_an_award_over_the_budget_is_refused_beside_the_amount(ranked, finance_staff, client_for):
    for application in ranked.applications[:2]:
        evaluation_services.award_grant(application=application, by=finance_staff, amount=Decimal("150000"))
    response = client_for(finance_staff).post(award_url(ranked.applications[2]), {"amount": "150000"})
    assert response.status_code == 400
    assert "exceed the budget" in response.context["form"].errors["amount"][0]
    assert Award.objects.count() == 2


def test_an_award_confirmed_after_another_award_changed_the_budget_asks_again(
    ranked, finance_staff, client_for
):
    client = client_for(finance_staff)
    token = client.post(
        award_url(ranked.applications[1]), {"amount": "100000", "departure_reason": "Later"}
    ).context["token"]
    evaluation_services.award_grant(
        application=ranked.applications[0], by=finance_staff, amount=Decimal("150000")
    )
    response = client.post(
        award_url(ranked.applications[1]), {"amount": "100000", "departure_reason": "Later", "confirm": token}
    )
    assert response.status_code == 200
    assert 'data-testid="confirmation-stale"' in response.content.decode()
    assert list(Award.objects.values_list("application", flat=True)) == [ranked.applications[0].pk]


def test_an_unfinished_scoring_refuses_the_award_without_a_form(municipality, finance_staff, client_for):
    evaluation = build(municipality)
    response = client_for(finance_staff).post(award_url(evaluation.applications[0]), {"amount": "1000"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Decide the awards once the scoring is finished." in page
    assert 'data-testid="confirmation-form"' not in page


def test_the_awards_page_leads_to_the_confirmation_by_its_address(ranked, finance_staff, client_for):
    client = client_for(finance_staff)
    awards = client.get(reverse("procurement:awards", args=[ranked.competition.reference])).content.decode()
    assert f'<form method="get" action="{award_url(ranked.applications[0])}"' in awards
    response = client.get(award_url(ranked.applications[0]), {"amount": "120000", "departure_reason": ""})
    assert response.status_code == 200
    assert "Award KGS\u00a0120,000 to Organization A?" in plain(response.content.decode())
    assert not Award.objects.exists()


def test_the_cancelling_reason_is_asked_with_get_and_confirmed_with_post(
    municipality, finance_staff, client_for
):
    competition = CompetitionFactory(municipality=municipality, published=True, ready=True)
    url = reverse("procurement:competition-cancel", args=[competition.reference])
    client = client_for(finance_staff)
    assert re.search(r'<form[^>]*method="get"', client.get(url).content.decode())
    response = client.get(url, {"reason": "No budget"})
    assert response.status_code == 200
    assert 'data-testid="confirmation-form"' in response.content.decode()
    assert state(competition) == Competition.State.PUBLISHED


def test_the_award_page_says_at_once_when_the_scoring_is_unfinished(municipality, finance_staff, client_for):
    evaluation = build(municipality)
    response = client_for(finance_staff).get(award_url(evaluation.applications[0]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Decide the awards once the scoring is finished." in page
    assert 'data-testid="entry-form"' not in page
