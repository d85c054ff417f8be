"""A competition's public record as OCDS 1.1.5 releases: pure functions of ``opendata.selectors``' rows.

One contracting process per published competition, ``ocid`` = ``SSP_OCDS_PREFIX``-reference, and
one release per event that changed its public record, each dated when it happened:

- ``planning``: the priority issue and its planned budget (when the issue was approved);
- ``tender``: the call as published (value, tender period, criteria and their weights in
  ``awardCriteriaDetails``, eligibility, documents), with the terms as they were before any
  amendment;
- ``tenderAmendment``: each amendment, with the terms as it left them;
- ``tenderUpdate`` at the deadline: the number of applications (``numberOfTenderers``: the Bid
  statistics extension is not core) and the receipt ledger as documents (number, time, digest);
- ``tenderCancellation``: the cancellation and its reason;
- ``award`` once results are published: the organizations scored, the awards (supplier, amount,
  date);
- ``contract``: each grant agreement; ``implementation``: each tranche paid (a transaction) and
  each monitoring report accepted (a milestone and a document); ``contractTermination``: the
  agreement's end.

Nothing reveals who applied while the applications are sealed: the rows carry no receipt, no
organization and no result then, and the count is written only after the deadline.

Texts are written in the languages the municipality wrote them: the release's ``language`` is the
competition's first (Kyrgyz, the state language, when it is written in it), ``title`` is in it,
and each other language is a ``title_ru``-style key where the schema's ``patternProperties`` allow
one. No person's contact is published: a municipality's public address only, an organization's
name, tax number (``KG-INN``) and legal address.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from monitoring.models import MonitoringReport, PaymentTranche, Project
from opendata.selectors import CompetitionRecord, Receipt
from organizations.models import Municipality, Organization, Region
from procurement.amendments import LABELS
from procurement.models import Amendment, Award, Competition
from ssp_portal.languages import LANGUAGES, text_in

VERSION = "1.1"
CURRENCY = "KGS"
COUNTRY = "Kyrgyzstan"
INN_SCHEME = "KG-INN"
#: The terms an amendment may change that a release shows, in ``procurement.amendments``' names.
TERMS = (
    "budget",
    "max_grant",
    "projects_expected",
    "deadline",
    "project_start",
    "project_end",
    *[f"description_{language}" for language in LANGUAGES],
)
Release = dict[str, Any]


@dataclass(frozen=True)
class Publication:
    """Who publishes, under which licence, and how ``ocid``s and links are made."""

    prefix: str
    site_url: str
    publisher_name: str
    publisher_uri: str
    license: str
    policy: str

    @classmethod
    def from_settings(cls) -> Publication:
        return cls(
            prefix=settings.SSP_OCDS_PREFIX,
            site_url=settings.SSP_SITE_URL,
            publisher_name=settings.SSP_OCDS_PUBLISHER_NAME,
            publisher_uri=settings.SSP_OCDS_PUBLISHER_URI,
            license=settings.SSP_OCDS_LICENSE,
            policy=settings.SSP_OCDS_PUBLICATION_POLICY,
        )

    def ocid(self, competition: Competition) -> str:
        return f"{self.prefix}-{competition.reference}"

    def url(self, path: str) -> str:
        return f"{self.site_url}{path}"


# Values ---------------------------------------------------------------------------------------


def amount(value: Decimal) -> int | float:
    """A sum of soms as a JSON number: whole soms as an integer, else the float whose shortest
    form is the two-decimal amount (``1234.5`` for 1 234.50)."""
    return int(value) if value == value.to_integral_value() else float(value)


def money(value: Decimal) -> dict[str, Any]:
    return {"amount": amount(value), "currency": CURRENCY}


def moment(value: datetime.datetime, zone: ZoneInfo) -> str:
    """A time in the municipality's zone, to the second, with its offset."""
    return timezone.localtime(value, zone).isoformat(timespec="seconds")


def day_start(value: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(value, datetime.time(0), tzinfo=zone)


def day(value: datetime.date, zone: ZoneInfo) -> str:
    """A day as OCDS dates it: its start in the municipality's zone."""
    return day_start(value, zone).isoformat(timespec="seconds")


# Languages ------------------------------------------------------------------------------------


def release_language(competition: Competition) -> str:
    """The competition's first language: Kyrgyz when its title is written in Kyrgyz, else Russian,
    else English."""
    return next((code for code in LANGUAGES if text_in(competition, "title", code)), LANGUAGES[0])


def _written(obj: Any, name: str, language: str) -> str:
    """``name`` in ``language``, else in the first language it is written in."""
    return text_in(obj, name, language) or next(
        (text_in(obj, name, code) for code in LANGUAGES if text_in(obj, name, code)), ""
    )


def texts(obj: Any, name: str, language: str, key: str | None = None) -> dict[str, str]:
    """``{key: text in language, key_ru: …}``: the text of ``name`` in the release's language and
    in each other language the municipality wrote it in (``key`` defaults to ``name``)."""
    key = key or name
    found = {key: _written(obj, name, language)} if _written(obj, name, language) else {}
    for code in LANGUAGES:
        if code != language and text_in(obj, name, code):
            found[f"{key}_{code}"] = text_in(obj, name, code)
    return found


def labels(key: str, language: str, make: Callable[[], str]) -> dict[str, str]:
    """A text the portal writes (``make`` is called in each language): in the release's language
    under ``key``, in the others under ``key_<language>``."""
    with translation.override("en"):
        written = str(make())
    found = {}
    for code in (language, *[code for code in LANGUAGES if code != language]):
        with translation.override(code):
            text = str(make())
        if code == language:
            found[key] = text
        elif code == "en" or text != written:  # a language its catalog does not translate it into: none
            found[f"{key}_{code}"] = text
    return found


def _in(language: str, make: Callable[[], Any]) -> str:
    with translation.override(language):
        return str(make())


# Parties --------------------------------------------------------------------------------------


def municipality_id(municipality: Municipality) -> str:
    return f"municipality-{municipality.code}"


def organization_id(organization: Organization) -> str:
    return f"{INN_SCHEME}-{organization.inn}"


def _address(street: str, region: str, language: str) -> dict[str, str]:
    address = {"streetAddress": street} if street else {}
    region_name = _in(language, lambda: Region(region).label) if region in Region.values else ""
    return {**address, **({"region": region_name} if region_name else {}), "countryName": COUNTRY}


def municipality_party(municipality: Municipality, language: str) -> dict[str, Any]:
    """The municipality as buyer, procuring entity and payer, with its public contacts."""
    name = municipality.authority or municipality.name
    contact = {
        "name": name,
        "email": municipality.email,
        "telephone": municipality.phone,
        "url": municipality.website,
    }
    return {
        "id": municipality_id(municipality),
        "name": name,
        "address": _address(municipality.address, municipality.region, language),
        "contactPoint": {key: value for key, value in contact.items() if value},
        "roles": ["buyer", "procuringEntity", "payer"],
    }


def organization_party(organization: Organization, roles: list[str], language: str) -> dict[str, Any]:
    """An NCO by its name, tax number and legal address: no contact of any person."""
    return {
        "id": organization_id(organization),
        "name": organization.name,
        "identifier": {"scheme": INN_SCHEME, "id": organization.inn, "legalName": organization.name},
        "address": _address(organization.address, organization.region, language),
        "roles": roles,
    }


def _buyer(municipality: Municipality) -> dict[str, str]:
    return {"id": municipality_id(municipality), "name": municipality.authority or municipality.name}


def _organization_reference(organization: Organization) -> dict[str, str]:
    return {"id": organization_id(organization), "name": organization.name}


def _parties(record: CompetitionRecord, language: str, *, results: bool) -> list[dict[str, Any]]:
    """The municipality, and once results are published every organization scored (the awarded
    ones also as supplier and payee)."""
    parties = [municipality_party(record.competition.municipality, language)]
    if not results:
        return parties
    awarded = {award.application.organization_id for award in record.awards}
    organizations = {org.pk: org for org in record.tenderers}
    organizations.update(
        {award.application.organization_id: award.application.organization for award in record.awards}
    )
    for organization in organizations.values():
        roles = ["tenderer", "supplier", "payee"] if organization.pk in awarded else ["tenderer"]
        parties.append(organization_party(organization, roles, language))
    return parties


# Terms ----------------------------------------------------------------------------------------


def terms_history(competition: Competition, amendments: list[Amendment]) -> list[dict[str, Any]]:
    """The amendable terms as published (index 0) and after each amendment (index n): each
    amendment undone from the last, with the values it recorded as they were."""
    current = {name: getattr(competition, name) for name in TERMS}
    history = [current]
    for amendment in reversed(amendments):
        before = dict(history[0])
        for change in amendment.changed_terms:
            if change.name in before and change.old_kind == change.kind:
                before[change.name] = change.old
        before["deadline"] = amendment.previous_deadline
        history.insert(0, before)
    return history


class Terms:
    """Reads the texts of a terms dict as ``texts`` reads a row (``description_ky`` …)."""

    def __init__(self, terms: dict[str, Any]) -> None:
        self.__dict__.update(terms)


def _list_texts(rows: list[Any], name: str, language: str, key: str, line: Callable[[Any, str], str]) -> dict:
    """A list of rows as one text per language the rows are all written in."""
    found = {key: "\n".join(line(row, language) for row in rows)} if rows else {}
    for code in LANGUAGES:
        if rows and code != language and all(text_in(row, name, code) for row in rows):
            found[f"{key}_{code}"] = "\n".join(line(row, code) for row in rows)
    return found


def _criterion_line(criterion: Any, language: str) -> str:
    name = _written(criterion, "name", language)
    with translation.override(language):
        line = _("%(name)s: weight %(weight)s%%, up to %(max)s points") % {
            "name": name,
            "weight": criterion.weight,
            "max": criterion.max_score,
        }
    description = _written(criterion, "description", language)
    return f"{line}. {description}" if description else line


def _eligibility_line(requirement: Any, language: str) -> str:
    return _written(requirement, "text", language)


def _document_line(document: Any, language: str) -> str:
    name, notes = _written(document, "name", language), _written(document, "description", language)
    return f"{name} ({notes})" if notes else name


# Documents ------------------------------------------------------------------------------------


def _document(
    id: str, kind: str, title: dict[str, str], *, url: str = "", published: str = "", **more: Any
) -> dict[str, Any]:
    document = {"id": id, "documentType": kind, **title}
    if url:
        document.update(url=url, format="text/html")
    if published:
        document["datePublished"] = published
    return {**document, **more}


def tender_documents(record: CompetitionRecord, config: Publication, language: str) -> list[dict]:
    """The announcement and what it sets out (criteria, eligibility, required documents), each a
    link to the competition's public page."""
    competition, zone = record.competition, record.competition.zone
    page = config.url(competition.get_absolute_url())
    published = moment(competition.published_at, zone)
    documents = [
        _document(
            "announcement",
            "tenderNotice",
            labels("title", language, lambda: _("Announcement")),
            url=page,
            published=published,
            language=language,
        ),
        _document(
            "criteria",
            "evaluationCriteria",
            labels("title", language, lambda: _("Evaluation criteria")),
            url=page,
            published=published,
            **_list_texts(record.criteria, "name", language, "description", _criterion_line),
        ),
        _document(
            "eligibility",
            "eligibilityCriteria",
            labels("title", language, lambda: _("Eligibility requirements")),
            url=page,
            published=published,
            **_list_texts(record.eligibility, "text", language, "description", _eligibility_line),
        ),
    ]
    if record.required_documents:
        documents.append(
            _document(
                "required-documents",
                "biddingDocuments",
                labels("title", language, lambda: _("Documents to submit")),
                url=page,
                published=published,
                **_list_texts(record.required_documents, "name", language, "description", _document_line),
            )
        )
    return documents


def receipt_documents(
    receipts: list[Receipt], config: Publication, zone: ZoneInfo, language: str
) -> list[dict]:
    """The receipt ledger: one document per counted submission, its number, time and SHA-256
    digest, with a link that checks it; no content and no name."""
    verify = config.url(reverse("procurement:receipt-verify"))
    return [
        _document(
            f"receipt-{receipt.number}",
            "submissionDocuments",
            labels(
                "title",
                language,
                lambda receipt=receipt: _("Receipt %(number)s") % {"number": receipt.number},
            ),
            url=f"{verify}?{urlencode({'receipt_number': receipt.number, 'digest': receipt.digest})}",
            published=moment(receipt.submitted_at, zone),
            description=f"SHA-256: {receipt.digest}",
        )
        for receipt in receipts
    ]


def cancellation_document(competition: Competition, config: Publication, language: str) -> dict:
    reason = {"description": competition.cancel_reason} if competition.cancel_reason else {}
    return _document(
        "cancellation",
        "cancellationDetails",
        labels("title", language, lambda: _("Reason for cancellation")),
        url=config.url(competition.get_absolute_url()),
        published=moment(competition.cancelled_at, competition.zone) if competition.cancelled_at else "",
        **reason,
    )


# Tender ---------------------------------------------------------------------------------------


def _change_line(change: Any, zone: ZoneInfo) -> str:
    """``Total budget: 400000 → 450000``; a description that changed is named, its text is in the
    release."""
    label = str(LABELS.get(change.name, change.name))
    if change.long:
        return label

    def shown(value: Any) -> str:
        if isinstance(value, datetime.datetime):
            return moment(value, zone)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return "" if value is None else str(value)

    return f"{label}: {shown(change.old)} → {shown(change.new)}"


def amendment_entry(
    amendment: Amendment, zone: ZoneInfo, language: str, *, amends: str, release: str
) -> dict:
    """An amendment as the tender lists it: when, why (as the municipality wrote it), what changed."""
    with translation.override(language):
        description = "\n".join(_change_line(change, zone) for change in amendment.changed_terms)
    return {
        "id": str(amendment.number),
        "date": moment(amendment.created_at, zone),
        **texts(amendment, "explanation", language, key="rationale"),
        **({"description": description} if description else {}),
        "amendsReleaseID": amends,
        "releaseID": release,
    }


@dataclass(frozen=True)
class TenderState:
    """What a tender release shows beyond the terms: its status, the public count and ledger,
    the organizations scored, its amendments and documents so far."""

    status: str
    documents: list[dict]
    amendments: list[dict]
    tenderers: int | None = None
    results: bool = False


def tender(record: CompetitionRecord, terms: dict[str, Any], state: TenderState, language: str) -> dict:
    """The call for proposals with ``terms`` (as published, or as an amendment left them)."""
    competition, zone = record.competition, record.competition.zone
    written = Terms(terms)
    section = {
        "id": competition.reference,
        **texts(competition, "title", language),
        **texts(written, "description", language),
        "status": state.status,
        "procuringEntity": _buyer(competition.municipality),
        "items": [_grant_item(terms, language)],
        "value": money(terms["budget"]),
        "procurementMethod": "open",
        "procurementMethodDetails": _in(language, lambda: _("Competition for state social procurement")),
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        **_list_texts(record.criteria, "name", language, "awardCriteriaDetails", _criterion_line),
        "submissionMethod": ["electronicSubmission"],
        **labels("submissionMethodDetails", language, _submission_details),
        **_list_texts(record.eligibility, "text", language, "eligibilityCriteria", _eligibility_line),
        "tenderPeriod": {
            "startDate": moment(competition.published_at, zone),
            "endDate": moment(terms["deadline"], zone),
        },
        "contractPeriod": {
            "startDate": day(terms["project_start"], zone),
            "endDate": day(terms["project_end"], zone),
        },
        "documents": state.documents,
    }
    if state.tenderers is not None:
        section["numberOfTenderers"] = state.tenderers
    if state.results:
        section["tenderers"] = [_organization_reference(organization) for organization in record.tenderers]
    if state.amendments:
        section["amendments"] = state.amendments
    return section


def _submission_details() -> str:
    return _(
        "Online on the portal before the deadline. Each submission gets a receipt with its time and "
        "the SHA-256 digest of what was submitted; after the deadline the receipts are published."
    )


def _grant_item(terms: dict[str, Any], language: str) -> dict:
    """The grants the competition offers: how many projects, and the most each may receive."""
    return {
        "id": "grant",
        **labels(
            "description", language, lambda: _("Grant to a non-commercial organization for a social project")
        ),
        "quantity": terms["projects_expected"],
        "unit": {"name": _in(language, lambda: _("project")), "value": money(terms["max_grant"])},
    }


# Awards and contracts -------------------------------------------------------------------------


def award_id(award: Award) -> str:
    return f"award-{award.pk}"


def award_entry(award: Award, record: CompetitionRecord, config: Publication, language: str) -> dict:
    """A grant decided: to whom, how much, when; published with the results."""
    competition, zone = record.competition, record.competition.zone
    return {
        "id": award_id(award),
        "status": "active",
        "date": moment(award.decided_at, zone),
        "value": money(award.amount),
        "suppliers": [_organization_reference(award.application.organization)],
        "contractPeriod": {
            "startDate": day(competition.project_start, zone),
            "endDate": day(competition.project_end, zone),
        },
        "documents": [
            _document(
                "results",
                "awardNotice",
                labels("title", language, lambda: _("Results of the competition")),
                url=config.url(competition.get_absolute_url()),
                published=moment(competition.completed_at, zone),
            )
        ],
    }


# The agreement is in force until it ends; a suspended one still binds.
CONTRACT_STATUS = {
    Project.State.ACTIVE: "active",
    Project.State.SUSPENDED: "active",
    Project.State.COMPLETED: "terminated",
    Project.State.TERMINATED: "terminated",
}


def contract_entry(project: Project, award: Award, zone: ZoneInfo, *, ended: bool = False) -> dict:
    """The grant agreement (``monitoring.Project``): its number, amount, period and signature."""
    return {
        "id": project.contract_number,
        "awardID": award_id(award),
        "title": project.title,
        "status": CONTRACT_STATUS[project.state] if ended else "active",
        "period": {"startDate": day(project.start_date, zone), "endDate": day(project.end_date, zone)},
        "value": money(project.amount),
        "dateSigned": day(project.contract_date, zone),
    }


def tranche_paid_at(tranche: PaymentTranche, project: Project, zone: ZoneInfo) -> datetime.datetime:
    """When a payment enters the record: its day (a tranche has a date, not a time), never before
    the agreement it pays under."""
    return max(day_start(tranche.paid_on, zone), project.created_at)


def implementation(
    project: Project,
    tranches: list[PaymentTranche],
    reports: list[MonitoringReport],
    *,
    organization: Organization,
    municipality: Municipality,
    at: datetime.datetime,
    language: str,
) -> dict:
    """The agreement's implementation known at ``at``: the tranches paid by then (transactions),
    every tranche as a payment milestone, each report accepted by then as a reporting milestone
    and a progress report document."""
    zone = ZoneInfo(municipality.time_zone)
    paid = [t for t in tranches if t.paid_on and tranche_paid_at(t, project, zone) <= at]
    accepted = [r for r in reports if r.accepted_at and r.accepted_at <= at]
    payer, payee = _buyer(municipality), _organization_reference(organization)
    section: dict[str, Any] = {
        "transactions": [
            {
                "id": f"tranche-{t.number}",
                "date": day(t.paid_on, zone),
                "value": money(t.amount),
                "payer": payer,
                "payee": payee,
            }
            for t in paid
        ],
        "milestones": [_tranche_milestone(t, t in paid, zone, language) for t in tranches]
        + [_report_milestone(r, zone, language) for r in accepted],
        "documents": [
            _document(
                f"report-{r.number}",
                "physicalProgressReport",
                _report_title(r, language),
                published=moment(r.accepted_at, zone),
            )
            for r in accepted
        ],
    }
    return {key: value for key, value in section.items() if value}


def _tranche_milestone(tranche: PaymentTranche, paid: bool, zone: ZoneInfo, language: str) -> dict:
    milestone = {
        "id": f"tranche-{tranche.number}",
        **_tranche_title(tranche.number, language),
        "type": "payment",
        "dueDate": day(tranche.planned_date, zone),
        "status": "met" if paid else "scheduled",
    }
    return {**milestone, "dateMet": day(tranche.paid_on, zone)} if paid else milestone


# An agreement's implementation is repeated in each of its releases: its titles are made once.
@functools.cache
def _tranche_title(number: int, language: str) -> dict[str, str]:
    return labels("title", language, lambda: _("Tranche %(number)s") % {"number": number})


def _report_title(report: MonitoringReport, language: str) -> dict[str, str]:
    return _report_kind_title(report.kind, report.number, language)


@functools.cache
def _report_kind_title(kind: str, number: int, language: str) -> dict[str, str]:
    label = MonitoringReport.Kind(kind).label if kind in MonitoringReport.Kind.values else kind
    return labels("title", language, lambda: _("%(kind)s %(number)s") % {"kind": label, "number": number})


def _report_milestone(report: MonitoringReport, zone: ZoneInfo, language: str) -> dict:
    return {
        "id": f"report-{report.number}",
        **_report_title(report, language),
        "type": "reporting",
        "dueDate": day(report.due_date, zone),
        "dateMet": moment(report.accepted_at, zone),
        "status": "met",
    }


# Releases -------------------------------------------------------------------------------------

ENDED = (Project.State.COMPLETED, Project.State.TERMINATED)
Dated = tuple[datetime.datetime, Release]


class Process:
    """The releases of one competition's contracting process."""

    def __init__(self, record: CompetitionRecord, config: Publication) -> None:
        self.record, self.config = record, config
        self.competition = record.competition
        self.municipality = record.competition.municipality
        self.zone = record.competition.zone
        self.language = release_language(record.competition)
        self.ocid = config.ocid(record.competition)

    def releases(self) -> list[Release]:
        """Every release, the earliest first (a release's date is when its event happened)."""
        dated = [self.planning(), *self.tenders(), *self.contracts()]
        return [release for _, release in sorted(dated, key=lambda pair: pair[0])]

    def release_id(self, suffix: str) -> str:
        return f"{self.ocid}-{suffix}"

    def release(self, suffix: str, tag: str, at: datetime.datetime, parties=None, **sections: Any) -> Dated:
        return at, {
            "ocid": self.ocid,
            "id": self.release_id(suffix),
            "date": moment(at, self.zone),
            "tag": [tag],
            "initiationType": "tender",
            "language": self.language,
            "parties": parties or [municipality_party(self.municipality, self.language)],
            "buyer": _buyer(self.municipality),
            **sections,
        }

    def planning(self) -> Dated:
        """The priority issue the competition answers and its planned budget, when approved."""
        issue, published = self.competition.priority_issue, self.competition.published_at
        at = min(issue.approved_at or published, published)
        planning = {
            **texts(issue, "description", self.language, key="rationale"),
            "budget": {
                "id": f"priority-issue-{issue.pk}",
                **texts(issue, "title", self.language, key="description"),
                "amount": money(issue.planned_budget),
                **texts(issue, "title", self.language, key="project"),
                "projectID": f"{self.municipality.code}-{issue.year}-{issue.pk}",
            },
        }
        return self.release("planning", "planning", at, planning=planning)

    def tenders(self) -> list[Dated]:
        """The call as published, each amendment, the deadline, and its end (cancelled or results)."""
        record, competition = self.record, self.competition
        history = terms_history(competition, record.amendments)
        documents = tender_documents(record, self.config, self.language)
        dated = [self.tender_release("tender", "tender", competition.published_at, history[0], documents, [])]
        entries: list[dict] = []
        for number, amendment in enumerate(record.amendments, start=1):
            suffix = f"amendment-{amendment.number}"
            amends = dated[-1][1]["id"]
            entries = [
                *entries,
                amendment_entry(
                    amendment, self.zone, self.language, amends=amends, release=self.release_id(suffix)
                ),
            ]
            dated.append(
                self.tender_release(
                    suffix, "tenderAmendment", amendment.created_at, history[number], documents, entries
                )
            )
        count = None
        if not record.sealed:
            documents = documents + receipt_documents(record.receipts, self.config, self.zone, self.language)
            count = len(record.receipts)
            dated.append(
                self.tender_release(
                    "deadline", "tenderUpdate", competition.deadline, history[-1], documents, entries, count
                )
            )
        if competition.state == Competition.State.CANCELLED and competition.cancelled_at:
            cancelled = [*documents, cancellation_document(competition, self.config, self.language)]
            state = TenderState("cancelled", cancelled, entries, count)
            dated.append(
                self.release(
                    "cancellation",
                    "tenderCancellation",
                    competition.cancelled_at,
                    tender=tender(record, history[-1], state, self.language),
                )
            )
        if competition.state == Competition.State.COMPLETED and competition.completed_at:
            dated.append(self.award_release(history[-1], documents, entries, count))
        return dated

    def tender_release(self, suffix, tag, at, terms, documents, entries, count=None) -> Dated:
        state = TenderState("active", documents, entries, count)
        return self.release(suffix, tag, at, tender=tender(self.record, terms, state, self.language))

    def award_release(
        self, terms: dict, documents: list[dict], entries: list[dict], count: int | None
    ) -> Dated:
        """The results: the organizations scored, the awards (unsuccessful when none was made)."""
        record = self.record
        state = TenderState(
            "complete" if record.awards else "unsuccessful", documents, entries, count, results=True
        )
        return self.release(
            "award",
            "award",
            self.competition.completed_at,
            parties=_parties(record, self.language, results=True),
            tender=tender(record, terms, state, self.language),
            awards=[award_entry(award, record, self.config, self.language) for award in record.awards],
        )

    def contracts(self) -> list[Dated]:
        """Each grant agreement when signed, then each payment and accepted report, then its end."""
        dated = []
        for award in self.record.awards:
            project = self.record.projects.get(award.pk)
            if project is not None:
                dated += self.contract_releases(award, project)
        return dated

    def contract_releases(self, award: Award, project: Project) -> list[Dated]:
        tranches = self.record.tranches.get(project.pk, [])
        reports = self.record.reports.get(project.pk, [])
        organization = award.application.organization
        parties = [
            municipality_party(self.municipality, self.language),
            organization_party(organization, ["tenderer", "supplier", "payee"], self.language),
        ]
        events = [
            (tranche_paid_at(t, project, self.zone), f"tranche-{t.number}") for t in tranches if t.paid_on
        ]
        events += [(r.accepted_at, f"report-{r.number}") for r in reports if r.accepted_at]
        if project.state in ENDED and project.state_changed_at:
            events.append((project.state_changed_at, "end"))
        contract = contract_entry(project, award, self.zone)
        dated = [
            self.release(
                f"contract-{project.pk}", "contract", project.created_at, parties, contracts=[contract]
            )
        ]
        for at, event in sorted(events):
            ended = project.state in ENDED and project.state_changed_at and project.state_changed_at <= at
            entry = {
                **contract_entry(project, award, self.zone, ended=bool(ended)),
                "implementation": implementation(
                    project,
                    tranches,
                    reports,
                    organization=organization,
                    municipality=self.municipality,
                    at=at,
                    language=self.language,
                ),
            }
            tag = "contractTermination" if event == "end" else "implementation"
            dated.append(self.release(f"contract-{project.pk}-{event}", tag, at, parties, contracts=[entry]))
        return dated


def releases(record: CompetitionRecord, config: Publication) -> list[Release]:
    """The competition's releases, the earliest first."""
    return Process(record, config).releases()


# Records and packages -------------------------------------------------------------------------


def _identified(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and "id" in item for item in value)
    )


def merge(earlier: Any, later: Any) -> Any:
    """OCDS's merge of a later release into what is known: objects field by field, arrays of
    objects with ids item by item, anything else replaced."""
    if isinstance(earlier, dict) and isinstance(later, dict):
        merged = dict(earlier)
        for key, value in later.items():
            merged[key] = merge(earlier[key], value) if key in earlier else value
        return merged
    if _identified(earlier) and _identified(later):
        items = {item["id"]: item for item in earlier}
        for item in later:
            items[item["id"]] = merge(items[item["id"]], item) if item["id"] in items else item
        return list(items.values())
    return later


def record(releases: list[Release]) -> dict[str, Any]:
    """A contracting process's record: its releases and what they compile to."""
    compiled: Release = {}
    for release in releases:
        compiled = merge(compiled, release)
    compiled = {**compiled, "id": f"{compiled['ocid']}-compiled", "tag": ["compiled"]}
    return {"ocid": compiled["ocid"], "releases": releases, "compiledRelease": compiled}


def package_head(config: Publication, *, uri: str, published: datetime.datetime) -> dict[str, Any]:
    """What a release or record package says of itself before its releases or records."""
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": published.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="seconds"),
        "publisher": {"name": config.publisher_name, "uri": config.publisher_uri},
        "license": config.license,
        "publicationPolicy": config.policy,
    }
