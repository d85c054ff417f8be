"""Published texts in the reader's language, marked when they are in another.

``{% translated competition "title" %}`` shows the title in the reader's language; when it is not
written in it, the text of the fallback language in ``<span lang="ru">`` with a note "(in Russian)"
in the reader's language, so that a screen reader pronounces it right and a reader knows why.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ssp_portal.languages import current_language, shown_language, text_in

register = template.Library()


def language_note(language: str) -> str:
    """ "(in Russian)", in the reader's language."""
    notes = {"ky": _("(in Kyrgyz)"), "ru": _("(in Russian)"), "en": _("(in English)")}
    return notes.get(language, "")


@register.simple_tag
def translated(obj: Any, name: str, lines: bool = False) -> SafeString:
    """The text ``name`` of ``obj`` for this page's reader, marked when it is in another language
    (``lines=True``: line ends kept, for a description)."""
    if obj is None:
        return mark_safe("")
    reader = current_language()
    language = shown_language(obj, name, reader)
    if language is None:
        return mark_safe("")
    text = text_in(obj, name, language)
    body = linebreaksbr(text, autoescape=True) if lines else conditional_escape(text)
    if language == reader:
        return body  # escaped above
    return format_html(
        '<span lang="{}">{}</span> <small class="text-body-secondary translated-note" '
        'data-testid="language-note">{}</small>',
        language,
        body,
        language_note(language),
    )


@register.simple_tag
def text_language(obj: Any, name: str) -> str:
    """The language ``name`` of ``obj`` is shown in to this page's reader (for a ``lang`` attribute)."""
    return shown_language(obj, name) or current_language()
