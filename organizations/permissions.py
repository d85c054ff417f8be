"""Who may do what with organizations and municipalities.

Rules return booleans; a ``…_refusal`` function says why a person who holds the role still may
not act (empty when they may).

Power over an organization's status:

- Verification: finance staff of any municipality, since an NCO registers once for the whole
  country and applies to any municipality's competitions.
- Suspension: finance staff of any municipality, with a reason that the organization's members
  read on its page and in an e-mail (with whom to contact); it is recorded as an audit event.
- Lifting a suspension, with a reason: another finance staff member than the one who suspended
  it, or the administrator; never the person who suspended it, so that no one suspends and
  reinstates an organization on their own.
- No one acts on the status of an organization they are a member of.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from organizations.models import Municipality, MunicipalityMembership, Organization, User


def _has_municipality_role(user: User, role: str, municipality: Municipality | None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    memberships = MunicipalityMembership.objects.filter(user=user, role=role)
    if municipality is not None:
        memberships = memberships.filter(municipality=municipality)
    return memberships.exists()


def is_finance_staff(user: User, municipality: Municipality | None = None) -> bool:
    """Staff of ``municipality``, or of any municipality when it is None."""
    return _has_municipality_role(user, MunicipalityMembership.Role.STAFF, municipality)


def is_consultant(user: User, municipality: Municipality | None = None) -> bool:
    """Monitoring consultant of ``municipality``, or of any municipality when it is None."""
    return _has_municipality_role(user, MunicipalityMembership.Role.CONSULTANT, municipality)


def is_auditor(user: User, municipality: Municipality | None = None) -> bool:
    """Auditor of ``municipality`` (read-only), or of any municipality when it is None."""
    return _has_municipality_role(user, MunicipalityMembership.Role.AUDITOR, municipality)


def reads_municipality(user: User, municipality: Municipality) -> bool:
    """Finance staff or an auditor of ``municipality``: who read everything of it once unsealed
    (one query). Auditors read what the staff read, under the same seals, and change nothing:
    every write asks ``is_finance_staff``."""
    if not user.is_authenticated or not user.is_active:
        return False
    return MunicipalityMembership.objects.readers().filter(user=user, municipality=municipality).exists()


def is_administrator(user: User) -> bool:
    """The platform's operator (Django's superuser)."""
    return user.is_authenticated and user.is_active and user.is_superuser


def is_organization_member(user: User, organization: Organization) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return organization.memberships.filter(user=user).exists()


def acts_for_own_organization(user: User, organization: Organization) -> bool:
    """Whether the person would act on the matters of an organization they are a member of.

    Finance staff, monitoring consultants and commission members who are also members of an NCO
    must not screen, score or award its applications, review its reports or pay its tranches:
    each app refuses those actions when this is true, and says why.
    """
    return is_organization_member(user, organization)


def own_organization_refusal(user: User, organization: Organization) -> str:
    """Why the person may not verify or suspend the organization: they are its member. Empty
    when they are not."""
    if not acts_for_own_organization(user, organization):
        return ""
    return _("You are a member of %(organization)s, so you cannot verify or suspend it.") % {
        "organization": organization.name
    }


def can_view_organization(user: User, organization: Organization) -> bool:
    return Organization.objects.visible_to(user).filter(pk=organization.pk).exists()


def can_edit_organization(user: User, organization: Organization) -> bool:
    return is_organization_member(user, organization)


def can_verify_organizations(user: User) -> bool:
    """Finance staff of any municipality verify organizations (and may suspend them): an NCO
    registers once for the whole country."""
    return is_finance_staff(user)


def can_suspend_organizations(user: User) -> bool:
    """Finance staff of any municipality suspend an organization, always with a reason."""
    return is_finance_staff(user)


def can_change_organization_status(user: User, organization: Organization) -> bool:
    """Finance staff verify and suspend an organization, unless they are its members."""
    return can_verify_organizations(user) and not acts_for_own_organization(user, organization)


def may_lift_suspensions(user: User) -> bool:
    """The roles that lift suspensions: finance staff of any municipality, and the administrator.
    Whether this person may lift this suspension: ``suspension_lift_refusal``."""
    return is_finance_staff(user) or is_administrator(user)


def suspension_lift_refusal(user: User, organization: Organization) -> str:
    """Why a person with the role may not lift this organization's suspension; empty when they may.

    The person who suspended it does not lift it: another finance staff member or the
    administrator does. Members of the organization do not act on its status.
    """
    if acts_for_own_organization(user, organization):
        return _("You are a member of %(organization)s, so you cannot lift its suspension.") % {
            "organization": organization.name
        }
    if organization.is_suspended and organization.state_changed_by_id == user.pk:
        return _(
            "You suspended %(organization)s yourself: another finance staff member or the "
            "administrator lifts the suspension."
        ) % {"organization": organization.name}
    return ""


def can_lift_suspension(user: User, organization: Organization) -> bool:
    return (
        organization.is_suspended
        and may_lift_suspensions(user)
        and not suspension_lift_refusal(user, organization)
    )


def can_delete_organization_documents(user: User) -> bool:
    """The administrator deletes organization documents in the admin (members remove their own on
    the portal: ``can_edit_organization``)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("organizations.delete_organizationdocument")
    )


def can_delete_organizations(user: User) -> bool:
    """The administrator deletes an organization registered in error (one that applied is kept by
    the database)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("organizations.delete_organization")
    )


def can_view_municipality_workspace(user: User, municipality: Municipality) -> bool:
    """The municipality's own pages: its staff, its consultants and its auditors."""
    if not user.is_authenticated or not user.is_active:
        return False
    return municipality.memberships.filter(user=user).exists()


# Roles whose holders move money, score applications, read a municipality's applications (its
# auditors) or run the platform, as conditions on ``User``. The roles of this app are here; an app
# that defines another such role adds its condition in its AppConfig.ready() (procurement:
# commission members), so mfa_required stays the one rule and the dependencies still point one way.
_SECOND_FACTOR_ROLES: list[Q] = [
    Q(is_staff=True),
    Q(is_superuser=True),
    Q(
        municipality_memberships__role__in=[
            MunicipalityMembership.Role.STAFF,
            MunicipalityMembership.Role.CONSULTANT,
            MunicipalityMembership.Role.AUDITOR,
        ]
    ),
]


def register_second_factor_role(condition: Q) -> None:
    """Holders of a role matching ``condition`` (a filter on ``User``) must use a second factor."""
    if condition not in _SECOND_FACTOR_ROLES:
        _SECOND_FACTOR_ROLES.append(condition)


def mfa_required(user: User) -> bool:
    """Whether the person must log in with a second factor (an authenticator app or a security
    key): finance staff, monitoring consultants, auditors and administrators (``is_staff`` or
    ``is_superuser``), and the holders of every role another app registers (commission members).
    NCO members and people without a role log in with a password. One query.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    condition = Q()
    for role in _SECOND_FACTOR_ROLES:
        condition |= role
    return User.objects.filter(condition, pk=user.pk).exists()
