"""Kinds of generated documents, registered by the domain apps that own their subjects.

The documents app knows no domain model: a kind tells it which model its subject is, which
template renders it, what context the template gets, and who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str | Promise
    model: type[models.Model]
    template: str
    context: Callable[[Any], dict[str, Any]]
    can_view: Callable[[Any, Any], bool]
    filename: Callable[[Any], str]
    # Who may ask for a new rendering; by default whoever may see it.
    can_request: Callable[[Any, Any], bool] | None = None
    # Public documents (a competition's announcement) may be seen by visitors who are not logged in.
    public: bool = False

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
