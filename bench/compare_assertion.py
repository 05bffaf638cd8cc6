"""The project's assertion cues against medspaCy's ConText and negspacy's NegEx, on the held-out messages.

Each method gets the same sign mentions (aftercare/warning_signs/ finds them) and decides which ones the
patient has now; a message escalates when one of its signs does (no classifier: the detector alone). Needs
medspaCy and negspacy, which the project does not install: run it in a copy of the venv,

    cp -a .venv/ /work/eval-venv && /work/eval-venv/bin/pip install medspacy==1.3.1 negspacy==1.0.4
    /work/eval-venv/bin/python -m bench.compare_assertion
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import spacy
import yaml
from spacy.language import Language
from spacy.tokens import Doc

from aftercare.warning_signs import SYMPTOM, WarningSign, find_sign_mentions

HELD_OUT = Path("tests/held_out/messages.yml")
Decide = Callable[[str, list[WarningSign]], bool]  # whether a message escalates


def ours(text: str, mentions: list[WarningSign]) -> bool:
    """The project's own cues (negation, resolution, frames, past, someone else's)."""
    return any(sign.status.escalates for sign in mentions)


def _with_entities(nlp: Language, text: str, mentions: list[WarningSign]) -> Doc:
    doc = nlp.make_doc(text)
    spans = [doc.char_span(sign.start, sign.end, label=sign.category, alignment_mode="expand") for sign in mentions]
    doc.ents = spacy.util.filter_spans([span for span in spans if span is not None])
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def context_method() -> Decide:
    """ConText from medspaCy with its default English rules: negated, historical, hypothetical, family."""
    import medspacy  # noqa: F401 - registers the components
    from medspacy.context import ConText  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("medspacy_context")

    def decide(text: str, mentions: list[WarningSign]) -> bool:
        doc = _with_entities(nlp, text, mentions)
        return any(
            not (ent._.is_negated or ent._.is_historical or ent._.is_hypothetical or ent._.is_family)
            for ent in doc.ents
        )

    return decide


def negex_method() -> Decide:
    """NegEx from negspacy (negation only), with its clinical English term set."""
    import negspacy.negation  # noqa: F401 - registers the component

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("negex", config={"neg_termset": negspacy.termsets.termset("en_clinical").get_patterns()})

    def decide(text: str, mentions: list[WarningSign]) -> bool:
        return any(not ent._.negex for ent in _with_entities(nlp, text, mentions).ents)

    return decide


def main() -> None:
    """Prints recall on messages that must escalate and false alarms on the others, per method."""
    import negspacy.termsets  # noqa: F401

    cases = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))["cases"]
    mentions = [[sign for sign in find_sign_mentions(case["text"]) if sign.category != SYMPTOM] for case in cases]
    methods = (("project cues", ours), ("medspaCy ConText", context_method()), ("negspacy NegEx", negex_method()))
    for name, decide in methods:
        counts: Counter = Counter()
        for case, found in zip(cases, mentions, strict=True):
            escalates = decide(case["text"], found)
            must = case["expect"] != "none"
            counts["must"] += must
            counts["caught"] += must and escalates
            counts["must_not"] += not must
            counts["false_alarms"] += (not must) and escalates
        print(
            f"{name:<17} recall {counts['caught']}/{counts['must']} ({counts['caught'] / counts['must']:.1%}), "
            f"false alarms {counts['false_alarms']}/{counts['must_not']} "
            f"({counts['false_alarms'] / counts['must_not']:.1%})"
        )


if __name__ == "__main__":
    main()
