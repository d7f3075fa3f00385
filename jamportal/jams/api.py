"""JSON endpoints for the map."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from jamportal.jams import selectors
from jamportal.jams.forms import JamFilterForm


def jam_feature(jam) -> dict:
    """One Jam as a GeoJSON Feature. GeoJSON positions are [longitude, latitude]."""
    return {
        "type": "Feature",
        "id": jam.pk,
        "geometry": {"type": "Point", "coordinates": [jam.longitude, jam.latitude]},
        "properties": {
            "title": jam.display_title,
            "url": jam.get_absolute_url(),
            "start": jam.start.isoformat(),
            "end": jam.end.isoformat(),
            "timezone": jam.timezone,
            "city": jam.city,
            "country": jam.country.code,
            "country_name": str(jam.country.name),
        },
    }


def bad_parameters(form) -> JsonResponse:
    """400 with a JSON body naming each parameter that was wrong, and why."""
    errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    return JsonResponse({"error": _("Some parameters are not valid."), "parameters": errors}, status=400)


@require_GET
@cache_control(public=True, max_age=60)
def jams_geojson(request):
    """Approved Jams as a GeoJSON FeatureCollection; the same filters as the list."""
    form = JamFilterForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    jams = selectors.jam_list_public(**form.filters(), language=request.LANGUAGE_CODE)
    return JsonResponse({"type": "FeatureCollection", "features": [jam_feature(jam) for jam in jams]})
