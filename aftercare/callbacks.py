"""What a patient types into the callback form, read and checked: a name, a phone number, a time to call.

Each reader returns the cleaned value, or None when the text cannot be that (the form then asks again).
"""

from __future__ import annotations

import re

MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15  # E.164 allows at most 15 digits
MAX_NAME_CHARACTERS, MAX_TIME_CHARACTERS = 60, 100
_PHONE = re.compile(r"\+?\(?\d[\d\s().\-/]{5,}\d")
_NAME_LEAD = re.compile(
    r"^(?:(?:hi|hello|hey)[,!\s]+)?(?:my name is|my name's|name is|i am|i'm|im|it's|its|this is)\s+", re.I
)
_TIME_LEAD = re.compile(r"^(?:please\s+)?(?:call (?:me )?|ring (?:me )?)?", re.I)


def read_phone(text: str) -> str | None:
    """The phone number in a message ("my number is (555) 010-2030"), as written, or None.

    A number has 7 to 15 digits, may start with +, and may group its digits with spaces, dots, dashes, slashes
    or brackets; a message with two numbers, or with letters inside the number, is not read as one.
    """
    found = _PHONE.findall(text or "")
    if len(found) != 1:
        return None
    number = " ".join(found[0].split())
    digits = sum(character.isdigit() for character in number)
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        return None
    return number


def read_name(text: str) -> str | None:
    """The name a patient gave ("I'm Anna Smith" -> "Anna Smith"), or None for something that is not a name."""
    name = _NAME_LEAD.sub("", " ".join((text or "").split())).strip(" .!,")
    if not name or len(name) > MAX_NAME_CHARACTERS or any(character.isdigit() for character in name):
        return None
    if not any(character.isalpha() for character in name) or len(name.split()) > 5:
        return None
    # A question ("how much is it?", "are you a bot?") is not a name, whatever the classifier made of it.
    if "?" in name:
        return None
    return name


def read_time_to_call(text: str) -> str | None:
    """When the patient would like the call ("after 5pm", "any time"), as they wrote it, or None when empty."""
    when = _TIME_LEAD.sub("", " ".join((text or "").split())).strip(" .!")
    if not when or len(when) > MAX_TIME_CHARACTERS:
        return None
    return when
