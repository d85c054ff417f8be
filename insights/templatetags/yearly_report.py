"""``{% filter pdf_charts %}{% chart chart download=False %}{% endfilter %}``: charts in a PDF.

WeasyPrint draws an inline ``<svg>`` with the stylesheets inside it alone, not the page's; the
portal's charts carry none (``ssp_portal/charts.py``: the web pages style them from
``static/css/charts.css``). This filter puts that stylesheet into each drawing, with the PDF's
own font, so that the PDF draws the charts as the pages do.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CHARTS_CSS = "css/charts.css"
# The PDFs' font (templates/pdf/base.html) has the Kyrgyz letters ң ө ү.
PDF_FONT = '.ssp-chart { font-family: "Portal Sans", "DejaVu Sans", sans-serif; }'
SVG_OPENING = re.compile(r"(<svg\b[^>]*>)")


@cache
def charts_stylesheet() -> str:
    """The charts' stylesheet, read once, followed by the PDF's font."""
    path = finders.find(CHARTS_CSS)
    if not path:
        raise LookupError(f"{CHARTS_CSS} is not among the static files")
    return Path(path).read_text(encoding="utf-8") + PDF_FONT


@register.filter(is_safe=True)
def pdf_charts(html: str) -> SafeString:
    """``html`` with the charts' stylesheet inside every ``<svg>`` it holds."""
    style = f"<style>{charts_stylesheet()}</style>"
    return mark_safe(SVG_OPENING.sub(lambda match: match.group(1) + style, str(html)))  # noqa: S308 - our own stylesheet in our own SVG
