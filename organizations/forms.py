from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from organizations.models import INVITATION_VALID_FOR, Organization, OrganizationDocument, User
from organizations.validators import (
    PHONE_EXAMPLE,
    REGISTRATION_NUMBER_EXAMPLE,
    phone_normalized,
    registration_number_normalized,
)
from ssp_portal.files import DOCUMENT_TYPES, PrivateFileField
from ssp_portal.validators import REGISTRATION, RefusesHiddenCharacters, limit_dates


class NormalizedField(forms.CharField):
    """Text cleaned to one stored form by ``normalize``, which raises ``ValidationError``.

    What is already stored stays as it is when it comes back unchanged, or typed differently
    but naming the same thing: saving a form unchanged changes nothing, even for a value stored
    before the check existed (``stored`` is set by ``KeepsStoredValuesMixin``).
    """

    stored: str = ""

    def normalize(self, value: str) -> str:
        raise NotImplementedError

    def to_python(self, value) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        if self.stored and value == self.stored.strip():
            return self.stored
        normalized = self.normalize(value)
        if self.stored:
            try:
                if self.normalize(self.stored) == normalized:
                    return self.stored
            except forms.ValidationError:
                pass
        return normalized


class KeepsStoredValuesMixin:
    """For model forms with ``NormalizedField``s: tells each field the value stored now."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, field in self.fields.items():
                if isinstance(field, NormalizedField):
                    field.stored = getattr(self.instance, name, "") or ""


class PhoneField(NormalizedField):
    """A Kyrgyz phone number as people type it, cleaned to +996 and nine digits."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 32)
        kwargs["help_text"] = kwargs.get("help_text") or _(
            "A Kyrgyz number, for example +996 555 123 456 or 0555 123 456."
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "placeholder": PHONE_EXAMPLE}
            ),
        )
        super().__init__(**kwargs)

    def normalize(self, value: str) -> str:
        return phone_normalized(value)


class RegistrationNumberField(NormalizedField):
    """The number of a certificate of state registration, in the Ministry of Justice's form."""

    def __init__(self, **kwargs) -> None:
        kwargs["help_text"] = kwargs.get("help_text") or _(
            "As on the certificate of state registration, for example 123456-3301-ОФ."
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": REGISTRATION_NUMBER_EXAMPLE}))
        super().__init__(**kwargs)

    def normalize(self, value: str) -> str:
        return registration_number_normalized(value)


class SignupExtraForm(forms.Form):
    """Added to the sign-up form: the person's name, used on documents and in e-mails."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Full name")}),
    )

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])


class OrganizationForm(KeepsStoredValuesMixin, forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "name",
            "legal_form",
            "registration_number",
            "inn",
            "registration_date",
            "region",
            "address",
            "head_name",
            "phone",
            "email",
            "website",
            "mission",
        ]
        field_classes = {"phone": PhoneField, "registration_number": RegistrationNumberField}
        widgets = {
            "registration_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "mission": forms.Textarea(attrs={"rows": 4}),
            "inn": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{14}", "maxlength": 14}),
        }

    def __init__(self, *args, submit_label: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self, registration_date=REGISTRATION)
        self.fields["name"].help_text = _(
            'As in the registration certificate, for example Public Foundation "Baldarga Tirek".'
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Legal identity"),
                "name",
                Row(
                    Column("legal_form", css_class="col-md-6"),
                    Column("registration_date", css_class="col-md-6"),
                ),
                Row(Column("registration_number", css_class="col-md-6"), Column("inn", css_class="col-md-6")),
            ),
            Fieldset(
                _("Address and contacts"),
                Row(Column("region", css_class="col-md-4"), Column("address", css_class="col-md-8")),
                Row(Column("head_name", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
                Row(Column("email", css_class="col-md-6"), Column("website", css_class="col-md-6")),
            ),
            Fieldset(_("Mission"), "mission"),
            Submit("submit", submit_label or _("Save")),
        )

    def clean_inn(self) -> str:
        return self.cleaned_data["inn"].strip()


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The organization's members see this reason."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Suspend"), css_class="btn-danger"))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the organization is suspended."))
        return reason


class LiftSuspensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The organization's members receive this reason by e-mail."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Say why the suspension is lifted.")
        self.helper = FormHelper()
        label = pgettext_lazy("organization status", "Lift the suspension")
        self.helper.add_input(Submit("submit", label, css_class="btn-success"))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the suspension is lifted."))
        return reason


class OrganizationDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=OrganizationDocument.Kind.choices)
    file = PrivateFileField(label=_("File"), allowed=DOCUMENT_TYPES - {"xlsx"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PlainEmailField(RefusesHiddenCharacters, forms.EmailField):
    """An e-mail address with no control, direction or zero-width character in it."""


class PlainCharField(RefusesHiddenCharacters, forms.CharField):
    """Text of one line with no control, direction or zero-width character in it."""


class MemberInviteForm(forms.Form):
    email = PlainEmailField(label=_("E-mail of a colleague"), max_length=254)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        days = INVITATION_VALID_FOR.days
        self.fields["email"].help_text = ngettext(
            "They receive a link to join. They become a member only once they accept; "
            "the link works for %(days)s day.",
            "They receive a link to join. They become a member only once they accept; "
            "the link works for %(days)s days.",
            days,
        ) % {"days": days}

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class InvitationAccountForm(forms.Form):
    """A password for the invited address, chosen from the link in the invitation."""

    full_name = PlainCharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your full name."))
        return name

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(
                    first, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ProfileForm(KeepsStoredValuesMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]
        field_classes = {"phone": PhoneField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))
