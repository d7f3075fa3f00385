"""The layering of docs/architecture.md holds: import-linter's contracts (pyproject.toml)
forbid imports that climb a layer, inside an app or between apps, and cycles."""

import ast
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_imports_follow_the_layers_without_cycles():
    lint_imports = Path(sys.executable).parent / "lint-imports"

    run = subprocess.run([lint_imports, "--no-cache"], cwd=settings.BASE_DIR, capture_output=True, text=True)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


# CLDR reaches the site through jamportal.cldr only (issue 18): one place decides which
# locale a Django language is, which digits it writes and what a name falls back to.
# Tests may ask Babel themselves (test_cldr_names.py checks pages against CLDR itself),
# and the booth (photobooth/) never imports Django, so it keeps its own.
CLDR_PACKAGE = Path(settings.BASE_DIR) / "jamportal" / "cldr"


def _is_test(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def _babel_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        found += [
            f"{path.relative_to(settings.BASE_DIR)}:{node.lineno} {name}"
            for name in names
            if name.split(".")[0] == "babel"
        ]
    return found


def test_only_jamportal_cldr_imports_babel():
    modules = sorted((Path(settings.BASE_DIR) / "jamportal").rglob("*.py"))
    outside = [path for path in modules if not path.is_relative_to(CLDR_PACKAGE) and not _is_test(path)]
    assert len(outside) > 50  # the walk found the site's modules

    assert [line for path in outside for line in _babel_imports(path)] == []
    assert _babel_imports(CLDR_PACKAGE / "names.py")  # the check sees an import where there is one
