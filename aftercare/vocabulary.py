"""Whether a message shares any word with what the assistant was trained on ("xqzv blorp", "lorem ipsum dolor").

A message of two words or more, none of which the training data holds, gets the rephrase prompt rather than the
classifier's guess, which for such text is a confident-looking pick of some topic. A word counts as known when the
training data holds it, or it with repeated letters collapsed ("hii", "heyy"), or when it and a training word of at
least `MIN_STEM` letters start one another ("laters", "goodnight", "moisturiz"). Pure Python: no Rasa import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+")  # letters only, any alphabet: numbers and emoji are not words here
_REPEATS = re.compile(r"(.)\1+")
MIN_STEM = 4
MIN_WORDS = 2


def words(text: str) -> list[str]:
    """The words of a text, lower case."""
    return _WORD.findall((text or "").lower())


@dataclass(frozen=True)
class KnownWords:
    """The training data's words, and every beginning of at least MIN_STEM letters of them."""

    words: frozenset[str]
    beginnings: frozenset[str]

    def knows(self, word: str) -> bool:
        """Whether a word is known (see the module docstring)."""
        if word in self.words or _REPEATS.sub(r"\1", word) in self.words or word in self.beginnings:
            return True
        return any(word[:length] in self.words for length in range(MIN_STEM, len(word)))


def known_words(vocabulary: Iterable[str]) -> KnownWords:
    """The known words of a vocabulary."""
    found = frozenset(vocabulary)
    beginnings = frozenset(word[:length] for word in found for length in range(MIN_STEM, len(word)))
    return KnownWords(found, beginnings)


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Every word of the training texts."""
    return frozenset(word for text in texts for word in words(text))


def all_words_unknown(text: str, known: KnownWords) -> bool:
    """True when the text has two words or more and none of them is known.

    A single word is not judged: the classifier's letter n-grams read an abbreviation or a typo ("tysm", "nvm")
    better than a vocabulary does. Nor is a text of numbers or symbols only.
    """
    found = words(text)
    return len(found) >= MIN_WORDS and bool(known.words) and not any(known.knows(word) for word in found)
