"""Where a photo's files live, so that a photo nobody may see cannot be fetched.

A visible photo's files are in the public storage ("default": MEDIA_ROOT, which
nginx or the development server serves, or the bucket's public part); every other
photo's (waiting for approval, hidden, reported) are in the private storage
("private": a folder no web server serves, or the bucket's private/ prefix). A
status change that crosses the line copies the files across and deletes the old
copies as the change commits, so a takedown holds at the old addresses at once,
whatever serves them. Names are random (128 bits), so no address can be guessed
from another. The portal hands private files to the organiser and moderators
itself (feed.views.photo_file).
"""

import secrets

from django.core.files.storage import storages
from django.db import transaction

from jamportal.feed.models import Photo

FILE_FIELDS = ("image", "web", "thumbnail", "still")


def is_public(status) -> bool:
    return status == Photo.Status.VISIBLE


def storage_for(status):
    """The storage that holds the files of a photo in this status."""
    return storages["default" if is_public(status) else "private"]


def uploads_storage():
    """Where booth uploads wait, as they came, for the worker to clean them (Photo.upload):
    the private storage, whatever the photo's status."""
    return storages["private"]


def new_name(field: str, photo: Photo, suffix=".jpg") -> str:
    """A fresh random name in the field's folder (photos/2031/03/..., photos/web/..., uploads/...);
    a boomerang's animated files end in .webp."""
    return Photo._meta.get_field(field).generate_filename(photo, f"{secrets.token_urlsafe(16)}{suffix}")


def names(photo: Photo) -> list[str]:
    return [getattr(photo, field).name for field in FILE_FIELDS if getattr(photo, field).name]


def copy_across(photo: Photo, *, to_status) -> dict[str, str]:
    """Copy the photo's files into the storage of `to_status`; {field: new name}.
    The caller stores the names, then deletes the old copies (delete_on_commit)."""
    source, target = storage_for(photo.status), storage_for(to_status)
    copied = {}
    for field in FILE_FIELDS:
        name = getattr(photo, field).name
        if name:
            with source.open(name, "rb") as content:
                copied[field] = target.save(name, content)
    return copied


def delete_upload_on_commit(name) -> None:
    """Delete a booth upload (cleaned, or its photo deleted) once the transaction commits."""
    storage = uploads_storage()
    transaction.on_commit(lambda: storage.delete(name))


def delete_on_commit(status, file_names) -> None:
    """Delete these files of the storage for `status` once the transaction commits."""
    storage = storage_for(status)

    def delete():
        for name in file_names:
            storage.delete(name)

    transaction.on_commit(delete)
