"""The row editor's page: shows the rows, saves them through one service, or says why not."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ssp_portal.rows.forms import RowsFormSet

#: The name of the button that shows the totals again without saving (for pages without scripts).
RECALCULATE = "recalculate"


def show_refusal(exc: ValidationError, formset: RowsFormSet, others: Sequence[forms.Form] = ()) -> None:
    """A service's refusal beside the field it names (on one of ``others``), else above the table."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form = next((f for f in others if name in f.fields), None)
            if form is not None and name != NON_FIELD_ERRORS:
                form.add_error(name, errors)
            else:
                formset.add_error(ValidationError(errors))
    else:
        formset.add_error(exc)


def edit_rows(
    request: HttpRequest,
    *,
    formset: RowsFormSet,
    save: Callable[[], Any],
    template: str,
    context: dict[str, Any],
    done: str,
    saved: str,
    others: Sequence[forms.Form] = (),
) -> HttpResponse:
    """GET shows the rows; POST validates the formset and ``others`` and calls ``save``, which calls
    one service and returns whether anything changed. On success the person goes to ``done``."""
    posted = request.method == "POST"
    refused = False
    if posted and RECALCULATE not in request.POST:
        valid = [form.is_valid() for form in (*others, formset)]
        if all(valid):
            try:
                changed = save()
            except ValidationError as exc:
                show_refusal(exc, formset, others)
            else:
                if changed:
                    messages.success(request, saved)
                else:
                    messages.info(request, _("Nothing was changed, so there was nothing to save."))
                return redirect(done)
        refused = True
    return render(
        request,
        template,
        {**context, "formset": formset, "recalculate": RECALCULATE},
        status=400 if refused else 200,
    )
