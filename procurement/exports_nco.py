"""An organization's applications as a file (``ssp_portal.exports``): the columns of "My
applications" (``views.applications.my_applications``), for the person's own organizations only.

The next step is the one the page shows: the same template writes it, for each row.
"""

from __future__ import annotations

import html

from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from procurement.models import Application
from ssp_portal import exports
from ssp_portal.exports import Column

NEXT_STEP_TEMPLATE = "procurement/partials/application_next_step.html"


def _zone(application: Application) -> str:
    return application.competition.municipality.time_zone


def _text(rendered: str) -> str:
    """Rendered HTML as the words it reads: entities back to characters, spaces joined."""
    return " ".join(html.unescape(rendered).split())


def application_columns() -> list[Column]:
    """The columns, with the next step written by the page's template (loaded once per file)."""
    next_step = get_template(NEXT_STEP_TEMPLATE)
    submitted_at = capfirst(Application._meta.get_field("submitted_at").verbose_name)
    return [
        Column(_("Reference"), lambda a: a.competition.reference),
        Column(_("Competition"), lambda a: a.competition.title),
        Column(_("Project title"), lambda a: a.project_title),
        Column(_("Organization"), lambda a: a.organization.name),
        Column(_("Deadline"), lambda a: a.competition.deadline, zone=_zone),
        Column(_("State"), lambda a: a.get_state_display()),
        Column(capfirst(Application._meta.get_field("version").verbose_name), lambda a: a.version),
        Column(_("Requested amount"), lambda a: a.requested_amount, money=True),
        Column(_("Receipt number"), lambda a: a.receipt_number or ""),
        Column(submitted_at, lambda a: a.submitted_at, zone=_zone),
        Column(_("Next step"), lambda a: _text(next_step.render({"application": a}))),
    ]


def my_applications_file(applications: QuerySet[Application], *, fmt: str) -> HttpResponse:
    """``applications``: ``selectors.applications_of_member`` of the rows the filter keeps."""
    return exports.response(applications, application_columns(), fmt=fmt, name=[_("My applications")])
