"""The base of the components whose model is learned at `rasa train` from the labelled corpus (corpus/escalation/).

The corpus is read at training time only; the model is kept in Rasa's model storage and loaded from there, so a
trained model runs from any working directory. A change to the corpus files, or to a subclass's TRAINING_VERSION,
changes the fingerprint, so that `rasa train` retrains the component (Rasa's cache does not see code).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, ClassVar, Protocol

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData

from aftercare.escalation_model import LabelledMessage, read_corpus
from components.config_files import load_or_refuse

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = "corpus/escalation"


class SavedModel(Protocol):
    """A trained model that writes itself into a directory and reads itself back."""

    def save(self, directory: Path) -> None: ...

    @classmethod
    def load(cls, directory: Path) -> SavedModel: ...


class CorpusComponent(GraphComponent):
    """Keeps a model learned from the corpus in the model storage (see the module docstring)."""

    TRAINING_VERSION: ClassVar[str] = ""
    MODEL: ClassVar[type[SavedModel]]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The labelled corpus, relative to the directory Rasa trains in or else the repository root."""
        return {"corpus_folder": DEFAULT_CORPUS}

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: Any | None
    ) -> None:
        """Creates the component; without a model (not trained yet) it changes nothing."""
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CorpusComponent:
        """Creates an untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource, None)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The corpus files' names and contents, and how the component trains."""
        folder = corpus_folder({**cls.get_default_config(), **config}["corpus_folder"])
        digest = hashlib.sha256(cls.TRAINING_VERSION.encode("utf-8"))
        for path in sorted(folder.glob("*.yml")):
            digest.update(path.name.encode("utf-8"))
            digest.update(path.read_bytes())
        return digest.hexdigest()

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CorpusComponent:
        """Loads the model kept at training time."""
        with model_storage.read_from(resource) as directory:
            model = cls.MODEL.load(directory)
        return cls(config, model_storage, resource, model)

    def read_corpus(self) -> list[LabelledMessage]:
        """The configured corpus; InvalidConfigException naming the file when it is missing or malformed."""
        return load_or_refuse("escalation corpus", read_corpus, corpus_folder(self._config["corpus_folder"]))

    @staticmethod
    def nlu_examples(training_data: TrainingData) -> list[tuple[str, str]]:
        """The NLU training examples as (text, intent)."""
        return [(example.get(TEXT) or "", example.get(INTENT) or "") for example in training_data.intent_examples]

    def keep(self, model: SavedModel) -> Resource:
        """Uses `model` from now on and keeps it in the model storage."""
        self._model = model
        with self._model_storage.write_to(self._resource) as directory:
            model.save(directory)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is."""
        return training_data


def corpus_folder(configured: str) -> Path:
    """The configured corpus folder, read from the working directory or else the repository root."""
    path = Path(configured)
    if path.is_absolute() or path.exists():
        return path
    return REPOSITORY / path
