"""Every date a person types is checked against a sensible window, with the range in the message."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from monitoring.forms import ContractForm, ScheduleForm, SiteVisitForm, TrancheForm, TranchePaidForm
from procurement.factories import CompetitionFactory, PriorityIssueFactory
from procurement.forms.competitions import AmendmentForm, CompetitionForm, PriorityIssueForm
from procurement.models import Competition
from ssp_portal.validators import DEADLINE, PAST, PORTAL_EARLIEST, PROJECT_END, DateWindow

TODAY = timezone.localdate()


def day(days: int) -> str:
    return (TODAY + datetime.timedelta(days=days)).isoformat()


def years(n: int) -> int:
    return TODAY.year + n


def window_message(latest: datetime.date) -> str:
    return f"Enter a date from {date_format(PORTAL_EARLIEST)} to {date_format(latest)}."


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Windows are counted from the day the tests started (also when they run across midnight)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def test_a_window_runs_from_its_earliest_date_to_some_years_after_today():
    window = DateWindow(years_ahead=2)
    latest = window.latest
    assert (latest - TODAY).days in (730, 731)
    window(PORTAL_EARLIEST)
    window(latest)
    for outside in (
        datetime.date(1999, 12, 31),
        latest + datetime.timedelta(days=1),
        datetime.date(9999, 1, 1),
    ):
        with pytest.raises(ValidationError) as info:
            window(outside)
        assert info.value.code == "date_out_of_window"
        assert info.value.messages == [window_message(latest)]


def test_a_window_of_zero_years_ends_today():
    PAST(TODAY)
    with pytest.raises(ValidationError, match=re.escape(window_message(TODAY))):
        PAST(TODAY + datetime.timedelta(days=1))


def test_a_window_reads_a_date_time_by_its_local_date_and_a_number_as_a_year():
    DEADLINE(timezone.make_aware(datetime.datetime.combine(DEADLINE.latest, datetime.time(23, 59))))
    with pytest.raises(ValidationError, match="Enter a date from"):
        DEADLINE(timezone.make_aware(datetime.datetime(9999, 12, 31, 23, 59)))
    DateWindow(years_ahead=5)(years(5))
    with pytest.raises(ValidationError, match=re.escape(f"Enter a year from 2000 to {years(5)}.")):
        DateWindow(years_ahead=5)(years(6))


def test_the_window_from_29_february_ends_on_28_february_in_a_common_year(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2028, 2, 29))
    assert DateWindow(years_ahead=1).latest == datetime.date(2029, 2, 28)
    assert DateWindow(years_ahead=4).latest == datetime.date(2032, 2, 29)


def test_the_date_picker_gets_the_same_bounds(municipality):
    form = CompetitionForm(municipality=municipality)
    assert form.fields["deadline"].widget.attrs["min"] == "2000-01-01T00:00"
    assert form.fields["deadline"].widget.attrs["max"] == f"{DEADLINE.latest.isoformat()}T23:59"
    assert form.fields["project_end"].widget.attrs["max"] == PROJECT_END.latest.isoformat()
    assert SiteVisitForm().fields["visited_on"].widget.attrs["max"] == TODAY.isoformat()
    year = PriorityIssueForm().fields["year"].widget.attrs
    assert (year["min"], year["max"]) == (2000, years(5))


COMPETITION = {
    "title_en": "Maintaining public order",
    "description_en": "Work with homeless people.",
    "budget": "400000",
    "max_grant": "200000",
    "projects_expected": "2",
    "announcement_date": day(7),
    "deadline": f"{day(50)}T18:00",
    "project_start": day(80),
    "project_end": day(250),
    "contact": "Finance Department",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("deadline", "9999-12-31T23:59"),
        ("deadline", f"{day(2 * 366 + 1)}T10:00"),  # more than two years ahead
        ("announcement_date", "1999-12-31"),
        ("announcement_date", day(367)),
        ("project_start", day(3 * 366 + 1)),
        ("project_end", "9999-01-01"),
    ],
)
def test_competition_dates_outside_their_window_are_refused_beside_the_field(municipality, field, value):
    form = CompetitionForm({**COMPETITION, field: value}, municipality=municipality)
    assert not form.is_valid()
    assert any("Enter a date from" in error for error in form.errors[field]), form.errors


@pytest.mark.django_db
def test_a_competition_within_every_window_is_accepted(municipality):
    issue = PriorityIssueFactory(municipality=municipality)
    form = CompetitionForm({**COMPETITION, "priority_issue": issue.pk}, municipality=municipality)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_a_deadline_in_the_year_9999_is_refused_on_the_page(finance_staff, municipality, client_for):
    issue = PriorityIssueFactory(municipality=municipality)
    response = client_for(finance_staff).post(
        reverse("procurement:competition-create", args=[municipality.slug]),
        {**COMPETITION, "priority_issue": issue.pk, "deadline": "9999-12-31T23:59"},
    )
    assert response.status_code == 200
    assert window_message(DEADLINE.latest) in response.content.decode()
    assert not Competition.objects.exists()


@pytest.mark.django_db
def test_an_amendment_cannot_move_the_deadline_past_its_window(municipality):
    competition = CompetitionFactory(municipality=municipality, published=True)
    data = {
        "explanation_en": "More time.",
        "description_en": competition.description,
        "budget": competition.budget,
        "max_grant": competition.max_grant,
        "projects_expected": competition.projects_expected,
        "deadline": "9999-01-01T10:00",
        "project_start": competition.project_start,
        "project_end": competition.project_end,
    }
    form = AmendmentForm(data, competition=competition)
    assert not form.is_valid()
    assert "Enter a date from" in form.errors["deadline"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["1999", str(years(6)), "9999"])
def test_a_priority_issue_year_outside_its_window_is_refused(year):
    form = PriorityIssueForm({"title_en": "Homeless people", "year": year, "planned_budget": "1"})
    assert not form.is_valid()
    assert f"Enter a year from 2000 to {years(5)}." in form.errors["year"], form.errors


CONTRACT = {"contract_number": "1", "contract_date": day(0), "start_date": day(30), "end_date": day(200)}


@pytest.mark.parametrize(
    ("form_class", "data", "field"),
    [
        (ContractForm, {**CONTRACT, "contract_date": "9999-01-01"}, "contract_date"),
        (ContractForm, {**CONTRACT, "start_date": "1999-01-01"}, "start_date"),
        (ContractForm, {**CONTRACT, "end_date": "2099-12-31"}, "end_date"),
        (TranchePaidForm, {"paid_on": day(1)}, "paid_on"),  # tomorrow
        (TranchePaidForm, {"paid_on": "1999-12-31"}, "paid_on"),
        (
            SiteVisitForm,
            {"visited_on": day(1), "visitors": "x", "observed": "x", "findings": "x"},
            "visited_on",
        ),
        (TrancheForm, {"planned_date": "9999-01-01", "amount": "1000"}, "planned_date"),
    ],
)
def test_monitoring_dates_outside_their_window_are_refused_beside_the_field(form_class, data, field):
    form = form_class(data)
    assert not form.is_valid()
    assert any("Enter a date from" in error for error in form.errors[field]), form.errors


def test_monitoring_dates_within_their_windows_are_accepted():
    assert ContractForm(CONTRACT).is_valid()
    assert TranchePaidForm({"paid_on": day(0)}).is_valid()


def test_a_reporting_period_end_outside_the_window_is_refused_with_the_range():
    form = ScheduleForm({"period_ends": f"{day(30)}, 2099-12-31", "due_days": "10"})
    assert not form.is_valid()
    assert "Enter a date from" in form.errors["period_ends"][0]
    assert ScheduleForm({"period_ends": f"{day(30)}, {day(120)}", "due_days": "10"}).is_valid()
