# Kyrgyz: "2026-жылдын 1-декабры, 14:30" in full, "01.12.2026 14:30" in short; 1 234,5.
# Django's own Kyrgyz formats write "1 Декабрь 2026 ж." and a decimal point; months are written in
# lower case, and after a day in the possessive form (декабры), which ssp_portal/formats/months.py
# gives the catalog.
from ssp_portal.formats.ru.formats import *  # noqa: F403

DATE_FORMAT = r"Y-\ж\ы\л\д\ы\н j-E"
DATETIME_FORMAT = r"Y-\ж\ы\л\д\ы\н j-E, H:i"
YEAR_MONTH_FORMAT = r"Y-\ж\ы\л\д\ы\н E"
MONTH_DAY_FORMAT = "j-E"
