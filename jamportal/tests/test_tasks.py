"""Every Celery task of ours has a name of its own, a time limit and a soft one
below it; beat sends tasks by those names."""

import pytest
from django.conf import settings

from jamportal import celery_app

APPS = ("jams", "kits", "feed", "accounts", "attendance")
APPS += ("contact",)  # --- contact ---
APPS += ("alerts",)  # --- alerts ---
APPS += ("imports",)  # imports


def our_tasks():
    celery_app.loader.import_default_modules()  # every tasks module, as a worker imports them
    return {name: t for name, t in celery_app.tasks.items() if not name.startswith("celery.")}


def test_every_task_is_named_by_its_app_and_a_verb():
    names = sorted(our_tasks())

    assert names == [
        "alerts.expire_requests",
        "alerts.match_jam",
        "alerts.send_confirmation",
        "alerts.send_notice",
        "attendance.anonymise_attendees",
        "attendance.ask_for_reports",
        "attendance.remind_attendees",
        "attendance.send_email",
        "attendance.send_jam_moved",  # series
        "attendance.send_jam_removed",
        "attendance.send_report_request",
        "contact.forget_messages",
        "contact.send_message",
        "feed.make_photo_sizes",
        "feed.remove_stale_uploads",
        "imports.sync_source",
        "imports.sync_sources",
        "jams.build_poster",
        "jams.extend_series",  # series
        "jams.remind_organisers",
        "jams.send_email",
        "kits.anonymise_addresses",
        "kits.nudge_receipts",
        "kits.send_email",
    ]


@pytest.mark.parametrize("name", sorted(our_tasks()))
def test_every_task_has_a_time_limit_and_a_soft_one_below_it(name):
    limits = our_tasks()[name]

    assert name.split(".")[0] in APPS
    assert 0 < limits.soft_time_limit < limits.time_limit <= 15 * 60


def test_beat_sends_tasks_by_their_names():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "attendance.ask_for_reports",
        "jams.remind_organisers",
        "kits.anonymise_addresses",
        "kits.nudge_receipts",
        "feed.remove_stale_uploads",
        "attendance.remind_attendees",
        "attendance.anonymise_attendees",
        "contact.forget_messages",
        "alerts.expire_requests",
        "jams.extend_series",  # series
        "imports.sync_sources",
    }
    assert scheduled <= set(our_tasks())


@pytest.mark.parametrize(
    "name",
    [
        "jams.send_email",
        "kits.send_email",
        "attendance.send_email",
        "attendance.send_jam_removed",
        "attendance.send_jam_moved",  # series
        "attendance.send_report_request",
        "alerts.send_confirmation",
        "alerts.send_notice",
    ],
)
def test_email_tasks_retry_while_the_mail_server_cannot_be_reached(name):
    assert our_tasks()[name].autoretry_for == (OSError,)
