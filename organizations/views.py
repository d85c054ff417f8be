from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import permissions, selectors, services
from organizations.filters import OrganizationFilter
from organizations.forms import (
    MemberAddForm,
    OrganizationDocumentForm,
    OrganizationForm,
    ProfileForm,
    SuspendForm,
)
from organizations.models import Municipality, Organization, OrganizationDocument
from ssp_portal.audit.selectors import audit_timeline
from ssp_portal.confirmation import confirmation_token, is_confirmed, is_stale
from ssp_portal.files import stored_file_response


def _visible_organization(request: HttpRequest, pk: int) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)


def _editable_organization(request: HttpRequest, pk: int) -> Organization:
    """Members only; others who may see it get 403, everyone else 404."""
    organization = _visible_organization(request, pk)
    if not permissions.can_edit_organization(request.user, organization):
        raise PermissionDenied
    return organization


def _reviewer(request: HttpRequest) -> None:
    if not permissions.can_verify_organizations(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def organization_register(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None, submit_label=_("Register the organization"))
    if request.method == "POST" and form.is_valid():
        organization = services.organization_register(user=request.user, data=form.cleaned_data)
        messages.success(
            request,
            _(
                "%(name)s is registered. Finance staff will check its details; "
                "meanwhile, add its charter and registration certificate."
            )
            % {"name": organization.name},
        )
        return redirect(organization)
    return render(request, "organizations/organization_form.html", {"form": form, "organization": None})


def _render_detail(
    request: HttpRequest, pk: int, *, document_form: OrganizationDocumentForm | None = None, status: int = 200
) -> HttpResponse:
    organization = selectors.organization_detail(user=request.user, pk=pk)
    if organization is None:
        raise Http404
    is_member = any(m.user_id == request.user.pk for m in organization.memberships.all())
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "is_member": is_member,
            "can_review": permissions.can_verify_organizations(request.user),
            "document_form": (document_form or OrganizationDocumentForm()) if is_member else None,
            "member_form": MemberAddForm() if is_member else None,
            "events": audit_timeline(target=organization),
        },
        status=status,
    )


@login_required
@require_GET
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _editable_organization(request, pk)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        fresh = Organization.objects.get(pk=organization.pk)
        updated = services.organization_update(organization=fresh, by=request.user, data=form.cleaned_data)
        if fresh.is_verified and not updated.is_verified:
            messages.warning(
                request, _("The legal details changed, so the organization will be verified again.")
            )
        else:
            messages.success(request, _("The profile is saved."))
        return redirect(updated)
    return render(
        request, "organizations/organization_form.html", {"form": form, "organization": organization}
    )


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _editable_organization(request, pk)
    form = OrganizationDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.organization_document_add(
            organization=organization,
            by=request.user,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
        )
        messages.success(request, _("The document is uploaded."))
        return redirect(organization)
    return _render_detail(request, pk, document_form=form, status=400)


def _visible_document(request: HttpRequest, pk: int, document_pk: int) -> OrganizationDocument:
    organization = _visible_organization(request, pk)
    return get_object_or_404(OrganizationDocument, organization=organization, pk=document_pk)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    document = _visible_document(request, pk, document_pk)
    return stored_file_response(document)


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    organization = _editable_organization(request, pk)
    document = get_object_or_404(OrganizationDocument, organization=organization, pk=document_pk)
    services.organization_document_remove(document=document, by=request.user)
    messages.success(request, _("The document is removed."))
    return redirect(organization)


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _editable_organization(request, pk)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        services.organization_member_add(
            organization=organization, by=request.user, user=form.cleaned_data["email"]
        )
        messages.success(request, _("The colleague is now a member of the organization."))
    else:
        messages.error(request, " ".join(form.errors.get("email", [])))
    return redirect(organization)


@login_required
@require_GET
def organization_review_list(request: HttpRequest) -> HttpResponse:
    _reviewer(request)
    queryset = selectors.organization_list_for_review(user=request.user)
    filterset = OrganizationFilter(request.GET or None, queryset=queryset)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/organization_review_list.html",
        {"filter": filterset, "page": page, "counts": selectors.organization_status_counts()},
    )


VERIFIED_DETAILS = (*services.IDENTITY_FIELDS, "head_name")


def verify_token(organization: Organization) -> str:
    """What the verification confirms: the legal details and the documents they were compared with."""
    return confirmation_token(
        organization.pk,
        organization.verification_status,
        *(getattr(organization, name) for name in VERIFIED_DETAILS),
        sorted(document.pk for document in organization.documents.all()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """GET, or a POST without a current confirmation: the details to compare; a confirmed POST verifies."""
    _reviewer(request)
    organization = selectors.organization_detail(user=request.user, pk=pk)
    if organization is None:
        raise Http404
    if organization.is_verified:
        messages.info(request, _("%(name)s is verified.") % {"name": organization.name})
        return redirect(organization)
    token = verify_token(organization)
    if is_confirmed(request, token):
        try:
            services.organization_verify(organization=organization, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s is verified.") % {"name": organization.name})
        return redirect(organization)
    kinds = {document.kind for document in organization.documents.all()}
    return render(
        request,
        "organizations/confirm_verify.html",
        {
            "organization": organization,
            "token": token,
            "stale": is_stale(request, token),
            "missing": [
                label
                for kind, label in OrganizationDocument.Kind.choices
                if kind != OrganizationDocument.Kind.OTHER and kind not in kinds
            ],
            "back_url": organization.get_absolute_url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    _reviewer(request)
    organization = _visible_organization(request, pk)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_suspend(
                organization=organization, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s is suspended.") % {"name": organization.name})
        return redirect(organization)
    return render(
        request, "organizations/organization_suspend.html", {"organization": organization, "form": form}
    )


@login_required
@require_GET
def municipality_detail(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=slug, is_active=True)
    if not permissions.can_view_municipality_workspace(request.user, municipality):
        raise Http404
    return render(
        request,
        "organizations/municipality_detail.html",
        {
            "municipality": selectors.municipality_workspace(municipality=municipality),
            "events": audit_timeline(target=municipality),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        response = redirect("organizations:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language, samesite="Lax")
        return response
    return render(request, "organizations/profile.html", {"form": form})
