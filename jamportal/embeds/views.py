"""The pages other sites frame: a Jam, an organiser's Jams, a repeating Jam's dates,
Jams near a place or in a country, a campaign's map. Each is light (no site header or footer, a small
stylesheet), in the visitor's language, the same for everyone (kept whole by the
page cache), and the only pages of the portal another site may frame."""

from functools import wraps
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import parse_http_date_safe
from django.views.decorators.clickjacking import xframe_options_exempt

from jamportal import pagecache, places
from jamportal.cldr import names
from jamportal.embeds import selectors
from jamportal.jams import selectors as jam_selectors
from jamportal.jams.forms import JamFilterForm
from jamportal.pagecache import public_page

# Browsers cache a language's redirect this long (it varies with Accept-Language).
REDIRECT_MAX_AGE_S = 60


def embeddable(view):
    """Let any site frame this page (X-Frame-Options off, CSP frame-ancestors from
    settings.EMBED_FRAME_ANCESTORS), and answer a missing Jam or campaign with a
    small framed page instead of the site's 404, which would refuse to be framed."""

    @wraps(view)
    def framed(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = render(request, "embeds/missing.html", status=404)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
            # A browser asking again with its ETag is answered here: ConditionalGetMiddleware's
            # 304 is a new answer that would carry the site's frame-ancestors 'none', and the
            # embed would go blank for everyone coming back.
            if not response.has_header("ETag"):
                set_response_etag(response)
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            response = get_conditional_response(
                request, etag=response["ETag"], last_modified=last_modified, response=response
            )
        # The decorators of Django and django-csp, applied to the answer (the setting read now).
        allowed = csp_replace({"frame-ancestors": settings.EMBED_FRAME_ANCESTORS})
        return xframe_options_exempt(allowed(lambda: response))()

    return framed


def _visitor_country(request):
    return places.visitor_country(request.headers.get("Accept-Language", ""), request.LANGUAGE_CODE)


@embeddable
@public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY])
def embed_jam(request, slug):
    """One Jam: its title, when and where, and a link to its page."""
    jam = selectors.embed_jam_or_404(slug, language=request.LANGUAGE_CODE)
    context = {"jam": jam, "portal_url": jam.get_absolute_url()}
    return render(request, "embeds/jam.html", context)


@embeddable
@public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY])
def embed_organiser_jams(request, slug):
    """ "Our Jams": the upcoming Jams of the organiser of the Jam `slug`."""
    jam = selectors.embed_jam_or_404(slug, language=request.LANGUAGE_CODE)
    jams = selectors.embed_organiser_jams(jam, language=request.LANGUAGE_CODE)
    context = {"anchor": jam, "jams": jams, "portal_url": jam.get_absolute_url()}
    return render(request, "embeds/organiser_jams.html", context)


@embeddable
@public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY], variant=_visitor_country, vary=["Accept-Language"])
def embed_jam_list(request):
    """Jams near a place (?q=Douala, or ?around=latitude,longitude; &radius= in km)
    or in a country (?country=CM), with the home page's other filters too."""
    form = JamFilterForm(request.GET)
    query = request.GET.urlencode()
    home = reverse("jams:home")
    context = {"form": form, "portal_url": f"{home}?{query}" if query else home}
    if not form.is_valid():
        return render(request, "embeds/jam_list.html", {**context, "invalid": True})
    filters = form.filters()
    near = form.near()
    language = request.LANGUAGE_CODE
    if form.cleaned_data["q"]:
        found = places.geocode(form.cleaned_data["q"], visitor_country=_visitor_country(request))
        if found.place is None:
            return render(request, "embeds/jam_list.html", {**context, "unknown_place": form.cleaned_data["q"]})
        near = form.near((found.place.latitude, found.place.longitude))
        context["place_name"] = places.place_name(found.place)
    if near:
        jams = selectors.embed_jams_near(filters, near, language=language)
        context.update(
            jams=jams,
            near=near,
            miles=places.uses_miles(_visitor_country(request)),
            nearest_km=jams[0].distance_km if jams else None,
            # Within the radius, then "Further away" (issue 22), as on the near-me page.
            jams_within=[jam for jam in jams if jam.distance_km <= near["radius_km"]],
            jams_further=[jam for jam in jams if jam.distance_km > near["radius_km"]],
        )
    else:
        jams, total = selectors.embed_jam_list(filters, language=language)
        context.update(jams=jams, total=total)
    country = filters["country"]
    if country:
        context["country_name"] = names.country_name(country)
    context.update(campaign=filters["campaign"], show_country=not country)
    return render(request, "embeds/jam_list.html", context)


@embeddable
@public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY])
def embed_campaign_map(request, slug):
    """A campaign's map of Jams (Leaflet, as on the campaign's page)."""
    campaign = jam_selectors.campaign_get_or_404(slug)
    context = {
        "campaign": campaign,
        "figures": jam_selectors.campaign_figures(campaign),
        "map_query": urlencode({"campaign": campaign.slug, "when": "all"}),
        "public_version": pagecache.versions(jam_selectors.PUBLIC_VERSION_KEY)[0],
        "portal_url": reverse("jams:campaign", args=[campaign.slug]),
    }
    return render(request, "embeds/campaign_map.html", context)


@embeddable
@public_page(versions=[jam_selectors.PUBLIC_VERSION_KEY])
def embed_series(request, pk):
    """A repeating Jam: how it repeats, its next dates and its latest past ones."""
    series, upcoming, past = selectors.embed_series_or_404(pk, language=request.LANGUAGE_CODE)
    first = (upcoming or past)[0]
    context = {"series": series, "jam": first, "next": upcoming, "past": past, "portal_url": series.get_absolute_url()}
    return render(request, "embeds/series.html", context)


@embeddable
def embed_in_language(request, rest):
    """/embed/... (the snippets' address): the same embed under the visitor's language,
    from the snippet's `lang` parameter or else the browser's Accept-Language."""
    query = request.GET.copy()
    asked = query.pop("lang", [""])[-1]
    try:
        language = translation.get_supported_language_variant(asked.replace("_", "-").lower())
    except LookupError:
        language = translation.get_language_from_request(request)
    target = f"{get_script_prefix()}{language}/embed/{rest}"  # (i18n_patterns' prefix is the language code)
    response = HttpResponseRedirect(f"{target}?{query.urlencode()}" if query else target)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    patch_cache_control(response, public=True, max_age=REDIRECT_MAX_AGE_S)
    return response


# --- an address no embed has (issue 22) ---


@embeddable
def embed_missing(request, rest):
    """ "Not found", framed: an embed's attribute may make any address (jam="a/b")."""
    raise Http404
