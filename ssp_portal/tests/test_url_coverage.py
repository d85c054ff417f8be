from __future__ import annotations

from insights.tests.test_access import ROWS as INSIGHTS_ROWS
from monitoring.tests.test_access import ROWS as MONITORING_ROWS
from opendata.tests.test_access import ROWS as OPENDATA_ROWS
from opendata.tests.test_giving_access import ROWS as GIVING_ROWS
from organizations.tests.test_access import ROWS as ORGANIZATION_ROWS
from procurement.tests.test_access import ROWS as PROCUREMENT_ROWS
from procurement.tests.test_application_access import ROWS as APPLICATION_ROWS
from procurement.tests.test_evaluation_access import ROWS as EVALUATION_ROWS
from ssp_portal.audit.tests.test_access import ROWS as AUDIT_ROWS
from ssp_portal.tests.access import url_name, url_names


def test_every_url_has_an_access_row():
    """The portal's own URLs all appear in an access matrix (the admin's and allauth's, its second-factor
    pages included, are tested apart)."""
    ours = {name for name in url_names() if not name.startswith(("admin:", "account_", "mfa_"))}
    covered = {
        url_name(key)
        for key in (
            *ORGANIZATION_ROWS,
            *PROCUREMENT_ROWS,
            *APPLICATION_ROWS,
            *EVALUATION_ROWS,
            *MONITORING_ROWS,
            *AUDIT_ROWS,
            *GIVING_ROWS,
            *OPENDATA_ROWS,
            *INSIGHTS_ROWS,
        )
    }
    assert ours - covered == set(), "URLs without an access row"
    assert covered - ours == set(), "access rows for URLs that do not exist"
