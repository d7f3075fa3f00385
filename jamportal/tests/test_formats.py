"""Digits, times, distances and countdowns: one rule per language (CLDR), on every page
that writes them, and the same rule handed to the browser's scripts."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone, translation

from jamportal.jams import posters, services
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory

pytestmark = pytest.mark.django_db

LATIN_DIGIT = re.compile("[0-9]")


def text_of(html, css_class):
    """The text inside the first element of `css_class`, tags removed."""
    match = re.search(rf'class="{css_class}"[^>]*>(.*?)</(?:p|span|time|dd)>', html, re.S)
    assert match, css_class
    return re.sub(r"<[^>]+>", "", match.group(1))


def tokyo_jam(**fields):
    start = datetime.datetime(2031, 4, 10, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    return JamFactory(
        start=start, end=start + datetime.timedelta(hours=6), timezone="Asia/Tokyo", country="JP", **fields
    )


@pytest.mark.parametrize(
    ("language", "when", "hours"),
    [
        ("fa", "۱۰ آوریل ۲۰۳۱،\u200f ۱۰:۰۰ تا ۱۶:۰۰", ("۱۰:۰۰", "۱۶:۰۰")),
        ("en", "April 10, 2031, 10:00 AM\u2009–\u20094:00 PM", ("10:00 AM", "4:00 PM")),
        ("ja", "2031年4月10日 10:00～16:00", ("10:00", "16:00")),
        ("de", "10. April 2031, 10:00\u2009–\u200916:00", ("10:00", "16:00")),
        ("cy", "10 Ebrill 2031 10:00\u2009–\u200916:00", ("10:00", "16:00")),
    ],
)
def test_jam_times_are_written_as_the_language_writes_them(client, language, when, hours):
    jam = tokyo_jam(city="Osaka")

    page = client.get(f"/{language}/jams/{jam.slug}/").content.decode()
    home = client.get(f"/{language}/").content.decode()

    # The Jam's page lays the day and the hours out apart (an event page), each as the list writes it.
    start, end = hours
    hour = '<time class="nowrap" datetime="[^"]+">{}</time>'
    assert re.search(hour.format(start) + "–" + hour.format(end), page)
    separator = " \u2013 " if language == "fa" else " · "  # (issue 22: "·" reads as a Persian zero)
    assert re.search(rf"<bdi>Osaka</bdi>[^<]*{separator}{re.escape(when)}</span>", home)  # "Osaka, Japan · ..."


def test_persian_pages_write_persian_digits_in_what_the_server_formats(client):
    campaign = CampaignFactory(name="BBW", starts_on=datetime.date(2031, 4, 10), ends_on=datetime.date(2031, 4, 11))
    tokyo_jam(campaign=campaign)
    tokyo_jam(campaign=campaign)

    html = client.get(f"/fa/campaigns/{campaign.slug}/").content.decode()

    figures = text_of(html, "figures")
    assert "۲" in figures
    assert "۱" in figures  # 1 country, 1 continent
    assert not LATIN_DIGIT.search(figures)
    dates = text_of(html, "campaign")
    assert "۱۰ آوریل ۲۰۳۱" in dates
    assert not LATIN_DIGIT.search(dates)


def test_campaign_countdown_uses_the_languages_units_list_and_digits(client, monkeypatch):
    now = datetime.datetime(2030, 12, 1, 12, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    campaign = CampaignFactory(starts_on=datetime.date(2031, 4, 10), ends_on=datetime.date(2031, 4, 11))
    start = now + datetime.timedelta(days=128, hours=5)
    JamFactory(campaign=campaign, start=start, end=start + datetime.timedelta(hours=6))

    countdowns = {
        language: text_of(client.get(f"/{language}/campaigns/{campaign.slug}/").content.decode(), "countdown")
        for language in ("fa", "en", "de")
    }

    # Days to the campaign's first day (issue 19), in the language's digits and plural.
    assert "۱۳۰ روز مانده" in countdowns["fa"]
    assert not LATIN_DIGIT.search(countdowns["fa"])
    assert "130 days to go" in countdowns["en"]
    assert "130" in countdowns["de"]
    assert "days" not in countdowns["de"]


@pytest.mark.parametrize(
    ("language", "shown"),
    [("fa", "۱۹۵ کیلومتر"), ("en", "195 km"), ("de", "195 km"), ("zh-hant", "195 公里"), ("ja", "195 km")],
)
def test_near_me_distances_follow_the_language(client, language, shown):
    JamFactory(title="Yaoundé Jam", latitude=3.87, longitude=11.52, country="CM", city="Yaoundé")
    JamFactory(title="Douala Jam", latitude=4.05, longitude=9.77, country="CM", city="Douala")

    html = client.get(f"/{language}/", {"q": "Yaounde", "radius": "300", "nearest": "2"}).content.decode()

    assert f'<span class="distance">{shown}</span>' in html


@pytest.mark.parametrize(
    ("language", "attributes"),
    [
        ("fa", 'data-locale="fa" data-numbering="arabext" data-hour-cycle="h23" data-calendar="gregory"'),
        ("en", 'data-locale="en" data-numbering="latn" data-hour-cycle="h12" data-calendar="gregory"'),
        ("cy", 'data-locale="cy" data-numbering="latn" data-hour-cycle="h23" data-calendar="gregory"'),
        ("zh-hant", 'data-locale="zh-Hant" data-numbering="latn" data-hour-cycle="h12" data-calendar="gregory"'),
        ("pt-br", 'data-locale="pt-BR" data-numbering="latn" data-hour-cycle="h23" data-calendar="gregory"'),
    ],
)
def test_every_page_tells_its_scripts_the_servers_rule(client, language, attributes):
    html = client.get(f"/{language}/").content.decode()

    assert attributes in html.split(">", 2)[1]  # on <html>


def test_reminder_email_writes_the_jams_time_as_the_organisers_language_does(django_capture_on_commit_callbacks):
    now = datetime.datetime(2031, 4, 5, 9, 0, tzinfo=datetime.UTC)
    tokyo_jam(title="Tokyo Jam", organiser=UserFactory(language="fa"))

    with django_capture_on_commit_callbacks(execute=True):
        services.jams_remind(now=now)

    [message] = mail.outbox
    assert "۱۰ آوریل ۲۰۳۱،\u200f ۱۰:۰۰" in message.body
    assert "10:00" not in message.body


def test_dashboard_writes_a_booths_last_contact_and_backlog_in_persian_digits(client):
    from jamportal.feed import services as feed_services
    from jamportal.feed.models import Booth

    jam = JamFactory()
    booth, _token = feed_services.booth_create(jam, by=jam.organiser, name="Front door")
    Booth.objects.filter(pk=booth.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(hours=3, minutes=5, seconds=20), backlog=12
    )
    jam.organiser.language = "fa"
    jam.organiser.save(update_fields=["language"])
    client.force_login(jam.organiser)

    html = client.get("/fa/dashboard/").content.decode()

    assert "۳ ساعت و ۵ دقیقه" in html
    assert "۱۲" in html


def test_the_posters_dates_are_written_in_the_languages_digits():
    campaign = CampaignFactory.build(starts_on=datetime.date(2031, 4, 10), ends_on=datetime.date(2031, 4, 11))

    with translation.override("fa"):
        persian = posters.campaign_dates(campaign)
    with translation.override("en"):
        english = posters.campaign_dates(campaign)

    assert "۲۰۳۱" in persian
    assert not LATIN_DIGIT.search(persian)
    assert "2031" in english
