"""Finds warning signs (red flags) in a patient's message after microneedling.

Pure Python on a blank spaCy tokenizer: no Rasa, no model download. All vocabulary lives in
`content/warning_signs.yml`, so a clinician can extend it without touching code.

A sign is reported unless it is:
- negated: a negation cue ("no", "not", "never", "without", "don't"...) reaches it, i.e. it starts
  within the next few words of the cue's clause. The clause ends at punctuation (a comma only when
  the list of symptoms goes on: "no pus, fever or chills"), at "but"/"because"/..., at "and"/"so"/
  "now" followed by a new subject, or at a scope stopper that takes the negation itself
  ("hasn't stopped oozing", "not normal to have pus", "without make-up on these blisters").
  Uncertainty ("not sure if it's pus") and cue words written inside a sign ("can't breathe") do not
  negate;
- resolved: "gone", "went away", "cleared up"... after it in its clause, or "stopped", "no more"...
  just before it, unless that cue is itself negated ("hasn't gone away");
- only asked about in general: a topic frame ("signs of", "risk of", "avoid", "can ... cause",
  "is ... common") reaches it through filler words only ("what are the signs of an infection?").
  "The", "this", "my" are not fillers, so "can I put make-up over the yellow crust?" still fires.
  A frame for prevention or a supposition ("avoid", "risk of", "what if") makes it hypothetical;
  a question frame ("signs of", "what does ... look like") a general question;
- in the past or during the procedure: a past cue in its sentence ("during the treatment", "last
  year", "as a kid", "last time"), unless the sentence also says it is there now ("still", "again");
- someone else's: a person cue before it in its sentence ("my sister", "a friend", "hers") with no
  first-person word between ("my sister says my lips..." is the patient's).
Emergency signs are never suppressed as hypothetical, general or someone else's.

`find_sign_mentions` returns every mention with its assertion status (aftercare/assertion.py);
`detect_warning_signs` only those that escalate (present or uncertain-present).

Fever and chills are reported as `infection`: after a skin procedure they are read as a sign of
spreading infection, and the clinic's response is the same.
"""

from aftercare.warning_signs.lexicon import (
    CATEGORIES,
    DEFAULT_LEXICON_PATH,
    EFFECT,
    EMERGENCY,
    SYMPTOM,
    Lexicon,
    Settings,
    WarningSign,
    compile_lexicon,
    compile_phrase,
    default_lexicon,
    load_lexicon,
)
from aftercare.warning_signs.rules import detect_warning_signs, find_sign_mentions

__all__ = [
    "CATEGORIES",
    "DEFAULT_LEXICON_PATH",
    "EFFECT",
    "EMERGENCY",
    "SYMPTOM",
    "Lexicon",
    "Settings",
    "WarningSign",
    "compile_lexicon",
    "compile_phrase",
    "default_lexicon",
    "detect_warning_signs",
    "find_sign_mentions",
    "load_lexicon",
]
