"""Long lists paged by their ids (``NarrowPaginator``), and the database settings that keep their
queries short."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext

from organizations.factories import MunicipalityFactory
from organizations.models import Municipality
from ssp_portal.paging import NarrowPaginator

pytestmark = pytest.mark.django_db


def test_a_page_holds_the_rows_of_its_place_in_the_order_with_their_annotations():
    for name in ["Delta", "Alpha", "Echo", "Charlie", "Bravo"]:
        MunicipalityFactory(name=name)
    listed = (
        Municipality.objects.filter(name__in=["Alpha", "Bravo", "Charlie", "Delta", "Echo"])
        .annotate(shown=Concat(Value("M. "), F("name")))
        .order_by("-name")
    )
    paginator = NarrowPaginator(listed, 2)
    pages = [[m.shown for m in paginator.page(n).object_list] for n in paginator.page_range]
    assert pages == [["M. Echo", "M. Delta"], ["M. Charlie", "M. Bravo"], ["M. Alpha"]]
    page = paginator.get_page(3)
    assert (page.has_next(), page.has_previous(), page.start_index()) == (False, True, 5)


def test_a_page_takes_the_ids_then_the_rows_and_an_empty_list_one_count():
    for name in ["Alpha", "Bravo", "Charlie"]:
        MunicipalityFactory(name=name)
    listed = Municipality.objects.filter(name__in=["Alpha", "Bravo", "Charlie"]).order_by("name")
    with CaptureQueriesContext(connection) as queries:
        assert [m.name for m in NarrowPaginator(listed, 2).get_page(1)] == ["Alpha", "Bravo"]
    assert len(queries) == 3  # the count, the ids, the rows
    with CaptureQueriesContext(connection) as queries:
        assert list(NarrowPaginator(listed.none(), 2).get_page(1)) == []
    assert len(queries) <= 1


def test_postgresql_does_not_compile_the_portals_queries(postgresql):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
