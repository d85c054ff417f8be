"""The Content-Security-Policy in Chromium, on the Karakol demo: the key pages of every role, the
account pages and the administration site load without a single violation (no inline script,
event handler, style element or style attribute is left), and what their scripts do still works:
the language switch, a row editor's "add row", the unsaved-changes question, the count-down, the
one-click submit, the printed addresses, and the admin's inlines, calendar and selector."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

from monitoring.models import SiteVisit
from organizations.models import Municipality, User
from procurement.models import Application, Competition
from ssp_portal.tests.test_layout_browser import LAPTOP, key_pages, open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in every page before its own scripts (Playwright's init scripts are not subject to the
# page's policy): it keeps each violation the page reports.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || 'inline'} ` +
    `(${event.sourceFile || 'page'}:${event.lineNumber}) ${event.sample}`);
});
"""
CONSOLE_PROBLEM = re.compile(r"Content.Security.Policy|Permissions.Policy|Refused to", re.I)


class Watched:
    """A browser context whose pages report CSP violations, console errors and script errors."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.problems: list[str] = []
        self.failing = ""
        context.add_init_script(WATCH)
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on(
            "pageerror", lambda error: self.problems.append(f"{self.page.url}: script error: {error}")
        )

    def _error(self, error) -> None:
        self.problems.append(f"{self.page.url}: script error: {error}")

    def _console(self, message) -> None:
        # The admin's pages name no icon, so the browser asks for /favicon.ico, which is a 404.
        where = message.location.get("url", "")
        if where.endswith("/favicon.ico") or (self.failing and where == self.failing):
            return
        if message.type == "error" or CONSOLE_PROBLEM.search(message.text):
            self.problems.append(f"{self.page.url}: console {message.type}: {message.text}")

    def open(self, url: str, status: int = 200) -> Page:
        # An error page is itself a resource that failed to load, as the console says.
        self.failing = url if status >= 400 else ""
        response = self.page.goto(url)
        assert response.status == status, (url, response.status)
        assert "default-src 'self'" in response.headers["content-security-policy"], url
        self.page.wait_for_load_state("load")
        self.collect()
        return self.page

    def collect(self) -> None:
        for violation in self.page.evaluate("window.__violations.splice(0)"):
            self.problems.append(f"{self.page.url}: {violation}")


def watched_as(browser: Browser, base: str, email: str | None) -> Watched:
    return Watched(open_as(browser, base, email, "en", LAPTOP))


def more_pages() -> dict[str | None, list[tuple[str, int]]]:
    """Pages beyond the layout test's key pages: the account pages, the row editors, error pages."""
    draft_competition = Competition.objects.filter(state=Competition.State.DRAFT).first()
    draft = Application.objects.get(state=Application.State.DRAFT)
    municipality = Municipality.objects.order_by("pk").first()
    finance = User.objects.get(email="finance@karakol.example")
    organization = draft.organization
    visit = SiteVisit.objects.order_by("pk").first()
    return {
        None: [
            ("/", 200),
            ("/accounts/login/", 200),
            ("/accounts/signup/", 200),
            ("/accounts/password/reset/", 200),
            ("/receipts/verify/", 200),
            ("/priority-issues/", 200),
            ("/no-such-page/", 404),
            ("/competitions/%00/", 404),
        ],
        "finance@karakol.example": [
            (f"/competitions/{draft_competition.reference}/criteria/", 200),
            (f"/competitions/{draft_competition.reference}/commission/", 200),
            (f"/competitions/{draft_competition.reference}/publish/", 200),
            ("/accounts/email/", 200),
            ("/accounts/password/change/", 200),
        ],
        draft.organization.memberships.first().user.email: [
            (f"/applications/{draft.pk}/", 200),
            ("/profile/", 200),
            ("/following/", 200),
        ],
        "admin@ssp.example": [
            ("/admin/", 200),
            ("/admin/procurement/competition/", 200),
            ("/admin/organizations/organization/", 200),
            (f"/admin/organizations/organization/{organization.pk}/change/", 200),
            (f"/admin/organizations/municipality/{municipality.pk}/change/", 200),
            (f"/admin/organizations/user/{finance.pk}/change/", 200),
            (f"/admin/monitoring/sitevisit/{visit.pk}/change/", 200),
            ("/admin/auth/group/add/", 200),
        ],
    }


def test_every_role_s_pages_and_the_admin_load_without_a_violation(browser: Browser, live_server, demo_data):
    base = live_server.url
    pages: dict[str | None, list[tuple[str, int]]] = {
        email: [(url, 200) for url in urls] for email, urls in key_pages().items()
    }
    for email, urls in more_pages().items():
        pages.setdefault(email, []).extend(urls)
    problems = []
    opened = 0
    for email, urls in pages.items():
        watched = watched_as(browser, base, email)
        for url, status in urls:
            watched.open(base + url, status)
            opened += 1
        problems += watched.problems
        watched.context.close()
    assert opened > 50
    assert not problems, "\n".join(problems)


def test_the_watch_sees_a_violation(browser: Browser, live_server):
    """The policy is enforced, and the watch above would see what it refuses."""
    watched = watched_as(browser, live_server.url, None)
    page = watched.open(live_server.url + "/competitions/")
    page.evaluate("""() => {
      document.body.insertAdjacentHTML('beforeend', '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
      const script = document.createElement('script');
      script.textContent = 'window.__inline = true;';
      document.body.append(script);
    }""")
    page.wait_for_timeout(200)
    watched.collect()
    assert page.evaluate("window.__inline === undefined")
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    assert any("style-src" in problem for problem in watched.problems), watched.problems
    assert any("script-src" in problem for problem in watched.problems), watched.problems
    watched.context.close()


def test_what_the_scripts_do_still_works(browser: Browser, live_server, demo_data):
    base = live_server.url
    open_call = Competition.objects.get(state=Competition.State.PUBLISHED)
    draft = Application.objects.get(state=Application.State.DRAFT)
    problems = []

    # A visitor: the count-down, the printed addresses, the language switch.
    watched = watched_as(browser, base, None)
    page = watched.open(base + open_call.get_absolute_url())
    expect(page.locator(".countdown")).to_have_text(re.compile(r"\d+ h \d+ min left"))
    site_url = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--portal-site-url')"
    )
    assert site_url.strip() == f'"{settings.SSP_SITE_URL}"'
    page.get_by_role("button", name="Language").click()
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    watched.collect()
    problems += watched.problems
    watched.context.close()

    # An NCO member: "add row" in the budget, the question before leaving unsaved changes, and
    # a form that is sent once.
    watched = watched_as(browser, base, draft.organization.memberships.first().user.email)
    page = watched.open(f"{base}/applications/{draft.pk}/budget/")
    rows = page.locator("[data-rows-body] > tr")
    before = rows.count()
    page.locator("[data-rows-add]").click()
    expect(rows).to_have_count(before + 1)
    page.locator("[data-rows-body] > tr").last.locator("input:not([type=hidden])").first.fill("Stationery")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Back").click()
    assert asked == ["beforeunload"]
    page = watched.open(f"{base}/applications/{draft.pk}/")
    form = page.locator("form[data-submit-once]").first
    form.evaluate("""form => {
      form.addEventListener('submit', event => event.preventDefault());
      form.requestSubmit();
    }""")
    expect(form.locator("button[type=submit]")).to_be_disabled()
    watched.collect()
    problems += watched.problems
    watched.context.close()

    # The administrator: an inline's "add another", the calendar of a date, the selector of
    # permissions.
    watched = watched_as(browser, base, "admin@ssp.example")
    municipality = Municipality.objects.order_by("pk").first()
    page = watched.open(f"{base}/admin/organizations/municipality/{municipality.pk}/change/")
    forms = page.locator("input[name$='-TOTAL_FORMS']").first
    total = int(forms.input_value())
    page.locator(".add-row a").first.click()
    expect(forms).to_have_value(str(total + 1))
    page = watched.open(f"{base}/admin/organizations/organization/{draft.organization.pk}/change/")
    page.locator(".datetimeshortcuts .date-icon").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    page = watched.open(f"{base}/admin/auth/group/add/")
    expect(page.locator(".selector").first).to_be_visible()
    watched.collect()
    problems += watched.problems
    watched.context.close()

    assert not problems, "\n".join(problems)
