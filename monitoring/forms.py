from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from monitoring.models import Indicator, MonitoringReport, Project, ReportAttachment
from monitoring.services.reports import SECTIONS, indicator_value
from procurement.application_forms import amount_field
from procurement.forms import RowsFormSet
from ssp_portal.files import DOCUMENT_TYPES, JPEG, PNG, PrivateFileField
from ssp_portal.templatetags.portal import plain_number, quantity
from ssp_portal.validators import CONTRACT, PAST, PLANNED, PROJECT_END, PROJECT_START, limit_dates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractForm(forms.Form):
    contract_number = forms.CharField(label=_("Contract number"), max_length=60)
    contract_date = forms.DateField(label=_("Contract date"), widget=DATE)
    start_date = forms.DateField(label=_("Planned start"), widget=DATE)
    end_date = forms.DateField(label=_("Planned end"), widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self, contract_date=CONTRACT, start_date=PROJECT_START, end_date=PROJECT_END)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The project cannot end before it starts."))
        return cleaned


# Set-up -----------------------------------------------------------------------------------------


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=250)
    unit = forms.CharField(label=_("Unit"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind of value"), choices=[("", "—"), *Indicator.Kind.choices])
    baseline = forms.DecimalField(
        label=_("Baseline"), max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2, min_value=Decimal("0"))


class BaseIndicatorFormSet(RowsFormSet):
    def clean(self) -> None:
        if not any(form.errors for form in self.kept()):
            self.flag_duplicates("name", _("Another indicator has this name."))


class TrancheForm(forms.Form):
    planned_date = forms.DateField(label=_("Planned date"), widget=DATE, validators=[PLANNED])
    amount = amount_field(_("Amount (soms)"))
    condition_report = forms.ChoiceField(label=_("Paid after"), required=False)

    def __init__(self, *args, reports: list[MonitoringReport] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reports = {str(r.pk): r for r in reports}
        self.fields["condition_report"].choices = [
            ("", _("No condition")),
            *(
                (pk, _("acceptance of %(report)s") % {"report": f"{r.get_kind_display().lower()} {r.number}"})
                for pk, r in self.reports.items()
            ),
        ]

    def clean_condition_report(self) -> MonitoringReport | None:
        return self.reports.get(self.cleaned_data.get("condition_report") or "")


class BaseTrancheFormSet(RowsFormSet):
    def __init__(self, *args, project: Project, **kwargs) -> None:
        self.project = project
        super().__init__(*args, form_kwargs={"reports": list(project.reports.all())}, **kwargs)

    def clean(self) -> None:
        if any(form.errors for form in self.kept()):
            return
        total = sum((row["amount"] for row in self.rows()), Decimal("0"))
        if self.rows() and total != self.project.amount:
            raise ValidationError(
                _("The tranches add up to %(total)s; they must add up to the awarded amount, %(amount)s.")
                % {"total": f"{total:,.2f}", "amount": f"{self.project.amount:,.2f}"}
            )


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=BaseIndicatorFormSet, extra=2, can_delete=True
)
TrancheFormSet = forms.formset_factory(TrancheForm, formset=BaseTrancheFormSet, extra=2, can_delete=True)


class ScheduleForm(forms.Form):
    every_months = forms.IntegerField(
        label=_("An interim report every … months"), min_value=1, max_value=24, required=False
    )
    period_ends = forms.CharField(
        label=_("Or: the dates the reporting periods end"),
        required=False,
        help_text=_("Dates as YYYY-MM-DD, separated by commas. The final report always covers the end."),
    )
    due_days = forms.IntegerField(
        label=_("Days after a period ends by which its report is due"), min_value=0, max_value=90, initial=10
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Set the schedule")))

    def clean_period_ends(self) -> list[datetime.date]:
        raw = self.cleaned_data.get("period_ends") or ""
        dates = []
        for part in [p.strip() for p in re.split(r"[,;\s]+", raw) if p.strip()]:
            try:
                dates.append(datetime.date.fromisoformat(part))
            except ValueError:
                raise ValidationError(
                    _("“%(value)s” is not a date like 2026-06-30.") % {"value": part}
                ) from None
            PLANNED(dates[-1])
        return dates

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("every_months") and not cleaned.get("period_ends"):
            raise ValidationError(
                _("Give a number of months between reports, or the dates their periods end.")
            )
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class TranchePaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self, paid_on=PAST)


# Reports ------------------------------------------------------------------------------------------


class NarrativeForm(forms.ModelForm):
    beneficiaries_reached = forms.IntegerField(
        label=_("Beneficiaries reached"),
        min_value=0,
        max_value=10_000_000,
        required=False,
        error_messages={"invalid": _("Enter a whole number of people.")},
    )

    class Meta:
        model = MonitoringReport
        fields = ["activities", "results", "beneficiaries_reached", "problems"]
        widgets = {
            "activities": forms.Textarea(attrs={"rows": 4}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "problems": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self) -> None:
        # The service validates the report; a draft is saved even when other sections are empty.
        pass


class IndicatorValuesForm(forms.Form):
    """The actual value of each indicator, checked against its kind."""

    def __init__(self, *args, indicators: list[Indicator], values: dict[int, Decimal], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            value = values.get(indicator.pk)
            self.fields[f"value_{indicator.pk}"] = forms.CharField(
                label=f"{indicator.name} ({indicator.unit})",
                required=False,
                initial=(plain_number(value) if value is not None else ""),
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                help_text=_("%(kind)s; baseline %(baseline)s, target %(target)s")
                % {
                    "kind": indicator.get_kind_display(),
                    "baseline": quantity(indicator.baseline),
                    "target": quantity(indicator.target),
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for indicator in self.indicators:
            raw = cleaned.get(f"value_{indicator.pk}")
            if raw not in (None, ""):
                try:
                    indicator_value(indicator, raw)
                except ValidationError as exc:
                    self.add_error(f"value_{indicator.pk}", exc)
        return cleaned

    def values(self) -> dict[int, Any]:
        return {i.pk: self.cleaned_data.get(f"value_{i.pk}") for i in self.indicators}


class ExpendituresForm(forms.Form):
    """Spending per approved line in the period, with an explanation where needed."""

    def __init__(self, *args, rows: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            line = row.line
            self.fields[f"amount_{line.pk}"] = amount_field(line.description, allow_zero=True, required=False)
            self.fields[f"amount_{line.pk}"].initial = row.in_period
            self.fields[f"explanation_{line.pk}"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                max_length=2000,
                initial=row.explanation,
                widget=forms.TextInput(),
            )

    def bound_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(row, self[f"amount_{row.line.pk}"], self[f"explanation_{row.line.pk}"]) for row in self.rows]

    def expenditures(self) -> list[tuple[int, Decimal, str]]:
        return [
            (
                row.line.pk,
                self.cleaned_data.get(f"amount_{row.line.pk}") or Decimal("0"),
                self.cleaned_data.get(f"explanation_{row.line.pk}") or "",
            )
            for row in self.rows
        ]


class ReportAttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What it is"), choices=ReportAttachment.Kind.choices)
    file = PrivateFileField(label=_("File"), allowed=DOCUMENT_TYPES)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the report")), ("revise", _("Ask for a revision"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for section, label in SECTIONS.items():
            self.fields[f"comment_{section}"] = forms.CharField(
                label=_("Comment on: %(section)s") % {"section": label},
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def comments(self) -> dict[str, str]:
        return {section: self.cleaned_data.get(f"comment_{section}", "") for section in SECTIONS}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(PrivateFileField):
    """Several photos at once, each checked like any upload."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [PrivateFileField.clean(self, upload, initial) for upload in uploads]


class SiteVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DATE)
    visitors = forms.CharField(label=_("Who visited"), max_length=300)
    observed = forms.CharField(label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 4}))
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("Photos"), allowed={JPEG.code, PNG.code}, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self, visited_on=PAST)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Record the visit")))
