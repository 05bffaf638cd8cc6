"""The one way a component refuses a bad clinic-editable file: Rasa's InvalidConfigException, naming the file.

aftercare's loaders raise ConfigError (a ValueError) naming the file, key and problem (aftercare/yaml_files.py); a
component passes that on, saying which of its files it was, so `rasa train` and `rasa run` stop with that message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rasa.shared.exceptions import InvalidConfigException

Loaded = TypeVar("Loaded")


def load_or_refuse(what: str, load: Callable[..., Loaded], *args: Any) -> Loaded:
    """`load(*args)`, or InvalidConfigException "invalid <what>: <the loader's message>"."""
    try:
        return load(*args)
    except (ValueError, KeyError, TypeError, AttributeError) as error:  # ConfigError, or a shape no check foresaw
        raise InvalidConfigException(f"invalid {what}: {error}") from None
