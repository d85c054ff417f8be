"""django-allauth adapted to the portal: e-mails go through the notifications queue."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from organizations.models import User
from ssp_portal.notifications.services import RenderedEmail, email_queue


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
        return super().login(request, user)

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
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        return {"request": request, "current_site": get_current_site(request)}
