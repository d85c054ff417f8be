"""What every view of the portal does the same way: show a refusal, answer a form, redirect with a message.

A service refuses with a ``ValidationError``; a view shows it either on the form it came from
(:func:`form_errors`, beside the field it names) or as messages on the next page (:func:`refuse`);
:func:`show_refusal` chooses by whether it names fields.
A form page shown again after a POST answers 400 (:func:`form_status`), so that a refused form is
never mistaken for a saved one. :func:`form_saved` checks a form, then makes its one service call.
:func:`done` is the one way to say "saved" and move on, and :func:`back_to` the page an htmx
request came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def form_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal shown on the form: beside the field it names, else above the form."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= {*form.fields, NON_FIELD_ERRORS}:
        form.add_error(None, exc)
    else:
        form.add_error(None, exc.messages)


def form_saved(form: Any, action: Callable[[], Any]) -> bool:
    """Whether ``form`` is valid and ``action`` (its one service call) is done; a refusal of the
    service is shown on the form (:func:`form_errors`), and then it is False as for an invalid form."""
    if not form.is_valid():
        return False
    try:
        action()
    except ValidationError as exc:
        form_errors(form, exc)
        return False
    return True


def refuse(request: HttpRequest, exc: ValidationError) -> None:
    """A service's refusal shown as messages on the page the person goes to next."""
    for message in exc.messages:
        messages.error(request, message)


def show_refusal(request: HttpRequest, form: Any, exc: ValidationError) -> None:
    """A refusal of what was typed (it names fields) on the form (:func:`form_errors`); a refusal
    of the action itself (the object can no longer change) as messages (:func:`refuse`)."""
    if hasattr(exc, "error_dict"):
        form_errors(form, exc)
    else:
        refuse(request, exc)


def refused(request: HttpRequest, exc: ValidationError, to: Any, *args: Any) -> HttpResponse:
    """Show the refusal and go to ``to`` (a model, a URL name or a path, as ``redirect`` takes it)."""
    refuse(request, exc)
    return redirect(to, *args)


def form_status(request: HttpRequest) -> int:
    """A form page shown again after a POST shows what was refused."""
    return 400 if request.method == "POST" else 200


def done(request: HttpRequest, message: str, to: Any, *args: Any) -> HttpResponse:
    """Say what was done and go to ``to`` (a model, a URL name or a path, as ``redirect`` takes it)."""
    messages.success(request, message)
    return redirect(to, *args)


def back_to(request: HttpRequest, fallback: str) -> str:
    """The page an htmx request came from, else ``fallback``."""
    current = request.htmx.current_url_abs_path if getattr(request, "htmx", None) else None
    return current or fallback


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` path the form carried, if it is a path of this site, else ``fallback``."""
    target = request.POST.get("next", "")
    # A path of this site only: ``redirect`` would read anything else as the name of a URL.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
