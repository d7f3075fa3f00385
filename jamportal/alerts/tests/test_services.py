"""Alerts without a browser: double opt-in, expiry, matching an approved Jam, the
unsubscribe headers and link (RFC 8058), the demand map's threshold, abuse limits."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from jamportal.alerts import services
from jamportal.alerts.models import Alert, AlertNotice
from jamportal.alerts.tests.factories import alert, waiting
from jamportal.jams import services as jam_services
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

YAOUNDE = {"latitude": 3.8667, "longitude": 11.5167}


def _submitted_jam(**place):
    return JamFactory(status=Jam.Status.SUBMITTED, approved_at=None, **place)


def _approve(jam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jam_services.jam_approve(jam, by=ModeratorFactory())


def _alert_emails():
    return [m for m in mail.outbox if "List-Unsubscribe" in m.extra_headers]


def test_request_emails_only_the_confirmation_and_nothing_before_it_is_confirmed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _pending, token = alert(email="ada@example.org", confirmed=False, **YAOUNDE)
    (confirmation,) = mail.outbox
    assert confirmation.to == ["ada@example.org"]
    assert confirmation.subject == "Please confirm your Jam alert"
    assert f"https://jams.example/en/alerts/confirm/{token}/" in confirmation.body
    mail.outbox.clear()

    _approve(
        _submitted_jam(latitude=3.9, longitude=11.5, city="Yaoundé", country="CM"), django_capture_on_commit_callbacks
    )

    assert _alert_emails() == []
    assert not AlertNotice.objects.exists()


def test_request_keeps_the_place_rounded_and_the_address_hashed_beside_it():
    made, token = alert(email=" Ada@Example.org ", latitude=3.86667, longitude=11.51667, would_help=True)

    stored = Alert.objects.filter(pk=made.pk).values().get()
    assert (stored["latitude"], stored["longitude"]) == (3.87, 11.52)
    assert stored["email_hash"] == services.email_hash("ada@example.org")
    assert "ada@example.org" not in stored["email_hash"]
    assert token not in [str(value) for value in stored.values()]
    assert (stored["kind"], stored["would_help"], stored["language"]) == ("none-nearby", True, "en")


def test_request_near_a_jam_follows_the_area():
    JamFactory(latitude=3.9, longitude=11.5)

    made, _token = alert(**YAOUNDE)

    assert made.kind == Alert.Kind.AREA


def test_confirming_then_a_jam_approved_nearby_emails_the_visitor_in_their_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pending, token = alert(email="amir@example.ir", language="fa", confirmed=False, **YAOUNDE)
    services.alert_confirm(pending)
    mail.outbox.clear()
    jam = _submitted_jam(title="Yaoundé Jam", latitude=3.9, longitude=11.5, city="Yaoundé", country="CM")

    _approve(jam, django_capture_on_commit_callbacks)

    (email,) = _alert_emails()
    assert email.to == ["amir@example.ir"]
    assert email.subject == "یک جم نزدیک یاوندی: «Yaoundé Jam»"
    assert f"https://jams.example/fa/jams/{jam.slug}/" in email.body
    unsubscribe = f"https://jams.example/fa/alerts/unsubscribe/{token}/"
    assert email.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in email.body


def test_a_jam_beyond_the_radius_or_approved_again_emails_nobody_more(django_capture_on_commit_callbacks):
    alert(radius_km=10, **YAOUNDE)
    far = _submitted_jam(latitude=3.52, longitude=11.5, city="Mbalmayo", country="CM")  # 39 km away
    near = _submitted_jam(latitude=3.9, longitude=11.5, city="Yaoundé", country="CM")
    moderator = ModeratorFactory()

    _approve(far, django_capture_on_commit_callbacks)
    _approve(near, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        jam_services.jam_reject(near, by=moderator, reason="Wrong date")
        jam_services.jam_submit(near, by=near.organiser)
    _approve(near, django_capture_on_commit_callbacks)

    assert len(_alert_emails()) == 1
    assert list(AlertNotice.objects.values_list("jam", flat=True)) == [near.pk]


def test_unconfirmed_requests_expire_and_their_link_then_says_so(django_capture_on_commit_callbacks):
    old, old_token = alert(email="old@example.org", confirmed=False, **YAOUNDE)
    _fresh, _ = alert(email="fresh@example.org", confirmed=False, **YAOUNDE)
    late, late_token = alert(email="late@example.org", confirmed=False, **YAOUNDE)
    confirmed, _ = alert(email="kept@example.org", **YAOUNDE)
    long_ago = timezone.now() - datetime.timedelta(hours=49)
    Alert.objects.filter(pk__in=[old.pk, late.pk, confirmed.pk]).update(created_at=long_ago)

    response = Client().post(f"/en/alerts/confirm/{late_token}/")  # before the hourly clean-up came
    assert response.status_code == 410
    assert services.alerts_expire() == 1

    assert "The request was not confirmed in time, so we deleted it." in response.content.decode()
    assert set(Alert.objects.values_list("email", flat=True)) == {"fresh@example.org", "kept@example.org"}
    assert Client().post(f"/en/alerts/confirm/{old_token}/").status_code == 404


def test_the_confirmation_link_confirms_only_by_its_button():
    pending, token = alert(confirmed=False, **YAOUNDE)
    client = Client()

    page = client.get(f"/en/alerts/confirm/{token}/")
    assert Alert.objects.get(pk=pending.pk).confirmed_at is None
    assert "Email me when a Jam is announced within 50 km of" in page.content.decode()
    confirmed = client.post(f"/en/alerts/confirm/{token}/", follow=True)

    assert "Your alert is on" in confirmed.content.decode()
    assert Alert.objects.get(pk=pending.pk).confirmed_at is not None
    assert confirmed["X-Robots-Tag"] == "noindex"


def test_one_click_unsubscribe_by_a_mail_client_post_without_csrf_deletes_the_alert():
    made, token = alert(**YAOUNDE)
    client = Client(enforce_csrf_checks=True)

    looked = client.get(f"/en/alerts/unsubscribe/{token}/")
    assert Alert.objects.filter(pk=made.pk).exists()
    assert "Unsubscribe" in looked.content.decode()
    response = client.post(
        f"/en/alerts/unsubscribe/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not Alert.objects.filter(pk=made.pk).exists()
    again = client.post(
        f"/en/alerts/unsubscribe/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.status_code == 404
    assert "The alert it opened was deleted: unsubscribed, or never confirmed." in again.content.decode()


# --- the demand map ---


def _demand_page():
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/en/alerts/demand/")
    assert response.status_code == 200
    return response.content.decode()


def test_demand_map_shows_nothing_of_an_area_under_the_threshold_not_even_a_zero(settings):
    settings.ALERTS_DEMAND_THRESHOLD = 5
    waiting(4, latitude=3.87, longitude=11.52, would_help=4)
    waiting(5, latitude=52.21, longitude=0.12, would_help=2)

    html = _demand_page()

    cells = re.search(r'<script id="demand-cells" type="application/json">(.*?)</script>', html).group(1)
    assert '"south": 52, "west": 0, "north": 53, "east": 1, "people_text": "5", "helpers_text": ""' in cells
    assert '"south": 3' not in cells
    rows = re.findall(r"<tr><td>.*?</tr>", html, re.S)
    assert len(rows) == 1
    assert re.findall(r"<td>([^<]*)</td>", rows[0]) == ["5", ""]


def test_demand_map_counts_only_confirmed_visitors_not_yet_told_of_a_jam(settings, django_capture_on_commit_callbacks):
    settings.ALERTS_DEMAND_THRESHOLD = 2
    waiting(2, latitude=3.87, longitude=11.52)
    alert(email="pending@example.org", confirmed=False, latitude=52.21, longitude=0.12)
    alert(email="ok@example.org", latitude=52.21, longitude=0.12)
    assert '"south": 3, "west": 11' in _demand_page()

    _approve(
        _submitted_jam(latitude=3.9, longitude=11.5, city="Yaoundé", country="CM"), django_capture_on_commit_callbacks
    )

    assert "<tbody>" not in _demand_page()
    assert "No area has enough people waiting to show yet." in _demand_page()


def test_demand_map_counts_one_address_once_per_area_so_repeats_do_not_pass_the_threshold(settings):
    settings.ALERTS_DEMAND_THRESHOLD = 3
    for n, radius_km in enumerate((10, 25, 50)):  # one visitor, three alerts in the Cambridge area
        alert(email="ada@example.org", latitude=52.2 + n / 100, longitude=0.12, radius_km=radius_km, would_help=True)
    alert(email="bob@example.org", latitude=52.21, longitude=0.12, would_help=True)
    alert(email="bob@example.org", latitude=3.87, longitude=11.52)  # the same visitor elsewhere counts there
    waiting(2, latitude=3.87, longitude=11.52)

    html = _demand_page()

    cells = re.search(r'<script id="demand-cells" type="application/json">(.*?)</script>', html).group(1)
    assert '"south": 52' not in cells
    assert '"south": 3, "west": 11, "north": 4, "east": 12, "people_text": "3", "helpers_text": ""' in cells


def test_demand_map_is_for_signed_in_people_only():
    response = Client().get("/en/alerts/demand/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert 'href="/en/alerts/demand/"' not in Client().get("/en/").content.decode()
    assert '<li><a href="/en/alerts/demand/">Jams wanted</a></li>' in _demand_page()


def test_demand_map_queries_stay_constant(assert_constant_queries, client, settings):
    settings.ALERTS_DEMAND_THRESHOLD = 2
    client.force_login(UserFactory())
    waiting(2, latitude=3.87, longitude=11.52)
    assert_constant_queries("/en/alerts/demand/", lambda: waiting(3, latitude=52.21, longitude=0.12))


# --- asking, and the limits on it ---


def _ask(client, email="ada@example.org", around="3.87,11.52", **more):
    return client.post("/en/alerts/new/", {"around": around, "email": email, "radius_km": "50", **more})


def test_asking_from_the_form_sends_the_confirmation_and_redirects_to_what_happens_next(
    django_capture_on_commit_callbacks,
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, would_help="on")

    assert (response.status_code, response["Location"]) == (302, "/en/alerts/sent/")
    html = client.get(response["Location"]).content.decode()
    assert "We have sent a link to <bdi>ada@example.org</bdi>." in html
    assert "<h2>What happens next</h2>" in html
    assert "The link works for 2 days. If you do not confirm by then, we delete your request" in html
    (made,) = Alert.objects.all()
    assert (made.would_help, made.confirmed_at, made.radius_km) == (True, None, 50)
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_asking_again_for_the_same_place_resends_the_confirmation_not_a_second_alert(
    django_capture_on_commit_callbacks,
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client)
        _ask(client, email="ADA@example.org")

    assert Alert.objects.count() == 1
    assert len(mail.outbox) == 2


def test_one_address_gets_at_most_three_confirmations_a_day(django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            assert _ask(client, around=f"3.87,1{n}.5").status_code == 302
        refused = _ask(client, around="3.87,14.5")

    assert refused.status_code == 429
    assert "Many alerts were asked for from your network or this email address." in refused.content.decode()
    assert Alert.objects.count() == 3
    assert len(mail.outbox) == 3


def test_one_network_address_asks_at_most_its_hourly_limit(settings):
    settings.ALERTS_PER_ADDRESS_PER_HOUR = 2
    client = Client()
    statuses = [_ask(client, email=f"p{n}@example.org").status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert Alert.objects.count() == 2


def test_one_email_address_holds_at_most_its_alerts(settings):
    settings.ALERTS_PER_EMAIL = 2
    settings.ALERT_EMAILS_PER_ADDRESS_PER_DAY = 10
    client = Client()
    for n in range(2):
        _ask(client, around=f"3.87,1{n}.5")

    refused = _ask(client, around="3.87,14.5")

    assert (
        "This email address already has as many alerts as it can. Unsubscribe from one first."
        in refused.content.decode()
    )
    assert Alert.objects.count() == 2
    with pytest.raises(ValidationError):
        services.alert_request(email="ada@example.org", latitude=1, longitude=1, radius_km=10, language="en")


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_kept():
    response = _ask(Client(), website="https://spam.example")

    assert (response.status_code, response["Location"]) == (302, "/en/alerts/sent/")
    assert not Alert.objects.exists()
    assert mail.outbox == []


def test_asking_on_a_persian_page_redirects_to_the_persian_page_of_what_happens_next():
    client = Client()
    response = client.post("/fa/alerts/new/", {"around": "3.87,11.52", "email": "amir@example.ir", "radius_km": "50"})

    assert response["Location"] == "/fa/alerts/sent/"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="fa" dir="rtl"' in html
    assert "<bdi>amir@example.ir</bdi>" in html


def test_the_page_of_what_happens_next_keeps_later_pages_shared_and_names_no_address_to_others():
    client = Client()
    sent = _ask(client)["Location"]

    assert "sessionid" not in client.cookies
    assert client.cookies["alert-sent"]["path"] == "/en/alerts/sent/"
    assert "ada@example.org" not in Client().get(sent).content.decode()


def test_the_page_of_what_happens_next_reloaded_sends_nothing_again(django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sent = _ask(client)["Location"]
        pages = [client.get(sent).status_code for _ in range(2)]

    assert pages == [200, 200]
    assert len(mail.outbox) == 1
    assert Alert.objects.count() == 1


def test_asking_without_a_place_or_with_a_bad_email_says_so():
    client = Client()
    no_place = _ask(client, around="")
    bad_email = _ask(client, email="not an address")

    assert no_place.status_code == 400
    assert "Search for your town first" in no_place.content.decode()
    assert bad_email.status_code == 200
    assert "Enter a valid email address." in bad_email.content.decode()
    assert not Alert.objects.exists()


# --- the offer on the near-me page ---


def test_near_me_with_no_jam_within_reach_offers_the_alert():
    html = Client().get("/en/?around=3.8667,11.5167").content.decode()

    assert 'class="alert-offer none-nearby"' in html
    assert 'href="/en/alerts/new/?around=3.87,11.52&amp;radius=50"' in html


def test_each_near_me_search_offers_the_alert_for_its_own_place_and_radius_in_its_language():
    """The offer is drawn once and kept (jams.views._alert_offer): each search still names its own place."""
    client = Client()
    pages = [
        client.get("/en/?around=3.8667,11.5167").content.decode(),
        client.get("/en/?around=-33.9249,18.4241&radius=20").content.decode(),
        client.get("/fa/?around=-33.9249,18.4241&radius=20").content.decode(),
    ]

    assert 'href="/en/alerts/new/?around=3.87,11.52&amp;radius=50"' in pages[0]
    assert 'href="/en/alerts/new/?around=-33.92,18.42&amp;radius=20"' in pages[1]
    assert 'href="/fa/alerts/new/?around=-33.92,18.42&amp;radius=20"' in pages[2]
    assert "3.87,11.52" not in pages[1] + pages[2]


def test_near_me_with_jams_nearby_offers_to_follow_the_area():
    JamFactory(latitude=3.9, longitude=11.5)
    html = Client().get("/en/?around=3.8667,11.5167").content.decode()

    assert 'class="alert-offer"' in html
    assert "Email me about new Jams near here" in html


def test_a_visitor_from_the_uk_chooses_and_reads_distances_in_miles(django_capture_on_commit_callbacks):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    page = client.get("/en/alerts/new/?around=52.2,0.12&radius=50").content.decode()
    assert '<option value="50" selected>31 mi</option>' in page  # the searched radius itself
    assert '<option value="16.094">10 mi</option>' in page

    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, around="52.2,0.12", radius_km="16.094")

    (made,) = Alert.objects.all()
    assert (made.radius_km, made.miles) == (16.094, True)
    assert "when a Jam is announced within 10 mi of Cambridge." in " ".join(mail.outbox[0].body.split())


# --- issue 22 (outsider): the search's own radius; confirming is Post/Redirect/Get ---


@pytest.mark.parametrize(
    ("accept_language", "radius", "options"),
    [
        ("en-GB", "48.280", ["10 mi", "15 mi", "*30 mi", "60 mi"]),  # a 30 mi search
        ("en-US", "160.934", ["10 mi", "15 mi", "30 mi", "*60 mi"]),  # 100 mi: wider than an alert may be
        ("en-GB", "20", ["10 mi", "*12 mi", "15 mi", "30 mi", "60 mi"]),
        ("fr", "30", ["10 km", "25 km", "*30 km", "50 km", "100 km"]),
        ("fr", "100", ["10 km", "25 km", "50 km", "*100 km"]),
        ("fr", "abc", ["10 km", "25 km", "*50 km", "100 km"]),
    ],
)
def test_the_alert_form_offers_and_chooses_the_searched_radius(accept_language, radius, options):
    client = Client(HTTP_ACCEPT_LANGUAGE=accept_language)
    page = client.get(f"/en/alerts/new/?around=52.2,0.12&radius={radius}").content.decode()

    found = re.findall(r'<option value="[\d.]+"( selected)?>([^<]+)</option>', page)
    assert ["*" * bool(chosen) + label for chosen, label in found] == options


def test_the_searched_radius_can_be_asked_for(django_capture_on_commit_callbacks):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB")
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, around="52.2,0.12", radius_km="32.187")

    assert response.status_code == 302
    assert Alert.objects.get().radius_km == 32.187


def test_confirming_redirects_and_the_link_opened_again_says_the_alert_is_already_on():
    _pending, token = alert(confirmed=False, **YAOUNDE)
    client = Client()

    confirmed = client.post(f"/en/alerts/confirm/{token}/")
    assert (confirmed.status_code, confirmed["Location"]) == (302, f"/en/alerts/confirm/{token}/?confirmed")
    shown = client.get(confirmed["Location"]).content.decode()
    again = client.get(f"/en/alerts/confirm/{token}/").content.decode()

    assert "<h1>Your alert is on</h1>" in shown
    assert "<h1>Your alert is already on</h1>" in again
    assert ">Confirm</button>" not in again
