"""The dashboards (insights/dashboards.py, insights/views.py): their figures equal the sums of the
rows, counted here in Python; every chart is valid SVG whose numbers are its table's and its CSV's;
the staff part only for who reads the municipality's work; a bad year answers no 5xx."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from insights import figures
from insights.tests import dashboard_world
from insights.tests.dashboard_world import applications_counted, expected
from procurement.factories import CompetitionFactory
from procurement.models import Competition

pytestmark = pytest.mark.django_db

NS = "{http://www.w3.org/2000/svg}"
MEASURES = ("allocated", "awarded", "contracted", "disbursed", "reported")


@pytest.fixture
def world(municipality, other_municipality):
    return dashboard_world.build(municipality, other_municipality)


def municipality_url(world) -> str:
    return reverse("insights:municipality-dashboard", args=[world.municipality.slug])


def portal_url() -> str:
    return reverse("insights:portal-dashboard")


def board_of(response):
    assert response.status_code == 200
    return response.context["board"]


def figures_of(board) -> dict:
    shown = {one.key: one.value for one in board.key_figures}
    shown["contracted"] = board.money.total.contracted
    return shown


@pytest.mark.parametrize("year", [None, "last", "this"])
def test_a_municipality_shows_the_sums_of_its_rows(client, world, year):
    asked = {"last": world.last_year, "this": world.this_year}.get(year)
    response = client.get(municipality_url(world), {"year": asked} if asked else {})
    assert figures_of(board_of(response)) == expected(world.municipality, asked)


def test_the_sums_are_those_of_the_rules(client, world):
    """What the rows above make, in words: an open competition's budget is allocated, a draft's
    and a cancelled one's are not; an award counts once its results are published; a tranche once
    paid; spending once its report is accepted."""
    shown = figures_of(board_of(client.get(municipality_url(world))))
    assert shown == {
        "allocated": Decimal("900000"),  # 400,000 completed + 300,000 open + 200,000 in evaluation
        "awarded": Decimal("250000"),
        "contracted": Decimal("240000"),
        "disbursed": Decimal("115000"),
        "reported": Decimal("20000"),
        "projects": 2,
    }


@pytest.mark.parametrize("year", [None, "this"])
def test_the_portal_shows_the_sums_of_every_municipality(client, world, year):
    asked = world.this_year if year else None
    response = client.get(portal_url(), {"year": asked} if asked else {})
    board = board_of(response)
    assert figures_of(board) == expected(None, asked)
    by_name = {row.label: row.allocated for row in board.money.by_group}
    assert by_name == {
        world.municipality.name: expected(world.municipality, asked)["allocated"],
        world.other.name: expected(world.other, asked)["allocated"],
    }


def test_money_by_year_and_by_priority_issue_are_the_rows_grouped(client, world):
    board = board_of(client.get(municipality_url(world)))
    by_year = {int(row.label): row for row in board.money.by_year}
    for year, row in by_year.items():
        sums = expected(world.municipality, year)
        assert {m: getattr(row, m) for m in MEASURES} == {m: sums[m] for m in MEASURES}
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    for competition in Competition.objects.filter(municipality=world.municipality).select_related(
        "priority_issue"
    ):
        if competition.state in dashboard_world.ANNOUNCED:
            allocated[competition.priority_issue.title] += competition.budget
    assert {row.label: row.allocated for row in board.money.by_group} == dict(allocated)


def test_applications_are_counted_after_the_deadline_only(client, world):
    board = board_of(client.get(municipality_url(world)))
    chart = next(one for one in board.charts if one.key == "applications")
    counts = {label: values[0] for label, values in chart.rows()}
    completed = f"{world.completed.reference} {world.completed.title}"
    assert counts[completed] == applications_counted(world.completed) == 3
    assert not any(label.startswith(world.open.reference) for label in counts)  # sealed
    assert not any(label.startswith(world.draft.reference) for label in counts)


def _svg_values(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314 - the portal's own drawing
    return [node.text for node in root.iter(f"{NS}desc") if "value" in node.get("class", "").split()]


def _figure_cells(html: str, key: str) -> list[str]:
    figure = html[html.index(f'id="chart-{key}"') :]
    table = figure[figure.index("<tbody>") : figure.index("</tbody>")]
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<td class="number">(.*?)</td>', table)]


@pytest.mark.parametrize(
    ("url", "persona", "count"),
    [
        ("municipality", "anonymous", 4),
        ("municipality", "finance_staff", 5),
        ("portal", "anonymous", 4),
        ("portal", "admin_user", 5),
    ],
)
def test_every_chart_is_svg_with_its_title_and_the_numbers_of_its_table(
    client_for, request, world, url, persona, count
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    with translation.override("ru"):
        address = municipality_url(world) if url == "municipality" else portal_url()
        response = client_for(user).get(address, HTTP_ACCEPT_LANGUAGE="ru")
        html = response.content.decode()
        board = board_of(response)
        assert len(board.charts) == count
        for chart in board.charts:
            svg = str(chart.svg())
            root = ElementTree.fromstring(svg)  # noqa: S314 - the portal's own drawing
            assert root.find(f"{NS}title").text == str(chart.title)
            assert svg in html
            written = [chart.written(value) for _label, values in chart.rows() for value in values]
            assert _figure_cells(html, chart.key) == written
            drawn = [chart.written(v) for _label, values in chart.rows() for v in values if v is not None]
            assert sorted(_svg_values(svg)) == sorted(drawn), chart.key


def test_money_titles_say_soms(client, world):
    with translation.override("en"):
        board = board_of(client.get(municipality_url(world)))
        titles = {chart.key: str(chart.title) for chart in board.charts}
    assert titles["money-by-year"].endswith(", soms")
    assert titles["money-by-priority-issue"].endswith(", soms")


@pytest.mark.parametrize("url", ["municipality", "portal"])
def test_the_csv_of_each_chart_is_its_table(client_for, finance_staff, world, url):
    address = municipality_url(world) if url == "municipality" else portal_url()
    client = client_for(finance_staff)
    board = board_of(client.get(address))
    for chart in board.charts:
        response = client.get(address, {"chart": chart.key, "export": "csv"})
        assert response.status_code == 200, chart.key
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(text)))
        assert lines[0][1:] == [str(one.name) for one in chart.series]
        assert [line[0] for line in lines[1:]] == [label for label, _values in chart.rows()]
        for line, (_label, values) in zip(lines[1:], chart.rows(), strict=True):
            assert [Decimal(cell or 0) for cell in line[1:]] == [Decimal(value or 0) for value in values]


@pytest.mark.parametrize("year", ["abc", "1999", "20250", "-1", "２０２５", "2025' OR 1=1"])
def test_a_bad_year_shows_every_year_and_says_so(client, world, year):
    response = client.get(municipality_url(world), {"year": year})
    assert response.status_code == 200
    assert response.context["choice"].year is None
    assert 'data-testid="unknown-year"' in response.content.decode()
    assert figures_of(response.context["board"]) == expected(world.municipality)
    assert client.get(portal_url(), {"year": year}).status_code == 200


def test_the_year_filter_offers_the_years_that_have_figures(client, world):
    choice = client.get(municipality_url(world)).context["choice"]
    assert choice.years == [world.this_year, world.last_year]


STAFF_SEES = {"finance_staff", "consultant", "auditor", "admin_user"}


@pytest.mark.parametrize(
    "persona",
    [
        "anonymous",
        "no_role",
        "nco_member",
        "other_staff",
        "finance_staff",
        "consultant",
        "auditor",
        "admin_user",
    ],
)
def test_the_staff_part_is_for_who_reads_the_municipality(client_for, request, world, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get(municipality_url(world))
    html = response.content.decode()
    keys = [chart.key for chart in response.context["board"].charts]
    # The projects with their public money and public pages are everyone's.
    assert reverse("monitoring:project-detail", args=[world.project.pk]) in html
    if persona in STAFF_SEES:
        assert 'data-testid="staff-dashboard"' in html
        assert "report-timeliness" in keys
    else:
        assert 'data-testid="staff-dashboard"' not in html
        assert "report-timeliness" not in keys


def test_the_staff_see_the_reports_on_time_late_and_overdue(client_for, finance_staff, world):
    board = board_of(client_for(finance_staff).get(municipality_url(world)))
    chart = next(one for one in board.charts if one.key == "report-timeliness")
    assert chart.rows() == [(str(world.last_year), [1, 1, 1])]


def test_the_projects_table_shows_contracted_paid_and_reported(client_for, finance_staff, world):
    response = client_for(finance_staff).get(municipality_url(world))
    rows = {project.pk: project for project in response.context["page"].object_list}
    first = rows[world.project.pk]
    assert (first.amount, first.paid, first.spent) == (Decimal("150000"), Decimal("75000"), Decimal("20000"))
    assert len(rows) == 2


def test_an_unknown_or_inactive_municipality_is_404(client, world):
    assert client.get(reverse("insights:municipality-dashboard", args=["nowhere"])).status_code == 404
    world.other.is_active = False
    world.other.save(update_fields=["is_active"])
    assert client.get(reverse("insights:municipality-dashboard", args=[world.other.slug])).status_code == 404


def test_the_home_page_links_the_dashboards(client, world):
    html = client.get(reverse("home")).content.decode()
    assert reverse("insights:portal-dashboard") in html
    assert municipality_url(world) in html


def test_a_draft_competition_shows_nowhere(client, world):
    html = client.get(municipality_url(world)).content.decode()
    assert world.draft.reference not in html and world.draft.title not in html
    assert world.open.reference not in html  # its budget is allocated, its applications sealed


@pytest.mark.parametrize("persona", ["finance_staff", "consultant", "auditor"])
def test_the_home_panels_link_the_municipality_dashboard(client_for, request, world, persona):
    html = client_for(request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    assert municipality_url(world) in html


def test_the_work_list_links_the_dashboards_of_its_municipalities(client_for, consultant, world):
    response = client_for(consultant).get(reverse("monitoring:queue"))
    assert municipality_url(world) in response.content.decode()


def test_many_groups_are_cut_to_the_largest_and_the_others_summed(client, municipality):
    for budget in range(1, 13):
        CompetitionFactory(
            municipality=municipality,
            published=True,
            budget=Decimal(budget * 1000),
            max_grant=Decimal(budget * 1000),
        )
    with translation.override("en"):
        board = board_of(client.get(reverse("insights:municipality-dashboard", args=[municipality.slug])))
        chart = next(one for one in board.charts if one.key == "money-by-priority-issue")
        rows = chart.rows()
    assert len(rows) == 10
    assert rows[-1][0] == "Others (3)"
    assert rows[-1][1][0] == Decimal("6000")  # 3,000 + 2,000 + 1,000
    assert (
        sum(values[0] for _label, values in rows) == expected(municipality)["allocated"] == Decimal("78000")
    )


def test_the_dashboards_lead_to_each_other_and_to_the_yearly_reports(client, world):
    portal = client.get(portal_url()).content.decode()
    for one in (world.municipality, world.other):
        assert reverse("insights:municipality-dashboard", args=[one.slug]) in portal
    page = client.get(municipality_url(world)).content.decode()
    years = figures.years_with_figures(figures.Scope(municipality=world.municipality))
    assert years
    for year in years:
        link = reverse("insights:yearly-report", args=[world.municipality.slug, year])
        assert link in page
        assert client.get(link).status_code == 200


def test_anyone_reads_the_projects_with_their_paid_and_reported_money(client, world):
    """Paid = the project's paid tranches, reported = its accepted reports' spending, summed here
    from the rows."""
    html = client.get(municipality_url(world)).content.decode()
    project = world.project
    paid = sum(t.amount for t in project.tranches.all() if t.paid_on)
    spent = sum(
        e.amount
        for report in project.reports.all()
        if report.state == "accepted"
        for e in report.expenditures.all()
    )
    row = html[html.index(f'data-project="{project.pk}"') :]
    row = row[: row.index("</tr>")]
    assert Decimal(re.search(r'data-paid="([^"]+)"', row)[1]) == paid
    assert Decimal(re.search(r'data-spent="([^"]+)"', row)[1]) == spent
    assert paid and spent
