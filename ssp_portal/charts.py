"""Charts: figures drawn as SVG on the server (pygal), with the same figures as a table and a CSV.

A page builds ``Chart`` values from its figures and shows each with ``{% chart chart %}``
(``ssp_portal/templatetags/charts.py``): the drawing, a table of the same numbers beside it (what a
screen reader reads, and what a person copies) and a link that downloads them as CSV. Nothing is
loaded from elsewhere and nothing runs in the browser, so a chart prints, goes into a PDF, and
obeys the portal's Content-Security-Policy:

- pygal's own ``<style>`` and ``<script>`` are left out of the SVG; ``static/css/charts.css``
  styles every chart (the PDFs include it too), so the drawing carries no inline style.
- The SVG has a ``<title>`` and ``role="img"``; its numbers are written in the page's language.
- ``export(request, charts, name=...)`` answers ``?chart=<key>&export=csv`` on the page that
  shows the charts, through the export mechanism (``ssp_portal/exports.py``): the same permission
  as the page, the same figures.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pygal
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pygal.style import Style

from ssp_portal import exports
from ssp_portal.formatting import format_quantity, format_soms

PARAMETER = "chart"
KINDS = ("bar", "hbar", "pie")
# Sizes the layout is computed with; static/css/charts.css writes the same.
FONT = "DejaVu Sans, Arial, sans-serif"
STYLE = Style(
    font_family=FONT,
    title_font_size=17,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=15,
    value_font_size=14,
    tooltip_font_size=14,
    background="transparent",
    plot_background="transparent",
    colors=("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#6c757d"),
)
WIDTH = 480
HEIGHT = 320
# Longer labels are cut on the drawing (the table beside it writes them whole).
LABEL_CHARS = 24
MARGIN = 12
# What a horizontal chart adds left of the labels pygal measures (see _pygal_chart).
HBAR_LABEL_ROOM = 48
# About half the width of a digit of the axis font: the last value under horizontal bars is
# centred on the plot's right edge, so half of it needs room beyond.
HALF_DIGIT = 5
# A table of more series than this goes under its drawing, whole width, instead of beside it.
SIDE_TABLE_SERIES = 2


Number = int | Decimal | None


@dataclass(frozen=True)
class Series:
    """One set of bars (or the slices of a pie): a name and a value per label."""

    name: str | Promise
    values: Sequence[Number]


@dataclass(frozen=True)
class Chart:
    """A chart and its table: ``labels`` down the table's first column (``label_header``), one
    column per series. ``key`` names it in the page (element ids, ``?chart=`` of its CSV)."""

    key: str
    title: str | Promise
    labels: Sequence[str | Promise]
    series: Sequence[Series]
    kind: str = "bar"
    money: bool = False
    label_header: str | Promise = ""
    note: str | Promise = ""
    height: int = HEIGHT
    _svg: list = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        for one in self.series:
            if len(one.values) != len(self.labels):
                raise ValueError(
                    f"series {one.name!s} has {len(one.values)} values for {len(self.labels)} labels"
                )

    @property
    def wide(self) -> bool:
        """True when the table has too many columns to sit beside the drawing."""
        return len(self.series) > SIDE_TABLE_SERIES

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw: no labels, or every value empty or zero."""
        return not any(value for one in self.series for value in one.values)

    def written(self, value: Number) -> str:
        """A value as the table and the drawing write it in the page's language."""
        if value is None:
            return "—"
        return format_soms(value) if self.money else format_quantity(value)

    def rows(self) -> list[tuple[str, list[Number]]]:
        """The table: each label with its value in every series."""
        return [
            (str(label), [one.values[index] for one in self.series])
            for index, label in enumerate(self.labels)
        ]

    def columns(self) -> list[exports.Column]:
        """The CSV's columns: the label, then a column per series."""
        columns = [exports.Column(self.label_header or _("Label"), lambda row: row[0])]
        for index, one in enumerate(self.series):
            columns.append(exports.Column(one.name, lambda row, index=index: row[1][index], money=self.money))
        return columns

    def svg(self) -> SafeString:
        """The drawing (rendered once per chart)."""
        if not self._svg:
            self._svg.append(render(self))
        return self._svg[0]


def _pygal_chart(chart: Chart) -> pygal.graph.graph.Graph:
    options = {
        "style": STYLE,
        "width": WIDTH,
        "height": chart.height,
        "title": str(chart.title),
        "js": [],
        "css": [],
        "disable_xml_declaration": True,
        "no_prefix": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 1 if len(chart.series) > 2 or chart.kind == "pie" else 2,
        "truncate_legend": LABEL_CHARS + 8,
        "truncate_label": LABEL_CHARS,
        "print_values": False,
        "show_legend": len(chart.series) > 1 or chart.kind == "pie",
        "no_data_text": gettext("No figures yet"),
        # The axis writes plain numbers (the title says soms); each bar's description and the
        # table write its amount whole.
        "value_formatter": format_quantity,
        "formatter": chart.written,
        "margin": MARGIN,
    }
    if chart.kind == "pie":
        return _pie(chart, options)
    return _bars(chart, options)


def _pie(chart: Chart, options: dict) -> pygal.graph.graph.Graph:
    drawing = pygal.Pie(**options)
    only = chart.series[0] if chart.series else Series("", [])
    for label, value in zip(chart.labels, only.values, strict=True):
        drawing.add(str(label), [float(value or 0)])
    return drawing


def _bars(chart: Chart, options: dict) -> pygal.graph.graph.Graph:
    """Bars up, or across (``hbar``: pygal draws the first label at the bottom, so the labels go
    in reversed to read top-down in the table's order)."""
    order = list(range(len(chart.labels)))
    if chart.kind == "hbar":  # the values run across: few enough that they do not touch
        # pygal measures labels in Latin letters; Cyrillic ones are wider and would be cut.
        options |= {"max_scale": 4, "min_scale": 2, "margin_left": HBAR_LABEL_ROOM}
        order.reverse()
    ticks = count_ticks(chart) or across_ticks(chart)
    if ticks:  # counts: whole numbers on the axis, never "0.8 applications"
        options["y_labels"] = ticks
        if chart.kind == "hbar":  # "1 000 000" under the end of the longest bar, not cut by the edge
            options["margin_right"] = MARGIN + HALF_DIGIT * len(format_quantity(ticks[-1]))
    drawing = (pygal.HorizontalBar if chart.kind == "hbar" else pygal.Bar)(**options)
    drawing.x_labels = [shortened(str(chart.labels[index])) for index in order]
    for one in chart.series:
        values = [one.values[index] for index in order]
        drawing.add(str(one.name), [None if value is None else float(value) for value in values])
    return drawing


def count_ticks(chart: Chart) -> list[int]:
    """The value axis of a chart of counts (not money, every value whole): at most five whole
    steps from zero past the largest value; [] for other charts (pygal chooses)."""
    values = [value for one in chart.series for value in one.values if value is not None]
    if chart.money or chart.kind == "pie" or not values or not all(isinstance(v, int) for v in values):
        return []
    top = max(values)
    step = max(1, math.ceil(top / 4))
    return list(range(0, top + step, step))


def across_ticks(chart: Chart) -> list[int]:
    """The value axis of horizontal bars of money: zero and two round steps, since amounts written
    side by side touch on a phone ("100 000200 000"); [] for other charts (pygal chooses)."""
    values = [value for one in chart.series for value in one.values if value is not None]
    if chart.kind != "hbar" or not chart.money or not values or max(values) <= 0:
        return []
    half = max(1, math.ceil(max(values) / 2))
    magnitude = 10 ** (len(str(half)) - 1)
    step = next(int(factor * magnitude) for factor in (1, 2, 2.5, 5, 10) if factor * magnitude >= half)
    return [0, step, 2 * step]


def shortened(label: str) -> str:
    """A label cut to what fits beside a bar, with an ellipsis."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def render(chart: Chart) -> SafeString:
    """The SVG of ``chart``, with a title for screen readers and no style or script of its own."""
    tree = _pygal_chart(chart).render_tree()
    root = tree if tree.tag.endswith("svg") else tree.getroot()
    for parent in list(root.iter()):
        parent.attrib.pop("style", None)
        for child in list(parent):
            if _dropped(child) or (parent is not root and _local(child.tag) == "title"):
                parent.remove(child)
    if chart.kind == "hbar":
        _legend_under_the_labels(root)
    root.set("role", "img")
    root.set("aria-labelledby", f"chart-{chart.key}-title")
    root.set("class", f"pygal-chart ssp-chart ssp-chart-{chart.kind}")
    root.attrib.pop("id", None)
    title = root.find("title")
    if title is None:
        title = ElementTree.Element("title")
        root.insert(0, title)
    title.set("id", f"chart-{chart.key}-title")
    title.text = str(chart.title)
    return mark_safe(ElementTree.tostring(root, encoding="unicode"))  # noqa: S308 - built from escaped XML


def _legend_under_the_labels(root: ElementTree.Element) -> None:
    """pygal starts a bottom legend where the plot starts, right of the labels of a horizontal
    chart, and the series' names run off its right edge: they start at the left margin instead."""
    for node in root.iter():
        if "legends" in node.get("class", "").split() and node.get("transform", "").startswith("translate("):
            _x, y = node.get("transform").removeprefix("translate(").rstrip(")").split(",")
            node.set("transform", f"translate({MARGIN}, {y.strip()})")


def _dropped(node: ElementTree.Element) -> bool:
    """What the page does not need: pygal's style and script, its empty definitions, the tooltip
    that only its script shows and the positions it places it at (``<desc class="x …">``, in
    English decimals), comments. (The titles pygal gives axis labels, positions such as "0,25",
    go too: a screen reader would read them.)"""
    if not isinstance(node.tag, str):
        return True
    tooltip_position = _local(node.tag) == "desc" and node.get("class", "").split()[:1] in (["x"], ["y"])
    return (
        _local(node.tag) in {"script", "style", "defs"}
        or "tooltip-overlay" in node.get("class", "")
        or tooltip_position
    )


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def requested(request: HttpRequest) -> str:
    """The key of the chart whose figures the request asks for as a file, or ''."""
    if not exports.requested(request):
        return ""
    return request.GET.get(PARAMETER, "")


def export(request: HttpRequest, charts: Sequence[Chart], *, name: Sequence[object]) -> HttpResponse | None:
    """The figures of the chart asked for (``?chart=<key>&export=csv|xlsx``), or None."""
    key = requested(request)
    chart = next((one for one in charts if one.key == key), None)
    if chart is None:
        return None
    return exports.response(
        chart.rows(), chart.columns(), fmt=exports.requested(request), name=[chart.title, *name]
    )


def legend(chart: Chart) -> SafeString:
    """A chart's series named in words, for a caption ("Allocated, awarded")."""
    return format_html("{}", ", ".join(str(one.name) for one in chart.series))
