"""`manage.py booth_demo_token`, which `make booth-demo` pipes into `photobooth pair -`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jamportal.feed import services
from jamportal.jams.management.commands.load_demo import ORGANISER_EMAIL
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import JamFactory, UserFactory

pytestmark = pytest.mark.django_db


def demo_token():
    out, err = io.StringIO(), io.StringIO()
    call_command("booth_demo_token", stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_pairs_a_fresh_demo_booth_and_revokes_the_last_one(settings):
    settings.DEBUG = True
    jam = JamFactory(title="Denver Jam", organiser=UserFactory(email=ORGANISER_EMAIL), status=Jam.Status.APPROVED)

    first, message = demo_token()
    second, _ = demo_token()

    assert message.startswith("Demo booth paired with Denver Jam: ")
    assert services.booth_authenticate(first) is None  # revoked
    assert services.booth_authenticate(second).jam == jam
    assert jam.booths.count() == 2


def test_refuses_without_demo_data_or_with_debug_off(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="No demo Jam yet: run `make run` once"):
        demo_token()

    settings.DEBUG = False
    with pytest.raises(CommandError, match="for local demos only"):
        demo_token()


def test_pairs_with_a_jam_that_has_started_whose_page_shows_the_photos(settings):
    settings.DEBUG = True
    organiser = UserFactory(email=ORGANISER_EMAIL)
    last_year = timezone.now() - datetime.timedelta(days=300)
    started = JamFactory(title="Last year's Jam", organiser=organiser, start=last_year)
    JamFactory(title="Next Jam", organiser=organiser)  # a week away: its page shows photos from its start

    token, message = demo_token()

    assert message.startswith("Demo booth paired with Last year's Jam: ")
    assert services.booth_authenticate(token).jam == started
