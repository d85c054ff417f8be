"""django-allauth adapted to the portal: e-mails go through the notifications queue; failed
log-ins are counted per client address and per account from one address, and an account many
addresses failed on asks for a second factor instead of refusing (organizations/throttling.py)."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.models import Login
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import translation

from organizations import mfa, throttling
from organizations.models import User
from organizations.permissions import mfa_required
from ssp_portal.clients import client_ip
from ssp_portal.notifications.services import RenderedEmail, email_queue


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # The language the person signed up in is the language of their e-mails.
        user.language = translation.get_language() or settings.LANGUAGE_CODE
        return super().save_user(request, user, form, commit)

    def login(self, request, user):
        # A language chosen before logging in stays chosen: it becomes the person's language.
        chosen = request.session.get("chosen_language")
        if chosen in dict(settings.LANGUAGES) and user.language != chosen:
            user.language = chosen
            user.save(update_fields=["language"])
        # From here on the request speaks the person's language: "signed in as …" is theirs.
        if user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return super().login(request, user)

    def get_client_ip(self, request: HttpRequest) -> str:
        # The client's own address behind the proxies of SSP_TRUSTED_PROXIES: the rate limits
        # count per client, not per proxy.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's IP address.")
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth's "key" limit counts one account's failures; with the address in the key it
        # counts one account's failures from one address, so no one locks the owner out.

        return throttling.attempts_key(
            domain=get_current_site(request).domain,
            login=_login_of(credentials),
            address=self.get_client_ip(request),
        )

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as refused:
            wait = throttling.wait_seconds(
                request, key=self._get_login_attempts_cache_key(request, **credentials)
            )
            raise ValidationError(throttling.wait_message(wait), code="too_many_login_attempts") from refused

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        throttling.account_failure_record(login=_login_of(credentials))

    def is_login_by_code_required(self, login: Login) -> bool:
        """A code sent to the e-mail follows the right password when the account saw many failures
        (from anywhere) and the person has no authenticator, which allauth would ask for anyway."""
        if super().is_login_by_code_required(login):
            return True
        records = get_authentication_records(self.request, login.user)
        if not records or records[-1]["method"] != "password" or login.user is None:
            return False
        if mfa.has_second_factor(login.user):
            return False
        return throttling.account_under_attack(login=login.email or login.user.email)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Within minutes of logging in, setting up a second factor asks for no password again:
        # the person sent to enrolment right after the log-in has just typed it.
        if app == "allauth.mfa" and self._logged_in_recently():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _logged_in_recently(self) -> bool:
        request = self.request
        if request is None or not request.user.is_authenticated:
            return False
        records = get_authentication_records(request, request.user)
        return any(
            time.time() - record.get("at", 0) < app_settings.REAUTHENTICATION_TIMEOUT for record in records
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        recipient = User.objects.filter(email__iexact=email).first()
        language = (recipient.language if recipient else "") or translation.get_language()
        with translation.override(language):
            message = self.render_mail(
                template_prefix, email, {"email": email, **context, **self._site_context()}
            )
        rendered = RenderedEmail(
            subject=message.subject,
            text=message.body,
            html=next(
                (content for content, mime in getattr(message, "alternatives", []) if mime == "text/html"), ""
            ),
        )
        email_queue(
            to=email,
            rendered=rendered,
            template=template_prefix,
            language=language,
            recipient=recipient,
        )

    def _site_context(self) -> dict:
        request = allauth_context.request
        return {"request": request, "current_site": get_current_site(request)}


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A person whose role needs a second factor keeps their last one: they add another before
        removing it (allauth then says it cannot be deactivated)."""
        user = authenticator.user
        if authenticator.type == Authenticator.Type.RECOVERY_CODES or not mfa_required(user):
            return True
        others = Authenticator.objects.filter(user=user, type__in=mfa.FACTOR_TYPES).exclude(
            pk=authenticator.pk
        )
        return others.exists()
