"""What `rasa train` reads, listed once: the Makefile retrains when one of them changes; the bench copies them.

`python3 scripts/training_inputs.py` prints the files, one per line (standard library only: the Makefile runs it
before the venv exists).

The project's Python that training reads is found from the graph components' imports, followed from module to
module, so that storage/, services/, the log redaction and the rest of aftercare/ that no component reads can change
without retraining. A package a component reads counts whole (procedure_time/ loads its modules on first use), with
the YAML files beside the modules read.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The training data and settings, the NLU components, the clinic files the time extractor reads, the escalation
# model's corpus, and what a clinic edits beside them (content/).
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "components",
    "content",
    "clinic.yml",
    "care_guide.yml",
    "corpus",
)
# English patient texts and the programme's messages: the actions and services read them, no component does.
NOT_READ_BY_TRAINING = ("content/en",)
COMPONENTS = "components"
# The project's packages whose modules the components may import.
READ_BY_COMPONENTS = ("aftercare", "rasa_patches")


def _module_files(root: Path, name: str) -> list[Path]:
    """The file of module `name` (a package: all of its modules), relative to `root`; [] if it is not the project's."""
    path = root.joinpath(*name.split("."))
    if path.with_suffix(".py").is_file():
        return [path.with_suffix(".py").relative_to(root)]
    if (path / "__init__.py").is_file():
        if path.parent == root:  # a top-level package: only its __init__
            return [(path / "__init__.py").relative_to(root)]
        return [file.relative_to(root) for file in sorted(path.rglob("*.py"))]
    return []


def _outside_functions(tree: ast.AST) -> list[ast.AST]:
    """The nodes of `tree` that run when the module is imported: not those inside a function."""
    nodes, pending = [], [tree]
    while pending:
        node = pending.pop()
        nodes.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))
    return nodes


def _imported_names(path: Path) -> set[str]:
    """Every module a file imports when it is imported (`from a.b import c`: a.b and a.b.c), with each parent package.

    An import inside a function is left out: rasa_patches/ imports the Rasa server's patches only when the server
    starts, which training never does.
    """
    names = set()
    for node in _outside_functions(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {".".join(name.split(".")[:end]) for name in names for end in range(1, name.count(".") + 2)}


def modules_read_by_components(root: Path = ROOT) -> list[Path]:
    """The project modules the graph components import, directly or through one another, relative to `root`."""
    found: set[Path] = set()
    pending = sorted((root / COMPONENTS).glob("*.py"))
    while pending:
        for name in _imported_names(pending.pop()):
            if name.split(".")[0] not in READ_BY_COMPONENTS:
                continue
            for module in _module_files(root, name):
                if module not in found:
                    found.add(module)
                    pending.append(root / module)
    return sorted(found)


def training_files(root: Path = ROOT) -> list[Path]:
    """Every file training reads, relative to `root`, without caches."""
    files = set()
    for name in TRAINING_INPUTS:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            relative = file.relative_to(root)
            if (
                file.is_file()
                and "__pycache__" not in file.parts
                and not relative.as_posix().startswith(NOT_READ_BY_TRAINING)
            ):
                files.add(relative)
    modules = modules_read_by_components(root)
    files.update(modules)
    for folder in {module.parent for module in modules}:
        files.update(file.relative_to(root) for file in (root / folder).glob("*.yml"))
    return sorted(files)


if __name__ == "__main__":
    print("\n".join(str(path) for path in training_files()))
