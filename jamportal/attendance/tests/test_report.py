"""The report: the organiser's form after the Jam (prefilled from sign-ups, check-ins,
walk-ins and booth photos) and the campaign report for staff and sponsors (figures by
country and continent, first-time Jams, CSV and PDF), and who may see each."""

import csv
import datetime
import io
import re
import subprocess

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from jamportal.attendance import selectors, services
from jamportal.attendance.models import JamReport, Signup
from jamportal.attendance.tests.factories import SignupSheetFactory, sign_up
from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.tests.test_accessibility import photo_posted

pytestmark = pytest.mark.django_db


def jam_that_happened(**fields):
    """A Jam that took sign-ups, then ended yesterday: 3 parties with places (2+1, 1+2,
    1 adult), one waiting (2), one cancelled (1); two parties checked in (2+1 and 1);
    a walk-in (1 adult + 1 child)."""
    sheet = SignupSheetFactory(capacity=7, jam=JamFactory(**fields))
    jam = sheet.jam
    family, _ = sign_up(jam, name="Ada", adults=2, children=1)
    sign_up(jam, name="Grace", adults=1, children=2)
    single, _ = sign_up(jam, name="Alan", adults=1)
    waiting, _ = sign_up(jam, name="Linus", adults=2)
    gone, _ = sign_up(jam, name="Edsger", adults=1)
    services.signup_cancel(gone)  # frees no room for Linus's two
    services.check_in(family)
    services.check_in(single)
    services.walk_in_add(jam, name="Katherine", adults=1, children=1)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    Jam.objects.filter(pk=jam.pk).update(start=yesterday - datetime.timedelta(hours=6), end=yesterday)
    jam.refresh_from_db()
    assert Signup.objects.get(pk=waiting.pk).status == Signup.Status.WAITING
    return jam


# The Jam's figures ---------------------------------------------------------------


def test_prefill_counts_places_check_ins_walk_ins_and_the_under_18s_who_came():
    jam = jam_that_happened()
    booth, _token = feed_services.booth_create(jam, by=jam.organiser, name="Door")
    photo_posted(booth, key="one")
    hidden = photo_posted(booth, key="two")
    Photo.objects.filter(pk=hidden.pk).update(status=Photo.Status.HIDDEN)
    deleted = photo_posted(booth, key="three")
    Photo.objects.filter(pk=deleted.pk).update(status=Photo.Status.DELETED)

    prefill = selectors.jam_report_prefill(jam)

    assert prefill == {
        "signed_up": 3 + 3 + 1,  # people with a place who signed up; the waiting and the cancelled not
        "checked_in": 3 + 1 + 2,  # the family, Alan and the walk-ins
        "walk_ins": 2,
        "under_18s": 1 + 1,  # the family's child and the walk-in's
        "under_18s_counted": selectors.UNDER_18S_CHECKED_IN,
        "photos_taken": 2,  # the deleted one apart; the hidden one was taken all the same
    }


def test_prefill_counts_under_18s_with_places_when_nobody_was_checked_in():
    sheet = SignupSheetFactory(capacity=10)
    sign_up(sheet.jam, name="Ada", adults=1, children=3)
    sign_up(sheet.jam, name="Grace", adults=2, children=1)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    Jam.objects.filter(pk=sheet.jam.pk).update(start=yesterday - datetime.timedelta(hours=6), end=yesterday)

    prefill = selectors.jam_report_prefill(sheet.jam)

    assert (prefill["under_18s"], prefill["under_18s_counted"]) == (4, selectors.UNDER_18S_SIGNED_UP)
    assert (prefill["signed_up"], prefill["checked_in"], prefill["photos_taken"]) == (7, 0, 0)


def test_a_jam_still_to_come_counts_no_under_18s_before_anyone_came():
    """A campaign in progress: its Jams to come count the under-18s who came (none yet),
    like "came", not those signed up beside no one who came."""
    sheet = SignupSheetFactory(capacity=10)
    sign_up(sheet.jam, name="Ada", adults=1, children=3)

    prefill = selectors.jam_report_prefill(sheet.jam)

    assert (prefill["under_18s"], prefill["checked_in"]) == (0, 0)
    assert prefill["under_18s_counted"] == selectors.UNDER_18S_CHECKED_IN


# The campaign's figures --------------------------------------------------------------


def _report(jam, **numbers):
    return JamReport.objects.create(
        jam=jam, **{"signed_up": 0, "checked_in": 0, "walk_ins": 0, "under_18s": 0, "photos_taken": 0, **numbers}
    )


@pytest.fixture
def campaign_with_jams():
    return make_campaign_with_jams()


def make_campaign_with_jams():
    """Five approved Jams in four countries on three continents, one draft, one
    cancelled; one organiser ran a Jam before (not a first); one Jam has a report."""
    campaign = CampaignFactory(slug="birthday", name="Big Birthday Weekend")
    veteran = UserFactory()
    JamFactory(organiser=veteran, start=timezone.now() - datetime.timedelta(days=400))  # before, elsewhere
    cambridge = jam_that_happened(campaign=campaign, organiser=veteran)  # GB, not a first
    JamFactory(campaign=campaign, city="Leeds")  # GB, a first
    JamFactory(campaign=campaign, country="FR", city="Lyon")
    tokyo = JamFactory(campaign=campaign, country="JP", city="Tokyo")
    _report(tokyo, signed_up=40, checked_in=55, under_18s=20)  # counted at the door: wins
    sign_up_at = SignupSheetFactory(jam=tokyo, capacity=10).jam
    sign_up(sign_up_at, name="Ada", adults=2)  # left out: the report wins
    JamFactory(campaign=campaign, country="CM", city="Douala")
    JamFactory(campaign=campaign, country="KE", status=Jam.Status.DRAFT, approved_at=None)
    JamFactory(campaign=campaign, country="BR", status=Jam.Status.CANCELLED)
    return {"campaign": campaign, "cambridge": cambridge, "tokyo": tokyo}


def test_campaign_figures_by_country_and_continent(campaign_with_jams):
    report = selectors.campaign_report(campaign_with_jams["campaign"], language="en")

    assert report["totals"] == {
        "jams": 5,
        "first_time": 4,
        "signed_up": 7 + 40,
        "checked_in": 6 + 55,
        "under_18s": 2 + 20,
        "reported": 1,
        "countries": 4,
        "continents": 3,
    }
    countries = {row["name"]: (row["jams"], row["first_time"], row["signed_up"], row["checked_in"])
                 for row in report["by_country"]}  # fmt: skip
    assert countries == {
        "United Kingdom": (2, 1, 7, 6),
        "France": (1, 1, 0, 0),
        "Japan": (1, 1, 40, 55),
        "Cameroon": (1, 1, 0, 0),
    }
    assert next(row["name"] for row in report["by_country"]) == "United Kingdom"  # most Jams first
    continents = [(row["code"], row["name"], row["countries"], row["jams"], row["checked_in"])
                  for row in report["by_continent"]]  # fmt: skip
    assert continents == [("150", "Europe", 2, 3, 6), ("142", "Asia", 1, 1, 55), ("002", "Africa", 1, 1, 0)]


def test_campaign_figures_name_places_in_the_readers_language(campaign_with_jams):
    report = selectors.campaign_report(campaign_with_jams["campaign"], language="fa")

    assert [row["name"] for row in report["by_continent"]] == ["اروپا", "آسیا", "افریقا"]
    assert {row["name"] for row in report["by_country"]} == {"بریتانیا", "فرانسه", "ژاپن", "کامرون"}


def test_a_jam_is_a_first_only_if_its_organiser_had_no_approved_jam_before_it():
    campaign = CampaignFactory()
    organiser = UserFactory()
    soon = timezone.now() + datetime.timedelta(days=10)
    JamFactory(organiser=organiser, start=soon - datetime.timedelta(days=90), status=Jam.Status.REJECTED)
    first = JamFactory(organiser=organiser, campaign=campaign, start=soon)
    second = JamFactory(organiser=organiser, campaign=campaign, start=soon + datetime.timedelta(days=1))
    orphan = JamFactory(organiser=None, campaign=campaign)

    firsts = {jam.pk: not jam.has_earlier for jam in selectors.campaign_jams_for_report(campaign)}

    assert firsts[first.pk]
    assert not firsts[second.pk]
    assert selectors.campaign_report(campaign)["totals"]["first_time"] == 1  # the orphan is not counted
    assert orphan.pk in firsts


def test_campaign_report_takes_two_queries_however_many_jams(campaign_with_jams, django_assert_num_queries):
    with django_assert_num_queries(2):  # the Jams with their reports, the sign-ups
        selectors.campaign_report(campaign_with_jams["campaign"], language="en")


# The organiser's form --------------------------------------------------------------


def _report_form(**overrides):
    return {"signed_up": "7", "checked_in": "9", "walk_ins": "2", "under_18s": "3", "photos_taken": "1",
            "what_happened": "Robots raced.", "highlight": "", **overrides}  # fmt: skip


def test_the_report_form_is_prefilled_until_the_organiser_saves_their_own_numbers(client):
    jam = jam_that_happened()
    client.force_login(jam.organiser)
    url = reverse("attendance:jam-report", args=[jam.slug])

    page = client.get(url)
    assert 'name="signed_up" value="7"' in page.text
    assert 'name="checked_in" value="6"' in page.text
    assert "Counted from those checked in at the door." in page.text

    response = client.post(url, _report_form(checked_in="10"))

    assert response.status_code == 302
    report = JamReport.objects.get(jam=jam)
    assert (report.signed_up, report.checked_in, report.what_happened) == (7, 10, "Robots raced.")
    assert 'name="checked_in" value="10"' in client.get(url).text


def test_a_wrong_number_is_explained_and_what_was_typed_is_kept(client):
    jam = jam_that_happened()
    client.force_login(jam.organiser)

    response = client.post(reverse("attendance:jam-report", args=[jam.slug]),
                           _report_form(checked_in="-3", what_happened="Kept words"))  # fmt: skip

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.text
    assert "Kept words" in response.text
    assert 'value="-3"' in response.text
    assert not JamReport.objects.exists()


def test_numbers_that_cannot_agree_are_explained(client):
    jam = jam_that_happened()
    client.force_login(jam.organiser)

    response = client.post(
        reverse("attendance:jam-report", args=[jam.slug]), _report_form(checked_in="3", walk_ins="10", under_18s="50")
    )

    assert "Walk-ins are among those who came: at most as many as came." in response.text
    assert "Under-18s are among those who came: at most as many as came." in response.text
    assert not JamReport.objects.exists()


def test_the_highlight_is_one_of_the_jams_public_photos(client, django_capture_on_commit_callbacks):
    jam = jam_that_happened()
    booth, _token = feed_services.booth_create(jam, by=jam.organiser, name="Door")
    other_jam = JamFactory()
    with django_capture_on_commit_callbacks(execute=True):  # the photos' sizes made, as the worker does
        public = photo_posted(booth, key="public")
        hidden = photo_posted(booth, key="hidden")
        elsewhere = photo_posted(feed_services.booth_create(other_jam, by=other_jam.organiser, name="B")[0], key="x")
    public.refresh_from_db()
    Photo.objects.filter(pk=hidden.pk).update(status=Photo.Status.HIDDEN)
    client.force_login(jam.organiser)
    url = reverse("attendance:jam-report", args=[jam.slug])

    page = client.get(url).text
    assert f'name="highlight" value="{public.pk}"' in page
    assert public.thumbnail_url in page
    assert f'name="highlight" value="{hidden.pk}"' not in page
    for wrong in (hidden, elsewhere):
        response = client.post(url, _report_form(highlight=str(wrong.pk)))
        assert "Select a valid choice." in response.text
    client.post(url, _report_form(highlight=str(public.pk)))

    assert JamReport.objects.get(jam=jam).highlight == public
    assert public.display_url in client.get(url).text


def test_the_report_opens_once_the_jam_has_ended(client):
    jam = JamFactory()  # next week
    client.force_login(jam.organiser)

    response = client.post(reverse("attendance:jam-report", args=[jam.slug]), _report_form())

    assert "The report opens once the Jam has ended." in response.text
    assert not JamReport.objects.exists()
    with pytest.raises(services.ReportNotDue):
        services.jam_report_save(jam, signed_up=1, checked_in=1, walk_ins=0, under_18s=0, photos_taken=0)


def test_only_the_jams_organiser_may_see_or_write_its_report(client):
    jam = jam_that_happened()
    url = reverse("attendance:jam-report", args=[jam.slug])

    assert client.get(url).status_code == 302  # to sign in
    client.force_login(UserFactory())  # another organiser
    assert client.get(url).status_code == 404
    assert client.post(url, _report_form()).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 404
    assert not JamReport.objects.exists()


def test_the_dashboard_asks_for_the_report_then_links_to_it(client):
    jam = jam_that_happened()
    client.force_login(jam.organiser)
    url = reverse("attendance:jam-report", args=[jam.slug])

    assert f'href="{url}">Write the report</a>' in client.get(reverse("dashboard")).text
    client.post(url, _report_form())
    page = client.get(reverse("dashboard")).text
    assert "Write the report" not in page
    assert f'href="{url}">Your report</a>' in page


# The campaign report's pages -----------------------------------------------------------


def make_reader():
    """A sponsor given the report's permission (in the admin), not staff."""
    user = UserFactory(email="sponsor@example.org")
    user.user_permissions.add(Permission.objects.get(codename="view_campaign_report"))
    return user


@pytest.fixture
def reader():
    return make_reader()


REPORT_URLS = ("attendance:campaign-report", "attendance:campaign-report-csv", "attendance:campaign-report-pdf")


@pytest.mark.parametrize("name", REPORT_URLS)
def test_the_campaign_report_needs_its_permission_not_staff(client, campaign_with_jams, reader, name):
    url = reverse(name, args=["birthday"])

    assert client.get(url).status_code == 302
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(campaign_with_jams["cambridge"].organiser)  # an organiser in the campaign
    assert client.get(url).status_code == 403
    client.force_login(reader)
    assert client.get(url).status_code == 200
    assert client.get(reverse(name, args=["no-such-campaign"])).status_code == 404


def test_the_campaign_report_page_shows_the_figures_charts_and_tables(client, campaign_with_jams, reader):
    client.force_login(reader)

    page = client.get(reverse("attendance:campaign-report", args=["birthday"])).text

    assert page.count('<svg class="bar-chart"') == 4
    assert "<title id=" in page
    assert "Jams by continent</title>" in page
    assert "<dt>Came</dt><dd>61</dd>" in page
    assert '<th scope="row">Europe</th>' in page
    assert "(1 of 5 Jams)" in page


def test_the_campaign_report_in_persian_writes_persian_digits(client, campaign_with_jams, reader):
    client.force_login(reader)

    page = client.get("/fa/campaigns/birthday/report/").text

    assert "<dt>Jams</dt>" not in page
    assert "<dd>۶۱</dd>" in page
    assert "<dd>۵</dd>" in page
    assert '<th scope="row">اروپا</th>' in page
    assert 'direction="rtl"' in page


def test_the_campaign_report_csv_has_a_row_per_continent_and_country(client, campaign_with_jams, reader):
    client.force_login(reader)

    response = client.get(reverse("attendance:campaign-report-csv", args=["birthday"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="birthday-report.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM, like the attendee list's: every script survives
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["level", "code", "name", "jams", "first_time_jams", "signed_up", "came", "under_18s"],
        ["campaign", "birthday", "Big Birthday Weekend", "5", "4", "47", "61", "22"],
        ["continent", "150", "Europe", "3", "2", "7", "6", "2"],
        ["continent", "142", "Asia", "1", "1", "40", "55", "20"],
        ["continent", "002", "Africa", "1", "1", "0", "0", "0"],
        ["country", "GB", "United Kingdom", "2", "1", "7", "6", "2"],
        ["country", "JP", "Japan", "1", "1", "40", "55", "20"],
        ["country", "CM", "Cameroon", "1", "1", "0", "0", "0"],
        ["country", "FR", "France", "1", "1", "0", "0", "0"],
    ]


def _pdf_text(data, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_campaign_report_pdf_has_the_figures(client, campaign_with_jams, reader, tmp_path):
    client.force_login(reader)

    response = client.get(reverse("attendance:campaign-report-pdf", args=["birthday"]))

    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert "Report: Big Birthday Weekend" in text
    for words in ("Jams by continent", "United Kingdom", "Cameroon", "Europe", "Africa", "61"):
        assert words in text


def test_the_campaign_report_pdf_in_japanese(client, campaign_with_jams, reader, tmp_path):
    client.force_login(reader)
    with translation.override("ja"):
        url = reverse("attendance:campaign-report-pdf", args=["birthday"])

    text = _pdf_text(client.get(url).content, tmp_path)

    assert "ヨーロッパ" in text
    assert "イギリス" in text
    assert "カメルーン" in text


def test_the_campaign_report_pdf_in_persian_keeps_its_words_whole(client, campaign_with_jams, reader, tmp_path):
    client.force_login(reader)

    text = _pdf_text(client.get("/fa/campaigns/birthday/report.pdf").content, tmp_path)

    # pdftotext writes right-to-left runs in visual order; compare the words (charts' labels included).
    words = re.sub("[\u202a-\u202e\u2066-\u2069]", " ", text).split()  # (its embedding marks apart)
    assert words.count("اروپا") == 3  # two charts and the table
    assert words.count("کامرون") == 3
    assert "۶۱" in words  # those who came, in Persian digits
    assert "61" not in words


# The email the day after ------------------------------------------------------------------


def test_the_organiser_is_asked_for_the_report_the_day_after_once(django_capture_on_commit_callbacks, mailoutbox):
    ended = jam_that_happened(title="Jam Mafon Aberystwyth")  # ended yesterday
    ended.organiser.language = "cy"
    ended.organiser.save()
    reported = jam_that_happened()
    _report(reported)
    JamFactory(title="Next week")  # not over
    old = JamFactory(title="Long ago")
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    Jam.objects.filter(pk=old.pk).update(start=ten_days_ago - datetime.timedelta(hours=5), end=ten_days_ago)
    just_over = JamFactory()
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Jam.objects.filter(pk=just_over.pk).update(start=an_hour_ago - datetime.timedelta(hours=5), end=an_hour_ago)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_request() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_request() == 0  # once per Jam

    assert [message.to for message in mailoutbox] == [[ended.organiser.email]]
    message = mailoutbox[0]
    assert message.subject == "Sut aeth “Jam Mafon Aberystwyth”?"
    assert f"/cy/jams/{ended.slug}/report/" in message.body
    assert "Diolch am gynnal “Jam Mafon Aberystwyth”!" in message.body


def test_a_report_written_before_the_email_goes_stops_it(django_capture_on_commit_callbacks, mailoutbox):
    jam = jam_that_happened()
    mailoutbox.clear()
    services.reports_request()  # queued, not yet sent (on commit, not run here)
    _report(jam)

    request = jam.report_request
    assert services.report_request_deliver(request_id=request.pk) is True  # claimed and done...
    assert mailoutbox == []  # ...without an email


def test_the_menu_leads_those_with_the_permission_to_every_campaigns_report(client, campaign_with_jams, reader):
    client.force_login(UserFactory(is_staff=True))
    assert "Reports</a>" not in client.get("/en/dashboard/").text
    assert client.get(reverse("attendance:campaign-reports")).status_code == 403
    client.force_login(reader)

    menu = client.get("/en/dashboard/").text
    page = client.get(reverse("attendance:campaign-reports")).text

    assert '<a href="/en/reports/">Reports</a>' in menu
    assert '<a href="/en/campaigns/birthday/report/"><bdi>Big Birthday Weekend</bdi></a>' in page
    assert "5 Jams in 4 countries" in page


def test_the_campaign_report_csv_cannot_run_a_formula(client, reader):
    CampaignFactory(slug="formula", name='=HYPERLINK("http://example.org")')
    client.force_login(reader)

    response = client.get(reverse("attendance:campaign-report-csv", args=["formula"]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["campaign", "formula", '\'=HYPERLINK("http://example.org")', "0", "0", "0", "0", "0"]


def test_the_report_forms_signed_up_is_a_number_of_people_in_persian(client):
    jam = jam_that_happened()
    client.force_login(jam.organiser)

    page = client.get(f"/fa/jams/{jam.slug}/report/").text

    assert '<label for="id_signed_up">ثبت‌نام‌شده</label>' in page


def test_the_campaign_report_shows_what_organisers_wrote(client, campaign_with_jams, reader):
    JamReport.objects.filter(jam=campaign_with_jams["tokyo"]).update(what_happened="ロボットを作りました <b>!</b>")
    client.force_login(reader)

    page = client.get(reverse("attendance:campaign-report", args=["birthday"])).text

    assert "What organisers wrote" in page
    assert '<p dir="auto">ロボットを作りました &lt;b&gt;!&lt;/b&gt;</p>' in page
