"""Kinds of generated documents, registered by the domain apps that own their subjects.

The documents app knows no domain model: a kind tells it which model its subject is, which
template renders it, what context the template gets, and who may see it.

A kind that is no PDF (the auditor's bundle, a zip) gives ``build`` instead of a template: the
worker calls it with the subject, a temporary binary file to write to and the document, and
stores what it wrote under ``extension`` and ``content_type``, with the same states, retries,
sweep and download view as a PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.db import models
from django.utils.functional import Promise


def _no_context(subject: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True, kw_only=True)
class DocumentKind:
    code: str
    title: str | Promise
    model: type[models.Model]
    can_view: Callable[[Any, Any], bool]
    filename: Callable[[Any], str]
    template: str = ""
    context: Callable[[Any], dict[str, Any]] = _no_context
    # Instead of a template: writes the file itself, ``build(subject, output, document)``.
    build: Callable[[Any, IO[bytes], Any], None] | None = None
    content_type: str = "application/pdf"
    extension: str = "pdf"
    # Who may ask for a new rendering; by default whoever may see it.
    can_request: Callable[[Any, Any], bool] | None = None
    # Public documents (a competition's announcement) may be seen by visitors who are not logged in.
    public: bool = False

    def __post_init__(self) -> None:
        if bool(self.template) == bool(self.build):
            raise ValueError(f"Document kind {self.code!r} needs a template or a builder, not both.")

    def visible_to(self, user: Any, subject: models.Model) -> bool:
        if not user.is_authenticated and not self.public:
            return False
        return bool(self.can_view(user, subject))

    def requestable_by(self, user: Any, subject: models.Model) -> bool:
        if not user.is_authenticated:
            return False
        return bool((self.can_request or self.can_view)(user, subject))


_kinds: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    if kind.code in _kinds and _kinds[kind.code] != kind:
        raise ValueError(f"Document kind {kind.code!r} is already registered.")
    _kinds[kind.code] = kind
    return kind


def get_kind(code: str) -> DocumentKind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"No document kind {code!r} is registered.") from None


def kinds() -> dict[str, DocumentKind]:
    return dict(_kinds)
