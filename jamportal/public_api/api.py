"""The public read API: Jams, campaigns and places as JSON, documented by an
OpenAPI schema at /api/v1/openapi.json (and browsable at /api/v1/docs).

    curl '/api/v1/jams?country=CM&lang=fr'
    curl '/api/v1/jams?q=Cambridge,UK&radius=30'
    curl '/api/v1/campaigns/bbw-2031'
    curl '/api/v1/jams.geojson?bbox=-11,35,30,60&zoom=4'   (what the site's maps show)

Only what the site shows a visitor without an account: approved Jams, a private
venue to about a kilometre and without its street address. Names (titles,
countries, places, campaigns) are in the language of ?lang= or Accept-Language.
Every answer may be kept by anyone for a minute (Cache-Control, ETag), and read
from any site (CORS); each address may ask PUBLIC_API_REQUESTS_PER_MINUTE times
a minute. Every error is JSON: {"error": <code>, "message": <words>}.
"""

import functools
import time
from datetime import date, datetime
from typing import Literal
from urllib.parse import urlencode

from csp.decorators import csp_exempt
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponsePermanentRedirect, JsonResponse
from django.urls import URLPattern, re_path, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.decorators import decorate_view
from ninja.errors import ValidationError

from jamportal import places, ratelimit
from jamportal.cldr import formats as cldr_formats
from jamportal.cldr import names
from jamportal.jams import api as jam_api
from jamportal.jams import recurrence
from jamportal.jams import selectors as jam_selectors
from jamportal.jams.forms import DEFAULT_NEAREST, DEFAULT_RADIUS_KM, MAX_RADIUS_KM, FilterDateField, JamFilterForm
from jamportal.jams.templatetags.jam_tags import jam_when
from jamportal.pagecache import public_page
from jamportal.public_api import selectors
from jamportal.public_api.forms import MOST_PAGE_SIZE, PAGE_SIZE, BoxForm, LanguageForm, PageForm, PlaceQueryForm

api = NinjaAPI(
    title="JamPortal public API",
    version="1",
    urls_namespace="public-api",
    description=(
        "Raspberry Jams, their campaigns and places, as the site shows them to everyone. "
        "Names are in the language of `lang` or Accept-Language. Answers may be kept for a minute "
        "(Cache-Control, ETag); any site may read them (CORS); each address may ask "
        f"{settings.PUBLIC_API_REQUESTS_PER_MINUTE} times a minute (then 429, with Retry-After)."
    ),
    # The interactive docs are Swagger UI from a CDN with an inline script: they and the
    # schema they read stay outside the Content-Security-Policy, as the booth API's do.
    docs_decorator=csp_exempt(),
)


# --- What the answers hold ---


class Error(Schema):
    error: str
    message: str


class InvalidParameters(Error):
    parameters: dict[str, list[str]]


class CampaignRef(Schema):
    slug: str
    name: str
    url: str


class Venue(Schema):
    name: str
    address: str = ""
    city: str
    country: str
    country_name: str
    latitude: float
    longitude: float
    private: bool


class JamOut(Schema):
    id: int
    slug: str
    url: str
    title: str
    language: str
    status: str
    start: datetime
    end: datetime
    timezone: str
    when: str
    venue: Venue
    campaign: CampaignRef | None
    languages: list[str]
    activities: list[str]
    audience: str
    website: str
    host_name: str
    social_handle: str
    expected_attendees: int | None
    series: int | None  # a date of a repeating Jam: /api/v1/series/<id>
    distance_km: float | None = None
    # Near a place: whether it is within `near.radius_km`. The nearest are listed even
    # beyond it (as the site lists them under "Further away"); null otherwise.
    within_radius: bool | None = None


class JamDetail(JamOut):
    description: str
    description_html: str


class PlaceOut(Schema):
    name: str
    label: str
    country: str
    country_name: str
    latitude: float
    longitude: float
    timezone: str


class Near(Schema):
    latitude: float
    longitude: float
    radius_km: float
    nearest: int
    place: PlaceOut | None


class JamList(Schema):
    language: str
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    near: Near | None
    alternatives: list[PlaceOut]
    results: list[JamOut]


class CampaignOut(Schema):
    slug: str
    name: str
    description: str
    url: str
    starts_on: date
    ends_on: date
    submission_deadline: date | None
    hashtag: str
    artwork_url: str | None
    jams: int
    countries: int


class CampaignList(Schema):
    language: str
    results: list[CampaignOut]


class PlaceList(Schema):
    language: str
    results: list[PlaceOut]


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def jam_out(jam, *, distance_km=None, radius_km=None) -> dict:
    """A Jam as the public sees it (call with its translation and campaign's names fetched)."""
    translated = jam.translation
    return {
        "id": jam.pk,
        "slug": jam.slug,
        "url": absolute(jam.get_absolute_url()),
        "title": jam.display_title,
        "language": translated.language if translated else jam.content_language,
        "status": jam.status,
        "start": jam.local_start,
        "end": jam.local_end,
        "timezone": jam.timezone,
        "when": jam_when(jam),  # as the site writes it, in the language's digits and clock (CLDR)
        "venue": {
            "name": jam.venue_name,
            "address": jam.public_address,
            "city": jam.city,
            "country": jam.country.code,
            "country_name": str(jam.country.name),
            "latitude": jam.public_latitude,
            "longitude": jam.public_longitude,
            "private": jam.venue_private,
        },
        "campaign": {
            "slug": jam.campaign.slug,
            "name": jam.campaign.display_name,
            "url": absolute(reverse("jams:campaign", kwargs={"slug": jam.campaign.slug})),
        }
        if jam.campaign
        else None,
        "languages": jam.languages,
        "activities": jam.activities,
        "audience": jam.audience,
        "website": jam.website,
        "host_name": jam.host_name,
        "social_handle": jam.social_handle,
        "expected_attendees": jam.expected_attendees,
        "series": jam.series_id,
        "distance_km": None if distance_km is None else round(distance_km, 1),
        "within_radius": None if radius_km is None else distance_km <= radius_km,
    }


def place_out(place) -> dict:
    return {
        "name": places.place_name(place),
        "label": places.place_label(place),
        "country": place.country,
        "country_name": names.country_name(place.country) or place.country,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": place.timezone,
    }


def campaign_out(campaign, *, jams, countries) -> dict:
    return {
        "slug": campaign.slug,
        "name": campaign.display_name,
        "description": campaign.display_description,
        "url": absolute(reverse("jams:campaign", kwargs={"slug": campaign.slug})),
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "submission_deadline": campaign.submission_deadline,
        "hashtag": campaign.hashtag,
        "artwork_url": absolute(campaign.artwork.url) if campaign.artwork else None,
        "jams": jams,
        "countries": countries,
    }


# --- Errors ---


def error(status, code, message, **extra) -> HttpResponse:
    return api.create_response(None, {"error": code, "message": message, **extra}, status=status)


def not_valid(*forms_) -> HttpResponse:
    """400 naming each parameter that was wrong, and why, in the request's language."""
    parameters = {}
    for form in forms_:
        parameters.update({name: [str(m) for m in messages] for name, messages in form.errors.items()})
    return error(400, "invalid", _("Some parameters are not valid."), parameters=parameters)


def not_found(request=None, exc=None) -> HttpResponse:
    return error(404, "not_found", _("The public API has nothing at this address."))


api.add_exception_handler(Http404, not_found)


@api.exception_handler(ValidationError)
def invalid(request, exc):  # (only a path's number or slug is ninja's to read)
    parameters = {}
    for item in exc.errors:
        parameters.setdefault(str(item.get("loc", ["?"])[-1]), []).append(_path_message(item))
    return error(400, "invalid", _("Some parameters are not valid."), parameters=dict(sorted(parameters.items())))


def _path_message(item):
    """Why a path's part is wrong, in the request's language (Django's own words; issue 22:
    /series/abc said nothing)."""
    if str(item.get("type", "")).startswith("int"):
        return str(forms.IntegerField().error_messages["invalid"])  # "Enter a whole number."
    return str(RegexValidator.message)  # "Enter a valid value."


# --- Parameters, as the schema documents them (the forms read them) ---


def parameter(name, schema, description) -> dict:
    return {"in": "query", "name": name, "required": False, "schema": schema, "description": description}


LANG = parameter(
    "lang",
    {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
    "The language of names and words; without it, the first of Accept-Language the site speaks, else English.",
)
PAGES = [
    parameter("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}, "The page, from 1."),
    parameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MOST_PAGE_SIZE, "default": PAGE_SIZE},
        "Jams a page holds.",
    ),
]
DAY = {"type": "string", "format": "date"}
POINT = {"type": "string", "pattern": r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?$", "example": "52.2053,0.1218"}
FILTERS = [
    parameter("campaign", {"type": "string"}, "A campaign's slug: its Jams only."),
    parameter("country", {"type": "string", "example": "GB"}, "An ISO 3166 country code: its Jams only."),
    parameter("spoken", {"type": "string", "example": "fr"}, "A language spoken at the Jam (a language code)."),
    parameter("q", {"type": "string", "maxLength": 200}, "A town or city: the Jams near it, nearest first."),
    parameter("around", POINT, "latitude,longitude: the Jams near this point, nearest first."),
    parameter(
        "radius",
        {"type": "number", "minimum": 1, "maximum": MAX_RADIUS_KM, "default": DEFAULT_RADIUS_KM},
        "With q or around: the Jams within this many km...",
    ),
    parameter(
        "nearest",
        {"type": "integer", "minimum": 1, "maximum": 50, "default": DEFAULT_NEAREST},
        "...and always this many nearest, however far (at most 100 Jams in all).",
    ),
    parameter(
        "bbox",
        {"type": "string", "pattern": r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$", "example": "-11,35,30,60"},
        "west,south,east,north in degrees: the Jams in that box (west beyond east crosses the antimeridian).",
    ),
    parameter("days", {"type": "integer", "minimum": 1, "maximum": 366}, "Jams starting in the next so many days."),
    parameter(
        "date_from",
        DAY,
        f"Jams not over by this day (UTC), from {FilterDateField.FIRST_DAY}.",
    ),
    parameter("date_to", DAY, f"Jams starting by this day (UTC), until {FilterDateField.LAST_DAY}."),
    parameter(
        "when",
        {"type": "string", "enum": [jam_selectors.UPCOMING, jam_selectors.PAST, jam_selectors.ALL]},
        "upcoming (the default; all with dates), past (latest first) or all.",
    ),
]
ERRORS = {400: InvalidParameters, 404: Error, 429: Error}


def visitor_country(request) -> str:
    return places.visitor_country(request.headers.get("Accept-Language", ""), request.LANGUAGE_CODE)


def not_a_position(request) -> bool:
    """A position from a browser is seldom asked for twice: the server does not keep
    those answers (as the site's near-me pages), so that shared ones stay kept."""
    return "around" not in request.GET


# --- Jams ---


@api.get(
    "/jams",
    response={200: JamList, **ERRORS},
    summary="Public Jams, filtered as on the site, a page at a time",
    openapi_extra={"parameters": [*FILTERS, *PAGES, LANG]},
)
@decorate_view(public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY], keep=not_a_position))
def jam_list(request):
    """Upcoming Jams by date, with the site's filters. With `q` (a town) or `around`
    (a point), the Jams near it, nearest first, each with `distance_km` and `within_radius`
    (the nearest are listed even beyond `near.radius_km`), and `near`
    says where that is; a town the gazetteer does not know finds no Jams, and
    `alternatives` lists the places spelt like it."""
    filters, box, paging = JamFilterForm(request.GET), BoxForm(request.GET), PageForm(request.GET)
    valid = [form.is_valid() for form in (filters, box, paging)]  # every form, so that every error is reported
    if not all(valid):
        return not_valid(filters, box, paging)
    chosen, bbox, language = filters.filters(), box.cleaned_data["bbox"], request.LANGUAGE_CODE
    number, size = paging.page_number(), paging.size()
    near, place, alternatives = filters.near(), None, []
    if filters.cleaned_data["q"]:
        found = places.geocode(filters.cleaned_data["q"], visitor_country=visitor_country(request))
        place, alternatives = found.place, found.alternatives if found.place is None else []
        near = filters.near((place.latitude, place.longitude)) if place else None
    if near:
        nearest = selectors.jam_near_keys(chosen, near, bbox=bbox)  # (at most 100: one list, cut here)
        count = len(nearest)
    elif filters.cleaned_data["q"]:  # a town nobody knows: no Jams near it
        nearest, count = [], 0
    else:
        paginator = selectors.jam_page(chosen, bbox=bbox, language=language, page_size=size)
        count = paginator.count
    pages = max(1, -(-count // size))
    if number > pages:
        return beyond(pages)
    if near or filters.cleaned_data["q"]:
        shown = nearest[(number - 1) * size :][:size]
        jams = selectors.jams_by_pk([pk for _km, pk in shown], language=language)
        radius_km = near["radius_km"] if near else None
        results = [jam_out(jams[pk], distance_km=km, radius_km=radius_km) for km, pk in shown if pk in jams]
    else:
        results = [jam_out(jam) for jam in paginator.page(number)]
    links = {rel: page_url(request, n) for rel, n in (("next", number + 1), ("prev", number - 1)) if 1 <= n <= pages}
    response = api.create_response(
        request,
        {
            "language": language,
            "count": count,
            "page": number,
            "pages": pages,
            "next": links.get("next"),
            "previous": links.get("prev"),
            "near": {**near, "place": place_out(place) if place else None} if near else None,
            "alternatives": [place_out(p) for p in alternatives],
            "results": results,
        },
        status=200,
    )
    if links:  # (RFC 8288, for clients that follow pages by headers)
        response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    return response


def page_url(request, number) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return absolute(request.path) + "?" + urlencode(sorted(query.lists()), doseq=True)


def beyond(pages) -> HttpResponse:
    message = _("There is no such page: the last is page %(last)s.") % {"last": cldr_formats.format_number(pages)}
    return error(404, "no_such_page", message)


@api.get(
    "/jams/{slug}",
    response={200: JamDetail, **ERRORS},
    summary="One public Jam",
    openapi_extra={"parameters": [LANG]},
)
@decorate_view(public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY]))
def jam_detail(request, slug: str):
    """A Jam as its page shows it, with its description (in the language asked for,
    where its organiser translated it). A Jam cancelled after approval stays, with
    `status` "cancelled", as its page does."""
    jam = selectors.jam_public_or_404(slug, language=request.LANGUAGE_CODE)
    translated = jam.translation
    return {
        **jam_out(jam),
        "description": translated.description if translated else jam.description,
        "description_html": translated.description_html if translated else jam.description_html,
    }


# --- Campaigns ---


@api.get(
    "/campaigns",
    response={200: CampaignList, **ERRORS},
    summary="Every campaign, newest first, with its Jams and countries counted",
    openapi_extra={"parameters": [LANG]},
)
@decorate_view(public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY]))
def campaign_list(request):
    return {
        "language": request.LANGUAGE_CODE,
        "results": [campaign_out(c, jams=c.jam_count, countries=c.country_count) for c in selectors.campaign_list()],
    }


@api.get(
    "/campaigns/{slug}",
    response={200: CampaignOut, **ERRORS},
    summary="One campaign",
    openapi_extra={"parameters": [LANG]},
)
@decorate_view(public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY]))
def campaign_detail(request, slug: str):
    """Its Jams: /api/v1/jams?campaign=<slug>&when=all."""
    campaign = selectors.campaign_or_404(slug)
    figures = selectors.campaign_figures(campaign)
    return campaign_out(campaign, jams=figures["jams"], countries=figures["countries"])


# --- Series ---


class SeriesOut(Schema):
    id: int
    url: str
    rule: str  # in words, in the language asked for
    rrule: str  # the iCalendar RRULE's value
    ends: str  # in words ("6 dates in all", "Until ..."), empty for a series without an end
    timezone: str
    dates: list[JamOut]  # its public dates, first first (a skipped one with status "cancelled")


@api.get(
    "/series/{series_id}",
    response={200: SeriesOut, **ERRORS},
    summary="A repeating Jam: its rule and its dates",
    openapi_extra={"parameters": [LANG]},
)
@decorate_view(public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY]))
def series_detail(request, series_id: int):
    """A Jam that repeats (every week, or every month on a date or a weekday): each of
    its dates is a Jam of its own (/api/v1/jams/<slug>), listed here in order."""
    series, dates = selectors.series_public_or_404(series_id, language=request.LANGUAGE_CODE)
    return {
        "id": series.pk,
        "url": absolute(series.get_absolute_url()),
        "rule": series.rule_in_words,
        "rrule": recurrence.rule_text(**series.rule(), zone=series.timezone),
        "ends": series.end_in_words,
        "timezone": series.timezone,
        "dates": [jam_out(jam) for jam in dates],
    }


# --- Places ---


@api.get(
    "/places",
    response={200: PlaceList, **ERRORS},
    summary="Places named like q (the offline gazetteer), the likeliest first",
    openapi_extra={
        "parameters": [
            {
                **parameter("q", {"type": "string", "minLength": 1, "maxLength": 200}, "A place's name, or its start."),
                "required": True,
            },
            LANG,
        ]
    },
)
@decorate_view(public_page(variant=visitor_country, vary=["Accept-Language"]))
def place_list(request):
    """Up to eight places, in any spelling or script; "Cambridge, MA" or "Cambridge,
    UK" says which. Those in the asker's country (from Accept-Language) come first."""
    form = PlaceQueryForm(request.GET)
    if not form.is_valid():
        return not_valid(form)
    found = places.suggest(form.cleaned_data["q"], visitor_country=visitor_country(request))
    return {"language": request.LANGUAGE_CODE, "results": [place_out(place) for place in found]}


# --- Every request: CORS, the rate limit, the language, JSON for every answer ---

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Retry-After, Content-Language",
}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept-Language, If-None-Match",
    "Access-Control-Max-Age": "86400",
}
RATE_WINDOW_S = 60


def public_api_view(view):
    """One of ninja's URL views, answering as the whole API does: any site may read it
    (CORS, never with credentials: nothing here depends on who asks), each address at
    most PUBLIC_API_REQUESTS_PER_MINUTE times a minute, in the language of ?lang= or
    Accept-Language, and in JSON when it refuses (a method, an address)."""

    @csrf_exempt
    @functools.wraps(view)
    def answered(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for header, value in PREFLIGHT.items():
                response[header] = value
            return response
        response = _answer(view, request, *args, **kwargs)
        response.setdefault("Content-Language", request.LANGUAGE_CODE)
        if request.method == "GET" and response.status_code == 200:
            # Here rather than in ConditionalGetMiddleware, whose 304 would lose the CORS
            # headers below (a script on another site asking again with If-None-Match).
            if not response.has_header("ETag"):
                set_response_etag(response)
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        for header, value in CORS.items():
            response[header] = value
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return answered


def _answer(view, request, *args, **kwargs):
    chosen = LanguageForm(request.GET)
    language = chosen.language(request.headers.get("Accept-Language", ""))  # (what was refused, in that language)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        if not ratelimit.allow(
            "public-api", ratelimit.client_ip(request), limit=settings.PUBLIC_API_REQUESTS_PER_MINUTE, per=RATE_WINDOW_S
        ):
            message = _("Too many requests from this address: wait a minute, then ask again.")
            response = error(429, "rate_limited", message)
            response["Retry-After"] = str(RATE_WINDOW_S - int(time.time()) % RATE_WINDOW_S)
            return response
        if chosen.errors:
            return not_valid(chosen)
        head = request.method == "HEAD"
        if head:  # answered as a GET, whose body the server then leaves out
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = not_found()
        finally:
            request.method = "HEAD" if head else request.method
        if isinstance(response, HttpResponseNotAllowed):
            message = _("This address does not take %(method)s: use %(allowed)s.")
            response = error(
                405, "method_not_allowed", message % {"method": request.method, "allowed": "GET, HEAD, OPTIONS"}
            )
            response["Allow"] = "GET, HEAD, OPTIONS"
        return response


@public_api_view
def unknown_address(request):
    raise Http404


def urls():
    """The API's URLs for include(): its own, then one taking every other address
    under it, so that none gets Django's HTML 404 page."""
    patterns, app_name, namespace = api.urls
    answering = [
        URLPattern(pattern.pattern, public_api_view(pattern.callback), pattern.default_args, pattern.name)
        for pattern in patterns
    ]
    return [*answering, re_path(r"^", unknown_address, name="unknown")], app_name, namespace


# /api/v1 without its slash: its index, at /api/v1/.
def bare_root(request):
    return HttpResponsePermanentRedirect("/api/v1/")


# --- The map's Jams, as GeoJSON (the site's maps and the campaign map embed read it) ---


class Point(Schema):
    type: Literal["Point"]
    coordinates: list[float]  # [longitude, latitude], as GeoJSON writes positions


class JamProperties(Schema):
    title: str
    url: str  # its page on the portal, in the language asked for (a path: the portal's own)
    start: str
    end: str
    timezone: str
    when: str  # as the site writes it, in the language's digits and clock
    city: str
    country: str
    country_name: str
    where: str
    distance_km: float | None = None  # near a point only


class JamFeature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: Point
    properties: JamProperties


class ClusterProperties(Schema):
    cluster: Literal[True]
    count: int
    bbox: list[float]  # [west, south, east, north]: zoom to it, or ask for it without zoom to list its Jams


class ClusterFeature(Schema):
    type: Literal["Feature"]
    geometry: Point
    properties: ClusterProperties


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[JamFeature | ClusterFeature]


MAP_PARAMETERS = [
    *(p for p in FILTERS if p["name"] not in ("q", "bbox")),
    parameter(
        "bbox",
        next(p for p in FILTERS if p["name"] == "bbox")["schema"],
        "west,south,east,north in degrees: the map's view. With zoom, what the map shows there, "
        "crowded areas as clusters; without it, the Jams in the box themselves, in date order "
        f"(at most {jam_api.MAP_BOX_MOST}): what a cluster lists.",
    ),
    parameter("zoom", {"type": "integer", "minimum": 0, "maximum": 20}, "With bbox: the map's zoom level."),
    parameter(
        "v", {"type": "string", "maxLength": 30}, "Not read: the version of the site's data a map was drawn under."
    ),
    LANG,
]


@api.get(
    "/jams.geojson",
    response={200: FeatureCollection, **ERRORS},
    summary="Public Jams as GeoJSON, for a map: near a point, in a view (clustered), or all",
    openapi_extra={"parameters": MAP_PARAMETERS},
)
@decorate_view(public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY]))
def jams_geojson(request):
    """What the site's maps show: a GeoJSON FeatureCollection of Jams (each a Point
    at [longitude, latitude]; a private venue to about a kilometre), with the site's
    filters. With `around`, the Jams near it, nearest first, with `distance_km`; with
    `bbox` and `zoom`, that view, crowded areas as one Feature each with `cluster`,
    `count` and `bbox`; with `bbox` alone, the Jams in it; otherwise every Jam that
    matches (all of them: a page of them is /api/v1/jams)."""
    refused, features = jam_api.map_features(request.GET, request.LANGUAGE_CODE)
    if refused:
        return not_valid(*refused)
    # (Written here as JSON, not read back through the schema: the map asks often.)
    return JsonResponse({"type": "FeatureCollection", "features": features})


# --- The index (issue 22: /api/v1/ was a 404) ---


class Index(Schema):
    docs: str
    openapi: str
    jams: str
    campaigns: str
    map: str
    places: str


@api.get("/", response={200: Index, **ERRORS}, summary="Where the API's documentation and addresses are")
@decorate_view(public_page(versions=[]))
def index(request):
    """A small index: the documentation (/api/v1/docs), the OpenAPI schema and the lists."""
    return {
        "docs": absolute("/api/v1/docs"),
        "openapi": absolute("/api/v1/openapi.json"),
        "jams": absolute("/api/v1/jams"),
        "campaigns": absolute("/api/v1/campaigns"),
        "map": absolute("/api/v1/jams.geojson"),
        "places": absolute("/api/v1/places"),
    }
