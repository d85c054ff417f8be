"""allauth's log-in and sign-up forms with the portal's words for the address (its catalogs say
«электрондук почта», where allauth's Kyrgyz says «эмейл»), and its security-key forms with a
translated label."""

from __future__ import annotations

from allauth.account import forms as allauth_forms
from allauth.mfa.webauthn import forms as webauthn_forms
from django.utils.translation import gettext_lazy as _


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail")
        self.fields["login"].widget.attrs["placeholder"] = _("E-mail")


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail")
        self.fields["email"].widget.attrs["placeholder"] = _("E-mail")


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    """allauth's security-key form with its field named in the reader's language."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name")


class EditWebAuthnForm(webauthn_forms.EditWebAuthnForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name")
