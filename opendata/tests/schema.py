"""The OCDS 1.1.5 schemas and codelists of opendata/schema/, read without the network."""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "ocds-1.1.5"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA / name).read_text(encoding="utf-8"))


def _format_checker() -> FormatChecker:
    """jsonschema's checks, and ``uri`` (which it checks only with a package the portal does not
    need): an absolute address with a scheme and a host."""
    checker = Draft4Validator.FORMAT_CHECKER

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return parts.scheme in {"http", "https"} and bool(parts.netloc)

    return checker


@functools.cache
def release_schema() -> dict[str, Any]:
    return _load("release-schema.json")


@functools.cache
def package_validator() -> Draft4Validator:
    """The release package schema, its ``$ref`` to the release schema's URL read from the local file."""
    resource = Resource.from_contents(release_schema(), default_specification=DRAFT4)
    registry = Registry().with_resource(RELEASE_SCHEMA_URL, resource)
    return Draft4Validator(
        _load("release-package-schema.json"), registry=registry, format_checker=_format_checker()
    )


@functools.cache
def release_validator() -> Draft4Validator:
    return Draft4Validator(release_schema(), format_checker=_format_checker())


def errors(validator: Draft4Validator, document: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


@functools.cache
def codelist(name: str) -> frozenset[str]:
    with (SCHEMA / "codelists" / name).open(encoding="utf-8") as file:
        return frozenset(row["Code"] for row in csv.DictReader(file))


def closed_codelists() -> list[tuple[tuple[str, ...], str]]:
    """Where in a release each closed codelist applies: the path of the field (``*`` an array's
    items) and the codelist's file."""
    found: list[tuple[tuple[str, ...], str]] = []
    definitions = release_schema()["definitions"]

    def walk(schema: dict, path: tuple[str, ...], seen: frozenset[str]) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(definitions[name], path, seen | {name})
            return
        if schema.get("codelist") and schema.get("openCodelist") is False:
            found.append((path, schema["codelist"]))
        for key, value in schema.get("properties", {}).items():
            walk(value, (*path, key), seen)
        if isinstance(schema.get("items"), dict):
            walk(schema["items"], (*path, "*"), seen)

    walk(release_schema(), (), frozenset())
    return found


def values_at(document: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """Every value at ``path`` in ``document`` (arrays walked at ``*``; a list of codes at the end
    gives each code)."""
    if not path:
        yield from (document if isinstance(document, list) else [document])
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for item in document if isinstance(document, list) else []:
            yield from values_at(item, rest)
    elif isinstance(document, dict) and head in document:
        yield from values_at(document[head], rest)
