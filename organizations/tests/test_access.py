"""Every URL of the portal, for every persona: what each may reach.

``LOGIN`` means the anonymous visitor is sent to log in. A URL added to the portal without a row
here fails ``test_every_url_is_covered``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations.documents import REGISTRATION_CARD
from organizations.factories import (
    PDF_BYTES,
    OrganizationDocumentFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)
from ssp_portal.documents.models import Document

LOGIN = "login"
PERSONAS = [
    "anonymous",
    "no_role",
    "nco_member",
    "other_member",
    "finance_staff",
    "other_staff",
    "consultant",
    "admin_user",
]


@dataclass
class World:
    municipality: object
    organization: object  # verified; nco_member belongs to it
    pending: object  # pending; nco_member belongs to it
    document: object
    card: object


@dataclass(frozen=True)
class Row:
    method: str
    args: Callable[[World], list]
    expected: dict[str, int | str]
    data: Callable[[World], dict] = field(default=lambda w: {})


def everyone(status: int) -> dict[str, int | str]:
    return dict.fromkeys(PERSONAS, status)


def signed_in(status: int) -> dict[str, int | str]:
    return {**everyone(status), "anonymous": LOGIN}


ORG_VISIBLE = {
    "anonymous": LOGIN,
    "no_role": 404,
    "nco_member": 200,
    "other_member": 404,
    "finance_staff": 200,
    "other_staff": 200,
    "consultant": 404,
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
    "admin_user": 403,
}
REVIEWERS_ONLY = {
    **everyone(403),
    "anonymous": LOGIN,
    "finance_staff": 302,
    "other_staff": 302,
}


def upload(world: World) -> dict:
    return {"kind": "charter", "file": SimpleUploadedFile("charter.pdf", PDF_BYTES)}


ROWS: dict[str, Row] = {
    "home": Row("get", lambda w: [], everyone(200)),
    "healthz": Row("get", lambda w: [], everyone(200)),
    "set_language": Row("post", lambda w: [], everyone(302), data=lambda w: {"language": "ky", "next": "/"}),
    "organizations:profile": Row("get", lambda w: [], signed_in(200)),
    "organizations:organization-register": Row("get", lambda w: [], signed_in(200)),
    "organizations:organization-review-list": Row(
        "get", lambda w: [], {**REVIEWERS_ONLY, "finance_staff": 200, "other_staff": 200}
    ),
    "organizations:organization-detail": Row("get", lambda w: [w.organization.pk], ORG_VISIBLE),
    "organizations:organization-edit": Row(
        "get", lambda w: [w.organization.pk], {**MEMBERS_ONLY, "nco_member": 200}
    ),
    "organizations:organization-verify": Row("post", lambda w: [w.pending.pk], REVIEWERS_ONLY),
    "organizations:organization-suspend": Row(
        "post", lambda w: [w.organization.pk], REVIEWERS_ONLY, data=lambda w: {"reason": "Charter expired"}
    ),
    "organizations:member-add": Row(
        "post", lambda w: [w.organization.pk], MEMBERS_ONLY, data=lambda w: {"email": UserFactory().email}
    ),
    "organizations:document-upload": Row("post", lambda w: [w.organization.pk], MEMBERS_ONLY, data=upload),
    "organizations:document-download": Row("get", lambda w: [w.organization.pk, w.document.pk], ORG_VISIBLE),
    "organizations:document-delete": Row("post", lambda w: [w.organization.pk, w.document.pk], MEMBERS_ONLY),
    "organizations:municipality-detail": Row(
        "get",
        lambda w: [w.municipality.slug],
        {**everyone(404), "anonymous": LOGIN, "finance_staff": 200, "consultant": 200},
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
def world(municipality, organization, nco_member, finance_staff, other_staff, consultant, other_member):
    pending = OrganizationFactory()
    OrganizationMembershipFactory(organization=pending, user=nco_member)
    card = Document(kind=REGISTRATION_CARD, subject=organization, language="en", state="ready")
    card.file.save("card.pdf", SimpleUploadedFile("card.pdf", PDF_BYTES), save=False)
    card.save()
    return World(
        municipality=municipality,
        organization=organization,
        pending=pending,
        document=OrganizationDocumentFactory(organization=organization),
        card=card,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ROWS))
def test_access(name, persona, world, client_for, request, django_capture_on_commit_callbacks):
    row = ROWS[name]
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    url = reverse(name, args=row.args(world))

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, row.method)(url, row.data(world))

    expected = row.expected[persona]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, f"{persona} {row.method.upper()} {url}"


def _names(resolver: URLResolver, namespace: str | None = None) -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            names |= _names(pattern, inner if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_is_covered():
    """The portal's own URLs all have a row (the admin's and allauth's are tested on their own)."""
    ours = {name for name in _names(get_resolver()) if not name.startswith(("admin:", "account_"))}
    assert ours == set(ROWS)
