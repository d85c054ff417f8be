"""Forms of the application's sections, its rows, files, screening and the receipt check."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from procurement.forms import RowsFormSet
from procurement.models import Application, BudgetLine, Competition
from ssp_portal.files import DOCUMENT_TYPES, PrivateFileField


def amount_field(label: str, *, allow_zero: bool = False, required: bool = True) -> forms.DecimalField:
    """An amount in soms, with messages that say what is wrong."""
    minimum = Decimal("0") if allow_zero else Decimal("0.01")
    return forms.DecimalField(
        label=label,
        required=required,
        # Nine whole digits: up to MAX_AMOUNT, far above any municipal budget.
        max_digits=11,
        decimal_places=2,
        min_value=minimum,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": str(minimum), "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter an amount in soms, for example 150000 or 150000.50."),
            "min_value": _("The amount cannot be negative.")
            if allow_zero
            else _("The amount must be more than zero."),
            "max_decimal_places": _("Soms have at most two decimals (tyiyn)."),
            "max_digits": _("This amount is far larger than any grant; check the digits."),
            "max_whole_digits": _("This amount is far larger than any grant; check the digits."),
        },
    )


class SectionForm(forms.ModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _post_clean(self) -> None:
        # The service validates the draft as a whole; a section is saved even when others are empty.
        pass


class ProjectSectionForm(SectionForm):
    class Meta:
        model = Application
        fields = ["project_title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"summary": _("In a few sentences: what the project does, for whom, and what changes.")}


class ProblemSectionForm(SectionForm):
    class Meta:
        model = Application
        fields = ["problem"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "problem": _("What is wrong, for whom, and how you know: figures, studies, what you saw.")
        }


class ObjectivesSectionForm(SectionForm):
    class Meta:
        model = Application
        fields = ["objectives", "expected_results"]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "expected_results": forms.Textarea(attrs={"rows": 5}),
        }


class TargetGroupSectionForm(SectionForm):
    beneficiaries = forms.IntegerField(
        label=_("Number of beneficiaries"),
        min_value=1,
        max_value=10_000_000,
        required=False,
        error_messages={"invalid": _("Enter a whole number of people.")},
    )

    class Meta:
        model = Application
        fields = ["target_group", "beneficiaries"]
        widgets = {"target_group": forms.Textarea(attrs={"rows": 4})}


class BudgetSectionForm(SectionForm):
    requested_amount = amount_field(_("Requested amount (soms)"), required=False)
    cofinancing_own = amount_field(_("Own contribution (soms)"), allow_zero=True)
    cofinancing_other = amount_field(_("Other sources (soms)"), allow_zero=True)

    class Meta:
        model = Application
        fields = ["requested_amount", "cofinancing_own", "cofinancing_other", "cofinancing_sources"]


SECTION_FORMS = {
    "project": (_("Project"), ProjectSectionForm),
    "problem": (_("Problem and evidence"), ProblemSectionForm),
    "objectives": (_("Objectives and results"), ObjectivesSectionForm),
    "target_group": (_("Target group"), TargetGroupSectionForm),
    "budget": (_("Amounts"), BudgetSectionForm),
}


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Activity"), max_length=300)
    description = forms.CharField(label=_("What is done"), max_length=1000, required=False)
    start_month = forms.IntegerField(label=_("From month"), min_value=1, max_value=60)
    end_month = forms.IntegerField(label=_("To month"), min_value=1, max_value=60)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_month"), cleaned.get("end_month")
        if start and end and end < start:
            self.add_error("end_month", _("An activity cannot end before it starts."))
        return cleaned


class BudgetLineForm(forms.Form):
    # A blank first choice keeps an unused extra row blank, so that it is ignored.
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *BudgetLine.Category.choices])
    description = forms.CharField(label=_("Description"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=40)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        error_messages={
            "invalid": _("Enter a number."),
            "min_value": _("The quantity must be more than zero."),
            "max_decimal_places": _("At most two decimals."),
        },
    )
    unit_cost = amount_field(_("Unit cost (soms)"))


class ApplicationRowsFormSet(RowsFormSet):
    pass


ActivityFormSet = forms.formset_factory(
    ActivityForm, formset=ApplicationRowsFormSet, extra=2, can_delete=True
)
BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm, formset=ApplicationRowsFormSet, extra=2, can_delete=True
)


class AttachmentForm(forms.Form):
    required_document = forms.ChoiceField(label=_("Which document"), required=False)
    file = PrivateFileField(label=_("File"), allowed=DOCUMENT_TYPES)

    def __init__(self, *args, competition: Competition, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.documents = {str(d.pk): d for d in competition.required_documents.all()}
        self.fields["required_document"].choices = [
            *((pk, d.name) for pk, d in self.documents.items()),
            ("", _("Another document")),
        ]

    def clean_required_document(self):
        return self.documents.get(self.cleaned_data["required_document"])


class AttachFromOrganizationForm(AttachmentForm):
    """Which required document one of the organization's own documents is attached as."""

    file = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["required_document"].label = _("Attach as")
        self.fields["required_document"].widget.attrs["class"] = "form-select form-select-sm"


class ApplyForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Apply for"), queryset=Organization.objects.none(), empty_label=None
    )

    def __init__(self, *args, organizations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("eligible", _("Eligible")), ("ineligible", _("Ineligible"))],
        widget=forms.RadioSelect,
    )
    requirement = forms.ModelChoiceField(
        label=_("Requirement not met"), queryset=None, required=False, empty_label=_("—")
    )
    note = forms.CharField(
        label=_("Note to the organization"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, competition: Competition, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = competition.eligibility_requirements.all()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Record the decision")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == "ineligible" and not cleaned.get("requirement"):
            self.add_error("requirement", _("Choose the requirement the application does not meet."))
        return cleaned


class VerifyReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=40)
    digest = forms.CharField(
        label=_("SHA-256 digest"),
        max_length=100,
        help_text=_("The 64 characters printed on the receipt."),
        widget=forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off"}),
    )

    def clean_digest(self) -> str:
        digest = re.sub(r"\s+", "", self.cleaned_data["digest"]).lower()
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise forms.ValidationError(_("A digest is 64 characters, 0-9 and a-f."))
        return digest
