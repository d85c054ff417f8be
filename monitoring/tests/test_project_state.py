"""Suspending, terminating, lifting a suspension and completing a project wait for a confirmation
that says what will happen: the new state, the reason, the reports that are no longer expected
or that are due, the tranches not paid yet and who is e-mailed. A post without the current
confirmation changes nothing; a confirmed one changes the state and e-mails the organization's
members. A suspended or terminated project's tranches are not paid; a completed project's
remaining tranches still are (the final tranche is usually paid after completion)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from monitoring.models import PaymentTranche, Project
from monitoring.services import projects as services
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import fill
from monitoring.tests.pages import page_forms, text_of, texts_of
from organizations.factories import OrganizationMembershipFactory
from ssp_portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

REASON = "The organization stopped the classes in May.\r\nThe premises were closed."


@pytest.fixture(autouse=True)
def second_member(organization, nco_member):
    """The organization has two members, ``nco_member`` first: both are told of a new state."""
    return OrganizationMembershipFactory(organization=organization, user__full_name="A. Second")


def url(contracted, state: str) -> str:
    return reverse("monitoring:project-state", args=[contracted.project.pk, state])


def current(contracted) -> tuple[str, str]:
    return Project.objects.values_list("state", "state_reason").get(pk=contracted.project.pk)


def state_events(contracted) -> int:
    return AuditEvent.objects.for_target(contracted.project).filter(verb="project.state_changed").count()


def members(contracted) -> list[str]:
    return sorted(contracted.project.organization.memberships.values_list("user__email", flat=True))


def accept_all(contracted) -> None:
    for report in contracted.reports:
        fill(contracted, report)
        report_services.report_submit(report=report, by=contracted.member)
        report_services.report_review(report=report, by=contracted.consultant, accept=True, comments={})


def confirm(client, contracted, state: str, response, **data):
    """Send the confirmation page's own form, as the browser does."""
    [form] = [f for f in page_forms(response.content.decode()) if "confirm" in f.fields]
    assert form.action == url(contracted, state)
    return client.post(form.action, {**form.fields, **data})


# The confirmation ------------------------------------------------------------------------------------


def test_terminating_says_what_will_happen_and_an_unconfirmed_post_changes_nothing(
    contracted, finance_staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(finance_staff)
    with django_capture_on_commit_callbacks(execute=True):
        # An older project page posted the reason straight away.
        response = client.post(url(contracted, "terminated"), {"reason": REASON})
    assert response.status_code == 200
    page = response.content.decode()
    assert text_of(page, "confirmation").startswith(
        f"Terminate the project {contracted.project.contract_number}?"
    )
    assert text_of(page, "new-state") == "Active → Terminated"
    assert text_of(page, "reason") == "The organization stopped the classes in May. The premises were closed."
    dropped = text_of(page, "reports-dropped")
    for number in (1, 2, 3):
        assert f"Interim report {number}" in dropped
    assert "Final report 4" in dropped
    assert "no longer expected" in dropped
    unpaid = texts_of(page, "tranche-unpaid")
    assert [t.split(" · ")[0] for t in unpaid] == ["Tranche 1", "Tranche 2"]
    assert all("KGS 75,000" in t for t in unpaid)
    assert "will not be paid" in text_of(page, "tranches-unpaid")
    recipients = text_of(page, "recipients")
    for email in members(contracted):
        assert email in recipients
    assert "This cannot be undone." in page
    # Nothing happened.
    assert current(contracted) == ("active", "")
    assert state_events(contracted) == 0
    assert mail.outbox == []


def test_the_confirmed_termination_keeps_the_reason_and_emails_each_member(
    contracted, finance_staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(finance_staff)
    shown = client.get(url(contracted, "terminated"), {"reason": REASON})
    assert shown.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, contracted, "terminated", shown)
    assert response.status_code == 302
    assert response["Location"] == contracted.project.get_absolute_url()
    assert current(contracted) == ("terminated", REASON.replace("\r\n", "\n"))
    assert state_events(contracted) == 1
    told = sorted(mail.outbox, key=lambda m: m.to)
    assert [m.to for m in told] == [[email] for email in members(contracted)]
    message = told[0]
    assert message.subject == f"{contracted.project.contract_number}: the project is terminated"
    assert "The premises were closed." in message.body
    assert "Interim report 1" in message.body and "no longer expected" in message.body
    assert contracted.project.get_absolute_url() in message.body

    # The same confirmation sent again (a second click) changes nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = confirm(client, contracted, "terminated", shown)
    assert again.status_code == 302
    assert state_events(contracted) == 1
    assert len(mail.outbox) == len(members(contracted))


def test_the_project_pages_buttons_lead_to_the_confirmation(contracted, finance_staff, client_for):
    """The state card asks with GET: the confirmation has an address, and nothing changes on the way."""
    client = client_for(finance_staff)
    page = client.get(contracted.project.get_absolute_url()).content.decode()
    forms = {f.action: f for f in page_forms(page) if "/state/" in f.action}
    assert set(forms) == {url(contracted, "completed"), url(contracted, "terminated")}
    assert all(f.attrs.get("method") == "get" for f in forms.values())
    assert "reason" in forms[url(contracted, "terminated")].fields
    assert f'formaction="{url(contracted, "suspended")}"' in page
    for state in ("completed", "suspended", "terminated"):
        response = client.get(url(contracted, state), {"reason": "Audit"} if state != "completed" else {})
        assert response.status_code == 200
    assert current(contracted) == ("active", "")


def test_suspending_without_a_reason_asks_for_it_beside_the_field(contracted, finance_staff, client_for):
    client = client_for(finance_staff)
    response = client.get(url(contracted, "suspended"), {"reason": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Say why the project is suspended."]
    assert 'data-testid="confirmation-form"' not in response.content.decode()
    assert client.post(url(contracted, "suspended"), {"reason": ""}).status_code == 400
    assert current(contracted) == ("active", "")


def test_a_confirmation_of_another_reason_asks_again(contracted, finance_staff, client_for):
    client = client_for(finance_staff)
    token = client.get(url(contracted, "suspended"), {"reason": "Audit"}).context["token"]
    response = client.post(url(contracted, "suspended"), {"reason": "Audit of the books", "confirm": token})
    assert response.status_code == 200
    assert 'data-testid="confirmation-stale"' in response.content.decode()
    assert text_of(response.content.decode(), "reason") == "Audit of the books"
    assert current(contracted) == ("active", "")


def test_a_report_submitted_after_the_page_opened_asks_again(contracted, finance_staff, client_for):
    """What the page listed as no longer expected is part of what was confirmed."""
    client = client_for(finance_staff)
    shown = client.get(url(contracted, "terminated"), {"reason": "Closed"})
    fill(contracted, contracted.reports[0])
    report_services.report_submit(report=contracted.reports[0], by=contracted.member)
    response = confirm(client, contracted, "terminated", shown)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="confirmation-stale"' in page
    assert "Interim report 1" not in text_of(page, "reports-dropped")
    assert current(contracted) == ("active", "")


def test_suspending_and_lifting_the_suspension_say_which_reports_are_due(
    contracted, finance_staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(finance_staff)
    shown = client.get(url(contracted, "suspended"), {"reason": "Audit"})
    page = shown.content.decode()
    assert "This cannot be undone." not in page
    assert "not expected while the project is suspended" in text_of(page, "reports-paused")
    assert "cannot be recorded as paid while" in text_of(page, "tranches-unpaid")
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, contracted, "suspended", shown).status_code == 302
    assert current(contracted) == ("suspended", "Audit")

    shown = client.get(url(contracted, "active"))
    page = shown.content.decode()
    assert text_of(page, "new-state") == "Suspended → Active"
    due = text_of(page, "reports-due")
    assert "Interim report 1" in due and "Final report 4" in due
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, contracted, "active", shown).status_code == 302
    assert current(contracted) == ("active", "")
    subjects = sorted({m.subject for m in mail.outbox})
    assert subjects == [
        f"{contracted.project.contract_number}: the project is active again",
        f"{contracted.project.contract_number}: the project is suspended",
    ]


def test_completing_lists_what_stands_in_the_way(contracted, finance_staff, client_for):
    response = client_for(finance_staff).get(url(contracted, "completed"))
    assert response.status_code == 200
    page = response.content.decode()
    problems = text_of(page, "confirmation-problems")
    assert "Interim report 1 is not accepted yet" in problems
    assert 'data-testid="confirmation-form"' not in page
    # A post with any token is refused just the same.
    response = client_for(finance_staff).post(url(contracted, "completed"), {"confirm": "x"})
    assert 'data-testid="confirmation-form"' not in response.content.decode()
    assert current(contracted) == ("active", "")


def test_completing_keeps_the_unpaid_tranches_payable(
    contracted, finance_staff, client_for, django_capture_on_commit_callbacks
):
    accept_all(contracted)
    client = client_for(finance_staff)
    shown = client.get(url(contracted, "completed"))
    page = shown.content.decode()
    assert "can still be recorded as paid" in text_of(page, "tranches-unpaid")
    assert "This cannot be undone." in page
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client, contracted, "completed", shown).status_code == 302
    assert current(contracted) == ("completed", "")
    assert {m.subject for m in mail.outbox} >= {
        f"{contracted.project.contract_number}: the project is completed"
    }

    tranche = contracted.project.tranches.get(number=2)
    services.tranche_mark_paid(tranche=tranche, by=finance_staff, paid_on=timezone.localdate())
    assert PaymentTranche.objects.get(pk=tranche.pk).is_paid


# Tranches of a project that stopped ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("terminated", "This project is terminated: its tranches that are not paid are no longer paid."),
        ("suspended", "This project is suspended: tranches are paid again once the suspension is lifted."),
    ],
)
def test_a_stopped_projects_tranches_are_not_offered_nor_paid(
    contracted, finance_staff, client_for, state, message
):
    services.project_change_state(project=contracted.project, by=finance_staff, state=state, reason="Audit")
    tranche = contracted.project.tranches.get(number=1)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.tranche_mark_paid(tranche=tranche, by=finance_staff, paid_on=today)
    assert refused.value.messages == [message]
    assert PaymentTranche.objects.get(pk=tranche.pk).paid_on is None

    client = client_for(finance_staff)
    page = client.get(contracted.project.get_absolute_url()).content.decode()
    paid_url = reverse("monitoring:tranche-paid", args=[contracted.project.pk, tranche.pk])
    assert paid_url not in page
    assert "Not paid" in text_of(page, "tranches")
    response = client.get(paid_url)
    assert message in text_of(response.content.decode(), "confirmation-problems")
    assert 'data-testid="entry-form"' not in response.content.decode()
    response = client.post(paid_url, {"paid_on": today.isoformat()})
    assert response.status_code == 400
    assert PaymentTranche.objects.get(pk=tranche.pk).paid_on is None


def test_a_payment_reads_the_projects_state_as_it_is_now(contracted, finance_staff):
    """The state is read again with the tranche under lock: a tranche loaded before its project was
    terminated is refused."""
    tranche = PaymentTranche.objects.select_related("project").get(project=contracted.project, number=1)
    services.project_change_state(
        project=contracted.project, by=finance_staff, state="terminated", reason="x"
    )
    assert tranche.project.state == "active"  # as loaded before
    with pytest.raises(ValidationError, match="terminated"):
        services.tranche_mark_paid(
            tranche=tranche, by=finance_staff, paid_on=timezone.localdate() - datetime.timedelta(days=1)
        )


def test_the_state_card_offers_the_changes_the_project_allows(contracted, finance_staff, client_for):
    """A suspended project is made active again or terminated; a terminated one no longer changes."""
    client = client_for(finance_staff)
    services.project_change_state(
        project=contracted.project, by=finance_staff, state="suspended", reason="Audit"
    )
    page = client.get(contracted.project.get_absolute_url()).content.decode()
    forms = {f.action: f for f in page_forms(page) if "/state/" in f.action}
    assert set(forms) == {url(contracted, "active"), url(contracted, "terminated")}
    assert "reason" in forms[url(contracted, "terminated")].fields
    assert "formaction" not in page

    services.project_change_state(
        project=contracted.project, by=finance_staff, state="terminated", reason="Closed"
    )
    page = client.get(contracted.project.get_absolute_url()).content.decode()
    assert not [f for f in page_forms(page) if "/state/" in f.action]
    assert "The project is terminated; its state no longer changes." in page
