"""The demo's yearly reports: one for each of Karakol's years with announced competitions, so
that its page offers the PDF and the translation tests render it (its documents are prepared
when asked for)."""

from __future__ import annotations

from insights import figures, yearly
from insights.figures import Scope
from insights.models import YearlyReport
from organizations.demo import DemoWorld


def seed(world: DemoWorld) -> list[YearlyReport]:
    reports = []
    for year in figures.years_with_figures(Scope(world.karakol)):
        report = yearly.report_for(world.karakol, year)
        if report is not None:
            reports.append(report)
    return reports
