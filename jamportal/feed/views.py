import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from jamportal import ratelimit
from jamportal.cldr import formats as cldr_formats
from jamportal.feed import files, selectors, services
from jamportal.feed.forms import AfterForm, BoothForm, FeedSettingsForm, ReportForm
from jamportal.feed.models import Photo
from jamportal.jams import selectors as jam_selectors
from jamportal.jams.api import bad_parameters
from jamportal.templatetags import html_datetime

GALLERY_PAGE_SIZE = 24
Status = Photo.Status


@login_required
@require_http_methods(["GET", "POST"])
def booths(request, slug):
    """The organiser's photobooths and feed settings for one Jam (its team's: helpers too)."""
    jam = jam_selectors.jam_for_team_or_404(request.user, slug, role=jam_selectors.HELPER)
    feed_settings = services.feed_settings_for(jam)
    booth_form = BoothForm(request.POST if request.POST.get("action") == "booth" else None)
    settings_form = FeedSettingsForm(
        request.POST if request.POST.get("action") == "settings" else None, instance=feed_settings
    )
    new_token = qr = None
    if booth_form.is_bound and booth_form.is_valid():
        _booth, new_token = services.booth_create(jam, by=request.user, name=booth_form.cleaned_data["name"])
        qr = segno.make(new_token, error="m").svg_inline(scale=5, dark="#1d1d1f")
        booth_form = BoothForm()
    if settings_form.is_bound and settings_form.is_valid():
        services.feed_settings_save(jam, by=request.user, data=settings_form.cleaned_data)
        messages.success(request, _("The feed settings are saved."))
        return redirect("feed:booths", slug=jam.slug)
    context = {
        "jam": jam,
        "booths": selectors.booths_for_jam(jam),
        "booth_form": booth_form,
        "settings_form": settings_form,
        "new_token": new_token,
        "qr": qr,
        "photos": selectors.photos_for_organiser(jam)[:60],
        # A helper runs the booths and approves or hides photos; the feed's settings and
        # deleting photos are for the organiser and co-organisers.
        "can_change_settings": jam_selectors.role_allows(jam.team_role, jam_selectors.CO_ORGANISER),
    }
    return render(request, "feed/booths.html", context)


@login_required
@require_POST
def booth_revoke(request, pk):
    booth = selectors.booth_for_organiser_or_404(request.user, pk)
    services.booth_revoke(booth, by=request.user)
    if booth.last_seen_at:
        messages.success(request, _("The booth is disconnected: its token no longer works."))
    else:
        messages.success(request, _("The booth is removed: its token no longer works."))
    return redirect("feed:booths", slug=booth.jam.slug)


@login_required
@require_POST
def photo_action(request, pk):
    """Approve, hide, show or delete a photo: its Jam's organiser or a photo moderator.
    Deleting cannot be undone, so it asks first (a page of its own: no script needed)."""
    photo = selectors.photo_for_manager_or_404(request.user, pk)
    action = request.POST.get("action")
    statuses = {"approve": Status.VISIBLE, "show": Status.VISIBLE, "hide": Status.HIDDEN}
    # Back where the button was (the gallery, the queue), but never to another site.
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = photo.jam.get_absolute_url()
    if action == "delete" and not selectors.photo_may_manage(request.user, photo, jam_selectors.CO_ORGANISER):
        raise PermissionDenied  # (helpers hide photos; deleting is for good)
    if action == "delete" and request.POST.get("confirmed") != "yes":
        return render(request, "feed/photo_delete.html", {"photo": photo, "next": next_url})
    if action == "delete":
        services.photo_delete(photo, by=request.user)
        messages.success(request, _("The photo is deleted."))
    elif action in statuses:
        services.photo_set_status(photo, statuses[action], by=request.user)
        messages.success(request, _("The photo is now “%(status)s”.") % {"status": statuses[action].label})
    else:
        raise Http404
    return redirect(next_url)


@login_required
@require_GET
def photo_file(request, pk, size):
    """One size of a photo the public may not see (waiting, hidden, reported), for its
    Jam's organiser and photo moderators; never kept by a cache. A visible photo's
    files are on the web server: sent there."""
    photo = selectors.photo_for_manager_or_404(request.user, pk)
    if size not in Photo.SIZE_FILES:
        raise Http404
    file = photo.file_for(size)
    if file is None:  # not cleaned yet
        raise Http404
    if photo.status == Status.VISIBLE:
        return redirect(photo.file_url(size))
    try:
        content = files.storage_for(photo.status).open(file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(content, content_type="image/webp" if file.name.endswith(".webp") else "image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def jam_photos(request, slug):
    """A Jam's whole gallery, newest first, page by page."""
    jam = jam_selectors.jam_for_viewer_or_404(request.user, slug)
    page = Paginator(selectors.photos_public(jam), GALLERY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feed/photos.html", {"jam": jam, "page": page})


def photo_json(photo, request):
    return {
        "id": photo.pk,
        "thumbnail": request.build_absolute_uri(photo.thumbnail_url),
        "url": request.build_absolute_uri(photo.display_url),
        "caption": photo.caption,
        "alt": photo.alt_text,
        "taken_at": html_datetime(photo.taken_at),  # the live gallery's <time datetime>
        "taken_at_text": cldr_formats.format_datetime(photo.taken_at.astimezone(photo.jam.tz)),
        "jam": photo.jam.title,
        "report_url": reverse("feed:report", args=[photo.pk]),
        # --- Boomerang ---: its first frame, for pages asked for less motion
        "still": request.build_absolute_uri(photo.still_url) if photo.animated else None,
    }


def _newer_than(request):
    """((the id to start after, the ids the page shows), None), or (None, a 400
    response naming the parameter)."""
    form = AfterForm(request.GET)
    if not form.is_valid():
        return None, bad_parameters(form)
    return (form.cleaned_data["after"] or 0, form.cleaned_data["shown"] or []), None


@require_GET
@cache_control(public=True, max_age=10)
def jam_photos_json(request, slug):
    """New photos of a Jam since ?after=<id>, for the gallery to add while open."""
    jam = jam_selectors.jam_for_viewer_or_404(request.user, slug)
    asked, error = _newer_than(request)
    if error:
        return error
    after, shown = asked
    photos = selectors.photos_public(jam).filter(pk__gt=after).select_related("jam")[:GALLERY_PAGE_SIZE]
    gone = selectors.photos_taken_down(shown, among=selectors.photos_public(jam))
    return JsonResponse({"photos": [photo_json(photo, request) for photo in photos], "gone": gone})


def campaign_wall(request, slug):
    """The latest photos from every Jam of a campaign, live: for a projector."""
    campaign = jam_selectors.campaign_get_or_404(slug)
    photos = selectors.photos_for_campaign_wall(campaign)
    return render(request, "feed/wall.html", {"campaign": campaign, "photos": photos})


@require_GET
@cache_control(public=True, max_age=10)
def campaign_wall_json(request, slug):
    campaign = jam_selectors.campaign_get_or_404(slug)
    asked, error = _newer_than(request)
    if error:
        return error
    after, shown = asked
    photos = selectors.photos_for_campaign_wall(campaign, after=after)
    gone = selectors.photos_taken_down(shown, among=selectors.photos_on_campaign_wall(campaign))
    return JsonResponse({"photos": [photo_json(photo, request) for photo in photos], "gone": gone})


@require_http_methods(["GET", "POST"])
def photo_report(request, pk):
    """Ask for a photo to be taken down; it is hidden at once until someone decides."""
    photo = selectors.photo_public_or_404(pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limit = settings.PHOTO_REPORTS_PER_HOUR
        if form.from_a_bot() or ratelimit.allow("photo-report", ratelimit.client_ip(request), limit=limit, per=3600):
            if not form.from_a_bot():  # a bot is thanked all the same, and nothing happens
                services.photo_report(photo, reason=form.cleaned_data["reason"], contact=form.cleaned_data["contact"])
            messages.success(request, _("Thank you. The photo is hidden until a moderator has looked at it."))
            return redirect(photo.jam)
        form.add_error(None, _("You have sent many reports in the last hour. Please try again later."))
        return render(request, "feed/report.html", {"photo": photo, "form": form}, status=429)
    return render(request, "feed/report.html", {"photo": photo, "form": form})


@login_required
def moderation(request):
    """Reported photos, for staff with the photo moderation permission."""
    if not request.user.has_perm("feed.moderate_photo"):
        raise PermissionDenied
    return render(request, "feed/moderation.html", {"photos": selectors.photos_needing_moderation()})


# --- take-home ---
def _takehome_private(response):
    """A photo's own page is found by its secret address alone: no search engine, no
    shared cache, and no Referer taking the address to the next page. Browsers ask
    again each time (it fills in, and a takedown is at once)."""
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _takehome_json(request, photo, state):
    answer = {"state": state}
    if state == selectors.SHOWN:
        answer |= {
            "url": request.build_absolute_uri(photo.display_url),
            "alt": photo.alt_text or photo.caption,
            "caption": photo.caption,
            "download": reverse("feed:takehome-download", args=[photo.takehome_token]),
            "jam_url": photo.jam.get_absolute_url(),
            "jam": photo.jam.display_title,
            "report_url": reverse("feed:report", args=[photo.pk]),
            "still": request.build_absolute_uri(photo.still_url) if photo.animated else "",
        }
    return answer


@require_safe  # (HEAD too: link previews of the scanned address)
def takehome(request, token):
    """A photo's own page, the address its booth showed as a QR code: on its way until
    the photo arrives (the page fills in by itself), then the photo to take home."""
    photo = selectors.photo_for_takehome(token)
    state = selectors.takehome_state(photo)
    context = {"photo": photo, "state": state, "token": token, "jam": photo.jam if photo else None}
    return _takehome_private(render(request, "feed/takehome.html", context))


@require_safe
def takehome_json(request, token):
    """What the photo's page shows now, for the page to fill in without a reload."""
    photo = selectors.photo_for_takehome(token)
    return _takehome_private(JsonResponse(_takehome_json(request, photo, selectors.takehome_state(photo))))


@require_safe
def takehome_download(request, token):
    """The photo at full size, as a file to keep (Content-Disposition: attachment);
    only while it is shown."""
    photo = selectors.photo_for_takehome(token)
    if selectors.takehome_state(photo) != selectors.SHOWN:
        raise Http404
    try:
        content = files.storage_for(photo.status).open(photo.image.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = ".webp" if photo.image.name.endswith(".webp") else ".jpg"  # a boomerang is an animated WebP
    name = f"{photo.jam.slug}-{photo.pk}{suffix}"
    content_type = "image/webp" if suffix == ".webp" else "image/jpeg"
    response = FileResponse(content, as_attachment=True, filename=name, content_type=content_type)
    return _takehome_private(response)
