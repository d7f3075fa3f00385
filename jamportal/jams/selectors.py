"""Everything that reads Jams for a page or an endpoint, and who may see what."""

import datetime
import functools
import hashlib
import math
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jamportal import pagecache
from jamportal.cldr import names
from jamportal.jams.models import Campaign, CampaignPoster, Jam, JamInvitation, JamMember, JamSeries, JamTranslation
from jamportal.places import continent_of, distances_from
from jamportal.places.checks import FAR_FROM_TOWN_KM, location_check, timezone_label

Status = Jam.Status

UPCOMING, PAST, ALL = "upcoming", "past", "all"


def with_translation(jams, language):
    """Fetch each Jam's translation into `language` along with it (one query in all);
    `jam.translation` and `jam.display_title` then use it."""
    translations = JamTranslation.objects.filter(language=language)
    return jams.prefetch_related(Prefetch("translations", queryset=translations, to_attr="visitor_translations"))


def jam_list_public(
    *,
    campaign=None,
    country="",
    spoken="",
    days=None,
    date_from=None,
    date_to=None,
    when=UPCOMING,
    language=None,
    include_cancelled=False,
    now=None,
):
    """Approved Jams for the map, list and feeds, in date order.

    `when` is "upcoming" (not yet over), "past" or "all"; `date_from`/`date_to`
    are inclusive days on the calendar of UTC; `days` keeps Jams starting in
    the next so many days; `spoken` is a language code spoken at the Jam.
    With `language`, each Jam carries its translation into it. Feeds pass
    `include_cancelled` to tell subscribers about Jams cancelled after approval.
    """
    now = now or timezone.now()
    if include_cancelled:
        jams = Jam.objects.filter(status__in=[Status.APPROVED, Status.CANCELLED], approved_at__isnull=False)
    else:
        jams = Jam.objects.filter(status=Status.APPROVED)
    jams = jams.select_related("campaign")
    if language:
        jams = with_translation(jams, language)
    if when == UPCOMING:
        jams = jams.filter(end__gte=now)
    elif when == PAST:
        jams = jams.filter(end__lt=now).order_by("-start")
    if campaign is not None:
        jams = jams.filter(campaign=campaign)
    if country:
        jams = jams.filter(country=country)
    if spoken:
        # `languages` is a JSON list of codes. "contains" on a JSON list is not
        # available on SQLite, so match the quoted code in its text: codes are
        # validated against the known list and contain no wildcards.
        jams = jams.filter(languages__icontains=f'"{spoken}"')
    if days:
        jams = jams.filter(end__gte=now, start__lt=now + datetime.timedelta(days=days))
    if date_from:
        jams = jams.filter(end__gte=_day_start(date_from))
    if date_to:
        # The end of the day itself, not the start of the next: no arithmetic
        # that overflows on the last day of the calendar (9999-12-31).
        jams = jams.filter(start__lte=_day_end(date_to))
    return jams


# Near-me searches and map views read the public Jams through one query compiled
# for each set of filters, again every PUBLIC_READER_S seconds ("now" moves on with
# it, so a Jam leaves the upcoming ones up to that much later; a kept page keeps it
# for minutes anyway). Building and compiling the query for each request was a
# fifth of a search from a new position (profiled; docs/benchmarks.md).
PUBLIC_READER_S = 10


def public_reader(filters: dict):
    """A reader (see `reader`) of the public Jams matching `filters`, the keyword
    arguments of `jam_list_public` (JamFilterForm.filters())."""
    now = timezone.now()
    moment = now - datetime.timedelta(seconds=now.timestamp() % PUBLIC_READER_S)
    return _public_reader(tuple(sorted(filters.items())), moment)


@functools.lru_cache(maxsize=256)
def _public_reader(filters: tuple, moment):
    return reader(jam_list_public(**dict(filters), now=moment))


def group_by_country(jams):
    """[(country, [jam, ...]), ...] with countries in alphabetical order of their name
    in the visitor's language, and each country's Jams in the order given."""
    groups = {}
    for jam in jams:
        groups.setdefault(jam.country.code, (jam.country, []))[1].append(jam)
    key = names.sort_key()
    return sorted(groups.values(), key=lambda group: key(str(group[0].name)))


# Near-me search: the `nearest` closest Jams plus every Jam within `radius_km`,
# at most `limit` in all. The first look is the box around the radius (at most
# CROWDED times `limit` rows), where nearly every search ends. Where it holds fewer
# than `nearest` within the radius, the box grows GROWTH times over until it does.
# Where it is crowded (a big city at 100,000 Jams), the search starts again from a
# box an eighth the size and doubles it until `limit` Jams are within reach, so that
# only nearby Jams are read. (Reading the first two boxes in one query, a UNION,
# cost more than two simple reads: PostgreSQL planned the bigger query each time,
# docs/benchmarks.md.)
NEAR_START_KM = 2
CROWDED = 4
GROWTH = 8
EARTH_HALF_CIRCUMFERENCE_KM = 20_038


def jams_near(jams, *, language=None, **near):
    """The Jams of `jams` near a point, nearest first, each with `.distance_km`
    (and its translation into `language`); `near` as for `nearest_keys`."""
    chosen = nearest_keys(reader(jams), **near)
    by_pk = jams_by_pk([pk for _, pk in chosen], language)
    result = []
    for d, pk in chosen:
        jam = by_pk[pk]
        jam.distance_km = d
        result.append(jam)
    return result


def nearest_keys(read, *, latitude, longitude, nearest=5, radius_km=50, limit=100):
    """(distance in km, key) of the Jams `read` reads (see `reader`) near a point, nearest first."""
    reach = min(radius_km, EARTH_HALF_CIRCUMFERENCE_KM)
    rows = read("pk, latitude, longitude", *_box(latitude, longitude, reach), most=CROWDED * limit + 1)
    # Each Jam's distance worked out once: a grown box holds the smaller one's Jams.
    distances, distance_to = {}, distances_from(latitude, longitude)

    def measured(rows):
        for pk, lat, lon in rows:
            if pk not in distances:
                distances[pk] = distance_to(lat, lon)
        return [(distances[pk], pk) for pk, _lat, _lon in rows]

    if len(rows) > CROWDED * limit:
        reach, rows = max(NEAR_START_KM, reach / 8), None
    while True:
        if rows is None:
            rows = read("pk, latitude, longitude", *_box(latitude, longitude, reach))
        found = sorted(measured(rows))
        within = [item for item in found if item[0] <= reach]
        if (
            len(within) >= limit
            or (reach >= radius_km and len(within) >= nearest)
            or reach >= EARTH_HALF_CIRCUMFERENCE_KM
        ):
            break
        grown = reach * (2 if reach < radius_km else GROWTH)
        if reach < radius_km < grown:
            grown = radius_km  # look at exactly the radius on the way out
        reach, rows = min(grown, EARTH_HALF_CIRCUMFERENCE_KM), None
    return [(d, pk) for rank, (d, pk) in enumerate(within) if d <= radius_km or rank < nearest][:limit]


def jams_drawn(kind, pks, language, draw) -> dict:
    """{key: draw(jam)} for the public Jams with these keys, each drawn once per
    language and public version and kept by this process (CACHES["jam_items"]):
    a near-me search or map view from a new place then reads only the keys and
    places of its Jams. `kind` names what `draw` makes (a list item, a map feature)."""
    version = pagecache.versions(PUBLIC_VERSION_KEY)
    keys = {pk: f"{kind}:{language}:{version}:{pk}" for pk in pks}
    store = caches["jam_items"]
    kept = store.get_many(keys.values())
    if missing := [pk for pk, key in keys.items() if key not in kept]:
        made = {keys[pk]: draw(jam) for pk, jam in jams_by_pk(missing, language).items()}
        store.set_many(made, pagecache.SERVER_TIMEOUT_S)
        kept.update(made)
    return {pk: kept[key] for pk, key in keys.items() if key in kept}  # (one deleted meanwhile is left out)


def jams_by_pk(pks, language):
    """The Jams with these keys, fetched by key alone: the caller's conditions already
    chose them, and repeating them can lead a planner to scan instead of looking up."""
    jams = Jam.objects.all()
    return (with_translation(jams, language) if language else jams).in_bulk(pks)


def reader(jams):
    """A function reading `jams` (as pk, latitude, longitude) in a box, see `read`.
    The filtered query is compiled once, and each read only adds its own columns
    and bounds: compiling the whole query again for each growing box of a near-me
    search, or each new map view, was a third of their time."""
    try:
        sql, base = jams.order_by().values_list("pk", "latitude", "longitude").query.sql_with_params()
    except EmptyResultSet:  # conditions nothing can meet
        return lambda select, where, bounds, *, cells=(), group_by="", most=None: []

    def read(select, where, bounds, *, cells=(), group_by="", most=None):
        """Rows of `select` where `where` holds for `bounds`; `cells`: the values of
        the placeholders in `select`; at most `most` rows."""
        tail = f"{group_by} LIMIT {int(most)}" if most else group_by
        with connections[jams.db].cursor() as cursor:
            # Our own SQL around the compiled query; every value goes as a parameter.
            cursor.execute(f"SELECT {select} FROM ({sql}) jam WHERE {where}{tail}", (*cells, *base, *bounds))  # noqa: S608
            return cursor.fetchall()

    return read


def _within(south, north, west=None, east=None):
    """(SQL condition, bounds) for a box of latitudes and longitudes; west > east
    crosses the antimeridian; without west and east, the whole Earth's width."""
    between = "latitude >= %s AND latitude <= %s"
    if west is None:
        return between, (south, north)
    if west <= east:
        return f"{between} AND longitude >= %s AND longitude <= %s", (south, north, west, east)
    return f"{between} AND (longitude >= %s OR longitude <= %s)", (south, north, west, east)


def _box(latitude, longitude, reach_km):
    """(SQL condition, bounds) of the box that holds the circle of `reach_km` around
    the point."""
    dlat = reach_km / 111.2
    south_bound, north = max(-90.0, latitude - dlat), min(90.0, latitude + dlat)
    cos = math.cos(math.radians(max(abs(south_bound), abs(north))))
    if cos < 1e-6 or reach_km / (111.2 * cos) >= 180:
        return _within(south_bound, north)  # the box wraps the whole Earth's width
    dlon = reach_km / (111.2 * cos)
    # Past the antimeridian, a side comes back from the other end (then west > east).
    west, east = longitude - dlon, longitude + dlon
    west, east = west + 360 if west < -180 else west, east - 360 if east > 180 else east
    return _within(south_bound, north, west, east)


@dataclass
class Cluster:
    """Several Jams shown as one marker; `bbox` is [west, south, east, north]."""

    latitude: float
    longitude: float
    count: int
    bbox: list


# Map clusters are cells of about 64 screen pixels: four to a 256-pixel tile.
CELLS_PER_TILE = 4


def jam_map_cells(read, *, bbox, zoom):
    """What the map shows in a viewport of the Jams `read` reads (see `reader`): (a
    Cluster per crowded cell, the keys of the Jams alone in their cell).

    One query groups the Jams of the viewport into grid cells sized for the
    zoom level. The answer has a few hundred items at most, whatever the number of Jams.
    """
    west, south, east, north = bbox
    cell = 360 / (2**zoom * CELLS_PER_TILE)
    where, bounds = _within(south, north, west, east)
    cells = read(
        "FLOOR(latitude / %s), FLOOR(longitude / %s), COUNT(*), MIN(pk),"
        " AVG(latitude), AVG(longitude), MIN(latitude), MAX(latitude), MIN(longitude), MAX(longitude)",
        where,
        bounds,
        cells=(cell, cell),
        group_by=" GROUP BY 1, 2",
    )
    clusters, single = [], []
    for _y, _x, count, first, mean_latitude, mean_longitude, least_lat, most_lat, least_lon, most_lon in cells:
        if count == 1:
            single.append(first)
        else:
            clusters.append(Cluster(mean_latitude, mean_longitude, count, [least_lon, least_lat, most_lon, most_lat]))
    return clusters, single


def jam_keys_in_box(read, *, bbox, most):
    """The keys of (at most `most` of) the Jams `read` reads (see `reader`) in the box
    `bbox` (west, south, east, north), in no particular order."""
    west, south, east, north = bbox
    where, bounds = _within(south, north, west, east)
    return [pk for (pk,) in read("pk", where, bounds, most=most)]


def jam_list_for_organiser(user):
    """The Jams the user runs, their own and those whose team they are on (each with its
    `member_role`: None for their own), every status, newest first."""
    return (
        Jam.objects.filter(Q(organiser=user) | Q(pk__in=JamMember.objects.filter(user=user).values("jam")))
        .annotate(member_role=_member_role(user))
        .select_related("campaign", "kit_request")
        .prefetch_related("campaign__translations")
        .order_by("-start")
    )


def jam_list_moderation_queue():
    """Jams waiting for a moderator, oldest submission first; a repeating Jam once (its
    first date waiting: approving it approves the series)."""
    return (
        Jam.objects.filter(status=Status.SUBMITTED)
        .exclude(  # (series)
            Exists(
                Jam.objects.filter(
                    series=OuterRef("series"),
                    status=Status.SUBMITTED,
                    occurrence_start__lt=OuterRef("occurrence_start"),
                )
            )
        )
        .select_related("organiser", "campaign", "series")
        .prefetch_related("campaign__translations")
        .order_by("submitted_at", "pk")
    )


def jam_list_changed_since_approval():
    """Approved Jams whose organiser changed their words since a moderator looked, oldest first."""
    return (
        Jam.objects.filter(status=Status.APPROVED, changes_to_review_since__isnull=False)
        .select_related("organiser", "campaign")
        .prefetch_related("campaign__translations")
        .order_by("changes_to_review_since", "pk")
    )


def jam_for_viewer_or_404(user, slug, *, language=None) -> Jam:
    """A Jam the user may look at: public ones, their own, or any for a moderator."""
    jams = Jam.objects.select_related("campaign", "organiser")
    if language:
        jams = with_translation(jams, language)
    jam = jams.filter(slug=slug).first()
    if jam is None or not (jam.is_public or jam_role(jam, user) or user.has_perm("jams.moderate_jam")):
        raise Http404
    return jam


def jam_for_organiser_or_404(user, slug) -> Jam:
    """A Jam only its organiser may act on (its team, its kit): see jam_for_team_or_404."""
    return jam_for_team_or_404(user, slug, role=ORGANISER)


def jam_for_moderator_or_404(slug) -> Jam:
    jam = Jam.objects.select_related("campaign", "organiser").filter(slug=slug).first()
    if jam is None:
        raise Http404
    return jam


def jam_is_editable_by(jam, user) -> bool:
    """Its organiser or a co-organiser may change the Jam's words."""
    return role_allows(jam_role(jam, user), CO_ORGANISER)


def jam_translation_list(jam):
    return jam.translations.all()


def jam_translation_for_organiser_or_404(user, slug, language):
    translation = JamTranslation.objects.select_related("jam").filter(jam__slug=slug, language=language).first()
    if translation is None or not jam_is_editable_by(translation.jam, user):
        raise Http404
    return translation


def jam_history(jam):
    return jam.events.select_related("actor").order_by("-created_at", "-pk")


def user_list_moderators():
    """Active users allowed to moderate Jams, directly, through a group, or as superusers."""
    permission = Permission.objects.filter(content_type__app_label="jams", codename="moderate_jam")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__permissions__in=permission))
        .distinct()
    )


def campaign_get_or_404(slug):
    campaign = Campaign.objects.prefetch_related("translations").filter(slug=slug).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_figures(campaign) -> dict:
    """Live figures for a campaign page: Jams, countries and continents."""
    countries = set(
        Jam.objects.filter(campaign=campaign, status=Status.APPROVED).values_list("country", flat=True).distinct()
    )
    jams = Jam.objects.filter(campaign=campaign, status=Status.APPROVED).count()
    continents = {continent_of(country) for country in countries} - {""}
    return {"jams": jams, "countries": len(countries), "continents": len(continents)}


def campaign_first_start(campaign):
    """When the campaign's first Jam starts; midnight UTC of its first day if it has none."""
    first = (
        Jam.objects.filter(campaign=campaign, status=Status.APPROVED).order_by("start").values_list("start", flat=True)
    )
    return first.first() or _day_start(campaign.starts_on)


def campaign_poster(campaign, *, size, language):
    return CampaignPoster.objects.filter(campaign=campaign, size=size, language=language).first()


def campaign_list():
    return Campaign.objects.prefetch_related("translations").order_by("-starts_on")


def campaign_current(today=None):
    """The campaign to tell a visitor about now: the one under way, else the next to begin."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(ends_on__gte=today).order_by("starts_on", "pk").first()


def campaign_list_with_figures():
    """Every campaign with its approved Jams and their countries counted, in one query."""
    approved = Q(jams__status=Status.APPROVED)
    return campaign_list().annotate(
        jam_count=Count("jams", filter=approved), country_count=Count("jams__country", filter=approved, distinct=True)
    )


def campaign_open_for_submissions(today=None):
    """Campaigns a new Jam can join: not over, and not past their deadline."""
    today = today or timezone.localdate()
    return (
        campaign_list()
        .filter(ends_on__gte=today)
        .filter(Q(submission_deadline__isnull=True) | Q(submission_deadline__gte=today))
    )


def _day_start(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _day_end(day):
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


# Changes whenever a public Jam does (services.jams_public_changed): cached pages
# and answers built from public Jams are kept under it (jamportal.pagecache).
PUBLIC_VERSION_KEY = "jams:public-version"


def jam_photos_version_key(slug: str) -> str:
    """Changes whenever the Jam's gallery does (feed.services): its page is cached under it."""
    return f"jam-photos:{slug}"


def location_warnings(jam) -> list[str]:
    """What looks wrong with a Jam's pin, in words for its organiser and the moderator
    (empty when the pin sits in its town and country). Worked out from the stored
    position each time, so it always describes the Jam as it is now."""
    return location_warnings_at(jam.latitude, jam.longitude, city=jam.city, country=str(jam.country))


def location_warnings_at(latitude, longitude, *, city, country) -> list[str]:
    """location_warnings for a position not yet saved (the form, the picker's endpoint)."""
    check = location_check(latitude, longitude, city=city, country=country)
    warnings = []
    if check.far_from_town:
        warnings.append(
            _("The pin is %(km)s km from %(town)s (more than %(most)s km). Is the venue really there?")
            % {"km": round(check.km_from_town), "town": check.town.name, "most": FAR_FROM_TOWN_KM}
        )
    if check.outside_country:
        chosen = names.country_name(check.country) or check.country
        if check.country_at_pin:
            warnings.append(
                _("The pin is in %(there)s, not in %(country)s.")
                % {"there": names.country_name(check.country_at_pin) or check.country_at_pin, "country": chosen}
            )
        else:
            warnings.append(_("The pin is not in %(country)s: it is out at sea.") % {"country": chosen})
    return warnings


def jam_timezone_in_words(zone, *, when=None) -> str:
    """ "Douala time, UTC+1": the timezone as people say it, in the current language."""
    label = timezone_label(zone, when=when)
    return _("%(city)s time, %(offset)s") % label


# --- teams ---
# Who may do what to a Jam: its organiser everything; a co-organiser everything but
# deleting it, its kit and managing the team; a helper the door's check-in and the
# photobooths. One helper for all: jam_for_team_or_404(user, slug, role=...).

ORGANISER = "organiser"
CO_ORGANISER = JamMember.Role.CO_ORGANISER
HELPER = JamMember.Role.HELPER
ROLE_RANK = {ORGANISER: 3, CO_ORGANISER: 2, HELPER: 1}

# How long an invitation's link works.
INVITATION_DAYS = 14


def role_allows(role, least) -> bool:
    """Whether `role` (None for none) may do what needs at least `least`."""
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[least]


def _member_role(user):
    return Subquery(JamMember.objects.filter(jam=OuterRef("pk"), user=user.pk).values("role")[:1])


def jam_role(jam, user):
    """The user's role at the Jam: ORGANISER, CO_ORGANISER, HELPER or None."""
    if not user.is_authenticated:
        return None
    if jam.organiser_id == user.pk:
        return ORGANISER
    if hasattr(jam, "member_role"):
        return jam.member_role
    return JamMember.objects.filter(jam=jam, user=user).values_list("role", flat=True).first()


def jam_for_team_or_404(user, slug, *, role) -> Jam:
    """A Jam the user may act on with at least `role` (ORGANISER, CO_ORGANISER, HELPER),
    carrying `team_role`, the user's own; 404 for anyone else (a Jam's existence is
    nobody else's business). One query."""
    if not user.is_authenticated:
        raise Http404
    jam = Jam.objects.select_related("campaign").annotate(member_role=_member_role(user)).filter(slug=slug).first()
    if jam is None or not role_allows(jam_role(jam, user), role):
        raise Http404
    jam.team_role = jam_role(jam, user)
    return jam


def team_members(jam):
    return JamMember.objects.filter(jam=jam).select_related("user").order_by("joined_at", "pk")


def team_member_or_404(jam, pk) -> JamMember:
    member = JamMember.objects.select_related("user").filter(jam=jam, pk=pk).first()
    if member is None:
        raise Http404
    return member


def team_member_or_404_for_user(jam, user) -> JamMember:
    member = JamMember.objects.select_related("user").filter(jam=jam, user=user).first()
    if member is None:
        raise Http404
    return member


def team_invitations_pending(jam, *, now=None):
    now = now or timezone.now()
    return JamInvitation.objects.filter(
        jam=jam, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).select_related("invited_by")


def team_invitation_pending_or_404(jam, pk) -> JamInvitation:
    invitation = team_invitations_pending(jam).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation


def team_invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def team_invitation_by_token(token: str):
    """The invitation whose link carries `token` (in any state), or None."""
    return (
        JamInvitation.objects.select_related("jam", "invited_by")
        .filter(token_hash=team_invitation_token_hash(token))
        .first()
    )


# --- series ---


def series_for_viewer_or_404(user, pk, *, language=None):
    """(series, its dates in order, whether the user may change them): the dates the
    user may see (public ones; all of them for its organiser or a moderator)."""
    series = JamSeries.objects.filter(pk=pk).first()
    if series is None:
        raise Http404
    dates = Jam.objects.filter(series=series).select_related("campaign").prefetch_related("campaign__translations")
    dates = dates.order_by("occurrence_start", "pk")
    dates = list(with_translation(dates, language) if language else dates)
    can_edit = bool(dates) and jam_is_editable_by(dates[0], user)
    if not (can_edit or user.has_perm("jams.moderate_jam")):
        dates = [date for date in dates if date.is_public]
    if not dates:
        raise Http404
    return series, dates, can_edit


def series_date_for_team_or_404(user, slug) -> Jam:
    """A date of a repeating Jam the user may move or skip: its organiser's or a co-organiser's."""
    jam = jam_for_team_or_404(user, slug, role=CO_ORGANISER)
    if jam.series_id is None:
        raise Http404
    return jam


def series_dates(series_ids, *, language=None) -> dict:
    """{series id: [its public dates, first first]} (each with its series), for the feeds."""
    dates = Jam.objects.filter(series_id__in=series_ids, approved_at__isnull=False)
    dates = dates.filter(status__in=[Status.APPROVED, Status.CANCELLED]).select_related("series", "campaign")
    if language:
        dates = with_translation(dates, language)
    found = {}
    for date in dates.order_by("occurrence_start", "pk"):
        found.setdefault(date.series_id, []).append(date)
    return found


# --- issue 22 (series) ---


def series_date_next(jam, *, now=None):
    """The next public date of `jam`'s series after it, not skipped and not over (for a
    skipped date's page to send visitors on); None if there is none."""
    now = now or timezone.now()
    later = Jam.objects.filter(series_id=jam.series_id, status=Status.APPROVED, start__gt=jam.start, end__gt=now)
    return later.order_by("start", "pk").first()


# --- issue 22 fixes: how many signed up for the dates a change cancels ---


def with_signed_up(dates) -> list:
    """`dates` (Jams), each with .signed_up: how many people have a place or are waiting
    for one (sign-ups taken here, attendance's, read through their relation), in one query."""
    dates = list(dates)
    rows = (
        Jam.objects.filter(pk__in=[date.pk for date in dates], signups__status__in=["place", "waiting"])
        .values("pk")
        .annotate(people=Sum(F("signups__adults") + F("signups__children")))
    )
    people = {row["pk"]: row["people"] for row in rows}
    for date in dates:
        date.signed_up = people.get(date.pk, 0)
    return dates
