"""The words of the seeded rows: social issues in Kyrgyz, Russian and English, place names."""

from __future__ import annotations

from procurement.demo import CRITERIA, ELIGIBILITY, WRITTEN_IN

# (English, Russian, Kyrgyz), the order of procurement.demo.WRITTEN_IN.
THEMES = [
    ("Children of labor migrants", "Дети трудовых мигрантов", "Эмгек мигранттарынын балдары"),
    ("Older people living alone", "Одинокие пожилые люди", "Жалгыз жашаган кары адамдар"),
    (
        "Women affected by domestic violence",
        "Женщины, пострадавшие от домашнего насилия",
        "Үй-бүлөлүк зомбулуктан жабыр тарткан аялдар",
    ),
    (
        "Children with disabilities",
        "Дети с ограниченными возможностями здоровья",
        "Ден соолугунун мүмкүнчүлүгү чектелген балдар",
    ),
    ("Jobs for young people", "Занятость молодёжи", "Жаштарды жумуш менен камсыз кылуу"),
    ("Homeless people", "Бездомные люди", "Үй-жайсыз адамдар"),
    ("Leadership of rural women", "Лидерство сельских женщин", "Айыл аялдарынын лидерлиги"),
    ("Healthy lifestyle of teenagers", "Здоровый образ жизни подростков", "Өспүрүмдөрдүн сергек жашоосу"),
]
DESCRIPTION = (
    "Projects of non-commercial organizations on this issue: {theme}.",
    "Проекты некоммерческих организаций по этой проблеме: {theme}.",
    "Ушул көйгөй боюнча коммерциялык эмес уюмдардын долбоорлору: {theme}.",
)
TARGET_GROUP = (
    "Residents of the municipality: {theme}",
    "Жители муниципалитета: {theme}",
    "Муниципалитеттин тургундары: {theme}",
)
__all__ = ["CRITERIA", "REQUIREMENTS", "THEMES", "WRITTEN_IN", "in_each_language"]

# Five criteria whose weights add up to 100 (as Karakol's), and three requirements any
# municipality may ask (Karakol's fourth names the city).
REQUIREMENTS = ELIGIBILITY[:3]

PLACES = [
    "Ak-Suu",
    "Balykchy",
    "Bazar-Korgon",
    "Cholpon-Ata",
    "Isfana",
    "Jalal-Abad",
    "Kara-Balta",
    "Kara-Suu",
    "Kemin",
    "Kochkor",
    "Kyzyl-Kiya",
    "Nookat",
    "Sokuluk",
    "Talas",
    "Tokmok",
    "Toktogul",
    "Uzgen",
    "Chui",
]


def in_each_language(name: str, texts: tuple[str, str, str], **values: str) -> dict[str, str]:
    """``title``, (English, Russian, Kyrgyz) → ``title_en``, ``title_ru``, ``title_ky``, each text
    formatted with ``values`` (given in the same language when a value is a triple)."""
    row = {}
    for index, language in enumerate(WRITTEN_IN):
        filled = {key: value[index] if isinstance(value, tuple) else value for key, value in values.items()}
        row[f"{name}_{language}"] = texts[index].format(**filled)
    return row


# What an application says, in Russian as most of them are written.
PROPOSAL = {
    "summary": "Проект помогает целевой группе в течение года: регулярные занятия, консультации и "
    "сопровождение семей.",
    "problem": "По данным оценки потребностей, помощь нужна многим жителям, а услуг в муниципалитете нет.",
    "objectives": "Обеспечить регулярную поддержку и снизить число семей в трудной жизненной ситуации.",
    "target_group": "Жители муниципалитета, которым нужна помощь, и их семьи.",
    "expected_results": "Не менее ста человек получат помощь; услуги продолжатся после проекта.",
}
ACTIVITIES = [
    ("Подготовка и набор участников", "Информирование жителей, отбор участников."),
    ("Занятия и консультации", "Еженедельные занятия и индивидуальные консультации."),
]
BUDGET_LINES = [
    ("staff", "Оплата специалистов", "месяц"),
    ("activities", "Проведение занятий", "услуга"),
    ("equipment", "Материалы и оборудование", "комплект"),
]
REPORT_NARRATIVE = {
    "activities": "Занятия и консультации прошли по плану периода; списки участников приложены.",
    "results": "Показатели периода выполнены или близки к плановым.",
    "problems": "Существенных проблем не было.",
}
REVIEW_COMMENT = {"expenditure": "Приложите счета по строке материалов."}
REVIEW_ANSWER = {"expenditure": "Счета приложены, сумма исправлена."}
INDICATORS = [
    ("Participants reached", "people", "count"),
    ("Participants satisfied with the services", "%", "percent"),
]
