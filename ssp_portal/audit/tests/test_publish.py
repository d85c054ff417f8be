"""The chain's head published once a day, by the beat schedule, for anyone to keep."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from ssp_portal.audit.models import ImmutableEventError, PublishedHead
from ssp_portal.audit.services import audit_record, chain_head_publish, chain_heads_publish_due
from ssp_portal.audit.tasks import publish_chain_heads

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_a_day_is_published_with_the_last_event_recorded_before_its_end(events):
    today = timezone.localdate()

    head = chain_head_publish(date=today)

    assert (head.date, head.last_event_id, head.count, head.hash) == (today, events[2].pk, 3, events[2].hash)
    # Yesterday ended before these events were recorded.
    assert chain_head_publish(date=today - DAY) is None
    assert PublishedHead.objects.count() == 1


def test_publishing_a_day_again_changes_nothing(events):
    today = timezone.localdate()
    first = chain_head_publish(date=today)
    audit_record(actor=None, verb="organization.updated", target=events[0].target)

    again = chain_head_publish(date=today)

    assert again.pk == first.pk
    assert PublishedHead.objects.get().count == 3


def test_a_published_head_cannot_be_changed(events):
    head = chain_head_publish(date=timezone.localdate())
    head.hash = "f" * 64
    with pytest.raises(ImmutableEventError):
        head.save()
    with pytest.raises(ImmutableEventError):
        PublishedHead.objects.update(hash="f" * 64)
    with pytest.raises(ImmutableEventError):
        PublishedHead.objects.all().delete()


def test_the_first_run_publishes_yesterday_only(events):
    later = timezone.now() + 3 * DAY

    published = chain_heads_publish_due(now=later)

    assert [head.date for head in published] == [timezone.localdate(later) - DAY]
    assert published[0].count == 3


def test_days_missed_since_the_last_published_one_are_caught_up(events):
    today = timezone.localdate()
    PublishedHead.objects.create(date=today - DAY, last_event_id=0, count=0, hash="0" * 64)

    published = chain_heads_publish_due(now=timezone.now() + 3 * DAY)

    assert [head.date for head in published] == [today, today + DAY, today + 2 * DAY]
    assert {head.count for head in published} == {3}
    assert chain_heads_publish_due(now=timezone.now() + 3 * DAY) == []


def test_the_daily_task_publishes_the_day_that_ended(events, monkeypatch):
    tomorrow = timezone.now() + DAY
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)

    assert publish_chain_heads.delay().get() == 1
    assert publish_chain_heads.delay().get() == 0
    assert PublishedHead.objects.get().date == timezone.localdate(tomorrow) - DAY


def test_the_beat_schedule_names_tasks_that_exist():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert import_string(entry["task"]).name == entry["task"], name
    daily = settings.CELERY_BEAT_SCHEDULE["publish-audit-chain-heads"]["schedule"]
    assert daily.hour == {0} and daily.minute == {5}
