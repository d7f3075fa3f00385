import copy
import hashlib
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jamportal import pagecache, places, ratelimit
from jamportal.cldr import formats, names
from jamportal.cldr.formats import native_digits
from jamportal.jams import posters, selectors, services
from jamportal.jams.event_page import calendar_links, event_json_ld, ics_filename
from jamportal.jams.feeds import calendar_response, series_words_date
from jamportal.jams.forms import (
    ApproveForm,
    CancelForm,
    JamFilterForm,
    JamForm,
    JamTranslationForm,
    RejectForm,
    SeriesDateMoveForm,
    SeriesEndForm,
    SeriesForm,
    SeriesRuleForm,
    TeamInviteForm,
)
from jamportal.jams.languages import spoken_language_names
from jamportal.jams.models import CampaignPoster
from jamportal.jams.templatetags.jam_tags import distance
from jamportal.pagecache import public_page
from jamportal.pdf import pdf_response

LIST_PAGE_SIZE = 200


def moderator_required(view):
    """Sign-in first (a redirect), then the explicit moderation permission (403)."""
    return login_required(permission_required("jams.moderate_jam", raise_exception=True)(view))


def _visitor_country(request):
    return places.visitor_country(request.headers.get("Accept-Language", ""), request.LANGUAGE_CODE)


def _not_a_position(request):
    """A position from the browser is seldom asked for twice: keeping each such page
    would push the pages people share out of the cache (browsers keep theirs a minute)."""
    return "around" not in request.GET


@public_page(
    versions=[selectors.PUBLIC_VERSION_KEY], variant=_visitor_country, vary=["Accept-Language"], keep=_not_a_position
)
def home(request):
    """Find a Jam: the world map and, beside it, the same Jams as a list.

    With a place typed in (or a position from the browser), the list holds the
    Jams nearest to it, with their distances; otherwise every Jam, by country.
    """
    country = _visitor_country(request)
    miles = places.uses_miles(country)  # the radius typed in the unit of the distances shown
    form = JamFilterForm(request.GET, miles=miles)
    version = pagecache.versions(selectors.PUBLIC_VERSION_KEY)
    context = {
        "form": form,
        "query": _query_without_page(request),
        "more_filters_open": form.uses_more_filters(),
        # The campaigns it lists change with the public version.
        "more_filters_key": (form.more_filters_key(), version, miles),
        # In the map's data address: a browser that keeps the map's answers for a minute
        # asks again as soon as the page it reloads was drawn after a change.
        "public_version": version[0],
        # The introduction, for a first visit (no search yet). Its campaign is read only
        # when its cached part is drawn again: a new public version, or a new day.
        "show_intro": not request.GET,
        "current_campaign": selectors.campaign_current,
        "today": timezone.localdate(),
    }
    if not form.is_valid():
        return render(request, "jams/home.html", {**context, "around": request.GET.get("around", "")})
    near = form.near()
    if form.cleaned_data["q"]:
        found = places.geocode(form.cleaned_data["q"], visitor_country=country)
        near = form.near((found.place.latitude, found.place.longitude)) if found.place else None
        context.update(
            place=found.place,
            place_name=places.place_name(found.place) if found.place else "",
            alternatives=[(places.place_label(p), p) for p in found.alternatives],
            smallest_town=formats.format_number(places.SMALLEST_TOWN),
        )
    if near:
        nearest = selectors.nearest_keys(selectors.public_reader(form.filters()), **near)
        drawn = _near_items(nearest, request.LANGUAGE_CODE, miles=miles)
        items = [item for _, item in drawn]
        # Within the radius, then "Further away" (issue 22): the nearest are listed even
        # beyond it, and a visitor must see where the radius ends.
        within = sum(km <= near["radius_km"] for km, _ in drawn)
        context.update(
            near=near,
            near_items=items,
            near_within=items[:within],
            near_further=items[within:],
            nearest_km=nearest[0][0] if nearest else None,
            miles=miles,
        )
        return _near_page(request, context, around=f"{near['latitude']},{near['longitude']}")
    # Soonest first (past Jams: the latest first), numbered as their pins on the map are.
    jams = selectors.jam_list_public(**form.filters(), language=request.LANGUAGE_CODE)
    order = ("-start", "-pk") if form.cleaned_data.get("when") == selectors.PAST else ("start", "pk")
    page = Paginator(jams.order_by(*order), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context["page"] = page
    context["map_query"] = _query_without_page(request)
    return render(request, "jams/home.html", context)


# A near-me page is the same page for every position but for its list and the
# position itself (in the form, the map's address and the links to the other
# languages). So the rest is drawn once, with AROUND standing for the position and
# RESULTS for the list, and kept per language, visitor country and query without
# the position (the fragments cache of each process); each search draws only its
# list. Drawing the whole page was most of a search from a new position (profiled;
# docs/benchmarks.md). Both stand-ins are new in each process: nobody can type them.
AROUND = "around" + secrets.token_hex(8)
RESULTS = f"<!--{secrets.token_hex(8)}-->"


# Each Jam's line in a near-me list is drawn with DISTANCE standing for how far it
# is and NUMBER for its place in the list, and kept (selectors.jams_drawn). Loading
# and drawing each Jam were two thirds of a search from a new position (profiled;
# docs/benchmarks.md).
DISTANCE = "distance" + secrets.token_hex(8)
NUMBER = "number" + secrets.token_hex(8)


def _near_items(found, language, *, miles):
    """(distance in km, list item HTML) of the Jams `found`: (distance in km, key), in order."""
    items = selectors.jams_drawn(
        "near-item",
        [pk for _, pk in found],
        language,
        lambda jam: render_to_string(
            "jams/_jam_item.html", {"jam": jam, "distance": DISTANCE, "number": NUMBER, "show_country": True}
        ),
    )
    shown = [(km, pk) for km, pk in found if pk in items]
    return [
        (
            km,
            mark_safe(
                items[pk].replace(DISTANCE, escape(distance(km, miles))).replace(NUMBER, native_digits(str(number)))
            ),
        )
        for number, (km, pk) in enumerate(shown, start=1)
    ]


# The alerts' offer under a near-me list is the same for every position but for the
# place in its link (rounded to 0.01°, as alerts keeps it): drawn with PLACE standing
# for it, and kept per language, kind and radius. Drawn for each search it was a fifth
# of a search from a new position (profiled; docs/benchmarks.md).
PLACE = "place" + secrets.token_hex(8)


def _alert_offer(language, *, near, none_nearby):
    key = f"alert-offer:{language}:{none_nearby}:{near['radius_km']}"
    offer = caches["fragments"].get(key)
    if offer is None:
        context = {"place": PLACE, "radius_km": near["radius_km"], "none_nearby": none_nearby}
        offer = render_to_string("alerts/_offer.html", context)
        caches["fragments"].set(key, offer, pagecache.SERVER_TIMEOUT_S)
    return mark_safe(offer.replace(PLACE, f"{near['latitude']:.2f},{near['longitude']:.2f}"))


def _near_page(request, context, *, around):
    """The page of Jams near `around` ("latitude,longitude"), from the kept page
    when the visitor gets the page everyone gets."""
    near, items = context["near"], context["near_items"]
    none_nearby = not items or context["nearest_km"] > near["radius_km"]
    offer = _alert_offer(request.LANGUAGE_CODE, near=near, none_nearby=none_nearby)
    results = render_to_string("jams/_near_results.html", {**context, "alert_offer": offer})  # (no context processors)
    query = request.GET.copy()
    query.pop("page", None)
    query["around"] = around
    if not pagecache.same_for_everyone(request):
        page = {"around": around, "map_query": _map_query(query, context), "near_results": results}
        return render(request, "jams/home.html", {**context, **page})
    query.pop("around")
    # Kept under the public version too: the page lists the campaigns in its filters.
    version = pagecache.versions(selectors.PUBLIC_VERSION_KEY)
    page_for = f"{request.LANGUAGE_CODE}:{_visitor_country(request)}:{version}:{query.urlencode()}"
    key = "home-near:" + hashlib.sha256(page_for.encode()).hexdigest()
    page = caches["fragments"].get(key)
    if page is None:
        query["around"] = AROUND
        kept = copy.copy(request)  # the same request, with the stand-in as its position
        kept.META = {**request.META, "QUERY_STRING": query.urlencode(safe=",")}
        kept.GET = query
        slots = {"around": AROUND, "map_query": _map_query(query, context), "near_results": mark_safe(RESULTS)}
        page = render_to_string("jams/home.html", {**context, **slots}, kept)
        if not kept.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # (a page with a CSRF token is one visitor's)
            caches["fragments"].set(key, page, pagecache.SERVER_TIMEOUT_S)
    return HttpResponse(page.replace(RESULTS, results).replace(AROUND, around))


def _map_query(query, context):
    """The near-me search as the map's data asks for it: its radius in km, as the APIs
    count (typed in miles by visitors who count in miles)."""
    if context["miles"] and query.get("radius"):
        query = query.copy()
        query["radius"] = f"{context['near']['radius_km']:.3f}"
    return query.urlencode(safe=",")


@public_page(versions=[selectors.PUBLIC_VERSION_KEY, selectors.jam_photos_version_key])
def jam_detail(request, slug):
    jam = selectors.jam_for_viewer_or_404(request.user, slug, language=request.LANGUAGE_CODE)
    original_shown = jam.translation is None and jam.content_language != request.LANGUAGE_CODE
    share_url = settings.SITE_URL + jam.get_absolute_url()
    team_role = selectors.jam_role(jam, request.user)
    context = {
        "jam": jam,
        "original_language": names.language_name(jam.content_language) if original_shown else None,
        "languages": spoken_language_names(jam.languages),
        "can_edit": selectors.role_allows(team_role, selectors.CO_ORGANISER) and jam.status != jam.Status.CANCELLED,
        "helps": team_role == selectors.HELPER and jam.status != jam.Status.CANCELLED,
        "can_moderate": request.user.has_perm("jams.moderate_jam"),
        # Booth photos belong to the day itself. A page kept from before the start shows the
        # gallery once it is drawn again: at the first photo (its version) or within
        # pagecache.SERVER_TIMEOUT_S.
        "started": jam.start <= timezone.now(),
        "ended": jam.end <= timezone.now(),
        "share_url": share_url,
        "calendar": calendar_links(jam, url=share_url),
        "event_json_ld": mark_safe(event_json_ld(jam, url=share_url)),
    }
    if jam.series_id and jam.status == jam.Status.CANCELLED:  # (series: a skipped date sends people on)
        context["skipped"], context["next_date"] = True, selectors.series_date_next(jam)
    return render(request, "jams/jam_detail.html", context)


@public_page(versions=[selectors.PUBLIC_VERSION_KEY])
def jam_ics(request, slug):
    """The Jam as an iCalendar file, for "add to calendar"."""
    jam = selectors.jam_for_viewer_or_404(request.user, slug, language=request.LANGUAGE_CODE)
    return calendar_response([jam], name=jam.display_title, filename=ics_filename(jam), as_attachment=True)


def jam_flyer(request, slug):
    """A printable A4 flyer for the Jam, in the visitor's language."""
    jam = selectors.jam_for_viewer_or_404(request.user, slug, language=request.LANGUAGE_CODE)
    pdf = posters.flyer_render(jam, url=settings.SITE_URL + jam.get_absolute_url())
    return pdf_response(pdf, f"jam-{jam.pk}-flyer.pdf")


@public_page(versions=[selectors.PUBLIC_VERSION_KEY])
def campaign_list(request):
    return render(request, "jams/campaigns.html", {"campaigns": selectors.campaign_list_with_figures()})


@public_page(versions=[selectors.PUBLIC_VERSION_KEY])
def campaign_detail(request, slug):
    """A campaign's front door: its figures, countdown, map and Jams by country."""
    campaign = selectors.campaign_get_or_404(slug)
    jams = selectors.jam_list_public(campaign=campaign, when=selectors.ALL, language=request.LANGUAGE_CODE)
    starts = selectors.campaign_first_start(campaign)
    today = timezone.localdate()
    context = {
        "campaign": campaign,
        # The countdown, in whole days to its first day; "happening now" until its last.
        "days_to_go": (campaign.starts_on - today).days,
        "running": campaign.starts_on <= today <= campaign.ends_on,
        "open_for_jams": selectors.campaign_open_for_submissions(today).filter(pk=campaign.pk).exists(),
        "figures": selectors.campaign_figures(campaign),
        "groups": selectors.group_by_country(jams.order_by("start")),
        "starts": starts,
        "upcoming": starts is not None and starts > timezone.now(),
        "map_query": f"campaign={campaign.slug}&when=all",
        "public_version": pagecache.versions(selectors.PUBLIC_VERSION_KEY)[0],
        "sizes": CampaignPoster.Size.choices,
    }
    return render(request, "jams/campaign_detail.html", context)


def campaign_poster(request, slug, size):
    """The campaign's poster as a PDF, at once: the last rendering is served while
    a new one is made if the Jams have changed; the first time, a page says so."""
    campaign = selectors.campaign_get_or_404(slug)
    if size not in CampaignPoster.Size.values:
        raise Http404
    poster = posters.campaign_poster_for_download(campaign, size=size, language=request.LANGUAGE_CODE)
    if poster is None:
        context = {"campaign": campaign, "size": size, "size_label": CampaignPoster.Size(size).label}
        response = render(request, "jams/poster_pending.html", context, status=202)
        response["Retry-After"] = "10"
        return response
    filename = f"{campaign.slug}-{size}-{request.LANGUAGE_CODE}.pdf"
    return FileResponse(poster.file.open("rb"), content_type="application/pdf", filename=filename)


@public_page(versions=[selectors.PUBLIC_VERSION_KEY])
def resources(request):
    """The organisers' guidebook and the birthday branding pack."""
    return render(request, "jams/resources.html")


@login_required
def jam_create(request):
    # From a campaign's page ("Register your Jam"), the form starts in that campaign.
    joining = selectors.campaign_open_for_submissions().filter(slug=request.GET.get("campaign", "")).first()
    form = JamForm(request.POST or None, initial={"campaign": joining})
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow("jam-create", request.user.pk, limit=settings.JAMS_CREATED_PER_HOUR, per=3600):
            form.add_error(
                None, _("You have added many Jams in the last hour. Please try again later; what you typed is kept.")
            )
            return render(request, "jams/jam_form.html", {"form": form}, status=429)
        submit = request.POST.get("action") != "draft"
        jam = services.jam_create(organiser=request.user, data=form.cleaned_data, submit=submit)
        if submit:
            messages.success(request, _("Thank you! Your Jam is waiting for review; we will email you."))
        else:
            messages.success(request, _("Your draft is saved. Submit it when you are ready."))
        return redirect(jam)
    return render(request, "jams/jam_form.html", {"form": form})


@login_required
def jam_edit(request, slug):
    jam = selectors.jam_for_team_or_404(request.user, slug, role=selectors.CO_ORGANISER)
    form = JamForm(request.POST or None, instance=jam)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            jam = services.jam_update(jam, by=request.user, data=form.cleaned_data, submit=submit)
        except services.JamStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(jam)
    return render(request, "jams/jam_form.html", {"form": form, "jam": jam})


@login_required
@require_http_methods(["GET", "POST"])
def jam_cancel(request, slug):
    jam = selectors.jam_for_team_or_404(request.user, slug, role=selectors.CO_ORGANISER)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            jam = services.jam_cancel(jam, by=request.user, reason=form.cleaned_data["reason"])
        except services.JamStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your Jam is cancelled."))
        return redirect("dashboard")
    return render(request, "jams/jam_cancel.html", {"jam": jam, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def jam_translations(request, slug):
    """The organiser's translations of their Jam's title and description."""
    jam = selectors.jam_for_team_or_404(request.user, slug, role=selectors.CO_ORGANISER)
    form = JamTranslationForm(request.POST or None, jam=jam)
    if request.method == "POST" and form.is_valid():
        try:
            services.jam_translation_save(jam, by=request.user, **form.cleaned_data)
        except services.JamStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The translation is saved."))
            return redirect("jams:translations", slug=jam.slug)
    context = {"jam": jam, "form": form, "translations": selectors.jam_translation_list(jam)}
    return render(request, "jams/jam_translations.html", context)


@login_required
@require_POST
def jam_translation_delete(request, slug, language):
    translation = selectors.jam_translation_for_organiser_or_404(request.user, slug, language)
    services.jam_translation_delete(translation, by=request.user)
    messages.success(request, _("The translation is removed."))
    return redirect("jams:translations", slug=slug)


@moderator_required
def moderation_queue(request):
    jams = selectors.jam_list_moderation_queue()
    changed = selectors.jam_list_changed_since_approval()
    return render(request, "jams/moderation_queue.html", {"jams": jams, "changed": changed})


@moderator_required
@require_http_methods(["GET", "POST"])
def moderation_jam(request, slug):
    """One Jam for a moderator: its details, its history, approve or reject."""
    jam = selectors.jam_for_moderator_or_404(slug)
    approve_form = ApproveForm(request.POST if request.POST.get("action") in ("approve", "accept") else None)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    form = approve_form if approve_form.is_bound else reject_form if reject_form.is_bound else None
    if form is not None and form.is_valid():
        try:
            if request.POST["action"] == "accept":
                services.jam_changes_accept(jam, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("The changes to “%(title)s” are accepted.") % {"title": jam.title})
            elif form is approve_form:
                services.jam_approve(jam, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("“%(title)s” is approved and now on the map.") % {"title": jam.title})
            else:
                services.jam_reject(jam, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(
                    request, _("“%(title)s” is not approved; the organiser is told why.") % {"title": jam.title}
                )
        except services.JamStateError as error:
            messages.error(request, str(error))
            return redirect("jams:moderate", slug=jam.slug)
        return redirect("jams:moderation")
    context = {
        "jam": jam,
        "languages": spoken_language_names(jam.languages),
        "history": selectors.jam_history(jam),
        "location_warnings": selectors.location_warnings(jam),
        "approve_form": approve_form,
        "reject_form": reject_form,
    }
    return render(request, "jams/moderation_jam.html", context)


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- teams ---

# Invitations are emails to addresses the organiser types: a day's worth for a busy
# team, short of a spammer's tool.
TEAM_INVITATIONS_PER_DAY = 30


@login_required
@require_http_methods(["GET", "POST"])
def team(request, slug):
    """The Jam's team: who is on it, the invitations waiting, and the Jam's history
    (who changed what). Its organiser invites and removes people; co-organisers see it."""
    jam = selectors.jam_for_team_or_404(request.user, slug, role=selectors.CO_ORGANISER)
    manages = jam.team_role == selectors.ORGANISER
    if request.method == "POST" and not manages:
        raise PermissionDenied
    form = TeamInviteForm(request.POST or None, inviter=request.user) if manages else None
    status = 200
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow("team-invite", request.user.pk, limit=TEAM_INVITATIONS_PER_DAY, per=86400):
            form.add_error(None, _("You have sent many invitations today. Please try again tomorrow."))
            status = 429
        else:
            try:
                invitation = services.team_invite(jam, by=request.user, **form.cleaned_data)
            except services.TeamError as error:
                form.add_error("email", str(error))
            else:
                if invitation.replaced_role:  # (issue 22 fixes: and that the role changes)
                    roles = dict(invitation._meta.get_field("role").choices)
                    sent = _(
                        "We have emailed a new invitation to %(email)s, now as “%(role)s” instead of “%(old)s”."
                        " The link in the earlier one no longer works."
                    ) % {
                        "email": invitation.email,
                        "role": roles[invitation.role],
                        "old": roles[invitation.replaced_role],
                    }
                elif invitation.replaced:  # (issue 22: the organiser must know the first link is dead)
                    sent = _(
                        "We have emailed a new invitation to %(email)s. The link in the earlier one no longer works."
                    ) % {"email": invitation.email}
                else:
                    sent = _("We have emailed an invitation to %(email)s. Its link works for %(days)s days.") % {
                        "email": invitation.email,
                        "days": native_digits(str(selectors.INVITATION_DAYS)),
                    }
                messages.success(request, sent)
                return redirect("jams:team", slug=jam.slug)
    if form is not None and form.errors and status == 200:
        status = 400
    context = {
        "jam": jam,
        "form": form,
        "manages": manages,
        "members": selectors.team_members(jam),
        "invitations": selectors.team_invitations_pending(jam),
        "history": selectors.jam_history(jam)[:100],
    }
    return render(request, "jams/team/team.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def team_invitation_revoke(request, slug, pk):
    """Asks first (a page, so that it needs no JavaScript; issue 22), then withdraws it."""
    jam = selectors.jam_for_team_or_404(request.user, slug, role=selectors.ORGANISER)
    invitation = selectors.team_invitation_pending_or_404(jam, pk)
    if request.method == "GET":
        return render(request, "jams/team/invitation_revoke.html", {"jam": jam, "invitation": invitation})
    try:
        services.team_invitation_revoke(invitation, by=request.user)
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is withdrawn: its link no longer works.") % {"email": invitation.email},
        )
    return redirect("jams:team", slug=jam.slug)


@login_required
@require_http_methods(["GET", "POST"])
def team_member_remove(request, slug, pk):
    """Asks first (a page, so that it needs no JavaScript), then takes them off the team."""
    jam = selectors.jam_for_team_or_404(request.user, slug, role=selectors.ORGANISER)
    member = selectors.team_member_or_404(jam, pk)
    if request.method == "GET":
        return render(request, "jams/team/member_remove.html", {"jam": jam, "member": member})
    services.team_member_remove(member, by=request.user)
    messages.success(request, _("%(name)s is no longer on the team.") % {"name": member.user})
    return redirect("jams:team", slug=jam.slug)


@login_required
@require_http_methods(["GET", "POST"])
def team_leave(request, slug):
    """A co-organiser or helper leaves the team (the organiser cannot: they own the Jam),
    asked first (a page, so that it needs no JavaScript; issue 22)."""
    jam = selectors.jam_for_team_or_404(request.user, slug, role=selectors.HELPER)
    if jam.team_role == selectors.ORGANISER:
        raise Http404
    if request.method == "GET":
        return render(request, "jams/team/leave.html", {"jam": jam})
    services.team_member_remove(selectors.team_member_or_404_for_user(jam, request.user), by=request.user)
    messages.success(request, _("You have left the team of “%(title)s”.") % {"title": jam.title})
    return redirect("dashboard")


@never_cache
@require_http_methods(["GET", "POST"])
def team_join(request, token):
    """An invitation's link: what it invites to, then sign in (or sign up) and accept."""
    invitation = selectors.team_invitation_by_token(token)
    if invitation is None:
        problem = _(
            "This invitation link does not work. Check that you copied all of it, or ask the organiser for a new one."
        )
        return pagecache.secret_link_page(render(request, "jams/team/join.html", {"problem": problem}, status=404))
    user = request.user
    if invitation.accepted_at is not None and user.is_authenticated and invitation.accepted_by_id == user.pk:
        return redirect("dashboard")
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            member = services.team_invitation_accept(invitation, user=user)
        except services.TeamError as error:
            problem = str(error)
        else:
            if member.role == member.Role.CO_ORGANISER:
                done = _("You are now a co-organiser of “%(title)s”.")
            else:
                done = _("You are now a helper at “%(title)s”.")
            messages.success(request, done % {"title": invitation.jam.title})
            return redirect("dashboard")
    else:
        problem = services.team_invitation_problem(invitation, user=user)
    next_url = urlencode({"next": request.path})
    context = {
        "invitation": invitation,
        "jam": invitation.jam,
        "inviter": services.team_inviter(invitation),
        "problem": problem,
        "login_url": f"{reverse('account_login')}?{next_url}",
        "signup_url": f"{reverse('account_signup')}?{next_url}",
    }
    response = render(request, "jams/team/join.html", context, status=410 if problem else 200)
    return pagecache.secret_link_page(response)


# --- series ---


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request, slug):
    """The organiser makes their Jam repeat: how, and until when."""
    jam = selectors.jam_for_team_or_404(request.user, slug, role=selectors.CO_ORGANISER)
    if jam.series_id:
        return redirect("jams:series", pk=jam.series_id)
    form = SeriesForm(request.POST or None, jam=jam)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(jam, by=request.user, **form.options())
        except ValidationError as error:
            form.add_error(None, error)
        except services.JamStateError as error:
            messages.error(request, str(error))
            return redirect(jam)
        else:
            messages.success(request, _("Your Jam repeats. Each date has its own page, sign-ups and photos."))
            return redirect(series)
    return render(request, "jams/series/series_form.html", {"jam": jam, "form": form})


@public_page(versions=[selectors.PUBLIC_VERSION_KEY])
def series_detail(request, pk):
    """A repeating Jam: how it repeats, its next dates and its past ones."""
    series, dates, can_edit = selectors.series_for_viewer_or_404(request.user, pk, language=request.LANGUAGE_CODE)
    now = timezone.now()
    first = dates[0]
    context = {
        "series": series,
        "jam": first,
        # As they happen (a moved date among the others), soonest first; the past latest first.
        "next": sorted((date for date in dates if date.end >= now), key=lambda date: (date.start, date.pk)),
        "past": sorted(
            (date for date in dates if date.end < now), key=lambda date: (date.start, date.pk), reverse=True
        ),
        "can_edit": can_edit,
        "can_stop": can_edit and services.series_can_stop(series, dates, now=now),  # (issue 22 fixes)
    }
    return render(request, "jams/series/series_detail.html", context)


@public_page(versions=[selectors.PUBLIC_VERSION_KEY])
def series_ics(request, pk):
    """The whole series for a calendar: one event that repeats, with its moved and skipped dates."""
    series, dates, _can_edit = selectors.series_for_viewer_or_404(request.user, pk, language=request.LANGUAGE_CODE)
    return calendar_response(
        dates,
        name=series_words_date(dates).display_title,
        filename=f"jam-series-{series.pk}.ics",
        as_attachment=True,
        series=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_date_move(request, slug):
    jam = selectors.series_date_for_team_or_404(request.user, slug)
    form = SeriesDateMoveForm(request.POST or None, jam=jam)
    if request.method == "POST" and form.is_valid():
        start, end = form.times()
        try:
            services.series_date_move(jam, by=request.user, start=start, end=end)
        except ValidationError as error:
            fields = {"start": "day", "end": "ends"}
            for field, problems in error.message_dict.items():
                form.add_error(fields.get(field), problems)
        except services.JamStateError as error:
            messages.error(request, str(error))
            return redirect("jams:series", pk=jam.series_id)
        else:
            messages.success(request, _("The date is moved. Everyone who signed up is emailed."))
            return redirect("jams:series", pk=jam.series_id)
    return render(request, "jams/series/date_move.html", {"jam": jam, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def series_date_skip(request, slug):
    jam = selectors.series_date_for_team_or_404(request.user, slug)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_date_skip(jam, by=request.user, reason=form.cleaned_data["reason"])
        except services.JamStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The date is skipped. Everyone who signed up is emailed."))
        return redirect("jams:series", pk=jam.series_id)
    selectors.with_signed_up([jam])  # (issue 22 fixes: how many are told)
    return render(request, "jams/series/date_skip.html", {"jam": jam, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def series_end(request, pk):
    """The organiser stops their Jam repeating after a day of their choice: first a
    preview of the dates it cancels and how many signed up for them, then (the same
    day stopped after) the change. No day is chosen for them."""
    series, dates, can_edit = selectors.series_for_viewer_or_404(request.user, pk)
    if not can_edit:
        raise Http404
    if not services.series_can_stop(series, dates):
        messages.info(request, _("No date is left to stop: this Jam does not repeat any more."))
        return redirect(series)
    form = SeriesEndForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        last_day = form.cleaned_data["last_day"]
        try:
            plan = selectors.with_signed_up(services.series_end_plan(series, last_day=last_day))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Stopped only as previewed: another last day is previewed again.
            if "save" in request.POST and request.POST.get("previewed") == last_day.isoformat():
                ended = services.series_end(series, by=request.user, **form.cleaned_data)
                messages.success(
                    request,
                    ngettext(
                        "The Jam stops repeating; %(count)s date after it is cancelled.",
                        "The Jam stops repeating; %(count)s dates after it are cancelled.",
                        len(ended),
                    )
                    % {"count": native_digits(str(len(ended)))},
                )
                return redirect(series)
    context = {
        "series": series,
        "jam": dates[0],
        "form": form,
        "plan": plan,
        "previewed": form.cleaned_data["last_day"].isoformat() if plan is not None else "",
    }
    return render(request, "jams/series/series_end.html", context, status=400 if form.errors else 200)


# --- series: changing the rule (issue 22) ---


@login_required
@require_http_methods(["GET", "POST"])
def series_rule(request, pk):
    """The organiser changes how their Jam repeats: first a preview of the dates that
    are cancelled, kept and made, then (the same rule saved) the change."""
    series, dates, can_edit = selectors.series_for_viewer_or_404(request.user, pk)
    if not can_edit:
        raise Http404
    form = SeriesRuleForm(request.POST or None, series=series)
    plan = None
    if request.method == "POST" and form.is_valid():
        options = form.options()
        reason = options.pop("reason")
        try:
            plan = services.series_rule_plan(series, **options)
            plan["cancel"] = selectors.with_signed_up(plan["cancel"])  # (issue 22 fixes)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Saved only as previewed: a rule changed after its preview is previewed again.
            if "save" in request.POST and request.POST.get("previewed") == form.rule_key() and not plan["same"]:
                try:
                    done = services.series_rule_change(series, by=request.user, reason=reason, **options)
                except services.JamStateError as error:
                    messages.error(request, str(error))
                    return redirect(series)
                messages.success(
                    request,
                    ngettext(
                        "The Jam repeats in its new way; %(count)s date is cancelled.",
                        "The Jam repeats in its new way; %(count)s dates are cancelled.",
                        len(done["cancel"]),
                    )
                    % {"count": native_digits(str(len(done["cancel"])))},
                )
                return redirect(series)
    context = {
        "series": series,
        "jam": dates[0],
        "form": form,
        "plan": plan,
        "previewed": form.rule_key() if plan else "",
    }
    status = 400 if form.errors else 200
    return render(request, "jams/series/series_rule.html", context, status=status)
