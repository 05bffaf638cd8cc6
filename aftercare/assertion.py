"""Assertion status of a sign or symptom mention: whether the patient is reporting it now.

After ConText (Harkema et al., 2009) and NegEx: a mention found in a message is present now, possibly present,
or one of the statuses that must not raise an alarm. Only present and uncertain-present mentions escalate; the
others are answered with care information (what to watch for, with the clinic's number).
"""

from __future__ import annotations

from collections.abc import Collection
from enum import Enum


class Assertion(str, Enum):
    """What a message says about one mention of a sign or symptom."""

    PRESENT = "present"  # "there's pus"
    UNCERTAIN = "uncertain"  # "I think it might be infected"
    NEGATED = "negated"  # "no pus", "nothing weeping"
    RESOLVED = "resolved"  # "the hives went away"
    HYPOTHETICAL = "hypothetical"  # "how do I avoid an infection?", "what if I get a rash"
    GENERAL = "general"  # "what does an infected spot look like?"
    PAST = "past"  # "it bled during the treatment", "I had a cold sore last year"
    OTHER_PERSON = "other_person"  # "my sister had a reaction to it"
    BENIGN = "benign"  # "acne scars", "a hot water bottle": a sign's words with another meaning (lexicon `benign`)
    EXPECTED = "expected"  # "red and warm, just as the nurse said": what the patient was told to expect

    @property
    def escalates(self) -> bool:
        """Whether a mention with this status is a warning sign the patient has now (or may have)."""
        return self in (Assertion.PRESENT, Assertion.UNCERTAIN)


EMERGENCY = "emergency"
SYMPTOM = "symptom"
# The parse data's key for the warning signs a message supposes or asks about ("what if my lips swell?").
ASKED_ABOUT_KEY = "signs_asked_about"
# The parse data's key saying a message describes a symptom there now (no warning sign): "my cheek feels sore".
SYMPTOM_KEY = "describes_symptom"
# The parse data's key saying every warning sign of a message is named only with the words of an expected effect
# ("hot and red", "clear oozing"): expected in the care guide's first hours (care_guide.yml `first_hours`).
EXPECTABLE_EARLY_KEY = "expectable_in_first_hours"


def classifier_may_escalate(emergency_guess: bool, mentions: Collection[tuple[str, Assertion]]) -> bool:
    """Whether the classifier's `report_*` guess may escalate a message with these (category, status) mentions.

    The guess is a second net for signs the detector does not know: it stands when the detector found nothing
    or something present (a sign, or a symptom such as "sore"), and cannot overrule the detector when every sign
    and symptom it found is negated, resolved, hypothetical, general, past, someone else's or benign. An emergency
    guess is only overruled by such an emergency sign or symptom ("not swollen at all"): "no pus, I can't get air"
    still goes to the emergency number when the detector does not know the words.
    """
    if not mentions or any(status.escalates for _, status in mentions):
        return True
    return emergency_guess and not any(category in (EMERGENCY, SYMPTOM) for category, _ in mentions)
