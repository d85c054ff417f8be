"""``{% chart chart %}``: a chart drawn as SVG, its figures as a table and a CSV link
(``ssp_portal/charts.py``). ``{% chart chart download=False %}`` leaves the link out (PDFs)."""

from __future__ import annotations

from django import template

from ssp_portal import charts, exports

register = template.Library()


def csv_url(request, chart: charts.Chart) -> str:
    """The page's address with its filters, asking for the chart's figures as CSV."""
    query = request.GET.copy()
    query.pop("page", None)
    query[charts.PARAMETER] = chart.key
    query[exports.PARAMETER] = "csv"
    return f"{request.path}?{query.urlencode()}"


@register.inclusion_tag("partials/chart.html", takes_context=True)
def chart(context: template.Context, chart: charts.Chart, download: bool = True) -> dict:
    request = context.get("request")
    rows = [(label, [chart.written(value) for value in values]) for label, values in chart.rows()]
    return {
        "chart": chart,
        "rows": rows,
        "csv_url": csv_url(request, chart) if download and request is not None else "",
    }
