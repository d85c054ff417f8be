"""An amendment waits for a confirmation that lists each change old → new, where the deadline goes
and who is told; once published, the page and the announcement show what changed, and the
organizations with an application and the followers are e-mailed once."""

from __future__ import annotations

import datetime
import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organizations.factories import MunicipalityMembershipFactory, OrganizationMembershipFactory, UserFactory
from procurement.amendments import terms_version, version_amendment
from procurement.documents import ANNOUNCEMENT
from procurement.factories import ApplicationFactory, CompetitionFactory, SubscriptionFactory
from procurement.models import Amendment, Application, Competition
from procurement.services import competitions as services
from ssp_portal.audit.models import AuditEvent
from ssp_portal.documents.models import Document
from ssp_portal.documents.tests.conftest import pdf_text
from ssp_portal.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db

BISHKEK = datetime.timezone(datetime.timedelta(hours=6))


def at_five(days: int) -> datetime.datetime:
    """17:00 in Bishkek (11:00 UTC), ``days`` from today."""
    return datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=days), datetime.time(17), tzinfo=BISHKEK
    )


def plain(page: str) -> str:
    """The page's text, amounts included (the ``soms`` filter wraps them in a span), one space apart."""
    text = re.sub(r"<[^>]+>", " ", page).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


def sentences(page: str) -> str:
    """The page's text as it reads: no space left by a tag before a stop or a colon."""
    return re.sub(r" ([.,:;)])", r"\1", plain(page))


@pytest.fixture
def competition(municipality):
    """In place of the shared one (conftest.py): an open competition with a deadline at 17:00."""
    return CompetitionFactory(
        municipality=municipality, published=True, deadline=at_five(40), title="Maintaining Public Order"
    )


def url(competition: Competition) -> str:
    return reverse("procurement:competition-amend", args=[competition.reference])


def typed(competition: Competition, **overrides) -> dict:
    """The amendment form as it is shown (the current terms), with ``overrides`` typed in (the
    texts in English, the page's language)."""
    local = timezone.localtime(competition.deadline, competition.zone)
    texts = {"description": "description_en", "explanation": "explanation_en"}
    overrides = {texts.get(name, name): value for name, value in overrides.items()}
    return {
        "explanation_en": "The council added 50 000 soms.",
        "description_en": competition.description,
        "budget": "400000",
        "max_grant": "200000",
        "projects_expected": str(competition.projects_expected),
        "deadline": local.strftime("%Y-%m-%dT%H:%M"),
        "project_start": competition.project_start.isoformat(),
        "project_end": competition.project_end.isoformat(),
        "contact": competition.contact,
        **overrides,
    }


def unchanged(competition: Competition) -> tuple:
    fresh = Competition.objects.get(pk=competition.pk)
    return (
        fresh.budget,
        fresh.deadline,
        fresh.description,
        Amendment.objects.count(),
        AuditEvent.objects.filter(verb="competition.amended").count(),
        OutgoingEmail.objects.count(),
    )


# The confirmation ---------------------------------------------------------------------------------


def test_changing_the_budget_shows_old_and_new_and_changes_nothing(competition, staff_client):
    before = unchanged(competition)

    response = staff_client.post(url(competition), typed(competition, budget="450000,50"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="confirmation-form"' in page
    text = plain(page)
    assert f"Publish amendment 1 to {competition.reference}?" in text
    assert "Total budget : KGS 400,000 → KGS 450,000.50" in text
    assert "Maximum grant" not in text.split("The terms that change")[1].split("When you publish")[0]
    assert "The council added 50 000 soms." in text
    assert unchanged(competition) == before
    # The typed values travel to the confirmation as they were typed.
    assert 'name="budget" value="450000,50"' in page


def test_a_post_without_the_current_confirmation_changes_nothing(competition, staff_client):
    before = unchanged(competition)
    stale = staff_client.post(url(competition), {**typed(competition, budget="450000"), "confirm": "0" * 24})
    assert stale.status_code == 200
    assert 'data-testid="confirmation-stale"' in stale.content.decode()
    assert unchanged(competition) == before


def test_the_confirmed_amendment_is_published_and_shows_what_changed(
    competition, staff_client, client, django_capture_on_commit_callbacks
):
    data = typed(competition, budget="450000,50", max_grant="225 000", contact="Room 12, +996 3922 5 00 00")
    token = staff_client.post(url(competition), data).context["token"]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url(competition), {**data, "confirm": token})

    assert response.status_code == 302
    competition.refresh_from_db()
    assert (competition.budget, competition.max_grant) == (Decimal("450000.50"), Decimal("225000"))
    amendment = Amendment.objects.get()
    assert amendment.changes == {
        "budget": ["400000.00", "450000.50"],
        "max_grant": ["200000.00", "225000"],
        "contact": ["", "Room 12, +996 3922 5 00 00"],
    }
    assert amendment.minimum_period_days is None
    # Anyone reading the competition sees each change, old → new.
    text = plain(client.get(competition.get_absolute_url()).content.decode())
    assert "The council added 50 000 soms." in text
    assert "Total budget : KGS 400,000 → KGS 450,000.50" in text
    assert "Maximum grant per project : KGS 200,000 → KGS 225,000" in text
    assert "Contact for questions : — → Room 12, +996 3922 5 00 00" in text


def test_the_same_confirmation_twice_publishes_one_amendment(
    competition, staff_client, django_capture_on_commit_callbacks
):
    data = typed(competition, budget="450000")
    token = staff_client.post(url(competition), data).context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url(competition), {**data, "confirm": token})
        again = staff_client.post(url(competition), {**data, "confirm": token})
    assert again.status_code == 200
    assert "Nothing in the terms changed" in again.content.decode()
    assert Amendment.objects.count() == 1


def test_change_goes_back_to_the_form_with_what_was_typed(competition, staff_client):
    data = typed(competition, budget="450000,50")
    token = staff_client.post(url(competition), data).context["token"]
    response = staff_client.post(url(competition), {**data, "confirm": token, "change": "1"})
    assert response.status_code == 200
    assert "procurement/competition_amend.html" in [t.name for t in response.templates]
    assert 'value="450000,50"' in response.content.decode()
    assert Amendment.objects.count() == 0


def test_the_deadline_that_moves_by_itself_is_said_before_with_the_reason(municipality, staff_client):
    competition = CompetitionFactory(
        municipality=municipality,
        published=True,
        deadline=at_five(5),
        project_start=timezone.localdate() + datetime.timedelta(days=60),
    )
    data = typed(competition, description="Also attach a letter of support.")

    response = staff_client.post(url(competition), data)

    text = plain(response.content.decode())
    moved = at_five(30)  # 17:00 stays 17:00; 30 days are left from now on
    if moved < timezone.now() + datetime.timedelta(days=30):
        moved += datetime.timedelta(days=1)
    shown = f"{moved.day} {moved.strftime('%B')} {moved.year}, 17:00"
    assert (
        "Applicants would have less than 30 days after the amendment, the minimum period of the "
        f"municipality, so the deadline moves by itself to {shown} (Bishkek time)."
    ) in text
    before = at_five(5)
    assert (
        f"Submission deadline : {before.day} {before.strftime('%B')} {before.year}, 17:00 → {shown}" in text
    )
    assert "11:00" not in text  # the municipality's time, not UTC
    assert Competition.objects.get(pk=competition.pk).deadline == at_five(5)

    token = response.context["token"]
    staff_client.post(url(competition), {**data, "confirm": token})
    competition.refresh_from_db()
    assert competition.deadline == moved
    amendment = competition.amendments.get()
    assert amendment.minimum_period_days == 30
    page = plain(staff_client.get(competition.get_absolute_url()).content.decode())
    assert (
        "The deadline moved by itself so that applicants keep at least 30 days after the amendment." in page
    )
    assert "Description — English : new text" in page


def test_a_project_start_before_the_moved_deadline_is_refused_beside_the_field(municipality, staff_client):
    competition = CompetitionFactory(
        municipality=municipality,
        published=True,
        deadline=at_five(5),
        project_start=timezone.localdate() + datetime.timedelta(days=10),
    )
    response = staff_client.post(url(competition), typed(competition, description="New text."))
    assert response.status_code == 200
    errors = response.context["form"].errors["project_start"]
    assert errors[0].startswith("Choose a project start after the deadline, which moves to ")
    assert errors[0].endswith("so that applicants keep at least 30 days.")
    assert Amendment.objects.count() == 0


# Who is told ----------------------------------------------------------------------------------------


@pytest.fixture
def concerned(competition):
    """Two organizations with a live application (a draft, a submitted one), one that withdrew,
    one of another competition; followers; a person both a member and a follower."""
    drafting = ApplicationFactory(competition=competition, organization__name="Baldarga Tirek")
    submitted = ApplicationFactory(competition=competition, organization__name="Ulukman Daryger", submit=True)
    withdrawn = ApplicationFactory(
        competition=competition, organization__name="Withdrawn One", withdrawn=True
    )
    elsewhere = ApplicationFactory(organization__name="Elsewhere")
    people = {
        "drafting": OrganizationMembershipFactory(organization=drafting.organization).user,
        "drafting_too": OrganizationMembershipFactory(
            organization=drafting.organization, user__language="ru"
        ).user,
        "submitted": OrganizationMembershipFactory(organization=submitted.organization).user,
        "withdrawn": OrganizationMembershipFactory(organization=withdrawn.organization).user,
        "elsewhere": OrganizationMembershipFactory(organization=elsewhere.organization).user,
        "follower": SubscriptionFactory(municipality=competition.municipality).user,
        "issue_follower": SubscriptionFactory(
            municipality=None, priority_issue=competition.priority_issue
        ).user,
        "inactive_follower": SubscriptionFactory(
            user=UserFactory(is_active=False), municipality=competition.municipality
        ).user,
    }
    SubscriptionFactory(user=people["submitted"], municipality=competition.municipality)
    return people


def test_the_confirmation_says_who_receives_an_e_mail(competition, concerned, staff_client):
    text = plain(staff_client.post(url(competition), typed(competition, budget="450000")).content.decode())
    assert "5 people receive an e-mail with these changes:" in text
    assert "the members of 2 organizations with an application, a draft or submitted (3 in all);" in text
    assert f"2 people who follow {competition.municipality.name} or this priority issue." in text
    assert "Someone who is in both groups receives one e-mail, not two." in text


def test_without_anyone_concerned_it_says_no_e_mail_is_sent(competition, staff_client):
    text = plain(staff_client.post(url(competition), typed(competition, budget="450000")).content.decode())
    assert "so no e-mail is sent" in text


def test_applicants_and_followers_are_e_mailed_once(
    competition, concerned, finance_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.competition_amend(
            competition=competition,
            by=finance_staff,
            explanation="The council added 50 000 soms.",
            changes={"budget": Decimal("450000.50")},
        )

    told = sorted(message.to[0] for message in mail.outbox)
    expected = ["drafting", "drafting_too", "submitted", "follower", "issue_follower"]
    assert told == sorted(concerned[who].email for who in expected)
    by_address = {message.to[0]: message for message in mail.outbox}

    applicant = by_address[concerned["drafting"].email]
    assert applicant.subject == f"Competition {competition.reference} is amended (amendment 1)"
    assert "Total budget: KGS 400,000 → KGS 450,000.50" in applicant.body.replace("\u00a0", " ")
    assert "The council added 50 000 soms." in applicant.body
    assert "Baldarga Tirek has an application in this competition" in applicant.body
    html = applicant.alternatives[0][0]
    assert "Baldarga Tirek has an application in this competition" in html

    # In the person's own language, with the amounts written as in that language.
    russian = by_address[concerned["drafting_too"].email].body.replace("\u00a0", " ")
    assert "400 000 сом → 450 000,50 сом" in russian

    follower = by_address[concerned["follower"].email]
    assert "because you follow this municipality or priority issue" in follower.body
    assert "has an application" not in follower.body


def test_the_announcement_shows_the_changed_terms(
    competition, finance_staff, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.competition_amend(
            competition=competition,
            by=finance_staff,
            explanation="The council added 50 000 soms.",
            changes={"budget": Decimal("450000"), "projects_expected": 3},
        )
    document = Document.objects.for_subject(competition, ANNOUNCEMENT).get(language="en")
    assert document.state == "ready"
    response = client.get(reverse("documents:download", args=[document.pk]))
    text = re.sub(r"\s+", " ", pdf_text(b"".join(response.streaming_content)))
    assert "Amendment 1" in text
    assert "Total budget: KGS 400,000 → KGS 450,000" in text
    assert "Number of projects expected: 2 → 3" in text


def test_line_ends_a_browser_changes_are_no_change_and_keep_the_confirmation(municipality, staff_client):
    competition = CompetitionFactory(
        municipality=municipality,
        published=True,
        deadline=at_five(40),
        description="Outreach.\nWinter shelter.",
    )
    # The browser sends the text area with CR LF; the confirmation's hidden copy may come back with LF.
    data = typed(
        competition,
        budget="450000",
        description="Outreach.\r\nWinter shelter.",
        explanation="More money.\r\nSee the decision.",
    )
    confirmation = staff_client.post(url(competition), data)
    assert [change.name for change in confirmation.context["plan"].changes] == ["budget"]

    returned = {
        **data,
        "description_en": "Outreach.\nWinter shelter.",
        "explanation_en": "More money.\nSee the decision.",
        "confirm": confirmation.context["token"],
    }
    assert staff_client.post(url(competition), returned).status_code == 302
    assert list(Amendment.objects.get().changes) == ["budget"]


def test_amendments_made_before_the_field_get_their_minimum_period_from_the_audit_trail(
    municipality, finance_staff
):
    migration = importlib.import_module("procurement.migrations.0004_amendments_record_the_minimum_period")
    moved = CompetitionFactory(
        municipality=municipality,
        published=True,
        deadline=at_five(5),
        project_start=timezone.localdate() + datetime.timedelta(days=60),
    )
    kept = CompetitionFactory(municipality=municipality, published=True, deadline=at_five(40))
    for competition in (moved, kept):
        services.competition_amend(
            competition=competition,
            by=finance_staff,
            explanation="More.",
            changes={"budget": Decimal("450000")},
        )
    Amendment.objects.update(minimum_period_days=None)  # as the rows were before the field

    migration.fill_from_the_audit_trail(apps, None)

    assert Amendment.objects.get(competition=moved).minimum_period_days == 30
    assert Amendment.objects.get(competition=kept).minimum_period_days is None


# Two people amending at once ----------------------------------------------------------------------


def opened(client, competition: Competition) -> str:
    """The version of the terms the amendment form carries when ``client`` opens it."""
    response = client.get(url(competition))
    assert response.status_code == 200
    version = response.context["form"]["opened"].value()
    assert f'type="hidden" name="opened" value="{version}"' in response.content.decode()
    return version


def publish(client, competition: Competition, data: dict) -> None:
    token = client.post(url(competition), data).context["token"]
    assert client.post(url(competition), {**data, "confirm": token}).status_code == 302


@pytest.fixture
def two_staff(municipality, finance_staff):
    """Two people of the municipality's staff, each in a browser of their own."""
    first, second = Client(), Client()
    first.force_login(finance_staff)
    second.force_login(MunicipalityMembershipFactory(municipality=municipality).user)
    return first, second


def test_a_form_opened_before_another_amendment_is_refused_and_changes_nothing(competition, two_staff):
    first, second = two_staff
    first_opened = opened(first, competition)
    publish(second, competition, typed(competition, budget="450000", opened=opened(second, competition)))
    before = unchanged(competition)

    # The first person typed a change into the form as they opened it, with the budget as it was.
    response = first.post(url(competition), typed(competition, max_grant="150000", opened=first_opened))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="confirmation-form"' not in page
    text = plain(page)
    assert "Someone else amended the terms after you opened this form" in text
    assert "Amendment 1" in text
    assert "Total budget : KGS 400,000 → KGS 450,000" in text
    assert unchanged(competition) == before
    # The form again, with the terms as they are now, the explanation kept.
    form = response.context["form"]
    assert not form.is_bound
    assert form["budget"].value() == Decimal("450000.00")
    assert form["explanation_en"].value() == "The council added 50 000 soms."
    assert form["opened"].value() != first_opened
    # With the form as it is now, the amendment goes on to its confirmation.
    again = first.post(
        url(competition),
        typed(competition, budget="450000", max_grant="150000", opened=form["opened"].value()),
    )
    assert 'data-testid="confirmation-form"' in again.content.decode()


def test_a_confirmation_opened_before_another_amendment_is_refused_and_changes_nothing(
    competition, two_staff
):
    first, second = two_staff
    data = typed(competition, budget="500000", opened=opened(first, competition))
    token = first.post(url(competition), data).context["token"]
    publish(second, competition, typed(competition, max_grant="150000", opened=opened(second, competition)))
    before = unchanged(competition)

    response = first.post(url(competition), {**data, "confirm": token})

    assert response.status_code == 200
    assert "Someone else amended the terms after you opened this form" in plain(response.content.decode())
    assert unchanged(competition) == before
    assert Competition.objects.get(pk=competition.pk).max_grant == Decimal("150000")
    assert list(Amendment.objects.values_list("number", "changes")) == [
        (1, {"max_grant": ["200000.00", "150000"]})
    ]


def test_the_service_refuses_terms_that_changed_since_the_form_was_opened(competition, finance_staff):
    version = terms_version(competition, last_amendment=0)
    services.competition_amend(
        competition=competition, by=finance_staff, explanation="More.", changes={"budget": Decimal("450000")}
    )
    before = unchanged(competition)
    with pytest.raises(services.TermsChangedError) as refusal:
        services.competition_amend(
            competition=competition,
            by=finance_staff,
            explanation="Less per project.",
            changes={"budget": Decimal("400000"), "max_grant": Decimal("150000")},
            opened=version,
        )
    assert refusal.value.opened_after == 0
    assert unchanged(competition) == before


def test_the_version_of_the_terms_changes_with_any_amendment(competition):
    version = terms_version(competition, last_amendment=0)
    assert terms_version(Competition.objects.get(pk=competition.pk), last_amendment=0) == version
    assert terms_version(competition, last_amendment=1) != version
    competition.budget = Decimal("400000")  # the same amount, written without tyiyn
    assert terms_version(competition, last_amendment=0) == version
    competition.budget = Decimal("400001")
    assert terms_version(competition, last_amendment=0) != version
    assert version_amendment(version) == 0
    assert version_amendment("") is None
    assert version_amendment("x-1") is None


# A lower maximum grant than applications request --------------------------------------------------


def test_the_confirmation_warns_that_sealed_applications_may_request_more_without_counting_them(
    competition, staff_client
):
    for _ in range(3):
        ApplicationFactory(competition=competition, submit=True)  # 150 000 each
    within = ApplicationFactory(competition=competition, submit=True)
    Application.objects.filter(pk=within.pk).update(requested_amount=Decimal("100000"))

    text = sentences(
        staff_client.post(url(competition), typed(competition, max_grant="120 000")).content.decode()
    )

    assert "Applications already submitted may request more than the new maximum of KGS 120,000." in text
    # Sealed: neither how many, nor which, nor how much.
    assert "3 submitted" not in text and " 3 " not in text
    assert "150,000" not in text
    assert within.organization.name not in text


def test_the_warning_is_the_same_whatever_the_sealed_applications_request(competition, staff_client):
    before = staff_client.post(url(competition), typed(competition, max_grant="120 000")).content.decode()
    ApplicationFactory(competition=competition, submit=True)  # 150 000
    after = staff_client.post(url(competition), typed(competition, max_grant="120 000")).content.decode()

    def warning(page: str) -> str:
        return page.split('data-testid="over-maximum"', 1)[1].split("</div>", 1)[0]

    assert warning(before) == warning(after)


@pytest.mark.parametrize("max_grant", ["200000", "250000"])
def test_no_warning_when_the_maximum_is_not_lowered(competition, staff_client, max_grant):
    ApplicationFactory(competition=competition, submit=True)  # 150 000
    page = staff_client.post(
        url(competition), typed(competition, max_grant=max_grant, budget="400000")
    ).content
    assert b'data-testid="over-maximum"' not in page


@pytest.fixture
def lowered(competition, finance_staff):
    """A submitted application and a draft of 150 000 each; then amendment 1 lowers the maximum
    grant from 200 000 to 120 000."""
    submitted = ApplicationFactory(competition=competition, submit=True)
    draft = ApplicationFactory(competition=competition, complete=True)
    services.competition_amend(
        competition=competition,
        by=finance_staff,
        explanation="The council cut the fund.",
        changes={"max_grant": Decimal("120000")},
    )
    return submitted, draft


def test_a_submitted_application_above_the_lowered_maximum_says_what_changed_and_what_to_do(
    lowered, client_for
):
    submitted, _ = lowered
    member = OrganizationMembershipFactory(organization=submitted.organization).user
    page = client_for(member).get(submitted.get_absolute_url()).content.decode()
    assert 'data-testid="maximum-lowered"' in page
    text = sentences(page)
    assert "Amendment 1 lowered the maximum grant from KGS 200,000 to KGS 120,000." in text
    # The budget check's own words.
    assert (
        "The maximum grant of this competition is KGS 120,000: ask for that much or less (now KGS 150,000)."
        in text
    )
    assert "withdraw it, start a new version that asks for no more than the maximum" in text


def test_a_draft_above_the_lowered_maximum_says_what_changed_and_links_to_its_budget(lowered, client_for):
    _, draft = lowered
    member = OrganizationMembershipFactory(organization=draft.organization).user
    response = client_for(member).get(draft.get_absolute_url())
    text = sentences(response.content.decode())
    assert "Amendment 1 lowered the maximum grant from KGS 200,000 to KGS 120,000." in text
    assert reverse("procurement:application-budget", args=[draft.pk]) in response.content.decode()
    assert "Change the budget" in text


def test_an_application_within_the_maximum_has_no_note(competition, finance_staff, client_for):
    application = ApplicationFactory(competition=competition, submit=True)
    Application.objects.filter(pk=application.pk).update(requested_amount=Decimal("100000"))
    services.competition_amend(
        competition=competition,
        by=finance_staff,
        explanation="Cut.",
        changes={"max_grant": Decimal("120000")},
    )
    member = OrganizationMembershipFactory(organization=application.organization).user
    page = client_for(member).get(application.get_absolute_url()).content
    assert b'data-testid="maximum-lowered"' not in page
