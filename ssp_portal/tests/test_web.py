"""The helpers every view uses to answer a form (ssp_portal/web.py)."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from ssp_portal import web


class NameForm(forms.Form):
    name = forms.CharField()


def request():
    made = RequestFactory().post("/")
    made.session = {}
    made._messages = FallbackStorage(made)
    return made


def refuse(exc):
    def action():
        raise exc

    return action


def test_a_valid_form_is_saved_once():
    calls = []
    assert web.form_saved(NameForm({"name": "Aida"}), lambda: calls.append(1)) is True
    assert calls == [1]


def test_an_invalid_form_is_not_saved():
    calls = []
    form = NameForm({"name": ""})
    assert web.form_saved(form, lambda: calls.append(1)) is False
    assert calls == [] and "name" in form.errors


def test_a_refusal_of_the_service_stands_beside_its_field():
    form = NameForm({"name": "Aida"})
    assert web.form_saved(form, refuse(ValidationError({"name": "Taken."}))) is False
    assert form.errors["name"] == ["Taken."]


def test_a_refusal_that_names_no_field_is_a_message_of_the_next_page():
    made = request()
    form = NameForm({"name": "Aida"})
    form.is_valid()
    web.show_refusal(made, form, ValidationError("The report is submitted."))
    assert [str(m) for m in get_messages(made)] == ["The report is submitted."]
    assert not form.non_field_errors()
    web.show_refusal(made, form, ValidationError({"name": "Taken."}))
    assert form.errors["name"] == ["Taken."]
