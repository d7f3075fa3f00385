"""Django set up for a benchmark that runs in one process: DEBUG off, as in
production, with its own SQLite file and folders under `work`
(bench/find_a_jam.py, bench/uploads.py)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_in(work: Path, *, database: str, hosts: str = "testserver", **settings: str) -> None:
    """Settings from the environment as the site reads them, then django.setup();
    `settings`: more environment variables (e.g. DJANGO_MEDIA_ROOT)."""
    sys.path.insert(0, str(ROOT))
    (work / "static").mkdir(parents=True, exist_ok=True)  # nothing is served from it; whitenoise wants it
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamportal.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{work / database}",
            "DJANGO_DEBUG": "False",
            "DJANGO_ALLOWED_HOSTS": hosts,
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "DJANGO_STATIC_ROOT": str(work / "static"),
            **settings,
        }
    )
    import django

    django.setup()
