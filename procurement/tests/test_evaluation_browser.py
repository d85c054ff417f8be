"""Three members declare and score two applications; the chair reads the ranking; finance staff
award and publish; the applicant reads the outcome. In Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from organizations.factories import MunicipalityMembershipFactory, OrganizationMembershipFactory
from procurement.models import Application, Competition
from procurement.tests.competition_in_evaluation import build
from ssp_portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page: Page) -> None:
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Log out").click()


def test_the_commission_scores_staff_award_and_the_applicant_reads_the_outcome(page: Page, live_server):
    base = live_server.url
    staff = MunicipalityMembershipFactory(municipality__name="Karakol", municipality__code="KRK").user
    evaluation = build(staff.municipality_memberships.get().municipality)
    # Two eligible applications are enough here: C is screened ineligible.
    Application.objects.filter(pk=evaluation.applications[2].pk).update(state=Application.State.INELIGIBLE)
    applicant = OrganizationMembershipFactory(organization=evaluation.applications[0].organization).user
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    # Scores per member for A and B: (Relevance /10, Budget /5).
    scores = {
        evaluation.chair: ((9, 5), (6, 3)),
        evaluation.member1: ((8, 4), (7, 4)),
        evaluation.member2: ((9, 4), (5, 2)),
    }

    for user, (for_a, for_b) in scores.items():
        log_in(page, base, user.email)
        page.locator("#main-nav").get_by_role("link", name="Commission").click()
        page.get_by_test_id("commission-work").get_by_role("link", name="Sign the declaration").click()
        page.get_by_label("I sign this declaration").check()
        page.get_by_role("button", name="Sign the declaration").click()
        expect(page.get_by_test_id("my-evaluation")).to_contain_text("no conflict of interest")
        for application, values in ((evaluation.applications[0], for_a), (evaluation.applications[1], for_b)):
            page.goto(f"{base}/applications/{application.pk}/score/")
            for criterion, value in zip(evaluation.criteria, values, strict=True):
                page.get_by_label(f"Score: {criterion.name}").fill(str(value))
                page.get_by_label(f"Comment: {criterion.name}").fill(f"{user.full_name} on {criterion.name}")
            page.get_by_role("button", name="Submit the sheet").click()
            expect(page.get_by_test_id("sheet-state")).to_contain_text("Submitted and locked")
        log_out(page)

    # The chair has submitted every sheet: the ranking is open to them.
    log_in(page, base, evaluation.chair.email)
    page.goto(f"{base}/competitions/{evaluation.competition.reference}/evaluation/")
    page.get_by_role("link", name="Ranking").click()
    ranking = page.get_by_test_id("ranking")
    # A: chair 9/10×60+5/5×40=94, member 1 48+32=80, member 2 54+32=86 → mean 86.67
    expect(ranking.locator("tbody tr").first).to_contain_text("Organization A")
    expect(ranking.locator("tbody tr").first.locator("[data-total]")).to_have_text("86.67")
    log_out(page)

    # Finance staff award the first and publish the results.
    log_in(page, base, staff.email)
    page.goto(f"{base}/competitions/{evaluation.competition.reference}/awards/")
    row = page.get_by_test_id("award-table").locator('tr[data-organization="Organization A"]')
    row.get_by_label("Awarded amount (soms)").fill("140000")
    row.get_by_role("button", name="Award").click()
    # The award is confirmed with its amount, rank and the budget left.
    details = page.get_by_test_id("award-details")
    expect(details).to_contain_text("KGS\u00a0140,000")
    expect(page.get_by_role("heading", level=1)).to_have_text("Award KGS\u00a0140,000 to Organization A?")
    assert Competition.objects.get(pk=evaluation.competition.pk).awards.count() == 0
    page.get_by_test_id("confirmation-form").get_by_role("button", name="Award").click()
    expect(page.get_by_test_id("awarded-total")).to_have_text("KGS\u00a0140,000")
    page.get_by_role("link", name="Publish the results").click()
    # What publishing the results does: who is awarded how much, who is not, who is told.
    consequences = page.get_by_test_id("consequences")
    expect(page.get_by_test_id("awarded")).to_contain_text("Organization A: KGS\u00a0140,000")
    expect(consequences).to_contain_text("These eligible applications become “not awarded”: Organization B.")
    expect(consequences).to_contain_text("Each of the 4 organizations that applied receives an e-mail")
    assert Competition.objects.get(pk=evaluation.competition.pk).state == Competition.State.EVALUATION
    page.get_by_role("button", name="Publish the results").click()
    expect(page.get_by_test_id("competition-state")).to_contain_text("Completed")
    expect(page.get_by_test_id("public-results")).to_contain_text("Organization A")
    assert Competition.objects.get(pk=evaluation.competition.pk).state == Competition.State.COMPLETED
    log_out(page)

    # The applicant reads the outcome and the total, never the members' comments.
    log_in(page, base, applicant.email)
    page.goto(f"{base}/applications/")
    page.get_by_test_id("my-applications").get_by_role("link").first.click()
    outcome = page.get_by_test_id("own-result")
    expect(outcome).to_contain_text("Awarded: KGS\u00a0140,000.")
    expect(outcome).to_contain_text("Total score 86.67 of 100; place 1 of 2.")
    assert "on Relevance" not in page.content()
