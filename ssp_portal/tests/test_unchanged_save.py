"""Every edit form a demo person can reach, sent exactly as rendered, keeps what it showed.

The walk (ssp_portal/tests/crawl.py) follows the links from each demo person's home page, on
the seeded demo plus a draft competition, without the admin and downloads. The forms are read
as a browser reads them (ssp_portal/tests/forms_as_rendered.py), sent unchanged with their
default button, and the page is opened again: every field must show what it showed before.

Which forms edit data: a form sent by POST that shows something stored (at least one field a
person types into or chooses from is filled in: a value, a tick, a chosen option), unless its
address acts rather than edits (``ACTIONS``). Forms with only hidden fields and buttons (log
out, language, submit, publish, withdraw, delete, follow, prepare a document) and forms whose
fields are all empty (register, upload, add a member, the reason to cancel or suspend) act or
create something new: the hostile-input test covers them.

``EDIT_FORMS`` lists what the walk must find, so that a form that appears or disappears is
noticed; a known defect may carry a strict xfail, so that the test turns red (XPASS) once it is
fixed and the mark must go.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ssp_portal.tests.conftest import DEMO_PEOPLE, person_id
from ssp_portal.tests.crawl import describe
from ssp_portal.tests.forms_as_rendered import RenderedForm, forms_on

pytestmark = pytest.mark.django_db

# Addresses whose forms act, though they show values.
ACTIONS = {
    "set_language",
    "account_email",  # choose an address, then make it primary, send again or remove it
    "procurement:competition-create",  # a new draft; its defaults are not stored data
    "procurement:priority-issue-create",
    "procurement:competition-amend",  # publishes an amendment to what it shows
    "monitoring:project-schedule-fill",  # replaces the reports with new ones every few months
    "procurement:attachment-from-organization",  # copies a document of the organization
    "mfa_add_webauthn",  # adds a security key; the name it proposes is not stored data
}


@dataclass(frozen=True)
class Found:
    page: str
    action: str
    position: int  # among the page's forms with this action


def edits_data(form: RenderedForm) -> bool:
    return (
        form.method == "post"
        and bool(form.prefilled())
        and describe(form.action).split("[")[0] not in ACTIONS
    )


def pick(forms: list[RenderedForm], found: Found) -> RenderedForm | None:
    same = [f for f in forms if f.action == found.action]
    return same[found.position] if found.position < len(same) else None


def edit_forms(demo) -> dict[str, Found]:
    """``person-url-name[what]`` → where the form is, for every edit form the walk found."""
    found: dict[str, Found] = {}
    for email in DEMO_PEOPLE:
        if email == "admin@ssp.example":
            continue  # the admin's own pages are tested apart; the portal's are everyone's
        for page in demo.pages[email]:
            actions: dict[str, int] = {}
            for form in page.forms:
                position = actions.get(form.action, 0)
                actions[form.action] = position + 1
                if edits_data(form):
                    found.setdefault(
                        f"{person_id(email)}-{describe(form.action)}", Found(page.url, form.action, position)
                    )
    return found


# (person, form, marks): what the walk finds on the demo.
EDIT_FORMS = [
    ("baldarga@ngo", "monitoring:report-save[public-foundation-baldarga-tirek-interim-2]", ()),
    ("baldarga@ngo", "organizations:organization-edit[public-foundation-baldarga-tirek]", ()),
    ("auditor@karakol", "organizations:profile", ()),
    ("baldarga@ngo", "organizations:profile", ()),
    ("chair@karakol", "organizations:profile", ()),
    ("consultant@dpi", "organizations:profile", ()),
    # The projects' indicators are all reported on: shown, not editable (test_row_editors.py
    # saves an indicator list unchanged).
    ("finance@karakol", "monitoring:project-schedule[public-foundation-baldarga-tirek]", ()),
    ("finance@karakol", "monitoring:project-schedule[public-union-ulukman-daryger]", ()),
    ("finance@karakol", "monitoring:project-tranches[public-foundation-baldarga-tirek]", ()),
    ("finance@karakol", "monitoring:project-tranches[public-union-ulukman-daryger]", ()),
    ("finance@karakol", "organizations:profile", ()),
    ("finance@karakol", "procurement:competition-commission[maintaining-public-order]", ()),
    ("finance@karakol", "procurement:competition-commission[support-for-older-people-living-alone]", ()),
    ("finance@karakol", "procurement:competition-criteria[support-for-older-people-living-alone]", ()),
    ("finance@karakol", "procurement:competition-documents[support-for-older-people-living-alone]", ()),
    ("finance@karakol", "procurement:competition-edit[support-for-older-people-living-alone]", ()),
    ("finance@karakol", "procurement:competition-eligibility[support-for-older-people-living-alone]", ()),
    ("finance@karakol", "procurement:priority-issue-edit[children-of-labor-migrants]", ()),
    ("finance@karakol", "procurement:priority-issue-edit[maintaining-public-order-work-with-homel]", ()),
    ("finance@karakol", "procurement:priority-issue-edit[older-people-living-alone]", ()),
    ("finance@karakol", "procurement:priority-issue-edit[women-victims-of-domestic-violence]", ()),
    ("finance@second", "organizations:profile", ()),
    ("member1@karakol", "organizations:profile", ()),
    ("member2@karakol", "organizations:profile", ()),
    ("ulukman@ngo", "organizations:organization-edit[public-union-ulukman-daryger]", ()),
    ("ulukman@ngo", "organizations:profile", ()),
    (
        "ulukman@ngo",
        "procurement:application-activities[public-union-ulukman-daryger@maintaining-public-order]",
        (),
    ),
    (
        "ulukman@ngo",
        "procurement:application-budget[public-union-ulukman-daryger@maintaining-public-order]",
        (),
    ),
    (
        "ulukman@ngo",
        "procurement:application-section[public-union-ulukman-daryger@maintaining-public-order,project]",
        (),
    ),
    (
        "ulukman@ngo",
        "procurement:application-section[public-union-ulukman-daryger@maintaining-public-order,target_group]",
        (),
    ),
]


def cases():
    for person, key, marks in EDIT_FORMS:
        if key is not None:
            yield pytest.param(f"{person}-{key}", marks=marks, id=f"{person}-{key}")


def test_the_walk_finds_exactly_the_listed_edit_forms(demo):
    listed = {f"{person}-{key}" for person, key, _marks in EDIT_FORMS if key}
    found = set(edit_forms(demo))
    assert sorted(found - listed) == [], "edit forms found but not in EDIT_FORMS:\n" + "\n".join(
        sorted(found - listed)
    )
    assert sorted(listed - found) == [], "edit forms in EDIT_FORMS the walk no longer finds"


ERROR_MARKERS = ('class="invalid-feedback', 'class="errorlist', "alert-danger", 'aria-invalid="true"')


@pytest.mark.parametrize("case", list(cases()))
def test_an_edit_form_saved_unchanged_shows_the_same_values(demo, case):
    found = edit_forms(demo).get(case)
    assert found is not None, f"{case} is no longer reachable"
    person = case.split("-", 1)[0]
    email = next(e for e in DEMO_PEOPLE if person_id(e) == person)
    client = demo.client(email)

    before = pick(forms_on(client.get(found.page).content.decode(), found.page), found)
    assert before is not None
    response = client.post(before.action, before.data())
    assert response.status_code < 500
    if response.status_code == 200:
        page = response.content.decode()
        assert not any(marker in page for marker in ERROR_MARKERS), f"an unchanged save was refused: {case}"
    else:
        assert response.status_code == 302, response.status_code

    after = pick(forms_on(client.get(found.page).content.decode(), found.page), found)
    assert after is not None, "the form is gone after an unchanged save"
    assert after.values() == before.values()
