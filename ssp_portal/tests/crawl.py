"""The pages a person reaches from the home page by following links, and the forms on them.

Same site only, bounded (a limit of pages per person and per URL name), without the admin,
downloads (files and exports) and links that act (log-out). Query strings are dropped: filter
and page variants show the same forms as the page itself.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

from ssp_portal.tests.forms_as_rendered import RenderedForm, forms_on, links_on

# URL names that answer a file, not a page.
DOWNLOADS = frozenset(
    {
        "documents:download",
        "documents:status",
        "organizations:document-download",
        "procurement:attachment-download",
        "monitoring:report-attachment",
        "monitoring:visit-photo",
        "healthz",
    }
)
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/accounts/logout/", "/i18n/")


@dataclass
class Page:
    url: str
    url_name: str
    html: str
    forms: list[RenderedForm]


def url_name_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


@dataclass
class BrokenLink:
    page: str
    link: str
    status: int


def crawl(
    client: Client,
    *,
    start: str = "/",
    max_pages: int = 250,
    per_name: int = 6,
    skip_prefixes: tuple[str, ...] = SKIPPED_PREFIXES,
    broken: list[BrokenLink] | None = None,
) -> list[Page]:
    """Breadth-first from ``start``: every same-site HTML page answered 200, in the order found.
    Links answered 4xx or 5xx (or to no URL of the portal) are added to ``broken``."""
    seen: set[str] = {start}
    queue: deque[tuple[str, str]] = deque([(start, "")])
    per_name_count: Counter[str] = Counter()
    pages: list[Page] = []
    while queue and len(pages) < max_pages:
        path, referrer = queue.popleft()
        name = url_name_of(path)
        if name is None:
            if broken is not None:
                broken.append(BrokenLink(referrer, path, 404))
            continue
        if name in DOWNLOADS or per_name_count[name] >= per_name:
            continue
        response = client.get(path)
        if response.status_code >= 400 and broken is not None:
            broken.append(BrokenLink(referrer, path, response.status_code))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_name_count[name] += 1
        html = response.content.decode()
        pages.append(Page(url=path, url_name=name, html=html, forms=forms_on(html, path)))
        for link in links_on(html, path):
            parts = urlsplit(link)
            if parts.netloc not in {"", "testserver"} or parts.scheme not in {"", "http", "https"}:
                continue
            target = parts.path or "/"
            if target.startswith(skip_prefixes) or target in seen:
                continue
            seen.add(target)
            queue.append((target, path))
    return pages


# Stable names for what a URL points at (ids differ between databases) ------------------------


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:40]


def _application(pk: int) -> str:
    from procurement.models import Application

    application = Application.objects.select_related("organization", "competition").get(pk=pk)
    version = f"-v{application.version}" if application.version > 1 else ""
    return f"{_slug(application.organization.name)}@{_slug(application.competition.title)}{version}"


def _project(pk: int) -> str:
    from monitoring.models import Project

    return _slug(Project.objects.select_related("organization").get(pk=pk).organization.name)


def _report(pk: int) -> str:
    from monitoring.models import MonitoringReport

    report = MonitoringReport.objects.select_related("project__organization").get(pk=pk)
    return f"{_slug(report.project.organization.name)}-{report.kind}-{report.number}"


def _organization(pk: int) -> str:
    from organizations.models import Organization

    return _slug(Organization.objects.get(pk=pk).name)


def _priority_issue(pk: int) -> str:
    from procurement.models import PriorityIssue

    return _slug(PriorityIssue.objects.get(pk=pk).title)


# The object a URL's ``pk`` names, by the URL name's prefix.
PK_LABELS = [
    ("organizations:", _organization),
    ("procurement:priority-issue", _priority_issue),
    ("procurement:", _application),
    ("monitoring:report", _report),
    ("monitoring:", _project),
]


def describe(path: str) -> str:
    """``url-name[what]`` for a path, naming objects by what they are, not by their ids:
    ``procurement:application-budget[public-union-ulukman-daryger@maintaining-public-order]``."""
    from procurement.models import Competition

    match = resolve(urlsplit(path).path)
    name = match.view_name
    labels = []
    for key, value in match.captured_kwargs.items():
        if key == "reference":
            competition = Competition.objects.filter(reference=value).first()
            labels.append(_slug(competition.title) if competition else value)
        elif key == "pk":
            label = next((f for prefix, f in PK_LABELS if name.startswith(prefix)), None)
            try:
                labels.append(label(value) if label else str(value))
            except Exception:  # an id that names nothing: keep the id
                labels.append(str(value))
        else:
            labels.append(str(value))
    return f"{name}[{','.join(labels)}]" if labels else name
