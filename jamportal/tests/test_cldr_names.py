"""Every name a key page shows, in every language, is the language's own, as CLDR
has it: countries, the languages spoken at a Jam, timezones, the way a list is
joined, and the place a near-me search found.

The expected names are asked of Babel here, not of jamportal.cldr, so that the
pages are checked against CLDR itself.
"""

import functools
import html as html_lib
import json
import re
import subprocess

import pytest
from babel import Locale
from babel.dates import get_timezone_location, get_timezone_name
from babel.lists import format_list
from django.conf import settings
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import to_locale
from django_countries.data import COUNTRIES

from jamportal.jams import posters
from jamportal.jams.forms import JamForm
from jamportal.jams.languages import CODES as SPOKEN_CODES
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, ModeratorFactory
from jamportal.kits import services as kit_services
from jamportal.kits.tests.factories import address, kit_with_shirts

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SPOKEN = ["ja", "fa", "pt-br"]  # a Tokyo Jam's languages, in the order its organiser gave


def cldr(language):
    return Locale.parse(to_locale(language))


def cldr_language(code, language):
    locale = cldr(language)
    return locale.languages.get(to_locale(code)) or Locale.parse(to_locale(code)).get_display_name(locale)


def comma(language):
    """The language's list comma: ", ", "、", "،\u200f "."""
    return cldr(language).list_patterns["standard"]["middle"].replace("{0}", "").replace("{1}", "")


def text_of(language, message):
    with translation.override(language):
        return translation.gettext(message)


def text(fragment):
    return html_lib.unescape(fragment)


def options(html, name):
    """{value: label} of the <select name=...> in the page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    return {
        text(value): text(label)
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    }


def checkboxes(html, name):
    """{value: label} of the checkboxes named `name` in the page."""
    found = re.findall(rf'<input type="checkbox" name="{name}" value="([^"]*)"[^>]*>\s*([^<]*)</label>', html)
    assert found, f"no checkboxes named {name}"
    return {text(value): text(label).strip() for value, label in found}


def _is_word_in(name, text):
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


@functools.cache
def english_forms(language) -> re.Pattern | None:
    """A pattern of every country and language name (the languages a Jam can be held
    in) in its English form, where CLDR writes it otherwise in `language`: "Germany" on
    a Welsh page, "Japanese" on a Persian one. Left out: names the language writes the
    same but for case ("Igbo", Italian "igbo"), and English forms that are a word of a
    name of the language's own ("Guinea" in Spanish "Guinea Ecuatorial"), a city's
    included (French calls Mexico City "Mexico")."""
    if language == "en":
        return None
    english, own = cldr("en"), cldr(language)
    pairs = [(english.territories[code], own.territories[code]) for code in COUNTRIES] + [
        (cldr_language(code, "en"), cldr_language(code, language)) for code in SPOKEN_CODES
    ]
    cities = [zone["city"] for zone in own.time_zones.values() if "city" in zone]
    owns = "\n".join([*(name for _english, name in pairs), *cities])
    forms = {name for name, own_name in pairs if name.casefold() != own_name.casefold()}
    forms = sorted((name for name in forms if not _is_word_in(name, owns)), key=len, reverse=True)
    assert len(forms) > 150  # most of the 250 countries and 100 languages are written otherwise
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, forms))})(?!\w)")


# The attributes a reader sees or hears: tooltips, alternative text, labels, placeholders.
SHOWN_ATTRIBUTES = re.compile(r'\s(?:title|alt|aria-label|placeholder|label|content)="([^"]*)"')


def shown(html):
    """What a page shows of itself: its text and the attributes read out or hovered, less
    scripts, styles and the language switcher (each language named in its own: "English"
    on every page), entities decoded. Values such as <option value="America/Argentina/...">
    are for the server, not the reader."""
    html = re.sub(r'<details class="language-switch">.*?</details>', "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return text("\n".join([re.sub(r"<[^>]*>", "\n", html), *SHOWN_ATTRIBUTES.findall(html)]))


def assert_no_english(html, language):
    """No country or language is named in English on a page in another language (the
    test's user content, such as a Jam in "Tokyo", is no country's or language's name)."""
    pattern = english_forms(language)
    if pattern is not None:
        assert sorted(set(pattern.findall(shown(html)))) == []


@pytest.fixture
def tokyo_jam():
    return JamFactory(
        title="Robot Jam",
        city="Tokyo",
        country="JP",
        latitude=35.68,
        longitude=139.69,
        timezone="Asia/Tokyo",
        venue_name="Hall",
        languages=SPOKEN,
        campaign=CampaignFactory(),
    )


def page(client, language, url_name, *args, query=""):
    with translation.override(language):
        url = reverse(url_name, args=args)
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_filters_and_list_name_countries_and_languages_in_the_page_language(client, tokyo_jam, language):
    html = page(client, language, "jams:home", query="?country=JP&spoken=ja&when=all")

    countries = options(html, "country")
    spoken = options(html, "spoken")
    own = cldr(language)
    assert {code: label for code, label in countries.items() if code} == {
        code: own.territories[code] for code in countries if code
    }
    assert countries["JP"] == own.territories["JP"]
    assert {code: label for code, label in spoken.items() if code} == {
        code: cldr_language(code, language) for code in spoken if code
    }
    assert f"<bdi>Tokyo</bdi>{comma(language)}{own.territories['JP']}" in html  # each Jam's line
    assert_no_english(html, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_jam_page_names_country_timezone_and_languages_in_the_page_language(client, tokyo_jam, language):
    html = page(client, language, "jams:detail", tokyo_jam.slug)

    own = cldr(language)
    spoken = format_list([cldr_language(code, language) for code in SPOKEN], locale=own)
    assert f"<dd>{spoken}</dd>" in text(html)
    assert f"<bdi>Tokyo</bdi>{comma(language)}{own.territories['JP']}" in html  # the city isolated for bidi
    zone = get_timezone_name(tokyo_jam.local_start, width="long", locale=own)  # "Japanische Normalzeit"
    assert f'<span class="tz" title="Asia/Tokyo">{zone}</span>' in html
    assert "(Asia/Tokyo)" not in html
    assert_no_english(html, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_jam_form_offers_cldr_names_and_real_timezones(client, tokyo_jam, language):
    client.force_login(tokyo_jam.organiser)
    html = page(client, language, "jams:edit", tokyo_jam.slug)

    own = cldr(language)
    zones = options(html, "timezone")
    assert "Asia/Tokyo" in zones
    assert [zone for zone in zones if zone.startswith(("Etc/", "US/")) or zone in ("Factory", "localtime")] == []
    wrong = {
        zone: label
        for zone, label in zones.items()
        if zone not in ("", "UTC") and get_timezone_location(zone, locale=own) not in label
    }
    assert wrong == {}
    assert zones["UTC"].endswith(own.time_zones["Etc/UTC"]["long"]["standard"])  # "Coordinated Universal Time"
    assert options(html, "country")["JP"] == own.territories["JP"]
    languages = checkboxes(html, "languages")
    assert languages["fa"] == cldr_language("fa", language)
    assert languages["zh-hant"] == cldr_language("zh-hant", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_campaign_dashboard_map_and_poster_name_countries_in_the_page_language(client, tokyo_jam, language):
    own_name = cldr(language).territories["JP"]
    english = cldr("en").territories["JP"]

    campaign = page(client, language, "jams:campaign", tokyo_jam.campaign.slug)
    geojson = page(client, language, "api:jams-geojson", query="?when=all")
    client.force_login(tokyo_jam.organiser)
    dashboard = page(client, language, "dashboard")
    groups, _digest = posters.poster_content(tokyo_jam.campaign, language)
    with translation.override(language):
        poster = render_to_string(
            "jams/poster.html",
            {
                "campaign": tokyo_jam.campaign,
                "groups": groups,
                "count": 1,
                "layout": posters.poster_layout(groups, posters.CampaignPoster.Size.A3),
            },
        )

    assert f"<h3>{own_name}</h3>" in campaign
    assert f'"country_name": "{own_name}"' in geojson.encode().decode("unicode_escape")
    assert f'"where": "Tokyo{comma(language)}{own_name}"' in geojson.encode().decode("unicode_escape")
    assert f"<bdi>Tokyo</bdi>{comma(language)}{own_name}" in dashboard  # the city isolated for bidi
    assert f"<h2>{own_name}</h2>" in poster
    if english != own_name:
        assert [english in part for part in (campaign, dashboard, poster)] == [False, False, False]


@pytest.fixture
def walk(tokyo_jam):
    """A campaign with a kit, a Tokyo Jam in it, a kit asked for by a Jam in France, a
    Berlin Jam waiting for moderation, and one staff member who moderates and packs kits."""
    kit, shirts = kit_with_shirts(tokyo_jam.campaign)
    paris = JamFactory(title="Paris Jam", city="Paris", country="FR", campaign=tokyo_jam.campaign, languages=["fr"])
    kit_services.kit_request_create(
        paris, by=paris.organiser, data=address(country="FR", postcode="75001", city="Paris"), lines={(shirts, "M"): 1}
    )
    JamFactory(title="Berlin Jam", city="Berlin", country="DE", languages=["de", "cy"], status=Jam.Status.SUBMITTED)
    staff = ModeratorFactory()
    staff.user_permissions.add(Permission.objects.get(codename="fulfil_kits"))
    return {"jam": tokyo_jam, "kit": kit, "staff": staff}


def key_pages(client, language, walk):
    """{what: the text a reader sees} of the key pages in `language`: the public pages as
    a visitor, the organiser's, and the staff's."""
    jam, kit = walk["jam"], walk["kit"]
    slug = jam.campaign.slug
    geojson = json.loads(page(client, language, "api:jams-geojson", query="?when=all"))
    pages = {
        "home": page(client, language, "jams:home", query="?country=JP&when=all"),
        "jam": page(client, language, "jams:detail", jam.slug),
        "campaigns": page(client, language, "jams:campaigns"),
        "campaign": page(client, language, "jams:campaign", slug),
        "wall": page(client, language, "feed:wall", slug),
        "map": json.dumps(geojson, ensure_ascii=False),
    }
    client.force_login(jam.organiser)
    pages |= {
        "dashboard": page(client, language, "dashboard"),
        "jam form": page(client, language, "jams:edit", jam.slug),
        "kit request form": page(client, language, "kits:new", jam.slug),
    }
    client.force_login(walk["staff"])
    berlin = Jam.objects.get(title="Berlin Jam")
    pages |= {
        "kit list": page(client, language, "kits:dashboard", kit.pk, query="?country=fr"),
        "moderation queue": page(client, language, "jams:moderation"),
        "moderated Jam": page(client, language, "jams:moderate", berlin.slug),
    }
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_key_pages_name_no_country_or_language_in_english(client, walk, language):
    pages = key_pages(client, language, walk)

    own = cldr(language)
    assert options(pages["kit request form"], "country")["JP"] == own.territories["JP"]
    assert options(pages["kit list"], "country")["FR"] == own.territories["FR"]
    assert f'<td data-label="{text_of(language, "Country")}">{own.territories["FR"]}</td>' in text(pages["kit list"])
    assert f"<bdi>Berlin</bdi>{comma(language)}{own.territories['DE']}" in pages["moderation queue"]
    spoken = format_list([cldr_language(code, language) for code in ["de", "cy"]], locale=own)
    assert f"<dd>{spoken}</dd>" in text(pages["moderated Jam"])
    english = english_forms(language)
    seen = {what: shown(html) for what, html in pages.items() if what != "map"} | {"map": pages["map"]}
    found = {what: sorted(set(english.findall(seen_text))) for what, seen_text in seen.items()} if english else {}
    assert {what: names for what, names in found.items() if names} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_near_me_names_the_place_in_the_page_language(client, tokyo_jam, language):
    html = page(client, language, "jams:home", query="?q=Tehran")

    heading = text(re.search(r'<h2 id="list-heading">(.*?)</h2>', html, re.S).group(1))
    # Tehran names a timezone: CLDR has its name in every language (Teherán, تهران, テヘラン...).
    own = get_timezone_location("Asia/Tehran", locale=cldr(language), return_city=True)
    assert own in heading
    if own != "Tehran":
        assert "Tehran" not in heading


@pytest.mark.parametrize(
    ("language", "query", "name"),
    [
        ("ja", "Kagoshima", "鹿児島"),
        ("fa", "Shiraz", "شیراز"),
        ("zh-hant", "Taipei", "台北"),
        ("fr", "London", "Londres"),
    ],
)
def test_near_me_chooses_the_spelling_of_the_page_language(client, language, query, name):
    html = page(client, language, "jams:home", query=f"?q={query}")

    heading = text(re.search(r'<h2 id="list-heading">(.*?)</h2>', html, re.S).group(1))
    assert name in heading


# پرتغال before تایلند (Persian's alphabet), Łotwa before Meksyk, Österreich before Peru.
@pytest.mark.parametrize(("language", "first", "second"), [("fa", "PT", "TH"), ("pl", "LV", "MX"), ("de", "AT", "PE")])
def test_home_country_filter_orders_countries_as_the_language_sorts_them(client, language, first, second):
    html = page(client, language, "jams:home")

    codes = list(options(html, "country"))
    assert codes.index(first) < codes.index(second)


def test_jam_form_keeps_a_zone_set_before_the_list_was_curated(tokyo_jam):
    tokyo_jam.timezone = "Asia/Calcutta"  # an alias, not in zone.tab
    tokyo_jam.save(update_fields=["timezone"])

    form = JamForm(instance=tokyo_jam)

    assert form.fields["timezone"].valid_value("Asia/Calcutta")
    assert not JamForm().fields["timezone"].valid_value("Asia/Calcutta")
    assert not JamForm().fields["timezone"].valid_value("Etc/GMT+3")


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_flyer_is_written_in_the_readers_language(client, tokyo_jam, language, tmp_path):
    """The printable flyer, as its text comes out of the PDF: the venue and town joined
    by the language's own comma, the date and the invitation in the language."""
    pdf = tmp_path / "flyer.pdf"
    with translation.override(language):
        url = reverse("jams:flyer", args=[tokyo_jam.slug])
        page = settings.SITE_URL + tokyo_jam.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    pdf.write_bytes(response.content)

    flyer = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    assert "Robot Jam" in flyer
    assert comma(language).strip(" \u200f") in flyer  # between the venue and its town
    assert page in flyer.splitlines()  # left to right on a right-to-left flyer too, its last slash at the end
    if language != "en":
        assert "December" not in flyer
        assert "Free for everyone" not in flyer
