"""Jam translations, the language switch and language-aware URLs."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from jamportal import pagecache
from jamportal.accounts.models import User
from jamportal.jams import services
from jamportal.jams.models import JamTranslation
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db
ONE_LINE = "Write the title on one line, without line breaks, tabs or other control characters."


def url_in(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def jam_with_french():
    jam = JamFactory(title="Cambridge Jam", content_language="en", description_html="<p>Robots</p>")
    JamTranslation.objects.create(
        jam=jam, language="fr", title="Jam de Cambridge", description="Robots", description_html="<p>Des robots</p>"
    )
    return jam


def test_visitor_sees_the_translation_into_their_language(client, jam_with_french):
    page = client.get(url_in("fr", "jams:detail", jam_with_french.slug)).content.decode()
    listing = client.get(url_in("fr", "jams:home")).content.decode()
    features = client.get(url_in("fr", "api:jams-geojson")).json()["features"]

    assert '<h1 lang="fr"><bdi>Jam de Cambridge</bdi></h1>' in page
    assert '<div class="description" lang="fr" dir="auto"><p>Des robots</p></div>' in page
    assert "Jam de Cambridge" in listing
    assert features[0]["properties"]["title"] == "Jam de Cambridge"
    assert features[0]["properties"]["url"] == f"/fr/jams/{jam_with_french.slug}/"


def test_visitor_without_a_translation_sees_the_original_with_a_note(client, jam_with_french):
    page = client.get(url_in("de", "jams:detail", jam_with_french.slug)).content.decode()

    assert '<h1 lang="en"><bdi>Cambridge Jam</bdi></h1>' in page
    assert '<div class="description" lang="en" dir="auto"><p>Robots</p></div>' in page
    assert 'lang="de"' in page


def test_translations_cost_one_query_whatever_the_number_of_jams(client, django_assert_num_queries):
    JamFactory()
    url = url_in("fr", "api:jams-geojson")
    with django_assert_num_queries(2):
        client.get(url)
    for jam in JamFactory.create_batch(2):
        JamTranslation.objects.create(jam=jam, language="fr", title="Jam", description="x")
    cache.clear()  # factories skip the services that drop the endpoint's cached answers
    pagecache.clear_local()

    with django_assert_num_queries(2):
        client.get(url)


def test_organiser_adds_replaces_and_removes_a_translation(client):
    jam = JamFactory(content_language="en")
    client.force_login(jam.organiser)
    url = url_in("en", "jams:translations", jam.slug)

    client.post(url, {"language": "cy", "title": "Jam Caergrawnt", "description": "Robotiaid **a** chacen"})
    client.post(url, {"language": "cy", "title": "Jam Caergrawnt 2", "description": "Robotiaid"})
    translation_ = JamTranslation.objects.get(jam=jam)
    page = client.get(url).content.decode()
    client.post(url_in("en", "jams:translation-delete", jam.slug, "cy"))

    assert (translation_.language, translation_.title, translation_.description_html) == (
        "cy",
        "Jam Caergrawnt 2",
        "<p>Robotiaid</p>",
    )
    assert '<span lang="cy"><bdi>Jam Caergrawnt 2</bdi></span>' in page
    assert not JamTranslation.objects.exists()
    assert [e.changes for e in jam.events.order_by("pk")] == [
        {"language": "cy", "added": True},
        {"language": "cy", "added": False},
        {"language": "cy", "removed": True},
    ]


def test_translation_form_refuses_the_original_language_and_keeps_the_text(client):
    jam = JamFactory(content_language="fr")
    client.force_login(jam.organiser)

    response = client.post(
        url_in("en", "jams:translations", jam.slug), {"language": "fr", "title": "Titre", "description": "Texte"}
    )

    html = response.content.decode()
    assert "Select a valid choice. fr is not one of the available choices." in html
    assert 'value="Titre"' in html
    assert not JamTranslation.objects.exists()


def test_translation_form_refuses_a_title_with_a_line_break_and_keeps_the_text(client):
    jam = JamFactory(content_language="en")
    client.force_login(jam.organiser)

    response = client.post(
        url_in("en", "jams:translations", jam.slug), {"language": "fr", "title": "Un\nTitre", "description": "Texte"}
    )

    form = response.context["form"]
    assert form.errors == {"title": [ONE_LINE]}
    assert form["title"].value() == "Un\nTitre"
    assert "Texte</textarea>" in response.content.decode()
    assert not JamTranslation.objects.exists()


def test_only_the_organiser_manages_translations(client, jam_with_french):
    add = url_in("en", "jams:translations", jam_with_french.slug)
    delete = url_in("en", "jams:translation-delete", jam_with_french.slug, "fr")

    anonymous = client.get(add)
    client.force_login(UserFactory())
    other_add = client.post(add, {"language": "de", "title": "Hack", "description": "Hack"})
    other_delete = client.post(delete)

    assert anonymous.status_code == 302
    assert (other_add.status_code, other_delete.status_code) == (404, 404)
    assert list(JamTranslation.objects.values_list("language", flat=True)) == ["fr"]


def test_list_and_map_filter_by_spoken_language(client):
    JamFactory(title="Spanish Jam", languages=["es", "en"])
    JamFactory(title="English Jam", languages=["en"])
    JamFactory(title="Esperanto Jam", languages=["eo"])

    listing = client.get(url_in("en", "jams:home"), {"spoken": "es"}).content.decode()
    features = client.get(url_in("en", "api:jams-geojson"), {"spoken": "en"}).json()["features"]
    bad = client.get(url_in("en", "api:jams-geojson"), {"spoken": "klingon"})

    assert "Spanish Jam" in listing
    assert "English Jam" not in listing
    assert sorted(f["properties"]["title"] for f in features) == ["English Jam", "Spanish Jam"]
    assert list(bad.json()["parameters"]) == ["spoken"]


# Language-aware URLs and the switch


def test_first_visit_follows_the_browsers_language(client):
    response = client.get("/", headers={"accept-language": "ja,en;q=0.5"})

    assert response.status_code == 302
    assert response["Location"] == "/ja/"


def test_persian_pages_are_right_to_left(client):
    html = client.get("/fa/").content.decode()

    assert '<html lang="fa" dir="rtl" ' in html


def test_pages_link_to_their_other_languages(client):
    jam = JamFactory()

    html = client.get(url_in("en", "jams:detail", jam.slug)).content.decode()

    assert f'<link rel="alternate" hreflang="ja" href="https://jams.example/ja/jams/{jam.slug}/">' in html
    assert f'<link rel="alternate" hreflang="zh-hant" href="https://jams.example/zh-hant/jams/{jam.slug}/">' in html
    assert f'<a href="/fa/jams/{jam.slug}/" hreflang="fa" lang="fa"' in html
    assert "فارسی" in html


def test_signed_in_organisers_switch_language_with_a_form_that_remembers_it(client):
    client.force_login(UserFactory())

    html = client.get("/en/").content.decode()

    assert '<button type="submit" name="language" value="fa" lang="fa"' in html


def test_language_switch_stays_on_the_page_and_remembers_the_choice(client):
    user = UserFactory(language="en")
    client.force_login(user)
    jam = JamFactory()

    response = client.post(reverse("language-switch"), {"language": "pl", "next": f"/en/jams/{jam.slug}/"})

    assert response.status_code == 302
    assert response["Location"] == f"/pl/jams/{jam.slug}/"
    assert response.cookies["jamportal_language"].value == "pl"
    user.refresh_from_db()
    assert user.language == "pl"


def test_language_switch_ignores_unknown_languages(client):
    user = UserFactory(language="en")
    client.force_login(user)

    response = client.post(reverse("language-switch"), {"language": "xx", "next": "/en/"})

    assert response.status_code == 302
    assert "jamportal_language" not in response.cookies
    user.refresh_from_db()
    assert user.language == "en"


def test_signup_remembers_the_language_it_was_made_in(client):
    client.post(
        "/de/accounts/signup/",
        {"email": "lena@example.org", "password1": "b1rthday-cake-42", "password2": "b1rthday-cake-42"},
    )

    assert User.objects.get(email="lena@example.org").language == "de"


@pytest.mark.parametrize("path", ["/xx/", "/xx/jams/new/", "/en-zz/jams/", "/jams/%ff/"])
def test_unknown_language_prefixes_are_not_errors(client, path):
    response = client.get(path, follow=True)

    assert response.status_code == 404
    assert '<html lang="en"' in response.content.decode()


def test_emails_are_written_in_the_recipients_language(django_capture_on_commit_callbacks):
    organiser = UserFactory(language="fr")
    jam = JamFactory(organiser=organiser, status="submitted", approved_at=None, title="Jam de Lyon")

    with django_capture_on_commit_callbacks(execute=True):
        services.jam_approve(jam, by=ModeratorFactory(language="ja"), note="Bravo")

    [message] = mail.outbox
    assert message.subject == "« Jam de Lyon » est sur la carte"
    assert message.body.startswith("Bonjour,")
    assert f"https://jams.example/fr/jams/{jam.slug}/" in message.body
    assert translation.get_language() == "en"


def test_translation_page_shows_the_original_and_offers_the_jams_own_languages_first(client):
    jam = JamFactory(title="Tehran Robots", content_language="en", languages=["fa", "de", "en"])
    JamTranslation.objects.create(jam=jam, language="fa", title="ربات‌های تهران", description="ربات بیاورید.")
    client.force_login(jam.organiser)

    page = client.get(reverse("jams:translations", args=[jam.slug])).content.decode()

    original = page[page.index('class="card original"') : page.index("</section>", page.index('class="card original"'))]
    assert "The original, in English" in original
    assert "Tehran Robots" in original
    assert jam.description_html in original
    options = re.findall(r'<option value="([\w-]+)"( selected)?>', page[page.index('id="id_language"') :])
    assert options[0] == ("de", " selected")  # spoken there, not translated yet
    assert options[1][0] == "fa"  # spoken there, translated: can be replaced, after
    assert "en" not in [code for code, _selected in options]
