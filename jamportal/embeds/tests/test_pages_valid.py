"""The embedded pages are valid HTML (the Nu HTML checker) and carry no inline code
(the policy forbids it): in English and Persian, every kind, and the not-found one."""

from pathlib import Path

import pytest

from jamportal.jams.tests.factories import CampaignFactory, JamFactory
from jamportal.jams.tests.test_series_views import approved_series
from jamportal.tests.test_csp import inline_code
from jamportal.tests.test_html_valid import validate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # slow: the Nu HTML checker runs in Java

PAGES = {
    "jam": "/{lang}/embed/jams/leeds-jam/",
    "ours": "/{lang}/embed/jams/leeds-jam/ours/",
    "near": "/{lang}/embed/jams/?q=Leeds",
    "country": "/{lang}/embed/jams/?country=GB",
    "bad-settings": "/{lang}/embed/jams/?radius=-1",
    "map": "/{lang}/embed/campaigns/bbw/map/",
    "missing": "/{lang}/embed/jams/no-such-jam/",
    "series": "/{lang}/embed/series/{series}/",
}


def test_embed_pages_are_valid_html_without_inline_code(client, tmp_path):
    JamFactory(
        slug="leeds-jam",
        title="Leeds Jam",
        city="Leeds",
        latitude=53.8,
        longitude=-1.55,
        campaign=CampaignFactory(slug="bbw"),
    )
    series = approved_series(count=3)
    files, inline = [], {}
    for lang in ("en", "fa"):
        for name, url in PAGES.items():
            response = client.get(url.format(lang=lang, series=series.pk))
            assert response.status_code == (404 if name == "missing" else 200), name
            files.append(tmp_path / f"{name}-{lang}.html")
            files[-1].write_bytes(response.content)
            inline[files[-1].name] = inline_code(response.content.decode())

    messages = validate(files)

    assert not messages, "\n".join(f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages)
    assert inline == {name: [] for name in inline}
