"""What every step of the seeding shares: the moment, the random numbers, the demo's people, and
the rows made so far."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from organizations.models import Municipality, Organization, User
from ssp_portal.seeding.plan import Counts

BATCH = 1000
ZONE = ZoneInfo("Asia/Bishkek")
UTC = datetime.UTC
# Seeded people's addresses; the marker by which a second run finds the first.
DOMAIN = "bench.example"
SLUG_PREFIX = "bench-"

# The demo's people (organizations/demo.py) around whom the lists are made long.
FINANCE = "finance@karakol.example"
NARYN_FINANCE = "finance@second.example"
CONSULTANT = "consultant@dpi.example"
COMMISSION = ["chair@karakol.example", "member1@karakol.example", "member2@karakol.example"]
NCO_MEMBERS = ["baldarga@ngo.example", "ulukman@ngo.example"]


@dataclass
class Bench:
    counts: Counts
    now: datetime.datetime
    rng: random.Random
    demo_users: dict[str, User]
    karakol: Municipality
    naryn: Municipality
    demo_organizations: list[Organization]
    # One unusable password for every seeded person: nobody logs in as them.
    password: str = field(default_factory=lambda: make_password(None))
    municipalities: list[Municipality] = field(default_factory=list)
    staff: dict[int, User] = field(default_factory=dict)
    consultants: dict[int, User] = field(default_factory=dict)
    commission_pool: dict[int, list[User]] = field(default_factory=dict)
    members: dict[int, User] = field(default_factory=dict)
    applicants: list[Organization] = field(default_factory=list)
    heavy: list[Organization] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # The next of ``applicants`` to apply.
    cursor: int = 0

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(self.now, ZONE).date()

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high), minutes=self.rng.randint(0, 600))


def bulk(model: type[models.Model], rows: Iterable[models.Model]) -> list:
    """Insert ``rows`` in batches (no save(), no signals); their primary keys are set."""
    return model.objects.bulk_create(list(rows), batch_size=BATCH)


def utc(moment: datetime.datetime) -> datetime.datetime:
    """Whole seconds in UTC: how the database gives a moment back, so that a digest taken over it
    now matches one taken over what is read later."""
    return moment.astimezone(UTC).replace(microsecond=0)


def local(day: datetime.date, hour: int) -> datetime.datetime:
    return utc(datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE))


def between(rng: random.Random, start: datetime.datetime, end: datetime.datetime, share: float = 1.0):
    """A moment between ``start`` and ``end`` (within the first ``share`` of the span)."""
    span = max((end - start).total_seconds(), 0) * share
    return utc(start + datetime.timedelta(seconds=rng.uniform(0, span)))
