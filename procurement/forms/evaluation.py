"""Forms of the commission's work and of the award."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.forms.applications import amount_field
from procurement.models import EvaluationCriterion, ScoreSheet
from ssp_portal.rows.forms import DecimalInput, NumberField


class DeclarationForm(forms.Form):
    """No conflict, or the applicants one is conflicted with, each with a short reason."""

    def __init__(self, *args, organizations, own: frozenset[int] = frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = list(organizations)
        # Organizations the member belongs to: declared as conflicts by the service, not ticked here.
        self.own = own
        for organization in self.organizations:
            self.fields[f"conflict_{organization.pk}"] = forms.BooleanField(
                label=organization.name, required=False
            )
            self.fields[f"reason_{organization.pk}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"placeholder": _("For example: my sister works there")}),
            )
        self.fields["confirm"] = forms.BooleanField(
            label=_("I sign this declaration with my account; I understand it cannot be changed."),
            required=True,
        )

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(o, self[f"conflict_{o.pk}"], self[f"reason_{o.pk}"]) for o in self.organizations]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for organization in self.organizations:
            if (
                cleaned.get(f"conflict_{organization.pk}")
                and not (cleaned.get(f"reason_{organization.pk}") or "").strip()
            ):
                self.add_error(f"reason_{organization.pk}", _("Give a short reason."))
        return cleaned

    def conflicts(self) -> list[tuple[Any, str]]:
        return [
            (organization, self.cleaned_data[f"reason_{organization.pk}"].strip())
            for organization in self.organizations
            if self.cleaned_data.get(f"conflict_{organization.pk}")
        ]


class ScoreSheetForm(forms.Form):
    """A score and a comment per criterion, and an overall comment."""

    overall_comment = forms.CharField(
        label=_("Overall comment"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )

    def __init__(
        self, *args, criteria: list[EvaluationCriterion], sheet: ScoreSheet | None = None, **kwargs
    ) -> None:
        initial = {}
        if sheet is not None:
            initial["overall_comment"] = sheet.overall_comment
            for score in sheet.scores.all():
                initial[f"score_{score.criterion_id}"] = score.score
                initial[f"comment_{score.criterion_id}"] = score.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            # Read as typed (``7,5``): a number input would drop the comma and send 75.
            self.fields[f"score_{criterion.pk}"] = NumberField(
                label=_("Score, 0 to %(max)d") % {"max": criterion.max_score},
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal(criterion.max_score),
                max_digits=4,
                decimal_places=1,
                widget=DecimalInput(),
                error_messages={
                    "invalid": _("Enter a score as a number, for example 7 or 7.5."),
                    "min_value": _("A score cannot be below 0."),
                    "max_value": _("A score cannot be above %(max)d.") % {"max": criterion.max_score},
                    "max_decimal_places": _("At most one decimal."),
                },
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self) -> list[tuple[EvaluationCriterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> list[tuple[int, Decimal | None, str]]:
        return [
            (c.pk, self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, submit_label: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))


class AwardForm(forms.Form):
    amount = amount_field(_("Awarded amount (soms)"))
    departure_reason = forms.CharField(
        label=_("Why the rank order is departed from"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when a higher-ranked application is not awarded."),
    )
