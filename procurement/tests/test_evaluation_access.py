"""Who sees what of the evaluation: conflicts of interest on every URL, blind scoring, sealing of
sheets and ranking until the results, the public results and the protocol."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.documents import PROTOCOL
from procurement.factories import AwardFactory, CommissionMemberFactory
from procurement.models import ScoreSheet
from procurement.services import competitions as competition_services
from procurement.services import evaluation as services
from procurement.tests.competition_in_evaluation import score, sign
from procurement.views.evaluation import award_token
from ssp_portal.documents.models import Document
from ssp_portal.tests.access import PERSONAS, Row, run_row
from ssp_portal.tests.access import only as only_personas

ROLES = [*PERSONAS, "chair", "declared_member", "conflicted_member", "undeclared_member"]


def only(allowed, *, others):
    return only_personas(allowed, others=others, roles=ROLES)


@pytest.fixture
def evaluation_under_way(
    municipality, finance_staff, other_staff, consultant, nco_member, other_member, evaluation
):
    # nco_member belongs to Organization A; the conflicted member declared a conflict with A.
    evaluation.applications[0].organization.memberships.create(user=nco_member)
    sign(evaluation, evaluation.chair)
    sign(evaluation, evaluation.member1)
    sign(evaluation, evaluation.member2, [(evaluation.applications[0].organization, "Relative")])
    score(evaluation, evaluation.chair, evaluation.applications[1], [8, 4])
    evaluation.sheet = ScoreSheet.objects.get()

    def make_award():
        """An award of C, made only for the row that takes it back."""
        return AwardFactory(
            application=evaluation.applications[2], amount=1000, rank=3, decided_by=finance_staff
        )

    evaluation.make_award = make_award
    return evaluation


@pytest.fixture
def chair(evaluation_under_way):
    return evaluation_under_way.chair


@pytest.fixture
def declared_member(evaluation_under_way):
    return evaluation_under_way.member1


@pytest.fixture
def conflicted_member(evaluation_under_way):
    return evaluation_under_way.member2


@pytest.fixture
def undeclared_member(evaluation_under_way):
    return CommissionMemberFactory(competition=evaluation_under_way.competition).user


def sheets_snapshot(evaluation_under_way) -> tuple:
    return (
        list(ScoreSheet.objects.order_by("pk").values_list("state", "application_id", "member_id")),
        list(evaluation_under_way.competition.awards.values_list("application_id", "amount")),
    )


COMMISSION = {"chair": 200, "declared_member": 200, "conflicted_member": 200, "undeclared_member": 200}
A_READERS = only(
    {
        "finance_staff": 200,
        "auditor": 200,
        "admin_user": 200,
        "nco_member": 200,
        "chair": 200,
        "declared_member": 200,
    },
    others=404,
)
A_SCORERS = only({"chair": 200, "declared_member": 200}, others=404)
# The municipality's auditor reads what its staff read of the evaluation, and decides nothing.
FOLLOWERS = only({"finance_staff": 200, "auditor": 200, **COMMISSION}, others=403)

ROWS: dict[str, Row] = {
    # Organization A, with which the conflicted member declared a conflict.
    "procurement:application-detail[conflict]": Row("get", lambda w: [w.applications[0].pk], A_READERS),
    "procurement:attachment-download[conflict]": Row(
        "get",
        lambda w: [w.applications[0].pk, w.applications[0].attachments.first().pk],
        A_READERS,
    ),
    "procurement:application-receipt[conflict]": Row("get", lambda w: [w.applications[0].pk], A_READERS),
    "procurement:score-sheet[conflict]": Row(
        "get",
        lambda w: [w.applications[0].pk],
        {**A_SCORERS, "nco_member": 403, "finance_staff": 403, "auditor": 403, "admin_user": 403},
    ),
    "procurement:score-sheet[conflict-post]": Row(
        "post",
        lambda w: [w.applications[0].pk],
        {
            **A_SCORERS,
            "chair": 302,
            "declared_member": 302,
            "nco_member": 403,
            "finance_staff": 403,
            "auditor": 403,
            "admin_user": 403,
        },
        data=lambda w: {f"score_{w.criteria[0].pk}": "5", f"score_{w.criteria[1].pk}": "5", "submit": "1"},
        snapshot=sheets_snapshot,
    ),
    "procurement:commission-home": Row("get", lambda w: [], only({}, others=200)),
    "procurement:evaluation": Row("get", lambda w: [w.competition.reference], FOLLOWERS),
    "procurement:declaration": Row(
        "get",
        lambda w: [w.competition.reference],
        only(
            {"chair": 302, "declared_member": 302, "conflicted_member": 302, "undeclared_member": 200},
            others=403,
        ),
    ),
    # Before the results the ranking is the staff's, and a member's once all their sheets are in.
    "procurement:ranking": Row(
        "get",
        lambda w: [w.competition.reference],
        only(
            {
                "finance_staff": 200,
                "auditor": 200,
                "chair": 302,
                "declared_member": 302,
                "conflicted_member": 302,
                "undeclared_member": 302,
            },
            others=403,
        ),
    ),
    "procurement:awards": Row(
        "get", lambda w: [w.competition.reference], only({"finance_staff": 200, "auditor": 200}, others=403)
    ),
    "procurement:award-grant": Row(
        "get",
        lambda w: [w.applications[1].pk],
        only(
            {
                "finance_staff": 200,
                "nco_member": 404,
                "auditor": 403,
                "admin_user": 403,
                "chair": 403,
                "declared_member": 403,
                "conflicted_member": 403,
            },
            others=404,
        ),
    ),
    # Confirmed, but refused: the scoring is not finished.
    "procurement:award-grant[post]": Row(
        "post",
        lambda w: [w.applications[1].pk],
        only(
            {
                "finance_staff": 400,
                "nco_member": 404,
                "auditor": 403,
                "admin_user": 403,
                "chair": 403,
                "declared_member": 403,
                "conflicted_member": 403,
            },
            others=404,
        ),
        data=lambda w: {
            "amount": "1000",
            "departure_reason": "",
            "confirm": award_token(w.applications[1], Decimal("1000"), ""),
        },
        snapshot=sheets_snapshot,
    ),
    "procurement:award-revoke": Row(
        "post",
        lambda w: [w.make_award().pk],
        only({"finance_staff": 302}, others=404),
        snapshot=sheets_snapshot,
    ),
    # The auditor takes nothing back and reopens nothing: 404, as to staff of another municipality.
    # The sheet is the chair's own: someone else reopens it (the competition's staff), not its author.
    "procurement:sheet-reopen": Row("get", lambda w: [w.sheet.pk], only({"finance_staff": 200}, others=404)),
    "procurement:sheet-reopen[post]": Row(
        "post",
        lambda w: [w.sheet.pk],
        only({"finance_staff": 302}, others=404),
        data=lambda w: {"reason": "typo"},
        snapshot=sheets_snapshot,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ROLES)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, evaluation_under_way, client_for, request, django_capture_on_commit_callbacks):
    run_row(
        key, ROWS[key], persona, evaluation_under_way, client_for, request, django_capture_on_commit_callbacks
    )


@pytest.mark.django_db
def test_blind_scoring(evaluation_under_way, client_for):
    """A member sees the others' scores of an application only after submitting their own sheet."""
    b = evaluation_under_way.applications[1]  # the chair has submitted 8/10 and 4/5 with comments
    client = client_for(evaluation_under_way.member1)
    url = reverse("procurement:score-sheet", args=[b.pk])
    page = client.get(url)
    assert page.context["others"] is None
    assert "on Relevance" not in page.content.decode()  # the chair's comment
    score(evaluation_under_way, evaluation_under_way.member1, b, [5, 5], submit=False)
    assert client.get(url).context["others"] is None  # a draft is not enough
    score(evaluation_under_way, evaluation_under_way.member1, b, [5, 5])
    page = client.get(url)
    assert [sheet.member.user for sheet in page.context["others"]] == [evaluation_under_way.chair]
    assert "on Relevance" in page.content.decode()
    assert "Relevance: <strong>8</strong>" in page.content.decode()  # written as the sheet writes it


@pytest.mark.django_db
def test_a_member_sees_the_ranking_once_all_their_sheets_are_in(evaluation_under_way, client_for):
    client = client_for(evaluation_under_way.member2)  # conflicted with A: B and C are theirs to score
    url = reverse("procurement:ranking", args=[evaluation_under_way.competition.reference])
    assert client.get(url).status_code == 302
    score(evaluation_under_way, evaluation_under_way.member2, evaluation_under_way.applications[1], [5, 5])
    assert client.get(url).status_code == 302
    score(evaluation_under_way, evaluation_under_way.member2, evaluation_under_way.applications[2], [5, 5])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["rows"][0].application.organization.name == "Organization B"


@pytest.mark.django_db
def test_after_the_results_the_public_sees_totals_and_awards_but_not_the_protocol(
    evaluation_under_way, finance_staff, client, client_for, nco_member, django_capture_on_commit_callbacks
):
    for user in (evaluation_under_way.chair, evaluation_under_way.member1):
        for application in evaluation_under_way.applications:
            if not ScoreSheet.objects.filter(
                application=application, member__user=user, state="submitted"
            ).exists():
                score(evaluation_under_way, user, application, [7, 3])
    score(evaluation_under_way, evaluation_under_way.member2, evaluation_under_way.applications[1], [6, 3])
    score(evaluation_under_way, evaluation_under_way.member2, evaluation_under_way.applications[2], [6, 3])
    services.award_grant(application=evaluation_under_way.applications[1], by=finance_staff, amount=150000)
    with django_capture_on_commit_callbacks(execute=True):
        competition_services.competition_complete(
            competition=evaluation_under_way.competition, by=finance_staff
        )

    page = client.get(evaluation_under_way.competition.get_absolute_url()).content.decode()
    assert 'data-testid="public-results"' in page
    for name in ("Organization A", "Organization B", "Organization C"):
        assert name in page
    assert "KGS\u00a0150,000" in page
    results = page.split('data-testid="public-results"', 1)[1].split("</table>", 1)[0]
    assert "Organization D" not in results  # ineligible applications are not ranked
    assert "on Relevance" not in page  # no comment of any sheet

    protocol = Document.objects.for_subject(evaluation_under_way.competition, PROTOCOL).get(language="en")
    download = reverse("documents:download", args=[protocol.pk])
    assert client.get(download).status_code == 302  # visitors are sent to log in
    assert client_for(nco_member).get(download).status_code == 404
    assert client_for(finance_staff).get(download).status_code == 200
    assert client_for(evaluation_under_way.member1).get(download).status_code == 200
    assert client_for(evaluation_under_way.member2).get(download).status_code == 200

    # The applicant reads their own total and place, never the members' sheets.
    applicant = client_for(nco_member)
    own = applicant.get(evaluation_under_way.applications[0].get_absolute_url())
    assert own.context["own_result"].mean_shown is not None
    assert "Total score" in own.content.decode()
    assert "on Relevance" not in own.content.decode()
    assert (
        applicant.get(
            reverse("procurement:ranking", args=[evaluation_under_way.competition.reference])
        ).status_code
        == 403
    )
    assert (
        applicant.get(
            reverse("procurement:score-sheet", args=[evaluation_under_way.applications[0].pk])
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_the_admin_shows_no_sheet_before_the_results(evaluation_under_way, admin_user, client_for):
    page = client_for(admin_user).get(reverse("admin:procurement_scoresheet_changelist"))
    assert list(page.context["cl"].result_list) == []
