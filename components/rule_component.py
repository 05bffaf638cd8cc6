"""The base of the rule components: the content files they read are kept in the trained model.

As Rasa's RegexEntityExtractor keeps its patterns: `train` copies the component's content files (content/, named in
its config) into its resource in the model storage, and `load` compiles them from there, so a trained model runs
the same from any working directory. The files' names and bytes are the component's fingerprint, so `rasa train`
retrains it when a clinic edits one. `create` compiles them where the config names them, so a missing or invalid
file stops `rasa train` with a message naming it.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData

REPOSITORY = Path(__file__).resolve().parent.parent

Rules = TypeVar("Rules")
Component = TypeVar("Component", bound="RuleComponent")


class RuleComponent(GraphComponent, Generic[Rules]):
    """A component whose rules are compiled from content files, kept in the model when it is trained.

    A subclass names its files (`content_files`) and compiles them (`compile_rules`); `self._rules` holds the result.
    """

    @classmethod
    def content_files(cls, config: dict[str, Any]) -> dict[str, Path]:
        """The files the component reads, by the name each is kept under in the model (a relative path)."""
        raise NotImplementedError

    @classmethod
    def compile_rules(cls, config: dict[str, Any], files: Mapping[str, Path]) -> Rules:
        """The rules compiled from `files` (named as `content_files` names them); InvalidConfigException if wrong."""
        raise NotImplementedError

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, rules: Rules) -> None:
        """Creates the component with its configuration, where it is kept in the model, and its compiled rules."""
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._rules = rules

    @classmethod
    def create(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Component:
        """Compiles the content files where the config names them (see the module docstring)."""
        config = {**cls.get_default_config(), **config}
        return cls(config, model_storage, resource, cls.compile_rules(config, cls.content_files(config)))

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The content files' names and bytes: an edit to one retrains the component, not only a config change."""
        digest = hashlib.sha256()
        for name, path in sorted(cls.content_files({**cls.get_default_config(), **config}).items()):
            digest.update(name.encode("utf-8"))
            # A missing file is refused by `create`, with its name, right after this.
            digest.update(path.read_bytes() if path.is_file() else b"\0missing")
        return digest.hexdigest()

    def train(self, training_data: TrainingData) -> Resource:
        """Keeps a copy of the content files in the model: the component learns nothing from the training data."""
        with self._model_storage.write_to(self._resource) as directory:
            for name, source in self.content_files(self._config).items():
                kept = directory / name
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, kept)
        return self._resource

    @classmethod
    def load(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Component:
        """Compiles the content files kept in the model at training time, wherever the assistant runs."""
        config = {**cls.get_default_config(), **config}
        with model_storage.read_from(resource) as directory:
            files = {path.relative_to(directory).as_posix(): path for path in directory.rglob("*") if path.is_file()}
            rules = cls.compile_rules(config, files)
        return cls(config, model_storage, resource, rules)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is."""
        return training_data


def content_path(configured: str | Path) -> Path:
    """A configured content file or folder, read from the working directory or else the repository root."""
    path = Path(configured)
    if path.is_absolute() or path.exists():
        return path
    return REPOSITORY / path
