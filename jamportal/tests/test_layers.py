"""The layering of docs/architecture.md holds: import-linter's contracts (pyproject.toml)
forbid imports that climb a layer, inside an app or between apps, and cycles."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_imports_follow_the_layers_without_cycles():
    lint_imports = Path(sys.executable).parent / "lint-imports"

    run = subprocess.run([lint_imports, "--no-cache"], cwd=settings.BASE_DIR, capture_output=True, text=True)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
