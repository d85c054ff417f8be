"""The languages published texts are written in, and how a text says which one it is in.

A translatable field ``title`` has one column per language (``title_ky``, ``title_ru``,
``title_en``: django-modeltranslation, registered in ``procurement/translation.py``). Reading
``obj.title`` gives the reader's language, else Russian, else Kyrgyz, else English. Kyrgyz and
Russian are the state languages: a competition is published in both; English is optional.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

#: Every language a text may be written in, in the order forms show them.
LANGUAGES = ("ky", "ru", "en")
#: The languages every published text must have.
STATE_LANGUAGES = ("ky", "ru")
#: Each language's name in itself (a language switch is read by those who do not read the page's).
NATIVE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
#: The order texts fall back in (settings.MODELTRANSLATION_FALLBACK_LANGUAGES).
FALLBACK = ("ru", "ky", "en")


def localized(name: str, languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """The columns of a translatable field: ``title`` → ``title_ky``, ``title_ru``, ``title_en``."""
    return [f"{name}_{language}" for language in languages]


def current_language() -> str:
    """The page's language among ``LANGUAGES`` (Russian when it is none of them)."""
    language = (get_language() or "").split("-")[0]
    return language if language in LANGUAGES else "ru"


def text_in(obj: Any, name: str, language: str) -> str:
    """The text of ``name`` written in ``language`` ("" when it has none): no fallback."""
    return (getattr(obj, f"{name}_{language}", None) or "").strip()


def shown_language(obj: Any, name: str, language: str | None = None) -> str | None:
    """The language the reader of ``language`` sees ``name`` in: theirs if written, else the first
    of the fallback order that is; None when the text is written in no language."""
    language = language or current_language()
    for candidate in (language, *[code for code in FALLBACK if code != language]):
        if text_in(obj, name, candidate):
            return candidate
    return None


def missing_languages(obj: Any, name: str, languages: tuple[str, ...] = STATE_LANGUAGES) -> list[str]:
    """The languages of ``languages`` in which ``name`` is not written."""
    return [language for language in languages if not text_in(obj, name, language)]


def as_read(name: str):
    """An expression of ``name`` as the reader sees it (their language, then the fallbacks), to
    order by: ``order_by("title")`` would read the page's language alone, untranslated rows last."""
    language = current_language()
    order = (language, *[code for code in FALLBACK if code != language])
    text = TextField()
    return Coalesce(
        *[NullIf(F(f"{name}_{code}"), Value(""), output_field=text) for code in order], output_field=text
    )


def any_language(name: str, lookup: str, value: Any):
    """A filter matching ``name`` in any language: ``title__icontains`` in ky, ru or en."""
    query = Q()
    for column in localized(name):
        query |= Q(**{f"{column}__{lookup}": value})
    return query
