"""The Russian and Kyrgyz catalogs are complete, valid and up to date with the code."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

from ssp_portal.tests.catalogs import LANGUAGES, english_left, po_path

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")


def gettext_tool(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def msgids(path) -> set[str]:
    """Every msgid (with its context) of a catalog, from msgcat's one-entry-per-line output."""
    text = gettext_tool("msgcat", "--no-wrap", "--no-location", str(path))
    ids, context = set(), ""
    for line in text.splitlines():
        if line.startswith("msgctxt "):
            context = line[8:]
        elif line.startswith("msgid "):
            ids.add((context, line[6:]))
            context = ""
    ids.discard(("", '""'))
    return ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    statistics = gettext_tool("msgfmt", "--statistics", "-o", "/dev/null", str(po_path(language)))
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics
    fuzzy = gettext_tool("msgattrib", "--only-fuzzy", "--no-wrap", str(po_path(language)))
    assert "msgid" not in fuzzy.replace('msgid ""\nmsgstr ""', "", 1), fuzzy[:2000]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogs_pass_msgfmt_check(language):
    # Placeholders of python-format strings, plural forms and the header are checked.
    gettext_tool("msgfmt", "--check", "-o", "/dev/null", str(po_path(language)))


def test_catalogs_hold_every_string_of_the_code(tmp_path, monkeypatch):
    """`make messages` in a copy of the project adds nothing and drops nothing.

    makemessages writes into the ``locale`` folder of the directory it runs in, whatever
    LOCALE_PATHS says: it runs in a copy, so that the project's own catalogs stay as they are.
    """
    if shutil.which("xgettext") is None:
        pytest.skip("needs xgettext")
    copy = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "*.mo"),
    )
    before = {language: po_path(language).read_bytes() for language in LANGUAGES}
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            ignore_patterns=[".venv", "var", "node_modules"],
            no_obsolete=True,
            verbosity=0,
        )
    for language in LANGUAGES:
        assert po_path(language).read_bytes() == before[language], "the project's catalog was written"
        fresh = msgids(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        stored = msgids(po_path(language))
        assert fresh - stored == set(), f"{language}: strings missing from the catalog: run `make messages`"
        assert stored - fresh == set(), f"{language}: strings no longer in the code: run `make messages`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_english_left_finds_an_untranslated_source(language):
    page = (
        f'<html lang="{language}"><body><button>Save</button><p>Сохранить</p>'
        '<a lang="en" href="/">English</a><span data-typed>Save</span>'
        '<input type="submit" value="Log out"></body></html>'
    )
    assert english_left(page, language) == ["Save", "Log out"]
