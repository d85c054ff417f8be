"""A competition's public receipt ledger: every receipt the portal issued for it, once its
submission deadline has passed.

The ledger lets each organization find its own receipt number and see that its proposal was
counted, and lets anyone see that none was added after the deadline. What it shows:

- every receipt issued for the competition, in the order the submissions reached the server:
  its number, that moment (in the municipality's zone) and the SHA-256 digest of what was
  submitted (``procurement.receipts``). A withdrawn application's receipt is listed too, marked
  as withdrawn: a receipt once issued stands, and a ledger that left some out could not show
  that none was added;
- never anything of what an application says;
- no organization's name until the results are published (the competition is completed);
- nothing at all while the applications are sealed: before the deadline (every read treats a
  passed deadline as closed, before the periodic task records it), and for ever when the
  competition was cancelled before its deadline. The page shows no ledger then and its file
  answers 404.

The ledger is read in one query, whatever the number of receipts. ``columns`` declares it as a
file (``ssp_portal.exports``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import User
from procurement.models import Application, Competition
from ssp_portal import exports
from ssp_portal.exports import Column

# How many characters of a digest the page shows at each end before the full value is opened.
SHORT_DIGEST = 8


@dataclass(frozen=True)
class Receipt:
    """One line of the ledger."""

    number: str
    submitted_at: datetime.datetime
    digest: str
    withdrawn: bool
    # Empty until the results are published.
    organization: str = ""

    @property
    def digest_short(self) -> str:
        return f"{self.digest[:SHORT_DIGEST]}…{self.digest[-SHORT_DIGEST:]}"


def is_public(competition: Competition) -> bool:
    """Is the ledger public: the deadline has passed and the applications are not sealed for ever."""
    return not competition.is_draft and not competition.is_sealed


def names_public(competition: Competition) -> bool:
    """Are the organizations named: the results are published."""
    return competition.current_state == Competition.State.COMPLETED


def ledger_competition(*, user: User, reference: str) -> Competition | None:
    """The competition whose ledger a person asks for, when they may see it and it is public."""
    competition = (
        Competition.objects.visible_to(user)
        .with_effective_state()
        .select_related("municipality")
        .filter(reference=reference)
        .first()
    )
    return competition if competition is not None and is_public(competition) else None


def receipt_ledger(*, competition: Competition) -> list[Receipt] | None:
    """Every receipt issued for the competition, the first to arrive first (one query); None, with
    no query, while the ledger is not public."""
    if not is_public(competition):
        return None
    fields = ["receipt_number", "submitted_at", "digest", "state"]
    named = names_public(competition)
    if named:
        fields.append("organization__name")
    rows = (
        Application.objects.filter(competition=competition, receipt_number__isnull=False)
        .order_by("submitted_at", "receipt_number")
        .values_list(*fields)
    )
    return [
        Receipt(
            number=row[0],
            submitted_at=row[1],
            digest=row[2],
            withdrawn=row[3] == Application.State.WITHDRAWN,
            organization=row[4] if named else "",
        )
        for row in rows
    ]


def _local_moment(moment: datetime.datetime, zone: str) -> str:
    """A moment to the second with its offset (``2026-03-01T17:59:58+06:00``): the ledger's
    order is by the second, and a program reading the file needs no zone beside it."""
    return timezone.localtime(moment, ZoneInfo(zone)).isoformat(timespec="seconds")


def columns(competition: Competition) -> list[Column]:
    """The ledger as a file: the same lines and values the page shows, the digest in full."""
    zone = competition.municipality.time_zone
    declared = [
        Column(_("Receipt number"), lambda receipt: receipt.number),
        Column(_("Received at"), lambda receipt: _local_moment(receipt.submitted_at, zone)),
        Column(_("SHA-256 digest"), lambda receipt: receipt.digest),
        Column(_("Withdrawn"), lambda receipt: receipt.withdrawn),
    ]
    if names_public(competition):
        declared.append(Column(_("Organization"), lambda receipt: receipt.organization))
    return declared


def file_links(competition: Competition) -> list[tuple[str, str]]:
    """The ledger's files, each format's name and address (``templates/partials/export_links.html``)."""
    address = reverse("procurement:competition-receipts", args=[competition.reference])
    return [(name, f"{address}?{exports.PARAMETER}={fmt}") for fmt, (name, _type) in exports.FORMATS.items()]
