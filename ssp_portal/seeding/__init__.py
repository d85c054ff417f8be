"""A country's worth of valid data around the Karakol demo, for measuring pages (``seed_bench``).

Rows are made in memory and inserted in batches (``bulk_create``: no ``save()``, no signals, no
e-mails, no tasks, no audit events, so the audit chain is left as it was), each in a state the
services could have brought it to, with the dates that state implies. The steps, in order:
people (``people``), competitions (``competitions``), applications (``applications``), score
sheets and awards (``evaluation``), projects (``monitoring``); ``checks`` checks the result.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from organizations.models import Municipality, Organization, User
from ssp_portal.seeding import applications, competitions, evaluation, monitoring, people
from ssp_portal.seeding.plan import Counts
from ssp_portal.seeding.world import (
    COMMISSION,
    CONSULTANT,
    FINANCE,
    NARYN_FINANCE,
    NCO_MEMBERS,
    SLUG_PREFIX,
    Bench,
)


class AlreadySeededError(RuntimeError):
    pass


def already_seeded() -> bool:
    return Municipality.objects.filter(slug__startswith=SLUG_PREFIX).exists()


DEMO_PEOPLE = [FINANCE, NARYN_FINANCE, CONSULTANT, *COMMISSION, *NCO_MEMBERS]


def demo_loaded() -> bool:
    """Are the demo's people, Karakol and Naryn and the demo members' organizations there?"""
    return (
        User.objects.filter(email__in=DEMO_PEOPLE).count() == len(DEMO_PEOPLE)
        and Municipality.objects.filter(code__in=["KRK", "NRN"]).count() == 2
        and Organization.objects.filter(memberships__user__email__in=NCO_MEMBERS).count() >= len(NCO_MEMBERS)
    )


def _bench(counts: Counts, seed: int) -> Bench:
    emails = DEMO_PEOPLE
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    missing = sorted(set(emails) - set(users))
    if missing:
        raise LookupError(f"The demo's people are missing ({', '.join(missing)}): load seed_demo first.")
    demo = Organization.objects.verified().filter(memberships__isnull=False).distinct()
    return Bench(
        counts=counts,
        now=timezone.now(),
        rng=random.Random(seed),  # noqa: S311 (made-up data, not secrets)
        demo_users=users,
        karakol=Municipality.objects.get(code="KRK"),
        naryn=Municipality.objects.get(code="NRN"),
        demo_organizations=list(demo.prefetch_related("memberships__user")),
    )


def _timed(bench: Bench, name: str, step: Callable, *args):
    started = time.perf_counter()
    result = step(bench, *args)
    bench.timings[name] = time.perf_counter() - started
    return result


def load(counts: Counts, *, seed: int = 2026) -> Bench:
    """Insert ``counts``' rows around the demo, in one transaction."""
    if already_seeded():
        raise AlreadySeededError("Benchmark data is already loaded in this database.")
    with transaction.atomic():
        bench = _bench(counts, seed)
        _timed(bench, "people", people.seed_municipalities)
        _timed(bench, "organizations", people.seed_organizations)
        calls = _timed(bench, "competitions", competitions.seed_competitions)
        drafts = _timed(bench, "applications", applications.plan_applications, calls)
        evaluation.plan_sheets(bench, calls)
        _timed(bench, "applications inserted", applications.insert_applications, drafts)
        _timed(bench, "commissions", competitions.seed_commissions, calls)
        _timed(bench, "score sheets", evaluation.seed_sheets, calls)
        awards = _timed(bench, "awards", evaluation.seed_awards, calls)
        _timed(bench, "projects", monitoring.seed_projects, awards)
    return bench
