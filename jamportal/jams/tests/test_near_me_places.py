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
