"""The warning-sign lexicon (content/warning_signs.yml): categories, cues and settings, compiled into Matchers."""

import functools
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.symbols import NORM, ORTH

from aftercare.assertion import Assertion
from aftercare.warning_signs.text import sanitise
from aftercare.yaml_files import CONTENT_FOLDER, ConfigError, read_yaml_mapping

EMERGENCY = "emergency"
WORSENING = "worsening"
CATEGORIES: tuple[str, ...] = (
    EMERGENCY,
    "infection",
    "cold_sore",
    "allergy",
    "bleeding",
    WORSENING,
    "lump",
    "pigmentation",
    "scarring",
)
# A symptom that is not a warning sign on its own ("swollen", "hot"): its mentions get a status too, so the
# classifier's report_* guess can be weighed against "not swollen, not hot" (aftercare/assertion.py).
SYMPTOM = "symptom"
# An expected side effect ("redness"): never a sign and never weighed against the classifier; its mentions get a
# status and the care topic they name, so that "the redness has faded" on day 5 is not answered as redness still
# there. Compiled per topic as "effect:<topic>".
EFFECT = "effect"
EFFECT_PREFIX = EFFECT + ":"
DEFAULT_LEXICON_PATH = CONTENT_FOLDER / "warning_signs.yml"

GAP = "..."
TokenSpec = dict[str, Any]
Span = tuple[int, int]

# Keys of the cue matcher (one matcher for all non-sign phrase lists).
NEGATION = "negation"
PSEUDO = "pseudo_negation"
RESOLVED_AFTER = "resolved_after"
RESOLVED_AFTER_FINAL = "resolved_after_final"
RESOLVED_BEFORE = "resolved_before"
FRAME_ANY = "frame_any"
FRAME_ANY_AFTER = "frame_any_after"
FRAME_QUESTION_BEFORE = "frame_question_before"
FRAME_QUESTION_AFTER = "frame_question_after"
BENIGN = "benign"
REPORTING = "reporting_determiner"
PAST = "past"
PRESENT_NOW = "present_now"
OTHER_PERSON = "other_person"
REPORTED_SPEECH = "reported_speech"
UNCERTAIN = "uncertain"
CONDITIONAL = "conditional"
ON_BEHALF = "on_behalf"
STRANGER = "stranger"
TREATED = "treated"
UNTREATED = "untreated"
HELP_SEEKING = "help_seeking"
WRITERS_VIEW = "writers_view"
SELF_PHRASE = "self_phrase"
AS_EXPECTED = "as_expected"
CALM_NOW = "calm_now"
EARLY_HOURS = "early_hours"
ASKING_AHEAD = "asking_ahead"
OPENING_CONDITIONAL = "opening_conditional"
RETURNED = "returned"
CUE_KEYS = (
    NEGATION,
    PSEUDO,
    RESOLVED_AFTER,
    RESOLVED_AFTER_FINAL,
    RESOLVED_BEFORE,
    FRAME_ANY,
    FRAME_ANY_AFTER,
    FRAME_QUESTION_BEFORE,
    FRAME_QUESTION_AFTER,
    BENIGN,
    REPORTING,
    PAST,
    PRESENT_NOW,
    OTHER_PERSON,
    REPORTED_SPEECH,
    UNCERTAIN,
    CONDITIONAL,
    ON_BEHALF,
    STRANGER,
    TREATED,
    UNTREATED,
    HELP_SEEKING,
    WRITERS_VIEW,
    SELF_PHRASE,
    AS_EXPECTED,
    CALM_NOW,
    OPENING_CONDITIONAL,
    EARLY_HOURS,
    ASKING_AHEAD,
    RETURNED,
)
# spaCy strips punctuation and emoji one at a time: a long run of them takes quadratic time.


@dataclass(frozen=True)
class WarningSign:
    """One warning sign mentioned in a message: its category, where it is (character offsets), and its status."""

    category: str
    start: int
    end: int
    text: str
    status: Assertion = Assertion.PRESENT
    topic: str | None = None  # the care topic an expected effect names ("redness")
    # named only with the words of an expected effect ("hot and red", "clear oozing"): expected in the first hours
    expectable: bool = False
    intense: bool = False  # an expected effect said with an intensity word just before it ("really red")

    @property
    def escalates(self) -> bool:
        """Whether this mention is a warning sign the patient has (or may have) now."""
        return self.status.escalates and self.category not in (SYMPTOM, EFFECT)


@dataclass(frozen=True)
class Settings:
    """Distances (in words) that bound negation, frames and resolution; see the YAML."""

    gap_size: int = 3
    negation_window: int = 4
    frame_reach: int = 4
    resolution_window: int = 5
    resolution_before_window: int = 3
    conditional_reach: int = 6


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The compiled lexicon: a tokenizer, the sign and cue matchers, and the word sets."""

    nlp: Language
    signs: Matcher
    cues: Matcher
    settings: Settings
    # Pairs of parts that together are a sign of a category wherever each stands in the message: part matches are
    # keyed "<category>:<pair index>:<0 or 1>".
    combinations: Matcher
    negation_words: frozenset[str]
    interjections: frozenset[str]
    negation_fillers: frozenset[str]
    scope_stoppers: frozenset[str]
    list_continuers: frozenset[str]
    clause_breaks: frozenset[str]
    conjunctions: frozenset[str]
    clause_starters: frozenset[str]
    question_starters: frozenset[str]
    frame_fillers: frozenset[str]
    never_suppressed: frozenset[str]
    # Words of the effects a patient may be told to expect ("red", "warm"): only a sign named with these words alone
    # is read as expected ("as_expected"), never pus, a fever or "redness is spreading".
    expectable_words: frozenset[str]
    intensity_words: frozenset[str]
    not_conditional_after: frozenset[str]
    counterfactual_modals: frozenset[str]
    counterfactual_verbs: frozenset[str]
    counterfactual_subjunctive: frozenset[str]
    conditional_times: frozenset[str]
    conditional_openers: frozenset[str]
    list_joiners: frozenset[str]
    first_person: frozenset[str]
    self_words: frozenset[str]
    there_now_words: frozenset[str]
    present_tense_words: frozenset[str]
    resolution_pronouns: frozenset[str]
    # Of those, the ones that speak of every sign before them ("all gone now"): they reach over clauses naming others.
    inclusive_pronouns: frozenset[str]
    resolution_stoppers: frozenset[str]
    # Words after which a stopper of the resolution ("after") ends a phrase instead of starting another event:
    # "the dizzy spell I had straight after has passed".
    stopper_ends_before: frozenset[str]
    # Words after which a resolution cue opening a clause is no resolution: "gone through three plasters".
    clause_cue_not_before: frozenset[str]
    # Words right after a resolution cue that say what the sign became, not that it went: "it's just gone dark".
    became_words: frozenset[str]
    # Phrases right before a resolution cue that deny it: "sharper today rather than easing off".
    instead_phrases: frozenset[tuple[str, ...]]
    past_progressive: frozenset[str]
    # Words opening a clause that compares with a past cue in it: "exactly how my cold sores used to start".
    comparison_words: frozenset[str]
    # Pain rated on a scale, higher now than before ("was a 2 yesterday, today it's a 6"): the pain words, the words
    # that date a rating before now, and the highest rating of the scale.
    pain_words: frozenset[str] = frozenset()
    earlier_words: frozenset[str] = frozenset()
    pain_scale: int = 10


# --------------------------------------------------------------------------------------------
# Loading and compiling the lexicon


def load_lexicon(path: Path | str = DEFAULT_LEXICON_PATH) -> Lexicon:
    """Reads and compiles a lexicon file; compiled once per path.

    Raises:
        ValueError: when the file names an unknown category or word group, or holds a list
            entry that is not text.

    """
    return _load_lexicon_cached(str(Path(path).resolve()))


def default_lexicon() -> Lexicon:
    """The lexicon shipped beside this module."""
    return load_lexicon(DEFAULT_LEXICON_PATH)


@functools.lru_cache(maxsize=8)
def _load_lexicon_cached(path: str) -> Lexicon:
    data = read_yaml_mapping(path)
    try:
        return compile_lexicon(data)
    except ConfigError:
        raise
    except ValueError as error:
        raise ConfigError(f"{path}: {error}") from None


def _reject_non_strings(value: Any, where: str = "lexicon") -> None:
    """Lists must hold text: YAML reads an unquoted no/on/off/yes as true/false."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _reject_non_strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"{where}: {item!r} is not text; put it in quotes")


def compile_lexicon(data: Mapping[str, Any]) -> Lexicon:
    """Compiles the parsed YAML of a lexicon (see content/warning_signs.yml for the format).

    Raises:
        ValueError: when it is not a mapping, on an unknown category or word group, or a list entry that is not
            text.

    """
    if not isinstance(data, Mapping):
        raise ValueError("the lexicon must be a mapping of sections (signs, negation, clause, ...)")
    _reject_non_strings(data)
    nlp = _tokenizer(data.get("contractions") or {})
    groups = _normalised_groups(data.get("word_groups") or {}, nlp)
    settings = Settings(**(data.get("settings") or {}))
    negation = data["negation"]
    clause = data["clause"]
    resolution = data["resolution"]
    general = data["general_question"]
    past = data.get("past") or {}
    other_person = data.get("other_person") or {}
    pain_scores = data.get("pain_scores") or {}
    negation_words = _first_norms(negation["cues"], nlp)
    stop_words = negation_words | _all_norms(clause["breaks"], nlp) | _all_norms(data.get("gap_stoppers") or [], nlp)
    gap = Gap(settings.gap_size, stop_words, _all_norms(data.get("gap_fillers") or [], nlp))
    compile_args = (groups, nlp, gap)

    signs = Matcher(nlp.vocab)
    unknown = set(data["signs"]) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"Unknown warning-sign categories in lexicon: {sorted(unknown)}")
    for category in CATEGORIES:
        patterns = _compile_all(data["signs"].get(category) or [], *compile_args)
        if patterns:
            signs.add(category, patterns)
    symptoms = _compile_all(data.get("symptoms") or [], *compile_args)
    if symptoms:
        signs.add(SYMPTOM, symptoms)
    effects = data.get("expected_effects") or {}
    if not isinstance(effects, Mapping):
        raise ValueError("expected_effects must map each care topic to its patterns")
    for topic, topic_patterns in effects.items():
        patterns = _compile_all(topic_patterns or [], *compile_args)
        if patterns:
            signs.add(EFFECT_PREFIX + str(topic), patterns)

    combinations = Matcher(nlp.vocab)
    for category, pairs in (data.get("combinations") or {}).items():
        if category not in CATEGORIES:
            raise ValueError(f"Unknown warning-sign category in the lexicon's combinations: {category!r}")
        for index, pair in enumerate(pairs or []):
            parts = str(pair).split(" + ")
            if len(parts) != 2:
                raise ValueError(f"combinations.{category}[{index}] must be two patterns joined by ' + '")
            for part, phrase in enumerate(parts):
                combinations.add(f"{category}:{index}:{part}", _compile_all([phrase], *compile_args))

    cues = Matcher(nlp.vocab)
    cue_lists = {
        NEGATION: negation["cues"],
        PSEUDO: negation.get("pseudo") or [],
        RESOLVED_AFTER: resolution.get("after_sign") or [],
        RESOLVED_AFTER_FINAL: resolution.get("after_sign_final") or [],
        RESOLVED_BEFORE: resolution.get("before_sign") or [],
        FRAME_ANY: general.get("frames_any") or [],
        FRAME_ANY_AFTER: general.get("frames_any_after") or [],
        FRAME_QUESTION_BEFORE: general.get("frames_question_before") or [],
        FRAME_QUESTION_AFTER: general.get("frames_question_after") or [],
        BENIGN: data.get("benign") or [],
        REPORTING: general.get("reporting_determiners") or [],
        PAST: past.get("cues") or [],
        PRESENT_NOW: past.get("present_cues") or [],
        OTHER_PERSON: other_person.get("cues") or [],
        REPORTED_SPEECH: other_person.get("reporting_verbs") or [],
        UNCERTAIN: data.get("uncertainty") or [],
        CONDITIONAL: general.get("conditionals") or [],
        ON_BEHALF: other_person.get("on_behalf_cues") or [],
        STRANGER: other_person.get("stranger_cues") or [],
        TREATED: other_person.get("treated_cues") or [],
        UNTREATED: other_person.get("untreated_cues") or [],
        HELP_SEEKING: other_person.get("help_seeking") or [],
        WRITERS_VIEW: other_person.get("writers_view") or [],
        SELF_PHRASE: other_person.get("self_phrases") or [],
        AS_EXPECTED: data.get("as_expected") or [],
        CALM_NOW: past.get("calm_now") or [],
        EARLY_HOURS: data.get("as_expected_early") or [],
        ASKING_AHEAD: general.get("asking_ahead") or [],
        OPENING_CONDITIONAL: general.get("opening_conditionals") or [],
        RETURNED: (data.get("word_groups") or {}).get("returned") or [],
    }
    for key, phrases in cue_lists.items():
        patterns = _compile_all(phrases, *compile_args)
        if patterns:
            cues.add(key, patterns)

    return Lexicon(
        nlp=nlp,
        signs=signs,
        cues=cues,
        settings=settings,
        combinations=combinations,
        negation_words=negation_words,
        interjections=_first_norms(negation.get("interjections") or [], nlp),
        negation_fillers=_all_norms(negation.get("fillers") or [], nlp),
        scope_stoppers=_all_norms(negation.get("scope_stoppers") or [], nlp),
        list_continuers=_first_norms(negation.get("list_continuers") or [], nlp),
        clause_breaks=_all_norms(clause["breaks"], nlp),
        conjunctions=_first_norms(clause.get("conjunctions") or [], nlp),
        clause_starters=_first_norms(clause.get("starters") or [], nlp),
        question_starters=_first_norms(general.get("question_starters") or [], nlp),
        frame_fillers=_all_norms(general.get("fillers") or [], nlp),
        never_suppressed=frozenset(general.get("never_suppressed") or []),
        expectable_words=frozenset(data.get("expectable_words") or []),
        intensity_words=_all_norms(data.get("intensity_words") or [], nlp),
        not_conditional_after=_all_norms(general.get("not_conditional_after") or [], nlp),
        counterfactual_modals=_head_norms(general.get("counterfactual", {}).get("modals") or [], nlp),
        counterfactual_verbs=_all_norms(general.get("counterfactual", {}).get("verbs") or [], nlp),
        counterfactual_subjunctive=_all_norms(general.get("counterfactual", {}).get("subjunctive") or [], nlp),
        conditional_times=_all_norms(general.get("conditional_times") or [], nlp),
        conditional_openers=_all_norms(general.get("conditional_openers") or [], nlp),
        list_joiners=_first_norms(general.get("list_joiners") or [], nlp),
        first_person=_head_norms(other_person.get("first_person") or [], nlp),
        self_words=_head_norms(other_person.get("self_words") or [], nlp),
        there_now_words=_all_norms(other_person.get("there_now_words") or [], nlp),
        present_tense_words=_all_norms(other_person.get("present_tense_words") or [], nlp),
        resolution_pronouns=_first_norms(resolution.get("next_clause_pronouns") or [], nlp),
        inclusive_pronouns=_first_norms(resolution.get("inclusive_pronouns") or [], nlp),
        resolution_stoppers=_all_norms(resolution.get("not_across") or [], nlp),
        stopper_ends_before=_all_norms(resolution.get("not_across_ends_before") or [], nlp),
        clause_cue_not_before=_all_norms(resolution.get("clause_cue_not_before") or [], nlp),
        became_words=_all_norms(resolution.get("became") or [], nlp),
        instead_phrases=frozenset(n for n in (_norms(w, nlp) for w in resolution.get("instead_of") or []) if n),
        past_progressive=_all_norms(resolution.get("past_progressive") or [], nlp),
        comparison_words=_all_norms(past.get("comparisons") or [], nlp),
        pain_words=_all_norms(pain_scores.get("pain_words") or [], nlp),
        earlier_words=_all_norms(pain_scores.get("earlier_words") or [], nlp),
        pain_scale=int(pain_scores.get("scale") or 10),
    )


def _tokenizer(contractions: Mapping[str, Any]) -> Language:
    """The English tokenizer of spaCy, which reads each of `contractions` as its two words.

    It also splits a reading from its unit ("104.2F" is "104.2" "F"), and reads a contraction ("can|nae": "can not")
    whatever its case ("Cannae" is "can not").

    Raises:
        ValueError: on a contraction without one "|" where it splits or that does not read as two words.

    """
    nlp = spacy.blank("en")
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[0-9])(?:°?[FfCc])$"]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    for split, reading in contractions.items():
        parts, norms = str(split).split("|"), str(reading).split()
        if len(parts) != 2 or not all(parts) or len(norms) != 2:
            raise ValueError(f"contractions: {split!r}: {reading!r} must split in two with | and read as two words")
        for head in {parts[0], parts[0].capitalize(), parts[0].upper()}:
            tail = parts[1].upper() if head.isupper() and len(head) > 1 else parts[1]
            nlp.tokenizer.add_special_case(head + tail, [{ORTH: head, NORM: norms[0]}, {ORTH: tail, NORM: norms[1]}])
    return nlp


def _dropped_g(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words as they are often typed when spoken: "getting" as "gettin" (only words of six letters or more)."""
    return tuple(word[:-1] if len(word) >= 6 and word.endswith("ing") else word for word in words)


def _norms(phrase: str, nlp: Language) -> tuple[str, ...]:
    """The normalised tokens of a phrase, tokenised exactly like a message."""
    return tuple(t.norm_ for t in nlp.make_doc(sanitise(str(phrase))) if not t.is_space)


def _first_norms(words: Iterable[str], nlp: Language) -> frozenset[str]:
    return frozenset(n[0] for n in (_norms(w, nlp) for w in words) if n)


def _all_norms(words: Iterable[str], nlp: Language) -> frozenset[str]:
    return frozenset(itertools.chain.from_iterable(_norms(w, nlp) for w in words))


def _head_norms(words: Iterable[str], nlp: Language) -> frozenset[str]:
    """The first word each entry reads as: "ive" (read "i have") is "i", so "my mum have a fever" is no "i have"."""
    return frozenset(norms[0] for norms in (_norms(w, nlp) for w in words) if norms)


def _normalised_groups(groups: Mapping[str, Sequence[str]], nlp: Language) -> dict[str, list[tuple[str, ...]]]:
    return {name: [n for n in (_norms(entry, nlp) for entry in entries) if n] for name, entries in groups.items()}


@dataclass(frozen=True)
class Gap:
    """What `...` in a pattern may skip.

    Up to `size` words that are not punctuation nor `stop_words`, then any number of `fillers` ("my throat might be
    getting a little tight": "a little" is not counted).
    """

    size: int = 3
    stop_words: frozenset[str] = frozenset()
    fillers: frozenset[str] = frozenset()


PLAIN_GAP = Gap()
# Any run of extra spaces within a line (spaCy makes each run a token), between two words of a pattern.
EXTRA_SPACES: TokenSpec = {"IS_SPACE": True, "TEXT": {"REGEX": r"^ +$"}, "OP": "*"}


def _compile_all(
    phrases: Iterable[str],
    groups: Mapping[str, list[tuple[str, ...]]],
    nlp: Language,
    gap: Gap,
) -> list[list[TokenSpec]]:
    patterns: list[list[TokenSpec]] = []
    for phrase in phrases:
        patterns.extend(compile_phrase(str(phrase), groups, nlp, gap))
    return patterns


def compile_phrase(
    phrase: str,
    groups: Mapping[str, list[tuple[str, ...]]],
    nlp: Language,
    gap: Gap = PLAIN_GAP,
) -> list[list[TokenSpec]]:
    """Turns one lexicon phrase into spaCy Matcher patterns.

    Slots are separated by spaces: `word`, `a|b_c|{group}` (`_` joins the words of one
    alternative), `...` (a `Gap`), each optionally followed by `?`. A word ending in "ing" also matches its
    spoken spelling without the g ("gettin", "swellin").
    """
    slot_variants = [_gap_variants(gap) if raw == GAP else _slot_variants(raw, groups, nlp) for raw in phrase.split()]
    patterns = []
    for combination in itertools.product(*slot_variants):
        pattern = [spec for variant in combination for spec in variant]
        if any(spec.get("OP") not in ("?", "*") for spec in pattern):
            # extra spaces between words are tokens of their own: "my lips are  swelling" is still read
            patterns.append([*pattern[:1], *(s for spec in pattern[1:] for s in (dict(EXTRA_SPACES), spec))])
    return patterns


def _gap_variants(gap: Gap) -> list[list[TokenSpec]]:
    wildcard = {
        "IS_PUNCT": False,
        "IS_SPACE": False,
        "NORM": {"NOT_IN": sorted(gap.stop_words)},
        "OP": "?",
    }
    variant = [dict(wildcard) for _ in range(gap.size)]
    if gap.fillers:
        variant.append({"NORM": {"IN": sorted(gap.fillers)}, "OP": "*"})
    return [variant]


def _slot_variants(raw: str, groups: Mapping[str, list[tuple[str, ...]]], nlp: Language) -> list[list[TokenSpec]]:
    """The token-spec sequences one slot can stand for (single words merged into one IN-set)."""
    optional = len(raw) > 1 and raw.endswith("?")
    alternatives: list[tuple[str, ...]] = []
    for alternative in (raw[:-1] if optional else raw).split("|"):
        if alternative.startswith("{") and alternative.endswith("}"):
            name = alternative[1:-1]
            if name not in groups:
                raise ValueError(f"Unknown word group {{{name}}} in lexicon pattern '{raw}'")
            alternatives.extend(groups[name])
        elif alternative:
            alternatives.append(_norms(alternative.replace("_", " "), nlp))
    alternatives += [spoken for spoken in map(_dropped_g, alternatives) if spoken not in alternatives]
    single = sorted({a[0] for a in alternatives if len(a) == 1})
    multi = sorted({a for a in alternatives if len(a) > 1})
    variants: list[list[TokenSpec]] = [[{"NORM": token} for token in a] for a in multi]
    if single:
        spec: TokenSpec = {"NORM": {"IN": single}}
        if optional:
            spec["OP"] = "?"
        variants.append([spec])
    elif optional:
        variants.append([])
    return variants
