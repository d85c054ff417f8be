from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractForm(forms.Form):
    contract_number = forms.CharField(label=_("Contract number"), max_length=60)
    contract_date = forms.DateField(label=_("Contract date"), widget=DATE)
    start_date = forms.DateField(label=_("Planned start"), widget=DATE)
    end_date = forms.DateField(label=_("Planned end"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The project cannot end before it starts."))
        return cleaned
