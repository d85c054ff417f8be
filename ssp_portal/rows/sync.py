"""Writing a list of rows as a whole: only what changed, with the ids the editor sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

STALE = _(
    "This list was changed by someone else since you opened it. Reload the page to see it as it is "
    "now, then make your changes again."
)


@dataclass
class RowChanges:
    """What a save did to a list; false when it did nothing."""

    added: list[models.Model] = field(default_factory=list)
    changed: list[models.Model] = field(default_factory=list)
    removed: list[models.Model] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def _stored(obj: models.Model, name: str) -> Any:
    model_field = obj._meta.get_field(name)
    return getattr(obj, model_field.attname)


def _wanted(obj_or_model: models.Model | type[models.Model], name: str, value: Any) -> Any:
    model_field = obj_or_model._meta.get_field(name)
    if model_field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def _same(stored: Any, wanted: Any) -> bool:
    """Equal, a text not written being the same stored as NULL or empty (a language's column)."""
    return stored == wanted or (stored in ("", None) and wanted in ("", None))


def _parked(obj: models.Model, name: str, offset: int) -> Any:
    """A value no real row has, held by a row while the others take their new unique values."""
    if isinstance(obj._meta.get_field(name), models.IntegerField):
        return 20000 + offset
    return f"\x1f{obj.pk}"


def sync_rows(
    *,
    existing: Iterable[models.Model],
    rows: Sequence[Any],
    fields: Sequence[str],
    build: Callable[[Mapping[str, Any]], models.Model],
    order_field: str = "position",
    first: int = 0,
    unique: Sequence[str] = (),
    locked: Callable[[models.Model], bool] = lambda obj: False,
    locked_message: str = "",
    kept: Callable[[models.Model], bool] = lambda obj: False,
    kept_message: str = "",
    clean: Callable[[models.Model], None] = lambda obj: None,
) -> RowChanges:
    """Make the stored rows ``existing`` equal to ``rows`` (objects with ``id`` and ``fields``).

    A row with an id updates that stored row, one without is added, a stored row not listed is
    removed; ``order_field`` follows the order of ``rows`` from ``first``. Rows keep their identity:
    those whose ``unique`` fields change (names, numbers) move in two steps, so that two rows can
    swap names without meeting a unique constraint. Locked rows neither change nor go (nor move,
    when the order is unique); ``kept`` rows may change but not go. ``clean`` checks each row before
    it is written (``full_clean``). Run it inside the transaction that locked the parent.
    """
    current = {obj.pk: obj for obj in existing}
    listed = [row.id for row in rows if getattr(row, "id", None)]
    if len(set(listed)) != len(listed) or not set(listed) <= current.keys():
        raise ValidationError(STALE)
    changes = RowChanges(removed=[obj for pk, obj in current.items() if pk not in set(listed)])
    update: list[tuple[models.Model, dict[str, Any]]] = []
    add: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        target = {name: getattr(row, name) for name in fields}
        target[order_field] = first + index
        obj = current.get(getattr(row, "id", None) or 0)
        if obj is None:
            add.append(target)
            continue
        diff = {
            name: value
            for name, value in target.items()
            if not _same(_stored(obj, name), _wanted(obj, name, value))
        }
        if not diff:
            continue
        if locked(obj) and (set(diff) - {order_field} or order_field in unique):
            raise ValidationError(locked_message or STALE)
        update.append((obj, diff))
    if any(locked(obj) for obj in changes.removed):
        raise ValidationError(locked_message or STALE)
    if any(kept(obj) for obj in changes.removed):
        raise ValidationError(kept_message or STALE)

    if changes.removed:
        type(changes.removed[0]).objects.filter(pk__in=[obj.pk for obj in changes.removed]).delete()
    for offset, (obj, diff) in enumerate(update):
        parked = {name: _parked(obj, name, offset) for name in diff if name in unique}
        if parked:
            type(obj).objects.filter(pk=obj.pk).update(**parked)
    for obj, diff in update:
        for name, value in diff.items():
            setattr(obj, name, value)
        clean(obj)
        obj.save(update_fields=list(diff))
        changes.changed.append(obj)
    for target in add:
        fresh = build(target)
        clean(fresh)
        fresh.save()
        changes.added.append(fresh)
    return changes
