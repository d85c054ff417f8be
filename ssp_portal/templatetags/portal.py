"""Template filters shared by every app: money in soms, quantities, times in a municipality's zone."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.forms import BoundField
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ssp_portal.addresses import has_control_characters
from ssp_portal.errors import way_back
from ssp_portal.formatting import format_number, format_quantity, format_score, format_soms, plain_number

__all__ = [
    "in_zone",
    "input_value",
    "language_next",
    "login_url",
    "number",
    "plain_number",
    "quantity",
    "score",
    "site_url",
    "soms",
    "support_email",
]

register = template.Library()


@register.filter(needs_autoescape=True)
def soms(value: object, autoescape: bool = False) -> str:
    """An amount in Kyrgyz soms: ``400 000 сом`` in Kyrgyz and Russian, ``KGS 400,000`` in English
    (see ``ssp_portal.formatting.format_soms``).

    In an HTML page the amount is an ``<span class="amount">`` that never wraps inside the number;
    in text (e-mails, subjects: ``autoescape off``) it is the plain amount.
    """
    text = format_soms(value)
    if not autoescape or not text:
        return text
    return format_html('<span class="amount">{}</span>', text)


@register.filter
def quantity(value: object) -> str:
    """A number that is not money (an indicator's target or value): ``1,250.5`` in English,
    ``1 250,5`` in Kyrgyz and Russian; no trailing zeros."""
    return format_quantity(value)


@register.filter
def number(value: object, places: int = 2) -> str:
    """A number with a fixed count of decimals, such as a score: ``72.50`` / ``72,50``."""
    return format_number(value, int(places))


@register.filter
def score(value: object) -> str:
    """A criterion's score: ``9``, ``7.5`` / ``7,5`` (``ssp_portal.formatting.format_score``)."""
    return format_score(value)


@register.filter
def input_value(field: BoundField) -> str:
    """A form field's value as its widget writes it into an input: ``24000.50`` and ``2026-05-01``
    whatever the language (a number or date input cannot read ``24 000,50`` or ``1 мая 2026``)."""
    value = field.field.widget.format_value(field.value())
    return "" if value is None else value


@register.filter
def in_zone(value: datetime | None, zone: str) -> datetime | None:
    """An aware time converted to a named zone (a municipality's ``time_zone``)."""
    if value is None:
        return None
    return timezone.localtime(value, ZoneInfo(zone or "Asia/Bishkek"))


@register.simple_tag(takes_context=True)
def language_next(context: template.Context) -> str:
    """Where the language switch comes back to: this page; after a form was sent (the address
    of a POST may not open by GET), the page of this site the form was on, else the home page,
    which is also where an address with a control character (a 404) sends it."""
    request = context.get("request")
    if request is None or has_control_characters(request):
        return reverse("home")
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return way_back(request) or reverse("home")


@register.simple_tag(takes_context=True)
def login_url(context) -> str:
    """The log-in page, with ``?next=`` the page being read, so that one comes back to it.

    Only a page that was asked for with GET can be asked for again; the account pages
    themselves (log in, sign up, password reset) and an address with a control character (a
    404) are no place to come back to.
    """
    url = reverse("account_login")
    request = context.get("request")
    if request is None or request.method != "GET" or has_control_characters(request):
        return url
    match = getattr(request, "resolver_match", None)
    if match is not None and (match.url_name or "").startswith("account_"):
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


@register.simple_tag
def support_email() -> str:
    """The address for help (``SSP_SUPPORT_EMAIL``), for the foot of every e-mail, whatever the
    context the e-mail was rendered with."""
    return settings.SSP_SUPPORT_EMAIL


@register.simple_tag
def site_url() -> str:
    """The portal's address (``SSP_SITE_URL``), for links in e-mails and documents."""
    return settings.SSP_SITE_URL


# The zones of Kyrgyz municipalities, as people name them.
ZONE_NAMES = {"Asia/Bishkek": gettext_lazy("Bishkek time")}


@register.filter
def zone_name(zone: str) -> str:
    """A time zone as people say it: ``Bishkek time`` for ``Asia/Bishkek``."""
    zone = zone or "Asia/Bishkek"
    if zone in ZONE_NAMES:
        return str(ZONE_NAMES[zone])
    return _("%(city)s time") % {"city": zone.rsplit("/", 1)[-1].replace("_", " ")}
