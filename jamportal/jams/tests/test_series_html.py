"""The pages of a repeating Jam are valid HTML (the Nu HTML checker, as
jamportal/tests/test_html_valid.py runs it), in English and Persian, with errors shown."""

from pathlib import Path

import pytest

from jamportal.imports.models import CalendarSource
from jamportal.jams import services
from jamportal.jams.models import JamMember
from jamportal.jams.tests.factories import UserFactory
from jamportal.jams.tests.test_series import monthly_jam
from jamportal.jams.tests.test_series_views import approved_series
from jamportal.tests.test_html_valid import validate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # slow: the Nu HTML checker runs in Java


def test_series_pages_are_valid_html(client, tmp_path):
    series = approved_series(count=4)
    dates = list(series.occurrences.order_by("occurrence_start"))
    owner = dates[0].organiser
    services.series_date_skip(dates[2], by=owner)
    single = monthly_jam(organiser=owner)
    pages = {
        "series": f"/{{lang}}/series/{series.pk}/",
        "date": f"/{{lang}}/jams/{dates[1].slug}/",
        "repeat": f"/{{lang}}/jams/{single.slug}/repeat/",
        "move": f"/{{lang}}/jams/{dates[1].slug}/move/",
        "skip": f"/{{lang}}/jams/{dates[1].slug}/skip/",
        "end": f"/{{lang}}/series/{series.pk}/end/",
        "edit": f"/{{lang}}/jams/{dates[1].slug}/edit/",
    }
    client.force_login(owner)
    files = []
    for lang in ("en", "fa"):
        for name, url in pages.items():
            response = client.get(url.format(lang=lang))
            assert response.status_code == 200, name
            files.append(tmp_path / f"{name}-{lang}.html")
            files[-1].write_bytes(response.content)
        errors = {
            "repeat-errors": client.post(pages["repeat"].format(lang=lang), {"frequency": "weekly", "ends": "until"}),
            "move-errors": client.post(pages["move"].format(lang=lang), {"day": "2020-01-04", "starts": ""}),
        }
        for name, response in errors.items():
            assert response.status_code == 200, name
            files.append(tmp_path / f"{name}-{lang}.html")
            files[-1].write_bytes(response.content)
    client.logout()
    files.append(tmp_path / "series-visitor.html")
    files[-1].write_bytes(client.get(pages["series"].format(lang="en")).content)

    messages = validate(files)

    assert not messages, "\n".join(f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages)


# --- issue 22 (part B) ---


def test_issue22_pages_are_valid_html(client, tmp_path):
    series = approved_series(count=4)
    dates = list(series.occurrences.order_by("occurrence_start"))
    owner = dates[0].organiser
    services.series_date_skip(dates[2], by=owner)
    helper = JamMember.objects.create(jam=dates[0], user=UserFactory(), role="helper")
    source = CalendarSource.objects.create(organiser=owner, url="https://calendar.example/jams.ics")
    pages = {
        "skipped-date": f"/{{lang}}/jams/{dates[2].slug}/",
        "rule": f"/{{lang}}/series/{series.pk}/rule/",
        "remove-member": f"/{{lang}}/jams/{dates[0].slug}/team/members/{helper.pk}/remove/",
        "remove-calendar": f"/{{lang}}/calendars/{source.pk}/delete/",
    }
    client.force_login(owner)
    files = []
    for lang in ("en", "fa"):
        responses = {name: client.get(url.format(lang=lang)) for name, url in pages.items()}
        preview = {"frequency": "weekly", "ends": "count", "count": "2", "preview": ""}
        responses["rule-preview"] = client.post(pages["rule"].format(lang=lang), preview)
        for name, response in responses.items():
            assert response.status_code == 200, name
            files.append(tmp_path / f"{name}-{lang}.html")
            files[-1].write_bytes(response.content)

    messages = validate(files)

    assert not messages, "\n".join(f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages)
