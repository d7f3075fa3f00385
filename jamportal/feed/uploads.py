"""Where uploads too large to keep in memory wait while a request handles them.

Django writes an upload over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB: a booth's 12 MP
photo is about 3 MB) to a temporary file, which it removes when the request is
done. A process killed mid-upload (SIGKILL, out of memory, a power cut) never is:
its file stays. So the files go to a folder of their own, FILE_UPLOAD_TEMP_DIR,
and `uploads_remove_stale` (hourly in Celery beat, and `manage.py
remove_stale_uploads`) removes what has not been written to for an hour.
"""

import logging
import os
import time
from datetime import timedelta
from fnmatch import fnmatch
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler

logger = logging.getLogger(__name__)
# A request writes its file as the bytes arrive, and gunicorn kills a worker that
# is silent for 30 seconds (which leaves such files too): a file nothing has
# written to for an hour belongs to no live request.
STALE_AFTER = timedelta(hours=1)
# Django names them tempfile-style with its own suffix: tmpa1b2c3d4.upload.jpg
UPLOAD_FILE_NAMES = "tmp*.upload*"


class OwnFolderUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large uploads, which first makes FILE_UPLOAD_TEMP_DIR
    again should it have gone since the process started (a tidy-up of var/)."""

    def new_file(self, *args, **kwargs):
        upload_folder_make()
        super().new_file(*args, **kwargs)


def upload_folder_make() -> None:
    """Make FILE_UPLOAD_TEMP_DIR, readable by this user only, if it is missing."""
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)


def uploads_remove_stale(*, older_than: timedelta = STALE_AFTER) -> int:
    """Remove upload files in FILE_UPLOAD_TEMP_DIR not written to for `older_than`;
    how many. Anything else in the folder, should it be shared after all, is left."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        entries = []  # no large upload yet
    for entry in entries:
        if not fnmatch(entry.name, UPLOAD_FILE_NAMES) or not entry.is_file(follow_symlinks=False):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:
            pass  # its request finished meanwhile and removed it
    logger.info("Removed %d stale upload files from %s", removed, folder)
    return removed
