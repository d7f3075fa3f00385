"""The organiser's dashboard: what they have, and what they need to do next."""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jamportal.attendance import selectors as attendance_selectors
from jamportal.attendance.models import SignupSheet
from jamportal.cldr import formats as cldr_formats
from jamportal.feed import selectors as feed_selectors
from jamportal.feed.models import Booth, Photo
from jamportal.jams import selectors as jam_selectors
from jamportal.jams.models import Jam
from jamportal.kits import selectors as kit_selectors
from jamportal.kits.models import KitRequest

RECENT_PHOTOS = 4
Status = Jam.Status
KitStatus = KitRequest.Status


@dataclass
class Step:
    text: str
    url: str = ""
    urgent: bool = False


@dataclass
class JamCard:
    jam: Jam
    steps: list[Step]
    booths: list[Booth]
    photos: list[Photo]
    kit_request: KitRequest | None
    sheet: SignupSheet | None = None  # the Jam takes sign-ups here
    signed_up: int = 0  # people with a place
    offer_signups: bool = False  # "Take sign-ups": a Jam to come that could
    role: str | None = None  # on the team of someone else's Jam: "co-organiser" or "helper"

    @property
    def action(self) -> Step | None:
        """The one thing to do first for this Jam (drawn as its button), if any."""
        return next((step for step in self.steps if step.url), None)

    @property
    def other_steps(self) -> list[Step]:
        return [step for step in self.steps if step is not self.action]

    @property
    def urgent(self) -> bool:
        return any(step.urgent for step in self.steps)


@dataclass
class Deadline:
    day: datetime.date
    text: str


@dataclass
class Dashboard:
    upcoming: list[JamCard] = field(default_factory=list)
    past: list[JamCard] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    campaigns: list = field(default_factory=list)


def dashboard_for(user, *, now=None) -> Dashboard:
    """Every Jam of the organiser with its next steps, booths and recent photos; the
    deadlines of their campaigns. A fixed number of queries, however many Jams."""
    now = now or timezone.now()
    jams = list(
        jam_selectors.jam_list_for_organiser(user)
        .select_related("signup_sheet", "report")
        .annotate(signed_up=attendance_selectors.people_with_place(OuterRef("pk")))
        .prefetch_related(
            Prefetch("booths", queryset=Booth.objects.filter(revoked_at__isnull=True), to_attr="live_booths"),
            Prefetch(
                "photos",
                queryset=feed_selectors.photos_visible()[:RECENT_PHOTOS],
                to_attr="recent_photos",
            ),
        )
    )
    campaign_ids = {jam.campaign_id for jam in jams if jam.campaign_id}
    kits = kit_selectors.kits_by_campaign(campaign_ids)
    board = Dashboard()
    without_kit = set()  # campaigns where one of the organiser's Jams still has no kit
    for jam in jams:
        kit_request = getattr(jam, "kit_request", None)
        if kit_request and kit_request.status == KitStatus.CANCELLED:
            kit_request = None
        card = JamCard(
            jam=jam,
            steps=_next_steps(jam, kits.get(jam.campaign_id), kit_request, now=now),
            booths=jam.live_booths,
            photos=jam.recent_photos,
            kit_request=kit_request,
            sheet=getattr(jam, "signup_sheet", None),
            signed_up=jam.signed_up,
            offer_signups=jam.end >= now and jam.status not in (Status.CANCELLED, Status.REJECTED),
        )
        if jam.member_role:
            _for_team_member(card)
        (board.upcoming if jam.end >= now else board.past).append(card)
        if jam.member_role:
            continue  # (the kit is the organiser's to request)
        if jam.end >= now and jam.status != Status.CANCELLED and kit_request is None:
            without_kit.add(jam.campaign_id)
    # What needs doing first: Jams with something urgent to do, then those with
    # something the organiser can do, then those waiting on others; soonest first in each.
    board.upcoming.sort(key=lambda card: (not card.urgent, card.action is None, card.jam.start))
    campaigns = {jam.campaign_id: jam.campaign for jam in jams if jam.campaign_id and jam.end >= now}
    board.campaigns = sorted(campaigns.values(), key=lambda campaign: campaign.starts_on)
    # Campaigns open to new Jams are worth knowing about too, above all for a new organiser.
    today = timezone.localdate(now)
    joinable = [c for c in jam_selectors.campaign_open_for_submissions(today) if c.pk not in campaigns]
    kits |= kit_selectors.kits_by_campaign([campaign.pk for campaign in joinable])
    without_kit |= {campaign.pk for campaign in joinable}
    board.deadlines = _deadlines(
        sorted([*board.campaigns, *joinable], key=lambda c: c.starts_on), kits, without_kit, today=today
    )
    return board


def _next_steps(jam, kit, kit_request, *, now) -> list[Step]:
    edit = reverse("jams:edit", args=[jam.slug])
    if jam.status == Status.DRAFT:
        return [Step(_("Finish it and send it for review: it is not public yet."), edit, urgent=True)]
    if jam.status == Status.SUBMITTED:
        return [Step(_("Waiting for a moderator to approve it. We will email you."))]
    if jam.status == Status.REJECTED:
        return [Step(_("Change it as the moderator asked, then send it again."), edit, urgent=True)]
    if jam.status == Status.CANCELLED:
        return []
    if jam.end < now:
        next_jam = Step(_("Put the date of your next Jam on the map."), reverse("jams:create"))
        report_url = reverse("attendance:jam-report", args=[jam.slug])
        if getattr(jam, "report", None) is None:
            return [Step(_("Write the report"), report_url), next_jam]
        return [next_jam, Step(_("Your report"), report_url)]
    steps = []
    today = timezone.localdate(now)
    if kit and kit_request is None and kit.request_deadline >= today:
        deadline = cldr_formats.format_date(kit.request_deadline)
        steps.append(
            Step(
                _("Request a birthday kit before %(date)s.") % {"date": deadline},
                reverse("kits:new", args=[jam.slug]),
                urgent=True,
            )
        )
    if kit_request and kit_request.status == KitStatus.SHIPPED:
        steps.append(Step(_("Tell us when your kit arrives."), reverse("kits:request", args=[kit_request.pk])))
    if not jam.live_booths:
        steps.append(
            Step(
                _("Pair a photobooth, so that photos appear on the Jam's page."),
                reverse("feed:booths", args=[jam.slug]),
            )
        )
    return steps


def _deadlines(campaigns, kits, without_kit, *, today) -> list[Deadline]:
    found = []
    for campaign in campaigns:
        if campaign.submission_deadline and campaign.submission_deadline >= today:
            found.append(
                Deadline(
                    campaign.submission_deadline,
                    _("%(campaign)s: last day to register a Jam") % {"campaign": campaign.display_name},
                )
            )
        kit = kits.get(campaign.pk)
        if kit and kit.request_deadline >= today and campaign.pk in without_kit:
            found.append(
                Deadline(
                    kit.request_deadline,
                    _("%(campaign)s: last day to request a kit") % {"campaign": campaign.display_name},
                )
            )
        if campaign.starts_on >= today:
            found.append(Deadline(campaign.starts_on, _("%(campaign)s begins") % {"campaign": campaign.display_name}))
    return sorted(found, key=lambda deadline: deadline.day)


# --- teams ---


def _for_team_member(card) -> None:
    """A card of a Jam the user is on the team of: the kit is its organiser's alone; a
    helper has the door and the booths only."""
    card.role = card.jam.member_role
    kits = {reverse("kits:new", args=[card.jam.slug])}
    if card.kit_request is not None:
        kits.add(reverse("kits:request", args=[card.kit_request.pk]))
    card.kit_request = None
    card.steps = [step for step in card.steps if step.url not in kits]
    if card.role == jam_selectors.HELPER:
        card.steps = [step for step in card.steps if step.url == reverse("feed:booths", args=[card.jam.slug])]
        card.offer_signups = False


def jams_handed_over_on_delete(user):
    """The user's Jams that would go to a co-organiser if they closed their account
    (accounts.services.account_delete), soonest first."""
    return Jam.objects.filter(organiser=user, team__role=jam_selectors.CO_ORGANISER).distinct().order_by("start")
