"""Bad input is refused beside the field, and nothing is saved."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.factories import CompetitionFactory, PriorityIssueFactory
from procurement.models import CommissionMember, Competition, EvaluationCriterion, PriorityIssue
from procurement.views.competition_rows import ROWS_PAGES
from ssp_portal.tests.rows import rows_post

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def spoken(day: datetime.date) -> str:
    """A date as the English pages write it: ``15 January 2027``."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def valid(municipality) -> dict:
    deadline = timezone.localtime() + datetime.timedelta(days=40)
    return {
        "title_en": "Support for older people",
        "priority_issue": PriorityIssueFactory(municipality=municipality).pk,
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


def test_a_valid_draft_is_created_with_the_deadline_in_bishkek_time(municipality, staff_client):
    data = valid(municipality)
    data["deadline"] = (timezone.localdate() + datetime.timedelta(days=40)).isoformat() + "T17:00"
    response = staff_client.post(reverse("procurement:competition-create", args=[municipality.slug]), data)
    competition = Competition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == competition.get_absolute_url()
    assert competition.deadline_local.hour == 17
    assert competition.deadline.astimezone(datetime.UTC).hour == 11


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("budget", "-5", "Enter a total budget of more than zero."),
        ("budget", "0", "Enter a total budget of more than zero."),
        ("budget", "abc", "Enter an amount in soms, for example 150000 or 150000.50."),
        ("budget", "100.555", "Soms have at most two decimals (tyiyn)."),
        ("budget", "1" + "0" * 15, "This amount is far larger than any budget; check the digits."),
        ("max_grant", "0", "Enter a maximum grant of more than zero."),
        (
            "max_grant",
            "300000.01",
            "Lower the maximum grant to at most the total budget, KGS\u00a0300,000, or raise the budget.",
        ),
        ("projects_expected", "0", "Ensure this value is greater than or equal to 1."),
        ("title_en", "", "Write this text in at least one language."),
        (
            "announcement_date",
            "2000-01-01",
            f"Choose an announcement date of today, {spoken(TODAY)}, or later.",
        ),
    ],
)
def test_bad_terms_are_refused_beside_the_field(municipality, staff_client, field, value, message):
    response = staff_client.post(
        reverse("procurement:competition-create", args=[municipality.slug]),
        {**valid(municipality), field: value},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert message in errors, errors
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not Competition.objects.exists()


def test_a_deadline_in_the_past_is_refused(municipality, staff_client):
    past = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = staff_client.post(
        reverse("procurement:competition-create", args=[municipality.slug]),
        {**valid(municipality), "deadline": past},
    )
    (error,) = response.context["form"].errors["deadline"]
    assert error.startswith(f"Choose a deadline later than now, {spoken(timezone.localdate())}, ")
    assert not Competition.objects.exists()


def test_a_deadline_too_soon_is_refused(municipality, staff_client):
    soon = (timezone.localtime() + datetime.timedelta(days=29)).strftime("%Y-%m-%dT%H:%M")
    response = staff_client.post(
        reverse("procurement:competition-create", args=[municipality.slug]),
        {**valid(municipality), "deadline": soon},
    )
    earliest = spoken(timezone.localdate() + datetime.timedelta(days=30))
    assert response.context["form"].errors["deadline"] == [
        f"Choose a deadline on {earliest} or later: applicants need at least 30 days after the announcement."
    ]
    assert not Competition.objects.exists()


def test_a_project_start_before_the_deadline_says_what_to_do_with_the_dates(municipality, staff_client):
    data = valid(municipality)
    deadline = datetime.date.fromisoformat(data["deadline"][:10])
    start = deadline - datetime.timedelta(days=3)
    response = staff_client.post(
        reverse("procurement:competition-create", args=[municipality.slug]),
        {
            **data,
            "project_start": start.isoformat(),
            "project_end": (start - datetime.timedelta(days=1)).isoformat(),
        },
    )
    errors = response.context["form"].errors
    assert errors["project_start"] == [
        f"Choose a project start after the deadline, {spoken(deadline)}, or move the deadline earlier."
    ]
    assert errors["project_end"] == [f"Choose a project end on or after the project start, {spoken(start)}."]
    assert deadline.isoformat() not in str(errors)
    assert not Competition.objects.exists()


def test_an_amendment_cannot_offer_to_move_the_deadline_earlier(municipality, staff_client):
    competition = CompetitionFactory(municipality=municipality, published=True)
    deadline = timezone.localtime(competition.deadline, competition.zone)
    start = deadline.date() - datetime.timedelta(days=1)
    response = staff_client.post(
        reverse("procurement:competition-amend", args=[competition.reference]),
        {
            "explanation_en": "Earlier start",
            "description_en": competition.description,
            "budget": "400000",
            "max_grant": "200000",
            "projects_expected": "2",
            "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            "project_start": start.isoformat(),
            "project_end": competition.project_end.isoformat(),
        },
    )
    assert response.context["form"].errors["project_start"] == [
        f"Choose a project start after the deadline, {spoken(deadline.date())}."
    ]


def test_a_priority_issue_of_another_municipality_cannot_be_chosen(
    municipality, other_municipality, staff_client
):
    foreign = PriorityIssueFactory(municipality=other_municipality)
    response = staff_client.post(
        reverse("procurement:competition-create", args=[municipality.slug]),
        {**valid(municipality), "priority_issue": foreign.pk},
    )
    assert "Select a valid choice." in response.context["form"].errors["priority_issue"][0]
    assert not Competition.objects.exists()


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for i, item in enumerate(items):
        data.update({f"{prefix}-{i}-{k}": v for k, v in item.items()})
    return data


def test_criteria_whose_weights_do_not_add_up_are_refused(municipality, staff_client):
    competition = CompetitionFactory(municipality=municipality, criteria=True)
    stored = list(competition.criteria.values("id", "name", "max_score", "weight"))
    stored[0]["weight"] = 60
    response = staff_client.post(
        reverse("procurement:competition-criteria", args=[competition.reference]),
        rows_post("criteria", stored, shown=ROWS_PAGES["criteria"].rows(competition)),
    )
    assert response.status_code == 400
    assert "The weights add up to 110; change them so that they add up to 100." in response.content.decode()
    assert list(competition.criteria.values_list("weight", flat=True)) == [50, 30, 20]


def test_duplicate_criteria_are_flagged_beside_the_name(municipality, staff_client):
    competition = CompetitionFactory(municipality=municipality)
    response = staff_client.post(
        reverse("procurement:competition-criteria", args=[competition.reference]),
        rows(
            "criteria",
            [
                {"name": "Relevance", "max_score": 10, "weight": 50},
                {"name": "relevance", "max_score": 10, "weight": 50},
            ],
        ),
    )
    formset = response.context["formset"]
    assert formset.forms[1].errors["name"] == ["Another criterion has this name."]
    assert not EvaluationCriterion.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_score", "0", "greater than or equal to 1"),
        ("weight", "101", "less than or equal to 100"),
        ("weight", "x", "Enter a whole number."),
    ],
)
def test_bad_criterion_numbers(municipality, staff_client, field, value, message):
    competition = CompetitionFactory(municipality=municipality)
    row = {"name": "Relevance", "max_score": 10, "weight": 100, field: value}
    response = staff_client.post(
        reverse("procurement:competition-criteria", args=[competition.reference]), rows("criteria", [row])
    )
    assert message in response.context["formset"].forms[0].errors[field][0]
    assert not EvaluationCriterion.objects.exists()


def test_blank_and_removed_rows_are_ignored(municipality, staff_client):
    competition = CompetitionFactory(municipality=municipality)
    response = staff_client.post(
        reverse("procurement:competition-criteria", args=[competition.reference]),
        rows(
            "criteria",
            [
                {"name": "Relevance", "max_score": 10, "weight": 100},
                {"name": "Dropped", "max_score": 10, "weight": 40, "DELETE": "on"},
                {"name": "", "description": "", "max_score": "", "weight": ""},
            ],
        ),
    )
    assert response.status_code == 302
    assert list(competition.criteria.values_list("name", flat=True)) == ["Relevance"]


def member(email: str, role: str = "member") -> dict:
    return {"email": email, "full_name": email.split("@")[0], "role": role, "affiliation": ""}


def test_a_commission_without_a_chair_is_refused(municipality, staff_client):
    competition = CompetitionFactory(municipality=municipality)
    response = staff_client.post(
        reverse("procurement:competition-commission", args=[competition.reference]),
        rows("commission", [member("a@example.org"), member("b@example.org"), member("c@example.org")]),
    )
    assert response.status_code == 400
    assert "Choose exactly one chair (now 0)." in response.content.decode()
    assert not CommissionMember.objects.exists()


def test_two_chairs_and_duplicate_members_are_refused(municipality, staff_client):
    competition = CompetitionFactory(municipality=municipality)
    url = reverse("procurement:competition-commission", args=[competition.reference])
    response = staff_client.post(
        url, rows("commission", [member("a@example.org", "chair"), member("b@example.org", "chair")])
    )
    assert "Choose exactly one chair (now 2)." in response.content.decode()
    response = staff_client.post(
        url,
        rows(
            "commission", [member("a@example.org", "chair"), member("A@example.org"), member("c@example.org")]
        ),
    )
    assert response.context["formset"].forms[1].errors["email"] == [
        "This person is already on the commission."
    ]
    assert not CommissionMember.objects.exists()


def test_bad_priority_issue_input(municipality, staff_client):
    response = staff_client.post(
        reverse("procurement:priority-issue-create", args=[municipality.slug]),
        {
            "title_en": "",
            "year": "1990",
            "need_source": "rumour",
            "target_group_en": "x",
            "planned_budget": "-1",
            "description_en": "d",
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {"title_en", "year", "need_source", "planned_budget"}
    assert not PriorityIssue.objects.exists()


def test_cancelling_without_a_reason_is_refused(municipality, staff_client):
    competition = CompetitionFactory(municipality=municipality, published=True)
    response = staff_client.post(
        reverse("procurement:competition-cancel", args=[competition.reference]), {"reason": " "}
    )
    assert response.context["form"].errors["reason"] == ["This field is required."]
    competition.refresh_from_db()
    assert competition.state == Competition.State.PUBLISHED
