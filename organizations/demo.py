"""The Karakol demo: municipalities, people and the two NCOs of the seed announcement.

Names of people, registration numbers and INNs are invented for the demo; the municipality,
the organizations and their projects come from the Karakol announcement.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from organizations.models import (
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationDocument,
    OrganizationInvitation,
    Region,
    User,
)
from organizations.services import memberships as membership_services
from organizations.services import organizations as organization_services
from ssp_portal.files import PDF, CheckedUpload

DEMO_PASSWORD = "ssp-demo-2026"
# Invited by Ulukman Daryger's member; no account, so the invitation's link offers to choose a password.
DEMO_INVITED = "lawyer@ulukman.example"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    description: str


LOGINS = [
    DemoLogin("finance@karakol.example", "G. Tolumbekova", "Karakol Finance Department (finance staff)"),
    DemoLogin("chair@karakol.example", "Nurlan Asanov", "Karakol commission, chair"),
    DemoLogin("member1@karakol.example", "Aigul Mamytova", "Karakol commission, member"),
    DemoLogin("member2@karakol.example", "Bakyt Toktosunov", "Karakol commission, member"),
    DemoLogin("baldarga@ngo.example", "Cholpon Abdyldaeva", 'member of Public Foundation "Baldarga Tirek"'),
    DemoLogin("ulukman@ngo.example", "Meerim Osmonova", 'member of Public Union "Ulukman Daryger"'),
    DemoLogin(
        "consultant@dpi.example", "Azamat Jumabaev", "monitoring consultant, Development Policy Institute"
    ),
    DemoLogin("finance@second.example", "Erkin Bekov", "finance staff of the second municipality (Naryn)"),
    DemoLogin("auditor@karakol.example", "Kanykei Sadykova", "auditor of Karakol, Audit Chamber (read only)"),
    DemoLogin("admin@ssp.example", "Portal administrator", "administrator"),
]


@dataclass(frozen=True)
class DemoWorld:
    karakol: Municipality
    naryn: Municipality
    users: dict[str, User]
    baldarga: Organization
    ulukman: Organization
    kelechek: Organization
    ayimdary: Organization


def _user(login: DemoLogin, language: str) -> User:
    user = User.objects.filter(email=login.email).first()
    if user is None:
        user = User.objects.create_user(
            login.email, DEMO_PASSWORD, full_name=login.full_name, language=language
        )
    else:
        user.full_name = login.full_name
        user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.save(update_fields=["full_name", "password", "is_active"])
    if login.email == "admin@ssp.example" and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    EmailAddress.objects.update_or_create(
        user=user, email=login.email, defaults={"verified": True, "primary": True}
    )
    return user


def _municipality(**fields: object) -> Municipality:
    municipality, _ = Municipality.objects.update_or_create(code=fields.pop("code"), defaults=fields)
    return municipality


def _member_without_login(email: str, full_name: str, language: str) -> User:
    """A member of one of the other NCOs: an account with no password (not a demo login)."""
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, None, full_name=full_name, language=language
    )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _pdf_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def demo_pdf(lines: list[str], *, name: str) -> CheckedUpload:
    """A one-page PDF with a few lines of Latin text in a standard font, as a checked PDF upload."""
    text = "BT /F1 14 Tf 50 780 Td " + " ".join(f"({_pdf_text(line)}) Tj 0 -22 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
    ]
    body, offsets = "%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{content}\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return CheckedUpload(ContentFile(body.encode("latin-1", "replace"), name=name), PDF)


# The founding documents every demo organization keeps on the portal, reused in its applications.
FOUNDING_DOCUMENTS = [
    (OrganizationDocument.Kind.CHARTER, "Charter", "charter"),
    (OrganizationDocument.Kind.REGISTRATION_CERTIFICATE, "Certificate of state registration", "registration"),
]


def _founding_documents(organization: Organization, member: User) -> None:
    kept = set(organization.documents.values_list("kind", flat=True))
    for kind, title, stem in FOUNDING_DOCUMENTS:
        if kind in kept:
            continue
        file = demo_pdf(
            [title, organization.name, f"Registration number {organization.registration_number}"],
            name=f"{stem}-{slugify(organization.name)}.pdf",
        )
        organization_services.organization_document_add(
            organization=organization, by=member, kind=kind, file=file
        )


def _organization(*, member: User, verifier: User, data: dict) -> Organization:
    organization = Organization.objects.filter(inn=data["inn"]).first()
    if organization is None:
        organization = organization_services.organization_register(user=member, data=data)
    if organization.state != Organization.State.VERIFIED:
        organization = organization_services.organization_verify(organization=organization, by=verifier)
    _founding_documents(organization, member)
    return organization


@transaction.atomic
def seed(*, language: str = "ru") -> DemoWorld:
    """The demo's municipalities, organizations and people; new accounts read ``language``."""
    users = {login.email: _user(login, language) for login in LOGINS}
    admin = users["admin@ssp.example"]

    karakol = _municipality(
        code="KRK",
        name="Karakol",
        slug="karakol",
        kind=Municipality.Kind.CITY,
        region=Region.ISSYK_KUL,
        authority="Karakol Mayor's Office",
        address="Karakol, Issyk-Kul region",
        min_submission_days=30,
    )
    naryn = _municipality(
        code="NRN",
        name="Naryn",
        slug="naryn",
        kind=Municipality.Kind.CITY,
        region=Region.NARYN,
        authority="Naryn Mayor's Office",
        address="Naryn, Naryn region",
        min_submission_days=30,
    )
    for email, municipality, role, position in [
        (
            "finance@karakol.example",
            karakol,
            MunicipalityMembership.Role.STAFF,
            "Head of the Finance Department",
        ),
        (
            "consultant@dpi.example",
            karakol,
            MunicipalityMembership.Role.CONSULTANT,
            "Development Policy Institute",
        ),
        ("finance@second.example", naryn, MunicipalityMembership.Role.STAFF, "Finance Department"),
        ("auditor@karakol.example", karakol, MunicipalityMembership.Role.AUDITOR, "Audit Chamber"),
    ]:
        membership_services.municipality_membership_add(
            municipality=municipality, user=users[email], role=role, position=position, by=admin
        )

    finance = users["finance@karakol.example"]
    baldarga = _organization(
        member=users["baldarga@ngo.example"],
        verifier=finance,
        data={
            "name": 'Public Foundation "Baldarga Tirek"',
            "legal_form": Organization.LegalForm.PUBLIC_FOUNDATION,
            "registration_number": "12345-3303-ОФ",
            "inn": "01405201210123",
            "registration_date": datetime.date(2012, 5, 14),
            "region": Region.ISSYK_KUL,
            "address": "Karakol, Issyk-Kul region",
            "head_name": "Cholpon Abdyldaeva",
            "phone": "+996392250001",
            "email": "info@baldarga.example",
            "website": "",
            "mission": (
                "Support for the children of labor migrants who stay in Karakol with relatives: "
                "after-school care, psychological help and contact with their parents abroad."
            ),
        },
    )
    ulukman = _organization(
        member=users["ulukman@ngo.example"],
        verifier=finance,
        data={
            "name": 'Public Union "Ulukman Daryger"',
            "legal_form": Organization.LegalForm.PUBLIC_UNION,
            "registration_number": "23456-3303-ОО",
            "inn": "02109201510456",
            "registration_date": datetime.date(2015, 9, 21),
            "region": Region.ISSYK_KUL,
            "address": "Karakol, Issyk-Kul region",
            "head_name": "Meerim Osmonova",
            "phone": "+996392250002",
            "email": "info@ulukman.example",
            "website": "",
            "mission": (
                "Assistance and support to women who are victims of domestic violence: a hotline, "
                "legal and psychological counselling and temporary shelter."
            ),
        },
    )
    # A colleague invited and not yet answering: the invitation waits on the organization's page.
    if not OrganizationInvitation.objects.open().filter(organization=ulukman, email=DEMO_INVITED).exists():
        membership_services.organization_invite(
            organization=ulukman, by=users["ulukman@ngo.example"], email=DEMO_INVITED
        )
    # Two more NCOs of Karakol that apply, so that each competition has more than one proposal.
    kelechek = _organization(
        member=_member_without_login("kelechek@ngo.example", "Aibek Usenov", language),
        verifier=finance,
        data={
            "name": 'Public Foundation "Kelechek Nuru"',
            "legal_form": Organization.LegalForm.PUBLIC_FOUNDATION,
            "registration_number": "34567-3303-ОФ",
            "inn": "01103201810789",
            "registration_date": datetime.date(2018, 3, 11),
            "region": Region.ISSYK_KUL,
            "address": "Karakol, Issyk-Kul region",
            "head_name": "Aibek Usenov",
            "phone": "+996392250003",
            "email": "info@kelechek.example",
            "website": "",
            "mission": "Education and leisure for children and teenagers of Karakol.",
        },
    )
    ayimdary = _organization(
        member=_member_without_login("ayimdary@ngo.example", "Nazira Kadyrova", language),
        verifier=finance,
        data={
            "name": 'Public Association "Aiyl Ayimdary"',
            "legal_form": Organization.LegalForm.ASSOCIATION,
            "registration_number": "45678-3303-ОЮЛ",
            "inn": "02506201611234",
            "registration_date": datetime.date(2016, 6, 25),
            "region": Region.ISSYK_KUL,
            "address": "Karakol, Issyk-Kul region",
            "head_name": "Nazira Kadyrova",
            "phone": "+996392250004",
            "email": "info@ayimdary.example",
            "website": "",
            "mission": "Women's leadership and economic independence in the villages around Karakol.",
        },
    )
    return DemoWorld(
        karakol=karakol,
        naryn=naryn,
        users=users,
        baldarga=baldarga,
        ulukman=ulukman,
        kelechek=kelechek,
        ayimdary=ayimdary,
    )
