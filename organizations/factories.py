from __future__ import annotations

import datetime

import factory
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone

from organizations.models import (
    Municipality,
    MunicipalityMembership,
    Organization,
    OrganizationDocument,
    OrganizationInvitation,
    OrganizationMembership,
    Region,
    User,
)
from ssp_portal.tests.samples import pdf_bytes

PASSWORD = "correct-horse-battery-staple"

# A one-page PDF of a line of text: it passes the content check (ssp_portal/file_checks.py).
PDF_BYTES = pdf_bytes(["Charter of the organization"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    language = "en"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs) -> None:
        """A confirmed e-mail address, as after sign-up (pass verified_email=False to skip)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    class Params:
        admin = factory.Trait(is_staff=True, is_superuser=True)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Municipality {n}")
    slug = factory.Sequence(lambda n: f"municipality-{n}")
    code = factory.Sequence(lambda n: "M" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    region = Region.ISSYK_KUL
    authority = factory.LazyAttribute(lambda o: f"{o.name} Mayor's Office")


class MunicipalityMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MunicipalityMembership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = MunicipalityMembership.Role.STAFF

    class Params:
        consultant = factory.Trait(role=MunicipalityMembership.Role.CONSULTANT)


def _inn(n: int) -> str:
    """A well-formed organization INN: 0, a registration date (DDMMYYYY), five digits."""
    return f"0{1 + n % 28:02d}{1 + n % 12:02d}2015{n % 100000:05d}"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f'Public Foundation "Organization {n}"')
    legal_form = Organization.LegalForm.PUBLIC_FOUNDATION
    registration_number = factory.Sequence(lambda n: f"{n + 1:06d}-3301-ОФ")
    inn = factory.Sequence(_inn)
    registration_date = datetime.date(2015, 1, 1)
    region = Region.ISSYK_KUL
    address = "Karakol, Toktogul st. 1"
    phone = "+996555000000"
    email = factory.Sequence(lambda n: f"office{n}@ngo.example")
    head_name = factory.Faker("name")
    mission = "Help for families in need."
    state = Organization.State.PENDING

    class Params:
        verified = factory.Trait(state=Organization.State.VERIFIED)
        suspended = factory.Trait(
            state=Organization.State.SUSPENDED,
            state_reason="Documents expired.",
            suspended_from=Organization.State.VERIFIED,
        )


class OrganizationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationMembership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


class OrganizationDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationDocument

    organization = factory.SubFactory(OrganizationFactory)
    kind = OrganizationDocument.Kind.CHARTER
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="charter.pdf"))
    original_name = "charter.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        instance = model_class(*args, **kwargs)
        instance.file_extension = "pdf"
        instance.file.save("upload", kwargs["file"], save=False)
        instance.save()
        return instance


class OrganizationInvitationFactory(factory.django.DjangoModelFactory):
    """An invitation waiting for an answer, to an address that has no account."""

    class Meta:
        model = OrganizationInvitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    invited_by = None
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
