"""Message text made safe to match: one apostrophe, quote and dash, no control characters, short symbol runs."""

import re
import unicodedata

_APOSTROPHES = frozenset("\u2018\u2019\u02bc`\u00b4")
_QUOTES = frozenset("\u201c\u201d")
_DASHES = frozenset("-\u2010\u2011")
_SYMBOL_RUN = re.compile(r"[^\w\s]{8,}")
_SYMBOL_RUN_KEPT = 3


def sanitise(text: str) -> str:
    """Same-length clean-up: offsets in the result are offsets in `text`.

    Curly apostrophes become straight ones, control and invisible format characters become spaces,
    a hyphen between letters becomes a space ("hot-to-the-touch", "pus-filled"), emoji become spaces, and a run of 8
    or more symbols keeps only its first three ("pus?????" reads as "pus???").
    """
    chars = list(text)
    for i, char in enumerate(chars):
        if char in _APOSTROPHES:
            chars[i] = "'"
        elif char in _QUOTES:
            chars[i] = '"'
        elif char in _DASHES and 0 < i < len(chars) - 1:
            if text[i - 1].isalpha() and text[i + 1].isalpha():
                chars[i] = " "
        elif char not in "\n\t" and unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zl", "Zp"}:
            chars[i] = " "
        elif _is_pictograph(char):
            chars[i] = " "  # "giving me 🥶 chills" reads as "giving me chills"
    return _SYMBOL_RUN.sub(_shorten_symbol_run, "".join(chars))


def _is_pictograph(char: str) -> bool:
    """An emoji or other pictograph, its skin tone or its variation selector; never the degree sign of "38.5°C"."""
    category = unicodedata.category(char)
    return (category == "So" and char != "°") or "\U0001f3fb" <= char <= "\U0001f3ff" or char in "\ufe0e\ufe0f"


def _shorten_symbol_run(match: re.Match[str]) -> str:
    run = match.group()
    return run[:_SYMBOL_RUN_KEPT] + " " * (len(run) - _SYMBOL_RUN_KEPT)
