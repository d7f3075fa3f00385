"""Contact's pages are valid HTML (the Nu HTML checker, as jamportal/tests/test_html_valid.py
runs it), in English and Persian: the form with its errors shown, the thanks, the report."""

import re

import pytest
from django.core import mail

from jamportal.jams.tests.factories import JamFactory
from jamportal.tests.test_html_valid import validate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # slow: the Nu HTML checker runs in Java


def test_contact_pages_are_valid_html(client, tmp_path, django_capture_on_commit_callbacks):
    jam = JamFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/jams/{jam.slug}/contact/",
            {"sender_name": "سارا", "sender_email": "sara@example.ir", "body": "سلام، آیا برای کودکان جا هست؟"},
        )
    token = re.search(r"/contact/report/([\w-]+)/", mail.outbox[0].body).group(1)
    files = []
    for language in ("en", "fa"):
        answers = {
            "form": client.get(f"/{language}/jams/{jam.slug}/contact/"),
            "errors": client.post(f"/{language}/jams/{jam.slug}/contact/", {"sender_email": "x@", "body": "hi"}),
            "sent": client.get(f"/{language}/jams/{jam.slug}/contact/sent/"),
            "report": client.get(f"/{language}/contact/report/{token}/"),
            "report-gone": client.get(f"/{language}/contact/report/{'x' * 43}/"),
        }
        assert answers["errors"].text.count('class="error"') == 3  # (what the checker sees has the errors)
        for name, response in answers.items():
            page = tmp_path / f"{name}-{language}.html"
            page.write_bytes(response.content)
            files.append(page)

    assert validate(files) == []
