"""The layers, checked: the import contracts in pyproject.toml hold for the tree, and they do catch a
view that imports a model, a core module that imports an area, and an import cycle."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(),
                                reason="import-linter is not installed (pip install -e '.[check]')")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
                          check=False)


def copy_of_the_tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "portal", tmp_path / "portal",
                    ignore=shutil.ignore_patterns("__pycache__", "translations", "templates", "demo/data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(root: Path, module: str, line: str) -> None:
    path = root / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_tree_keeps_its_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module, line, broken", [
    ("portal.catalogue.views", "from portal.catalogue.models import Activity", "Only data modules import models"),
    ("portal.staff.views_admin", "from portal.staff.models import StaffUser", "Only data modules import models"),
    ("portal.formatting", "from portal.catalogue import vocab", "Core modules import no feature package"),
    # Hidden inside a function, as cycles used to be: still an import.
    ("portal.catalogue.vocab", "def _later():\n    from portal.staff import listings", "No import cycles"),
])
def test_a_broken_layer_fails_the_check(tmp_path, module, line, broken):
    root = copy_of_the_tree(tmp_path)
    add_import(root, module, line)
    result = lint_imports(root)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
