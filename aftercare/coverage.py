"""Whether the care guide covers a question well enough to answer it, or the honest answer is "not covered".

DIET always names its best care topic, even for a question the guide has nothing on ("can I get laser hair
removal on my legs?" is not the shaving topic). A care-topic guess is trusted when the message names that topic
(content/topic_words.yml) or when DIET's confidence reaches the topic's threshold (content/topic_confidence.yml,
measured on held-out messages by scripts/measure_coverage.py). Otherwise the message is answered about the
topic it does name, if any, or gets "the care guide doesn't cover that". Warning signs are not decided here:
the WarningSignDetector runs after this and overrides the intent whatever it is.

Pure Python: no Rasa import.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aftercare.yaml_files import CONTENT_FOLDER, ConfigError, read_yaml_mapping

DEFAULT_THRESHOLDS_PATH = CONTENT_FOLDER / "topic_confidence.yml"
TOPIC_PREFIX = "ask_"
NOT_COVERED_INTENT = "out_of_scope"
FALLBACK_INTENT = "nlu_fallback"  # the FallbackClassifier's, below its confidence threshold


@dataclass(frozen=True)
class CoverageThresholds:
    """The least DIET confidence at which a care-topic guess is answered when the message names no topic."""

    default: float
    per_topic: dict[str, float] = field(default_factory=dict)

    def for_topic(self, topic: str) -> float:
        """The threshold for `topic` (its own, else the default)."""
        return self.per_topic.get(topic, self.default)


def _threshold(path: Path | str, where: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or not 0 <= value <= 1:
        raise ConfigError(f"{path}: {where} must be a confidence between 0 and 1, not {value!r}")
    return float(value)


@functools.lru_cache(maxsize=4)
def load_thresholds(path: Path | str = DEFAULT_THRESHOLDS_PATH) -> CoverageThresholds:
    """Reads coverage.yml; ConfigError naming the file and key when it is malformed."""
    data = read_yaml_mapping(path)
    if "default" not in data:
        raise ConfigError(f"{path}: key 'default' (a confidence between 0 and 1) is missing")
    topics = data.get("topics") or {}
    if not isinstance(topics, dict):
        raise ConfigError(f"{path}: key 'topics' must map topic names to confidences")
    unknown = sorted(set(data) - {"default", "topics"})
    if unknown:
        raise ConfigError(f"{path}: unknown key '{unknown[0]}' (known keys: default, topics)")
    return CoverageThresholds(
        default=_threshold(path, "'default'", data["default"]),
        per_topic={str(name): _threshold(path, f"topic '{name}'", value) for name, value in topics.items()},
    )


def covered_intent(
    intent: str, confidence: float, named_topics: Sequence[str], thresholds: CoverageThresholds
) -> str | None:
    """The intent to answer instead of a care-topic guess the guide does not back up, or None to keep it.

    A guess `ask_<topic>` stands when the message names <topic> or DIET is at least that topic's threshold
    sure. Below it, a message that names other topics is answered about the first of them ("can I have wine?"
    guessed as hydration is about alcohol); one that names none is not covered.
    """
    if intent in (FALLBACK_INTENT, NOT_COVERED_INTENT):
        # Too unsure to name an intent, or sure the guide does not cover it, but the message names a topic ("my face
        # is still pretty red, normal?", "can I dye my hair yet?"): the topic's words are surer than the classifier,
        # and its late windows send a lasting effect to the injector.
        return f"{TOPIC_PREFIX}{named_topics[0]}" if named_topics else None
    if not intent.startswith(TOPIC_PREFIX):
        return None
    topic = intent[len(TOPIC_PREFIX) :]
    if topic in named_topics or confidence >= thresholds.for_topic(topic):
        return None
    return f"{TOPIC_PREFIX}{named_topics[0]}" if named_topics else NOT_COVERED_INTENT
