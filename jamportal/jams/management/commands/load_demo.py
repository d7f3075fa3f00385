"""Load demo campaigns, Jams and users for trying JamPortal locally.

Safe to run again: it updates what it created before. It refuses to run with
DEBUG off, so it cannot fill a production database with made-up Jams.
"""

import datetime
import os
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.text import slugify

from jamportal.attendance import services as attendance
from jamportal.attendance.models import Signup
from jamportal.jams.demo import (
    CITIES,
    COUNTRY_LANGUAGES,
    DESCRIPTION,
    KIT_ADDRESSES,
    KIT_ITEMS,
    TITLE_OVERRIDES,
    TITLE_PATTERNS,
)
from jamportal.jams.models import Campaign, CampaignTranslation, Jam, JamEvent, JamTranslation
from jamportal.jams.services import render_description
from jamportal.kits import services as kit_services
from jamportal.kits.models import Kit, KitItem, KitRequest, KitRequestLine, StockLevel
from jamportal.places import timezone_at

STAFF_EMAIL = "staff@jamportal.localhost"
ORGANISER_EMAIL = "organiser@jamportal.localhost"
MODERATORS = "Moderators"
KIT_TEAM = "Kit team"
Status = Jam.Status


def birthday_weekend(today):
    """The first weekend of March (the Raspberry Pi's birthday) that is still ahead."""
    year = today.year if today < datetime.date(today.year, 2, 20) else today.year + 1
    first_of_march = datetime.date(year, 3, 1)
    saturday = first_of_march + datetime.timedelta(days=(5 - first_of_march.weekday()) % 7)
    return saturday, saturday + datetime.timedelta(days=1)


# The current campaign's name and description as staff would enter them in the admin.
CURRENT_CAMPAIGN_TRANSLATIONS = {
    "cy": (
        "Penwythnos Pen-blwydd Mawr Raspberry Jam",
        "Ymunwch â'r dathlu pen-blwydd: cynhaliwch Jam yn agos atoch chi.",
    ),
    "de": (
        "Raspberry Jam Großes Geburtstagswochenende",
        "Feiere mit: Veranstalte einen Jam in deiner Nähe.",
    ),
    "es": (
        "Gran Fin de Semana de Cumpleaños Raspberry Jam",
        "Únete a la celebración: organiza un Jam cerca de ti.",
    ),
    "fr": (
        "Grand week-end d'anniversaire des Raspberry Jams",
        "Rejoignez la fête : organisez un Jam près de chez vous.",
    ),
    "it": (
        "Grande weekend di compleanno dei Raspberry Jam",
        "Unisciti ai festeggiamenti: organizza un Jam vicino a te.",
    ),
    "nl": (
        "Raspberry Jam Groot Verjaardagsweekend",
        "Vier het mee: organiseer een Jam bij jou in de buurt.",
    ),
    "pl": (
        "Wielki Urodzinowy Weekend Raspberry Jam",
        "Dołącz do świętowania: zorganizuj Jam w swojej okolicy.",
    ),
    "pt-br": (
        "Grande Fim de Semana de Aniversário Raspberry Jam",
        "Participe da comemoração: organize um Jam perto de você.",
    ),
    "fa": (
        "آخر هفتهٔ بزرگ تولد رزبری جم",
        "در جشن تولد همراه ما باشید: یک جم در نزدیکی خودتان برگزار کنید.",
    ),
    "ja": (
        "Raspberry Jam ビッグ・バースデー・ウィークエンド",
        "誕生日のお祝いに参加しよう：近くでJamを開きましょう。",
    ),
    "zh-hant": (
        "Raspberry Jam 生日大週末",
        "一起來慶生：在你附近舉辦一場 Jam。",
    ),
}


# Who signs up for the demo's Jams: name, adults, under-18s, the language of their emails.
DEMO_ATTENDEES = [
    ("Amara Okafor", 1, 2, "en"),
    ("佐藤 陽菜", 1, 1, "ja"),
    ("سارا احمدی", 2, 0, "fa"),
    ("Jan Kowalski", 1, 0, "pl"),
    ("Familie Müller", 2, 3, "de"),
]


class Command(BaseCommand):
    help = "Load demo campaigns, about 200 Jams worldwide and a staff and an organiser login."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never in production).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to load demo data with DEBUG off. Use --force on a throwaway database.")
        password = os.environ.get("JAMPORTAL_DEMO_PASSWORD", "raspberry-jam")
        # The demo's people have no inboxes: keep the kits' emails out of the terminal.
        with transaction.atomic(), override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            staff, organiser = self.users(password)
            past, current = self.campaigns()
            counts = self.jams(past, current, organiser, staff)
            self.kit(current, staff)
            self.signups(organiser)
            self.past_attendance(past)
        self.stdout.write(self.style.SUCCESS("Demo data loaded: " + ", ".join(f"{n} {s}" for s, n in counts.items())))
        self.stdout.write(f"  Staff login:     {STAFF_EMAIL} / {password}")
        self.stdout.write(f"  Organiser login: {ORGANISER_EMAIL} / {password}")
        self.stdout.write(
            "  The staff login moderates Jams and photos, fulfils birthday kits and reads campaign reports."
        )

    def signups(self, organiser):
        """The demo organiser's upcoming Jams take sign-ups here (30 places), the first
        nearly full with people of many scripts, one party on its waiting list."""
        upcoming = Jam.objects.filter(organiser=organiser, status=Jam.Status.APPROVED, start__gt=timezone.now())
        for number, jam in enumerate(upcoming.order_by("start")):
            if hasattr(jam, "signup_sheet"):
                continue
            attendance.sheet_save(jam, capacity=8 if number == 0 else 30)
            attendees = DEMO_ATTENDEES if number == 0 else DEMO_ATTENDEES[:2]
            for index, (name, adults, children, language) in enumerate(attendees):
                email = f"attendee{index}-{jam.pk}@example.org"
                attendance.signup_create(
                    jam, name=name, email=email, adults=adults, children=children, language=language
                )

    def past_attendance(self, past):
        """Who came to the past campaign's Jams, as the data is kept after a Jam (names
        forgotten, the numbers kept): its report has figures to show. Loaded once."""
        if Signup.objects.filter(jam__campaign=past).exists():
            return
        moment = timezone.now()
        rows = []
        for number, jam in enumerate(Jam.objects.filter(campaign=past, status=Jam.Status.APPROVED).order_by("pk")):
            for party in range(6 + number % 9):
                rows.append(
                    Signup(
                        jam=jam,
                        adults=1 + party % 2,
                        children=party % 3,
                        first_jam=party % 4 == 0,
                        status=Signup.Status.PLACE,
                        walk_in=party % 5 == 4,
                        checked_in_at=jam.start if party % 6 else None,
                        checkin_code=f"DEMO{jam.pk:06d}{party:02d}",
                        anonymised_at=moment,
                    )
                )
        Signup.objects.bulk_create(rows)

    def users(self, password):
        moderators, _ = Group.objects.get_or_create(name=MODERATORS)
        moderators.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["jams", "feed"],
                codename__in=[
                    "moderate_jam",
                    "view_jam",
                    "view_campaign",
                    "add_campaign",
                    "change_campaign",
                    "view_campaigntranslation",
                    "add_campaigntranslation",
                    "change_campaigntranslation",
                    "delete_campaigntranslation",
                    "moderate_photo",
                ],
            )
        )
        kit_team, _ = Group.objects.get_or_create(name=KIT_TEAM)
        kit_team.permissions.set(
            Permission.objects.filter(
                content_type__app_label="kits",
                codename__in=["fulfil_kits", "view_kit", "add_kit", "change_kit", "view_kitrequest"],
            )
        )
        staff = self.user(STAFF_EMAIL, password, first_name="Sam", last_name="Staff", is_staff=True)
        staff.groups.add(moderators, kit_team)
        # (Reports for sponsors: a permission of its own, given here to the demo's staff.)
        staff.user_permissions.add(Permission.objects.get(codename="view_campaign_report"))
        organiser = self.user(ORGANISER_EMAIL, password, first_name="Olu", last_name="Organiser")
        return staff, organiser

    def user(self, email, password, **fields):
        user, _ = get_user_model().objects.update_or_create(email=email, defaults=fields)
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def campaigns(self):
        past, _ = Campaign.objects.update_or_create(
            slug="big-birthday-weekend-2018",
            defaults={
                "name": "Raspberry Jam Big Birthday Weekend 2018",
                "starts_on": datetime.date(2018, 3, 3),
                "ends_on": datetime.date(2018, 3, 4),
                "submission_deadline": datetime.date(2018, 2, 23),
                "hashtag": "#PiParty",
                "description": "Celebrating six years of Raspberry Pi with Jams all over the world.",
            },
        )
        saturday, sunday = birthday_weekend(timezone.localdate())
        current, _ = Campaign.objects.update_or_create(
            slug=f"big-birthday-weekend-{saturday.year}",
            defaults={
                "name": f"Raspberry Jam Big Birthday Weekend {saturday.year}",
                "starts_on": saturday,
                "ends_on": sunday,
                "submission_deadline": saturday - datetime.timedelta(days=14),
                "hashtag": "#PiParty",
                "description": "Join the birthday celebrations: run a Jam near you.",
            },
        )
        for language, (name, description) in CURRENT_CAMPAIGN_TRANSLATIONS.items():
            CampaignTranslation.objects.update_or_create(
                campaign=current,
                language=language,
                defaults={"name": f"{name} {saturday.year}", "description": description},
            )
        return past, current

    def jams(self, past, current, organiser, staff):
        counts = dict.fromkeys(Status.values, 0)
        others = [self.user(f"jam{n}@jamportal.localhost", None, first_name=f"Organiser {n}") for n in range(1, 9)]
        for i, (city, country, lat, lon, venue) in enumerate(CITIES):
            tz_name = timezone_at(lat, lon)
            language, title = TITLE_OVERRIDES.get(
                city, ("en", TITLE_PATTERNS[i % len(TITLE_PATTERNS)].format(city=city))
            )
            owner = others[i % len(others)]
            place = {"city": city, "country": country, "latitude": lat, "longitude": lon, "venue_name": venue}
            # Every city had a Jam in 2018 (the demo organiser ran some: `make booth-demo` posts to
            # one of those, as a Jam's page shows booth photos only once it has started) ...
            day = past.starts_on + datetime.timedelta(days=i % 2)
            past_owner = organiser if i % 10 == 0 else owner
            self.jam(f"{title} 2018", past, day, tz_name, place, past_owner, Status.APPROVED, staff, language)
            counts[Status.APPROVED] += 1
            # ... and most have one at the coming birthday weekend, in every state of review.
            if i % 3 == 2:
                continue
            status = Status.APPROVED
            if i % 29 == 0:
                status = Status.SUBMITTED
            elif i % 31 == 1:
                status = Status.REJECTED
            day = current.starts_on + datetime.timedelta(days=i % 2)
            owner = organiser if i % 10 == 0 else owner
            self.jam(title, current, day, tz_name, place, owner, status, staff, language)
            counts[status] += 1
        return {label: counts[value] for value, label in Status.choices if counts[value]}

    def kit(self, campaign, staff):
        """The current campaign's birthday kit, with stock and a few requests in different states."""
        kit, _ = Kit.objects.update_or_create(
            campaign=campaign,
            defaults={"request_deadline": campaign.starts_on - datetime.timedelta(days=21), "dispatch_country": "GB"},
        )
        items = {}
        for position, (name, sizes, most, value, grams, hs_code) in enumerate(KIT_ITEMS):
            items[name], _ = KitItem.objects.update_or_create(
                kit=kit,
                name=name,
                defaults={
                    "sizes": sizes,
                    "max_per_request": most,
                    "unit_value": value,
                    "unit_weight_grams": grams,
                    "hs_code": hs_code,
                    "position": position,
                },
            )
            for size in sizes or [""]:
                StockLevel.objects.get_or_create(item=items[name], size=size, defaults={"received": 400})
        requests = KitRequest.objects.filter(kit=kit).select_related("jam")
        if any(r.country != r.jam.country or r.city != r.jam.city for r in requests):
            # An older demo sent kits to other countries than their Jams': load them again.
            requests.delete()
            StockLevel.objects.filter(item__kit=kit).update(reserved=0, taken=0)
        if requests.exists():
            return
        moves = [[], ["approved"], ["approved", "packed"], ["approved", "packed", "shipped"]]
        for (city, (name, street, postcode, phone)), path in zip(KIT_ADDRESSES.items(), moves, strict=True):
            jam = Jam.objects.filter(campaign=campaign, status=Status.APPROVED, city=city).first()
            if jam is None:
                continue
            kit_request = KitRequest.objects.create(
                jam=jam,
                kit=kit,
                recipient_name=name,
                phone=phone,
                address_line1=jam.venue_name,
                address_line2=street,
                city=jam.city,
                postcode=postcode,
                country=jam.country,
                expected_attendees=jam.expected_attendees,
            )
            KitRequestLine.objects.create(request=kit_request, item=items["T-shirt"], size="M", quantity=3)
            KitRequestLine.objects.create(request=kit_request, item=items["Sticker sheet"], size="", quantity=20)
            for to in path:
                extra = {"carrier": "Royal Mail", "tracking_number": "RM123456789GB"} if to == "shipped" else {}
                kit_services.kit_request_move(kit_request, to, by=staff, **extra)

    def jam(self, title, campaign, day, tz_name, place, owner, status, staff, language):
        tz = ZoneInfo(tz_name)
        start = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=tz)
        submitted_at = min(
            datetime.datetime.combine(campaign.starts_on - datetime.timedelta(days=30), datetime.time(12), tzinfo=tz),
            timezone.now() - datetime.timedelta(days=3),
        )
        approved = status == Status.APPROVED
        jam, created = Jam.objects.update_or_create(
            slug=slugify(f"{title}-{campaign.starts_on.year}", allow_unicode=True),
            defaults={
                "title": title,
                "organiser": owner,
                "campaign": campaign,
                "description": DESCRIPTION,
                "description_html": render_description(DESCRIPTION),
                "start": start,
                "end": start + datetime.timedelta(hours=6),
                "timezone": tz_name,
                "address": KIT_ADDRESSES.get(place["city"], ("", ""))[1],
                "website": "https://example.org/jams/" + slugify(title),
                "audience": Jam.Audience.FAMILIES,
                "activities": [Jam.Activity.WORKSHOPS, Jam.Activity.SHOW_AND_TELL, Jam.Activity.PARTY],
                "languages": sorted({"en", COUNTRY_LANGUAGES.get(place["country"], "en")}),
                "content_language": language,
                "expected_attendees": 40,
                "status": status,
                "moderation_note": "Please add the venue's street address." if status == Status.REJECTED else "",
                "submitted_at": submitted_at,
                "approved_at": submitted_at + datetime.timedelta(days=2) if approved else None,
                **place,
            },
        )
        if language != "en":
            JamTranslation.objects.update_or_create(
                jam=jam,
                language="en",
                defaults={
                    "title": f"{place['city']} Raspberry Jam",
                    "description": DESCRIPTION,
                    "description_html": render_description(DESCRIPTION),
                },
            )
        if created:
            JamEvent.objects.create(jam=jam, actor=owner, action=JamEvent.Action.CREATED, notified_at=timezone.now())
            if status != Status.SUBMITTED:
                JamEvent.objects.create(
                    jam=jam, actor=staff, action=status, note=jam.moderation_note, notified_at=timezone.now()
                )
        return jam
