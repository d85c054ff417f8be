"""Every form of every demo person, the admin's included, posted with hostile values.

For each demo person (and the anonymous visitor) the forms are those on the pages reached from
the home page by links (ssp_portal/tests/crawl.py); for the administrator also every add and
change page of the administration site. Each form is sent once per hostile value, with every
field set to it (files: once per file that is not what its name says). Whatever is sent:

- the answer is never a 5xx;
- an answer that is not a success (a redirect) stored nothing: the SQL it ran wrote nothing, or
  (when it wrote and rolled back) every table's rows are as before, sessions aside;
- where the script value was stored, the page it leads to shows it escaped.

Each post runs in a savepoint that is rolled back, so every post meets the demo as seeded.
The walk also notes links that answer 4xx or 5xx: ``test_every_link_a_demo_person_follows_opens``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from ssp_portal.tests.conftest import DEMO_PEOPLE, person_id
from ssp_portal.tests.crawl import url_name_of
from ssp_portal.tests.forms_as_rendered import RenderedForm, forms_on

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
HOSTILE = {
    "empty": "",
    "very long": "Ж" * 10_001,
    "script": SCRIPT,
    "rtl marks": "\u202eSTL\u200f \u2067mark\u2069",
    "nul": "nul\x00char",
    "1e309": "1e309",
    "NaN": "NaN",
    "-1": "-1",
    "abc": "abc",
    "30 February": "2026-02-30",
    "year 99999": "99999-01-01",
    "no such id": "999999999",
    "past the integer range": "99999999999999999999999",
}
# A search or filter (GET) changes nothing: it is tried with what could break a lookup or the page.
FOR_SEARCHES = ("very long", "script", "nul", "abc", "past the integer range")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FILES = {
    "a .pdf that is text": ("charter.pdf", b"This is plain text, not a PDF.\n"),
    "a .jpg that is a PDF": ("photo.jpg", PDF),
    "a .docx that is a program": ("report.docx", b"MZ\x90\x00\x03\x00\x00\x00 a Windows program"),
    "a name with a NUL and a path": ("../../char\x00ter.pdf", PDF),
}
# People whose forms store free text: the escaping check must have run for them.
WRITERS = {"finance@karakol.example", "baldarga@ngo.example", "ulukman@ngo.example"}
# Forms that end the session the posts run in.
NOT_POSTED = {"account_logout"}
# Forms that work the same whoever sends them: tried for the first person that has them.
SAME_FOR_EVERYONE = {
    "set_language",
    "account_email",
    "account_change_password",
    "account_reset_password",
    "organizations:profile",
    "procurement:follow",
    "procurement:competition-list",
    "procurement:receipt-verify",
}


def fingerprint() -> str:
    """Every table's rows (sessions aside), as one digest."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table == "django_session":
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names)
            for row in sorted(repr(row) for row in cursor.fetchall()):
                digest.update(row.encode())
    return digest.hexdigest()


def wrote(queries: CaptureQueriesContext) -> bool:
    for query in queries.captured_queries:
        sql = query["sql"].lstrip().upper()
        if sql.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")) and "DJANGO_SESSION" not in sql:
            return True
    return False


def error_of(response) -> str:
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    exception = exc_info[1]
    return f"{type(exception).__name__}: {str(exception)[:200]}"


def unescaped_script(html: str) -> bool:
    return SCRIPT in html


@dataclass
class Target:
    """A form to attack: where it was found and what it is."""

    page: str
    form: RenderedForm

    @property
    def url_name(self) -> str:
        return url_name_of(self.form.action.split("?")[0]) or self.form.action

    @property
    def key(self) -> tuple:
        """The same form on another object (report 2's narrative, report 3's) is the same code."""
        names = tuple(sorted({re.sub(r"\d+", "N", c.name) for c in self.form.fields if c.name}))
        return (self.form.method, self.url_name, names)


MANAGEMENT = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")


def hostile_data(form: RenderedForm, value: str) -> dict[str, object]:
    """Every field set to ``value``; a formset's row count keeps its rendered value when the
    value is a large number (Django then builds its maximum of rows, a thousand: slow, not wrong)."""
    data: dict[str, object] = {}
    large = value.isdigit() and len(value) > 3
    for control in form.fields:
        if not control.name or control.name == "csrfmiddlewaretoken":
            continue
        data[control.name] = control.value if large and MANAGEMENT.search(control.name) else value
    button = form.default_button
    if button is not None and button.name:
        data[button.name] = button.value
    return data


def file_data(form: RenderedForm, name: str, content: bytes) -> dict[str, object]:
    data: dict[str, object] = dict(form.data())
    for control in form.file_fields:
        data[control.name] = SimpleUploadedFile(name, content)
    return data


def text_data(form: RenderedForm, value: str) -> dict[str, object]:
    """The form as rendered, with ``value`` in every free-text field: likely to be stored."""
    data: dict[str, object] = dict(form.data())
    for control in form.typed_fields:
        if control.tag == "textarea" or (control.tag == "input" and control.type in {"text", "search"}):
            data[control.name] = value
    return data


def cases_for(form: RenderedForm) -> list[tuple[str, dict]]:
    labels = FOR_SEARCHES if form.method == "get" else HOSTILE
    cases = [(label, hostile_data(form, HOSTILE[label])) for label in labels]
    if form.method == "post" and any(c.tag == "textarea" or c.type == "text" for c in form.typed_fields):
        cases.append(("script in the text", text_data(form, SCRIPT)))
    if form.file_fields:
        cases += [(label, file_data(form, *file)) for label, file in FILES.items()]
    return cases


def attack(client, target: Target, base: str, problems: list[str], stored: list[str]) -> int:
    """Send the form once per hostile value; note what goes wrong in ``problems`` and where the
    script was stored in ``stored``. ``base`` is the fingerprint of the database as every post
    finds it. Returns the number of posts."""
    form = target.form
    cases = cases_for(form)
    where = f"{form.method.upper()} {form.action} (on {target.page})"
    for label, data in cases:
        savepoint = transaction.savepoint()
        try:
            with CaptureQueriesContext(connection) as queries:
                if form.method == "get":
                    response = client.get(form.action.split("?")[0], data)
                else:
                    response = client.post(form.action, data)
            client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
            if response.status_code >= 500:
                problems.append(f"{where} with {label}: {response.status_code} {error_of(response)}")
                continue
            success = response.status_code in (301, 302, 303)
            if not success and form.method == "post" and wrote(queries) and fingerprint() != base:
                problems.append(f"{where} with {label}: answered {response.status_code} but stored something")
            html = response.content.decode(errors="replace") if not response.streaming else ""
            if unescaped_script(html):
                problems.append(f"{where} with {label}: the page shows the script unescaped")
            if success and label.startswith("script") and form.method == "post" and wrote(queries):
                stored.append(where)
                for shown_at in {response["Location"], target.page}:
                    if not shown_at.startswith("/"):
                        continue
                    shown = client.get(shown_at)
                    if shown.status_code >= 500:
                        problems.append(f"{where} with {label}: {shown_at} then answered {shown.status_code}")
                    elif not shown.streaming and unescaped_script(shown.content.decode(errors="replace")):
                        problems.append(f"{where} with {label}: {shown_at} shows the script unescaped")
        finally:
            transaction.savepoint_rollback(savepoint)
    return len(cases)


def targets_on(pages, *, skip: set[tuple] = frozenset()) -> list[Target]:
    """The forms of the pages, each kind once (see ``Target.key``)."""
    found: dict[tuple, Target] = {}
    for page in pages:
        for form in page.forms:
            target = Target(page=page.url, form=form)
            if target.url_name in NOT_POSTED or target.key in skip:
                continue
            found.setdefault(target.key, target)
    return list(found.values())


def person_targets(demo, email: str | None) -> list[Target]:
    """A person's forms; those everyone has (the account's, the language) for the first person only."""
    earlier = DEMO_PEOPLE[: DEMO_PEOPLE.index(email)]
    skip = {
        target.key
        for person in earlier
        for target in targets_on(demo.pages[person])
        if target.url_name in SAME_FOR_EVERYONE
    }
    return targets_on(demo.pages[email], skip=skip)


@pytest.mark.parametrize("email", DEMO_PEOPLE, ids=person_id)
def test_no_form_of_a_demo_person_breaks_or_stores_on_hostile_input(demo, email):
    client = demo.client(email)
    targets = person_targets(demo, email)
    assert demo.pages[email], "the walk found no page"
    base = fingerprint()
    problems: list[str] = []
    stored: list[str] = []
    posts = sum(attack(client, target, base, problems, stored) for target in targets)
    assert not problems, f"{len(problems)} of {posts} posts went wrong:\n" + "\n".join(problems)
    if email in WRITERS:
        assert stored, "no form stored the script: the escaping check did not run"


def link_cases():
    for email in DEMO_PEOPLE:
        yield pytest.param(email, id=person_id(email))


@pytest.mark.parametrize("email", list(link_cases()))
def test_every_link_a_demo_person_follows_opens(demo, email):
    """The walk behind the form tests also notes links that answer 4xx or 5xx."""
    broken = [f"{b.link} (linked from {b.page}): {b.status}" for b in demo.broken[email]]
    assert not broken, "\n".join(broken)


# The administration site ---------------------------------------------------------------------


def admin_pages() -> list[tuple[str, str]]:
    """(model label, url name) of each add and change page the admin registers."""
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        pages.append((opts.label, f"admin:{opts.app_label}_{opts.model_name}_add"))
        pages.append((opts.label, f"admin:{opts.app_label}_{opts.model_name}_change"))
        pages.append((opts.label, f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    return pages


def admin_targets(client) -> list[Target]:
    targets = []
    for label, url_name in admin_pages():
        model = next(m for m in admin.site._registry if m._meta.label == label)
        try:
            if url_name.endswith("_change"):
                obj = model._default_manager.order_by("pk").first()
                if obj is None:
                    continue
                url = reverse(url_name, args=[obj.pk])
            else:
                url = reverse(url_name)
        except NoReverseMatch:
            continue
        response = client.get(url)
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
        if response.status_code != 200:
            continue
        for form in forms_on(response.content.decode(), url):
            if form.action.startswith("/admin/logout/") or form.action.startswith("/i18n/"):
                continue
            if form.fields or form.method == "post":
                targets.append(Target(page=url, form=form))
    return targets


def test_no_admin_page_breaks_or_stores_on_hostile_input(demo):
    client = demo.client("admin@ssp.example")
    targets = admin_targets(client)
    assert len(targets) > 20
    base = fingerprint()
    problems: list[str] = []
    stored: list[str] = []
    posts = sum(attack(client, target, base, problems, stored) for target in targets)
    assert stored, "no admin page stored the script: the escaping check did not run"
    assert not problems, f"{len(problems)} of {posts} posts went wrong:\n" + "\n".join(problems)


def test_the_fingerprint_sees_any_changed_row_but_not_sessions(demo):
    from organizations.models import Organization

    before = fingerprint()
    demo.client("baldarga@ngo.example")  # a log-in writes a session (and the last log-in time)
    after_login = fingerprint()
    assert fingerprint() == after_login
    Organization.objects.filter(pk=Organization.objects.first().pk).update(mission="Changed.")
    assert fingerprint() not in (before, after_login)
