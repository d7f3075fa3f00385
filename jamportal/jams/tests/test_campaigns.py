"""Campaign pages, the poster, calendar feeds, the news feed and the resources page."""

import datetime
import subprocess
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jamportal.jams import posters, services, tasks
from jamportal.jams.models import CampaignPoster, Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, ModeratorFactory

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def pdf_text(data, tmp_path):
    path = tmp_path / "poster.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(data, tmp_path):
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


# The campaign page


def test_campaign_page_counts_jams_countries_and_continents(client):
    campaign = CampaignFactory(name="Big Birthday Weekend 2031")
    for country, lat, lon in [("GB", 52.2, 0.1), ("GB", 53.5, -2.2), ("FR", 48.9, 2.3), ("JP", 35.7, 139.7)]:
        JamFactory(campaign=campaign, country=country, latitude=lat, longitude=lon)
    JamFactory(campaign=campaign, country="BR", status=Jam.Status.SUBMITTED)  # not participating yet
    JamFactory(country="KE")  # another campaign's

    html = client.get(en("jams:campaign", campaign.slug)).content.decode()

    assert "4 Jams in 3 countries across 2 continents" in html
    assert "<h3>Brazil</h3>" not in html
    assert html.index("<h3>France</h3>") < html.index("<h3>Japan</h3>") < html.index("<h3>United Kingdom</h3>")
    assert "30 days to go" in html
    assert f'href="{en("jams:campaign-poster", campaign.slug, "a3")}"' in html


def test_past_campaign_stays_browsable_without_a_countdown(client):
    campaign = CampaignFactory(starts_on=datetime.date(2018, 3, 3), ends_on=datetime.date(2018, 3, 4))
    start = datetime.datetime(2018, 3, 3, 10, tzinfo=datetime.UTC)
    JamFactory(campaign=campaign, title="Old Jam", start=start, end=start + datetime.timedelta(hours=5))

    html = client.get(en("jams:campaign", campaign.slug)).content.decode()

    assert "Old Jam" in html
    assert "1 Jam in 1 countries across 1 continents" in html
    assert "days to go" not in html
    assert "Happening now" not in html


def test_campaign_page_query_count_does_not_grow_with_jams(assert_constant_queries):
    campaign = CampaignFactory()
    JamFactory(campaign=campaign)

    assert_constant_queries(
        en("jams:campaign", campaign.slug), lambda: JamFactory.create_batch(2, campaign=campaign, country="FR")
    )


def test_unknown_campaign_is_404(client):
    assert client.get(en("jams:campaign", "nope")).status_code == 404
    assert client.get(en("jams:campaign-poster", "nope", "a3")).status_code == 404


# The poster


def test_poster_prints_names_in_every_script(tmp_path):
    campaign = CampaignFactory(name="Birthday 2031")
    for title in ["Jam Mafon Aberystwyth ŵyl", "東京ラズベリージャム", "جم رزبری پای تهران", "Yaoundé Jam"]:
        JamFactory(campaign=campaign, title=title)

    groups, _ = posters.poster_content(campaign, "en")
    pdf = posters.poster_render(campaign, size="a3", language="en", groups=groups)

    text = pdf_text(pdf, tmp_path)
    for title in ["Jam Mafon Aberystwyth ŵyl", "東京ラズベリージャム", "Yaoundé Jam", "Birthday 2031"]:
        assert title in text
    # pdftotext writes right-to-left runs in visual order; compare the words.
    assert {"جم", "رزبری", "پای", "تهران"} <= set(text.replace("\u202b", " ").replace("\u202c", " ").split())


@pytest.mark.slow  # big data: 500 Jams drawn
@pytest.mark.parametrize(("size", "width", "height"), [("a3", 842, 1191), ("a2", 1191, 1684)])
def test_poster_of_500_jams_fits_one_page(size, width, height, tmp_path):
    campaign = CampaignFactory()
    countries = ["GB", "FR", "DE", "JP", "BR", "KE", "IN", "US", "AU", "CM"]
    organiser = JamFactory(campaign=campaign, title="Raspberry Jam number 0").organiser
    Jam.objects.bulk_create(
        [
            JamFactory.build(
                campaign=campaign,
                organiser=organiser,
                title=f"Raspberry Jam number {i}",
                slug=f"poster-jam-{i}",
                country=countries[i % len(countries)],
            )
            for i in range(1, 500)
        ]
    )

    groups, _ = posters.poster_content(campaign, "en")
    info = pdf_info(posters.poster_render(campaign, size=size, language="en", groups=groups), tmp_path)

    assert info["Pages"].strip() == "1"
    page_width, _, page_height = info["Page size"].split()[:3]
    assert (round(float(page_width)), round(float(page_height))) == (width, height)


def test_poster_layout_adapts_columns_and_type_to_the_number_of_jams():
    few = [("GB", [Jam(title="Small Jam", city="Town")] * 5)]
    many = [("GB", [Jam(title="A Raspberry Jam with a long name", city="Somewhere")] * 500)]

    small, large = posters.poster_layout(few, "a3"), posters.poster_layout(many, "a3")

    assert small.font_size > large.font_size
    assert small.columns < large.columns


@pytest.mark.django_db(transaction=True)  # a build is queued as the download's claim commits
def test_poster_download_is_built_once_and_rebuilt_when_jams_change(client, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    jam = JamFactory(campaign=campaign, title="First Jam")
    url = en("jams:campaign-poster", campaign.slug, "a3")

    first = client.get(url)
    built = CampaignPoster.objects.get()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.jam_cancel(jam, by=jam.organiser)
    rebuilt = CampaignPoster.objects.get()

    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert b"".join(first.streaming_content).startswith(b"%PDF")
    assert rebuilt.pk == built.pk
    assert rebuilt.fingerprint != built.fingerprint
    assert rebuilt.built_at > built.built_at


def test_poster_download_never_waits_for_a_render(client, monkeypatch, django_capture_on_commit_callbacks):
    """With a real broker the render runs elsewhere: the first visitor gets a page
    that says so (202), and later ones the last rendering while a new one is made."""
    campaign = CampaignFactory()
    JamFactory(campaign=campaign)
    queued = []
    monkeypatch.setattr(tasks.task_build_poster, "apply_async", lambda kwargs, countdown: queued.append(kwargs))
    url = en("jams:campaign-poster", campaign.slug, "a2")

    with django_capture_on_commit_callbacks(execute=True):
        pending = client.get(url)

    assert pending.status_code == 202
    assert pending["Retry-After"] == "10"
    assert "Your poster is being prepared" in pending.content.decode()
    assert queued == [{"poster_id": CampaignPoster.objects.get(campaign=campaign, size="a2", language="en").pk}]


# Calendar feeds


def test_calendar_feed_has_local_times_stable_uids_and_cancellations(client, django_capture_on_commit_callbacks):
    tokyo = datetime.datetime(2031, 3, 1, 10, tzinfo=ZoneInfo("Asia/Tokyo"))
    kept = JamFactory(title="Tokyo Jam", start=tokyo, end=tokyo + datetime.timedelta(hours=4), timezone="Asia/Tokyo")
    cancelled = JamFactory(title="Cancelled Jam", status=Jam.Status.CANCELLED)
    JamFactory(title="Draft Jam", status=Jam.Status.DRAFT, approved_at=None)

    response = client.get(en("jams:calendar"))
    with django_capture_on_commit_callbacks(execute=True):
        kept.title = "Tokyo Jam, renamed"
        kept.save()
        services.jams_public_changed()  # as every service that changes a Jam does
    again = icalendar.Calendar.from_ical(client.get(en("jams:calendar")).content)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = {str(e["summary"]): e for e in icalendar.Calendar.from_ical(response.content).events}
    assert set(events) == {"Tokyo Jam", "Cancelled Jam"}
    assert events["Tokyo Jam"].decoded("dtstart") == tokyo
    assert events["Tokyo Jam"].decoded("dtstart").tzinfo.key == "Asia/Tokyo"
    assert str(events["Cancelled Jam"]["status"]) == "CANCELLED"
    assert str(events["Cancelled Jam"]["uid"]) == f"jam-{cancelled.pk}@jamportal"
    renamed = {str(e["uid"]): str(e["summary"]) for e in again.events}
    assert renamed[f"jam-{kept.pk}@jamportal"] == "Tokyo Jam, renamed"


def test_calendar_feeds_by_campaign_country_and_around_a_point(client):
    campaign = CampaignFactory()
    JamFactory(title="Campaign Jam", campaign=campaign, country="FR", latitude=48.85, longitude=2.35)
    JamFactory(title="Kenyan Jam", country="KE", latitude=-1.29, longitude=36.82)

    def titles(url, **query):
        return sorted(str(e["summary"]) for e in icalendar.Calendar.from_ical(client.get(url, query).content).events)

    assert titles(en("jams:campaign-calendar", campaign.slug)) == ["Campaign Jam"]
    assert titles(en("jams:calendar"), country="KE") == ["Kenyan Jam"]
    assert titles(en("jams:calendar"), around="-1.3,36.8", radius="50", nearest="1") == ["Kenyan Jam"]
    assert client.get(en("jams:calendar"), {"around": "x"}).status_code == 400


def test_campaign_calendar_with_a_line_break_in_the_name_escapes_it(client):
    campaign = CampaignFactory(name="Big Birthday\nWeekend")
    JamFactory(title="Campaign Jam", campaign=campaign)

    response = client.get(en("jams:campaign-calendar", campaign.slug))

    assert response.status_code == 200
    assert b"\r\nX-WR-CALNAME:Big Birthday\\nWeekend\r\n" in response.content
    assert response["Content-Disposition"] == f'inline; filename="{campaign.slug}.ics"'


def test_calendar_feed_query_count_does_not_grow_with_jams(assert_constant_queries):
    JamFactory(campaign=CampaignFactory())

    assert_constant_queries(en("jams:calendar"), lambda: JamFactory.create_batch(2, campaign=CampaignFactory()))


# The news feed


def test_atom_feed_lists_newly_approved_jams_newest_first(client, django_capture_on_commit_callbacks):
    older = JamFactory(title="Older Jam", approved_at=timezone.now() - datetime.timedelta(days=2))
    JamFactory(title="French Jam", country="FR")
    JamFactory(title="Waiting Jam", status=Jam.Status.SUBMITTED, approved_at=None)

    feed = feedparser.parse(client.get(en("jams:atom")).content)
    french = feedparser.parse(client.get(en("jams:atom"), {"country": "FR"}).content)

    assert feed.version == "atom10"
    assert feed.feed.title == "New Raspberry Jams"
    assert [entry.title for entry in feed.entries] == ["French Jam", "Older Jam"]
    assert feed.entries[1].link == f"http://testserver{older.get_absolute_url()}"
    assert [entry.title for entry in french.entries] == ["French Jam"]
    assert client.get(en("jams:atom"), {"country": "ZZ"}).status_code == 404


def test_atom_feed_query_count_does_not_grow_with_jams(assert_constant_queries):
    JamFactory(campaign=CampaignFactory())

    assert_constant_queries(en("jams:atom"), lambda: JamFactory.create_batch(2, campaign=CampaignFactory()))


# Resources and flyers


def test_resources_page_has_the_guidebook_and_branding_pack(client):
    html = client.get(en("jams:resources")).content.decode()

    for heading in ["Find a venue", "Plan the activities", "Run the day", "Stay safe", "After the event"]:
        assert f"<h3>{heading}</h3>" in html
    assert 'href="/static/branding/birthday-jam.svg" download' in html
    assert 'href="/static/branding/birthday-jam.png" download' in html


def test_flyer_is_a_pdf_with_the_jam_on_it(client, tmp_path):
    jam = JamFactory(title="東京ラズベリージャム", city="Tokyo")

    response = client.get(en("jams:flyer", jam.slug))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "東京ラズベリージャム" in text
    assert "Free for everyone" in text


def test_flyer_of_an_unpublished_jam_is_hidden(client):
    jam = JamFactory(status=Jam.Status.SUBMITTED, approved_at=None)

    assert client.get(en("jams:flyer", jam.slug)).status_code == 404
    client.force_login(ModeratorFactory())
    assert client.get(en("jams:flyer", jam.slug)).status_code == 200
