"""A report is one draft form: narrative, indicator values and spending saved together, by one
service call, writing only what changed; invalid input anywhere saves nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import Expenditure, IndicatorValue, MonitoringReport
from monitoring.services import reports as report_services
from monitoring.services.reports import ReportDraft, Spending
from monitoring.tests.contracted_project import fill
from monitoring.tests.pages import form_with, page_forms
from ssp_portal.audit.models import AuditEvent
from ssp_portal.tests import samples

pytestmark = pytest.mark.django_db


def parts(contracted):
    people, satisfaction = contracted.project.indicators.all()
    staff, supplies = contracted.project.budget_lines.all()
    return people, satisfaction, staff, supplies


def stored(report: MonitoringReport) -> tuple:
    """Everything the organization entered, with the rows' ids (a row rewritten gets a new id)."""
    report.refresh_from_db()
    return (
        report.activities,
        report.results,
        report.beneficiaries_reached,
        report.problems,
        report.updated_at,
        sorted(report.indicator_values.values_list("pk", "indicator", "value")),
        sorted(report.expenditures.values_list("pk", "budget_line", "amount", "explanation", "overspent")),
        list(report.rounds.values_list("number", "answers")),
    )


def writes(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]


def save(contracted, report, **draft):
    return report_services.report_save_draft(report=report, by=contracted.member, draft=ReportDraft(**draft))


# The service ----------------------------------------------------------------------------------------


def test_one_call_saves_narrative_values_and_spending_and_records_one_event(contracted):
    report = contracted.reports[0]
    people, satisfaction, staff, supplies = parts(contracted)
    changed = save(
        contracted,
        report,
        narrative={
            "activities": "Classes.",
            "results": "Thirty.",
            "beneficiaries_reached": 30,
            "problems": "",
        },
        values={people.pk: "30", satisfaction.pk: "62.5"},
        spending={staff.pk: Spending(Decimal("20000")), supplies.pk: Spending(Decimal("0"))},
    )
    assert changed == ["narrative", "indicators", "expenditure"]
    report.refresh_from_db()
    assert (report.activities, report.beneficiaries_reached) == ("Classes.", 30)
    assert dict(report.indicator_values.values_list("indicator", "value")) == {
        people.pk: Decimal("30"),
        satisfaction.pk: Decimal("62.5"),
    }
    assert dict(report.expenditures.values_list("budget_line", "amount")) == {
        staff.pk: Decimal("20000"),
        supplies.pk: Decimal("0"),
    }
    events = AuditEvent.objects.filter(verb="report.draft_saved", target_id=str(report.pk))
    assert [e.details for e in events] == [{"sections": ["narrative", "indicators", "expenditure"]}]


def test_saving_unchanged_writes_nothing_and_records_no_event(contracted):
    report = contracted.reports[0]
    fill(contracted, report)
    people, satisfaction, staff, supplies = parts(contracted)
    before, events = stored(report), AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        changed = save(
            contracted,
            report,
            # As a browser sends it back: line breaks as CR LF, numbers as typed.
            narrative={
                "activities": "Done.\r\n",
                "results": "Results.",
                "beneficiaries_reached": 30,
                "problems": "",
            },
            values={people.pk: "30", satisfaction.pk: "60.00"},
            spending={staff.pk: Spending(Decimal("20000.00")), supplies.pk: Spending(Decimal("10000"))},
        )
    assert changed == []
    assert writes(captured) == []
    assert stored(report) == before
    assert AuditEvent.objects.count() == events


def test_only_what_changed_is_written(contracted):
    report = contracted.reports[0]
    fill(contracted, report)
    people, satisfaction, staff, supplies = parts(contracted)
    values = sorted(report.indicator_values.values_list("pk", "value"))
    kept = report.expenditures.get(budget_line=supplies)
    with CaptureQueriesContext(connection) as captured:
        changed = save(
            contracted,
            report,
            narrative={
                "activities": "Done.",
                "results": "Results.",
                "beneficiaries_reached": 30,
                "problems": "",
            },
            values={people.pk: "30", satisfaction.pk: "60"},
            spending={staff.pk: Spending(Decimal("21000")), supplies.pk: Spending(Decimal("10000"))},
        )
    assert changed == ["expenditure"]
    # One expenditure row updated, the report's time of saving, the audit event: nothing else.
    assert [" ".join(sql.split()[:3]) for sql in writes(captured)] == [
        'UPDATE "monitoring_expenditure" SET',
        'UPDATE "monitoring_monitoringreport" SET',
        'INSERT INTO "audit_auditevent"',
    ]
    assert sorted(report.indicator_values.values_list("pk", "value")) == values
    assert report.expenditures.get(budget_line=supplies) == kept  # the same row, not a new one
    assert report.expenditures.get(budget_line=staff).amount == Decimal("21000")


def test_an_amount_of_zero_stays_zero_and_an_empty_one_stays_empty(contracted):
    report = contracted.reports[0]
    _people, _satisfaction, staff, supplies = parts(contracted)
    save(contracted, report, spending={staff.pk: Spending(Decimal("0")), supplies.pk: Spending(None)})
    assert dict(report.expenditures.values_list("budget_line", "amount")) == {staff.pk: Decimal("0")}
    # Emptying an amount that was entered removes it; it does not become 0.
    save(contracted, report, spending={staff.pk: Spending(None), supplies.pk: Spending(Decimal("5"))})
    assert dict(report.expenditures.values_list("budget_line", "amount")) == {supplies.pk: Decimal("5")}


def invalid_drafts(contracted) -> dict:
    people, _satisfaction, staff, supplies = parts(contracted)
    return {
        "value": ({"values": {people.pk: "12.5"}}, f"value_{people.pk}", "counted in whole numbers"),
        "negative": ({"spending": {staff.pk: Spending(Decimal("-1"))}}, f"amount_{staff.pk}", "negative"),
        "over": (
            {"spending": {supplies.pk: Spending(Decimal("50000.01"))}},
            f"explanation_{supplies.pk}",
            "Supplies: spending reaches KGS\u00a050,000.01 of KGS\u00a050,000 approved; explain why.",
        ),
        "explanation alone": (
            {"spending": {staff.pk: Spending(None, "Paid in advance.")}},
            f"amount_{staff.pk}",
            "that this explanation is for",
        ),
        "narrative": (
            {"narrative": {"beneficiaries_reached": 20_000_000}},
            "beneficiaries_reached",
            "10000000",
        ),
    }


@pytest.mark.parametrize("case", ["value", "negative", "over", "explanation alone", "narrative"])
def test_an_invalid_part_saves_nothing_and_names_its_field(contracted, case):
    report = contracted.reports[0]
    fill(contracted, report)
    draft, field, message = invalid_drafts(contracted)[case]
    _people, satisfaction, staff, _supplies = parts(contracted)
    before, events = stored(report), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        save(
            contracted,
            report,
            **{
                "narrative": {"activities": "Changed as well."},
                "values": {satisfaction.pk: "70"},
                "spending": {staff.pk: Spending(Decimal("1"))},
                **draft,
            },
        )
    assert field in info.value.message_dict
    assert message in " ".join(info.value.message_dict[field])
    assert stored(report) == before
    assert AuditEvent.objects.count() == events


def test_the_save_is_one_transaction(contracted, monkeypatch):
    """A failure while writing the last part leaves the parts written before it undone."""
    report = contracted.reports[0]
    fill(contracted, report)
    people, _satisfaction, staff, _supplies = parts(contracted)
    before = stored(report)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Expenditure.objects, "bulk_update", broken)
    with pytest.raises(RuntimeError):
        save(
            contracted,
            report,
            narrative={"activities": "Rewritten."},
            values={people.pk: "99"},
            spending={staff.pk: Spending(Decimal("1"))},
        )
    assert stored(report) == before
    assert IndicatorValue.objects.get(report=report, indicator=people).value == Decimal("30")


def test_answers_are_refused_where_there_is_no_comment(contracted):
    report = contracted.reports[0]
    with pytest.raises(ValidationError, match="no comment of the reviewer"):
        save(contracted, report, answers={"narrative": "Done."})
    fill(contracted, report)
    report_services.report_submit(report=report, by=contracted.member)
    report_services.report_review(
        report=report, by=contracted.consultant, accept=False, comments={"indicators": "Check."}
    )
    with pytest.raises(ValidationError, match="no comment of the reviewer"):
        save(contracted, report, answers={"narrative": "Done."})
    assert save(contracted, report, answers={"indicators": "Checked."}) == ["answers"]
    assert report.rounds.get().answers == {"indicators": "Checked."}


# The page -------------------------------------------------------------------------------------------


def page(client, report) -> str:
    response = client.get(reverse("monitoring:report-detail", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_has_one_draft_form_with_one_save_button_and_the_submit_button(contracted, client_for):
    report = contracted.reports[0]
    html = page(client_for(contracted.member), report)
    people, satisfaction, staff, supplies = parts(contracted)
    form = form_with(html, "activities")
    for name in (
        "results",
        "beneficiaries_reached",
        "problems",
        f"value_{people.pk}",
        f"value_{satisfaction.pk}",
        f"amount_{staff.pk}",
        f"explanation_{supplies.pk}",
    ):
        assert name in form.fields
    assert form.action == reverse("monitoring:report-save", args=[report.pk])
    assert form.buttons == ["Save the draft", "Submit the report"]
    assert form.attrs["data-unsaved-warning"]
    assert "data-unsaved-dirty" not in form.attrs
    # The attachment's upload is a form of its own; no other form saves parts.
    others = [f for f in page_forms(html) if f.action != form.action and f.attrs.get("method") == "post"]
    actions = {f.action for f in others}
    assert reverse("monitoring:report-attach", args=[report.pk]) in actions
    assert not any(name.startswith(("value_", "amount_")) for f in others for name in f.fields)
    assert "js/unsaved.js" in html


def test_narrative_typed_before_saving_the_indicators_is_kept(contracted, client_for):
    """The issue: edit the narrative, then save the indicators, and the narrative was lost."""
    report = contracted.reports[0]
    fill(contracted, report)
    client = client_for(contracted.member)
    people, *_ = parts(contracted)
    form = form_with(page(client, report), f"value_{people.pk}")
    response = client.post(form.action, form.data(activities="Edited.", **{f"value_{people.pk}": "33"}))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.activities == "Edited."
    assert report.indicator_values.get(indicator=people).value == Decimal("33")


def test_the_form_saved_as_rendered_keeps_everything_and_writes_nothing(contracted, client_for):
    """The issue: saving the spending unchanged dropped amounts of 0."""
    report = contracted.reports[0]
    fill(contracted, report, staff="0", satisfaction="62.5")
    report.problems = "Heating.\nLate delivery."
    report.save(update_fields=["problems"])
    client = client_for(contracted.member)
    before, events = stored(report), AuditEvent.objects.count()
    form = form_with(page(client, report), "activities")
    response = client.post(form.action, form.data(), follow=True)
    assert response.status_code == 200
    assert "Nothing had changed: the report is as it was." in response.content.decode()
    assert stored(report) == before
    assert AuditEvent.objects.count() == events
    _people, _satisfaction, staff, _supplies = parts(contracted)
    assert report.expenditures.get(budget_line=staff).amount == Decimal("0")


def test_amounts_are_shown_as_people_write_them(contracted, client_for):
    """As in the other editors: 20000 and 24000.50, not 20000.00; 0 stays 0."""
    report = contracted.reports[0]
    fill(contracted, report, staff="20000", supplies="24000.50")
    _people, _satisfaction, staff, supplies = parts(contracted)
    form = form_with(page(client_for(contracted.member), report), "activities")
    assert (form.fields[f"amount_{staff.pk}"], form.fields[f"amount_{supplies.pk}"]) == ("20000", "24000.50")
    fill(contracted, report, staff="0")
    form = form_with(page(client_for(contracted.member), report), "activities")
    assert form.fields[f"amount_{staff.pk}"] == "0"


def test_spending_never_entered_stays_empty_when_saved_as_rendered(contracted, client_for):
    """A line without an amount is shown empty, not as 0, and stays without one."""
    report = contracted.reports[0]
    client = client_for(contracted.member)
    _people, _satisfaction, staff, supplies = parts(contracted)
    form = form_with(page(client, report), f"amount_{staff.pk}")
    assert form.fields[f"amount_{staff.pk}"] == ""
    client.post(form.action, form.data(**{f"amount_{supplies.pk}": "0"}))
    assert dict(report.expenditures.values_list("budget_line", "amount")) == {supplies.pk: Decimal("0")}
    problems = report_services.report_problems(report)
    assert "Enter the spending on “Staff” (0 where nothing was spent)." in problems


def test_invalid_input_is_refused_beside_each_field_and_everything_typed_stays(contracted, client_for):
    report = contracted.reports[0]
    fill(contracted, report)
    client = client_for(contracted.member)
    people, satisfaction, staff, supplies = parts(contracted)
    before = stored(report)
    form = form_with(page(client, report), "activities")
    typed = {
        "activities": "Fourteen classes <script>alert(1)</script>",
        f"value_{people.pk}": "12.5",
        f"value_{satisfaction.pk}": "71",
        f"amount_{staff.pk}": "-5",
        f"amount_{supplies.pk}": "50000.50",
        f"explanation_{staff.pk}": "Paid twice.",
    }
    response = client.post(form.action, form.data(**typed))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The draft is not saved." in html
    # What is shown was typed, not saved: leaving the page asks first (static/js/unsaved.js).
    assert "data-unsaved-dirty" in form_with(html, "activities").attrs
    for field, message in [
        (f"value_{people.pk}", "People reached is counted in whole numbers."),
        (f"amount_{staff.pk}", "The amount cannot be negative."),
        # Said at once with the other mistakes, not after they are corrected.
        (
            f"explanation_{supplies.pk}",
            "Supplies: spending reaches KGS\u00a050,000.50 of KGS\u00a050,000 approved; explain why.",
        ),
    ]:
        # The message stands beside its field: right after the input of that name.
        after = html.split(f'name="{field}"', 1)[1]
        assert message in after[: after.find('name="')], field
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    again = form_with(html, "activities")
    assert {name: again.fields[name] for name in typed} == typed
    assert stored(report) == before

    # With the other mistakes corrected, the overspent line still asks for its explanation.
    response = client.post(form.action, again.data(**{f"amount_{staff.pk}": "5", f"value_{people.pk}": "12"}))
    assert response.status_code == 400
    after = response.content.decode().split(f'name="explanation_{supplies.pk}"', 1)[1]
    message = "Supplies: spending reaches KGS\u00a050,000.50 of KGS\u00a050,000 approved; explain why."
    assert message in after[:2000]
    assert stored(report) == before


def test_a_period_with_nothing_spent_saves_on_a_line_already_over(contracted, client_for):
    """The finding: 0 on every line was refused with "spending reaches KGS 60,000 of KGS 50,000
    approved; explain why", though this period adds nothing and the earlier report explained it."""
    first, second = contracted.reports[:2]
    fill(contracted, first, supplies="60000", explanations={"supplies": "Prices rose in autumn."})
    report_services.report_submit(report=first, by=contracted.member)
    _people, _satisfaction, staff, supplies = parts(contracted)
    client = client_for(contracted.member)
    form = form_with(page(client, second), "activities")
    response = client.post(
        form.action, form.data(**{f"amount_{staff.pk}": "0", f"amount_{supplies.pk}": "0"})
    )
    assert response.status_code == 302
    assert dict(second.expenditures.values_list("budget_line", "amount")) == {
        staff.pk: Decimal("0"),
        supplies.pk: Decimal("0"),
    }
    # Spending more on it asks for the explanation beside its field, and saves nothing.
    before = stored(second)
    response = client.post(
        form.action, form.data(**{f"amount_{staff.pk}": "0", f"amount_{supplies.pk}": "1"})
    )
    assert response.status_code == 400
    after = response.content.decode().split(f'name="explanation_{supplies.pk}"', 1)[1]
    assert "spending reaches KGS\u00a060,001 of KGS\u00a050,000 approved; explain why." in after[:2000]
    assert stored(second) == before


@pytest.mark.parametrize(
    ("typed", "saved", "refused"),
    [
        # Spaces between thousands and a decimal comma, as people write amounts.
        ({"amount_staff": "18 000,50", "beneficiaries_reached": "1 200"}, (Decimal("18000.50"), 1200), None),
        ({"amount_staff": "1,500"}, None, ("amount_staff", "Enter an amount in soms")),
        ({"amount_staff": "1e3"}, None, ("amount_staff", "Enter an amount in soms")),
        (
            {"beneficiaries_reached": "40 children"},
            None,
            ("beneficiaries_reached", "Enter a whole number of people."),
        ),
        ({"value_people": "1,500"}, None, ("value_people", "write the number without separators")),
    ],
)
def test_numbers_typed_in_a_hurry_are_read_or_refused_never_changed(
    contracted, client_for, typed, saved, refused
):
    """What a person types reaches the server as typed (the inputs are text, not number inputs
    that drop or rewrite what they cannot read) and is read as meant, or refused beside its field."""
    report = contracted.reports[0]
    fill(contracted, report)
    people, _satisfaction, staff, _supplies = parts(contracted)
    names = {"amount_staff": f"amount_{staff.pk}", "value_people": f"value_{people.pk}"}
    client = client_for(contracted.member)
    html = page(client, report)
    assert f'type="text" inputmode="decimal" autocomplete="off" data-amount name="amount_{staff.pk}"' in html
    form = form_with(html, "activities")
    before = stored(report)
    response = client.post(form.action, form.data(**{names.get(k, k): v for k, v in typed.items()}))
    if saved:
        assert response.status_code == 302
        report.refresh_from_db()
        assert (report.expenditures.get(budget_line=staff).amount, report.beneficiaries_reached) == saved
        return
    field, message = refused
    assert response.status_code == 400
    after = response.content.decode().split(f'name="{names.get(field, field)}"', 1)[1]
    assert message in after[:3000]
    assert stored(report) == before


def test_the_spending_rows_show_the_running_sums(contracted, client_for):
    first, second = contracted.reports[:2]
    fill(contracted, first, staff="20000", supplies="10000")
    report_services.report_submit(report=first, by=contracted.member)
    fill(contracted, second, staff="30000", supplies="5000")
    client = client_for(contracted.member)
    html = page(client, second)
    staff_row = html.split('data-line="Staff"', 1)[1].split('data-line="Supplies"', 1)[0]
    # Staff: 20,000 earlier + 30,000 now = 50,000 of 100,000.
    assert "KGS\u00a020,000" in staff_row and "KGS\u00a050,000" in staff_row
    assert "KGS\u00a0100,000" in staff_row
    totals = html.split('data-testid="spending-totals"', 1)[1].split("</form>", 1)[0]
    # This period 35,000; cumulative 30,000 + 35,000 = 65,000; approved 150,000.
    assert "KGS\u00a035,000" in totals and "KGS\u00a065,000" in totals and "KGS\u00a0150,000" in totals

    # Sent back with an error, the sums follow what was typed.
    _people, _satisfaction, staff, supplies = parts(contracted)
    form = form_with(html, "activities")
    response = client.post(
        form.action, form.data(**{f"amount_{staff.pk}": "40000", f"amount_{supplies.pk}": "-1"})
    )
    assert response.status_code == 400
    staff_row = response.content.decode().split('data-line="Staff"', 1)[1].split('data-line="Supplies"', 1)[0]
    assert "KGS\u00a060,000" in staff_row


def test_a_submitted_report_cannot_be_saved(contracted, client_for):
    report = contracted.reports[0]
    fill(contracted, report)
    report_services.report_submit(report=report, by=contracted.member)
    client = client_for(contracted.member)
    before = stored(report)
    response = client.post(reverse("monitoring:report-save", args=[report.pk]), {"activities": "Late."})
    assert response.status_code == 400
    assert "it can change only if a revision is requested" in response.content.decode()
    assert stored(report) == before


def test_a_draft_saved_meanwhile_in_another_tab_is_not_overwritten(contracted, client_for):
    report = contracted.reports[0]
    client = client_for(contracted.member)
    people, *_ = parts(contracted)
    tab_a = form_with(page(client, report), "activities")
    tab_b = form_with(page(client, report), "activities")
    response = client.post(tab_a.action, tab_a.data(activities="Written in tab A."))
    assert response.status_code == 302
    after_a, events = stored(report), AuditEvent.objects.count()
    # Tab B, opened before A saved, changes another part: refused, with what B typed kept.
    response = client.post(tab_b.action, tab_b.data(results="Typed in tab B.", **{f"value_{people.pk}": "7"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone saved this report after you opened it." in html
    refused = form_with(html, "activities")
    assert refused.data()["results"] == "Typed in tab B."
    assert refused.data()[f"value_{people.pk}"] == "7"
    assert stored(report) == after_a
    # Saved again from the refusal: refused again.
    assert client.post(refused.action, refused.data()).status_code == 400
    assert stored(report) == after_a
    assert AuditEvent.objects.count() == events
    # Loaded afresh, it saves.
    fresh = form_with(page(client, report), "activities")
    assert client.post(fresh.action, fresh.data(results="Typed in tab B.")).status_code == 302
    report.refresh_from_db()
    assert (report.activities, report.results) == ("Written in tab A.", "Typed in tab B.")


def test_the_service_refuses_a_draft_of_another_version(contracted):
    report = contracted.reports[0]
    with pytest.raises(ValidationError, match="Someone saved this report"):
        save(contracted, report, narrative={"activities": "Late."}, version="0" * 20)
    report.refresh_from_db()
    assert report.activities == ""


def test_a_document_with_macros_is_refused_beside_the_field_and_nothing_is_stored(contracted, client_for):
    report = contracted.reports[0]
    macros = samples.docx_bytes(main=samples.DOCM_MAIN, parts={"word/vbaProject.bin": b"vba"})
    response = client_for(contracted.member).post(
        reverse("monitoring:report-attach", args=[report.pk]),
        {"kind": "other", "file": SimpleUploadedFile("activities.docx", macros)},
    )
    assert response.status_code == 400
    [message] = response.context["attachment_form"].errors["file"]
    assert "This document contains macros" in message
    assert not report.attachments.exists()
