"""Issue 22, what outsiders found on repeating Jams: a skipped date's page offers no
"Add to calendar" but says it is skipped and links to the next date; the series'
calendar file carries the series' own words, and a date with words of its own is an
override with its own title, as three calendar libraries read it."""

import re

import pytest
from django.utils import translation

from jamportal.jams import services
from jamportal.jams.models import Jam
from jamportal.jams.tests.test_series_views import approved_series

pytestmark = pytest.mark.django_db


def test_a_skipped_dates_page_offers_no_calendar_and_links_to_the_next_date(client):
    series = approved_series(count=3)
    first, second, third = series.occurrences.order_by("occurrence_start")
    services.series_date_skip(second, by=second.organiser, reason="Hall closed")

    page = client.get(second.get_absolute_url()).content.decode()

    assert "Add to calendar" not in page
    assert f"/jams/{second.slug}/calendar.ics" not in page
    assert "This Jam has been cancelled." not in page
    when = " ".join(client.get(third.get_absolute_url()).context["jam"].local_start.strftime("%B %-d, %Y").split())
    assert re.search(
        rf'This date is skipped\. The next one is <a href="{third.get_absolute_url()}">{when}</a>\.',
        " ".join(page.split()),
    )
    assert "Add to calendar" in client.get(first.get_absolute_url()).content.decode()


def test_the_last_date_skipped_says_there_is_no_next_one(client):
    series = approved_series(count=2)
    last = series.occurrences.order_by("occurrence_start").last()
    services.series_date_skip(last, by=last.organiser)

    page = client.get(last.get_absolute_url()).content.decode()

    assert "Add to calendar" not in page
    assert "This date is skipped. No date after it is planned." in page


def test_a_skipped_dates_page_in_persian_says_so_in_persian(client):
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    services.series_date_skip(second, by=second.organiser)

    with translation.override("fa"):
        page = client.get(second.get_absolute_url()).content.decode()

    assert "این تاریخ برگزار نمی‌شود. تاریخ بعدی" in page
    assert Jam.objects.filter(status=Jam.Status.CANCELLED).count() == 1
