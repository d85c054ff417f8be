"""Human-readable labels of audit verbs, registered by the apps that write them.

A verb is a stable code such as ``organization.verified``; the label is what a timeline shows,
in the reader's language.
"""

from __future__ import annotations

from django.utils.functional import Promise

_labels: dict[str, str | Promise] = {}


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
