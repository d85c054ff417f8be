"""The row editor's formset: rows kept by id, blank extras ignored, totals on the server."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from ssp_portal.formatting import format_quantity, format_soms, plain_number, read_number
from ssp_portal.rows.sync import STALE


class DecimalInput(forms.TextInput):
    """A text input for a decimal: shows ``12000`` and ``2.5`` (not ``12000.00``), and money with
    its tyiyn when it has any (``24000.50``); takes what people type (a number input would
    silently empty ``150 000``)."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, money: bool = False) -> None:
        self.money = money
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal) and value.is_finite():
            if self.money and value != value.to_integral_value():
                text = f"{value:.2f}"
            else:
                text = plain_number(value)
            # With the page's decimal sign (12,5 in Kyrgyz and Russian), without grouping.
            return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
        return super().format_value(value)


class NumberField(forms.DecimalField):
    """A decimal read as people type it (groups of digits, a decimal comma); words, exponents and
    an ambiguous ``1,500`` are refused (``ssp_portal.formatting.read_number``)."""

    widget = DecimalInput

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        number = read_number(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def rows_version(rows: list[dict[str, Any]]) -> str:
    """The version of a list of stored rows (as the editor shows them); an empty list has none."""
    if not rows:
        return ""
    text = json.dumps(rows, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class RowForm(forms.Form):
    """One row of a row editor; ``id`` is the stored row's primary key (empty for a new row)."""

    id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    #: Fields that cannot change once the row is stored: shown, not editable.
    fixed_once_saved: tuple[str, ...] = ()

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locked = locked
        self.stored = bool(self.initial.get("id"))
        for name, field in self.fields.items():
            if name != "id" and (locked or (self.stored and name in self.fixed_once_saved)):
                field.disabled = True


@dataclass(frozen=True)
class RowView:
    """A row as the table shows it."""

    form: forms.Form
    total: Decimal | None
    removed: bool
    locked: bool


@dataclass(frozen=True)
class Cell:
    """A cell of the totals row: the sum of a column and what it must come to, if anything."""

    name: str
    label: str
    value: Decimal | None = None
    target: Decimal | None = None
    money: bool = False

    @property
    def summed(self) -> bool:
        return self.value is not None

    @property
    def phrase(self) -> str:
        """What the sum must be, with ``{target}`` for the amount (the script fills it in)."""
        return str(_("must be {target}"))

    @property
    def note(self) -> str:
        if self.target is None:
            return ""
        return self.phrase.replace(
            "{target}", format_soms(self.target) if self.money else format_quantity(self.target)
        )

    @property
    def target_number(self) -> str:
        """The target as a script reads it: ``100``, ``150000.5``."""
        return "" if self.target is None else format(self.target.normalize(), "f")

    @property
    def off_target(self) -> bool:
        return self.target is not None and self.value is not None and self.value != self.target


class RowsFormSet(forms.BaseFormSet):
    """Rows edited as a whole (see the package's docstring for the rules).

    ``rows`` are the stored rows as dicts with their ``id``; ``locked`` the ids that cannot change.
    Subclasses add their checks of the whole list in ``clean_rows`` and name the columns to sum
    (``sum_fields``), the factors of a line total (``product_fields``) and money columns.
    """

    sum_fields: tuple[str, ...] = ()
    product_fields: tuple[str, ...] = ()
    money_fields: tuple[str, ...] = ()
    #: What the sums must come to, by column (``"total"`` for the line totals).
    targets: dict[str, Decimal] = {}
    #: Sums whose target a field of the page sets while typing (``data-target-for``).
    live_targets: tuple[str, ...] = ()
    #: Why locked rows are locked, shown on them.
    locked_reason: str = ""
    add_label = _("Add a row")

    def __init__(
        self,
        data: Any = None,
        *,
        rows: list[dict[str, Any]] | tuple = (),
        locked: set[int] | frozenset = frozenset(),
        read_only: str = "",
        **kwargs: Any,
    ) -> None:
        self.locked_ids = set(locked)
        self.targets = dict(self.targets)
        self._stale = False
        #: Why nothing in the list can change (a project suspended, a competition published), or "".
        self.read_only = str(read_only)
        if self.read_only:
            self.extra = 0
        super().__init__(data, initial=list(rows), **kwargs)

    # Rows ----------------------------------------------------------------------------------------

    @property
    def stored_count(self) -> int:
        return len(self.initial or ())

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < self.stored_count:
            kwargs["locked"] = bool(self.read_only) or self.initial[index].get("id") in self.locked_ids
        return kwargs

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if getattr(form, "locked", False) and "DELETE" in form.fields:
            form.fields["DELETE"].disabled = True

    def _marked_removed(self, form: forms.Form) -> bool:
        if not (self.can_delete and form.is_bound) or getattr(form, "locked", False):
            return False
        return bool(form["DELETE"].field.to_python(form["DELETE"].data))

    def kept_forms(self) -> list[forms.Form]:
        """Stored rows not marked for removal, and extra rows with something typed in them."""
        return [
            form
            for index, form in enumerate(self.forms)
            if not self._marked_removed(form) and (index < self.stored_count or form.has_changed())
        ]

    def rows(self) -> list[dict[str, Any]]:
        """The kept rows' cleaned values, ``id`` included (None for a new row), in order."""
        return [{k: v for k, v in form.cleaned_data.items() if k != "DELETE"} for form in self.kept_forms()]

    @property
    def version(self) -> str:
        """A digest of the stored rows as this page showed them, posted back with the form: a list
        that changed since (another person's edit) is not overwritten.

        A post refused as stale keeps the version it was opened with, so that saving the same
        form again is refused again: the other person's change is overwritten only by someone who
        has loaded the list as it is now (``current``)."""
        if self.is_bound and self._stale:
            return self.data.get(f"{self.prefix}-VERSION") or ""
        return rows_version(self.initial or [])

    @property
    def stale(self) -> bool:
        """Refused because the list changed since the page was opened."""
        self.non_form_errors()  # cleans the formset first
        return self.is_bound and self._stale

    @property
    def current(self) -> list[RowView]:
        """The stored rows as they are now, as text: shown beside a post refused as stale."""
        views = []
        for index, row in enumerate(self.initial or ()):
            form = self.form(
                initial=row,
                prefix=f"{self.prefix}-now-{index}",
                locked=True,
                **self.get_form_kwargs(None),
            )
            views.append(RowView(form, self.line_total(form), False, True))
        return views

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and (self._stale or self.read_only):
            # Messages about fields of a list that is no longer the stored one would mislead.
            for form in self.forms:
                form._errors = ErrorDict()

    def clean(self) -> None:
        if self.read_only:
            raise ValidationError(self.read_only, code="read_only")
        self._stale = self.is_bound and not self._same_list()
        if self._stale:
            raise ValidationError(STALE, code="stale")
        if any(form.errors for form in self.kept_forms()):
            return
        self.clean_rows(self.rows())

    def _same_list(self) -> bool:
        if (self.data.get(f"{self.prefix}-VERSION") or "") != rows_version(self.initial or []):
            return False
        if self.management_form.cleaned_data.get("INITIAL_FORMS") != self.stored_count:
            return False
        for index, form in enumerate(self.forms[: self.stored_count]):
            posted = form["id"].data
            if str(posted or "") != str(self.initial[index].get("id") or ""):
                return False
        return all(not form["id"].data for form in self.forms[self.stored_count :])

    def clean_rows(self, rows: list[dict[str, Any]]) -> None:
        """Checks of the list as a whole; raise ValidationError or add errors to the forms."""

    def add_error(self, error: ValidationError | str) -> None:
        """A refusal of the service, shown above the table."""
        self.non_form_errors()  # cleans the formset first
        messages = error.messages if isinstance(error, ValidationError) else [error]
        if str(STALE) in messages:
            # The service found the list changed after the page's check: the same as stale here.
            self._stale = True
        self._non_form_errors.extend(messages)

    def flag_duplicates(self, field: str, message: str) -> None:
        seen: set[str] = set()
        for form in self.kept_forms():
            value = str(form.cleaned_data.get(field, "")).strip().casefold()
            if value and value in seen:
                form.add_error(field, message)
            seen.add(value)

    # Totals --------------------------------------------------------------------------------------

    def _value(self, form: forms.Form, name: str) -> Decimal | None:
        if form.is_bound and not form.fields[name].disabled:
            return read_number(form[name].data)
        return read_number(form.initial.get(name))

    def line_total(self, form: forms.Form) -> Decimal | None:
        if not self.product_fields:
            return None
        total = Decimal("1")
        for name in self.product_fields:
            value = self._value(form, name)
            if value is None:
                return None
            total *= value
        try:
            return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except InvalidOperation:  # digits beyond any amount (a mistyped 1e309): no total to show
            return None

    def _counted(self) -> list[forms.Form]:
        return [
            form
            for index, form in enumerate(self.forms)
            if not self._marked_removed(form)
            and (index < self.stored_count or (form.is_bound and form.has_changed()))
        ]

    def sum_of(self, name: str) -> Decimal:
        counted = self._counted()
        if name == "total":
            return sum((self.line_total(form) or Decimal("0") for form in counted), Decimal("0"))
        return sum((self._value(form, name) or Decimal("0") for form in counted), Decimal("0"))

    @property
    def has_totals(self) -> bool:
        return bool(self.sum_fields or self.product_fields)

    @property
    def columns(self) -> list[forms.BoundField]:
        return [field for field in self.empty_form.visible_fields() if field.name != "DELETE"]

    @property
    def table(self) -> list[RowView]:
        return [
            RowView(form, self.line_total(form), self._marked_removed(form), getattr(form, "locked", False))
            for form in self.forms
        ]

    @property
    def empty_row(self) -> RowView:
        return RowView(self.empty_form, None, False, False)

    @property
    def totals(self) -> list[Cell]:
        """The totals row, one cell per column (and one for the line totals)."""
        cells = [
            Cell(
                field.name,
                str(field.label),
                self.sum_of(field.name) if field.name in self.sum_fields else None,
                self.targets.get(field.name),
                field.name in self.money_fields,
            )
            for field in self.columns
        ]
        if self.product_fields:
            cells.append(
                Cell("total", str(_("Total")), self.sum_of("total"), self.targets.get("total"), True)
            )
        return cells
