import datetime

from django.utils import timezone

from jamportal.alerts import services
from jamportal.alerts.models import Alert


def alert(
    *, email="ada@example.org", latitude=3.87, longitude=11.52, radius_km=50, language="en", confirmed=True, **more
):
    """An alert asked for through the service (with its confirmation email), confirmed
    unless told otherwise; returns (alert, its links' secret)."""
    made = services.alert_request(
        email=email, latitude=latitude, longitude=longitude, radius_km=radius_km, language=language, **more
    )
    if confirmed:
        Alert.objects.filter(pk=made.pk).update(confirmed_at=timezone.now())
        made.refresh_from_db()
    return made, services.alert_token(made)


def waiting(count, *, latitude, longitude, would_help=0):
    """`count` confirmed visitors waiting at a point, the first `would_help` of them helpers."""
    now = timezone.now() - datetime.timedelta(days=1)
    Alert.objects.bulk_create(
        Alert(
            email=f"p{i}@example.org",
            email_hash=services.email_hash(f"p{i}-{latitude}-{longitude}@example.org"),
            latitude=latitude,
            longitude=longitude,
            radius_km=50,
            would_help=i < would_help,
            token_salt=f"{latitude}{longitude}{i}",
            token_hash=f"{latitude}:{longitude}:{i}",
            confirmed_at=now,
        )
        for i in range(count)
    )
