"""JSON endpoints: the map's Jams, place suggestions, the timezone at a point,
and what looks wrong with a venue's pin."""

import functools
import math

from django import forms
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from jamportal import places
from jamportal.cldr import names
from jamportal.jams import selectors
from jamportal.jams.forms import JamFilterForm, MapViewForm, PointField
from jamportal.jams.templatetags.jam_tags import jam_when
from jamportal.pagecache import public_page


def jam_feature(jam) -> dict:
    """One Jam as a GeoJSON Feature. GeoJSON positions are [longitude, latitude];
    a private venue is shown only to about a kilometre."""
    properties = {
        "title": jam.display_title,
        "url": jam.get_absolute_url(),
        "start": jam.start.isoformat(),
        "end": jam.end.isoformat(),
        "timezone": jam.timezone,
        "when": jam_when(jam),  # as the list writes it, in the language's digits and clock (CLDR)
        "city": jam.city,
        "country": jam.country.code,
        "country_name": str(jam.country.name),
        "where": names.join_parts([jam.city, str(jam.country.name)]),
    }
    return {
        "type": "Feature",
        "id": jam.pk,
        "geometry": {"type": "Point", "coordinates": [jam.public_longitude, jam.public_latitude]},
        "properties": properties,
    }


def with_distance(feature, km) -> dict:
    """A Jam's Feature (kept for every answer, see selectors.jams_drawn) with its distance
    from a near-me search."""
    return {**feature, "properties": {**feature["properties"], "distance_km": round(km, 1)}}


def cluster_feature(cluster) -> dict:
    """Several Jams as one point; clicking it zooms to `bbox` [west, south, east, north],
    or lists the Jams in that box. The box is rounded outwards, so that it holds them all."""
    west, south, east, north = cluster.bbox
    outwards = [math.floor(west * 1e5) / 1e5, math.floor(south * 1e5) / 1e5]
    outwards += [math.ceil(east * 1e5) / 1e5, math.ceil(north * 1e5) / 1e5]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(cluster.longitude, 5), round(cluster.latitude, 5)]},
        "properties": {"cluster": True, "count": cluster.count, "bbox": outwards},
    }


def bad_parameters(*forms_) -> JsonResponse:
    """400 with a JSON body naming each parameter that was wrong, and why."""
    errors = {}
    for form in forms_:
        errors.update({name: [str(message) for message in messages] for name, messages in form.errors.items()})
    return JsonResponse({"error": _("Some parameters are not valid."), "parameters": errors}, status=400)


def feature_collection(features) -> JsonResponse:
    return JsonResponse({"type": "FeatureCollection", "features": features})


MAP_VIEW = {"bbox", "zoom"}
# Jams listed for a box without a zoom: a popup's worth (a cluster at one spot holds a few).
MAP_BOX_MOST = 100
MAP_OWN = {*MAP_VIEW, "v", "lang"}  # and the public version the page was drawn under, the API's language


@functools.cache
def _unfiltered() -> tuple:
    """What JamFilterForm.filters() gives when nothing is set, worked out once (as
    pairs, which no caller can change)."""
    form = JamFilterForm({})
    form.is_valid()
    return tuple(form.filters().items())


@require_GET
@public_page(versions=[selectors.PUBLIC_VERSION_KEY])
def jams_geojson(request):
    """Approved Jams as GeoJSON, with the list's filters (see map_features). The map
    reads the same answers from the public API (/api/v1/jams.geojson); this address
    stays for the links and scripts that use it.

    Answers are kept whole per language and query (jamportal.pagecache), and
    go stale as soon as any public Jam changes.
    """
    refused, features = map_features(request.GET, request.LANGUAGE_CODE)
    if refused:
        return bad_parameters(*refused)
    return feature_collection(features)


def map_features(query, language) -> tuple[list, list]:
    """(the forms that refused `query`, else []; the Features it asks for, in `language`):

    - with around=lat,lon (and radius, nearest): the Jams near that point, nearest first;
    - with bbox=w,s,e,n and zoom: what the map shows there, crowded areas as clusters;
    - with bbox alone: the Jams in that box themselves, in date order (at most
      MAP_BOX_MOST): what a cluster of Jams at one spot lists when clicked;
    - otherwise every Jam that matches.
    """
    # The map's own requests carry a view and no filter: no filter form to build for them.
    filters = JamFilterForm(query) if set(query) - MAP_OWN else None
    view = MapViewForm(query) if MAP_VIEW & set(query) else None
    forms_ = [form for form in (filters, view) if form is not None]
    valid = [form.is_valid() for form in forms_]  # every form, so that every error is reported
    if not all(valid):
        return [form for form in forms_ if form.errors], []
    chosen = filters.filters() if filters else dict(_unfiltered())
    if filters and (near := filters.near()):
        found = selectors.nearest_keys(selectors.public_reader(chosen), **near)
        features = selectors.jams_drawn("map-feature", [pk for _, pk in found], language, jam_feature)
        return [], [with_distance(features[pk], km) for km, pk in found if pk in features]
    if view is not None and view.cleaned_data["zoom"] is None:
        keys = selectors.jam_keys_in_box(
            selectors.public_reader(chosen), bbox=view.cleaned_data["bbox"], most=MAP_BOX_MOST
        )
        features = selectors.jams_drawn("map-feature", keys, language, jam_feature)
        return [], sorted(features.values(), key=lambda f: (f["properties"]["start"], f["id"]))
    if view is not None:
        clusters, single = selectors.jam_map_cells(selectors.public_reader(chosen), **view.cleaned_data)
        features = selectors.jams_drawn("map-feature", single, language, jam_feature)
        return [], [cluster_feature(c) for c in clusters] + list(features.values())
    return [], [jam_feature(jam) for jam in selectors.jam_list_public(**chosen, language=language)]


class SuggestForm(forms.Form):
    q = forms.CharField(max_length=200)


@require_GET
@cache_control(public=True, max_age=3600)
def place_suggestions(request):
    """Places whose names match what the visitor is typing: [{label, latitude, longitude, ...}]."""
    form = SuggestForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    country = places.visitor_country(request.headers.get("Accept-Language", ""), request.LANGUAGE_CODE)
    found = places.suggest(form.cleaned_data["q"], visitor_country=country)
    return JsonResponse(
        {
            "places": [
                {
                    "label": places.place_label(place),
                    "name": places.place_name(place),
                    "country": place.country,
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                    "timezone": place.timezone,
                }
                for place in found
            ]
        }
    )


class PointForm(forms.Form):
    at = PointField()


@require_GET
@cache_control(public=True, max_age=86400)
def timezone_at_point(request):
    """{"timezone": "Africa/Douala"} for at=latitude,longitude."""
    form = PointForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    return JsonResponse({"timezone": places.timezone_at(*form.cleaned_data["at"])})


class PlaceCheckForm(forms.Form):
    at = PointField()
    city = forms.CharField(max_length=100, required=False)
    country = forms.CharField(max_length=2, required=False)


@require_GET
@cache_control(public=True, max_age=86400)
def place_check(request):
    """For the submission form's pin, as it moves: its timezone, in words too, and
    what looks wrong with it for the typed town and country.

    {"timezone": "Africa/Douala", "timezone_words": "Douala time, UTC+1", "warnings": []}
    """
    form = PlaceCheckForm(request.GET)
    if not form.is_valid():
        return bad_parameters(form)
    latitude, longitude = form.cleaned_data["at"]
    zone = places.timezone_at(latitude, longitude)
    return JsonResponse(
        {
            "timezone": zone,
            "timezone_words": selectors.jam_timezone_in_words(zone),
            "warnings": selectors.location_warnings_at(
                latitude, longitude, city=form.cleaned_data["city"], country=form.cleaned_data["country"].upper()
            ),
        }
    )
