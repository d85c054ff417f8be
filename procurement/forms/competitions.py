from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Max
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.models import Municipality, User
from procurement.amendments import AMENDABLE, AmendmentPlan, amendment_plan, minimum_deadline, terms_version
from procurement.models import CommissionMember, Competition, PriorityIssue
from ssp_portal.formatting import format_date, format_datetime, format_soms
from ssp_portal.languages import LANGUAGES, NATIVE_NAMES, STATE_LANGUAGES, as_read, current_language
from ssp_portal.rows.forms import DecimalInput, NumberField, RowForm, RowsFormSet
from ssp_portal.validators import ANNOUNCEMENT, BUDGET_YEAR, DEADLINE, PROJECT_END, PROJECT_START, limit_dates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# How an amount in soms is refused, wherever one is typed (forms and filters).
MONEY_ERRORS = {
    "invalid": _("Enter an amount in soms, for example 150000 or 150000.50."),
    "min_value": _("The amount cannot be negative."),
    "max_decimal_places": _("Soms have at most two decimals (tyiyn)."),
    "max_digits": _("This amount is far larger than any budget; check the digits."),
    "max_whole_digits": _("This amount is far larger than any budget; check the digits."),
}


def _money_field(label: str, help_text: str = "", **kwargs: Any) -> NumberField:
    """An amount in soms as people type it (``150 000``, ``150000,50``), never a number input,
    which would drop a decimal comma and send a hundred times the amount."""
    return NumberField(
        label=label,
        max_digits=14,
        decimal_places=2,
        help_text=help_text,
        widget=DecimalInput(money=True),
        error_messages=MONEY_ERRORS,
        **kwargs,
    )


def in_languages(*names: str) -> list[str]:
    """The form fields of translatable texts: ``title`` → ``title_ky``, ``title_ru``, ``title_en``."""
    return [f"{name}_{language}" for name in names for language in LANGUAGES]


def language_label(label: str, language: str) -> str:
    """ "Title — Кыргызча": each language named in itself; English is optional."""
    if language in STATE_LANGUAGES:
        return format_lazy("{} — {}", label, NATIVE_NAMES[language])
    return format_lazy("{} — {} {}", label, NATIVE_NAMES[language], _("(optional)"))


class TranslatedTextsMixin:
    """A text written in each language, one field per language grouped by language (Kyrgyz,
    Russian, English). ``texts`` maps each text to its label and whether it is required: a required
    text is written in at least one language (the publishing checklist asks for both state
    languages before a competition is published)."""

    texts: dict[str, tuple[str, bool]] = {}

    def setup_texts(self) -> None:
        for name, (label, _required) in self.texts.items():
            for language in LANGUAGES:
                field = self.fields[f"{name}_{language}"]
                field.label = language_label(label, language)
                field.required = False

    def language_fieldsets(self) -> list[Fieldset]:
        return [
            Fieldset(
                NATIVE_NAMES[language]
                if language in STATE_LANGUAGES
                else format_lazy("{} {}", NATIVE_NAMES[language], _("(optional)")),
                *[f"{name}_{language}" for name in self.texts],
                css_class="translated-texts",
                lang=language,
            )
            for language in LANGUAGES
        ]

    def check_texts(self, cleaned: dict[str, Any]) -> None:
        language = current_language()
        for name, (_label, required) in self.texts.items():
            for column in (f"{name}_{code}" for code in LANGUAGES):
                if column not in self.data:
                    # A language the page did not send stays as it is.
                    cleaned[column] = self[column].initial
                if isinstance(cleaned.get(column), str):
                    cleaned[column] = cleaned[column].strip()
            if required and not any(cleaned.get(f"{name}_{code}") for code in LANGUAGES):
                self.add_error(
                    f"{name}_{language}",
                    _("Write this text in at least one language."),
                )


class PriorityIssueForm(TranslatedTextsMixin, forms.ModelForm):
    planned_budget = _money_field(_("Planned budget (soms)"), min_value=Decimal("0"))
    texts = {
        "title": (_("Title"), True),
        "target_group": (_("Target group"), True),
        "description": (_("Description"), True),
    }

    class Meta:
        model = PriorityIssue
        fields = [
            *in_languages("title"),
            "year",
            "need_source",
            *in_languages("target_group"),
            "planned_budget",
            *in_languages("description"),
        ]
        widgets = {f"description_{language}": forms.Textarea(attrs={"rows": 4}) for language in LANGUAGES}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_texts()
        limit_dates(self, year=BUDGET_YEAR)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("year", css_class="col-md-3"),
                Column("need_source", css_class="col-md-5"),
                Column("planned_budget", css_class="col-md-4"),
            ),
            *self.language_fieldsets(),
            Submit("submit", _("Save")),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_texts(cleaned)
        return cleaned


class CompetitionTermsMixin:
    """Checks shared by the competition form and the amendment form; each refusal says what to do."""

    municipality: Municipality
    #: A draft's deadline may move earlier; an amendment's never does.
    deadline_may_move_earlier = True

    def check_money(self, cleaned: dict[str, Any]) -> None:
        budget, max_grant = cleaned.get("budget"), cleaned.get("max_grant")
        if budget is not None and budget <= 0:
            self.add_error("budget", _("Enter a total budget of more than zero."))
        if max_grant is not None and max_grant <= 0:
            self.add_error("max_grant", _("Enter a maximum grant of more than zero."))
        if budget and max_grant and budget > 0 and max_grant > budget:
            self.add_error(
                "max_grant",
                _("Lower the maximum grant to at most the total budget, %(budget)s, or raise the budget.")
                % {"budget": format_soms(budget)},
            )

    def check_period(self, cleaned: dict[str, Any], deadline: datetime.datetime | None = None) -> None:
        start, end = cleaned.get("project_start"), cleaned.get("project_end")
        deadline = deadline or cleaned.get("deadline")
        if start and end and end < start:
            self.add_error(
                "project_end",
                _("Choose a project end on or after the project start, %(start)s.")
                % {"start": format_date(start)},
            )
        if start and deadline:
            day = timezone.localtime(deadline, self.zone).date()
            if start < day:
                message = (
                    _(
                        "Choose a project start after the deadline, %(deadline)s, "
                        "or move the deadline earlier."
                    )
                    if self.deadline_may_move_earlier
                    else _("Choose a project start after the deadline, %(deadline)s.")
                )
                self.add_error("project_start", message % {"deadline": format_date(day)})

    @property
    def zone(self):
        return ZoneInfo(self.municipality.time_zone)


class CompetitionForm(TranslatedTextsMixin, CompetitionTermsMixin, forms.ModelForm):
    texts = {"title": (_("Title"), True), "description": (_("Description"), True)}
    budget = _money_field(_("Total budget (soms)"))
    max_grant = _money_field(_("Maximum grant per project (soms)"))
    deadline = forms.DateTimeField(
        label=_("Submission deadline"),
        widget=DATETIME,
        help_text=_("Date and time in the municipality's time zone (Bishkek time)."),
    )

    class Meta:
        model = Competition
        fields = [
            *in_languages("title"),
            "priority_issue",
            *in_languages("description"),
            "budget",
            "max_grant",
            "projects_expected",
            "announcement_date",
            "deadline",
            "project_start",
            "project_end",
            "contact",
            "score_spread_margin",
        ]
        widgets = {
            **{f"description_{language}": forms.Textarea(attrs={"rows": 5}) for language in LANGUAGES},
            "announcement_date": DATE,
            "project_start": DATE,
            "project_end": DATE,
            "score_spread_margin": DecimalInput(),
        }
        field_classes = {"score_spread_margin": NumberField}

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_texts()
        self.municipality = municipality
        limit_dates(
            self,
            announcement_date=ANNOUNCEMENT,
            deadline=DEADLINE,
            project_start=PROJECT_START,
            project_end=PROJECT_END,
        )
        self.fields["score_spread_margin"].required = False
        self.fields["priority_issue"].queryset = PriorityIssue.objects.filter(
            municipality=municipality
        ).order_by("-year", as_read("title"))
        if self.instance.pk:
            self.initial["deadline"] = timezone.localtime(self.instance.deadline, self.zone).replace(
                tzinfo=None
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("The call"), "priority_issue", "contact"),
            *self.language_fieldsets(),
            Fieldset(
                _("Money"),
                Row(
                    Column("budget", css_class="col-md-4"),
                    Column("max_grant", css_class="col-md-4"),
                    Column("projects_expected", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Dates"),
                Row(
                    Column("announcement_date", css_class="col-md-4"),
                    Column("deadline", css_class="col-md-8"),
                ),
                Row(
                    Column("project_start", css_class="col-md-6"), Column("project_end", css_class="col-md-6")
                ),
            ),
            Fieldset(_("Evaluation"), "score_spread_margin"),
            Submit("submit", _("Save the draft")),
        )

    def clean_score_spread_margin(self) -> Decimal:
        value = self.cleaned_data.get("score_spread_margin")
        return Competition._meta.get_field("score_spread_margin").default if value is None else value

    def clean_deadline(self) -> datetime.datetime:
        value = self.cleaned_data["deadline"]
        # The browser sends the municipality's wall-clock time: read it in that zone.
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return timezone.make_aware(naive, self.zone)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_texts(cleaned)
        self.check_money(cleaned)
        self.check_period(cleaned)
        deadline, announced = cleaned.get("deadline"), cleaned.get("announcement_date")
        today = timezone.localdate(timezone=self.zone)
        if announced and announced < today and not self.instance.published_at:
            self.add_error(
                "announcement_date",
                _("Choose an announcement date of today, %(today)s, or later.")
                % {"today": format_date(today)},
            )
        if deadline and deadline <= timezone.now():
            self.add_error(
                "deadline",
                _("Choose a deadline later than now, %(now)s.")
                % {"now": format_datetime(timezone.now(), zone=self.zone)},
            )
        elif deadline and announced:
            days = self.municipality.min_submission_days
            earliest = announced + datetime.timedelta(days=days)
            start_of_day = datetime.datetime.combine(earliest, datetime.time.min)
            if deadline < timezone.make_aware(start_of_day, self.zone):
                self.add_error(
                    "deadline",
                    ngettext(
                        "Choose a deadline on %(date)s or later: applicants need at least %(days)d day "
                        "after the announcement.",
                        "Choose a deadline on %(date)s or later: applicants need at least %(days)d days "
                        "after the announcement.",
                        days,
                    )
                    % {"days": days, "date": format_date(earliest)},
                )
        return cleaned


class AmendmentForm(TranslatedTextsMixin, CompetitionTermsMixin, forms.Form):
    """New terms for a published competition, checked as they will be after the amendment (the
    deadline moved by itself included: ``procurement.amendments``)."""

    deadline_may_move_earlier = False

    budget = _money_field(_("Total budget (soms)"))
    max_grant = _money_field(_("Maximum grant per project (soms)"))
    projects_expected = forms.IntegerField(
        label=_("Number of projects expected"), min_value=1, max_value=1000
    )
    deadline = forms.DateTimeField(
        label=_("Submission deadline"),
        widget=DATETIME,
        help_text=_(
            "It can only move later. It moves by itself if applicants would have less than "
            "the minimum period."
        ),
    )
    project_start = forms.DateField(label=_("Project start"), widget=DATE)
    project_end = forms.DateField(label=_("Project end"), widget=DATE)
    contact = forms.CharField(label=_("Contact for questions"), max_length=300, required=False)
    # The version of the terms the form was opened with (``procurement.amendments.terms_version``).
    opened = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        competition: Competition,
        last_amendment: int | None = None,
        at: datetime.datetime | None = None,
        **kwargs,
    ) -> None:
        self.competition = competition
        self.municipality = competition.municipality
        self.at = at or timezone.now()
        if last_amendment is None:
            last_amendment = competition.amendments.aggregate(n=Max("number"))["n"] or 0
        self.last_amendment = last_amendment
        self.version = terms_version(competition, last_amendment=last_amendment)
        initial = {
            name: getattr(competition, name)
            for name in (
                *in_languages("description"),
                "budget",
                "max_grant",
                "projects_expected",
                "project_start",
                "project_end",
                "contact",
            )
        }
        initial["deadline"] = timezone.localtime(competition.deadline, self.zone).replace(tzinfo=None)
        initial["opened"] = self.version
        initial.update(kwargs.pop("initial", None) or {})
        super().__init__(*args, initial=initial, **kwargs)
        for language in LANGUAGES:
            self.fields[f"explanation_{language}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
            )
            self.fields[f"description_{language}"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 5}), required=False
            )
        self.setup_texts()
        for language in LANGUAGES:
            self.fields[f"explanation_{language}"].help_text = _("Applicants see this with the competition.")
        limit_dates(self, deadline=DEADLINE, project_start=PROJECT_START, project_end=PROJECT_END)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *self.language_fieldsets(),
            "budget",
            "max_grant",
            "projects_expected",
            "deadline",
            "project_start",
            "project_end",
            "contact",
            "opened",
        )
        self.helper.add_input(Submit("submit", _("Publish the amendment…")))

    texts = {"explanation": (_("What changed and why"), True), "description": (_("Description"), True)}

    def clean_deadline(self) -> datetime.datetime:
        value = self.cleaned_data["deadline"]
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        aware = timezone.make_aware(naive, self.zone)
        # Minutes are what the form shows: keep the stored deadline when the minute is the same.
        if aware.replace(second=0, microsecond=0) == self.competition.deadline.replace(
            second=0, microsecond=0
        ):
            return self.competition.deadline
        if aware < self.competition.deadline:
            raise forms.ValidationError(_("An amendment can extend the deadline, never shorten it."))
        return aware

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_texts(cleaned)
        for language in STATE_LANGUAGES:
            # A published competition keeps its text in each state language.
            column = f"description_{language}"
            if getattr(self.competition, column, None) and column in cleaned and not cleaned[column]:
                self.add_error(column, _("Keep the description in this language; correct it instead."))
        self.check_money(cleaned)
        self.check_period(cleaned)
        start, chosen = cleaned.get("project_start"), cleaned.get("deadline")
        if start and chosen and "project_start" not in self.errors:
            days = self.municipality.min_submission_days
            moved = minimum_deadline(chosen, at=self.at, days=days, zone=self.zone)
            day = timezone.localtime(moved, self.zone).date()
            if moved != chosen and start < day:
                self.add_error(
                    "project_start",
                    ngettext(
                        "Choose a project start after the deadline, which moves to %(deadline)s so that "
                        "applicants keep at least %(days)d day.",
                        "Choose a project start after the deadline, which moves to %(deadline)s so that "
                        "applicants keep at least %(days)d days.",
                        days,
                    )
                    % {"deadline": format_date(day), "days": days},
                )
        return cleaned

    @property
    def opened_version(self) -> str:
        """The version of the terms the form was opened with ('' from a form older than the field)."""
        return (self.data.get(self.add_prefix("opened")) or "").strip() if self.is_bound else self.version

    @property
    def superseded(self) -> bool:
        """The terms changed after the form was opened: an amendment now would undo another."""
        return bool(self.opened_version) and self.opened_version != self.version

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name in AMENDABLE}

    def explanations(self) -> dict[str, str]:
        """What changed and why, in each language it is written in."""
        return {language: self.cleaned_data.get(f"explanation_{language}") or "" for language in LANGUAGES}

    def plan(self) -> AmendmentPlan:
        """What the amendment will do (call once the form is valid)."""
        return amendment_plan(self.competition, self.changes(), at=self.at)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, submit_label: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label, css_class="btn-danger"))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("This field is required."))
        return reason


# Rows edited on the competition's page (the row editor: ssp_portal/rows) ----------------------


class TranslatedRowForm(RowForm):
    """A row whose texts are edited in one language (``procurement.views.competition_rows.ROWS_PAGES``):
    a required text may stay empty in this language when the row is written in another and not yet
    in this one (a written name is corrected, not erased)."""

    required_texts: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.required_texts:
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        others = self.initial.get("other_languages") or {}
        for name in self.required_texts:
            untranslated = others.get(name) and not self.initial.get(name)
            if name in cleaned and not (cleaned[name] or "").strip() and not untranslated:
                self.add_error(name, forms.ValidationError(_("This field is required."), code="required"))
        return cleaned


class CriterionForm(TranslatedRowForm):
    required_texts = ("name",)
    name = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(label=_("What is assessed"), max_length=2000, required=False)
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100)
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)


class BaseCriterionFormSet(RowsFormSet):
    sum_fields = ("weight",)
    targets = {"weight": Decimal("100")}
    add_label = _("Add a criterion")

    def clean_rows(self, rows: list[dict[str, Any]]) -> None:
        self.flag_duplicates("name", _("Another criterion has this name."))
        total = sum(row["weight"] for row in rows)
        if rows and total != 100:
            raise forms.ValidationError(
                _("The weights add up to %(total)d; change them so that they add up to 100.")
                % {"total": total}
            )


class RequiredDocumentForm(TranslatedRowForm):
    required_texts = ("name",)
    name = forms.CharField(label=_("Document"), max_length=200)
    description = forms.CharField(label=_("Notes"), max_length=500, required=False)


class BaseRequiredDocumentFormSet(RowsFormSet):
    add_label = _("Add a document")

    def clean_rows(self, rows: list[dict[str, Any]]) -> None:
        self.flag_duplicates("name", _("This document is already in the list."))


class EligibilityForm(TranslatedRowForm):
    required_texts = ("text",)
    text = forms.CharField(label=_("Requirement"), max_length=500)


class BaseEligibilityFormSet(RowsFormSet):
    add_label = _("Add a requirement")

    def clean_rows(self, rows: list[dict[str, Any]]) -> None:
        self.flag_duplicates("text", _("This requirement is already in the list."))


class CommissionMemberForm(RowForm):
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("Not needed for a person who has an account: their name is taken from it."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=CommissionMember.Role.choices, initial=CommissionMember.Role.MEMBER
    )
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)

    # The person's address and name belong to their account: a member is replaced, not renamed.
    fixed_once_saved = ("email", "full_name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        email = cleaned.get("email")
        new_person = email and not self.stored and not User.objects.filter(email__iexact=email).exists()
        if new_person and not cleaned.get("full_name"):
            self.add_error(
                "full_name", _("This person has no account yet: give their full name for the invitation.")
            )
        return cleaned


class BaseCommissionFormSet(RowsFormSet):
    add_label = _("Add a member")

    def clean_rows(self, rows: list[dict[str, Any]]) -> None:
        self.flag_duplicates("email", _("This person is already on the commission."))
        roles = [row["role"] for row in rows]
        if roles and roles.count(CommissionMember.Role.CHAIR) != 1:
            raise forms.ValidationError(
                _("Choose exactly one chair (now %(count)d).") % {"count": roles.count("chair")}
            )
        if roles.count(CommissionMember.Role.SECRETARY) > 1:
            raise forms.ValidationError(_("Choose at most one secretary."))


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=2, can_delete=True
)
RequiredDocumentFormSet = forms.formset_factory(
    RequiredDocumentForm, formset=BaseRequiredDocumentFormSet, extra=2, can_delete=True
)
EligibilityFormSet = forms.formset_factory(
    EligibilityForm, formset=BaseEligibilityFormSet, extra=2, can_delete=True
)
CommissionFormSet = forms.formset_factory(
    CommissionMemberForm, formset=BaseCommissionFormSet, extra=3, can_delete=True
)
