"""Forms of the application's sections, its rows, files, screening and the receipt check."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.models import Organization
from procurement.models import Application, BudgetLine, Competition
from procurement.services.applications import section_version
from ssp_portal.files import DOCUMENT_TYPES, PrivateFileField
from ssp_portal.rows.forms import DecimalInput, NumberField, RowForm, RowsFormSet


def amount_field(label: str, *, allow_zero: bool = False, required: bool = True) -> forms.DecimalField:
    """An amount in soms, with messages that say what is wrong."""
    minimum = Decimal("0") if allow_zero else Decimal("0.01")
    return NumberField(
        label=label,
        required=required,
        # Nine whole digits: up to MAX_AMOUNT, far above any municipal budget.
        max_digits=11,
        decimal_places=2,
        min_value=minimum,
        widget=DecimalInput(money=True),
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
    """One section of the application; ``version`` is the section as the form was opened with
    (a save over someone else's since is refused: ``application_save_section``)."""

    version = forms.CharField(required=False, widget=forms.HiddenInput)
    #: The section of ``SECTION_FIELDS`` the form edits.
    section = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.section and self.instance.pk:
            self.fields["version"].initial = section_version(self.instance, self.section)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _post_clean(self) -> None:
        # The service validates the draft as a whole; a section is saved even when others are empty.
        pass


class ProjectSectionForm(SectionForm):
    section = "project"

    class Meta:
        model = Application
        fields = ["project_title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"summary": _("In a few sentences: what the project does, for whom, and what changes.")}


class ProblemSectionForm(SectionForm):
    section = "problem"

    class Meta:
        model = Application
        fields = ["problem"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "problem": _("What is wrong, for whom, and how you know: figures, studies, what you saw.")
        }


class ObjectivesSectionForm(SectionForm):
    section = "objectives"

    class Meta:
        model = Application
        fields = ["objectives", "expected_results"]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "expected_results": forms.Textarea(attrs={"rows": 5}),
        }


class TargetGroupSectionForm(SectionForm):
    section = "target_group"
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
    section = "budget"
    requested_amount = amount_field(_("Requested amount (soms)"), required=False)
    cofinancing_own = amount_field(_("Own contribution (soms)"), allow_zero=True, required=False)
    cofinancing_other = amount_field(_("Other sources (soms)"), allow_zero=True, required=False)

    class Meta:
        model = Application
        fields = ["requested_amount", "cofinancing_own", "cofinancing_other", "cofinancing_sources"]
        help_texts = {
            "requested_amount": _("Leave it empty to ask for the total of the budget lines."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_amount"].help_text = self._meta.help_texts["requested_amount"]
        # The budget lines' total must come to it; the row editor's script compares them while typing.
        self.fields["requested_amount"].widget.attrs["data-target-for"] = "total"

    def clean_cofinancing_own(self) -> Decimal:
        return self.cleaned_data.get("cofinancing_own") or Decimal("0")

    def clean_cofinancing_other(self) -> Decimal:
        return self.cleaned_data.get("cofinancing_other") or Decimal("0")


SECTION_FORMS = {
    "project": (_("Project"), ProjectSectionForm),
    "problem": (_("Problem and evidence"), ProblemSectionForm),
    "objectives": (_("Objectives and results"), ObjectivesSectionForm),
    "target_group": (_("Target group"), TargetGroupSectionForm),
    "budget": (_("Amounts"), BudgetSectionForm),
}


class ActivityForm(RowForm):
    title = forms.CharField(label=_("Activity"), max_length=300)
    description = forms.CharField(label=_("What is done"), max_length=1000, required=False)
    start_month = forms.IntegerField(label=_("From month"), min_value=1, max_value=60)
    end_month = forms.IntegerField(label=_("To month"), min_value=1, max_value=60)

    def __init__(self, *args, months: int = 60, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Activities run within the project period (at most the five years a row can hold).
        self.months = min(months, 60)
        for name in ("start_month", "end_month"):
            field = self.fields[name]
            field.max_value = self.months
            field.validators = [v for v in field.validators if not isinstance(v, MaxValueValidator)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_month"), cleaned.get("end_month")
        for name, month in (("start_month", start), ("end_month", end)):
            if month and month > self.months:
                self.add_error(
                    name,
                    ngettext(
                        "The project lasts %(months)d month: choose month 1.",
                        "The project lasts %(months)d months: choose a month from 1 to %(months)d.",
                        self.months,
                    )
                    % {"months": self.months},
                )
        if start and end and end < start:
            self.add_error("end_month", _("An activity cannot end before it starts."))
        return cleaned


class BaseActivityFormSet(RowsFormSet):
    add_label = _("Add an activity")

    def __init__(self, *args, months: int, **kwargs) -> None:
        super().__init__(*args, form_kwargs={"months": months}, **kwargs)


class BudgetLineForm(RowForm):
    # A blank first choice keeps an unused extra row blank, so that it is ignored.
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *BudgetLine.Category.choices])
    description = forms.CharField(label=_("Description"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=40)
    quantity = NumberField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        error_messages={
            "invalid": _("Enter a number, for example 12 or 2.5."),
            "min_value": _("The quantity must be more than zero."),
            "max_value": _("At most 1 000 000."),
            "max_decimal_places": _("At most two decimals."),
            "max_digits": _("At most 1 000 000."),
            "max_whole_digits": _("At most 1 000 000."),
        },
    )
    unit_cost = amount_field(_("Unit cost (soms)"))


class BaseBudgetLineFormSet(RowsFormSet):
    product_fields = ("quantity", "unit_cost")
    money_fields = ("unit_cost",)
    live_targets = ("total",)
    add_label = _("Add a line")

    def __init__(self, *args, requested: Decimal | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if requested:
            self.targets["total"] = requested


ActivityFormSet = forms.formset_factory(ActivityForm, formset=BaseActivityFormSet, extra=2, can_delete=True)
BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseBudgetLineFormSet, extra=2, can_delete=True
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
        choices=[
            (state, state.label) for state in (Application.State.ELIGIBLE, Application.State.INELIGIBLE)
        ],
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
        if cleaned.get("decision") == Application.State.INELIGIBLE and not cleaned.get("requirement"):
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

    def clean_receipt_number(self) -> str:
        """As printed (``KRK-2026-001-0001``), however it was typed: lower case, spaces, or the long
        dashes a copy from a PDF or a word processor brings."""
        number = re.sub(r"[\s\u00ad]+", "", self.cleaned_data["receipt_number"])
        number = re.sub(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]", "-", number)
        return number.strip("-").upper()

    def clean_digest(self) -> str:
        digest = re.sub(r"\s+", "", self.cleaned_data["digest"]).lower()
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise forms.ValidationError(_("A digest is 64 characters, 0-9 and a-f."))
        return digest
