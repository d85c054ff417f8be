"""Pages of long lists read as PostgreSQL reads them fastest."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


class NarrowPaginator(Paginator):
    """A ``Paginator`` of a queryset that sorts and cuts its ids first, then reads only the page's
    rows whole (with the queryset's joins and annotations): one more query, but the sort runs over
    narrow rows instead of every joined row of the list, and a subquery annotation (spending) runs
    for the page's rows only."""

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
