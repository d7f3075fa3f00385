"""Remove upload files that a killed web process left in FILE_UPLOAD_TEMP_DIR
(Celery beat does it hourly; run this where the web servers run without a
worker, e.g. from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from jamportal.feed import uploads


class Command(BaseCommand):
    help = "Remove upload files older than an hour from FILE_UPLOAD_TEMP_DIR."

    def handle(self, *args, **options):
        removed = uploads.uploads_remove_stale()
        self.stdout.write(f"Removed {removed} upload files older than an hour from {settings.FILE_UPLOAD_TEMP_DIR}.")
