"""In Chromium: a member invites a colleague who has no account; the colleague follows the
e-mailed link, chooses a password, joins and opens the draft; removed, they see it no more."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from organizations.factories import OrganizationMembershipFactory
from procurement.factories import ApplicationFactory, CompetitionFactory
from ssp_portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a winter shelter for 35 people"


def test_a_colleague_is_invited_joins_sees_the_draft_and_is_removed(
    page: Page, browser: Browser, live_server
):
    base = live_server.url
    member = OrganizationMembershipFactory(
        organization__verified=True,
        organization__name='Public Union "Ulukman Daryger"',
        user__full_name="Meerim Osmonova",
    )
    organization = member.organization
    draft = ApplicationFactory(
        competition=CompetitionFactory(published=True, title="Maintaining Public Order"),
        organization=organization,
        complete=True,
    )
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    # The member invites a colleague by e-mail address.
    log_in(page, base, member.user.email)
    page.goto(f"{base}{organization.get_absolute_url()}")
    page.get_by_label("E-mail of a colleague").fill("Aida.Sydykova@example.org ")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success")).first).to_contain_text(
        "An invitation is sent to aida.sydykova@example.org"
    )
    invitations = page.get_by_test_id("invitations")
    expect(invitations).to_contain_text("aida.sydykova@example.org")
    expect(invitations).to_contain_text("valid until")
    expect(page.get_by_test_id("member")).to_have_count(1)

    # The colleague, in a browser of her own, follows the link in the e-mail.
    assert [m.to for m in mail.outbox] == [["aida.sydykova@example.org"]]
    link = re.search(r"https?://\S+/invitations/[\w-]+/", mail.outbox[0].body).group(0)
    colleague = browser.new_context(viewport={"width": 360, "height": 800})
    colleague.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    theirs = colleague.new_page()
    theirs.goto(re.sub(r"^https?://[^/]+", base, link))
    expect(theirs.get_by_role("heading", name="Choose a password")).to_be_visible()
    theirs.get_by_label("Full name").fill("Aida Sydykova")
    theirs.locator("#id_password1").fill(NEW_PASSWORD)
    theirs.locator("#id_password2").fill(NEW_PASSWORD)
    theirs.get_by_role("button", name="Make my account").click()
    expect(theirs.get_by_text("Your account is ready.")).to_be_visible()
    # Not a member before accepting.
    assert theirs.goto(f"{base}{draft.get_absolute_url()}").status == 404
    theirs.go_back()
    theirs.get_by_role("button", name='Join Public Union "Ulukman Daryger"').click()
    expect(
        theirs.get_by_text('Welcome: you are now a member of Public Union "Ulukman Daryger".')
    ).to_be_visible()
    assert theirs.evaluate("document.documentElement.scrollWidth") <= 360

    # She opens the organization's draft application.
    assert theirs.goto(f"{base}{draft.get_absolute_url()}").status == 200
    expect(theirs.locator("main")).to_contain_text("Warm winter")

    # The first member removes her, through the confirmation.
    page.goto(f"{base}{organization.get_absolute_url()}")
    expect(page.get_by_test_id("member")).to_have_count(2)
    expect(page.get_by_test_id("invitations")).to_have_count(0)
    page.get_by_test_id("member").filter(has_text="Aida Sydykova").get_by_role("link", name="Remove…").click()
    expect(
        page.get_by_role("heading", name='Remove Aida Sydykova from Public Union "Ulukman Daryger"?')
    ).to_be_visible()
    expect(page.get_by_test_id("consequences")).to_contain_text("They receive an e-mail")
    page.get_by_role("button", name="Remove the member").click()
    expect(
        page.get_by_text('Aida Sydykova is no longer a member of Public Union "Ulukman Daryger".')
    ).to_be_visible()
    expect(page.get_by_test_id("member")).to_have_count(1)

    # Her next request for the application, in the same session, is a 404.
    assert theirs.reload().status == 404
    assert theirs.goto(f"{base}{organization.get_absolute_url()}").status == 404
    assert mail.outbox[-1].to == ["aida.sydykova@example.org"]
    assert "has removed you" in mail.outbox[-1].body
    colleague.close()
