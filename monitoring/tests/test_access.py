"""Every monitoring URL for every persona.

The project's organization writes reports; the municipality's consultants and finance staff
review them; finance staff manage the agreement; the municipality's auditor reads all of it and
changes nothing (403); everyone else, other organizations included, gets 404 for its reports and
their files, and the project's public page where the others get its working page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.documents import REPORT, SUMMARY
from monitoring.factories import ProjectFactory
from monitoring.models import MonitoringReport, PaymentTranche, Project, ReportAttachment, SiteVisitPhoto
from monitoring.services import projects as project_services
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import fill
from monitoring.views.projects import project_state_token
from monitoring.views.tranches import tranche_paid_token
from organizations.factories import PDF_BYTES
from procurement.factories import AwardFactory, CompetitionFactory
from ssp_portal.files import DOCUMENT_TYPES, JPEG, PNG, PrivateFileField
from ssp_portal.tests.access import PERSONAS, Row, everyone, only, run_row, signed_in
from ssp_portal.tests.samples import image_bytes

JPEG_BYTES = image_bytes("JPEG")


@dataclass
class Monitored:
    """A contracted project with a report in each state and a site visit, a project not set up yet
    and an award waiting for its agreement."""

    municipality: object
    award: object
    project: Project
    # A project with nothing set up yet: indicators, tranches, schedule and state are changed on it.
    fresh: Project
    draft: MonitoringReport
    submitted: MonitoringReport
    revised: MonitoringReport  # a revision is asked for, with a comment on the narrative
    attachment: ReportAttachment
    tranche: PaymentTranche
    photo: SiteVisitPhoto


def checked(name: str, content: bytes, allowed=DOCUMENT_TYPES):
    """An upload as the form hands it over, its type read from its content."""
    return PrivateFileField(allowed=allowed).clean(SimpleUploadedFile(name, content))


def projects(monitored: Monitored) -> list:
    return list(Project.objects.values_list("pk", "contract_number", "state", "state_reason"))


def setup(monitored: Monitored) -> tuple:
    fresh = monitored.fresh
    return (
        list(fresh.indicators.values_list("name", "target")),
        list(fresh.tranches.values_list("number", "amount", "paid_on")),
        list(fresh.reports.values_list("number", "due_date")),
        list(Project.objects.values_list("pk", "state", "state_reason")),
        list(PaymentTranche.objects.values_list("pk", "paid_on")),
    )


def reports(monitored: Monitored) -> tuple:
    return (
        list(
            MonitoringReport.objects.order_by("pk").values_list(
                "pk", "state", "activities", "results", "beneficiaries_reached", "updated_at"
            )
        ),
        list(MonitoringReport.objects.values_list("indicator_values__indicator", "indicator_values__value")),
        list(MonitoringReport.objects.values_list("expenditures__budget_line", "expenditures__amount")),
        list(ReportAttachment.objects.values_list("pk", "report")),
        list(MonitoringReport.objects.values_list("rounds__number", "rounds__decision", "rounds__answers")),
    )


def visits(monitored: Monitored) -> list:
    return list(monitored.project.site_visits.values_list("pk", "visited_on", "findings"))


VIEWERS = only(
    {"finance_staff": 200, "consultant": 200, "auditor": 200, "nco_member": 200, "admin_user": 200},
    others=404,
)
# The municipality's lists: its finance staff and its auditor.
READERS = only({"finance_staff": 200, "auditor": 200}, others=404)
# Who sees the project but changes nothing of it here (a state change, a payment, a set-up).
SEES = {"consultant": 403, "auditor": 403, "nco_member": 403, "admin_user": 403}


def managers(status: int) -> dict[str, int | str]:
    """Finance staff of the municipality; others who see the project 403; the rest 404."""
    return only({**SEES, "finance_staff": status}, others=404)


def writers(status: int) -> dict[str, int | str]:
    """The project's organization; reviewers, the auditor and the administrator 403; the rest 404."""
    return only({**SEES, "finance_staff": 403, "nco_member": status}, others=404)


def reviewers(status: int) -> dict[str, int | str]:
    return only({**SEES, "finance_staff": status, "consultant": status}, others=404)


def management(prefix: str, rows: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(rows),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def draft(monitored: Monitored) -> dict:
    """The whole draft of a report, as its one form sends it."""
    return {
        "activities": "Classes held.",
        "results": "Thirty trained.",
        "beneficiaries_reached": "30",
        "problems": "",
        **{f"value_{i.pk}": "12" for i in monitored.project.indicators.all()},
        **{f"amount_{line.pk}": "1000" for line in monitored.project.budget_lines.all()},
        **{f"explanation_{line.pk}": "" for line in monitored.project.budget_lines.all()},
    }


ROWS: dict[str, Row] = {
    "monitoring:municipality-projects": Row("get", lambda w: [w.municipality.slug], READERS),
    "monitoring:municipality-tranches": Row("get", lambda w: [w.municipality.slug], READERS),
    "monitoring:contract": Row(
        "post",
        lambda w: [w.award.pk],
        only({"finance_staff": 302}, others=404),
        data=lambda w: {
            f"award-{w.award.pk}-contract_number": "NEW-1",
            f"award-{w.award.pk}-contract_date": "2026-04-01",
            f"award-{w.award.pk}-start_date": "2026-04-01",
            f"award-{w.award.pk}-end_date": "2026-12-31",
        },
        snapshot=projects,
    ),
    # Who reads the project gets its working page; everyone else its public page, at the same URL.
    "monitoring:project-detail": Row("get", lambda w: [w.project.pk], everyone(200)),
    "monitoring:project-detail[missing]": Row("get", lambda w: [w.project.pk + 1000], everyone(404)),
    "monitoring:project-public": Row("get", lambda w: [w.project.pk], everyone(200)),
    "monitoring:project-public[missing]": Row("get", lambda w: [w.project.pk + 1000], everyone(404)),
    # Setting up the agreement: finance staff of the municipality.
    "monitoring:project-indicators": Row("get", lambda w: [w.fresh.pk], managers(200)),
    "monitoring:project-indicators[post]": Row(
        "post",
        lambda w: [w.fresh.pk],
        managers(302),
        data=lambda w: {
            **management("indicators", 1),
            "indicators-0-name": "Meals served",
            "indicators-0-unit": "meals",
            "indicators-0-kind": "count",
            "indicators-0-baseline": "0",
            "indicators-0-target": "1000",
        },
        snapshot=setup,
    ),
    "monitoring:project-tranches": Row("get", lambda w: [w.fresh.pk], managers(200)),
    "monitoring:project-tranches[post]": Row(
        "post",
        lambda w: [w.fresh.pk],
        managers(302),
        data=lambda w: {
            **management("tranches", 1),
            "tranches-0-planned_date": "2026-05-01",
            "tranches-0-amount": str(w.fresh.amount),
            "tranches-0-condition_report": "",
        },
        snapshot=setup,
    ),
    "monitoring:project-schedule": Row("get", lambda w: [w.fresh.pk], managers(200)),
    "monitoring:project-schedule-fill": Row(
        "post",
        lambda w: [w.fresh.pk],
        managers(302),
        data=lambda w: {"every_months": "3", "period_ends": "", "due_days": "10"},
        snapshot=setup,
    ),
    "monitoring:project-schedule[post]": Row(
        "post",
        lambda w: [w.fresh.pk],
        managers(302),
        data=lambda w: {
            **management("reports", 1),
            "reports-0-period_end": w.fresh.end_date.isoformat(),
            "reports-0-due_date": "",
        },
        snapshot=setup,
    ),
    # Suspending, terminating, lifting a suspension and completing: the reason, then the
    # confirmation of what the change means (a post without it changes nothing), then the change.
    "monitoring:project-state": Row(
        "get",
        lambda w: [w.fresh.pk, Project.State.SUSPENDED],
        managers(200),
        data=lambda w: {"reason": "The venue burned down."},
        snapshot=setup,
    ),
    "monitoring:project-state[unconfirmed]": Row(
        "post",
        lambda w: [w.fresh.pk, Project.State.TERMINATED],
        managers(200),
        data=lambda w: {"reason": "The venue burned down."},
        snapshot=setup,
    ),
    "monitoring:project-state[no reason]": Row(
        "post",
        lambda w: [w.fresh.pk, Project.State.SUSPENDED],
        managers(400),
        data=lambda w: {"reason": ""},
        snapshot=setup,
    ),
    "monitoring:project-state[post]": Row(
        "post",
        lambda w: [w.fresh.pk, Project.State.SUSPENDED],
        managers(302),
        data=lambda w: {
            "reason": "The venue burned down.",
            "confirm": project_state_token(
                project_services.state_change(project=w.fresh, state=Project.State.SUSPENDED),
                "The venue burned down.",
            ),
        },
        snapshot=setup,
    ),
    "monitoring:tranche-paid": Row("get", lambda w: [w.project.pk, w.tranche.pk], managers(200)),
    "monitoring:tranche-paid[unconfirmed]": Row(
        "post",
        lambda w: [w.project.pk, w.tranche.pk],
        managers(200),
        data=lambda w: {"paid_on": "2026-02-01"},
        snapshot=setup,
    ),
    "monitoring:tranche-paid[post]": Row(
        "post",
        lambda w: [w.project.pk, w.tranche.pk],
        managers(302),
        data=lambda w: {
            "paid_on": "2026-02-01",
            "confirm": tranche_paid_token(w.tranche, datetime.date(2026, 2, 1)),
        },
        snapshot=setup,
    ),
    # Site visits: consultants and finance staff of the municipality record; who sees the project
    # sees the photos.
    "monitoring:visit-create": Row(
        "get",
        lambda w: [w.project.pk],
        only({**SEES, "finance_staff": 200, "consultant": 200}, others=404),
    ),
    "monitoring:visit-create[post]": Row(
        "post",
        lambda w: [w.project.pk],
        only({**SEES, "finance_staff": 302, "consultant": 302}, others=404),
        data=lambda w: {
            "visited_on": "2026-11-20",
            "visitors": "A. Consultant",
            "observed": "A class in progress.",
            "findings": "As reported.",
        },
        snapshot=visits,
    ),
    "monitoring:visit-photo": Row("get", lambda w: [w.project.pk, w.photo.pk], VIEWERS),
    # Reports: the organization writes; everyone else who sees the project reads.
    "monitoring:report-detail": Row("get", lambda w: [w.draft.pk], VIEWERS),
    "monitoring:report-detail[submitted]": Row("get", lambda w: [w.submitted.pk], VIEWERS),
    "monitoring:report-save": Row("post", lambda w: [w.draft.pk], writers(302), data=draft, snapshot=reports),
    # Answers to the comments of a report sent back for revision.
    "monitoring:report-save[revision]": Row(
        "post",
        lambda w: [w.revised.pk],
        writers(302),
        data=lambda w: {**draft(w), "answer_narrative": "The classes are now listed by date."},
        snapshot=reports,
    ),
    "monitoring:report-attach": Row(
        "post",
        lambda w: [w.draft.pk],
        writers(302),
        data=lambda w: {"kind": "receipt", "file": SimpleUploadedFile("receipt.pdf", PDF_BYTES)},
        snapshot=reports,
    ),
    "monitoring:report-attachment": Row("get", lambda w: [w.draft.pk, w.attachment.pk], VIEWERS),
    "monitoring:report-detach": Row(
        "post", lambda w: [w.draft.pk, w.attachment.pk], writers(302), snapshot=reports
    ),
    # "Submit the report" is the draft form's second button: the draft is saved, then submitted.
    "monitoring:report-save[submit]": Row(
        "post",
        lambda w: [w.draft.pk],
        writers(302),
        data=lambda w: {**draft(w), "submit_report": "1"},
        snapshot=reports,
    ),
    # A submitted report is no longer the organization's to change.
    "monitoring:report-save[submitted]": Row(
        "post",
        lambda w: [w.submitted.pk],
        only({**SEES, "nco_member": 400, "finance_staff": 403}, others=404),
        data=draft,
        snapshot=reports,
    ),
    "monitoring:report-review": Row(
        "post",
        lambda w: [w.submitted.pk],
        reviewers(302),
        data=lambda w: {"decision": "accept"},
        snapshot=reports,
    ),
    "monitoring:report-review[draft]": Row(
        "post",
        lambda w: [w.draft.pk],
        reviewers(400),
        data=lambda w: {"decision": "accept"},
        snapshot=reports,
    ),
    # Work lists.
    "monitoring:queue": Row(
        "get",
        lambda w: [],
        only({"finance_staff": 200, "other_staff": 200, "consultant": 200}, others=403),
    ),
    "monitoring:reports-due": Row("get", lambda w: [], signed_in(200)),
    # The generated PDFs: whoever sees the report or project may ask for one (a rendering is a read).
    f"documents:request[{REPORT}]": Row(
        "post",
        lambda w: [REPORT, w.submitted.pk],
        {
            **VIEWERS,
            **dict.fromkeys(("finance_staff", "consultant", "auditor", "nco_member", "admin_user"), 302),
        },
    ),
    f"documents:request[{SUMMARY}]": Row(
        "post",
        lambda w: [SUMMARY, w.project.pk],
        {
            **VIEWERS,
            **dict.fromkeys(("finance_staff", "consultant", "auditor", "nco_member", "admin_user"), 302),
        },
    ),
}


@pytest.fixture
def monitored(municipality, organization, other_staff, consultant, other_member, contracted):
    draft, submitted = contracted.reports[0], contracted.reports[1]
    fill(contracted, draft)
    attachment = report_services.report_attach(
        report=draft, by=contracted.member, kind="photo", file=checked("class.jpg", JPEG_BYTES, {JPEG.code})
    )
    fill(contracted, submitted)
    report_services.report_submit(report=submitted, by=contracted.member)
    revised = contracted.reports[2]
    fill(contracted, revised)
    report_services.report_submit(report=revised, by=contracted.member)
    report_services.report_review(
        report=revised, by=consultant, accept=False, comments={"narrative": "List the classes."}
    )
    visit = report_services.site_visit_record(
        project=contracted.project,
        by=consultant,
        data={
            "visited_on": datetime.date(2026, 3, 2),
            "visitors": "A. Consultant",
            "observed": "Classes.",
            "findings": "Fine.",
        },
        photos=[checked("site.png", image_bytes("PNG"), {PNG.code})],
    )
    competition = CompetitionFactory(municipality=municipality, completed=True)
    fresh = ProjectFactory(
        award__application__competition=competition,
        award__application__organization=organization,
        award__amount=Decimal("90000"),
    )
    award = AwardFactory(application__competition=competition)
    return Monitored(
        municipality=municipality,
        award=award,
        project=contracted.project,
        fresh=fresh,
        draft=draft,
        submitted=submitted,
        revised=revised,
        attachment=attachment,
        tranche=contracted.project.tranches.get(number=1),
        photo=visit.photos.get(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, monitored, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, monitored, client_for, request, django_capture_on_commit_callbacks)


@pytest.mark.django_db
def test_what_each_allowed_request_changed(monitored, client_for, nco_member, consultant, finance_staff):
    """The allowed requests of the matrix do what they say."""
    client = client_for(nco_member)
    client.post(reverse("monitoring:report-save", args=[monitored.draft.pk]), draft(monitored))
    monitored.draft.refresh_from_db()
    assert (monitored.draft.activities, monitored.draft.beneficiaries_reached) == ("Classes held.", 30)
    assert set(monitored.draft.expenditures.values_list("amount", flat=True)) == {Decimal("1000")}
    client.post(
        reverse("monitoring:report-save", args=[monitored.revised.pk]),
        {**draft(monitored), "answer_narrative": "Listed by date."},
    )
    assert monitored.revised.rounds.get().answers == {"narrative": "Listed by date."}
    client.post(
        reverse("monitoring:report-save", args=[monitored.draft.pk]),
        {**draft(monitored), "submit_report": "1"},
    )
    monitored.draft.refresh_from_db()
    assert monitored.draft.state == MonitoringReport.State.SUBMITTED

    client = client_for(consultant)
    client.post(reverse("monitoring:report-review", args=[monitored.submitted.pk]), {"decision": "accept"})
    monitored.submitted.refresh_from_db()
    assert monitored.submitted.state == MonitoringReport.State.ACCEPTED

    client = client_for(finance_staff)
    url = reverse("monitoring:tranche-paid", args=[monitored.project.pk, monitored.tranche.pk])
    client.post(url, {"paid_on": "2026-02-01"})
    monitored.tranche.refresh_from_db()
    assert monitored.tranche.paid_on is None  # not confirmed yet
    client.post(
        url,
        {
            "paid_on": "2026-02-01",
            "confirm": tranche_paid_token(monitored.tranche, datetime.date(2026, 2, 1)),
        },
    )
    monitored.tranche.refresh_from_db()
    assert monitored.tranche.paid_on == datetime.date(2026, 2, 1)

    url = reverse("monitoring:project-state", args=[monitored.fresh.pk, Project.State.SUSPENDED])
    client.post(url, {"reason": "The venue burned down."})
    assert Project.objects.get(pk=monitored.fresh.pk).state == Project.State.ACTIVE  # not confirmed yet
    change = project_services.state_change(project=monitored.fresh, state=Project.State.SUSPENDED)
    client.post(
        url,
        {
            "reason": "The venue burned down.",
            "confirm": project_state_token(change, "The venue burned down."),
        },
    )
    assert Project.objects.values_list("state", "state_reason").get(pk=monitored.fresh.pk) == (
        Project.State.SUSPENDED,
        "The venue burned down.",
    )
