"""The site's own URLs plus the smallest Django view: the ceiling the load test
(bench/load.py) measures the real pages against, through the same gunicorn,
middleware and settings. Used only when JAMPORTAL_ROOT_URLCONF names it."""

from django.http import HttpResponse
from django.urls import path

from jamportal.urls import urlpatterns as site_urlpatterns


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


def sized(request, size):
    """The minimal view with a body of `size` bytes (at most a megabyte): what sending a
    page of that size costs, without any work to make it."""
    return HttpResponse(b"x" * min(size, 1_000_000), content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/minimal", minimal), path("bench/sized/<int:size>", sized), *site_urlpatterns]
