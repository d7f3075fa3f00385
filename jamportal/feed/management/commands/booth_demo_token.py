"""Pair a laptop booth with the demo organiser's latest Jam that has started (else
their next one) and print its token (for `make booth-demo`). Earlier demo booths of
that Jam are revoked. Like load_demo, it refuses to run with DEBUG off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jamportal.feed import services
from jamportal.jams.management.commands.load_demo import ORGANISER_EMAIL
from jamportal.jams.models import Jam

DEMO_BOOTH = "Laptop booth (make booth-demo)"


class Command(BaseCommand):
    help = "Pair a demo booth with the demo organiser's latest Jam that has started and print its token."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("booth_demo_token is for local demos only (DEBUG is off).")
        jams = Jam.objects.filter(organiser__email=ORGANISER_EMAIL, status=Jam.Status.APPROVED).order_by("-start")
        # One that has started first: a Jam's page shows its booth's photos from its start (issue 19).
        jam = jams.filter(start__lte=timezone.now()).first() or jams.first()
        if jam is None:
            raise CommandError("No demo Jam yet: run `make run` once, it loads the demo data.")
        for booth in jam.booths.filter(name=DEMO_BOOTH, revoked_at=None):
            services.booth_revoke(booth, by=jam.organiser)
        _booth, token = services.booth_create(jam, by=jam.organiser, name=DEMO_BOOTH)
        self.stderr.write(f"Demo booth paired with {jam.title}: {settings.SITE_URL}{jam.get_absolute_url()}")
        self.stdout.write(token)
