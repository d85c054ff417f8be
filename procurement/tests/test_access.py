"""Every procurement URL for every persona (see ssp_portal/tests/access.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from procurement import selectors
from procurement.factories import CompetitionFactory, PriorityIssueFactory, SubscriptionFactory
from procurement.forms import competitions as forms
from procurement.models import Amendment, Competition, PriorityIssue
from procurement.views import competition_changes
from procurement.views.competition_rows import ROWS_PAGES
from ssp_portal.tests.access import LOGIN, PERSONAS, Row, everyone, only, run_row, signed_in
from ssp_portal.tests.rows import rows_post


@dataclass
class Stages:
    """A competition at each stage of its life in one municipality, its priority issues and a follower."""

    municipality: object
    draft: Competition
    open: Competition
    past_deadline: Competition
    evaluation: Competition
    draft_issue: PriorityIssue
    approved_issue: PriorityIssue
    subscription: object


def states(stages: Stages) -> list[str]:
    return [
        c.state
        for c in Competition.objects.filter(
            pk__in=[stages.draft.pk, stages.open.pk, stages.past_deadline.pk, stages.evaluation.pk]
        ).order_by("pk")
    ]


def snapshot(stages: Stages) -> tuple:
    """What a refused request must not change."""
    return (
        states(stages),
        Competition.objects.count(),
        list(Competition.objects.order_by("pk").values_list("title", "deadline", "budget", "cancel_reason")),
        Amendment.objects.count(),
        list(PriorityIssue.objects.order_by("pk").values_list("state", "title")),
        stages.draft.criteria.count(),
        stages.draft.commission.count(),
    )


def new_competition(stages: Stages) -> dict:
    deadline = timezone.localtime() + datetime.timedelta(days=45)
    return {
        "title_en": "Support for older people",
        "priority_issue": stages.approved_issue.pk,
        "description_en": "Home visits.",
        "budget": "300000",
        "max_grant": "150000",
        "projects_expected": "2",
        "announcement_date": timezone.localdate().isoformat(),
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "project_start": (deadline.date() + datetime.timedelta(days=10)).isoformat(),
        "project_end": (deadline.date() + datetime.timedelta(days=200)).isoformat(),
        "contact": "",
    }


def criteria_post(stages: Stages) -> dict:
    """Every stored criterion removed, one new one of weight 100."""
    stored = list(stages.draft.criteria.values("id", "name", "max_score", "weight"))
    return rows_post(
        "criteria",
        stored,
        [{"name": "Relevance of the approach", "max_score": 10, "weight": 100}],
        remove=[row["id"] for row in stored],
        shown=ROWS_PAGES["criteria"].rows(stages.draft),
    )


def amendment_post(stages: Stages) -> dict:
    """The amendment form of the open competition with a larger budget."""
    competition = stages.open
    return {
        "explanation_en": "The council added 50 000 soms.",
        "description_en": competition.description,
        "budget": "450000",
        "max_grant": str(competition.max_grant),
        "projects_expected": str(competition.projects_expected),
        "deadline": timezone.localtime(competition.deadline, competition.zone).strftime("%Y-%m-%dT%H:%M"),
        "project_start": competition.project_start.isoformat(),
        "project_end": competition.project_end.isoformat(),
        "contact": competition.contact,
    }


def amendment_token(stages: Stages) -> str:
    form = forms.AmendmentForm(amendment_post(stages), competition=stages.open)
    assert form.is_valid(), form.errors
    return competition_changes.amend_token(
        stages.open, competition_changes._explanation_text(form), form.plan()
    )


# The municipality's auditor reads its staff's pages and drafts; every form and change refuses them
# (403: they see what they may not change), as it refuses others who see a public object.
READERS_404 = only({"finance_staff": 200, "auditor": 200}, others=404)  # the staff's pages, to read
STAFF_ONLY_404 = only({"finance_staff": 200, "auditor": 403}, others=404)  # forms on drafts and staff's pages
STAFF_ONLY_403 = only({"finance_staff": 200}, others=403)  # public objects others may see but not change
ACT_404 = only({"finance_staff": 302, "auditor": 403}, others=404)
ACT_403 = only({"finance_staff": 302}, others=403)

ROWS: dict[str, Row] = {
    "procurement:competition-list": Row("get", lambda w: [], everyone(200)),
    "procurement:competition-detail[open]": Row("get", lambda w: [w.open.reference], everyone(200)),
    "procurement:competition-detail[draft]": Row(
        "get",
        lambda w: [w.draft.reference],
        only({"finance_staff": 200, "auditor": 200}, others=404, anonymous=404),
    ),
    "procurement:competition-receipts[past_deadline]": Row(
        "get", lambda w: [w.past_deadline.reference], everyone(200), data=lambda w: {"export": "csv"}
    ),
    "procurement:competition-receipts[open]": Row(
        "get", lambda w: [w.open.reference], everyone(404), data=lambda w: {"export": "csv"}
    ),
    "procurement:priority-issue-list": Row("get", lambda w: [], everyone(200)),
    "procurement:staff-competitions": Row("get", lambda w: [w.municipality.slug], READERS_404),
    "procurement:competition-create": Row("get", lambda w: [w.municipality.slug], STAFF_ONLY_404),
    "procurement:competition-create[post]": Row(
        "post", lambda w: [w.municipality.slug], ACT_404, data=new_competition, snapshot=snapshot
    ),
    "procurement:competition-edit[draft]": Row("get", lambda w: [w.draft.reference], STAFF_ONLY_404),
    "procurement:competition-edit[draft-post]": Row(
        "post",
        lambda w: [w.draft.reference],
        ACT_404,
        data=lambda w: {**new_competition(w), "title_en": "Renamed"},
        snapshot=snapshot,
    ),
    "procurement:competition-edit[open]": Row(
        "get", lambda w: [w.open.reference], only({"finance_staff": 302}, others=403)
    ),
    "procurement:competition-criteria": Row("get", lambda w: [w.draft.reference], STAFF_ONLY_404),
    "procurement:competition-criteria[post]": Row(
        "post", lambda w: [w.draft.reference], ACT_404, data=criteria_post, snapshot=snapshot
    ),
    "procurement:competition-documents": Row("get", lambda w: [w.draft.reference], STAFF_ONLY_404),
    "procurement:competition-eligibility": Row("get", lambda w: [w.draft.reference], STAFF_ONLY_404),
    "procurement:competition-commission": Row("get", lambda w: [w.draft.reference], STAFF_ONLY_404),
    "procurement:competition-commission[open]": Row("get", lambda w: [w.open.reference], STAFF_ONLY_403),
    "procurement:competition-publish": Row("get", lambda w: [w.draft.reference], STAFF_ONLY_404),
    "procurement:competition-publish[unconfirmed]": Row(
        "post", lambda w: [w.draft.reference], STAFF_ONLY_404, snapshot=snapshot
    ),
    "procurement:competition-publish[post]": Row(
        "post",
        lambda w: [w.draft.reference],
        ACT_404,
        data=lambda w: {"confirm": competition_changes.publish_token(w.draft)},
        snapshot=snapshot,
    ),
    "procurement:competition-start-evaluation": Row(
        "post", lambda w: [w.past_deadline.reference], ACT_403, snapshot=snapshot
    ),
    "procurement:competition-complete": Row("get", lambda w: [w.evaluation.reference], STAFF_ONLY_403),
    "procurement:competition-complete[unconfirmed]": Row(
        "post", lambda w: [w.evaluation.reference], STAFF_ONLY_403, snapshot=snapshot
    ),
    "procurement:competition-complete[post]": Row(
        "post",
        lambda w: [w.evaluation.reference],
        ACT_403,
        data=lambda w: {
            "confirm": competition_changes.complete_token(
                w.evaluation, selectors.ranking(competition=w.evaluation)
            )
        },
        snapshot=snapshot,
    ),
    "procurement:competition-cancel": Row("get", lambda w: [w.open.reference], STAFF_ONLY_403),
    "procurement:competition-cancel[unconfirmed]": Row(
        "post",
        lambda w: [w.open.reference],
        STAFF_ONLY_403,
        data=lambda w: {"reason": "No budget"},
        snapshot=snapshot,
    ),
    "procurement:competition-cancel[post]": Row(
        "post",
        lambda w: [w.open.reference],
        ACT_403,
        data=lambda w: {
            "reason": "No budget",
            "confirm": competition_changes.cancel_token(w.open, "No budget"),
        },
        snapshot=snapshot,
    ),
    "procurement:competition-amend": Row("get", lambda w: [w.open.reference], STAFF_ONLY_403),
    "procurement:competition-amend[unconfirmed]": Row(
        "post", lambda w: [w.open.reference], STAFF_ONLY_403, data=amendment_post, snapshot=snapshot
    ),
    "procurement:competition-amend[post]": Row(
        "post",
        lambda w: [w.open.reference],
        ACT_403,
        data=lambda w: {**amendment_post(w), "confirm": amendment_token(w)},
        snapshot=snapshot,
    ),
    "procurement:priority-issue-manage": Row("get", lambda w: [w.municipality.slug], READERS_404),
    "procurement:priority-issue-create": Row("get", lambda w: [w.municipality.slug], STAFF_ONLY_404),
    "procurement:priority-issue-edit[draft]": Row("get", lambda w: [w.draft_issue.pk], STAFF_ONLY_404),
    "procurement:priority-issue-edit[approved]": Row("get", lambda w: [w.approved_issue.pk], STAFF_ONLY_403),
    "procurement:priority-issue-approve": Row(
        "post", lambda w: [w.draft_issue.pk], ACT_404, snapshot=snapshot
    ),
    "procurement:subscription-list": Row("get", lambda w: [], signed_in(200)),
    "procurement:follow": Row(
        "post", lambda w: [], signed_in(302), data=lambda w: {"municipality": w.municipality.slug}
    ),
    "procurement:unfollow": Row("post", lambda w: [w.subscription.pk], only({"nco_member": 302}, others=404)),
}


@pytest.fixture
def stages(municipality, finance_staff, other_staff, consultant, nco_member, other_member):
    issue = PriorityIssueFactory(municipality=municipality)
    draft = CompetitionFactory(municipality=municipality, priority_issue=issue, ready=True)
    return Stages(
        municipality=municipality,
        draft=draft,
        open=CompetitionFactory(municipality=municipality, priority_issue=issue, published=True),
        past_deadline=CompetitionFactory(municipality=municipality, priority_issue=issue, past_deadline=True),
        evaluation=CompetitionFactory(municipality=municipality, priority_issue=issue, evaluation=True),
        draft_issue=PriorityIssueFactory(municipality=municipality, draft=True),
        approved_issue=issue,
        subscription=SubscriptionFactory(user=nco_member, municipality=municipality),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, stages, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, stages, client_for, request, django_capture_on_commit_callbacks)


def test_refusals_change_nothing_is_checked_for_every_state_change():
    """Each POST row that someone is refused carries a snapshot."""
    for key, row in ROWS.items():
        refused = any(v == LOGIN or v >= 400 for v in row.expected.values())
        if row.method == "post" and refused and key not in {"procurement:follow", "procurement:unfollow"}:
            assert row.snapshot is not None, key
