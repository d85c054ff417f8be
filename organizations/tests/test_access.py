"""Every URL of the portal, for every persona: what each may reach.

``LOGIN`` means the anonymous visitor is sent to log in. A URL added to the portal without a row
here fails ``test_every_url_is_covered``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from organizations.documents import REGISTRATION_CARD
from organizations.factories import (
    PDF_BYTES,
    OrganizationDocumentFactory,
    OrganizationFactory,
    OrganizationInvitationFactory,
    OrganizationMembershipFactory,
)
from organizations.models import Organization, OrganizationInvitation, OrganizationMembership
from organizations.views import member_remove_token, verify_token
from ssp_portal.audit.models import AuditEvent
from ssp_portal.documents.models import Document
from ssp_portal.tests.access import LOGIN, PERSONAS, Row, everyone, run_row, signed_in


@dataclass
class Organizations:
    """Organizations in each status, with their documents, members and invitations."""

    municipality: object
    organization: object  # verified; nco_member belongs to it
    pending: object  # pending; nco_member belongs to it
    suspended: object  # suspended by finance_staff; nobody of the personas belongs to it
    document: object
    card: object
    colleague: object  # a second member of ``organization``
    invitation: object  # of ``organization``, to an address without an account
    invitation_for_no_role: object  # of ``organization``, to the address of ``no_role``
    other_invitation: object  # of another organization
    other_membership: object  # of another organization


ORG_VISIBLE = {
    "anonymous": LOGIN,
    "no_role": 404,
    "nco_member": 200,
    "other_member": 404,
    "finance_staff": 200,
    "other_staff": 200,
    "consultant": 404,
    # A municipality's auditor reads its work, not the profiles of the country's organizations.
    "auditor": 404,
    "admin_user": 200,
}
MEMBERS_ONLY = {
    "anonymous": LOGIN,
    "no_role": 404,
    "nco_member": 302,
    "other_member": 404,
    "finance_staff": 403,
    "other_staff": 403,
    "consultant": 404,
    "auditor": 404,
    "admin_user": 403,
}
REVIEWERS_ONLY = {
    **everyone(403),
    "anonymous": LOGIN,
    "finance_staff": 302,
    "other_staff": 302,
}


def statuses(organizations: Organizations) -> list:
    return list(Organization.objects.order_by("pk").values_list("pk", "state"))


def postponements(organizations: Organizations) -> int:
    return AuditEvent.objects.filter(verb="account.second_factor_postponed").count()


def memberships_and_invitations(organizations: Organizations) -> tuple:
    return (
        list(OrganizationMembership.objects.order_by("pk").values_list("pk", "organization", "user")),
        list(
            OrganizationInvitation.objects.order_by("pk").values_list("pk", "state", "sent_at", "expires_at")
        ),
    )


ACCOUNT = {
    "full_name": "Aida Sydykova",
    "password1": "a long new passphrase",
    "password2": "a long new passphrase",
}


def upload(organizations: Organizations) -> dict:
    return {"kind": "charter", "file": SimpleUploadedFile("charter.pdf", PDF_BYTES)}


ROWS: dict[str, Row] = {
    "home": Row("get", lambda w: [], everyone(200)),
    "healthz": Row("get", lambda w: [], everyone(200)),
    "set_language": Row("post", lambda w: [], everyone(302), data=lambda w: {"language": "ky", "next": "/"}),
    "organizations:profile": Row("get", lambda w: [], signed_in(200)),
    # Development only: the roles that need a second factor may postpone it for a session.
    "organizations:second-factor-postpone": Row(
        "post",
        lambda w: [],
        {
            **signed_in(403),
            "finance_staff": 302,
            "other_staff": 302,
            "consultant": 302,
            "auditor": 302,
            "admin_user": 302,
        },
        snapshot=postponements,
    ),
    "organizations:organization-register": Row("get", lambda w: [], signed_in(200)),
    "organizations:organization-review-list": Row(
        "get", lambda w: [], {**REVIEWERS_ONLY, "finance_staff": 200, "other_staff": 200}
    ),
    "organizations:organization-detail": Row("get", lambda w: [w.organization.pk], ORG_VISIBLE),
    "organizations:organization-edit": Row(
        "get", lambda w: [w.organization.pk], {**MEMBERS_ONLY, "nco_member": 200}
    ),
    "organizations:organization-verify": Row(
        "get", lambda w: [w.pending.pk], {**REVIEWERS_ONLY, "finance_staff": 200, "other_staff": 200}
    ),
    "organizations:organization-verify[unconfirmed]": Row(
        "post",
        lambda w: [w.pending.pk],
        {**REVIEWERS_ONLY, "finance_staff": 200, "other_staff": 200},
        snapshot=statuses,
    ),
    "organizations:organization-verify[post]": Row(
        "post",
        lambda w: [w.pending.pk],
        REVIEWERS_ONLY,
        data=lambda w: {"confirm": verify_token(Organization.objects.get(pk=w.pending.pk))},
        snapshot=statuses,
    ),
    "organizations:organization-suspend": Row(
        "post", lambda w: [w.organization.pk], REVIEWERS_ONLY, data=lambda w: {"reason": "Charter expired"}
    ),
    # Someone other than the person who suspended it lifts a suspension: another staff member
    # (of any municipality) or the administrator.
    "organizations:organization-lift-suspension": Row(
        "get",
        lambda w: [w.suspended.pk],
        {**everyone(403), "anonymous": LOGIN, "other_staff": 200, "admin_user": 200},
    ),
    "organizations:organization-lift-suspension[post]": Row(
        "post",
        lambda w: [w.suspended.pk],
        {**everyone(403), "anonymous": LOGIN, "other_staff": 302, "admin_user": 302},
        data=lambda w: {"reason": "The renewed charter is checked."},
        snapshot=statuses,
    ),
    "organizations:organization-lift-suspension[unknown organization]": Row(
        "post",
        lambda w: [999999],
        {**everyone(403), "anonymous": LOGIN, "finance_staff": 404, "other_staff": 404, "admin_user": 404},
        data=lambda w: {"reason": "The renewed charter is checked."},
        snapshot=statuses,
    ),
    "organizations:invitation-create": Row(
        "post",
        lambda w: [w.organization.pk],
        MEMBERS_ONLY,
        data=lambda w: {"email": "new.colleague@example.org"},
        snapshot=memberships_and_invitations,
    ),
    "organizations:invitation-create[unknown organization]": Row(
        "post",
        lambda w: [999999],
        {**everyone(404), "anonymous": LOGIN},
        data=lambda w: {"email": "new.colleague@example.org"},
        snapshot=memberships_and_invitations,
    ),
    "organizations:invitation-cancel": Row(
        "post",
        lambda w: [w.organization.pk, w.invitation.pk],
        MEMBERS_ONLY,
        snapshot=memberships_and_invitations,
    ),
    "organizations:invitation-cancel[of another organization]": Row(
        "post",
        lambda w: [w.organization.pk, w.other_invitation.pk],
        {**MEMBERS_ONLY, "nco_member": 404},
        snapshot=memberships_and_invitations,
    ),
    "organizations:member-remove": Row(
        "get", lambda w: [w.organization.pk, w.colleague.pk], {**MEMBERS_ONLY, "nco_member": 200}
    ),
    "organizations:member-remove[unconfirmed]": Row(
        "post",
        lambda w: [w.organization.pk, w.colleague.pk],
        {**MEMBERS_ONLY, "nco_member": 200},
        snapshot=memberships_and_invitations,
    ),
    "organizations:member-remove[post]": Row(
        "post",
        lambda w: [w.organization.pk, w.colleague.pk],
        MEMBERS_ONLY,
        data=lambda w: {"confirm": member_remove_token(w.colleague)},
        snapshot=memberships_and_invitations,
    ),
    "organizations:member-remove[of another organization]": Row(
        "post",
        lambda w: [w.organization.pk, w.other_membership.pk],
        {**MEMBERS_ONLY, "nco_member": 404},
        data=lambda w: {"confirm": member_remove_token(w.other_membership)},
        snapshot=memberships_and_invitations,
    ),
    # The e-mailed link: anyone who has it sees what it is; only the invited address accepts.
    "organizations:invitation": Row("get", lambda w: [w.invitation.key], everyone(200)),
    "organizations:invitation[unknown key]": Row("get", lambda w: ["not-a-key"], everyone(404)),
    "organizations:invitation-accept": Row(
        "post",
        lambda w: [w.invitation.key],
        {**everyone(403), "anonymous": LOGIN},
        snapshot=memberships_and_invitations,
    ),
    "organizations:invitation-decline": Row(
        "post",
        lambda w: [w.invitation_for_no_role.key],
        {**everyone(403), "anonymous": LOGIN, "no_role": 302},
        snapshot=memberships_and_invitations,
    ),
    "organizations:invitation-decline[unknown key]": Row(
        "post", lambda w: ["not-a-key"], everyone(404), snapshot=memberships_and_invitations
    ),
    "organizations:invitation-accept[unknown key]": Row(
        "post", lambda w: ["not-a-key"], everyone(404), snapshot=memberships_and_invitations
    ),
    "organizations:invitation-account": Row(
        "post", lambda w: [w.invitation.key], everyone(302), data=lambda w: ACCOUNT
    ),
    "organizations:invitation-account[unknown key]": Row(
        "post",
        lambda w: ["not-a-key"],
        everyone(404),
        data=lambda w: ACCOUNT,
        snapshot=memberships_and_invitations,
    ),
    "organizations:document-upload": Row("post", lambda w: [w.organization.pk], MEMBERS_ONLY, data=upload),
    "organizations:document-download": Row("get", lambda w: [w.organization.pk, w.document.pk], ORG_VISIBLE),
    "organizations:document-delete": Row("post", lambda w: [w.organization.pk, w.document.pk], MEMBERS_ONLY),
    "organizations:municipality-detail": Row(
        "get",
        lambda w: [w.municipality.slug],
        {**everyone(404), "anonymous": LOGIN, "finance_staff": 200, "consultant": 200, "auditor": 200},
    ),
    "documents:request": Row(
        "post",
        lambda w: [REGISTRATION_CARD, w.organization.pk],
        {**ORG_VISIBLE, **{k: 302 for k, v in ORG_VISIBLE.items() if v == 200}},
    ),
    "documents:status": Row("get", lambda w: [w.card.pk], ORG_VISIBLE),
    "documents:download": Row("get", lambda w: [w.card.pk], ORG_VISIBLE),
}


@pytest.fixture
def organizations(
    municipality,
    organization,
    other_organization,
    nco_member,
    finance_staff,
    other_staff,
    consultant,
    other_member,
    no_role,
):
    pending = OrganizationFactory()
    suspended = OrganizationFactory(suspended=True, state_changed_by=finance_staff)
    OrganizationMembershipFactory(organization=pending, user=nco_member)
    card = Document(kind=REGISTRATION_CARD, subject=organization, language="en", state="ready")
    card.file.save("card.pdf", SimpleUploadedFile("card.pdf", PDF_BYTES), save=False)
    card.save()
    return Organizations(
        municipality=municipality,
        organization=organization,
        pending=pending,
        suspended=suspended,
        document=OrganizationDocumentFactory(organization=organization),
        card=card,
        colleague=OrganizationMembershipFactory(organization=organization),
        invitation=OrganizationInvitationFactory(organization=organization, invited_by=nco_member),
        invitation_for_no_role=OrganizationInvitationFactory(
            organization=organization, invited_by=nco_member, email=no_role.email
        ),
        other_invitation=OrganizationInvitationFactory(organization=other_organization),
        other_membership=other_organization.memberships.get(user=other_member),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, organizations, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, organizations, client_for, request, django_capture_on_commit_callbacks)
