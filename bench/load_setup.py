"""Run by `make serve` for the load test (JAMPORTAL_SERVE_SETUP), after the demo
data: pairs a booth with each of 100 demo Jams and writes what the load needs
(booth tokens, Jam pages, demo towns) to $JAMPORTAL_SERVE_STATE/load.json."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamportal.settings")

import django
from django.utils.encoding import iri_to_uri

django.setup()

from jamportal.attendance import services as attendance  # noqa: E402
from jamportal.feed import services  # noqa: E402
from jamportal.feed.models import Booth  # noqa: E402
from jamportal.jams import selectors  # noqa: E402
from jamportal.jams.demo import CITIES  # noqa: E402

BOOTHS = 100
SIGNUP_PLACES = 500

# The first has started, so that its page shows the photos its booth posts (a Jam's page
# shows them from its start; tests/test_serve.py posts to the first); the rest to come.
started = list(selectors.jam_list_public(when=selectors.PAST).order_by("-start")[:1])
jams = started + list(selectors.jam_list_public(when=selectors.UPCOMING).order_by("pk")[: BOOTHS - len(started)])
Booth.objects.filter(name="Load test").delete()
tokens = [services.booth_create(jam, by=jam.organiser, name="Load test")[1] for jam in jams]
# A popular Jam taking sign-ups: the load fills its places and then its waiting list.
popular = jams[-1]
attendance.sheet_save(popular, capacity=SIGNUP_PLACES)
fixtures = {
    "signup_path": iri_to_uri(f"/en/jams/{popular.slug}/signup/"),
    "signup_jam_id": popular.pk,
    "signup_places": SIGNUP_PLACES,
    "database_url": os.environ["DATABASE_URL"],
    "tokens": tokens,
    "jam_paths": [iri_to_uri(f"/en/jams/{jam.slug}/") for jam in jams],  # slugs may be in any script
    "campaign_path": f"/en/campaigns/{selectors.campaign_current().slug}/",
    "cities": [(name, latitude, longitude) for name, _country, latitude, longitude, _venue in CITIES],
}
Path(os.environ["JAMPORTAL_SERVE_STATE"], "load.json").write_text(json.dumps(fixtures))
print(f"Load test: {len(tokens)} booths paired")
