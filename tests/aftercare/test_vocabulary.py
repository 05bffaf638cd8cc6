"""Whether a message shares a word with the training data (aftercare/vocabulary.py)."""

import pytest

from aftercare.vocabulary import all_words_unknown, known_words, vocabulary, words

KNOWN = known_words(
    vocabulary(["can I wear make-up tomorrow?", "hi", "see you later", "good morning", "moisturizer", "my face is red"])
)


def test_words_are_letters_of_any_alphabet_in_lower_case():
    assert words("Can I wear MAKE-UP 2moro? 😀 ¿Mañana?") == ["can", "i", "wear", "make", "up", "moro", "mañana"]


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("xqzv blorp", True),
        ("lorem ipsum dolor", True),
        ("blorp my face", False),  # one known word is enough
        ("hii hii", False),  # repeated letters
        ("laters dude", False),  # a known word begins it
        ("goodnight goodnight", False),
        ("moisturiz ok", False),  # it begins a known word
        ("asdfgh", False),  # a single word is not judged
        ("asdfgh jkl", True),
        ("MAKE-UP??", False),
        ("555 010 2030", False),  # numbers only: not judged
        ("😀😀", False),
        ("", False),
    ],
)
def test_a_message_is_unknown_only_when_it_has_words_and_none_is_known(text, unknown):
    assert all_words_unknown(text, KNOWN) is unknown


def test_without_a_vocabulary_nothing_is_judged():
    assert all_words_unknown("xqzv blorp", known_words([])) is False
