"""Karakol's priority issues and its three competitions.

The announcement names two completed competitions, 400,000 soms for both (the split is not
given: 200,000 each here), and a third, "Maintaining Public Order", announced later. The completed
ones are placed in the previous year; the open one is published 10 days ago with 35 days to go,
so that it is open whenever the demo is loaded. A fourth, for older people living alone, is a draft
still being prepared (its priority issue is not approved and its commission lacks a member).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from organizations.demo import DemoWorld, demo_pdf
from organizations.models import Organization, User
from procurement import selectors
from procurement.models import (
    ActivityLine,
    Application,
    ApplicationAttachment,
    BudgetLine,
    Competition,
    PriorityIssue,
)
from procurement.services import applications as application_services
from procurement.services import competitions as services
from procurement.services import evaluation as evaluation_services
from procurement.services.commission import MemberData, commission_set
from procurement.services.priority_issues import priority_issue_approve, priority_issue_create
from ssp_portal.files import CheckedUpload
from ssp_portal.private_files import store

ZONE = ZoneInfo("Asia/Bishkek")

# Every text as Karakol publishes it: English, Russian, Kyrgyz.
CRITERIA = [
    (
        (
            "Relevance to the priority issue",
            "Соответствие приоритетной социальной проблеме",
            "Артыкчылыктуу социалдык көйгөйгө шайкештиги",
        ),
        (
            "How well the project answers the need of the target group.",
            "Насколько проект отвечает потребностям целевой группы.",
            "Долбоор максаттуу топтун муктаждыгына канчалык жооп берет.",
        ),
        10,
        30,
    ),
    (
        ("Quality of the approach", "Качество подхода", "Мамиленин сапаты"),
        (
            "Activities, methods and schedule are clear and realistic.",
            "Мероприятия, методы и график понятны и реалистичны.",
            "Иш-чаралар, ыкмалар жана график түшүнүктүү жана ишке ашырылчу.",
        ),
        10,
        25,
    ),
    (
        ("Experience and capacity", "Опыт и потенциал", "Тажрыйба жана мүмкүнчүлүк"),
        (
            "The organization's track record with this target group.",
            "Опыт работы организации с этой целевой группой.",
            "Уюмдун бул максаттуу топ менен иштөө тажрыйбасы.",
        ),
        10,
        20,
    ),
    (
        ("Budget", "Бюджет", "Бюджет"),
        (
            "Costs are necessary, reasonable and justified.",
            "Расходы необходимы, разумны и обоснованы.",
            "Чыгашалар зарыл, акылга сыярлык жана негизделген.",
        ),
        10,
        15,
    ),
    (
        ("Sustainability", "Устойчивость", "Туруктуулук"),
        (
            "Results last after the project ends.",
            "Результаты сохраняются после завершения проекта.",
            "Жыйынтыктар долбоор аяктагандан кийин да сакталат.",
        ),
        10,
        10,
    ),
]
ELIGIBILITY = [
    (
        "A non-commercial organization registered in the Kyrgyz Republic for at least one year",
        "Некоммерческая организация, зарегистрированная в Кыргызской Республике не менее одного года",
        "Кыргыз Республикасында кеминде бир жыл мурун катталган коммерциялык эмес уюм",
    ),
    (
        "No tax or social fund arrears",
        "Отсутствие задолженности по налогам и в Социальный фонд",
        "Салык жана Социалдык фонд боюнча карызы жок",
    ),
    (
        "Experience of work with the target group",
        "Опыт работы с целевой группой",
        "Максаттуу топ менен иштөө тажрыйбасы",
    ),
    (
        "The project is carried out within the city of Karakol",
        "Проект реализуется в пределах города Каракол",
        "Долбоор Каракол шаарынын аймагында ишке ашырылат",
    ),
]
DOCUMENTS = [
    (
        ("Project proposal", "Проектное предложение", "Долбоордук сунуш"),
        (
            "On the portal's application form.",
            "По форме заявки на портале.",
            "Порталдагы табыштаманын формасы боюнча.",
        ),
    ),
    (
        ("Charter of the organization", "Устав организации", "Уюмдун уставы"),
        (
            "A scan of the registered charter.",
            "Скан зарегистрированного устава.",
            "Катталган уставдын сканы.",
        ),
    ),
    (
        (
            "Certificate of state registration",
            "Свидетельство о государственной регистрации",
            "Мамлекеттик каттоо жөнүндө күбөлүк",
        ),
        ("", "", ""),
    ),
    (
        (
            "Certificate of no tax arrears",
            "Справка об отсутствии налоговой задолженности",
            "Салык карызы жок экендиги жөнүндө маалымкат",
        ),
        (
            "Issued within the last 30 days.",
            "Выдана не ранее 30 дней назад.",
            "Акыркы 30 күндүн ичинде берилген.",
        ),
    ),
]
#: The order of the texts above.
WRITTEN_IN = ("en", "ru", "ky")


def _texts(name: str, texts: tuple[str, str, str]) -> dict[str, str]:
    """``title``, (English, Russian, Kyrgyz) → ``title_en``, ``title_ru``, ``title_ky``."""
    return {f"{name}_{language}": text for language, text in zip(WRITTEN_IN, texts, strict=True)}


def _set_rows_in_each_language(set_rows, competition: Competition, by: User, rows, at=None) -> None:
    """A list of rows written in each language: ``rows(language_index)`` gives the row data of a
    language (English first, which adds them; the others write their texts on the same rows)."""
    ids: list[int | None] = []
    for index, language in enumerate(WRITTEN_IN):
        data = [
            replace(row, id=pk) for row, pk in zip(rows(index), ids or [None] * len(rows(index)), strict=True)
        ]
        set_rows(competition, by, data, language, at)
        if not ids:
            ids = list(_related(set_rows, competition).values_list("pk", flat=True))


def _related(set_rows, competition: Competition):
    return {
        _set_criteria: competition.criteria,
        _set_documents: competition.required_documents,
        _set_eligibility: competition.eligibility_requirements,
    }[set_rows].order_by("position", "pk")


def _set_criteria(competition, by, rows, language, at) -> None:
    services.competition_set_criteria(competition=competition, by=by, criteria=rows, language=language, at=at)


def _set_documents(competition, by, rows, language, at) -> None:
    services.competition_set_required_documents(
        competition=competition, by=by, documents=rows, language=language, at=at
    )


def _set_eligibility(competition, by, rows, language, at) -> None:
    services.competition_set_eligibility(
        competition=competition, by=by, requirements=rows, language=language, at=at
    )


def _criteria(rows) -> object:
    return lambda i: [
        services.CriterionData(name[i], notes[i], score, weight) for name, notes, score, weight in rows
    ]


def _documents(rows) -> object:
    return lambda i: [services.DocumentData(name[i], notes[i]) for name, notes in rows]


def _requirements(rows) -> object:
    return lambda i: [services.RequirementData(text[i]) for text in rows]


COMMISSION = [
    ("chair@karakol.example", "Nurlan Asanov", "chair", "Deputy mayor"),
    ("member1@karakol.example", "Aigul Mamytova", "member", "Deputy of the city council"),
    ("member2@karakol.example", "Bakyt Toktosunov", "member", "Representative of civil society"),
]


@dataclass(frozen=True)
class ProcurementWorld:
    children: Competition
    women: Competition
    public_order: Competition


def _issue(
    world: DemoWorld,
    *,
    title: tuple[str, str, str],
    description: tuple[str, str, str],
    target_group: tuple[str, str, str],
    **fields: object,
) -> PriorityIssue:
    finance = world.users["finance@karakol.example"]
    issue = PriorityIssue.objects.filter(municipality=world.karakol, title_en=title[0]).first()
    if issue is None:
        texts = {
            **_texts("title", title),
            **_texts("description", description),
            **_texts("target_group", target_group),
        }
        issue = priority_issue_create(municipality=world.karakol, by=finance, data={**texts, **fields})
    if not issue.is_approved:
        issue = priority_issue_approve(issue=issue, by=finance)
    return issue


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE)


def _competition(
    world: DemoWorld,
    *,
    title: tuple[str, str, str],
    description: tuple[str, str, str],
    issue: PriorityIssue,
    published: datetime.datetime,
    **terms,
):
    """The competition as a draft with its criteria, eligibility, documents and commission, published."""
    finance = world.users["finance@karakol.example"]
    existing = Competition.objects.filter(municipality=world.karakol, title_en=title[0]).first()
    if existing is not None:
        return existing
    competition = services.competition_create(
        municipality=world.karakol,
        by=finance,
        at=published - datetime.timedelta(days=3),
        data={
            **_texts("title", title),
            **_texts("description", description),
            "priority_issue": issue,
            "announcement_date": published.date(),
            "contact": "Finance Department, Karakol Mayor's Office",
            **terms,
        },
    )
    drafted = published - datetime.timedelta(days=2)
    _set_rows_in_each_language(_set_criteria, competition, finance, _criteria(CRITERIA), at=drafted)
    _set_rows_in_each_language(_set_eligibility, competition, finance, _requirements(ELIGIBILITY), at=drafted)
    _set_rows_in_each_language(_set_documents, competition, finance, _documents(DOCUMENTS), at=drafted)
    commission_set(
        competition=competition,
        by=finance,
        members=[MemberData(email, name, role, affiliation) for email, name, role, affiliation in COMMISSION],
        at=drafted,
    )
    return services.competition_publish(competition=competition, by=finance, at=published)


def _draft_competition(world: DemoWorld, today: datetime.date) -> Competition:
    """Next year's call, still a draft: criteria and documents in place, the commission and the
    priority issue not yet ready, so that its publishing checklist has work left on it."""
    finance = world.users["finance@karakol.example"]
    title = (
        "Support for Older People Living Alone",
        "Поддержка одиноко проживающих пожилых людей",
        "Жалгыз жашаган улгайган адамдарды колдоо",
    )
    existing = Competition.objects.filter(municipality=world.karakol, title_en=title[0]).first()
    if existing is not None:
        return existing
    issue_title = (
        "Older people living alone",
        "Одиноко проживающие пожилые люди",
        "Жалгыз жашаган улгайган адамдар",
    )
    issue = PriorityIssue.objects.filter(municipality=world.karakol, title_en=issue_title[0]).first()
    if issue is None:
        issue = priority_issue_create(
            municipality=world.karakol,
            by=finance,
            data={
                **_texts("title", issue_title),
                **_texts(
                    "description",
                    (
                        "Older people whose children work abroad live alone; they need home visits, help "
                        "with medicines and company.",
                        "Пожилые люди, чьи дети работают за рубежом, живут одни; им нужны посещения на дому, "
                        "помощь с лекарствами и общение.",
                        "Балдары чет өлкөдө иштеген улгайган адамдар жалгыз жашашат; аларга үйгө барып "
                        "туруу, дары-дармек менен жардам жана маек керек.",
                    ),
                ),
                **_texts(
                    "target_group",
                    (
                        "People over 70 living alone in Karakol",
                        "Люди старше 70 лет, одиноко проживающие в Караколе",
                        "Караколдо жалгыз жашаган 70 жаштан өткөн адамдар",
                    ),
                ),
                "need_source": PriorityIssue.NeedSource.PUBLIC_HEARING,
                "year": today.year + 1,
                "planned_budget": Decimal("150000.00"),
            },
        )
    announced = today + datetime.timedelta(days=20)
    deadline = _at(announced + datetime.timedelta(days=40), 17)
    competition = services.competition_create(
        municipality=world.karakol,
        by=finance,
        data={
            **_texts("title", title),
            "priority_issue": issue,
            **_texts(
                "description",
                (
                    "The Karakol Mayor's Office invites non-commercial organizations to propose a project "
                    "of home visits and everyday help for older people who live alone.",
                    "Мэрия города Каракол приглашает некоммерческие организации предложить проект посещений "
                    "на дому и повседневной помощи пожилым людям, которые живут одни.",
                    "Каракол шаарынын мэриясы коммерциялык эмес уюмдарды жалгыз жашаган улгайган адамдарга "
                    "үйгө барып туруу жана күнүмдүк жардам көрсөтүү долбоорун сунуштоого чакырат.",
                ),
            ),
            "budget": Decimal("150000.00"),
            "max_grant": Decimal("150000.00"),
            "projects_expected": 1,
            "announcement_date": announced,
            "deadline": deadline,
            "project_start": deadline.date() + datetime.timedelta(days=20),
            "project_end": deadline.date() + datetime.timedelta(days=20 + 240),
            "contact": "Finance Department, Karakol Mayor's Office",
        },
    )
    none = ("", "", "")
    criteria = [
        (CRITERIA[0][0], none, 10, 35),
        (CRITERIA[1][0], none, 10, 30),
        (
            (
                "Experience with older people",
                "Опыт работы с пожилыми людьми",
                "Улгайган адамдар менен иштөө тажрыйбасы",
            ),
            none,
            10,
            20,
        ),
        (
            CRITERIA[3][0],
            (
                "Costs are necessary and reasonable.",
                "Расходы необходимы и разумны.",
                "Чыгашалар зарыл жана акылга сыярлык.",
            ),
            10,
            15,
        ),
    ]
    _set_rows_in_each_language(_set_criteria, competition, finance, _criteria(criteria))
    _set_rows_in_each_language(_set_documents, competition, finance, _documents(DOCUMENTS[:3]))
    _set_rows_in_each_language(_set_eligibility, competition, finance, _requirements(ELIGIBILITY[:2]))
    commission_set(
        competition=competition,
        by=finance,
        members=[
            MemberData(email, name, role, affiliation) for email, name, role, affiliation in COMMISSION[:2]
        ],
    )
    return competition


# Scores of the chair, member 1 and member 2, per criterion in order (None: conflicted, no sheet).
SCORES = {
    "baldarga@ngo.example": ([9, 8, 9, 8, 7], [8, 8, 8, 9, 8], [9, 9, 8, 8, 8]),
    "kelechek@ngo.example": ([7, 6, 7, 7, 6], [6, 7, 6, 7, 7], None),
    "ulukman@ngo.example": ([9, 9, 8, 8, 8], [8, 8, 9, 8, 7], [9, 8, 8, 9, 8]),
}
# Member 2 declares a conflict with Kelechek Nuru (to show how conflicts look).
CONFLICTS = {"member2@karakol.example": ("kelechek@ngo.example", "A relative works in its office")}


def _evaluate(world: DemoWorld, competition: Competition, ineligible: dict[int, str]) -> Competition:
    """The evaluation of a completed competition, day by day after its deadline.

    Two days after: evaluation starts; three: screening; four: declarations; five to eight: score
    sheets; ten: the award to the first-ranked application; twelve: the results.
    ``ineligible`` maps an organization to the eligibility requirement it failed.
    """
    finance = world.users["finance@karakol.example"]
    day = lambda n: competition.deadline + datetime.timedelta(days=n)  # noqa: E731
    if competition.state == Competition.State.PUBLISHED:
        competition = services.competition_start_evaluation(competition=competition, by=finance, at=day(2))
    if competition.state != Competition.State.EVALUATION:
        return competition
    for application in competition.applications.filter(state=Application.State.SUBMITTED):
        failed = ineligible.get(application.organization_id)
        application_services.application_screen(
            application=application,
            by=finance,
            eligible=failed is None,
            requirement=competition.eligibility_requirements.filter(text_en=failed).first()
            if failed
            else None,
            note=_INELIGIBLE_NOTE if failed else "",
            at=day(3),
        )
    eligible = {
        a.organization.memberships.first().user.email: a
        for a in competition.applications.filter(state=Application.State.ELIGIBLE).select_related(
            "organization"
        )
    }
    criteria = list(competition.criteria.all())
    for position, (email, _name, _role, _affiliation) in enumerate(COMMISSION):
        member = world.users[email]
        conflict = CONFLICTS.get(email)
        conflicts = (
            [(eligible[conflict[0]].organization, conflict[1])]
            if conflict and conflict[0] in eligible
            else []
        )
        # The statement is written in the language the member reads and signs it in.
        with translation.override(member.language):
            evaluation_services.declaration_sign(
                competition=competition, by=member, conflicts=conflicts, at=day(4)
            )
        for applicant, application in eligible.items():
            scores = SCORES[applicant][position]
            if scores is None:
                continue
            evaluation_services.sheet_save(
                application=application,
                by=member,
                scores=[
                    evaluation_services.ScoreData(criterion.pk, Decimal(score), "")
                    for criterion, score in zip(criteria, scores, strict=True)
                ],
                overall_comment="",
                submit=True,
                at=day(5 + position),
            )
    first = next(row for row in selectors.ranking(competition=competition) if row.rank == 1)
    evaluation_services.award_grant(
        application=first.application, by=finance, amount=first.application.requested_amount, at=day(10)
    )
    return services.competition_complete(competition=competition, by=finance, at=day(12))


_INELIGIBLE_NOTE = "The certificate of no tax arrears was issued more than 30 days before the deadline."


@dataclass(frozen=True)
class Proposal:
    organization: Organization
    member: str
    title: str
    summary: str
    problem: str
    objectives: str
    target_group: str
    beneficiaries: int
    results: str
    activities: list[tuple[str, int, int]]
    lines: list[tuple[str, str, str, str, str]]  # category, description, unit, quantity, unit cost


def _attachment_pdf(title: str, organization: Organization) -> CheckedUpload:
    """A one-page PDF naming the document and the organization (Latin text, standard font)."""
    return demo_pdf(
        [title, organization.name, "Demo document of the SSP Portal."], name=f"{slugify(title)}.pdf"
    )


def _fill(application: Application, proposal: Proposal, *, unattached: tuple[str, ...] = ()) -> None:
    """The proposal's content, its rows and a PDF for each required document but ``unattached``."""
    lines = [
        BudgetLine(
            application=application,
            position=i,
            category=category,
            description=description,
            unit=unit,
            quantity=Decimal(quantity),
            unit_cost=Decimal(cost),
        )
        for i, (category, description, unit, quantity, cost) in enumerate(proposal.lines)
    ]
    Application.objects.filter(pk=application.pk).update(
        project_title=proposal.title,
        summary=proposal.summary,
        problem=proposal.problem,
        objectives=proposal.objectives,
        target_group=proposal.target_group,
        beneficiaries=proposal.beneficiaries,
        expected_results=proposal.results,
        requested_amount=sum((line.total for line in lines), Decimal("0")),
        cofinancing_own=Decimal("15000.00"),
    )
    BudgetLine.objects.bulk_create(lines)
    ActivityLine.objects.bulk_create(
        ActivityLine(application=application, position=i, title=title, start_month=start, end_month=end)
        for i, (title, start, end) in enumerate(proposal.activities)
    )
    member = User.objects.get(email=proposal.member)
    for document in application.competition.required_documents.exclude(name_en__in=unattached):
        upload = _attachment_pdf(document.name, proposal.organization)
        attachment = ApplicationAttachment(
            application=application,
            required_document=document,
            sha256=hashlib.sha256(upload.read()).hexdigest(),
            uploaded_by=member,
        )
        store(attachment, upload)


def _apply(
    competition: Competition,
    proposal: Proposal,
    *,
    submit_at: datetime.datetime | None,
    unattached: tuple[str, ...] = (),
) -> Application:
    member = User.objects.get(email=proposal.member)
    started = (submit_at or timezone.now()) - datetime.timedelta(days=5)
    application = application_services.application_start(
        competition=competition,
        organization=proposal.organization,
        by=member,
        at=min(started, timezone.now()),
    )
    _fill(application, proposal, unattached=unattached)
    if submit_at is not None:
        application = application_services.application_submit(
            application=application, by=member, at=submit_at
        )
    return application


def _proposals(world: DemoWorld) -> dict[str, list[Proposal]]:
    staff_line = ("staff", "Project coordinator, part time", "month", "9", "8000")
    return {
        "children": [
            Proposal(
                world.baldarga,
                "baldarga@ngo.example",
                "A second home: after-school care for children of labor migrants",
                "Daily after-school care, homework help and psychological support for 40 children whose "
                "parents work abroad, and monthly video calls with their parents.",
                "A survey of Karakol schools found 612 pupils with one or both parents abroad; teachers "
                "report falling grades and isolation among them.",
                "Give 40 children a safe place after school; keep them in touch with their parents.",
                "Children of labor migrants aged 7-14 in Karakol",
                40,
                "40 children attend at least 3 days a week; grades improve for two thirds of them.",
                [
                    ("After-school club", 1, 9),
                    ("Psychologist's sessions", 2, 9),
                    ("Video calls with parents", 1, 9),
                ],
                [
                    staff_line,
                    ("staff", "Psychologist, sessions", "session", "36", "1500"),
                    ("activities", "Meals at the club", "child-month", "360", "200"),
                    ("equipment", "Books and learning materials", "set", "40", "50"),
                ],
            ),
            Proposal(
                world.kelechek,
                "kelechek@ngo.example",
                "Children of migrants: a mentoring program",
                "Volunteers from the university mentor 25 children of labor migrants.",
                "Children left with relatives lack an adult who follows their schooling.",
                "Pair 25 children with trained mentors for a school year.",
                "Pupils aged 10-16 whose parents work abroad",
                25,
                "25 mentoring pairs meet weekly for nine months.",
                [("Training of mentors", 1, 1), ("Weekly mentoring", 2, 9)],
                [staff_line, ("activities", "Mentor training and meetings", "event", "20", "4900")],
            ),
        ],
        "women": [
            Proposal(
                world.ulukman,
                "ulukman@ngo.example",
                "Safe haven: support for women affected by domestic violence",
                "A hotline, legal and psychological counselling and a temporary shelter for women who "
                "suffer domestic violence, with help to find work.",
                "The Karakol crisis centre registered 148 calls last year, and the police 96 cases; there is "
                "no shelter in the city.",
                "Give women a safe place and the help they need to leave violence.",
                "Women affected by domestic violence and their children",
                120,
                "120 women counselled, 30 sheltered, 15 in work by the end of the year.",
                [("Hotline", 1, 9), ("Counselling", 1, 9), ("Shelter", 2, 9), ("Job placement", 4, 9)],
                [
                    staff_line,
                    ("staff", "Lawyer and psychologist", "consultation", "50", "800"),
                    ("premises", "Rent of the shelter flat", "month", "8", "8000"),
                    ("communication", "Hotline phone and leaflets", "month", "8", "3000"),
                ],
            ),
            Proposal(
                world.ayimdary,
                "ayimdary@ngo.example",
                "Women's self-help groups against violence",
                "Self-help groups in four villages near Karakol.",
                "Women in villages have no one to turn to.",
                "Start four self-help groups led by trained women.",
                "Women in four villages near Karakol",
                60,
                "Four groups meet monthly.",
                [("Training of leaders", 1, 2), ("Group meetings", 3, 9)],
                [staff_line, ("activities", "Group meetings and travel", "meeting", "36", "2000")],
            ),
        ],
    }


def _seed_applications(world: DemoWorld, competition: Competition, proposals: list[Proposal]) -> None:
    if competition.applications.exists():
        return
    for days, proposal in enumerate(proposals, start=1):
        _apply(competition, proposal, submit_at=competition.deadline - datetime.timedelta(days=days, hours=3))


def _seed_open_competition(world: DemoWorld, competition: Competition) -> None:
    """The open competition: Baldarga Tirek has submitted, Ulukman Daryger has a draft. Both sealed."""
    if competition.applications.exists():
        return
    staff_line = ("staff", "Outreach worker", "month", "6", "10000")
    _apply(
        competition,
        Proposal(
            world.baldarga,
            "baldarga@ngo.example",
            "Warm winter: outreach to homeless people",
            "Night outreach, a winter shelter and help with documents for homeless people in Karakol.",
            "Outreach in the last winter counted 35 people sleeping rough in the city.",
            "Nobody freezes in Karakol this winter; 10 people get their documents back.",
            "Homeless people in Karakol",
            35,
            "35 people reached, 20 sheltered, 10 with restored documents.",
            [("Night outreach", 1, 6), ("Winter shelter", 1, 4), ("Documents and medical help", 2, 6)],
            [
                staff_line,
                ("premises", "Shelter rent and heating", "month", "4", "25000"),
                ("other", "Food", "person-month", "80", "500"),
            ],
        ),
        submit_at=timezone.now() - datetime.timedelta(days=2),
    )
    draft = _apply(
        competition,
        Proposal(
            world.ulukman,
            "ulukman@ngo.example",
            "Back to work: homeless women",
            "Shelter and job placement for homeless women.",
            "",
            "",
            "Homeless women in Karakol",
            15,
            "",
            [("Shelter", 1, 6)],
            [("premises", "Shelter rent", "month", "6", "12000")],
        ),
        submit_at=None,
        # The charter and the registration certificate are among the organization's documents:
        # the draft attaches them from there, without an upload.
        unattached=("Charter of the organization", "Certificate of state registration"),
    )
    # A draft still being written: the problem and results are to come.
    Application.objects.filter(pk=draft.pk).update(problem="", expected_results="")


def seed(world: DemoWorld) -> ProcurementWorld:
    # Looked up and written by their English texts, whatever the language of the command.
    with translation.override("en"):
        return _seed(world)


@transaction.atomic
def _seed(world: DemoWorld) -> ProcurementWorld:
    today = timezone.localdate(timezone=ZONE)
    last_year = today.year - 1
    children_issue = _issue(
        world,
        title=("Children of labor migrants", "Дети трудовых мигрантов", "Эмгек мигранттарынын балдары"),
        description=(
            "Many children in Karakol live with grandparents or relatives while their parents work in "
            "Russia or Kazakhstan. They need after-school care, psychological support and regular "
            "contact with their parents.",
            "Многие дети в Караколе живут с бабушками, дедушками или родственниками, пока их родители "
            "работают в России или Казахстане. Им нужны присмотр после школы, психологическая поддержка "
            "и регулярная связь с родителями.",
            "Караколдогу көп балдар ата-энеси Орусияда же Казакстанда иштеп жүргөндө чоң ата, чоң энеси "
            "же туугандары менен жашашат. Аларга сабактан кийинки кам көрүү, психологиялык колдоо жана "
            "ата-энеси менен үзгүлтүксүз байланыш керек.",
        ),
        target_group=(
            "Children of labor migrants aged 7-17",
            "Дети трудовых мигрантов в возрасте 7–17 лет",
            "7–17 жаштагы эмгек мигранттарынын балдары",
        ),
        need_source=PriorityIssue.NeedSource.NEEDS_ASSESSMENT,
        year=last_year,
        planned_budget=Decimal("200000.00"),
    )
    women_issue = _issue(
        world,
        title=(
            "Women - victims of domestic violence",
            "Женщины — жертвы домашнего насилия",
            "Үй-бүлөлүк зомбулуктан жабыр тарткан аялдар",
        ),
        description=(
            "Women who suffer domestic violence need a safe place, legal and psychological help, and "
            "support to find work and housing.",
            "Женщинам, пострадавшим от домашнего насилия, нужны безопасное место, юридическая и "
            "психологическая помощь, поддержка в поиске работы и жилья.",
            "Үй-бүлөлүк зомбулуктан жабыр тарткан аялдарга коопсуз жай, юридикалык жана психологиялык "
            "жардам, жумуш жана турак жай табууга колдоо керек.",
        ),
        target_group=(
            "Women affected by domestic violence and their children",
            "Женщины, пострадавшие от домашнего насилия, и их дети",
            "Үй-бүлөлүк зомбулуктан жабыр тарткан аялдар жана алардын балдары",
        ),
        need_source=PriorityIssue.NeedSource.PUBLIC_HEARING,
        year=last_year,
        planned_budget=Decimal("200000.00"),
    )
    order_issue = _issue(
        world,
        title=(
            "Maintaining public order: work with homeless people",
            "Поддержание общественного порядка: работа с бездомными",
            "Коомдук тартипти сактоо: үй-жайсыз адамдар менен иштөө",
        ),
        description=(
            "Homeless people in Karakol need shelter in winter, documents, medical help and a way back "
            "to work; the city council asked for a social approach to public order.",
            "Бездомным людям в Караколе нужны приют зимой, документы, медицинская помощь и возможность "
            "вернуться к работе; городской кенеш попросил о социальном подходе к общественному порядку.",
            "Караколдогу үй-жайсыз адамдарга кышында баш калкалоочу жай, документтер, медициналык жардам "
            "жана жумушка кайтуу мүмкүнчүлүгү керек; шаардык кеңеш коомдук тартипке социалдык мамиле "
            "кылууну сураган.",
        ),
        target_group=(
            "Homeless people in Karakol",
            "Бездомные люди в Караколе",
            "Караколдогу үй-жайсыз адамдар",
        ),
        need_source=PriorityIssue.NeedSource.COUNCIL_DECISION,
        year=today.year,
        planned_budget=Decimal("200000.00"),
    )

    children = _competition(
        world,
        title=("Children of Labor Migrants", "Дети трудовых мигрантов", "Эмгек мигранттарынын балдары"),
        issue=children_issue,
        published=_at(datetime.date(last_year, 2, 10)),
        description=(
            "The Karakol Mayor's Office invites non-commercial organizations to propose a project that "
            "protects the interests of labor migrants' children: after-school care, psychological "
            "support and help to keep in touch with their parents.",
            "Мэрия города Каракол приглашает некоммерческие организации предложить проект, защищающий "
            "интересы детей трудовых мигрантов: присмотр после школы, психологическая поддержка и помощь "
            "в поддержании связи с родителями.",
            "Каракол шаарынын мэриясы коммерциялык эмес уюмдарды эмгек мигранттарынын балдарынын "
            "кызыкчылыктарын коргогон долбоорду сунуштоого чакырат: сабактан кийинки кам көрүү, "
            "психологиялык колдоо жана ата-энеси менен байланышты сактоого жардам.",
        ),
        budget=Decimal("200000.00"),
        max_grant=Decimal("200000.00"),
        projects_expected=1,
        deadline=_at(datetime.date(last_year, 3, 14), 17),
        project_start=datetime.date(last_year, 4, 1),
        project_end=datetime.date(last_year, 12, 31),
    )
    women = _competition(
        world,
        title=(
            "Women - Victims of Domestic Violence",
            "Женщины — жертвы домашнего насилия",
            "Үй-бүлөлүк зомбулуктан жабыр тарткан аялдар",
        ),
        issue=women_issue,
        published=_at(datetime.date(last_year, 2, 10)),
        description=(
            "The Karakol Mayor's Office invites non-commercial organizations to propose a project of "
            "assistance and support to female victims of domestic violence.",
            "Мэрия города Каракол приглашает некоммерческие организации предложить проект помощи и "
            "поддержки женщинам — жертвам домашнего насилия.",
            "Каракол шаарынын мэриясы коммерциялык эмес уюмдарды үй-бүлөлүк зомбулуктан жабыр тарткан "
            "аялдарга жардам берүү жана колдоо долбоорун сунуштоого чакырат.",
        ),
        budget=Decimal("200000.00"),
        max_grant=Decimal("200000.00"),
        projects_expected=1,
        deadline=_at(datetime.date(last_year, 3, 14), 17),
        project_start=datetime.date(last_year, 4, 1),
        project_end=datetime.date(last_year, 12, 31),
    )
    published = _at(today - datetime.timedelta(days=10))
    deadline = _at(today + datetime.timedelta(days=25), 17)
    public_order = _competition(
        world,
        title=("Maintaining Public Order", "Поддержание общественного порядка", "Коомдук тартипти сактоо"),
        issue=order_issue,
        published=published,
        description=(
            "The Karakol Mayor's Office invites non-commercial organizations to propose a project of work "
            "with homeless people: outreach, winter shelter, help with documents and medical care, and "
            "a way back to work.",
            "Мэрия города Каракол приглашает некоммерческие организации предложить проект работы с "
            "бездомными людьми: работа на улице, зимний приют, помощь с документами и медицинской "
            "помощью, возвращение к работе.",
            "Каракол шаарынын мэриясы коммерциялык эмес уюмдарды үй-жайсыз адамдар менен иштөө "
            "долбоорун сунуштоого чакырат: көчөдө иштөө, кышкы баш калкалоочу жай, документтер жана "
            "медициналык жардам боюнча көмөк, жумушка кайтуу.",
        ),
        budget=Decimal("200000.00"),
        max_grant=Decimal("200000.00"),
        projects_expected=1,
        deadline=deadline,
        project_start=deadline.date() + datetime.timedelta(days=20),
        project_end=deadline.date() + datetime.timedelta(days=20 + 180),
    )
    _draft_competition(world, today)
    proposals = _proposals(world)
    _seed_applications(world, children, proposals["children"])
    _seed_applications(world, women, proposals["women"])
    _seed_open_competition(world, public_order)
    return ProcurementWorld(
        children=_evaluate(world, children, ineligible={}),
        women=_evaluate(world, women, ineligible={world.ayimdary.pk: "No tax or social fund arrears"}),
        public_order=public_order,
    )
