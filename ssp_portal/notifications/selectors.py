"""Which reminders are still to send, asked of the database.

A reminder's key names its occasion (``draft-reminder:application-17:user-4:7d``). A run builds
the key of each candidate in SQL, from the same parts as the Python text, and keeps only the
candidates whose key is not recorded: a repeated run reads nothing it has sent, and tries no
insert that the unique key would refuse.
"""

from __future__ import annotations

from django.db import NotSupportedError
from django.db.models import CharField, Exists, Expression, Func, Value
from django.db.models.functions import Cast, Concat

from ssp_portal.notifications.models import Reminder


def reminder_key(*parts: str | Expression) -> Concat:
    """The key, in SQL, that joins literal text and columns as an f-string joins them:
    ``reminder_key("draft:application-", OuterRef("pk"))`` is ``f"draft:application-{pk}"``."""
    return Concat(
        *(Value(part) if isinstance(part, str) else Cast(part, CharField()) for part in parts),
        output_field=CharField(),
    )


def not_reminded(key: Expression) -> Exists:
    """True where no reminder with ``key`` was sent: ``NOT EXISTS`` on the unique key's index."""
    return ~Exists(Reminder.objects.filter(key=key))


class KeyTime(Func):
    """A moment as a key writes it, ``f"{moment:%Y%m%d%H%M%S}"`` of the UTC time Django reads."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"A reminder's key time is not written for {connection.vendor}.")

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores a moment as UTC text. Each '%%%%' is '%%' once the template is filled, which the
        # driver reads as one '%'.
        template = "strftime('%%%%Y%%%%m%%%%d%%%%H%%%%M%%%%S', %(expressions)s)"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISS')"
        return super().as_sql(compiler, connection, template=template, **extra)
