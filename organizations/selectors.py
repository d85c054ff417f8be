"""Queries for pages: each returns what a page shows in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from organizations.models import (
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationDocument,
    OrganizationInvitation,
    OrganizationMembership,
    User,
)


@dataclass(frozen=True)
class Roles:
    """What a person is on the portal, loaded once per request for navigation and home."""

    staff_of: list[Municipality] = field(default_factory=list)
    consultant_of: list[Municipality] = field(default_factory=list)
    #: Read-only: one role per person and municipality, so never one of ``staff_of``. A template
    #: hides what changes a municipality's work with ``municipality in roles.auditor_of``.
    auditor_of: list[Municipality] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    is_admin: bool = False

    @property
    def is_finance_staff(self) -> bool:
        return bool(self.staff_of)

    @property
    def is_consultant(self) -> bool:
        return bool(self.consultant_of)

    @property
    def is_auditor(self) -> bool:
        return bool(self.auditor_of)

    @property
    def is_nco_member(self) -> bool:
        return bool(self.organizations)

    @property
    def municipalities(self) -> list[Municipality]:
        """Where the person reviews monitoring reports: as staff or consultant (auditors do not)."""
        return self.staff_of + [m for m in self.consultant_of if m not in self.staff_of]

    @property
    def has_role(self) -> bool:
        return (
            self.is_finance_staff
            or self.is_consultant
            or self.is_auditor
            or self.is_nco_member
            or self.is_admin
        )


def user_roles(*, user: User) -> Roles:
    if not user.is_authenticated:
        return Roles()
    memberships = list(
        MunicipalityMembership.objects.filter(user=user, municipality__is_active=True)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    # A subquery, not a join: no DISTINCT over every column of the organization.
    organizations = list(
        Organization.objects.filter(
            pk__in=OrganizationMembership.objects.filter(user=user).values("organization")
        ).order_by("name")
    )
    by_role = {
        role: [m.municipality for m in memberships if m.role == role] for role in MunicipalityMembership.Role
    }
    return Roles(
        staff_of=by_role[MunicipalityMembership.Role.STAFF],
        consultant_of=by_role[MunicipalityMembership.Role.CONSULTANT],
        auditor_of=by_role[MunicipalityMembership.Role.AUDITOR],
        organizations=organizations,
        is_admin=user.is_staff,
    )


def organization_list_for_review(*, user: User) -> QuerySet[Organization]:
    """Organizations as finance staff review them, with member and document counts."""
    return (
        Organization.objects.visible_to(user)
        .annotate(
            member_count=Count("memberships", distinct=True),
            document_count=Count("documents", distinct=True),
        )
        .order_by("state", "name")
    )


def organization_detail(*, user: User, pk: int) -> Organization | None:
    """One organization the person may see, with members, documents and the invitations waiting for
    an answer (four queries)."""
    return (
        Organization.objects.visible_to(user)
        .select_related("state_changed_by", "created_by")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=OrganizationMembership.objects.select_related("user").order_by("created_at"),
            ),
            Prefetch(
                "documents",
                queryset=OrganizationDocument.objects.select_related("uploaded_by"),
            ),
            Prefetch(
                "invitations",
                queryset=OrganizationInvitation.objects.pending()
                .select_related("invited_by")
                .order_by("-sent_at"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class SuspensionContact:
    """Whom the members of a suspended organization ask about it: the person who suspended it."""

    name: str
    email: str
    phone: str
    municipalities: list[str]


def suspension_contact(*, organization: Organization) -> SuspensionContact | None:
    """The person who suspended the organization, with the municipalities they work for as
    finance staff (one query); None when the organization is not suspended or that account is
    gone."""
    person = organization.state_changed_by if organization.is_suspended else None
    if person is None:
        return None
    municipalities = list(
        MunicipalityMembership.objects.staff()
        .filter(user=person)
        .order_by("municipality__name")
        .values_list("municipality__name", flat=True)
    )
    return SuspensionContact(
        name=person.get_full_name(),
        email=person.email,
        phone=person.phone,
        municipalities=municipalities,
    )


def municipality_workspace(*, municipality: Municipality) -> Municipality:
    """A municipality with its staff and consultants."""
    return Municipality.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=MunicipalityMembership.objects.select_related("user").order_by(
                "role", "user__full_name"
            ),
        )
    ).get(pk=municipality.pk)


def organization_state_counts() -> dict[str, int]:
    """How many organizations are pending, verified and suspended (one query)."""
    counts = Organization.objects.aggregate(
        pending=Count("pk", filter=Q(state=Organization.State.PENDING)),
        verified=Count("pk", filter=Q(state=Organization.State.VERIFIED)),
        suspended=Count("pk", filter=Q(state=Organization.State.SUSPENDED)),
    )
    return counts


def portal_figures() -> dict[str, int]:
    """Public figures for the front page."""
    return {
        "municipalities": Municipality.objects.filter(is_active=True).count(),
        "verified_organizations": Organization.objects.verified().count(),
    }
