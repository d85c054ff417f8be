"""Objects still sealed, for the shared mechanisms that record things about them.

An application is its organization's alone until the competition's deadline: the audit log, the
outgoing e-mails and the reminders of the administration site must not tell who applied before
then. The domain app that owns such objects registers, for its model, the ids still sealed now;
the shared admins leave out every row about them (``exclude_sealed``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import models

# model -> a function answering a queryset of the sealed objects' primary keys as text.
_SEALED: dict[type[models.Model], Callable[[], models.QuerySet]] = {}


def register_sealed(model: type[models.Model], sealed_ids: Callable[[], models.QuerySet]) -> None:
    _SEALED[model] = sealed_ids


def exclude_sealed(queryset: models.QuerySet, *, type_field: str, id_field: str) -> models.QuerySet:
    """``queryset`` without the rows whose (``type_field``, ``id_field``) names a sealed object."""
    for model, sealed_ids in _SEALED.items():
        queryset = queryset.exclude(
            **{type_field: ContentType.objects.get_for_model(model), f"{id_field}__in": sealed_ids()}
        )
    return queryset
