"""The two shapes of a rule: may this person do it (``Answer``), and what is still missing (``Check``).

A permission answers with its reason, so that the page that hides a button and the service that
refuses the same action say the same thing::

    answer = permissions.can_reopen_sheet(user, sheet)
    if not answer:
        raise ValidationError(answer.reason)

An ``Answer`` is truthy when allowed, so ``if permissions.can_…(…):`` reads as before.

A checklist ("what is missing before it can be published, submitted, awarded, reviewed") is a
list of ``Check``: each done, said as a fact, or left to do, said as what to do, with ``where``
naming the page or the field where it is done. The page shows every check; the service refuses
with the ones left to do (:func:`refusal`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Answer:
    allowed: bool
    #: Why not, in words the person reads (empty when allowed, or when nothing may be said).
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Answer(True)


def refused(reason: str = "") -> Answer:
    return Answer(False, str(reason))


def answer(allowed: bool, reason: str = "") -> Answer:
    """``allowed`` as an answer, with ``reason`` when it is no."""
    return ALLOWED if allowed else refused(reason)


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str
    #: The page (or the field) where it is done.
    where: str = ""
    #: The language the fix is written in (the row editors open in it).
    language: str = ""


def missing(checks: Iterable[Check]) -> list[Check]:
    """The checks left to do."""
    return [check for check in checks if not check.ok]


def refusal(checks: Iterable[Check]) -> ValidationError | None:
    """The checks left to do as one refusal, or ``None`` when all are done."""
    left = missing(checks)
    return ValidationError([check.message for check in left]) if left else None
