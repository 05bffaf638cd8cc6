"""Which care-guide topics a message names, and whether it names nothing else (a topic-only follow-up).

The words live in content/topic_words.yml. Pure Python: no Rasa import.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from aftercare.yaml_files import CONTENT_FOLDER, ConfigError, read_yaml_mapping

DEFAULT_TOPICS_PATH = CONTENT_FOLDER / "topic_words.yml"
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class TopicMention:
    """A topic named in a message, and where (character offsets)."""

    topic: str
    start: int
    end: int


@dataclass(frozen=True)
class TopicWords:
    """The compiled topic phrases and the words a follow-up may hold besides them."""

    patterns: dict[str, re.Pattern[str]]
    follow_up_fillers: frozenset[str]


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    alternatives = sorted(
        (r"[\s-]+".join(re.escape(word) for word in phrase.lower().split()) for phrase in phrases),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


@functools.lru_cache(maxsize=4)
def load_topic_words(path: Path | str = DEFAULT_TOPICS_PATH) -> TopicWords:
    """Reads and compiles a topics file; ConfigError naming the file and key when it is malformed."""
    data = read_yaml_mapping(path)
    topics = data.get("topics")
    if not isinstance(topics, dict) or not topics:
        raise ConfigError(f"{path}: key 'topics' must map each topic to a list of phrases")
    for topic, phrases in topics.items():
        if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) for p in phrases):
            raise ConfigError(f"{path}: topic '{topic}' must have a non-empty list of phrases (quote yes/no/on/off)")
    fillers = data.get("follow_up_fillers") or []
    if not isinstance(fillers, list) or not all(isinstance(word, str) for word in fillers):
        raise ConfigError(f"{path}: key 'follow_up_fillers' must be a list of words")
    return TopicWords(
        patterns={str(topic): _phrase_pattern(phrases) for topic, phrases in topics.items()},
        follow_up_fillers=frozenset(word for phrase in fillers for word in _WORD.findall(phrase.lower())),
    )


def find_topics(text: str, words: TopicWords | None = None) -> list[TopicMention]:
    """Every topic the text names, once each, in order of first mention."""
    words = words or load_topic_words()
    clean = (text or "").lower()
    found = []
    for topic, pattern in words.patterns.items():
        match = pattern.search(clean)
        if match:
            found.append(TopicMention(topic, match.start(), match.end()))
    return sorted(found, key=lambda mention: mention.start)


def is_topic_only(text: str, mentions: list[TopicMention], words: TopicWords | None = None) -> bool:
    """Whether the text names topics and nothing else but filler words ("and sunscreen?", "what about swimming")."""
    if not mentions:
        return False
    words = words or load_topic_words()
    rest = (text or "").lower()
    for pattern in words.patterns.values():
        rest = pattern.sub(" ", rest)
    return all(word in words.follow_up_fillers for word in _WORD.findall(rest))


# The parsed message's key that carries, from the warning-sign detector to the actions, the topics the patient says
# are not there now ("the swelling has gone down completely"), so a window that escalates answers in general.
NOT_THERE_NOW_KEY = "not_there_now"
# The parse data's key for the care topics of the expected effects a message describes there now ("I'm still a bit
# pink": redness): the patient's own words name them, as a topic word would.
EFFECTS_THERE_NOW_KEY = "effects_there_now"
# ... and of those the patient says are intense ("still really red", "bright red"): a care-guide window with
# `escalate_if_intense` escalates them.
INTENSE_EFFECTS_KEY = "intense_effects"


def topics_not_there_now(
    mentions: Iterable[tuple[str, str | None, bool]], words: TopicWords | None = None
) -> list[str]:
    """The topics named only by mentions that are not there now, from (text, topic or None, there now) triples.

    A mention names its topic, else the topics its words name. "the bleeding stopped" names bleeding, resolved:
    ['bleeding']. "the swelling went down but it is still swollen on the left" names swelling both ways: [] (what is
    there now wins).
    """
    not_now, now = [], set()
    for text, topic, escalates in mentions:
        named = [topic] if topic else [mention.topic for mention in find_topics(text, words)]
        if escalates:
            now.update(named)
        else:
            not_now += named
    return [topic for topic in dict.fromkeys(not_now) if topic not in now]
