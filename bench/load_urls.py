"""The site's own URLs plus the smallest Django view: the ceiling the load test
(bench/load.py) measures the real pages against, through the same gunicorn,
middleware and settings. Used only when JAMPORTAL_ROOT_URLCONF names it."""

from django.http import HttpResponse
from django.urls import path

from jamportal.urls import urlpatterns as site_urlpatterns


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal), *site_urlpatterns]
