from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, OrganizationDocument, User
from ssp_portal.files import DOCUMENT_TYPES, PrivateFileField


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


class OrganizationForm(forms.ModelForm):
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
        widgets = {
            "registration_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "mission": forms.Textarea(attrs={"rows": 4}),
            "inn": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{14}", "maxlength": 14}),
        }

    def __init__(self, *args, submit_label: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
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

    def clean_registration_date(self):
        value = self.cleaned_data["registration_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The registration date cannot be in the future."))
        return value


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


class OrganizationDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=OrganizationDocument.Kind.choices)
    file = PrivateFileField(label=_("File"), allowed=DOCUMENT_TYPES - {"xlsx"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail of a colleague"),
        help_text=_("They need an account on the portal with this e-mail address."),
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No one has an account with this e-mail address. Ask them to sign up first.")
            )
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))
