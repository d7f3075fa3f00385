"""Reads for the photo feed, and who may manage what."""

from django.http import Http404

from jamportal.feed.models import Booth, Photo
from jamportal.jams import selectors as jam_selectors
from jamportal.jams.models import Jam

Status = Photo.Status


def photos_visible():
    """Photos anyone may see, newest first (a Jam's gallery; the dashboard's latest):
    visible, and cleaned by the worker (an upload is shown from then on)."""
    return Photo.objects.filter(status=Status.VISIBLE).exclude(image="").order_by("-taken_at", "-pk")


def photos_public(jam):
    return photos_visible().filter(jam=jam)


def photos_on_campaign_wall(campaign):
    """Photos the campaign's wall may show: visible, of public Jams (Jam.is_public;
    a draft's organiser may try their booth before approval)."""
    return photos_visible().filter(
        jam__campaign=campaign,
        jam__approved_at__isnull=False,
        jam__status__in=[Jam.Status.APPROVED, Jam.Status.CANCELLED],
    )


def photos_for_campaign_wall(campaign, *, after=0, limit=60):
    return photos_on_campaign_wall(campaign).filter(pk__gt=after).select_related("jam").order_by("-pk")[:limit]


def photos_taken_down(ids, *, among) -> list[int]:
    """Of the photo ids an open page shows, those no longer among the photos it may
    show (`among`): hidden, reported or deleted since; the page removes them."""
    still_shown = set(among.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return [pk for pk in ids if pk not in still_shown]


def photos_for_organiser(jam):
    """Every photo of the Jam, for its organiser to approve, hide or delete."""
    return Photo.objects.filter(jam=jam).exclude(status=Status.DELETED).order_by("-taken_at", "-pk")


def photos_needing_moderation():
    return Photo.objects.filter(status=Status.REPORTED).select_related("jam").prefetch_related("reports").order_by("pk")


def booths_for_jam(jam):
    return Booth.objects.filter(jam=jam).order_by("created_at", "pk")


def booth_for_organiser_or_404(user, pk):
    booth = Booth.objects.select_related("jam").filter(pk=pk).first()
    if booth is None or not jam_selectors.role_allows(jam_selectors.jam_role(booth.jam, user), jam_selectors.HELPER):
        raise Http404
    return booth


def photo_public_or_404(pk):
    photo = photos_visible().select_related("jam").filter(pk=pk).first()
    if photo is None or not photo.jam.is_public:
        raise Http404
    return photo


def photo_for_manager_or_404(user, pk):
    """A photo its Jam's team (helpers too) or a photo moderator may manage."""
    photo = Photo.objects.select_related("jam").exclude(status=Status.DELETED).filter(pk=pk).first()
    if photo is None or not photo_may_manage(user, photo, jam_selectors.HELPER):
        raise Http404
    return photo


def photo_may_manage(user, photo, least) -> bool:
    """Whether `user` is on the photo's Jam's team with at least the role `least`, or moderates photos."""
    return user.has_perm("feed.moderate_photo") or jam_selectors.role_allows(
        jam_selectors.jam_role(photo.jam, user), least
    )


# --- take-home ---
# What a photo's own page (/photo/<token>/, the QR code on the booth's screen) says:
COMING, SHOWN, CHECKING, REMOVED = "coming", "visible", "pending", "removed"


def photo_for_takehome(token):
    """The photo whose own page this is, with its Jam; None before the booth has posted
    it (or for a token no photo has: the page cannot tell them apart, and says nothing)."""
    return Photo.objects.select_related("jam").filter(takehome_token=token).first()


def takehome_state(photo) -> str:
    """On its way (not posted yet, or not cleaned yet), shown, waiting for the organisers'
    check (so is a visible photo of a Jam the public may not see yet: fail closed), or
    taken down (hidden, reported, deleted)."""
    if photo is None:
        return COMING
    if photo.status in (Status.HIDDEN, Status.REPORTED, Status.DELETED):
        return REMOVED
    if photo.status == Status.PENDING or not photo.jam.is_public:
        return CHECKING
    return SHOWN if photo.is_cleaned else COMING
