"""What the templates' source must not hold, whatever page renders them."""

from __future__ import annotations

import re

from ssp_portal.tests.test_security_headers import TEMPLATE_DIRS

# Django's {# #} comments end on their line; one that goes on is printed to the reader.
OPEN_COMMENT = re.compile(r"\{#(?:(?!#\}).)*$", re.M)


def test_no_one_line_comment_runs_over_lines():
    templates = [
        path
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*")
        if path.suffix in {".html", ".txt"}
    ]
    assert len(templates) > 50
    found = [
        f"{path}:{path.read_text()[: match.start()].count(chr(10)) + 1}"
        for path in templates
        for match in OPEN_COMMENT.finditer(path.read_text())
    ]
    assert found == [], "use {% comment %} for comments of more than one line:\n" + "\n".join(found)


def test_a_comment_over_lines_is_found():
    assert OPEN_COMMENT.search("<p>\n{# one\n two #}\n")
    assert not OPEN_COMMENT.search("<p>{# one #}</p>\n{# two #}\n")
