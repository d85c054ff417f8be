"""One way to write money, numbers and dates per language, in Python and in templates."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils import translation

from ssp_portal.files import PrivateFileField
from ssp_portal.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_quantity,
    format_soms,
)

NBSP = "\u00a0"
# 1 December 2026, 14:30 in Bishkek (UTC+6).
MOMENT = datetime.datetime(2026, 12, 1, 8, 30, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 12, 1)
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("en", Decimal("400000"), f"KGS{NBSP}400,000"),
        ("ru", Decimal("400000"), f"400{NBSP}000{NBSP}сом"),
        ("ky", Decimal("400000.00"), f"400{NBSP}000{NBSP}сом"),
        ("en", Decimal("1234567.5"), f"KGS{NBSP}1,234,567.50"),
        ("ru", Decimal("1234567.5"), f"1{NBSP}234{NBSP}567,50{NBSP}сом"),
        ("ky", Decimal("0.005"), f"0,01{NBSP}сом"),
        ("en", Decimal("-15"), f"-KGS{NBSP}15"),
        ("ru", "250000", f"250{NBSP}000{NBSP}сом"),
        ("en", 999, f"KGS{NBSP}999"),
    ],
)
def test_money_is_written_one_way_per_language(language, value, expected):
    with translation.override(language):
        assert format_soms(value) == expected


def test_money_leaves_what_is_not_a_number_as_it_is():
    assert format_soms(None) == ""
    assert format_soms("") == ""
    assert format_soms("n/a") == "n/a"
    assert format_soms(Decimal("NaN")) == "NaN"


@pytest.mark.parametrize(
    ("language", "quantity", "score", "percent"),
    [
        ("en", "1,250.5", "72.50", "12.5%"),
        ("ru", f"1{NBSP}250,5", "72,50", f"12,5{NBSP}%"),
        ("ky", f"1{NBSP}250,5", "72,50", f"12,5{NBSP}%"),
    ],
)
def test_numbers_use_the_separators_of_the_language(language, quantity, score, percent):
    with translation.override(language):
        assert format_quantity(Decimal("1250.50")) == quantity
        assert format_number(Decimal("72.5"), 2) == score
        assert format_percent(Decimal("12.50")) == percent
        # Django's own number formatting (floatformat, a plain {{ decimal }}) agrees with them,
        # so one page never shows 72.50 beside 1 250,50 сом.
        assert floatformat(Decimal("72.5"), 2) == score
        point = "." if language == "en" else ","
        assert point in format_soms(Decimal("10.25"))
        assert Template("{{ value }}").render(Context({"value": Decimal("72.50")})) == f"72{point}50"


@pytest.mark.parametrize(
    ("language", "long_date", "short_date", "long_moment", "short_moment"),
    [
        ("en", "1 December 2026", "1 Dec 2026", "1 December 2026, 14:30", "1 Dec 2026, 14:30"),
        ("ru", "1 декабря 2026", "01.12.2026", "1 декабря 2026, 14:30", "01.12.2026 14:30"),
        # Months in lower case, after a day in the possessive form.
        ("ky", "2026-жылдын 1-декабры", "01.12.2026", "2026-жылдын 1-декабры, 14:30", "01.12.2026 14:30"),
    ],
)
def test_dates_are_day_first_in_every_language(language, long_date, short_date, long_moment, short_moment):
    with translation.override(language):
        assert format_date(DAY) == long_date
        assert format_date(DAY, short=True) == short_date
        assert format_datetime(MOMENT) == long_moment
        assert format_datetime(MOMENT, short=True) == short_moment
        assert format_datetime(MOMENT, zone="UTC", short=True).endswith("08:30")
        # The formats the templates name give the same, never 12/01/2026 nor "2:30 p.m.".
        rendered = Template(
            '{{ day|date:"SHORT_DATE_FORMAT" }}|{{ day|date:"DATE_FORMAT" }}|{{ day }}|'
            '{{ moment|date:"SHORT_DATETIME_FORMAT" }}|{{ moment|date:"DATETIME_FORMAT" }}'
        ).render(Context({"day": DAY, "moment": MOMENT}))
        assert rendered.split("|") == [short_date, long_date, long_date, short_moment, long_moment]
        assert not US_DATE.search(rendered)
        assert "m." not in rendered


class DatesForm(forms.Form):
    day = forms.DateField()
    moment = forms.DateTimeField()


@pytest.mark.parametrize("language", ["en", "ru", "ky"])
@pytest.mark.parametrize(
    ("typed", "moment"),
    [
        ("2026-12-01", "2026-12-01T14:30"),  # what the browser's date and datetime-local fields send
        ("01.12.2026", "01.12.2026 14:30"),  # what people type
    ],
)
def test_date_inputs_accept_what_browsers_send_and_people_type(language, typed, moment):
    with translation.override(language):
        form = DatesForm({"day": typed, "moment": moment})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == DAY
        assert form.cleaned_data["moment"].hour == 14


@pytest.mark.parametrize("typed", ["1 Dec 2026", "December 1, 2026"])
def test_english_date_inputs_accept_month_names(typed):
    with translation.override("en"):
        form = DatesForm({"day": typed, "moment": "2026-12-01 14:30"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == DAY


def test_a_date_in_us_order_is_refused_not_misread():
    with translation.override("en"):
        form = DatesForm({"day": "12/01/2026", "moment": "12/01/2026 14:30"})
        assert not form.is_valid()
        assert set(form.errors) == {"day", "moment"}


def test_amounts_in_pages_never_wrap_and_in_text_stay_plain():
    amount = Decimal("400000")
    with translation.override("en"):
        page = Template("{% load portal %}<td>{{ amount|soms }}</td>").render(Context({"amount": amount}))
        text = Template("{% load portal %}{% autoescape off %}{{ amount|soms }}{% endautoescape %}").render(
            Context({"amount": amount})
        )
        inside = Template(
            "{% load i18n portal %}{% blocktranslate with total=amount|soms %}Total: {{ total }}"
            "{% endblocktranslate %}"
        ).render(Context({"amount": amount}))
    assert page == f'<td><span class="amount">KGS{NBSP}400,000</span></td>'
    assert text == f"KGS{NBSP}400,000"
    assert inside == f'Total: <span class="amount">KGS{NBSP}400,000</span>'
    with translation.override("ru"):
        assert Template("{% load portal %}{{ v|soms }}").render(Context({"v": "<b>"})) == (
            '<span class="amount">&lt;b&gt;</span>'
        )


@pytest.mark.parametrize(
    ("language", "size"),
    [("en", "10.0\xa0MB"), ("ru", "10,0\xa0МБ"), ("ky", "10,0\xa0мегабайт")],
)
def test_file_limits_are_written_in_the_language_of_the_page(language, size, settings):
    settings.SSP_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

    class UploadForm(forms.Form):
        file = PrivateFileField()

    with translation.override(language):
        html = str(UploadForm()["file"].help_text)
        assert size in html
        assert "PDF" in html


def test_file_limits_follow_the_setting_in_force(settings):
    field = PrivateFileField()  # made once, like the fields of a form class at import
    settings.SSP_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    with translation.override("en"):
        assert "2.0\xa0MB" in str(field.help_text)
    settings.SSP_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    with translation.override("ru"):
        assert "5,0\xa0МБ" in str(field.help_text)
    assert "fixed" in str(PrivateFileField(help_text="fixed").help_text)


def test_a_time_zone_is_named_as_people_say_it():
    from ssp_portal.templatetags.portal import zone_name

    assert zone_name("Asia/Bishkek") == "Bishkek time"
    assert zone_name("Asia/Tashkent") == "Tashkent time"


@pytest.mark.django_db
def test_the_deadline_says_bishkek_time_not_the_zone_code(client):
    from procurement.factories import CompetitionFactory

    competition = CompetitionFactory(published=True)
    page = client.get(competition.get_absolute_url()).content.decode()
    assert "(Bishkek time)" in page
    assert "Asia/Bishkek time" not in page


def test_an_amount_with_more_digits_than_money_has_is_still_written():
    from ssp_portal.formatting import format_soms

    with translation.override("en"):
        assert format_soms("1e40").startswith("KGS\u00a010,000,000,000")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("150 000", Decimal("150000")),
        ("150\u00a0000,50", Decimal("150000.50")),
        ("12,5", Decimal("12.5")),
        (" 2.5 ", Decimal("2.5")),
        ("-3", Decimal("-3")),
        ("18 000 сом", Decimal("18000")),  # the currency written after the amount
        ("18000сом", Decimal("18000")),
        ("18 000,50 som", Decimal("18000.50")),
        ("25 000 KGS", Decimal("25000")),
        ("5000 с.", Decimal("5000")),
        ("сом", None),
        ("сом 100", None),
        ("1,500", None),  # a thousand and a half, or one and a half: refused, never guessed
        ("1e3", None),
        ("NaN", None),
        ("abc", None),
        ("", None),
    ],
)
def test_numbers_are_read_as_people_type_them_and_never_guessed(typed, read):
    from ssp_portal.formatting import read_number

    assert read_number(typed) == read


def test_templates_name_their_date_formats():
    """Templates write dates with the formats of the language (``DATE_FORMAT``...), never a pattern
    of their own: Kyrgyz writes "2026-жылдын 1-декабры" where a pattern would give "1 декабры 2026"."""
    from pathlib import Path

    from django.conf import settings

    named = {
        "DATE_FORMAT",
        "DATETIME_FORMAT",
        "SHORT_DATE_FORMAT",
        "SHORT_DATETIME_FORMAT",
        "YEAR_MONTH_FORMAT",
    }
    found = []
    for path in Path(settings.BASE_DIR).rglob("templates/**/*"):
        if ".venv" in path.parts or path.suffix not in {".html", ".txt"}:
            continue
        for pattern in re.findall(r'\|date:"([^"]*)"', path.read_text()):
            if pattern not in named:
                found.append(f"{path.relative_to(settings.BASE_DIR)}: {pattern}")
    assert found == []


@pytest.mark.parametrize(
    "language, size, expected",
    [("ky", 697, "697 байт"), ("ru", 697, "697 байт"), ("ru", 2, "2 байта"), ("en", 697, "697 bytes")],
)
def test_a_small_file_is_counted_in_bytes_in_each_language(language, size, expected):
    with translation.override(language):
        assert filesizeformat(size).replace("\xa0", " ") == expected
