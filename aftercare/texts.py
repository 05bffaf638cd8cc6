"""What the assistant writes to a patient besides domain.yml's responses: one file per language, content/<code>/.

English is content/en/texts.yml, a mapping of sections to texts, read here as "section.key" ("plan.fine_now"):
the chat's own replies, the answers about the clinic, the aftercare plan, the callback form. Another language's
file (content/es/texts.yml) holds the texts it translates, read by aftercare/languages/; a text it does not have is
answered in English (domain.yml's responses). Pure Python: no Rasa import.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aftercare.yaml_files import CONTENT_FOLDER, ConfigError, read_yaml_mapping

ENGLISH_TEXTS = CONTENT_FOLDER / "en" / "texts.yml"


@functools.lru_cache(maxsize=4)
def load_texts(path: Path = ENGLISH_TEXTS) -> Mapping[str, str]:
    """Every text of a texts file by "section.key"; ConfigError naming the file and key when one is not text."""
    texts = {}
    for section, entries in read_yaml_mapping(path).items():
        if not isinstance(entries, dict):
            raise ConfigError(f"{path}: key '{section}' must map names to texts")
        for name, text in entries.items():
            if not isinstance(text, str) or not text.strip():
                raise ConfigError(f"{path}: key '{section}.{name}': the text is missing")
            texts[f"{section}.{name}"] = text.strip()
    return texts


def patient_text(key: str, **values: Any) -> str:
    """The English text `key` ("section.key" of content/en/texts.yml) with its {placeholders} filled from `values`.

    Raises:
        ConfigError: naming the file and key when the key is missing or a placeholder has no value.

    """
    texts = load_texts()
    if key not in texts:
        raise ConfigError(f"{ENGLISH_TEXTS}: key '{key}' is missing")
    try:
        return texts[key].format(**values)
    except (KeyError, IndexError, ValueError) as error:
        raise ConfigError(f"{ENGLISH_TEXTS}: key '{key}': a {{placeholder}} has no value ({error})") from None
