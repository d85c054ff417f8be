from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.db.models import F, OuterRef

from organizations.factories import OrganizationFactory, UserFactory
from ssp_portal.notifications import services
from ssp_portal.notifications.models import Reminder
from ssp_portal.notifications.selectors import KeyTime, not_reminded, reminder_key

TEMPLATE = "organizations/email/status_changed"


@pytest.mark.django_db
def test_a_reminder_is_claimed_once():
    assert services.reminder_claim(key="draft:application-1:7d") is True
    assert services.reminder_claim(key="draft:application-1:7d") is False
    assert services.reminder_claim(key="draft:application-1:3d") is True
    assert Reminder.objects.count() == 2


@pytest.mark.django_db
def test_sending_a_reminder_twice_sends_one_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    context = {"organization": OrganizationFactory(verified=True), "reason": ""}

    with django_capture_on_commit_callbacks(execute=True):
        first = services.reminder_send(key="test:once", user=user, template=TEMPLATE, context=context)
        second = services.reminder_send(key="test:once", user=user, template=TEMPLATE, context=context)

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_releases_the_claim():
    user = UserFactory()
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        services.reminder_send(key="test:retry", user=user, template="missing/template", context={})
    assert not Reminder.objects.filter(key="test:retry").exists()


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_send_a_reminder_once(postgresql, monkeypatch):
    """Two workers send the same reminder at the same moment, each in its own transaction."""
    user = UserFactory()
    context = {"organization": OrganizationFactory(verified=True), "reason": ""}
    original_notify = services.email_notify

    def slow_notify(**kwargs):
        # Hold the first transaction open while the second one tries to claim the key.
        time.sleep(0.5)
        return original_notify(**kwargs)

    monkeypatch.setattr(services, "email_notify", slow_notify)
    start = threading.Barrier(2)
    results: list[bool] = []
    errors: list[BaseException] = []

    def run():
        try:
            start.wait()
            results.append(
                services.reminder_send(key="race:1", user=user, template=TEMPLATE, context=context)
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [False, True]
    assert Reminder.objects.filter(key="race:1").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_key_built_in_sql_is_the_key_python_writes():
    moment = datetime.datetime(
        2026, 4, 12, 3, 4, 5, 678901, tzinfo=datetime.timezone(datetime.timedelta(hours=6))
    )
    sent = Reminder.objects.create(key="test:sent", created_at=moment)
    sent.refresh_from_db()
    expected = f"test:{sent.pk}:at-{sent.created_at:%Y%m%d%H%M%S}"
    assert expected == f"test:{sent.pk}:at-20260411210405"
    built = reminder_key("test:", F("pk"), ":at-", KeyTime(F("created_at")))
    assert Reminder.objects.annotate(built=built).get(pk=sent.pk).built == expected
    Reminder.objects.create(key=expected)
    unsent = Reminder.objects.filter(
        not_reminded(reminder_key("test:", OuterRef("pk"), ":at-", KeyTime(OuterRef("created_at"))))
    )
    assert sent not in unsent
