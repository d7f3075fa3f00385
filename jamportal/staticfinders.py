"""Static files that come from npm packages (package.json, node_modules), named one by one.

The maps' base layer (static/js/leaflet_maps.js) draws country outlines from Natural
Earth, as packaged in world-atlas, read with topojson-client: only the two files it
needs are served and collected, as static/vendor/<path in node_modules>, not the
packages' other (larger) files. The door's check-in page reads QR codes with jsQR.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor"
FILES = ["world-atlas/countries-110m.json", "topojson-client/dist/topojson-client.min.js", "jsqr/dist/jsQR.js"]


class NodeModulesFinder(BaseFinder):
    """Finds FILES in node_modules, which `make run`, `make serve` and `make test` fill."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = Path(settings.BASE_DIR) / "node_modules"
        self.storage = FileSystemStorage(location=self.root)
        self.storage.prefix = PREFIX  # (collectstatic puts each file under storage.prefix)

    def check(self, **kwargs):
        if missing := [source for source in FILES if not (self.root / source).is_file()]:
            return [
                Error(
                    f"node_modules lacks {', '.join(missing)}, which the maps' base layer and the check-in page need.",
                    hint="Run `make node_modules/.base-map-installed` (npm ci), as make run and make serve do.",
                    id="jamportal.E001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        source = path.removeprefix(PREFIX + "/")
        found = str(self.root / source) if source in FILES and (self.root / source).is_file() else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for source in FILES:
            if (self.root / source).is_file():
                yield source, self.storage
