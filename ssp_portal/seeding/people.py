"""Municipalities, their finance staff, consultants and commission members; organizations and
their members."""

from __future__ import annotations

import datetime
import string

from organizations.models import (
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationMembership,
    Region,
    User,
)
from ssp_portal.seeding.plan import by_mix
from ssp_portal.seeding.texts import PLACES
from ssp_portal.seeding.world import (
    COMMISSION,
    CONSULTANT,
    DOMAIN,
    FINANCE,
    NARYN_FINANCE,
    NCO_MEMBERS,
    SLUG_PREFIX,
    Bench,
    bulk,
)

# Members of each municipality's commissions to choose from (a commission has 3 to 7).
COMMISSION_POOL = 7
# One seeded consultant reviews this many municipalities; the demo consultant a tenth of them.
CONSULTANT_SPAN = 5
ORGANIZATION_MIX = {
    Organization.State.VERIFIED: 90,
    Organization.State.PENDING: 5,
    Organization.State.SUSPENDED: 5,
}
STAFF, CONSULTING = MunicipalityMembership.Role.STAFF, MunicipalityMembership.Role.CONSULTANT


def _users(bench: Bench, kind: str, count: int, name: str) -> list[User]:
    return bulk(
        User,
        (
            User(
                email=f"{kind}{n}@{DOMAIN}",
                full_name=f"{name} {n}",
                password=bench.password,
                language="ru" if n % 3 else "ky",
                date_joined=bench.now - datetime.timedelta(days=1200),
            )
            for n in range(1, count + 1)
        ),
    )


def _code(n: int, taken: set[str]) -> str:
    letters = string.ascii_uppercase
    while True:
        code = "X" + letters[n // 676 % 26] + letters[n // 26 % 26] + letters[n % 26]
        if code not in taken:
            return code
        n += 17576


def seed_municipalities(bench: Bench) -> None:
    taken = set(Municipality.objects.values_list("code", flat=True))
    regions = [region for region, _label in Region.choices]
    bench.municipalities = bulk(
        Municipality,
        (
            Municipality(
                name=f"{PLACES[n % len(PLACES)]} {n + 1:03d}",
                slug=f"{SLUG_PREFIX}{n + 1:03d}",
                code=_code(n, taken),
                kind=Municipality.Kind.AIYL_AIMAK if n % 4 else Municipality.Kind.CITY,
                region=regions[n % len(regions)],
                authority=f"Aiyl okmotu {n + 1:03d}",
                created_at=bench.now - datetime.timedelta(days=1500),
            )
            for n in range(bench.counts.municipalities)
        ),
    )
    _municipality_people(bench)


def _municipality_people(bench: Bench) -> None:
    """Finance staff for each municipality; a consultant for each few (the demo consultant for the
    first tenth); a pool of commission members for each (Karakol's begins with the demo's)."""
    places = bench.municipalities
    staff = _users(bench, "finance", len(places), "Finance officer")
    consultants = _users(bench, "consultant", -(-len(places) // CONSULTANT_SPAN), "Consultant")
    pool = _users(bench, "commission", COMMISSION_POOL * (len(places) + 2), "Commission member")
    demo_share = max(1, len(places) // 10)
    bench.staff = {place.pk: user for place, user in zip(places, staff, strict=True)}
    bench.staff[bench.karakol.pk] = bench.demo_users[FINANCE]
    bench.staff[bench.naryn.pk] = bench.demo_users[NARYN_FINANCE]
    for n, place in enumerate(places):
        bench.consultants[place.pk] = (
            bench.demo_users[CONSULTANT] if n < demo_share else consultants[n // CONSULTANT_SPAN]
        )
    bench.consultants[bench.karakol.pk] = bench.demo_users[CONSULTANT]
    bench.consultants[bench.naryn.pk] = consultants[-1]
    for n, place in enumerate([*places, bench.karakol, bench.naryn]):
        bench.commission_pool[place.pk] = pool[n * COMMISSION_POOL : (n + 1) * COMMISSION_POOL]
    karakol_pool = bench.commission_pool[bench.karakol.pk]
    bench.commission_pool[bench.karakol.pk] = [bench.demo_users[e] for e in COMMISSION] + karakol_pool[:4]
    _memberships(bench)


def _memberships(bench: Bench) -> None:
    rows = [
        MunicipalityMembership(user=bench.staff[place.pk], municipality=place, role=STAFF, position="Finance")
        for place in bench.municipalities
    ]
    rows += [
        MunicipalityMembership(
            user=bench.consultants[place.pk], municipality=place, role=CONSULTING, position="Consultant"
        )
        for place in bench.municipalities
    ]
    if not MunicipalityMembership.objects.filter(municipality=bench.naryn, role=CONSULTING).exists():
        rows.append(
            MunicipalityMembership(
                user=bench.consultants[bench.naryn.pk], municipality=bench.naryn, role=CONSULTING
            )
        )
    bulk(MunicipalityMembership, rows)


def _organization(bench: Bench, n: int, state: str, verifier: User) -> Organization:
    registered = datetime.date(2005 + n % 18, 1 + n % 12, 1 + n % 28)
    changed = bench.now - datetime.timedelta(days=400 + n % 300)
    suspended = state == Organization.State.SUSPENDED
    organization = Organization(
        name=f'Public Foundation "Bench {n:05d}"',
        legal_form=Organization.LegalForm.values[n % len(Organization.LegalForm.values)],
        registration_number=f"{n:05d}-BENCH",
        inn=f"0{registered:%d%m%Y}{90000 + n % 10000:05d}",
        registration_date=registered,
        region=Region.values[n % len(Region.values)],
        address=f"{PLACES[n % len(PLACES)]}, street {n % 90 + 1}",
        phone=f"+99655{n:07d}",
        email=f"nco{n}@{DOMAIN}",
        head_name=f"Head of organization {n}",
        mission="Social services for the people of the municipality and their families.",
        state=state,
        state_reason="The registration certificate is being renewed." if suspended else "",
        suspended_from=Organization.State.VERIFIED if suspended else "",
        state_changed_at=None if state == Organization.State.PENDING else changed,
        state_changed_by=None if state == Organization.State.PENDING else verifier,
        created_at=changed - datetime.timedelta(days=30),
    )
    organization.fold_search()
    return organization


def seed_organizations(bench: Bench) -> None:
    """The organizations in every verification state, a member each (some two). Two verified ones
    have a demo NCO member as a member too: with the demo's own two, they apply the most."""
    states = by_mix(bench.counts.organizations, ORGANIZATION_MIX)
    bench.rng.shuffle(states)
    verifiers = list(bench.staff.values())
    organizations = bulk(
        Organization,
        (_organization(bench, n, state, verifiers[n % len(verifiers)]) for n, state in enumerate(states)),
    )
    members = _users(bench, "member", len(organizations) + len(organizations) // 3, "NCO member")
    rows = [
        OrganizationMembership(user=members[n], organization=organization, created_at=organization.created_at)
        for n, organization in enumerate(organizations)
    ]
    rows += [
        OrganizationMembership(user=user, organization=organizations[n * 3 % len(organizations)])
        for n, user in enumerate(members[len(organizations) :])
        if n * 3 < len(organizations)
    ]
    bench.members = {organization.pk: members[n] for n, organization in enumerate(organizations)}
    verified = [o for o in organizations if o.state == Organization.State.VERIFIED]
    joined = verified[-len(NCO_MEMBERS) :] if len(verified) > len(NCO_MEMBERS) else []
    rows += [
        OrganizationMembership(user=bench.demo_users[email], organization=organization)
        for email, organization in zip(NCO_MEMBERS, joined, strict=False)
    ]
    bulk(OrganizationMembership, rows)
    _applicants(bench, verified, joined)


def _applicants(bench: Bench, verified: list[Organization], joined: list[Organization]) -> None:
    """Who applies: the heavy applicants (the demo members' organizations) and everyone else verified."""
    demo = {}
    for organization in bench.demo_organizations:
        member = organization.memberships.all()[0].user
        demo[member.email] = organization
        bench.members.setdefault(organization.pk, member)
    bench.heavy = [demo[email] for email in NCO_MEMBERS if email in demo] + joined
    others = [o for o in bench.demo_organizations if o not in bench.heavy]
    bench.applicants = [o for o in verified if o not in joined] + others
