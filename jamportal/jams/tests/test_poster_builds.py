"""Poster builds are coalesced: one queued per poster, however many edits and downloads."""

import collections
import logging

import pytest
from django.urls import reverse
from django.utils import translation

from jamportal import celery_app
from jamportal.jams import posters, services, tasks
from jamportal.jams.models import Campaign, CampaignPoster, Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = pytest.mark.django_db

POSTERS = [("a3", "en"), ("a2", "fr")]


@pytest.fixture
def builds(monkeypatch):
    """Counts of campaign_poster_build and poster_render calls, per (size, language)."""
    counts = {"build": collections.Counter(), "render": collections.Counter()}
    build, render = posters.campaign_poster_build, posters.poster_render

    def counted_build(campaign, *, size, language):
        counts["build"][size, language] += 1
        return build(campaign, size=size, language=language)

    def counted_render(campaign, *, size, language, groups):
        counts["render"][size, language] += 1
        return render(campaign, size=size, language=language, groups=groups)

    monkeypatch.setattr(posters, "campaign_poster_build", counted_build)
    monkeypatch.setattr(posters, "poster_render", counted_render)
    return counts


def edit(jam, **changes):
    """What the edit form hands the service, with `changes`."""
    data = {name: getattr(jam, name) for name in services.EDITABLE_FIELDS}
    return services.jam_update(jam, by=jam.organiser, data={**data, **changes})


def poster_files(settings):
    folder = settings.MEDIA_ROOT / "posters"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_ten_quick_edits_to_a_campaigns_jams_build_each_poster_once(builds, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    jams = JamFactory.create_batch(2, campaign=campaign)
    for size, language in POSTERS:
        posters.campaign_poster_build(campaign, size=size, language=language)
    builds["build"].clear()
    builds["render"].clear()

    # Quick: all ten before the first queued build runs (a worker runs it
    # POSTER_BUILD_DELAY seconds later; here, once the callbacks run).
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            jams[n % 2] = edit(jams[n % 2], title=f"Edited Jam {n}")

    assert builds["build"] == dict.fromkeys(POSTERS, 1)
    assert builds["render"] == dict.fromkeys(POSTERS, 1)
    for poster in CampaignPoster.objects.all():
        assert poster.fingerprint == posters.poster_content(campaign, poster.language)[1]
        assert (poster.stale, poster.build_queued_at) == (False, None)


def test_an_edit_during_a_build_queues_exactly_one_more(builds, monkeypatch, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    jam = JamFactory(campaign=campaign, title="Before")
    posters.campaign_poster_build(campaign, size="a3", language="en")
    render = posters.poster_render

    def render_while_someone_edits(campaign, **kwargs):
        if Jam.objects.filter(title="During").exists():
            return render(campaign, **kwargs)
        # Another process's edit commits while this build renders.
        Jam.objects.filter(pk=jam.pk).update(title="During")
        posters.campaign_posters_changed(campaign.pk)
        return render(campaign, **kwargs)

    monkeypatch.setattr(posters, "poster_render", render_while_someone_edits)
    builds["build"].clear()

    with django_capture_on_commit_callbacks(execute=True):
        edit(jam, title="Edited")

    assert builds["build"] == {("a3", "en"): 2}
    poster = CampaignPoster.objects.get()
    assert poster.fingerprint == posters.poster_content(campaign, "en")[1]
    assert (poster.stale, poster.build_queued_at) == (False, None)


def test_a_stale_download_queues_no_build_while_one_is_queued(client, monkeypatch, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    jam = JamFactory(campaign=campaign)
    posters.campaign_poster_build(campaign, size="a3", language="en")
    queued = []
    monkeypatch.setattr(tasks.task_build_poster, "apply_async", lambda kwargs, countdown: queued.append(kwargs))
    with translation.override("en"):
        url = reverse("jams:campaign-poster", args=[campaign.slug, "a3"])

    with django_capture_on_commit_callbacks(execute=True):
        edit(jam, title="Changed")
        downloads = [client.get(url) for _ in range(3)]

    poster = CampaignPoster.objects.get()
    assert queued == [{"poster_id": poster.pk}]
    assert [response.status_code for response in downloads] == [200, 200, 200]


def test_two_first_builds_at_once_leave_one_file(monkeypatch, settings, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    JamFactory(campaign=campaign)
    render = posters.poster_render

    def render_while_another_builds(campaign, **kwargs):
        monkeypatch.setattr(posters, "poster_render", render)
        posters.campaign_poster_build(campaign, size="a3", language="en")
        return render(campaign, **kwargs)

    monkeypatch.setattr(posters, "poster_render", render_while_another_builds)

    with django_capture_on_commit_callbacks(execute=True):
        posters.campaign_poster_build(campaign, size="a3", language="en")

    poster = CampaignPoster.objects.get()
    assert poster_files(settings) == [poster.file.name.removeprefix("posters/")]
    assert poster.file.read().startswith(b"%PDF")


def test_building_a_poster_whose_campaign_was_deleted_is_logged_and_skipped(builds, caplog, settings):
    campaign = CampaignFactory()
    JamFactory(campaign=campaign)
    poster = posters.campaign_poster_build(campaign, size="a3", language="en")
    builds["build"].clear()
    services.campaigns_delete(Campaign.objects.filter(pk=campaign.pk))

    with caplog.at_level(logging.INFO, logger="jamportal.jams.tasks"):
        celery_app.tasks["jams.build_poster"].apply(kwargs={"poster_id": poster.pk}).get()

    assert builds["build"] == {}
    assert [r.getMessage() for r in caplog.records if r.name == "jamportal.jams.tasks"] == [
        f"poster {poster.pk} is gone (its campaign was deleted?): not built"
    ]
