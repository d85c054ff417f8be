from __future__ import annotations

import datetime
import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from monitoring.models import (
    PUBLIC_SECTIONS,
    Indicator,
    MonitoringReport,
    Project,
    ReportAttachment,
    ReportRound,
)
from monitoring.services.projects import PeriodData, period_problems, reason_required_message
from monitoring.services.reports import (
    ANSWER_LENGTH,
    SECTIONS,
    ReportDraft,
    Spending,
    indicator_value,
    overspending_message,
    report_draft_version,
)
from monitoring.spending import LineSpend, SpendTotals, spend_totals
from procurement.forms.applications import amount_field
from ssp_portal.files import DOCUMENT_TYPES, JPEG, PNG, PrivateFileField
from ssp_portal.formatting import format_soms, typed_number
from ssp_portal.rows.forms import DecimalInput, NumberField, RowForm, RowsFormSet
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


class IndicatorForm(RowForm):
    name = forms.CharField(label=_("Indicator"), max_length=250)
    unit = forms.CharField(label=_("Unit"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind of value"), choices=[("", "—"), *Indicator.Kind.choices])
    baseline = NumberField(label=_("Baseline"), max_digits=14, decimal_places=2, min_value=Decimal("0"))
    target = NumberField(label=_("Target"), max_digits=14, decimal_places=2, min_value=Decimal("0"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for name in ("baseline", "target"):
            value = cleaned.get(name)
            if value is None:
                continue
            if kind == Indicator.Kind.PERCENT and value > 100:
                self.add_error(name, _("A percentage is at most 100."))
            elif kind == Indicator.Kind.COUNT and value != value.to_integral_value():
                self.add_error(name, _("This indicator counts whole numbers."))
        return cleaned


class BaseIndicatorFormSet(RowsFormSet):
    locked_reason = _("Reported on")
    add_label = _("Add an indicator")

    def __init__(self, *args, project: Project, **kwargs) -> None:
        self.project = project
        super().__init__(*args, **kwargs)

    def clean_rows(self, rows: list[dict[str, Any]]) -> None:
        self.flag_duplicates("name", _("Another indicator has this name."))


class TrancheForm(RowForm):
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
        return self.reports.get(str(self.cleaned_data.get("condition_report") or ""))


class BaseTrancheFormSet(RowsFormSet):
    sum_fields = ("amount",)
    money_fields = ("amount",)
    locked_reason = _("Paid")
    add_label = _("Add a tranche")

    def __init__(self, *args, project: Project, **kwargs) -> None:
        self.project = project
        super().__init__(*args, form_kwargs={"reports": list(project.reports.all())}, **kwargs)
        self.targets["amount"] = project.amount

    def clean_rows(self, rows: list[dict[str, Any]]) -> None:
        total = sum((row["amount"] for row in rows), Decimal("0"))
        if rows and total != self.project.amount:
            raise ValidationError(
                _(
                    "The tranches add up to %(total)s; change them so that they add up to the awarded "
                    "amount, %(amount)s."
                )
                % {"total": format_soms(total), "amount": format_soms(self.project.amount)}
            )


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=BaseIndicatorFormSet, extra=2, can_delete=True
)
TrancheFormSet = forms.formset_factory(TrancheForm, formset=BaseTrancheFormSet, extra=2, can_delete=True)


class ReportPeriodForm(RowForm):
    period_end = forms.DateField(label=_("Period ends"), widget=DATE, validators=[PLANNED])
    due_date = forms.DateField(label=_("Report due"), widget=DATE, required=False, validators=[PLANNED])


class BaseReportPeriodFormSet(RowsFormSet):
    locked_reason = _("Under way")
    add_label = _("Add a report")

    def __init__(self, *args, project: Project, **kwargs) -> None:
        self.project = project
        super().__init__(*args, **kwargs)

    def clean_rows(self, rows: list[dict[str, Any]]) -> None:
        kept = self.kept_forms()
        periods = [PeriodData(row["period_end"], row["due_date"]) for row in rows]
        for index, field, message in period_problems(self.project, periods):
            kept[index].add_error(field, message)


ReportPeriodFormSet = forms.formset_factory(
    ReportPeriodForm, formset=BaseReportPeriodFormSet, extra=1, can_delete=True
)


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
        self.helper.add_input(Submit("submit", _("Fill in the schedule")))

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
    """Why a project is suspended or terminated: said to the organization and kept with the project."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, state: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = reason_required_message(state)


class TranchePaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_dates(self, paid_on=PAST)


# Reports ------------------------------------------------------------------------------------------


class TypedIntegerField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        return super().to_python(typed_number(value))


def spent_field(label: str) -> NumberField:
    """The amount spent on a line: empty (not entered) or 0 and more, in a text input, so that
    what was typed reaches the server as typed (a number input drops or rewrites what it cannot
    read: ``18 000,50`` became 1800050), and shown as the other editors show money: ``24000``,
    ``24000.50``."""
    shared = amount_field(label, allow_zero=True, required=False)
    return NumberField(
        label=label,
        required=False,
        max_digits=shared.max_digits,
        decimal_places=shared.decimal_places,
        min_value=Decimal("0"),
        widget=DecimalInput({"data-amount": ""}, money=True),
        error_messages=shared.error_messages,
    )


class ReportDraftForm(forms.Form):
    """A report's whole draft, saved with one button: the narrative, each indicator's value, the
    spending per approved line with its explanation, and, when a revision is asked for, an answer
    beneath each of the reviewer's comments.

    An amount left empty stays empty (it is not 0), and one of 0 stays 0.
    """

    activities = forms.CharField(
        label=_("Activities carried out"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    results = forms.CharField(label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    beneficiaries_reached = TypedIntegerField(
        label=_("Beneficiaries reached"),
        min_value=0,
        max_value=10_000_000,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter a whole number of people."),
            "min_value": _("Enter a whole number of people."),
            "max_value": _("Check the number: it is above ten million."),
        },
    )
    problems = forms.CharField(
        label=_("Problems and how they were handled"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    #: The draft as the form was opened with (a save over someone else's since is refused).
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    NARRATIVE = ("activities", "results", "beneficiaries_reached", "problems")

    def __init__(
        self,
        *args,
        report: MonitoringReport,
        rows: list[LineSpend],
        answering: ReportRound | None = None,
        **kwargs,
    ) -> None:
        kwargs.setdefault("initial", {name: getattr(report, name) for name in self.NARRATIVE})
        super().__init__(*args, **kwargs)
        self.report = report
        self.rows = rows
        for section in PUBLIC_SECTIONS:
            self.fields[f"public_{section}"] = forms.BooleanField(
                label=_("Show on the public project page"),
                required=False,
                initial=section in report.public_sections,
            )
        self.fields["version"].initial = report_draft_version(report, answering)
        self.indicators = list(report.project.indicators.all())
        values = {v.indicator_id: v.value for v in report.indicator_values.all()}
        for indicator in self.indicators:
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
        for row in rows:
            line = row.line
            amount = spent_field(line.description)
            amount.initial = row.in_period if row.entered else None
            self.fields[f"amount_{line.pk}"] = amount
            self.fields[f"explanation_{line.pk}"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                max_length=2000,
                initial=row.explanation,
                widget=forms.TextInput(),
            )
        self.answering = answering
        self.comments = answering.comments_and_answers if answering else []
        for section, label, _comment, answer in self.comments:
            self.fields[f"answer_{section}"] = forms.CharField(
                label=_("Your answer on: %(section)s") % {"section": label},
                required=False,
                max_length=ANSWER_LENGTH,
                initial=answer,
                widget=forms.Textarea(attrs={"rows": 2}),
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
        # Said now with the other mistakes, not after they are corrected; the service checks again.
        for row, amount, explanation in self.spending:
            typed = cleaned.get(explanation.name)
            if amount.name in cleaned and row.needs_explanation and not (typed or "").strip():
                self.add_error(explanation.name, overspending_message(row))
        return cleaned

    def draft(self) -> ReportDraft:
        data = self.cleaned_data
        return ReportDraft(
            narrative={name: data.get(name) for name in self.NARRATIVE},
            values={i.pk: data.get(f"value_{i.pk}") or "" for i in self.indicators},
            spending={
                row.line.pk: Spending(
                    amount=data.get(f"amount_{row.line.pk}"),
                    explanation=data.get(f"explanation_{row.line.pk}") or "",
                )
                for row in self.rows
            },
            answers={section: data.get(f"answer_{section}") or "" for section, *_rest in self.comments}
            if self.comments
            else None,
            public=[section for section in PUBLIC_SECTIONS if data.get(f"public_{section}")],
            version=data.get("version") or None,
        )

    # For the page ---------------------------------------------------------------------------------

    @property
    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[f"value_{indicator.pk}"] for indicator in self.indicators]

    @cached_property
    def answer_fields(self) -> dict[str, tuple[str, forms.BoundField]]:
        """Each commented section's comment and answer field, by section."""
        return {
            section: (comment, self[f"answer_{section}"]) for section, _label, comment, _a in self.comments
        }

    @cached_property
    def spending(self) -> list[tuple[LineSpend, forms.BoundField, forms.BoundField]]:
        """The lines with their running sums; on a form sent back, from the amounts as typed
        wherever they read as amounts."""
        rows = []
        for row in self.rows:
            amount = self[f"amount_{row.line.pk}"]
            if self.is_bound:
                raw = typed_number(str(amount.value() or "").strip())
                try:
                    typed = Decimal(raw) if raw else None
                except InvalidOperation:
                    typed = Decimal("NaN")
                if typed is None or typed.is_finite():
                    row = replace(row, in_period=typed or Decimal("0"), entered=typed is not None)
            rows.append((row, amount, self[f"explanation_{row.line.pk}"]))
        return rows

    @cached_property
    def totals(self) -> SpendTotals:
        return spend_totals([row for row, _amount, _explanation in self.spending])


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


# The photos of one site visit: the request that sends them may be this many uploads long.
MAX_VISIT_PHOTOS = 10


class PhotosField(PrivateFileField):
    """Several photos at once (at most ``MAX_VISIT_PHOTOS``), each checked like any upload."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(uploads) > MAX_VISIT_PHOTOS:
            raise ValidationError(
                ngettext_lazy(
                    "Attach at most %(count)s photo to one visit.",
                    "Attach at most %(count)s photos to one visit.",
                    "count",
                ),
                code="too_many_photos",
                params={"count": MAX_VISIT_PHOTOS},
            )
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
