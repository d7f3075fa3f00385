import contextlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from jamportal.feed import uploads


class FeedConfig(AppConfig):
    name = "jamportal.feed"
    verbose_name = _("Photo feed")

    def ready(self):
        # Django's system check (files.E001) wants FILE_UPLOAD_TEMP_DIR to exist before
        # any upload could make it. If it cannot be made, that check names it.
        with contextlib.suppress(OSError):
            uploads.upload_folder_make()
