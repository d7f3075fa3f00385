"""Writes to organiser accounts."""

from django.conf import settings


def user_set_language(user, *, language) -> None:
    """Remember the user's language: the site and their emails use it."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
