"""The key pages of the benchmark: which rows and people they show, a session for each person,
the check that a page answers itself (not a log-in or enrolment page), and its query count.

Run inside the portal's settings: ``python -m bench.pages`` prints the pages as JSON for
``scripts/bench.py``; the smoke test (ssp_portal/tests/test_bench_smoke.py) calls the same
functions through Django's test client. The portal's modules are imported inside the functions,
so that ``python -m bench.pages`` can set Django up first.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field

import django

# The people of the demo (organizations/demo.py); a bench seed without them gets the first
# person holding the same role.
FINANCE = "finance@karakol.example"
NCO_MEMBER = "baldarga@ngo.example"
COMMISSION = "chair@karakol.example"
CONSULTANT = "consultant@dpi.example"
HOST = "127.0.0.1"


@dataclass
class Page:
    name: str
    path: str
    # The e-mail address of the person signed in, or "" for an anonymous visitor.
    user: str = ""
    # Texts the page's HTML must hold (for a signed-in person, the log-out form as well).
    markers: list[str] = field(default_factory=list)
    # Filled in by prepare(): the session, the Cookie header for it, the queries of one request.
    session: str = ""
    cookie: str = ""
    queries: int | None = None
    # Pages that may be missing from this version of the portal (not 200): skipped, with a note.
    optional: bool = False


def _first(queryset, email: str):
    return queryset.filter(email=email).first() or queryset.order_by("pk").first()


def _people() -> dict:
    from organizations.models import MunicipalityMembership, User

    staff = MunicipalityMembership.Role.STAFF
    consultant = MunicipalityMembership.Role.CONSULTANT
    people = User.objects.distinct()
    return {
        "finance": _first(people.filter(municipality_memberships__role=staff), FINANCE),
        "nco": _first(people.filter(organization_memberships__isnull=False), NCO_MEMBER),
        "commission": _first(people.filter(commission_memberships__isnull=False), COMMISSION),
        "consultant": _first(people.filter(municipality_memberships__role=consultant), CONSULTANT),
    }


def _competitions(finance) -> dict:
    """The competitions with the most applications: an open one, a completed one, and one of the
    finance staff's municipality for its list of applications."""
    from django.db.models import Count

    from procurement.models import Competition

    ranked = Competition.objects.annotate(n=Count("applications")).order_by("-n", "pk")
    municipality = finance.municipality_memberships.order_by("pk").first().municipality
    return {
        "municipality": municipality,
        "open": ranked.filter(state=Competition.State.PUBLISHED).first(),
        "completed": ranked.filter(state=Competition.State.COMPLETED).first(),
        "staff": ranked.filter(municipality=municipality).exclude(state=Competition.State.DRAFT).first(),
    }


def _public_pages(rows: dict) -> list[Page]:
    from django.urls import reverse

    def detail(competition) -> str:
        return reverse("procurement:competition-detail", args=[competition.reference])

    pages = [Page("Public competition list", reverse("procurement:competition-list"))]
    if rows["open"] is not None:
        pages.append(Page("Competition page", detail(rows["open"]), markers=[rows["open"].reference]))
    if rows["completed"] is not None:
        completed = rows["completed"]
        path = detail(completed)
        pages.append(Page("Completed competition's results", path, markers=[completed.reference]))
    pages.append(Page("Home, anonymous", reverse("home"), markers=[reverse("account_login")]))
    return [*pages, *_figures_pages(rows)]


def _figures_pages(rows: dict) -> list[Page]:
    """The dashboards and a public project page (insights, monitoring)."""
    from django.urls import reverse

    from monitoring.models import Project

    slug = rows["municipality"].slug
    pages = [
        Page("Portal dashboard", reverse("insights:portal-dashboard"), optional=True),
        Page(
            "Municipality dashboard", reverse("insights:municipality-dashboard", args=[slug]), optional=True
        ),
    ]
    project = Project.objects.filter(municipality=rows["municipality"]).order_by("pk").first()
    if project is not None:
        path = reverse("monitoring:project-public", args=[project.pk])
        pages.append(Page("Public project page", path, markers=[project.contract_number], optional=True))
    return pages


def _signed_in_pages(people: dict, rows: dict) -> list[Page]:
    from django.urls import reverse

    slug = rows["municipality"].slug
    finance, nco = people["finance"].email, people["nco"].email
    pages = [
        Page("Home, NCO member", reverse("home"), nco),
        Page("Home, finance staff", reverse("home"), finance),
        Page("Home, commission member", reverse("home"), people["commission"].email),
        Page("Home, consultant", reverse("home"), people["consultant"].email),
        Page("Staff: competitions", reverse("procurement:staff-competitions", args=[slug]), finance),
    ]
    if rows["staff"] is not None:
        reference = rows["staff"].reference
        path = reverse("procurement:competition-applications", args=[reference])
        pages.append(Page("Staff: applications of a competition", path, finance, [reference]))
    return [
        *pages,
        Page("Staff: projects", reverse("monitoring:municipality-projects", args=[slug]), finance),
        Page("Staff: tranches", f"/municipalities/{slug}/tranches/", finance, optional=True),
        Page("Consultant: review queue", reverse("monitoring:queue"), people["consultant"].email),
        Page("NCO: my applications", reverse("procurement:my-applications"), nco),
        Page("NCO: reports", reverse("monitoring:reports-due"), nco),
    ]


def key_pages() -> list[Page]:
    """Every key page, for the people and rows of the database at hand."""
    from django.urls import reverse

    people = _people()
    missing = [role for role, person in people.items() if person is None]
    if missing:
        raise RuntimeError(f"The database has nobody in the role of {', '.join(missing)}: seed it first.")
    rows = _competitions(people["finance"])
    pages = [*_public_pages(rows), *_signed_in_pages(people, rows)]
    for page in pages:
        if page.user:
            page.markers.append(f'action="{reverse("account_logout")}"')
    return pages


def session_for(email: str) -> str:
    """A signed-in session for the person, as after a log-in with their second factor when
    their role needs one (organizations.permissions.mfa_required): its cookie's value."""
    from allauth.account.internal.flows.login import record_authentication
    from django.conf import settings
    from django.contrib import auth
    from django.http import HttpRequest
    from django.utils.module_loading import import_string

    from organizations.models import User
    from organizations.permissions import mfa_required

    user = User.objects.get(email=email)
    request = HttpRequest()
    request.META.update({"REMOTE_ADDR": HOST, "SERVER_NAME": HOST, "SERVER_PORT": "443"})
    request.session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    record_authentication(request, user, method="password", email=email)
    if mfa_required(user):
        record_authentication(request, user, method="mfa", type="totp")
    request.session.save()
    return request.session.session_key


def problem(page: Page, status: int, body: str) -> str:
    """What is wrong with the page's answer, or "" when it is the page itself."""
    if status != 200:
        return f"{page.name} ({page.path}) answered {status}, not 200."
    missing = [marker for marker in page.markers if marker not in body]
    if missing:
        return f"{page.name} ({page.path}) answered 200 without {missing[0]!r}: not the page itself."
    return ""


def client_get(client, page: Page):
    from django.conf import settings

    client.cookies.clear()
    if page.session:
        client.cookies[settings.SESSION_COOKIE_NAME] = page.session
    return client.get(page.path, secure=True, headers={"host": HOST})


def measure(client, page: Page) -> str:
    """Checks the page and counts the queries of a second request (the first one warms what
    a running server holds already): the problem found, or ""."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client_get(client, page)
    found = problem(page, response.status_code, response.content.decode())
    if found:
        return found
    with CaptureQueriesContext(connection) as queries:
        client_get(client, page)
    page.queries = len(queries)
    return ""


def prepare() -> dict:
    """The key pages with sessions and query counts; an optional page that does not answer is
    left out with a note, any other problem is raised."""
    from django.conf import settings
    from django.test import Client

    client, pages, notes = Client(), [], []
    for page in key_pages():
        page.session = session_for(page.user) if page.user else ""
        page.cookie = f"{settings.SESSION_COOKIE_NAME}={page.session}" if page.session else ""
        found = measure(client, page)
        if found and page.optional:
            notes.append(f"Skipped: {found}")
        elif found:
            raise RuntimeError(found)
        else:
            pages.append(page)
    return {"pages": [asdict(page) for page in pages], "notes": notes}


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssp_portal.settings")
    django.setup()
    json.dump(prepare(), sys.stdout, ensure_ascii=False)
