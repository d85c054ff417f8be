"""Text search of the lists people scroll: what a person types finds rows in any language.

Every searchable model keeps a ``search_text`` column: its searchable texts folded by ``fold``
(lower case by Unicode's rules, ``ё`` read as ``е``), written when the row is saved. Every
database finds a row whose folded text contains each folded word typed; SQLite's ``LIKE``, which
ignores the case of ASCII letters alone, is thereby right for Cyrillic too.

On PostgreSQL a ``TextSearch`` also finds

- by words, in each language's own configuration (``russian`` and ``english`` know their words'
  forms, Kyrgyz is read by ``simple``): "школы" finds "школа";
- by likeness: a misspelt word ("ремонд") finds the word it is like, by pg_trgm's word
  similarity (default threshold 0.6) to a short folded column (a title, a name: likeness to a
  long description costs too much and finds too much); a text with a digit (an INN, a
  reference) is only looked for as typed;

and orders what it found by relevance: the full-text rank of the words in the heaviest columns
(titles, names) plus the likeness, then the list's own order. Each branch is served by a GIN
index (``SearchIndex`` in the apps' migrations: an expression index per language's vector, a
trigram index on each folded column), so a search reads the indexes, not the table.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import connections
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

#: The column every searchable model keeps its folded texts in.
COLUMN = "search_text"
#: PostgreSQL's text search configuration for each language (it has none for Kyrgyz).
CONFIGS = {"ky": "simple", "ru": "russian", "en": "english"}
#: Shorter typed texts are looked for as they are, not by likeness (two letters are like anything).
SIMILAR_FROM = 4


def by_likeness(typed: str) -> bool:
    """Whether a folded typed text is also looked for by likeness: words, not numbers (an INN or
    a reference is like many others that differ in one digit)."""
    return len(typed) >= SIMILAR_FROM and not any(character.isdigit() for character in typed)


def fold(text: str | None) -> str:
    """``text`` as searched: Unicode-normalised, case-folded, ``ё`` as ``е``, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")
    return " ".join(text.split())


def folded(*texts: str | None) -> str:
    """The folded texts of a row, one after another: what its ``search_text`` holds."""
    return " ".join(part for part in (fold(text) for text in texts) if part)


def with_search_text(update_fields, sources: tuple[str, ...], also: tuple[str, ...] = ()):
    """``save(update_fields=…)``'s fields, with ``search_text`` (and the folded columns ``also``)
    when one of their sources is among them."""
    if update_fields is None:
        return None
    fields = list(update_fields)
    if any(name in fields for name in sources):
        fields += [name for name in (COLUMN, *also) if name not in fields]
    return fields


def contains_words(value: str, column: str = COLUMN) -> Q:
    """Rows whose folded text contains each folded word of ``value`` (every database)."""
    query = Q()
    for word in fold(value).split():
        query &= Q(**{f"{column}__contains": word})
    return query


def words_in(value: str, folded: tuple[str, ...] = (), plain: tuple[str, ...] = ()) -> Q:
    """Rows where each folded word of ``value`` is in one of the ``folded`` columns (which hold
    folded text, such as ``search_text``) or, case aside, in one of the ``plain`` ones."""
    query = Q()
    for word in fold(value).split():
        match = Q()
        for column in folded:
            match |= Q(**{f"{column}__contains": word})
        for column in plain:
            match |= Q(**{f"{column}__icontains": word})
        query &= match
    return query


class WordSimilar(Func):
    """``text <% column``: some extent of ``column`` is like ``text`` (pg_trgm; a trigram index serves it)."""

    function = ""
    arg_joiner = " <%% "
    output_field = BooleanField()


class Matches(Func):
    """``vector @@ query`` (an index on the vector's expression serves it)."""

    function = ""
    arg_joiner = " @@ "
    output_field = BooleanField()


@dataclass(frozen=True)
class Vector:
    """A full-text vector of some columns in one configuration, each column with its weight."""

    config: str
    columns: tuple[tuple[str, str], ...]

    def expression(self, weights: str = "ABCD") -> SearchVector:
        """The vector (as its index is made), of the columns of ``weights`` alone when given."""
        vectors = [
            SearchVector(column, config=self.config, weight=weight)
            for column, weight in self.columns
            if weight in weights
        ]
        combined = vectors[0]
        for vector in vectors[1:]:
            combined = combined + vector
        return combined


def translated_vectors(columns: tuple[tuple[str, str], ...]) -> tuple[Vector, ...]:
    """One vector per language of translated fields: ``(("title", "A"),)`` → ``title_ky`` in
    ``simple``, ``title_ru`` in ``russian``, ``title_en`` in ``english``."""
    return tuple(
        Vector(config, tuple((f"{name}_{language}", weight) for name, weight in columns))
        for language, config in CONFIGS.items()
    )


@dataclass(frozen=True)
class TextSearch:
    """How one model is searched: its full-text vectors and the short folded column searched by
    likeness (PostgreSQL), besides ``search_text`` (every database)."""

    vectors: tuple[Vector, ...]
    likeness: str = COLUMN

    def filter(self, queryset: QuerySet, value: str) -> QuerySet:
        """The rows of ``queryset`` ``value`` finds, the most relevant first on PostgreSQL (the
        queryset's own order after); every row when ``value`` is blank."""
        if not fold(value):
            return queryset
        if connections[queryset.db].vendor != "postgresql":
            return queryset.filter(contains_words(value))
        return self._postgres(queryset, value)

    def _postgres(self, queryset: QuerySet, value: str) -> QuerySet:
        typed = fold(value)
        # The cheapest conditions first: a row the trigram indexes only may hold is checked in order.
        found, ranks = contains_words(value), []
        if by_likeness(typed):
            found |= Q(WordSimilar(Value(typed), F(self.likeness)))
            ranks.append(TrigramWordSimilarity(typed, self.likeness))
        for vector in self.vectors:
            query = SearchQuery(value, config=vector.config, search_type="websearch")
            found |= Q(Matches(vector.expression(), query))
            # Ranked by the heaviest columns alone: a vector is made again for each row found.
            ranks.append(SearchRank(vector.expression("A"), query))
        rank = ranks[0]
        for other in ranks[1:]:
            rank = rank + other
        order = queryset.query.order_by or queryset.model._meta.ordering
        return queryset.filter(found).annotate(search_rank=rank).order_by("-search_rank", *order)


class SearchIndex(Operation):
    """Adds an index on PostgreSQL alone, leaving the migration state as it is.

    The search indexes serve PostgreSQL's operators; other databases search ``search_text``
    without them. Kept out of the models' state, SQLite, which rebuilds a table from that state
    when a field changes, never meets an index it cannot make.
    """

    reversible = True

    def __init__(self, model_name: str, index) -> None:
        self.model_name = model_name
        self.index = index

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(to_state.apps.get_model(app_label, self.model_name), self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(from_state.apps.get_model(app_label, self.model_name), self.index)

    def describe(self) -> str:
        return f"Create search index {self.index.name} on {self.model_name} (PostgreSQL)"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name, "index": self.index})


class Trigrams(TrigramExtension):
    """Installs pg_trgm on PostgreSQL (nothing elsewhere); unapplied, it leaves it installed: the
    indexes of other apps' migrations may use it, and another database has none to remove."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        pass
