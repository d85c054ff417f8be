from __future__ import annotations

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations import mfa, permissions, selectors
from organizations.filters import OrganizationFilter
from organizations.forms import (
    InvitationAccountForm,
    LiftSuspensionForm,
    MemberInviteForm,
    OrganizationDocumentForm,
    OrganizationForm,
    ProfileForm,
    SuspendForm,
)
from organizations.models import (
    Municipality,
    Organization,
    OrganizationDocument,
    OrganizationInvitation,
    OrganizationMembership,
)
from organizations.services import accounts as account_services
from organizations.services import memberships as membership_services
from organizations.services import organizations as organization_services
from ssp_portal import web
from ssp_portal.audit.selectors import audit_timeline
from ssp_portal.confirmation import confirmation_token, is_confirmed, is_stale


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
        organization = organization_services.organization_register(user=request.user, data=form.cleaned_data)
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
    request: HttpRequest,
    pk: int,
    *,
    document_form: OrganizationDocumentForm | None = None,
    invite_form: MemberInviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organization = selectors.organization_detail(user=request.user, pk=pk)
    if organization is None:
        raise Http404
    memberships = list(organization.memberships.all())
    is_member = any(m.user_id == request.user.pk for m in memberships)
    user = request.user
    may_lift = organization.is_suspended and permissions.may_lift_suspensions(user)
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "memberships": memberships,
            "is_member": is_member,
            "can_review": permissions.can_verify_organizations(request.user),
            "can_change_status": permissions.can_change_organization_status(request.user, organization),
            "status_refusal": permissions.own_organization_refusal(request.user, organization)
            if permissions.can_verify_organizations(request.user)
            else "",
            "can_lift": may_lift and permissions.can_lift_suspension(user, organization),
            "lift_refusal": permissions.suspension_lift_refusal(user, organization) if may_lift else "",
            "suspension_contact": selectors.suspension_contact(organization=organization),
            "document_form": (document_form or OrganizationDocumentForm()) if is_member else None,
            "invite_form": (invite_form or MemberInviteForm()) if is_member else None,
            "invitations": list(organization.invitations.all()) if is_member else [],
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
        updated = organization_services.organization_update(
            organization=fresh, by=request.user, data=form.cleaned_data
        )
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
        organization_services.organization_document_add(
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
    return document.file_response()


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    organization = _editable_organization(request, pk)
    document = get_object_or_404(OrganizationDocument, organization=organization, pk=document_pk)
    organization_services.organization_document_remove(document=document, by=request.user)
    messages.success(request, _("The document is removed."))
    return redirect(organization)


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


@login_required
@require_POST
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A member invites a colleague by e-mail address (or sends a waiting invitation again)."""
    organization = _editable_organization(request, pk)
    form = MemberInviteForm(request.POST)
    if form.is_valid():
        try:
            invited = membership_services.organization_invite(
                organization=organization, by=request.user, email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            values = {"email": invited.invitation.email, "date": _date(invited.invitation.expires_at)}
            if invited.resent:
                message = _(
                    "%(email)s had already been invited. The invitation is sent again; its link works "
                    "until %(date)s."
                )
            else:
                message = _(
                    "An invitation is sent to %(email)s. They become a member once they accept it; "
                    "the link works until %(date)s."
                )
            messages.success(request, message % values)
            return redirect(organization)
    return _render_detail(request, pk, invite_form=form, status=400)


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organization = _editable_organization(request, pk)
    invitation = get_object_or_404(OrganizationInvitation, organization=organization, pk=invitation_pk)
    try:
        membership_services.organization_invitation_cancel(invitation=invitation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is cancelled: its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect(organization)


def member_remove_token(membership: OrganizationMembership) -> str:
    return confirmation_token(membership.pk, membership.organization_id, membership.user_id)


def _member_removed(
    request: HttpRequest, organization: Organization, membership: OrganizationMembership, leaving: bool
) -> HttpResponse:
    """Remove the member (or leave) as confirmed, and say what happened."""
    try:
        membership_services.organization_member_remove(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(organization)
    if leaving:
        messages.success(request, _("You have left %(name)s.") % {"name": organization.name})
        return redirect("home")
    messages.success(
        request,
        _("%(person)s is no longer a member of %(name)s.")
        % {"person": membership.user.get_full_name(), "name": organization.name},
    )
    return redirect(organization)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """GET, or a POST without a current confirmation: what removing (or leaving) means; a
    confirmed POST removes the member."""
    organization = _editable_organization(request, pk)
    membership = get_object_or_404(
        OrganizationMembership.objects.select_related("user"), organization=organization, pk=membership_pk
    )
    leaving = membership.user_id == request.user.pk
    token = member_remove_token(membership)
    if is_confirmed(request, token):
        return _member_removed(request, organization, membership, leaving)
    members_url = f"{organization.get_absolute_url()}#members"
    last_member = organization.memberships.count() <= 1
    return render(
        request,
        "organizations/confirm_member_remove.html",
        {
            "organization": organization,
            "membership": membership,
            "leaving": leaving,
            "token": token,
            "stale": is_stale(request, token),
            "problems": [(membership_services.KEEPS_ONE_MEMBER, members_url)] if last_member else [],
            "back_url": members_url,
        },
    )


def _invitation(key: str) -> OrganizationInvitation:
    """The invitation its e-mailed link names; any other key is 404."""
    return get_object_or_404(
        OrganizationInvitation.objects.select_related("organization", "invited_by"), key=key
    )


def _render_invitation(
    request: HttpRequest,
    invitation: OrganizationInvitation,
    *,
    account_form: InvitationAccountForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    is_open = invitation.state == OrganizationInvitation.State.OPEN and not invitation.is_expired()
    has_account = membership_services.account_for_address(invitation.email) is not None
    if is_open and not user.is_authenticated and not has_account:
        account_form = account_form or InvitationAccountForm(email=invitation.email)
    else:
        account_form = None
    return render(
        request,
        "organizations/invitation.html",
        {
            "invitation": invitation,
            "organization": invitation.organization,
            "is_open": is_open,
            "expired": invitation.is_expired(),
            "is_invited": membership_services.owns_address(user, invitation.email),
            "is_member": user.is_authenticated
            and invitation.organization.memberships.filter(user=user).exists(),
            "has_account": has_account,
            "account_form": account_form,
        },
        status=status,
    )


@require_GET
def invitation_detail(request: HttpRequest, key: str) -> HttpResponse:
    """The page the e-mailed link opens: what the invitation is, and the way to accept it."""
    return _render_invitation(request, _invitation(key))


def _invitation_answered(
    request: HttpRequest, key: str, answer, refused=None
) -> HttpResponse | OrganizationInvitation:
    """Accept or decline through ``answer``; the invitation when it went through, else the page that
    says why (``refused`` may answer a refusal first)."""
    invitation = _invitation(key)
    if not request.user.is_authenticated:
        return redirect_to_login(invitation.get_absolute_url())
    try:
        answer(invitation=invitation, user=request.user)
    except PermissionDenied:
        return _render_invitation(request, invitation, status=403)
    except ValidationError as exc:
        return (refused and refused(invitation)) or web.refused(request, exc, invitation)
    return invitation


@require_POST
def invitation_accept(request: HttpRequest, key: str) -> HttpResponse:
    def already_member(invitation: OrganizationInvitation) -> HttpResponse | None:
        if not invitation.organization.memberships.filter(user=request.user).exists():
            return None
        messages.info(request, _("You are a member of %(name)s.") % {"name": invitation.organization.name})
        return redirect(invitation.organization)

    invitation = _invitation_answered(
        request, key, membership_services.organization_invitation_accept, already_member
    )
    if isinstance(invitation, HttpResponse):
        return invitation
    name = invitation.organization.name
    return web.done(
        request, _("Welcome: you are now a member of %(name)s.") % {"name": name}, invitation.organization
    )


@require_POST
def invitation_decline(request: HttpRequest, key: str) -> HttpResponse:
    """The invited person says no: they do not join, and the invitation's link stops working."""
    invitation = _invitation_answered(request, key, membership_services.organization_invitation_decline)
    if isinstance(invitation, HttpResponse):
        return invitation
    message = _("You declined the invitation to join %(name)s. You are not a member of it.")
    return web.done(request, message % {"name": invitation.organization.name}, "home")


@require_POST
def invitation_account(request: HttpRequest, key: str) -> HttpResponse:
    """A person without an account chooses a password from the invitation's link, and is logged in."""
    invitation = _invitation(key)
    if request.user.is_authenticated:
        return redirect(invitation)
    form = InvitationAccountForm(request.POST, email=invitation.email)
    if form.is_valid():
        try:
            user = membership_services.invitation_account_create(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(invitation)
        messages.success(
            request,
            _("Your account is ready. Accept the invitation below to join %(name)s.")
            % {"name": invitation.organization.name},
        )
        return perform_login(request, user, redirect_url=invitation.get_absolute_url())
    return _render_invitation(request, invitation, account_form=form, status=400)


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
        {"filter": filterset, "page": page, "counts": selectors.organization_state_counts()},
    )


VERIFIED_DETAILS = (*organization_services.IDENTITY_FIELDS, "head_name")


def verify_token(organization: Organization) -> str:
    """What the verification confirms: the legal details and the documents they were compared with."""
    return confirmation_token(
        organization.pk,
        organization.state,
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
    own = permissions.own_organization_refusal(request.user, organization)
    if own:
        messages.error(request, own)
        return redirect(organization)
    if organization.is_verified:
        messages.info(request, _("%(name)s is verified.") % {"name": organization.name})
        return redirect(organization)
    token = verify_token(organization)
    if is_confirmed(request, token):
        try:
            organization_services.organization_verify(organization=organization, by=request.user)
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
    """Finance staff of any municipality suspend an organization, saying why (its members read it)."""
    if not permissions.can_suspend_organizations(request.user):
        raise PermissionDenied
    organization = _visible_organization(request, pk)
    own = permissions.own_organization_refusal(request.user, organization)
    if own:
        messages.error(request, own)
        return redirect(organization)
    if organization.is_suspended:
        messages.info(request, _("%(name)s is suspended.") % {"name": organization.name})
        return redirect(organization)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization_services.organization_suspend(
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
@require_http_methods(["GET", "POST"])
def organization_suspension_lift(request: HttpRequest, pk: int) -> HttpResponse:
    """Another finance staff member than the one who suspended the organization, or the
    administrator, lifts the suspension, saying why. The person who suspended it is told so (403)."""
    if not permissions.may_lift_suspensions(request.user):
        raise PermissionDenied
    organization = selectors.organization_detail(user=request.user, pk=pk)
    if organization is None:
        raise Http404
    if not organization.is_suspended:
        messages.info(request, _("%(name)s is not suspended.") % {"name": organization.name})
        return redirect(organization)
    refusal = permissions.suspension_lift_refusal(request.user, organization)
    form = None if refusal else LiftSuspensionForm(request.POST or None)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            organization_services.organization_suspension_lift(
                organization=organization, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The suspension of %(name)s is lifted.") % {"name": organization.name}
            )
        return redirect(organization)
    return render(
        request,
        "organizations/organization_lift_suspension.html",
        {
            "organization": organization,
            "form": form,
            "refusal": refusal,
            "returns_to": organization.suspended_from or Organization.State.PENDING,
            "suspension_contact": selectors.suspension_contact(organization=organization),
        },
        status=403 if refusal else 200,
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


@login_required
@require_POST
def second_factor_postpone(request: HttpRequest) -> HttpResponse:
    """Development only: use the portal without a second factor until the end of the session."""
    account_services.second_factor_postpone(user=request.user)
    mfa.postpone(request)  # every page now says so (partials/second_factor_postponed.html)
    return redirect(mfa.next_after_enrolment(request))
