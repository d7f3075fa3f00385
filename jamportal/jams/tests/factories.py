import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.utils import timezone as dj_timezone

from jamportal.accounts.models import User
from jamportal.jams.models import Campaign, Jam

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"organiser{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        user.save()
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class ModeratorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def moderator(user, create, extracted, **kwargs):
        if create:
            user.user_permissions.add(Permission.objects.get(codename="moderate_jam"))


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Big Birthday Weekend {2030 + n}")
    slug = factory.Sequence(lambda n: f"bbw-{2030 + n}")
    starts_on = factory.LazyFunction(lambda: dj_timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda c: c.starts_on + datetime.timedelta(days=1))
    hashtag = "#PiParty"


class JamFactory(factory.django.DjangoModelFactory):
    """An approved Jam in Cambridge, UK, a week from now, 10:00-16:00 local time."""

    class Meta:
        model = Jam

    title = factory.Sequence(lambda n: f"Cambridge Jam {n}")
    slug = factory.Sequence(lambda n: f"cambridge-jam-{n}")
    organiser = factory.SubFactory(UserFactory)
    description = "Come and *make* things."
    description_html = "<p>Come and <em>make</em> things.</p>"
    start = factory.LazyFunction(
        lambda: (dj_timezone.now() + datetime.timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    )
    end = factory.LazyAttribute(lambda jam: jam.start + datetime.timedelta(hours=6))
    timezone = "Europe/London"
    venue_name = "Cambridge Junction"
    city = "Cambridge"
    country = "GB"
    latitude = 52.2053
    longitude = 0.1218
    languages = ["en"]
    status = Jam.Status.APPROVED
    submitted_at = factory.LazyFunction(dj_timezone.now)
    approved_at = factory.LazyFunction(dj_timezone.now)


def jam_form_data(**overrides):
    """A valid submission as the browser posts it: a Tokyo Jam in 30 days."""
    day = (dj_timezone.now() + datetime.timedelta(days=30)).date()
    data = {
        "title": "Tokyo Raspberry Jam",
        "campaign": "",
        "description": "Workshops and **cake**.",
        "content_language": "en",
        "start": f"{day}T10:00",
        "end": f"{day}T16:00",
        "venue_name": "FabCafe",
        "address": "1-22-7 Dogenzaka",
        "city": "Tokyo",
        "country": "JP",
        "latitude": "35.6762",
        "longitude": "139.6503",
        "timezone": "",
        "website": "https://example.org/tokyo-jam",
        "audience": "everyone",
        "activities": ["workshops", "talks"],
        "languages": ["ja", "en"],
        "expected_attendees": "50",
        "social_handle": "@tokyojam",
        "host_name": "",
        "action": "submit",
    }
    data.update(overrides)
    return data


def jam_data(**overrides):
    """What the submission form hands to the services: a Yaoundé Jam in ten days."""
    start = dj_timezone.now() + datetime.timedelta(days=10)
    data = {
        "title": "Yaoundé Raspberry Jam",
        "campaign": None,
        "description": "Hello <script>alert(1)</script> **world**",
        "content_language": "fr",
        "start": start,
        "end": start + datetime.timedelta(hours=5),
        "timezone": "Africa/Douala",
        "venue_name": "ActivSpaces",
        "address": "",
        "city": "Yaoundé",
        "country": "CM",
        "latitude": 3.848,
        "longitude": 11.5021,
        "venue_private": False,
        "website": "",
        "audience": "everyone",
        "activities": ["workshops"],
        "languages": ["fr", "en"],
        "expected_attendees": 30,
        "social_handle": "",
        "host_name": "",
    }
    data.update(overrides)
    return data
