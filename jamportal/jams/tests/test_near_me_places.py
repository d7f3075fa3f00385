"""The near-me search (issue 22, outsiders' findings): a town the gazetteer does not
hold is said to be unknown, with what the visitor can do instead."""

import pytest

from jamportal.jams.tests.factories import JamFactory

pytestmark = pytest.mark.django_db


def test_a_small_town_search_says_it_is_unknown_and_what_to_do_instead(client):
    JamFactory(title="Seattle Jam", latitude=47.6, longitude=-122.3, country="US")

    html = client.get("/en/", {"q": "Oban"}, headers={"accept-language": "en-GB"}).content.decode()

    assert "Jams near <bdi>Auburn</bdi>" not in html
    assert "We do not know a place called “<bdi>Oban</bdi>”." in html
    assert 'href="?q=Auburn%2C%20Washington%2C%20United%20States"' in html
    assert (
        "Our list holds towns of 15,000 people or more. For a smaller one, search for the nearest larger town, "
        "or use your location: we can then email you when a Jam starts nearby." in html
    )


def test_an_unknown_town_is_told_the_smallest_town_in_the_pages_digits(client):
    html = client.get("/fa/", {"q": "qqqqqqqq"}).content.decode()

    assert "۱۵٬۰۰۰" in html


# --- the radius in the unit of the distances shown ---

BRITISH = {"accept-language": "en-GB,en;q=0.8"}


def test_a_british_visitor_types_the_radius_in_miles_as_the_distances_are_shown(client):
    JamFactory(title="Ely Jam", latitude=52.3996, longitude=0.262, country="GB", city="Ely")  # 24 km, 15 mi

    html = client.get("/en/", {"q": "Cambridge, UK", "radius": "20"}, headers=BRITISH).content.decode()

    assert '<label for="id_radius">Within (mi)</label>' in html
    assert 'class="distance">15 mi' in html
    assert "No Jams within" not in html  # 20 mi, not 20 km
    assert "radius=32.187" in html  # the map's data asks for the same circle, in km


def test_a_british_visitors_default_radius_is_round_in_miles(client):
    JamFactory(title="Norwich Jam", latitude=52.6309, longitude=1.2974, country="GB", city="Norwich")

    html = client.get("/en/", {"q": "Cambridge, UK"}, headers=BRITISH).content.decode()

    assert "No Jams within 30 mi yet: here are the nearest." in html
    assert 'placeholder="30"' in html


def test_a_french_visitor_keeps_kilometres_for_the_radius_and_the_distances(client):
    JamFactory(title="Ely Jam", latitude=52.3996, longitude=0.262, country="GB", city="Ely")

    html = client.get("/fr/", {"q": "Cambridge, UK", "radius": "20"}, headers={"accept-language": "fr-FR"})
    html = html.content.decode()

    assert '<label for="id_radius">Dans un rayon de (km)</label>' in html
    assert 'class="distance">24\u202fkm' in html
    assert "Aucune Jam à moins de 20\u202fkm pour l’instant : voici les plus proches." in html
    assert "radius=20&amp;" in html
