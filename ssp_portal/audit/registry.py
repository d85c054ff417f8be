"""Every audit verb, with its human-readable label, registered by the app that writes it.

A verb is a stable code such as ``organization.verified``; the label is what a timeline shows,
in the reader's language. Each app registers its verbs in ``AppConfig.ready()``, and
``audit_record`` refuses a verb that is not registered, so that a misspelt verb fails in the
tests instead of writing an event no timeline can name. Events of a verb no longer registered
keep showing their code.
"""

from __future__ import annotations

from django.utils.functional import Promise

_labels: dict[str, str | Promise] = {}


class UnknownVerbError(ValueError):
    pass


def register_verbs(labels: dict[str, str | Promise]) -> None:
    for verb, label in labels.items():
        existing = _labels.get(verb)
        if existing is not None and existing != label:
            raise ValueError(f"Audit verb {verb!r} is already registered with another label.")
        _labels[verb] = label


def verb_label(verb: str) -> str | Promise:
    return _labels.get(verb, verb)


def is_registered(verb: str) -> bool:
    return verb in _labels


def require_registered(verb: str) -> None:
    if not is_registered(verb):
        raise UnknownVerbError(
            f"Audit verb {verb!r} is not registered: add it to its app's register_verbs()."
        )
