"""Campaign pages, the poster, calendar feeds, the news feed and the resources page."""

import collections
import datetime
import html
import re
import subprocess
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
import zxingcpp
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

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


# The poster as it is read: columns, headings, how full the page is, dates, address, QR code


def poster_lines(pdf, tmp_path):
    """(column's left edge, top, text) of each line of the PDF's one page, read back by
    pdftotext: a line starts at its column's left edge (left-to-right languages)."""
    path = tmp_path / "lines.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True)
    lines = []
    for line in re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', xml.stdout, re.S):
        words = re.findall(r">([^<]*)</word>", line[2])
        lines.append((round(float(line[0])), float(line[1]), html.unescape(" ".join(words))))
    return lines


def columns_of(lines, below):
    """The lines under the heading, column by column, each top to bottom."""
    columns = collections.defaultdict(list)
    for left, top, text in sorted(lines, key=lambda line: line[1]):
        if top > below:
            columns[left].append(text)
    return [columns[left] for left in sorted(columns)]


def poster_jams(campaign, countries):
    """Jams titled "<country code> Jam <n>" in the given countries, in that many each."""
    organiser = JamFactory(campaign=campaign, title="GB Jam 0", city="Cambridge").organiser
    jams, number = [], 0
    for country, count in countries.items():
        for _ in range(count):
            number += 1
            jams.append(
                JamFactory.build(
                    campaign=campaign,
                    organiser=organiser,
                    title=f"{country} Jam {number}",
                    slug=f"poster-jam-{number}",
                    city="Town",
                    country=country,
                )
            )
    Jam.objects.bulk_create(jams)


def assert_every_jam_is_under_its_countrys_heading(columns, headings):
    """Each column starts with a heading; each Jam's nearest heading above is its
    country's, or its country's "(continued)"."""
    by_code = headings
    for column in columns:
        assert column[0] in [*by_code.values(), *(f"{name} (continued)" for name in by_code.values())], column[:3]
        heading = None
        for text in column:
            if text in by_code.values() or text.endswith(" (continued)"):
                heading = text.removesuffix(" (continued)")
            elif match := re.match(r"([A-Z]{2}) Jam \d+", text):
                assert heading == by_code[match[1]], (text, heading)


PAGE_TOP_PT, HEADER_PT, A3_HEIGHT_PT = 48, 230, 1191


def test_poster_keeps_each_country_under_its_heading_and_fills_the_page(tmp_path):
    campaign = CampaignFactory(name="Birthday 2031")
    # 74 Jams as a real campaign has them: many countries of one to three, a few larger.
    countries = {"AR": 2, "AU": 3, "BR": 3, "CA": 1, "DE": 5, "FR": 4, "GB": 21, "IN": 3, "IT": 2, "JP": 2}
    countries |= {"KE": 2, "MX": 2, "NL": 1, "NG": 2, "PL": 2, "PT": 2, "ES": 2, "US": 11, "ZA": 2, "KR": 1}
    poster_jams(campaign, countries)  # and one more in GB: 74 in all
    groups, _ = posters.poster_content(campaign, "en")

    pdf = posters.poster_render(campaign, size="a3", language="en", groups=groups)

    assert pdf_info(pdf, tmp_path)["Pages"].strip() == "1"
    lines = poster_lines(pdf, tmp_path)
    columns = columns_of(lines, below=PAGE_TOP_PT + HEADER_PT - 10)
    assert len(columns) >= 2
    headings = {str(country.code): str(country.name) for country, _ in groups}
    assert_every_jam_is_under_its_countrys_heading(columns, headings)
    assert sum(1 for column in columns for text in column if re.match(r"[A-Z]{2} Jam \d+", text)) == 74
    # Filled within reason: the fullest column reaches past 80% of the room below the heading.
    room_top, room_bottom = PAGE_TOP_PT + HEADER_PT, A3_HEIGHT_PT - PAGE_TOP_PT
    lowest = max(top for _, top, _ in lines)
    assert (lowest - room_top) / (room_bottom - room_top) > 0.8


def test_a_country_too_long_for_a_column_goes_on_under_a_continued_heading(tmp_path):
    campaign = CampaignFactory(name="Birthday 2031")
    poster_jams(campaign, {"JP": 3, "GB": 300, "US": 2})
    groups, _ = posters.poster_content(campaign, "en")

    pdf = posters.poster_render(campaign, size="a3", language="en", groups=groups)

    columns = columns_of(poster_lines(pdf, tmp_path), below=PAGE_TOP_PT + HEADER_PT - 10)
    assert sum(column[0] == "United Kingdom (continued)" for column in columns) >= 1
    assert_every_jam_is_under_its_countrys_heading(
        columns, {"JP": "Japan", "GB": "United Kingdom", "US": "United States"}
    )


@pytest.mark.parametrize(
    ("language", "dates", "continued"),
    [
        ("en", "Mar 1 – 2, 2031", "Japan (continued)"),
        ("ja", "2031年3月1日～2日", "日本（続き）"),
        ("cy", "1–2 Maw 2031", "Japan (parhad)"),
    ],
)
def test_poster_prints_the_dates_address_and_a_qr_code_of_the_campaign_page(language, dates, continued, tmp_path):
    campaign = CampaignFactory(
        slug="birthday-2031", starts_on=datetime.date(2031, 3, 1), ends_on=datetime.date(2031, 3, 2)
    )
    poster_jams(campaign, {"JP": 4})
    groups, _ = posters.poster_content(campaign, language)
    url = f"{settings.SITE_URL}/{language}/campaigns/birthday-2031/"

    pdf = posters.poster_render(campaign, size="a3", language=language, groups=groups)

    text = " ".join(pdf_text(pdf, tmp_path).replace("\u2009", " ").split())
    assert dates.replace("\u2009", " ") in text
    assert url.split("://", 1)[1] in text
    (tmp_path / "qr.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(tmp_path / "qr.pdf"), str(tmp_path / "page")], check=True)
    read = zxingcpp.read_barcodes(Image.open(tmp_path / "page-1.png"))
    assert [(code.format, code.text) for code in read] == [(zxingcpp.BarcodeFormat.QRCode, url)]
