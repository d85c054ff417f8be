# English as written in Kyrgyzstan: day first, 24-hour clock, "1 Dec 2026, 14:30".
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# No slashes: 12/01/2026 would be read one way here and the other way by many readers.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-01, what a browser's date field sends
    "%d.%m.%Y",  # 01.12.2026
    "%d %b %Y",  # 1 Dec 2026
    "%d %B %Y",  # 1 December 2026
    "%b %d %Y",  # Dec 1 2026
    "%b %d, %Y",  # Dec 1, 2026
    "%B %d %Y",  # December 1 2026
    "%B %d, %Y",  # December 1, 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d %b %Y %H:%M",
    "%d %b %Y, %H:%M",
    "%d %B %Y %H:%M",
    "%d %B %Y, %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
