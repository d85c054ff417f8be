from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from organizations.models import (
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationMembership,
    User,
)
from procurement.models import Competition, PriorityIssue
from ssp_portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGINS = [
    "finance@karakol.example",
    "chair@karakol.example",
    "member1@karakol.example",
    "member2@karakol.example",
    "baldarga@ngo.example",
    "ulukman@ngo.example",
    "consultant@dpi.example",
    "finance@second.example",
    "admin@ssp.example",
]


def snapshot() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Municipality,
            MunicipalityMembership,
            Organization,
            OrganizationMembership,
            AuditEvent,
        )
    }


def test_seed_demo_loads_karakol_and_is_idempotent(settings, capsys):
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo")
    first = snapshot()
    output = capsys.readouterr().out
    call_command("seed_demo", "--quiet")
    assert snapshot() == first

    for email in LOGINS:
        assert email in output
        assert authenticate(email=email, password="ssp-demo-2026") is not None, email
    karakol = Municipality.objects.get(code="KRK")
    assert karakol.memberships.get(role="staff").user.email == "finance@karakol.example"
    assert karakol.memberships.get(role="consultant").user.email == "consultant@dpi.example"
    assert Municipality.objects.get(code="NRN").memberships.get().user.email == "finance@second.example"
    assert set(Organization.objects.verified().values_list("name", flat=True)) == {
        'Public Foundation "Baldarga Tirek"',
        'Public Union "Ulukman Daryger"',
        'Public Foundation "Kelechek Nuru"',
        'Public Association "Aiyl Ayimdary"',
    }
    assert User.objects.get(email="admin@ssp.example").is_superuser


def test_seed_demo_shows_karakols_three_competitions_in_their_states_and_a_draft(settings):
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet")
    competitions = {c.title: c for c in Competition.objects.with_effective_state()}
    assert {title: c.effective_state for title, c in competitions.items()} == {
        "Children of Labor Migrants": "completed",
        "Women - Victims of Domestic Violence": "completed",
        "Maintaining Public Order": "published",
        "Support for Older People Living Alone": "draft",
    }
    # The draft has work left on its publishing checklist: an unapproved issue, two commission members.
    draft = competitions.pop("Support for Older People Living Alone")
    assert not draft.priority_issue.is_approved
    assert sorted(draft.commission.values_list("role", flat=True)) == ["chair", "member"]
    assert list(draft.criteria.values_list("weight", flat=True)) == [35, 30, 20, 15]
    this_year = timezone.localdate().year
    assert competitions["Maintaining Public Order"].reference == f"KRK-{this_year}-001"
    assert {
        competitions[t].reference
        for t in ("Children of Labor Migrants", "Women - Victims of Domestic Violence")
    } == {
        f"KRK-{this_year - 1}-001",
        f"KRK-{this_year - 1}-002",
    }
    for competition in competitions.values():
        assert competition.budget == Decimal("200000.00")
        assert sum(competition.criteria.values_list("weight", flat=True)) == 100
        assert sorted(competition.commission.values_list("role", flat=True)) == ["chair", "member", "member"]
    assert PriorityIssue.objects.filter(state="approved").count() == 3


def test_seed_demo_is_refused_where_demo_data_is_not_allowed(settings):
    settings.SSP_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="not allowed"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_has_applications_in_their_states(settings):
    from procurement import receipts
    from procurement.models import Application

    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet")
    rows = {
        (a.competition.title, a.organization.name): a
        for a in Application.objects.select_related("competition", "organization")
    }
    states = {key: a.state for key, a in rows.items()}
    assert states == {
        ("Children of Labor Migrants", 'Public Foundation "Baldarga Tirek"'): "awarded",
        ("Children of Labor Migrants", 'Public Foundation "Kelechek Nuru"'): "not_awarded",
        ("Women - Victims of Domestic Violence", 'Public Union "Ulukman Daryger"'): "awarded",
        ("Women - Victims of Domestic Violence", 'Public Association "Aiyl Ayimdary"'): "ineligible",
        ("Maintaining Public Order", 'Public Foundation "Baldarga Tirek"'): "submitted",
        ("Maintaining Public Order", 'Public Union "Ulukman Daryger"'): "draft",
    }
    for application in rows.values():
        if application.receipt_number:
            assert application.submitted_at < application.competition.deadline
            assert receipts.verify(receipt_number=application.receipt_number, digest=application.digest)
            assert application.budget_total == application.requested_amount
    open_one = rows[("Maintaining Public Order", 'Public Foundation "Baldarga Tirek"')]
    assert open_one.competition.is_sealed


def test_seed_demo_evaluates_the_completed_competitions(settings):
    from procurement.models import Award, ConflictDeclaration, ScoreSheet

    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet")
    awards = {
        a.application.organization.name: a.amount
        for a in Award.objects.select_related("application__organization")
    }
    # The announcement's 400,000 soms, split 200,000 each (the source does not give the split).
    assert awards == {
        'Public Foundation "Baldarga Tirek"': Decimal("200000.00"),
        'Public Union "Ulukman Daryger"': Decimal("200000.00"),
    }
    assert ConflictDeclaration.objects.count() == 6
    conflicted = ConflictDeclaration.objects.get(has_conflict=True)
    assert conflicted.member.user.email == "member2@karakol.example"
    assert list(conflicted.conflicts.values_list("organization__name", flat=True)) == [
        'Public Foundation "Kelechek Nuru"'
    ]
    assert ScoreSheet.objects.filter(state="submitted").count() == 8
    assert not ScoreSheet.objects.filter(state="draft").exists()


def test_seed_demo_follows_the_two_projects_in_their_monitoring_states(settings):
    from monitoring.models import MonitoringReport, PaymentTranche, Project, ReportRound, SiteVisit
    from monitoring.spending import overspent_projects

    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    counts = (
        Project.objects.count(),
        MonitoringReport.objects.count(),
        ReportRound.objects.count(),
        PaymentTranche.objects.count(),
        SiteVisit.objects.count(),
    )
    call_command("seed_demo", "--quiet")
    assert counts == (
        Project.objects.count(),
        MonitoringReport.objects.count(),
        ReportRound.objects.count(),
        PaymentTranche.objects.count(),
        SiteVisit.objects.count(),
    )
    projects = {
        p.organization.name: p for p in Project.objects.select_related("organization", "municipality")
    }
    baldarga = projects['Public Foundation "Baldarga Tirek"']
    ulukman = projects['Public Union "Ulukman Daryger"']
    for project in (baldarga, ulukman):
        assert project.state == Project.State.ACTIVE
        assert project.amount == Decimal("200000.00")
        assert sum(project.tranches.values_list("amount", flat=True)) == project.amount
        assert sum(project.budget_lines.values_list("approved_amount", flat=True)) == project.amount
        assert list(project.tranches.filter(paid_on__isnull=False).values_list("number", flat=True)) == [1]
        assert project.indicators.exists()
        assert project.site_visits.exists()

    def states(project):
        return [(r.state, r.is_overdue) for r in project.reports.select_related("project__municipality")]

    # The second was submitted in time and sent back: not overdue, whatever the date of its revision.
    assert states(baldarga) == [("accepted", False), ("revision_requested", False), ("draft", True)]
    assert states(ulukman) == [("accepted", False), ("submitted", False), ("draft", True)]
    revised = baldarga.reports.get(number=2)
    assert revised.rounds.get().comments["expenditure"].startswith("The books line is over budget")
    # Ulukman Daryger answered the comments on its second report and submitted it again.
    first, second = ulukman.reports.get(number=2).rounds.order_by("number")
    assert first.decision == "revision_requested" and second.decision == ""
    assert set(first.answers) == set(first.comments) == {"narrative", "expenditure"}
    assert first.snapshot["narrative"]["results"] != second.snapshot["narrative"]["results"]
    # Books: 2,000 approved; 2,000 + 1,500 spent, explained.
    assert overspent_projects([baldarga.pk, ulukman.pk]) == {baldarga.pk}


def test_no_demo_official_is_a_member_of_an_organization(settings):
    """Finance staff, consultants and commission members act on the NCOs' matters, so none of the
    demo's is a member of an NCO (the portal would refuse them those actions)."""
    from procurement.models import CommissionMember

    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    officials = set(MunicipalityMembership.objects.values_list("user_id", flat=True)) | set(
        CommissionMember.objects.values_list("user_id", flat=True)
    )
    assert officials
    assert not OrganizationMembership.objects.filter(user_id__in=officials).exists()
