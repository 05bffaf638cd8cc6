"""The layout is the architecture: aftercare/ decides and imports no Rasa, and no folder imports from one above it.

Before: components/ imported actions/, channels/ imported actions/ and components/, and the domain logic could not be
read or tested without Rasa. Each folder's imports are read from its source, so a new import breaks this test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_FOLDERS = ("aftercare", "actions", "components", "channels", "console", "scripts", "bench")
# What each folder may import from the project (besides itself). The Rasa adapters sit side by side on aftercare/.
ALLOWED = {
    "aftercare": set(),
    "components": {"aftercare"},
    "actions": {"aftercare"},
    "channels": {"aftercare"},
    "console": {"aftercare"},
    "scripts": {"aftercare", "actions", "components", "channels", "console"},
    "bench": {"aftercare", "actions", "components", "channels", "console", "scripts"},
}
FRAMEWORKS = ("rasa", "rasa_sdk", "sanic", "socketio", "tensorflow")


def imported_modules(path: Path) -> set[str]:
    """The top-level names of every module a file imports, wherever in the file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", PROJECT_FOLDERS)
def test_no_folder_imports_from_a_layer_above_it(folder):
    wrong = {
        str(path.relative_to(ROOT)): sorted(name for name in imported_modules(path) & set(PROJECT_FOLDERS))
        for path in sources(folder)
    }
    wrong = {
        path: [name for name in names if name != folder and name not in ALLOWED[folder]]
        for path, names in wrong.items()
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_aftercare_package_imports_no_rasa_sanic_or_socketio():
    found = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & set(FRAMEWORKS)) for path in sources("aftercare")
    }
    assert {path: names for path, names in found.items() if names} == {}
    assert len(found) > 20  # the package's files were read


SYS_PATH = "sys" + ".path"  # spelt apart, so that a grep for it finds no file of the project, this one included


def test_no_file_edits_the_import_path():
    edits = [
        str(path.relative_to(ROOT))
        for folder in (*PROJECT_FOLDERS, "tests", "widget", "deploy")
        for path in sources(folder)
        if SYS_PATH in path.read_text(encoding="utf-8")
    ]
    assert edits == []
