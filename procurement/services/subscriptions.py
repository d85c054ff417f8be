"""Following a municipality or a priority issue, and hearing of new competitions once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from organizations.models import Municipality, User
from procurement import permissions
from procurement.models import Competition, PriorityIssue, Subscription
from procurement.selectors import competition_followers
from ssp_portal.notifications.services import reminder_send


def subscription_follow(
    *, user: User, municipality: Municipality | None = None, priority_issue: PriorityIssue | None = None
) -> Subscription:
    if not permissions.can_follow(user):
        raise PermissionDenied
    if (municipality is None) == (priority_issue is None):
        raise ValueError("Follow either a municipality or a priority issue.")
    subscription, _created = Subscription.objects.get_or_create(
        user=user, municipality=municipality, priority_issue=priority_issue
    )
    return subscription


def subscription_unfollow(*, subscription: Subscription, by: User) -> None:
    if subscription.user_id != by.pk:
        raise PermissionDenied
    subscription.delete()


def competition_notify_followers(*, competition_id: int) -> int:
    """E-mail each follower of the competition's municipality or priority issue, once.

    Returns how many e-mails this run queued; a repeated run queues none.
    """
    competition = (
        Competition.objects.select_related("municipality", "priority_issue").filter(pk=competition_id).first()
    )
    if competition is None or competition.is_draft:
        return 0
    followers = competition_followers(competition=competition)
    sent = 0
    for user in followers:
        sent += reminder_send(
            key=f"competition-published:{competition.pk}:user-{user.pk}",
            user=user,
            template="procurement/email/competition_published",
            context={"competition": competition},
        )
    return sent
