from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from organizations import mfa
from organizations.permissions import mfa_required


class UserLanguageMiddleware:
    """A logged-in person sees the portal in the language saved in their profile."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


# What a person who must enrol a second factor may still open: the second-factor pages
# themselves (allauth's ``mfa_*``), what enrolment may need on the way (confirming the e-mail
# address, confirming the password again), log-out, the language switch and the health check.
# Static files are served before any view, and an address that matches no view gets the 404 page.
_OPEN_DURING_ENROLMENT = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "set_language",
        "healthz",
        "organizations:second-factor-postpone",
    }
)


class SecondFactorMiddleware:
    """The rule of ``organizations.permissions.mfa_required``, for every view:

    - a person who needs a second factor and has none is sent to enrolment, and sees nothing but
      the pages above until enrolled, unless they postponed it for this session (development
      only: every page then says so, ``request.second_factor_postponed``);
    - the Django admin opens only in a session whose log-in used the second factor: others are
      asked for it (``mfa_reauthenticate``) or sent to enrol.

    A session that used the second factor costs no query; any other signed-in request costs one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or mfa.session_used_second_factor(request):
            return None
        if not mfa_required(user):
            return None
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            if mfa.has_second_factor(user):
                return redirect_to_login(request.get_full_path(), reverse("mfa_reauthenticate"))
            return self._to_enrolment(request)
        name = match.view_name if match is not None else ""
        if name in _OPEN_DURING_ENROLMENT or (
            match is not None and (match.url_name or "").startswith("mfa_")
        ):
            return None
        if mfa.has_second_factor(user):
            return None
        if mfa.is_postponed(request):
            request.second_factor_postponed = True
            return None
        return self._to_enrolment(request)

    def _to_enrolment(self, request: HttpRequest) -> HttpResponse:
        htmx = getattr(request, "htmx", False)
        if request.method == "GET" and not htmx:
            mfa.remember_next(request, request.get_full_path())
        if htmx:
            # An in-page update cannot show the enrolment page: the whole page goes there.
            return HttpResponse(status=204, headers={"HX-Redirect": mfa.enrolment_url()})
        return HttpResponseRedirect(mfa.enrolment_url())
