"""Charts (ssp_portal/charts.py): valid SVG with a title, no style or script of its own, the
same figures in the drawing, the table and the CSV."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from ssp_portal import charts
from ssp_portal.charts import Chart, Series

NS = "{http://www.w3.org/2000/svg}"


def money_chart() -> Chart:
    return Chart(
        "money",
        "Money by year",
        ["2025", "2026"],
        [
            Series("Allocated", [Decimal("400000"), Decimal("250000")]),
            Series("Awarded", [Decimal("400000"), None]),
        ],
        money=True,
        label_header="Year",
    )


def texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314 - the portal's own drawing
    return [node.text for node in root.iter() if node.text and node.text.strip()]


@pytest.mark.parametrize("kind", charts.KINDS)
def test_every_kind_is_valid_svg_with_its_title_and_nothing_that_runs(kind):
    chart = Chart("k", "Projects by state", ["active", "completed"], [Series("Projects", [2, 1])], kind=kind)
    root = ElementTree.fromstring(chart.svg())  # noqa: S314 - the portal's own drawing
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    title = root.find(f"{NS}title")
    assert title is not None and title.text == "Projects by state"
    assert root.get("aria-labelledby") == title.get("id")
    tags = {node.tag.removeprefix(NS) for node in root.iter()}
    assert not tags & {"script", "style", "foreignObject"}
    assert not any(name.startswith("on") for node in root.iter() for name in node.attrib)
    assert "style" not in {name for node in root.iter() for name in node.attrib}


def test_the_drawing_and_the_table_write_the_same_figures_in_the_language():
    chart = money_chart()
    with translation.override("ru"):
        svg = str(chart.svg())
        html = Template("{% load charts %}{% chart chart download=False %}").render(Context({"chart": chart}))
    drawn = texts(svg)
    assert "400\xa0000\xa0сом" in drawn and "250\xa0000\xa0сом" in drawn
    table = html[html.index("<table") :]
    assert table.count("400\xa0000\xa0сом") == 2 and "250\xa0000\xa0сом" in table
    assert '<td class="number">—</td>' in table
    assert "CSV" not in html


def test_an_empty_chart_says_so():
    chart = Chart("e", "Nothing", [], [Series("Projects", [])])
    assert chart.empty
    with translation.override("en"):
        assert "No figures yet" in texts(str(chart.svg()))


def test_series_and_labels_must_agree():
    with pytest.raises(ValueError, match="values for"):
        Chart("x", "X", ["a", "b"], [Series("s", [1])])


def test_the_csv_holds_the_table_and_the_link_asks_for_it():
    chart = money_chart()
    request = RequestFactory().get("/dashboard/", {"year": "2026", "page": "2"})
    html = Template("{% load charts %}{% chart chart %}").render(
        Context({"chart": chart, "request": request})
    )
    assert 'href="/dashboard/?year=2026&amp;chart=money&amp;export=csv"' in html
    asked = RequestFactory().get("/dashboard/", {"chart": "money", "export": "csv"})
    with translation.override("en"):
        answer = charts.export(asked, [chart], name=["Karakol"])
        lines = b"".join(answer.streaming_content).decode("utf-8-sig").splitlines()
    assert lines == ["Year,Allocated,Awarded", "2025,400000,400000", "2026,250000,"]
    assert (
        charts.export(
            RequestFactory().get("/dashboard/", {"chart": "other", "export": "csv"}), [chart], name=[]
        )
        is None
    )
    assert charts.export(RequestFactory().get("/dashboard/"), [chart], name=[]) is None


def test_a_chart_of_counts_has_whole_numbers_on_its_axis():
    chart = Chart(
        "a", "Applications", ["KRK-2026-001", "KRK-2026-002"], [Series("Applications", [2, 1])], kind="hbar"
    )
    assert charts.count_ticks(chart) == [0, 1, 2]
    assert charts.count_ticks(money_chart()) == []
    with translation.override("en"):
        drawn = texts(str(chart.svg()))
    assert "0.5" not in drawn and "1" in drawn and "2" in drawn


def test_horizontal_bars_read_top_down_in_the_tables_order_with_the_legend_at_the_margin():
    chart = Chart(
        "h",
        "Money",
        ["First issue", "Second issue"],
        [
            Series("Allocated", [Decimal("300"), Decimal("100")]),
            Series("Awarded", [Decimal("1"), Decimal("2")]),
        ],
        kind="hbar",
        money=True,
    )
    root = ElementTree.fromstring(str(chart.svg()))  # noqa: S314 - the portal's own drawing
    labels = [node for node in root.iter(f"{NS}text") if node.text in {"First issue", "Second issue"}]
    by_height = sorted(labels, key=lambda node: float(node.get("y")))
    assert [node.text for node in by_height] == ["First issue", "Second issue"]
    legends = next(node for node in root.iter(f"{NS}g") if "legends" in node.get("class", "").split())
    assert legends.get("transform").startswith(f"translate({charts.MARGIN},")
    assert chart.wide is False and money_chart().wide is False


def test_the_drawing_has_one_title_and_no_positions_for_a_screen_reader():
    chart = Chart("c", "Applications", ["A", "B"], [Series("Applications", [2, 1])], kind="hbar")
    with translation.override("ru"):
        root = ElementTree.fromstring(str(chart.svg()))  # noqa: S314 - the portal's own drawing
    assert [node.text for node in root.iter(f"{NS}title")] == ["Applications"]


def test_horizontal_money_bars_have_three_round_steps_so_that_amounts_do_not_touch():
    chart = Chart(
        "m",
        "Money",
        ["A", "B"],
        [Series("Allocated", [Decimal("400000"), Decimal("90000")])],
        kind="hbar",
        money=True,
    )
    assert charts.across_ticks(chart) == [0, 200000, 400000]
    wide = Chart("w", "W", ["A"], [Series("s", [Decimal("730000")])], kind="hbar", money=True)
    assert charts.across_ticks(wide) == [0, 500000, 1000000]
    assert charts.across_ticks(Chart("v", "V", ["A"], [Series("s", [Decimal("10")])], money=True)) == []


@pytest.mark.parametrize("top", [Decimal("200000"), Decimal("730000"), 12])
def test_the_last_value_under_horizontal_bars_is_inside_the_drawing(top):
    """The last axis value is centred on the plot's right edge: half of it must fit before the
    drawing's own edge (about 9 px a digit at the axis font)."""
    chart = Chart("h", "H", ["A", "B"], [Series("s", [top, top // 2])], kind="hbar", money=top > 100)
    root = ElementTree.fromstring(str(charts.render(chart)))  # noqa: S314 - the portal's own drawing
    plot = next(g for g in root.iter() if (g.get("transform") or "").startswith("translate("))
    left = float(plot.get("transform")[len("translate(") :].split(",")[0])
    last = charts.format_quantity((charts.count_ticks(chart) or charts.across_ticks(chart))[-1])
    (label,) = [t for t in root.iter() if t.tag == f"{NS}text" and (t.text or "") == last]
    assert left + float(label.get("x")) + len(last) * 9 / 2 <= charts.WIDTH
