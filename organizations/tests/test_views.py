from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.factories import (
    PDF_BYTES,
    OrganizationDocumentFactory,
    OrganizationFactory,
    OrganizationInvitationFactory,
    OrganizationMembershipFactory,
)
from organizations.models import Organization, OrganizationDocument
from ssp_portal.audit.models import AuditEvent
from ssp_portal.tests import samples

pytestmark = pytest.mark.django_db

VALID = {
    "name": 'Public Foundation "Baldarga Tirek"',
    "legal_form": "public_foundation",
    "registration_number": "12345-3301-ОФ",
    "inn": "01405201210123",
    "registration_date": "2012-05-14",
    "region": "issyk_kul",
    "address": "Karakol",
    "head_name": "Cholpon Abdyldaeva",
    "phone": "+996 3922 5 00 01",
    "email": "info@baldarga.example",
    "website": "",
    "mission": "Children of labor migrants.",
}


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


def test_registering_an_organization(no_role, client_for):
    client = client_for(no_role)
    response = client.post(reverse("organizations:organization-register"), VALID)
    organization = Organization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == organization.get_absolute_url()
    assert organization.state == Organization.State.PENDING
    page = client.get(response["Location"])
    assert "Pending verification" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inn", "0140520121012", "An INN has exactly 14 digits."),
        ("inn", "12503199000017", "one starting with 1 or 2 belongs to a person"),
        ("inn", "03102201510456", "is not a valid date"),
        ("registration_date", "2999-01-01", "Enter a date from"),
        ("registration_date", "1905-01-01", "Enter a date from"),
        ("registration_date", "14.05.2012x", "Enter a valid date."),
        ("registration_date", "2026-02-30", "Enter a valid date."),
        ("phone", "hello", "Enter a Kyrgyz phone number: +996 and nine digits, for example +996 555 123 456"),
        ("phone", "+7 912 345 67 89", "Enter a Kyrgyz phone number"),
        ("phone", "+996 555 123", "Enter a Kyrgyz phone number"),
        ("registration_number", "abc", "for example 123456-3301-ОФ"),
        ("registration_number", "12345-3301-PF", "for example 123456-3301-ОФ"),
        ("registration_number", "12345", "for example 123456-3301-ОФ"),
        ("email", "not-an-email", "Enter a valid email address."),
        ("legal_form", "company", "Select a valid choice."),
        ("name", "", "This field is required."),
        ("mission", "", "This field is required."),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_nothing_is_saved(
    no_role, client_for, field, value, message
):
    response = client_for(no_role).post(
        reverse("organizations:organization-register"), {**VALID, field: value}
    )
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), field_errors(response, field)
    assert f'id="error_1_id_{field}"' in response.content.decode()  # shown beside the field
    assert not Organization.objects.exists()


def test_phone_and_registration_number_are_stored_in_one_form_however_they_are_typed(no_role, client_for):
    data = {**VALID, "phone": "0 (3922) 5-00-01", "registration_number": " № 12345 – 3301 – оф "}
    response = client_for(no_role).post(reverse("organizations:organization-register"), data)
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.phone == "+996392250001"
    assert organization.registration_number == "12345-3301-ОФ"


def test_a_registration_number_typed_with_latin_look_alikes_is_the_same_number(no_role, client_for):
    OrganizationFactory(registration_number="12345-3301-ОО")
    data = {**VALID, "registration_number": "12345-3301-OO"}  # Latin O
    response = client_for(no_role).post(reverse("organizations:organization-register"), data)
    assert response.status_code == 200
    assert "already exists" in field_errors(response, "registration_number")[0]
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("phone", "registration_number"),
    [
        ("+996 3922 5 00 01", "12345-3301-оф"),  # typed before the check: valid, another form
        ("hello", "REG-000001"),  # typed before the check: not valid
    ],
)
def test_values_stored_before_the_check_stay_as_they_are_on_an_unchanged_save(
    organization, nco_member, client_for, phone, registration_number
):
    Organization.objects.filter(pk=organization.pk).update(
        phone=phone, registration_number=registration_number
    )
    client = client_for(nco_member)
    url = reverse("organizations:organization-edit", args=[organization.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["registration_date"] = organization.registration_date.isoformat()
    response = client.post(url, {**data, "mission": "Changed mission."})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.phone, organization.registration_number) == (phone, registration_number)
    assert organization.state == Organization.State.VERIFIED
    assert organization.mission == "Changed mission."


def test_a_stored_number_typed_again_differently_is_still_the_same_number(
    organization, nco_member, client_for
):
    Organization.objects.filter(pk=organization.pk).update(registration_number="12345-3301-ОФ")
    url = reverse("organizations:organization-edit", args=[organization.pk])
    data = {**VALID, "inn": organization.inn, "registration_number": "12345 - 3301 - oф"}
    data["registration_date"] = organization.registration_date.isoformat()
    data["name"] = organization.name
    assert client_for(nco_member).post(url, data).status_code == 302
    organization.refresh_from_db()
    assert organization.registration_number == "12345-3301-ОФ"
    assert organization.state == Organization.State.VERIFIED


def test_a_second_organization_with_the_same_inn_is_refused(no_role, client_for):
    OrganizationFactory(inn=VALID["inn"])
    response = client_for(no_role).post(reverse("organizations:organization-register"), VALID)
    assert "Organization with this INN already exists." in field_errors(response, "inn")
    assert Organization.objects.count() == 1


def test_script_in_a_field_is_shown_as_text(no_role, client_for):
    client = client_for(no_role)
    client.post(
        reverse("organizations:organization-register"), {**VALID, "mission": "<script>alert(1)</script>"}
    )
    page = client.get(Organization.objects.get().get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_editing_identity_returns_to_pending_with_a_warning(organization, nco_member, client_for):
    client = client_for(nco_member)
    data = {**VALID, "inn": "02109201510456", "registration_number": organization.registration_number}
    response = client.post(
        reverse("organizations:organization-edit", args=[organization.pk]), data, follow=True
    )
    organization.refresh_from_db()
    assert organization.state == Organization.State.PENDING
    assert "will be verified again" in response.content.decode()


def test_uploading_a_document(organization, nco_member, client_for):
    client = client_for(nco_member)
    response = client.post(
        reverse("organizations:document-upload", args=[organization.pk]),
        {"kind": "registration_certificate", "file": SimpleUploadedFile("Свидетельство.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    document = OrganizationDocument.objects.get()
    assert document.original_name == "Свидетельство.pdf"
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    # Named by the portal, in the page's language; not by the name the file was uploaded with.
    assert "Свидетельство" not in download["Content-Disposition"]
    assert download["Content-Disposition"] == (
        f'attachment; filename="{organization.registration_number.replace("ОФ", "OF")}'
        f'-Certificate-of-state-registration-{document.pk}.pdf"; '
        f"filename*=UTF-8''{quote(organization.registration_number)}"
        f"%20Certificate%20of%20state%20registration%20{document.pk}.pdf"
    )


def test_a_zip_bomb_is_refused_beside_the_field_and_nothing_is_stored(organization, nco_member, client_for):
    response = client_for(nco_member).post(
        reverse("organizations:document-upload", args=[organization.pk]),
        {"kind": "charter", "file": SimpleUploadedFile("charter.docx", samples.docx_zip_bomb())},
    )
    assert response.status_code == 400
    [message] = response.context["document_form"].errors["file"]
    assert "zip bomb" in message
    assert not OrganizationDocument.objects.exists()


def test_uploading_a_disguised_file_is_refused_with_a_message(organization, nco_member, client_for):
    response = client_for(nco_member).post(
        reverse("organizations:document-upload", args=[organization.pk]),
        {"kind": "charter", "file": SimpleUploadedFile("charter.pdf", b"MZ\x90\x00 program")},
    )
    assert response.status_code == 400
    errors = response.context["document_form"].errors["file"]
    assert "not one of the allowed types" in errors[0]
    assert "not one of the allowed types" in response.content.decode()
    assert not OrganizationDocument.objects.exists()


def test_uploading_a_file_over_the_limit_is_refused(organization, nco_member, client_for, settings):
    settings.SSP_UPLOAD_MAX_BYTES = 100
    response = client_for(nco_member).post(
        reverse("organizations:document-upload", args=[organization.pk]),
        {"kind": "charter", "file": SimpleUploadedFile("charter.pdf", PDF_BYTES + b"0" * 200)},
    )
    assert response.status_code == 400
    assert "the limit is 100" in response.context["document_form"].errors["file"][0]
    assert not OrganizationDocument.objects.exists()


def test_document_names_are_escaped(organization, nco_member, client_for):
    OrganizationDocumentFactory(organization=organization, original_name='<img src=x onerror="alert(1)">.pdf')
    page = client_for(nco_member).get(organization.get_absolute_url()).content.decode()
    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.pdf" in page


def test_a_guessed_document_id_of_another_organization_is_404(organization, nco_member, client_for):
    foreign = OrganizationDocumentFactory()
    client = client_for(nco_member)
    # The member's own organization in the path, another organization's document id.
    assert (
        client.get(reverse("organizations:document-download", args=[organization.pk, foreign.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("organizations:document-delete", args=[organization.pk, foreign.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("organizations:document-download", args=[foreign.organization_id, foreign.pk])
        ).status_code
        == 404
    )
    assert OrganizationDocument.objects.filter(pk=foreign.pk).exists()


def test_staff_verify_after_confirming_and_members_are_told(
    finance_staff, client_for, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(registration_number="123456-3301-OF")
    member = OrganizationMembershipFactory(organization=organization).user
    client = client_for(finance_staff)
    url = reverse("organizations:organization-verify", args=[organization.pk])

    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "123456-3301-OF" in text and organization.inn in text
    assert "Its 1 member receives an e-mail." in text
    assert "Not uploaded: Charter, Certificate of state registration." in text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": page.context["token"]})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.is_verified
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_verification_waits_for_a_confirmation_of_the_details_as_they_are(
    finance_staff, client_for, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory()
    client = client_for(finance_staff)
    url = reverse("organizations:organization-verify", args=[organization.pk])
    token = client.get(url).context["token"]

    with django_capture_on_commit_callbacks(execute=True):
        unconfirmed = client.post(url)  # the page's old form, without the confirmation
        # The organization corrects its registration number while the page is open.
        Organization.objects.filter(pk=organization.pk).update(registration_number="999999-1111-OF")
        stale = client.post(url, {"confirm": token})
    assert unconfirmed.status_code == 200
    assert stale.status_code == 200
    assert "The details changed" in stale.content.decode()
    assert "999999-1111-OF" in stale.content.decode()
    organization.refresh_from_db()
    assert organization.state == Organization.State.PENDING
    assert not AuditEvent.objects.for_target(organization).filter(verb="organization.verified").exists()
    assert mail.outbox == []


def test_suspending_without_a_reason_shows_the_error_beside_the_field(
    finance_staff, organization, client_for
):
    response = client_for(finance_staff).post(
        reverse("organizations:organization-suspend", args=[organization.pk]), {"reason": "   "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    organization.refresh_from_db()
    assert organization.is_verified


def test_review_list_filters_and_counts(finance_staff, client_for):
    OrganizationFactory(name="Pending One")
    OrganizationFactory(name="Verified One", verified=True)
    OrganizationFactory(name="Suspended One", suspended=True)
    client = client_for(finance_staff)

    response = client.get(reverse("organizations:organization-review-list"), {"state": "pending"})
    names = [o.name for o in response.context["page"].object_list]
    assert names == ["Pending One"]
    assert response.context["counts"] == {"pending": 1, "verified": 1, "suspended": 1}

    response = client.get(reverse("organizations:organization-review-list"), {"q": "Verified"})
    assert [o.name for o in response.context["page"].object_list] == ["Verified One"]

    response = client.get(reverse("organizations:organization-review-list"), {"state": "bogus"})
    assert response.status_code == 200  # an invalid filter shows the form's message, not a 500


def test_a_link_saved_with_the_filter_s_earlier_name_still_filters(finance_staff, client_for):
    OrganizationFactory(name="Pending One")
    OrganizationFactory(name="Verified One", verified=True)
    url = reverse("organizations:organization-review-list")

    response = client_for(finance_staff).get(url, {"verification_status": "verified"})

    assert [o.name for o in response.context["page"].object_list] == ["Verified One"]
    assert response.context["filter"].form["state"].value() == "verified"


def test_review_list_makes_the_same_number_of_queries_for_5_or_40_organizations(
    finance_staff, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(finance_staff)
    url = reverse("organizations:organization-review-list")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _ in range(5):
        OrganizationDocumentFactory(organization=OrganizationMembershipFactory().organization)
    few = count()
    for _ in range(35):
        OrganizationDocumentFactory(organization=OrganizationMembershipFactory().organization)
    many = count()
    assert few == many
    with django_assert_max_num_queries(10):
        client.get(url)


def test_detail_page_queries_do_not_grow_with_members_and_documents(organization, nco_member, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(nco_member)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(organization.get_absolute_url()).status_code == 200
        return len(queries)

    few = count()
    for _ in range(10):
        OrganizationMembershipFactory(organization=organization)
        OrganizationDocumentFactory(organization=organization)
        OrganizationInvitationFactory(
            organization=organization, invited_by=OrganizationMembershipFactory().user
        )
    assert count() == few


def test_profile_saves_name_and_language(nco_member, client_for):
    client = client_for(nco_member)
    response = client.post(
        reverse("organizations:profile"), {"full_name": "Cholpon Abdyldaeva", "phone": "", "language": "ky"}
    )
    assert response.status_code == 302
    nco_member.refresh_from_db()
    assert (nco_member.full_name, nco_member.language) == ("Cholpon Abdyldaeva", "ky")
    assert client.get(reverse("home")).content.decode().startswith('<!DOCTYPE html>\n\n<html lang="ky">')


def test_a_profile_phone_is_checked_and_stored_in_one_form(nco_member, client_for):
    client = client_for(nco_member)
    data = {"full_name": "Cholpon Abdyldaeva", "language": "en"}
    response = client.post(reverse("organizations:profile"), {**data, "phone": "hello"})
    assert response.status_code == 200
    assert "for example +996 555 123 456" in response.content.decode()
    nco_member.refresh_from_db()
    assert nco_member.phone == ""
    assert (
        client.post(reverse("organizations:profile"), {**data, "phone": "0700 12 34 56"}).status_code == 302
    )
    nco_member.refresh_from_db()
    assert nco_member.phone == "+996700123456"


def test_municipality_workspace_shows_its_people(municipality, finance_staff, consultant, client_for):
    page = client_for(consultant).get(municipality.get_absolute_url()).content.decode()
    assert finance_staff.get_full_name() in page
    assert "Monitoring consultant" in page
