"""The one way a clinic-editable YAML file is read: a mapping, or a ConfigError naming the file, key and problem.

Clinic details, the care guide and the content folder's files (the warning-sign lexicon, the topic words, the time
vocabulary, the patient texts) all go through `read_yaml_mapping`, so a typo in any of them stops start-up with the
same kind of message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# What a clinic edits besides clinic.yml and care_guide.yml (content/README.md): the repository's content folder,
# wherever the assistant runs.
CONTENT_FOLDER = Path(__file__).resolve().parent.parent / "content"


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or wrong; the message names the file, key and problem."""


def read_yaml_mapping(path: str | Path) -> dict[str, Any]:
    """Reads a YAML file that must hold a mapping, raising ConfigError with the file name otherwise."""
    path = Path(path)
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error})") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: is not valid YAML ({error})") from None
    if not isinstance(content, dict):
        raise ConfigError(f"{path}: must be a mapping of keys to values")
    return content
