# Kyrgyz: written like Russian ("1 декабрь 2026, 14:30", "01.12.2026 14:30", 1 234,5);
# Django's own Kyrgyz formats use a decimal point, which the amounts in soms do not.
from ssp_portal.formats.ru.formats import *  # noqa: F403
