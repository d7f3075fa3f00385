"""Kits and addresses for tests, here and in other apps."""

import datetime

from django.utils import timezone

from jamportal.jams.tests.factories import CampaignFactory
from jamportal.kits.models import Kit, KitItem, StockLevel


def kit_with_shirts(campaign=None, *, received=10):
    """A campaign's kit of T-shirts in size M, `received` of them in stock: (kit, shirts)."""
    kit = Kit.objects.create(
        campaign=campaign or CampaignFactory(),
        request_deadline=timezone.localdate() + datetime.timedelta(days=10),
        dispatch_country="GB",
    )
    shirts = KitItem.objects.create(kit=kit, name="T-shirt", sizes=["M"], max_per_request=5, unit_value=8)
    StockLevel.objects.create(item=shirts, size="M", received=received)
    return kit, shirts


def address(**overrides):
    data = {
        "recipient_name": "Ada Lovelace",
        "phone": "+44 1223 000000",
        "address_line1": "1 Station Road",
        "address_line2": "",
        "city": "Cambridge",
        "region": "",
        "postcode": "CB1 2AB",
        "country": "GB",
        "expected_attendees": 40,
        "notes": "",
    }
    data.update(overrides)
    return data
