"""The layout is the architecture: aftercare/ decides, storage/ and services/ hold the infrastructure, and no folder
imports from one above it.

Before: components/ imported actions/, channels/ imported actions/ and components/, and the domain logic could not be
read or tested without Rasa; later aftercare/ held SQL, SMTP, argon2 and a process's command line beside the
decisions, and patches of Rasa's internals sat in channels/ and components/. Each folder's imports are read from its
source, so a new import breaks this test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_FOLDERS = (
    "aftercare",
    "storage",
    "services",
    "rasa_patches",
    "actions",
    "components",
    "channels",
    "console",
    "scripts",
    "bench",
)
ADAPTERS = ("actions", "components", "channels", "console")
# What each folder may import from the project (besides itself). The pure package imports nothing of the project;
# storage/ and services/ build on it; the Rasa adapters sit side by side on all three and on rasa_patches/.
ALLOWED = {
    "aftercare": set(),
    "storage": {"aftercare"},
    "services": {"aftercare", "storage"},
    "rasa_patches": {"aftercare"},
    "components": {"aftercare", "rasa_patches"},
    "actions": {"aftercare", "storage", "services"},
    "channels": {"aftercare", "storage", "rasa_patches"},
    "console": {"aftercare", "storage"},
    "scripts": {"aftercare", "storage", "services", "rasa_patches", *ADAPTERS},
    "bench": {"aftercare", "storage", "services", "rasa_patches", *ADAPTERS, "scripts"},
}
FRAMEWORKS = ("rasa", "rasa_sdk", "sanic", "socketio", "tensorflow")
# What the pure package leaves to storage/ (SQL, argon2) and services/ (mail, processes, command lines).
INFRASTRUCTURE = ("sqlalchemy", "sqlite3", "smtplib", "argon2", "subprocess", "argparse")


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


def test_the_aftercare_package_imports_no_framework_and_no_infrastructure():
    found = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & {*FRAMEWORKS, *INFRASTRUCTURE})
        for path in sources("aftercare")
    }
    assert {path: names for path, names in found.items() if names} == {}
    assert len(found) > 20  # the package's files were read


def rasa_names(tree: ast.AST) -> set[str]:
    """The names a file binds to Rasa's modules and classes (`from rasa.x import Y`, `import rasa.x as y`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rasa":
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(
                alias.asname or alias.name.split(".")[0] for alias in node.names if alias.name.split(".")[0] == "rasa"
            )
    return names


def patched_rasa_attributes(path: Path) -> list[str]:
    """Where a file assigns to an attribute of something it imported from Rasa: a patch of Rasa's internals."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rasa = rasa_names(tree)
    patched = []
    for node in ast.walk(tree):
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" and node.args:
            targets = [node.args[0]]
        for target in targets:
            base = target.value if isinstance(target, ast.Attribute) else target
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in rasa:
                patched.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return patched


def test_every_patch_of_rasa_internals_is_in_rasa_patches():
    outside = [
        place
        for folder in PROJECT_FOLDERS
        if folder != "rasa_patches"
        for path in sources(folder)
        for place in patched_rasa_attributes(path)
    ]
    assert outside == []
    assert len([place for path in sources("rasa_patches") for place in patched_rasa_attributes(path)]) >= 7


SYS_PATH = "sys" + ".path"  # spelt apart, so that a grep for it finds no file of the project, this one included


def test_no_file_edits_the_import_path():
    edits = [
        str(path.relative_to(ROOT))
        for folder in (*PROJECT_FOLDERS, "tests", "widget", "deploy")
        for path in sources(folder)
        if SYS_PATH in path.read_text(encoding="utf-8")
    ]
    assert edits == []
