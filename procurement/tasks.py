from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from procurement.models import Competition
from procurement.services import reminders
from procurement.services.competitions import competition_close
from procurement.services.subscriptions import competition_notify_followers


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def notify_followers(competition_id: int) -> int:
    return competition_notify_followers(competition_id=competition_id)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def close_competitions_past_deadline() -> int:
    """Periodic: record the closing of every published competition whose deadline has passed.

    Pages already show such a competition as closed; this only makes the state and the audit
    trail catch up.
    """
    now = timezone.now()
    closed = 0
    for competition in Competition.objects.filter(state=Competition.State.PUBLISHED, deadline__lte=now):
        closed += competition_close(competition=competition, at=now)
    return closed


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def remind_unsent_drafts() -> int:
    """Periodic: the 7-, 3- and 1-day reminders to organizations with an unsent draft."""
    return reminders.remind_unsent_drafts()


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def remind_missing_score_sheets() -> int:
    """Periodic: commission members with a declaration or score sheets still to do."""
    return reminders.remind_missing_score_sheets()
