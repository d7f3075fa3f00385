"""The Persian poster and flyer (WeasyPrint) keep each Latin name in its own direction:
"#AccJam", not "AccJam#"; "Robot Jam!", not "!Robot Jam". Read back from the PDF by where
poppler finds each word on the page."""

import re
import subprocess

import pytest
from django.utils import translation

from jamportal.jams import posters
from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = pytest.mark.django_db


def words_on_page(data, tmp_path):
    """Each word poppler reads from the PDF, left to right within each line."""
    path = tmp_path / "printed.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.findall(r"<word [^>]*>([^<]*)</word>", out)


def test_persian_poster_keeps_hashtags_and_titles_in_their_own_direction(tmp_path):
    campaign = CampaignFactory(name="Big Birthday Weekend", hashtag="#AccJam")
    JamFactory(title="Robot Jam!", city="Buenos Aires", country="AR", campaign=campaign)
    JamFactory(title="جم شیراز", city="شیراز", country="IR", campaign=campaign)
    groups, _digest = posters.poster_content(campaign, "fa")
    pdf = posters.poster_render(campaign, size="a3", language="fa", groups=groups)

    words = words_on_page(pdf, tmp_path)

    assert "#AccJam" in words
    assert "AccJam#" not in words
    assert words[words.index("Robot") + 1] == "Jam!"
    assert "۲" in words  # two Jams, in Persian digits


def test_persian_flyer_keeps_the_venue_and_title_in_their_own_direction(tmp_path):
    jam = JamFactory(title="Robot Jam!", venue_name="Sala 2 (B)", city="Buenos Aires", country="AR")
    with translation.override("fa"):
        pdf = posters.flyer_render(jam, url="https://jams.example/j")

    words = words_on_page(pdf, tmp_path)

    assert words[words.index("Robot") + 1] == "Jam!"
    sala = next(i for i, word in enumerate(words) if word.endswith("Sala"))
    assert words[sala + 1 : sala + 3] == ["2", "(B)"]  # not "(B" ... ")" mirrored around the number
    assert words.index("Buenos") < sala  # right to left: the venue first, on the right, then the city
