"""A submission counts by the moment its request reached the server, not by when it got its turn."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organizations.factories import OrganizationMembershipFactory
from procurement.factories import ApplicationFactory, CompetitionFactory, fill_application
from procurement.models import Application, Competition
from procurement.services import applications as services
from ssp_portal import arrival

SUBMITTERS = 50
# The first request leaves this long before the deadline, the others one every 10 ms after it.
LEAD = datetime.timedelta(milliseconds=250)
STEP = datetime.timedelta(milliseconds=10)


def test_a_request_that_arrived_before_the_deadline_is_accepted_when_handled_after_it(
    municipality, organization, nco_member, monkeypatch
):
    competition = CompetitionFactory(municipality=municipality, published=True)
    draft = fill_application(ApplicationFactory(competition=competition, organization=organization))
    arrived = competition.deadline - datetime.timedelta(milliseconds=5)
    # The competition was closed by the deadline task while the request waited.
    Competition.objects.filter(pk=competition.pk).update(state=Competition.State.CLOSED)
    handled = competition.deadline + datetime.timedelta(milliseconds=200)
    monkeypatch.setattr(timezone, "now", lambda: handled)
    submitted = services.application_submit(application=draft, by=nco_member, arrived_at=arrived)
    assert submitted.state == Application.State.SUBMITTED
    assert submitted.submitted_at == arrived


def test_a_request_that_arrived_after_the_deadline_is_refused(
    municipality, organization, nco_member, monkeypatch
):
    competition = CompetitionFactory(municipality=municipality, published=True)
    draft = fill_application(ApplicationFactory(competition=competition, organization=organization))
    monkeypatch.setattr(timezone, "now", lambda: competition.deadline + datetime.timedelta(seconds=1))
    with pytest.raises(Exception, match="deadline passed"):
        services.application_submit(
            application=draft,
            by=nco_member,
            arrived_at=competition.deadline + datetime.timedelta(microseconds=1),
        )
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT


def test_an_arrival_time_from_the_future_counts_as_now(municipality, organization, nco_member):
    """The arrival can only make a request earlier than its handling, never later."""
    competition = CompetitionFactory(municipality=municipality, published=True)
    draft = fill_application(ApplicationFactory(competition=competition, organization=organization))
    before = timezone.now()
    submitted = services.application_submit(
        application=draft, by=nco_member, arrived_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert before <= submitted.submitted_at <= timezone.now()


def test_the_rule_is_written_on_the_competition_page(client, municipality):
    competition = CompetitionFactory(municipality=municipality, published=True)
    page = client.get(competition.get_absolute_url()).content.decode()
    assert "reaches the portal" in page


@pytest.mark.django_db(transaction=True)
def test_fifty_submitters_straddling_the_deadline(postgresql, municipality, monkeypatch):
    """50 organizations press Submit within half a second around the deadline, on PostgreSQL.

    Every request that arrived before the deadline gets a receipt, none that arrived after it
    does, and no receipt number is given twice.
    """
    competition = CompetitionFactory(municipality=municipality, published=True)
    people = []
    for _ in range(SUBMITTERS):
        member = OrganizationMembershipFactory(organization__verified=True).user
        organization = member.organization_memberships.get().organization
        application = fill_application(ApplicationFactory(competition=competition, organization=organization))
        people.append((member, application))

    arrivals: dict[int, datetime.datetime] = {}
    recorded = arrival.ArrivalMiddleware.__call__

    def recording(self, request):
        response = recorded(self, request)
        arrivals[threading.get_ident()] = request.arrived_at
        return response

    monkeypatch.setattr(arrival.ArrivalMiddleware, "__call__", recording)
    clients = []
    for member, _application in people:
        one = Client()
        one.force_login(member)
        clients.append(one)

    moments: dict[str, datetime.datetime] = {}

    def set_the_deadline() -> None:
        # Once every submitter is ready: the first sends in 300 ms, the deadline is LEAD later.
        moments["start"] = timezone.now() + datetime.timedelta(milliseconds=300)
        moments["deadline"] = moments["start"] + LEAD
        Competition.objects.filter(pk=competition.pk).update(deadline=moments["deadline"])

    ready = threading.Barrier(SUBMITTERS, action=set_the_deadline)
    outcomes: dict[int, tuple[datetime.datetime, int, int]] = {}
    errors: list[BaseException] = []

    def submit(index: int) -> None:
        application = people[index][1]
        try:
            # Each submitter has its page open: its connection and the portal's middleware are warm.
            clients[index].get(application.get_absolute_url())
            ready.wait()
            send_at = moments["start"] + index * STEP
            time.sleep(max(0.0, (send_at - timezone.now()).total_seconds()))
            response = clients[index].post(reverse("procurement:application-submit", args=[application.pk]))
            outcomes[index] = (arrivals[threading.get_ident()], response.status_code, application.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(SUBMITTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(outcomes) == SUBMITTERS
    assert {status for _arrived, status, _pk in outcomes.values()} == {302}
    deadline = moments["deadline"]
    states = dict(Application.objects.filter(competition=competition).values_list("pk", "state"))
    in_time = [pk for arrived, _status, pk in outcomes.values() if arrived < deadline]
    late = [pk for arrived, _status, pk in outcomes.values() if arrived >= deadline]
    assert in_time and late, "the requests did not straddle the deadline"
    assert [pk for pk in in_time if states[pk] != Application.State.SUBMITTED] == []
    assert [pk for pk in late if states[pk] != Application.State.DRAFT] == []
    numbers = list(
        Application.objects.filter(competition=competition)
        .exclude(receipt_number=None)
        .values_list("receipt_number", flat=True)
    )
    assert len(numbers) == len(set(numbers)) == len(in_time)
    submitted_at = Application.objects.filter(pk__in=in_time).values_list("submitted_at", flat=True)
    assert max(submitted_at) < deadline
    print(f"\n{len(in_time)} arrived in time and got receipts, {len(late)} after the deadline were refused")
