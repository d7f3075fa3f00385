"""`manage.py booth_demo_token`, which `make booth-demo` pipes into `photobooth pair -`."""

import io

import pytest
from django.core.management import CommandError, call_command

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
