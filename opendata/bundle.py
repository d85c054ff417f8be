"""The auditor's bundle of a completed competition: what goes in the zip, and the zip itself.

One zip holds the record of a competition from its announcement to its monitoring reports::

    competition/announcement.pdf        the announcement, with its amendments
    competition/competition.json        the terms as stored
    competition/amendments.csv
    competition/declarations.csv        the commission's declarations of interest
    competition/score_sheets.csv        one row per criterion of each submitted score sheet
    competition/protocol.pdf
    competition/awards.csv
    applications/<receipt>/application.json   the proposal as stored (no PDF kind exists for it)
    applications/<receipt>/receipt.pdf
    applications/<receipt>/attachments/<id>.<ext>
    projects/projects.csv               the grant agreements
    projects/tranches.csv
    projects/<id>-<contract>/summary.pdf
    projects/<id>-<contract>/reports/<number>/report.pdf
    projects/<id>-<contract>/reports/<number>/attachments/<id>.<ext>
    audit/timeline.csv                  the events of the competition, its applications, score
                                        sheets, awards, projects, reports and tranches
    manifest.json                       the SHA-256 and size of every other file

The PDFs are rendered inside the bundle's task, in the bundle's language, with the same templates
and rendering as the documents offered on the pages (``document_pdf``): the bundle is one moment's
record, whole whether or not anyone prepared those documents, and it writes no document rows
(opendata changes nothing). Files are streamed from storage into the zip, never held whole.

Only what the finance staff may read goes in: submitted applications (not drafts, not withdrawn
ones) and submitted score sheets, reports that were submitted at least once; and only for a
completed competition, so nothing sealed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.documents import REPORT, SUMMARY
from monitoring.models import MonitoringReport, PaymentTranche, Project
from procurement.documents import ANNOUNCEMENT, PROTOCOL, RECEIPT
from procurement.models import Application, Competition, ConflictDeclaration, CriterionScore
from procurement.selectors import SUBMITTED_STATES
from ssp_portal.audit.models import AuditEvent
from ssp_portal.documents.services import document_pdf
from ssp_portal.downloads import ascii_filename
from ssp_portal.exports import Column, csv_text, value_of
from ssp_portal.files import FILE_TYPES_BY_CONTENT_TYPE

MANIFEST = "manifest.json"
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One file of the bundle: its path and a function that writes its content to a file."""

    path: str
    write: Callable[[IO[bytes]], None]


def data_entry(path: str, data: bytes) -> Entry:
    return Entry(path, lambda out: out.write(data))


def stored_entry(path: str, file: FieldFile) -> Entry:
    """A stored file copied chunk by chunk through the storage API."""

    def write(out: IO[bytes]) -> None:
        with file.storage.open(file.name, "rb") as source:
            for chunk in iter(lambda: source.read(CHUNK_BYTES), b""):
                out.write(chunk)

    return Entry(path, write)


def pdf_entry(path: str, kind: str, subject: Any, document: Any) -> Entry:
    return Entry(path, lambda out: out.write(document_pdf(subject=subject, kind=kind, document=document)))


class _Digest(io.RawIOBase):
    """A writable file that passes what it is given on and counts its SHA-256 and size."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target, self.sha256, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


def write_bundle(entries: Iterable[Entry], output: IO[bytes], *, about: dict[str, Any]) -> dict[str, Any]:
    """Write the entries into a zip on ``output``, then ``manifest.json``: ``about`` and the path,
    size and SHA-256 of every entry, counted as it was written. Returns the manifest."""
    files = []
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for entry in entries:
            with archive.open(entry.path, "w", force_zip64=True) as target:
                digest = _Digest(target)
                entry.write(digest)
            files.append({"path": entry.path, "size": digest.size, "sha256": digest.sha256.hexdigest()})
        manifest = {**about, "files": files}
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder))
    return manifest


def csv_bytes(rows: Iterable[Any], columns: Sequence[Column]) -> bytes:
    """The rows as CSV in the ways of the list exports: UTF-8 with a byte-order mark, headers in
    the active language, numbers plain, times in the columns' zones."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([str(column.header) for column in columns])
    for row in rows:
        writer.writerow([csv_text(value_of(column, row)) for column in columns])
    return ("\ufeff" + text.getvalue()).encode()


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder).encode()


def segment(text: str) -> str:
    """A path part of ASCII letters, digits, dots, dashes (Cyrillic transliterated)."""
    return ascii_filename(f"{text}.x").removesuffix(".x") or "file"


def _extension(content_type: str) -> str:
    file_type = FILE_TYPES_BY_CONTENT_TYPE.get(content_type)
    return file_type.extension if file_type else "bin"


def _amendment_columns(zone: str) -> list[Column]:
    at = lambda row: zone  # noqa: E731
    return [
        Column(_("Number"), lambda a: a.number),
        Column(_("Made at"), lambda a: a.created_at, zone=at),
        Column(_("What changed and why"), lambda a: a.explanation),
        Column(
            _("Changed terms"), lambda a: json.dumps(a.changes, ensure_ascii=False, cls=DjangoJSONEncoder)
        ),
        Column(_("Deadline before"), lambda a: a.previous_deadline, zone=at),
        Column(_("Deadline after"), lambda a: a.new_deadline, zone=at),
    ]


def _declaration_columns(zone: str) -> list[Column]:
    return [
        Column(_("Commission member"), lambda d: d.member.user.get_full_name()),
        Column(_("Role"), lambda d: d.member.get_role_display()),
        Column(_("Signed at"), lambda d: d.declared_at, zone=lambda d: zone),
        Column(_("Declares a conflict of interest"), lambda d: d.has_conflict),
        Column(
            _("Conflicted organizations"),
            lambda d: "; ".join(f"{c.organization.name}: {c.reason}" for c in d.conflicts.all()),
        ),
        Column(_("Statement as signed"), lambda d: d.statement),
    ]


def _score_columns(zone: str) -> list[Column]:
    return [
        Column(_("Receipt number"), lambda s: s.sheet.application.receipt_number),
        Column(_("Organization"), lambda s: s.sheet.application.organization.name),
        Column(_("Commission member"), lambda s: s.sheet.member.user.get_full_name()),
        Column(_("Criterion"), lambda s: s.criterion.name),
        Column(_("Maximum score"), lambda s: s.criterion.max_score),
        Column(_("Weight"), lambda s: s.criterion.weight),
        Column(_("Score"), lambda s: s.score),
        Column(_("Comment"), lambda s: s.comment),
        Column(_("Overall comment"), lambda s: s.sheet.overall_comment),
        Column(_("Submitted at"), lambda s: s.sheet.submitted_at, zone=lambda s: zone),
    ]


def _award_columns(zone: str) -> list[Column]:
    return [
        Column(_("Rank when awarded"), lambda a: a.rank),
        Column(_("Receipt number"), lambda a: a.application.receipt_number),
        Column(_("Organization"), lambda a: a.application.organization.name),
        Column(_("INN"), lambda a: a.application.organization.inn),
        Column(_("Awarded amount (soms)"), lambda a: a.amount, money=True),
        Column(_("Decided at"), lambda a: a.decided_at, zone=lambda a: zone),
        Column(_("Decided by"), lambda a: a.decided_by.get_full_name()),
        Column(_("Why the rank order was departed from"), lambda a: a.departure_reason),
    ]


def _project_columns() -> list[Column]:
    return [
        Column(_("Contract number"), lambda p: p.contract_number),
        Column(_("Contract date"), lambda p: p.contract_date),
        Column(_("Project"), lambda p: p.title),
        Column(_("Organization"), lambda p: p.organization.name),
        Column(_("Awarded amount (soms)"), lambda p: p.amount, money=True),
        Column(_("Planned start"), lambda p: p.start_date),
        Column(_("Planned end"), lambda p: p.end_date),
        Column(_("State"), lambda p: p.get_state_display()),
        Column(_("Reason"), lambda p: p.state_reason),
    ]


def _tranche_columns() -> list[Column]:
    return [
        Column(_("Contract number"), lambda t: t.project.contract_number),
        Column(_("Number"), lambda t: t.number),
        Column(_("Planned date"), lambda t: t.planned_date),
        Column(_("Amount (soms)"), lambda t: t.amount, money=True),
        Column(
            _("Paid after the report"), lambda t: t.condition_report.number if t.condition_report else None
        ),
        Column(_("Paid on"), lambda t: t.paid_on),
    ]


def _event_columns(zone: str) -> list[Column]:
    return [
        Column(_("Time"), lambda e: e.created_at, zone=lambda e: zone),
        Column(_("Recorded at"), lambda e: e.recorded_at, zone=lambda e: zone),
        Column(_("Actor"), lambda e: e.actor_label),
        Column(_("Action"), lambda e: e.verb_label),
        Column(_("Code"), lambda e: e.verb),
        Column(_("Object type"), lambda e: f"{e.target_type.app_label}.{e.target_type.model}"),
        Column(_("Object id"), lambda e: e.target_id),
        Column(_("Object"), lambda e: e.target_label),
        Column(_("Details"), lambda e: json.dumps(e.details, ensure_ascii=False, cls=DjangoJSONEncoder)),
        Column(_("Position in the chain"), lambda e: e.position),
        Column(_("Hash"), lambda e: e.hash),
    ]


def application_data(application: Application) -> dict[str, Any]:
    """The proposal as stored: its fields, budget lines, activities and the files' records."""
    return {
        **model_to_dict(application, exclude=["previous"]),
        "organization": {"name": application.organization.name, "inn": application.organization.inn},
        "submitted_at": application.submitted_at,
        "budget_lines": [
            model_to_dict(line, exclude=["application"]) for line in application.budget_lines.all()
        ],
        "activities": [model_to_dict(line, exclude=["application"]) for line in application.activities.all()],
        "attachments": [
            {
                "id": attachment.pk,
                "required_document": attachment.required_document.name
                if attachment.required_document
                else None,
                "original_name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "uploaded_at": attachment.uploaded_at,
            }
            for attachment in application.attachments.all()
        ],
    }


def _competition_entries(competition: Competition, document: Any) -> Iterator[Entry]:
    zone = competition.municipality.time_zone
    yield pdf_entry("competition/announcement.pdf", ANNOUNCEMENT, competition, document)
    yield data_entry("competition/competition.json", json_bytes(model_to_dict(competition)))
    amendments = competition.amendments.order_by("number")
    yield data_entry("competition/amendments.csv", csv_bytes(amendments, _amendment_columns(zone)))
    declarations = (
        ConflictDeclaration.objects.filter(competition=competition)
        .select_related("member__user")
        .prefetch_related("conflicts__organization")
    )
    yield data_entry("competition/declarations.csv", csv_bytes(declarations, _declaration_columns(zone)))
    scores = CriterionScore.objects.filter(
        sheet__application__competition=competition, sheet__state="submitted"
    ).select_related("sheet__application__organization", "sheet__member__user", "criterion")
    scores = scores.order_by("sheet__application__receipt_number", "sheet__member_id", "criterion__position")
    yield data_entry("competition/score_sheets.csv", csv_bytes(scores, _score_columns(zone)))
    yield pdf_entry("competition/protocol.pdf", PROTOCOL, competition, document)
    awards = competition.awards.select_related("application__organization", "decided_by")
    yield data_entry("competition/awards.csv", csv_bytes(awards, _award_columns(zone)))


def _application_entries(applications: Sequence[Application], document: Any) -> Iterator[Entry]:
    for application in applications:
        folder = f"applications/{segment(application.receipt_number)}"
        yield data_entry(f"{folder}/application.json", json_bytes(application_data(application)))
        yield pdf_entry(f"{folder}/receipt.pdf", RECEIPT, application, document)
        for attachment in application.attachments.all():
            name = f"{folder}/attachments/{attachment.pk}.{_extension(attachment.content_type)}"
            yield stored_entry(name, attachment.file)


def _project_entries(projects: Sequence[Project], document: Any) -> Iterator[Entry]:
    yield data_entry("projects/projects.csv", csv_bytes(projects, _project_columns()))
    tranches = PaymentTranche.objects.filter(project__in=projects).select_related(
        "project", "condition_report"
    )
    yield data_entry("projects/tranches.csv", csv_bytes(tranches, _tranche_columns()))
    for project in projects:
        folder = f"projects/{project.pk}-{segment(project.contract_number)}"
        yield pdf_entry(f"{folder}/summary.pdf", SUMMARY, project, document)
        for report in project.reports.all():
            if report.state == MonitoringReport.State.DRAFT:
                continue  # never submitted: the organization's working copy
            yield pdf_entry(f"{folder}/reports/{report.number}/report.pdf", REPORT, report, document)
            for attachment in report.attachments.all():
                name = f"{folder}/reports/{report.number}/attachments/{attachment.pk}"
                yield stored_entry(f"{name}.{_extension(attachment.content_type)}", attachment.file)


def _targets(*groups: Iterable[Any]) -> Q:
    """Events whose target is one of the objects of ``groups`` (each group of one model)."""
    condition = Q(pk__in=[])
    for group in groups:
        objects = list(group)
        if objects:
            content_type = ContentType.objects.get_for_model(objects[0])
            condition |= Q(target_type=content_type, target_id__in=[str(o.pk) for o in objects])
    return condition


def _timeline(competition: Competition, applications, projects) -> Entry:
    reports = MonitoringReport.objects.filter(project__in=projects)
    tranches = PaymentTranche.objects.filter(project__in=projects)
    sheets = [sheet for application in applications for sheet in application.score_sheets.all()]
    awards = competition.awards.all()
    condition = _targets([competition], applications, sheets, awards, projects, reports, tranches)
    events = AuditEvent.objects.filter(condition).select_related("target_type").order_by("position")
    zone = competition.municipality.time_zone
    return data_entry("audit/timeline.csv", csv_bytes(events, _event_columns(zone)))


def bundle_entries(competition: Competition, document: Any) -> Iterator[Entry]:
    """Every file of the competition's bundle but the manifest, in the order of the zip."""
    applications = list(
        Application.objects.filter(competition=competition, state__in=SUBMITTED_STATES)
        .select_related("organization", "competition__municipality")
        .prefetch_related("budget_lines", "activities", "attachments__required_document", "score_sheets")
        .order_by("receipt_number")
    )
    projects = list(
        Project.objects.filter(award__competition=competition)
        .select_related("organization", "municipality")
        .prefetch_related("reports__attachments")
        .order_by("contract_number")
    )
    yield from _competition_entries(competition, document)
    yield from _application_entries(applications, document)
    yield from _project_entries(projects, document)
    yield _timeline(competition, applications, projects)


def bundle_about(competition: Competition, document: Any) -> dict[str, Any]:
    """What the manifest says of the bundle besides its files."""
    return {
        "competition": competition.reference,
        "title": competition.title,
        "municipality": competition.municipality.name,
        "document": str(document.pk),
        "language": document.language,
        "generated_at": timezone.now(),
    }
