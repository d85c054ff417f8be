"""Finance staff announce a competition in Chromium; a visitor finds it and downloads the announcement."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from organizations.factories import (
    PASSWORD,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)
from procurement.factories import CompetitionFactory, PriorityIssueFactory, SubscriptionFactory
from procurement.models import Competition
from ssp_portal.documents.tests.conftest import pdf_text
from ssp_portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_publish_a_competition_that_a_visitor_finds_and_downloads(page: Page, live_server):
    base = live_server.url
    membership = MunicipalityMembershipFactory(
        municipality__name="Karakol", municipality__slug="karakol", municipality__code="KRK"
    )
    staff, karakol = membership.user, membership.municipality
    PriorityIssueFactory(municipality=karakol, title="Work with homeless people")
    PriorityIssueFactory(title="Another municipality's issue")
    SubscriptionFactory(municipality=karakol)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=40)

    # Finance staff draft the competition.
    log_in(page, base, staff.email)
    page.locator("#main-nav").get_by_role("link", name="Karakol").click()
    page.get_by_role("link", name="New competition").click()
    # Written in both state languages, and in English.
    page.get_by_label("Title — Кыргызча").fill("Коомдук тартипти сактоо")
    page.get_by_label("Description — Кыргызча").fill("Көчөдө иштөө, кышкы баш калкалоочу жай.")
    page.get_by_label("Title — Русский").fill("Поддержание общественного порядка")
    page.get_by_label("Description — Русский").fill("Работа на улице, зимний приют.")
    page.get_by_label("Title — English (optional)").fill("Maintaining Public Order")
    page.get_by_label("Priority issue").select_option(label=f"Work with homeless people ({today.year})")
    page.get_by_label("Description — English (optional)").fill(
        "Outreach, winter shelter and a way back to work."
    )
    page.get_by_label("Total budget (soms)").fill("200000")
    page.get_by_label("Maximum grant per project (soms)").fill("200000")
    page.get_by_label("Number of projects expected").fill("1")
    page.get_by_label("Announcement date").fill(today.isoformat())
    page.get_by_label("Submission deadline").fill(f"{deadline.isoformat()}T17:00")
    page.get_by_label("Project start").fill((deadline + datetime.timedelta(days=10)).isoformat())
    page.get_by_label("Project end").fill((deadline + datetime.timedelta(days=190)).isoformat())
    page.get_by_role("button", name="Save the draft").click()
    reference = f"KRK-{today.year}-001"
    expect(page.get_by_text(reference).first).to_be_visible()
    checks = page.get_by_test_id("publish-checks")
    expect(checks.locator('[data-done="yes"]')).to_have_count(5)
    expect(checks).to_contain_text("✓ Done: Written in Kyrgyz and Russian")
    expect(checks).to_contain_text(
        re.compile(r"Applicants have (39|40) days until the deadline \(at least 30\)")
    )
    # Weights cannot add up without criteria: that check is left to do, never done.
    expect(checks.locator('[data-done="no"]')).to_have_text(
        [
            "✗ To do: Add at least one evaluation criterion",
            "✗ To do: Give the criteria weights that add up to 100",
            "✗ To do: Appoint at least 3 commission members (now 0)",
            "✗ To do: Appoint a chair of the commission",
        ]
    )

    # The publish button leads to what is left to do; nothing is published.
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_test_id("confirmation-problems")).to_contain_text(
        "Add at least one evaluation criterion"
    )
    expect(page.get_by_test_id("confirmation-form")).to_have_count(0)
    page.get_by_role("link", name="Back").click()

    # Criteria, through the checklist's link: two rows are there, a third is added.
    checks.get_by_role("link", name="Add at least one evaluation criterion").click()
    expect(page).to_have_url(f"{base}/competitions/{reference}/criteria/")
    page.get_by_role("button", name="Add a criterion").click()
    for i, (name, weight) in enumerate([("Relevance", "50"), ("Approach", "30"), ("Budget", "20")]):
        page.locator(f"#id_criteria-{i}-name").fill(name)
        page.locator(f"#id_criteria-{i}-max_score").fill("10")
        page.locator(f"#id_criteria-{i}-weight").fill(weight)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("criteria")).to_contain_text("Approach")
    expect(checks).to_contain_text("✓ Done: 3 evaluation criteria")
    expect(checks).to_contain_text("✓ Done: Their weights add up to 100")

    # Written in English only, the criteria are translated through the checklist's links: the
    # editor of each language shows the English under each name.
    for language, names in (
        ("ky", ["Актуалдуулугу", "Мамилеси", "Бюджет"]),
        ("ru", ["Актуальность", "Подход", "Бюджет"]),
    ):
        missing = "Kyrgyz" if language == "ky" else "Russian"
        checks.get_by_role("link", name=re.compile(f"Criteria without {missing} text")).click()
        expect(page).to_have_url(f"{base}/competitions/{reference}/criteria/?lang={language}")
        expect(page.get_by_test_id("other-language").filter(has_text="English: Relevance")).to_have_count(1)
        for i, name in enumerate(names):
            page.locator(f"#id_criteria-{i}-name").fill(name)
        page.get_by_role("button", name="Save").click()
        expect(checks).not_to_contain_text(f"Criteria without {missing} text")
    assert list(Competition.objects.get().criteria.values_list("name_ky", "name_ru", "name_en")) == [
        ("Актуалдуулугу", "Актуальность", "Relevance"),
        ("Мамилеси", "Подход", "Approach"),
        ("Бюджет", "Бюджет", "Budget"),
    ]

    # The commission, through the checklist's link: a chair and two members, invited by e-mail.
    checks.get_by_role("link", name="Appoint a chair of the commission").click()
    expect(page).to_have_url(f"{base}/competitions/{reference}/commission/")
    for i, (email, name, role) in enumerate(
        [
            ("chair@karakol.example", "Nurlan Asanov", "chair"),
            ("member1@karakol.example", "Aigul Mamytova", "member"),
            ("member2@karakol.example", "Bakyt Toktosunov", "member"),
        ]
    ):
        page.locator(f"#id_commission-{i}-email").fill(email)
        page.locator(f"#id_commission-{i}-full_name").fill(name)
        page.locator(f"#id_commission-{i}-role").select_option(role)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("commission")).to_contain_text("Nurlan Asanov")

    expect(checks.locator('[data-done="no"]')).to_have_count(0)
    expect(checks).to_contain_text("✓ Done: Chair: Nurlan Asanov")

    # The confirmation says what publishing does; only its button publishes.
    page.get_by_role("link", name="Publish…").click()
    consequences = page.get_by_test_id("consequences")
    expect(consequences).to_contain_text(f"{reference} becomes public")
    expect(consequences).to_contain_text(
        f"Organizations can apply until {deadline.day} {deadline.strftime('%B')} {deadline.year}, 17:00 "
        "(Bishkek time)"
    )
    expect(consequences).to_contain_text("its terms change only through amendments")
    expect(consequences).to_contain_text(
        "1 person who follows Karakol or this priority issue receives an e-mail."
    )
    assert Competition.objects.get().state == Competition.State.DRAFT
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("competition-state")).to_contain_text("Open for proposals")
    assert Competition.objects.get().state == Competition.State.PUBLISHED
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Log out").click()

    # A visitor finds it through the filters.
    page.goto(f"{base}/competitions/")
    page.get_by_label("Municipality").select_option(label="Karakol")
    page.get_by_label("State").select_option(label="Open for proposals")
    page.get_by_label("Search").fill("public order")
    page.get_by_role("button", name="Find").click()
    results = page.get_by_test_id("competition-results")
    expect(results).to_contain_text("Maintaining Public Order")
    results.get_by_role("link").first.click()
    expect(page.get_by_test_id("deadline")).to_contain_text("17:00")
    expect(page.get_by_test_id("budget")).to_have_text("KGS\u00a0200,000")

    # The announcement is offered in each language it is written in.
    texts = {}
    for language in ("ky", "ru", "en"):
        with page.expect_download() as download_info:
            page.locator(f'[data-document-language="{language}"]').get_by_role(
                "link", name="Download"
            ).click()
        download = download_info.value
        assert download.suggested_filename == f"announcement-{reference}.pdf"
        with open(download.path(), "rb") as pdf:
            texts[language] = pdf_text(pdf.read())
    assert reference in texts["en"]
    assert "Maintaining Public Order" in texts["en"]
    assert "Relevance" in texts["en"]
    assert "Коомдук тартипти сактоо" in texts["ky"]
    assert "Поддержание общественного порядка" in texts["ru"]


def test_a_visitor_and_a_pending_organizations_member_each_see_their_next_step(page: Page, live_server):
    base = live_server.url
    competition = CompetitionFactory(published=True, ready=True, title="Maintaining Public Order")
    pending = OrganizationFactory(name="Jany Jol")
    member = OrganizationMembershipFactory(organization=pending).user
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.set_viewport_size({"width": 360, "height": 800})

    # An anonymous visitor on a phone: log in or sign up, and come back here afterwards.
    page.goto(f"{base}{competition.get_absolute_url()}")
    panel = page.get_by_test_id("apply-panel")
    expect(panel).to_contain_text("Log in or sign up to apply")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The next step comes before the long description.
    assert (
        panel.bounding_box()["y"]
        < page.get_by_role("heading", name="About the competition").bounding_box()["y"]
    )
    panel.get_by_role("link", name="Log in").click()
    page.locator("#id_login").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()

    # Back on the competition, the member of a pending organization reads why and what happens next.
    expect(page).to_have_url(f"{base}{competition.get_absolute_url()}")
    waiting = page.get_by_test_id("waiting-organization")
    expect(waiting).to_contain_text("Jany Jol cannot apply yet: it is waiting for verification")
    expect(waiting).to_contain_text("Its members receive an e-mail once it is verified")
    expect(page.get_by_role("button", name=re.compile("Apply"))).to_have_count(0)
    waiting.get_by_role("link", name="Open the organization's page and its documents").click()
    expect(page.get_by_role("heading", name="Jany Jol")).to_be_visible()
    expect(page.get_by_test_id("verification-status")).to_contain_text("Pending verification")
