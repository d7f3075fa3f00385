"""The organiser's sign-ups pages and the kit pages that show sign-ups are valid HTML
(the Nu HTML checker, as jamportal/tests/test_html_valid.py runs it), in English and
Persian, with a form's errors shown."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from jamportal.attendance import services
from jamportal.attendance.tests.factories import sign_up
from jamportal.jams.tests.factories import JamFactory, UserFactory
from jamportal.kits import services as kit_services
from jamportal.kits.tests.factories import address, kit_with_shirts
from jamportal.tests.test_html_valid import validate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # slow: the Nu HTML checker runs in Java


def test_the_sign_ups_pages_are_valid_html(client, tmp_path):
    kit, shirts = kit_with_shirts()
    jam = JamFactory(campaign=kit.campaign, website="")
    other = JamFactory(campaign=kit.campaign, organiser=jam.organiser)
    services.sheet_save(jam, capacity=2)
    services.sheet_save(other, capacity=5)
    first, _ = sign_up(
        jam, name="مریم", email="maryam@example.org", children=1, needs="Step-free\naccess", first_jam=True
    )
    sign_up(jam, name="Grace", adults=2)
    services.check_in(first)
    sign_up(other, name="Ada")
    services.message_send(jam, subject="Parking", body="Behind the hall")  # the list of messages sent
    kit_request = kit_services.kit_request_create(jam, by=jam.organiser, data=address(), lines={(shirts, "M"): 1})
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="fulfil_kits"))
    files = []

    def keep(name, response):
        assert response.status_code in (200, 400), (name, response.status_code)
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)

    for lang in ("en", "fa"):
        client.force_login(jam.organiser)
        base = f"/{lang}/jams/{jam.slug}/attendees/"
        keep(f"attendees-{lang}", client.get(base))
        keep(f"attendees-errors-{lang}", client.post(base, {"action": "booking", "booking": "link"}))
        keep(f"message-{lang}", client.get(base + "message/"))
        keep(f"message-errors-{lang}", client.post(base + "message/", {"subject": "", "body": ""}))
        keep(f"delete-{lang}", client.get(f"{base}{first.pk}/delete/"))
        keep(f"kit-suggested-{lang}", client.get(f"/{lang}/jams/{other.slug}/kit/"))
        keep(f"dashboard-{lang}", client.get(f"/{lang}/dashboard/"))
        client.force_login(staff)
        keep(f"kit-dashboard-{lang}", client.get(f"/{lang}/kits/{kit.pk}/"))
        keep(f"kit-request-{lang}", client.get(f"/{lang}/kits/requests/{kit_request.pk}/"))

    messages = validate(files)

    assert not messages, "\n".join(f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages)
