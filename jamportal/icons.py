"""/favicon.ico (issue 19): browsers, feed readers and bookmarking tools ask the
site's root for it whatever the page links, and a 404 on every first visit is noise
in the logs. Our berry (static/branding, drawn by scripts/favicon.py), kept a week."""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

ICO = Path(settings.BASE_DIR) / "static" / "branding" / "favicon.ico"
_ico = ICO.read_bytes()  # 7 kB, read once per process


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    return HttpResponse(_ico, content_type="image/x-icon")
