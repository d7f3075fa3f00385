"""The public read API's addresses, under /api/v1/ (jamportal/urls.py)."""

from jamportal.public_api.api import bare_root, urls

__all__ = ["bare_root", "urls"]
