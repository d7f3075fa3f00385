"""The map's tile server comes from the environment, and the Content-Security-Policy
lets the pages load images from it and from nowhere else."""

import os
import subprocess
import sys

from django.conf import settings


def read_settings(**environment):
    """(the tile layers, the policy's img-src) as a fresh process reads them from `environment`."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LEAFLET_CONFIG['TILES']); print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jamportal.settings", "DJANGO_DEBUG": "true", **environment}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=settings.BASE_DIR, check=True
    )
    return result.stdout.splitlines()


def test_tiles_are_configurable_or_off_and_the_policy_allows_only_their_server():
    tiles, images = read_settings(
        JAMPORTAL_TILES_URL="https://tiles.example.org/{z}/{x}/{y}.png", JAMPORTAL_TILES_ATTRIBUTION="© Example"
    )
    off_tiles, off_images = read_settings(JAMPORTAL_TILES_URL="")

    assert "'https://tiles.example.org/{z}/{x}/{y}.png', {'attribution': '© Example'}" in tiles
    assert images == "[\"'self'\", 'data:', 'https://tiles.example.org']"
    assert off_tiles == "[]"
    assert off_images == "[\"'self'\", 'data:']"
