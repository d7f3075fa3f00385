"""Every <time datetime="..."> the site writes holds a value HTML allows: a date,
or a date and time to the second with its offset. Times are stored to the
microsecond, and HTML takes at most three digits of a second."""

import datetime
import re

import pytest
from django.utils import timezone

from jamportal.feed import services as feed_services
from jamportal.feed.tests.test_feed import post
from jamportal.jams import services as jam_services
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, ModeratorFactory

pytestmark = pytest.mark.django_db

# HTML's "valid date string" and "valid global date and time string", as we write them.
VALID = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2}))?")


def datetime_values(html):
    return re.findall(r'datetime="([^"]*)"', html)


def test_pages_with_photos_and_histories_write_valid_datetime_values(client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)  # the campaign page counts down to it
    started = timezone.now() - datetime.timedelta(hours=1)  # its page shows photos once it has started
    jam = JamFactory(
        campaign=CampaignFactory(starts_on=tomorrow),
        start=started,
        end=started + datetime.timedelta(hours=4),
        status="submitted",
        approved_at=None,
    )
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Door")
    taken = (timezone.now() - datetime.timedelta(minutes=5)).replace(microsecond=399486)
    post(client, token, taken_at=taken.isoformat())
    moderator = ModeratorFactory()
    jam_services.jam_approve(jam, by=moderator)
    values = []
    for url in (jam.get_absolute_url(), f"/en/jams/{jam.slug}/photos/", f"/en/campaigns/{jam.campaign.slug}/"):
        values += datetime_values(client.get(url).content.decode())
    client.force_login(moderator)
    values += datetime_values(client.get(f"/en/moderation/{jam.slug}/").content.decode())
    photos = client.get(f"/en/jams/{jam.slug}/photos.json").json()["photos"]

    assert len(values) >= 5  # the Jam's time, the photo on its page and in the gallery, the countdown, the history
    assert [value for value in values if not VALID.fullmatch(value)] == []
    assert values.count(f"{taken:%Y-%m-%dT%H:%M:%S}Z") == 2  # the photo on the Jam's page and in its gallery
    assert photos[0]["taken_at"] == f"{taken:%Y-%m-%dT%H:%M:%S}Z"  # the live gallery's script writes it as the datetime
