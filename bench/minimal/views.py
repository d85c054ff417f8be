from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def rows(request: HttpRequest) -> HttpResponse:
    """Twenty rows of a table the portal's migrations fill, in a template loop: one query."""
    return render(request, "minimal/rows.html", {"rows": ContentType.objects.order_by("pk")[:20]})
