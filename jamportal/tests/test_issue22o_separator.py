"""Issue 22 (outsider): in Persian, "·" beside Persian digits reads as a zero; the parts
of a Jam's line are separated by " – " there, by " · " elsewhere."""

import re

import pytest
from django.utils import translation

from jamportal.jams.tests.factories import JamFactory

pytestmark = pytest.mark.django_db


def metas(html):
    return re.findall(r'<(?:span|p) class="meta">(.*?)</(?:span|p)>', html, re.S)


@pytest.mark.parametrize(
    ("path", "separator", "other"),
    [
        ("/fa/?q=Leeds", " \u2013 ", "\u00b7"),
        ("/en/?q=Leeds", " \u00b7 ", " \u2013 "),
        ("/fa/embed/jams/?q=Leeds", " \u2013 ", "\u00b7"),
        ("/en/embed/jams/?q=Leeds", " \u00b7 ", " \u2013 "),
    ],
)
def test_a_jams_line_separates_its_parts_with_what_no_digit_looks_like(client, path, separator, other):
    JamFactory(title="Leeds Jam", city="Leeds", latitude=53.7997, longitude=-1.5492)

    (meta,) = metas(client.get(path).content.decode())

    assert separator in meta
    assert other not in meta


def test_the_persian_for_skipping_a_date_is_cancelling_it_not_deleting():
    with translation.override("fa"):
        words = [translation.pgettext("a date", "Skip"), translation.gettext("Skip this date")]
        delete = translation.gettext("Delete")

    assert words == ["لغو این تاریخ", "لغو این تاریخ"]
    assert delete not in "".join(words)
