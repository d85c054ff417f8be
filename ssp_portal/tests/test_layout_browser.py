"""The key pages of every role, in Chromium, on the Karakol demo: on a 360 px phone no page scrolls
sideways and no amount breaks inside the number; on a 1280 px laptop no table is cut off (a table
in its own scroll box still shows its states and amounts); on paper, pages print as documents."""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser

from monitoring.models import MonitoringReport, Project
from organizations.models import User
from procurement.models import Application, Competition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}

# What a page does wrong, measured in the page.
SIDEWAYS = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .filter(el => { for (let p = el.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return false; } return true; })
    .map(el => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 50)}`);
  const broken = [...document.querySelectorAll('.amount')]
    .filter(a => a.getClientRects().length > 1).map(a => a.textContent);
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5), broken};
}"""

CUT_TABLES = """() => {
  const problems = [];
  for (const table of document.querySelectorAll('main table')) {
    let box = table.parentElement;
    while (box && box !== document.body && getComputedStyle(box).overflowX === 'visible') {
      box = box.parentElement;
    }
    const scrolls = box && box !== document.body;
    const visible = scrolls ? box.getBoundingClientRect() : {left: 0, right: window.innerWidth};
    const rect = table.getBoundingClientRect();
    if (rect.right <= visible.right + 1) continue;
    const head = [...table.querySelectorAll('th')].map(th => th.textContent.trim()).join(' | ');
    if (!scrolls) { problems.push(`cut off: ${head}`); continue; }
    // In a scroll box: the states and the amounts must still be in view.
    const hidden = [...table.querySelectorAll('td')]
      .filter(td => td.querySelector('.amount, .badge'))
      .filter(td => td.getBoundingClientRect().right > visible.right + 1);
    if (hidden.length) problems.push(`states or amounts out of view: ${head}`);
  }
  return problems;
}"""


def key_pages() -> dict[str | None, list[str]]:
    """The key pages of each role on the demo, by the e-mail of who opens them (None: the public)."""
    completed = Competition.objects.filter(state=Competition.State.COMPLETED).order_by("reference").first()
    open_call = Competition.objects.get(state=Competition.State.PUBLISHED)
    project = Project.objects.order_by("contract_number").first()
    report = (
        MonitoringReport.objects.filter(project=project).exclude(state="draft").order_by("number").first()
    )
    draft_report = MonitoringReport.objects.filter(project=project, state="draft").first()
    awarded = Application.objects.get(competition=completed, state=Application.State.AWARDED)
    draft = Application.objects.get(competition=open_call, state=Application.State.DRAFT)
    karakol = completed.municipality.slug
    return {
        None: [
            "/competitions/",
            completed.get_absolute_url(),
            open_call.get_absolute_url(),
            f"/municipalities/{karakol}/projects/",
            project.get_absolute_url(),
        ],
        "finance@karakol.example": [
            "/",
            f"/municipalities/{karakol}/competitions/",
            f"/competitions/{completed.reference}/applications/",
            f"/competitions/{completed.reference}/awards/",
            f"/municipalities/{karakol}/projects/",
            project.get_absolute_url(),
            report.get_absolute_url(),
            awarded.get_absolute_url(),
            "/organizations/review/",
        ],
        awarded.organization.memberships.first().user.email: [
            "/",
            "/applications/",
            awarded.get_absolute_url(),
            "/my-reports/",
            draft_report.get_absolute_url(),
            project.get_absolute_url(),
        ],
        draft.organization.memberships.first().user.email: [
            "/",
            draft.get_absolute_url(),
            f"/applications/{draft.pk}/budget/",
            f"/applications/{draft.pk}/activities/",
        ],
        "chair@karakol.example": [
            "/",
            "/commission/",
            f"/competitions/{completed.reference}/ranking/",
            f"/applications/{awarded.pk}/score/",
        ],
        "consultant@dpi.example": ["/", "/monitoring/", report.get_absolute_url()],
    }


def open_as(browser: Browser, base: str, email: str | None, language: str, viewport: dict):
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    if email is not None:
        User.objects.filter(email=email).update(language=language)
        client = Client()
        client.force_login(User.objects.get(email=email))
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": base,
                }
            ]
        )
    return context


def test_key_pages_fit_a_phone_and_a_laptop_in_every_language(browser: Browser, live_server, demo_data):
    base = live_server.url
    pages = key_pages()
    problems = []
    for language, email, viewport in itertools.product(["ky", "ru", "en"], pages, (PHONE, LAPTOP)):
        context = open_as(browser, base, email, language, viewport)
        page = context.new_page()
        for url in pages[email]:
            response = page.goto(base + url)
            assert response.status == 200, (email, url, response.status)
            where = f"{language}, {viewport['width']} px, {email or 'public'}: {url}"
            found = page.evaluate(SIDEWAYS)
            if found["scroll"] > found["width"]:
                problems.append(f"{where}: scrolls sideways to {found['scroll']} px: {found['wide']}")
            if found["broken"]:
                problems.append(f"{where}: amounts broken across lines: {found['broken']}")
            if viewport is LAPTOP:
                problems += [f"{where}: {problem}" for problem in page.evaluate(CUT_TABLES)]
        context.close()
    assert not problems, "\n".join(problems)


PRINTED = """() => {
  const shown = el => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
  const header = document.querySelector('.print-header');
  const links = [...document.querySelectorAll('main p a[href^="/"], main dd a[href^="/"]')].filter(shown);
  return {
    screenOnly: [...document.querySelectorAll('nav, form, button, .btn, input, select, textarea')]
      .filter(el => el.type !== 'hidden').filter(shown).map(el => el.outerHTML.slice(0, 60)),
    header: header && shown(header)
      ? [...header.querySelectorAll('[data-print-text]')]
        .map(el => getComputedStyle(el, '::before').content).join(' ')
      : '',
    headerText: header ? header.textContent.trim() : null,
    rows: [...document.querySelectorAll('main tr')].every(tr => getComputedStyle(tr).breakInside === 'avoid'),
    links: links.map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content]),
  };
}"""


def test_competition_results_ranking_and_project_pages_print_as_documents(
    browser: Browser, live_server, demo_data
):
    base = live_server.url
    completed = Competition.objects.filter(state=Competition.State.COMPLETED).order_by("reference").first()
    project = Project.objects.order_by("contract_number").first()
    for email, url in [
        (None, completed.get_absolute_url()),
        ("finance@karakol.example", completed.get_absolute_url()),
        ("chair@karakol.example", f"/competitions/{completed.reference}/ranking/"),
        ("finance@karakol.example", project.get_absolute_url()),
    ]:
        context = open_as(browser, base, email, "en", {"width": 794, "height": 1123})
        page = context.new_page()
        page.goto(base + url)
        page.emulate_media(media="print")
        printed = page.evaluate(PRINTED)
        assert printed["screenOnly"] == [], (url, printed["screenOnly"])
        assert "SSP Portal" in printed["header"]
        assert f"{settings.SSP_SITE_URL}{url}" in printed["header"]
        assert "As of" in printed["header"]
        # Printed from attributes: on screen the page's text does not repeat its own address.
        assert printed["headerText"] == ""
        assert printed["rows"], url
        # A link in the text prints its full address after it.
        for href, after in printed["links"]:
            assert after == f'" ({settings.SSP_SITE_URL}{href})"'
        if url == project.get_absolute_url():
            assert [href for href, _ in printed["links"]] == [completed.get_absolute_url()]
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF-")
        context.close()
