"""Finds warning signs (red flags) in a patient's message after microneedling.

Pure Python on a blank spaCy tokenizer: no Rasa, no model download. All vocabulary lives in
`warning_signs.yml` beside this file, so a clinician can extend it without touching code.

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

import functools
import itertools
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from aftercare.assertion import Assertion
from aftercare.yaml_files import ConfigError, read_yaml_mapping

EMERGENCY = "emergency"
CATEGORIES: tuple[str, ...] = (
    EMERGENCY,
    "infection",
    "cold_sore",
    "allergy",
    "bleeding",
    "worsening",
    "lump",
    "pigmentation",
    "scarring",
)
# A symptom that is not a warning sign on its own ("swollen", "hot"): its mentions get a status too, so the
# classifier's report_* guess can be weighed against "not swollen, not hot" (aftercare/assertion.py).
SYMPTOM = "symptom"
DEFAULT_LEXICON_PATH = Path(__file__).with_name("warning_signs.yml")

GAP = "..."
TokenSpec = dict[str, Any]
Span = tuple[int, int]

# Keys of the cue matcher (one matcher for all non-sign phrase lists).
_NEGATION = "negation"
_PSEUDO = "pseudo_negation"
_RESOLVED_AFTER = "resolved_after"
_RESOLVED_AFTER_FINAL = "resolved_after_final"
_RESOLVED_BEFORE = "resolved_before"
_FRAME_ANY = "frame_any"
_FRAME_ANY_AFTER = "frame_any_after"
_FRAME_QUESTION_BEFORE = "frame_question_before"
_FRAME_QUESTION_AFTER = "frame_question_after"
_BENIGN = "benign"
_REPORTING = "reporting_determiner"
_PAST = "past"
_PRESENT_NOW = "present_now"
_OTHER_PERSON = "other_person"
_REPORTED_SPEECH = "reported_speech"
_UNCERTAIN = "uncertain"
_CUE_KEYS = (
    _NEGATION,
    _PSEUDO,
    _RESOLVED_AFTER,
    _RESOLVED_AFTER_FINAL,
    _RESOLVED_BEFORE,
    _FRAME_ANY,
    _FRAME_ANY_AFTER,
    _FRAME_QUESTION_BEFORE,
    _FRAME_QUESTION_AFTER,
    _BENIGN,
    _REPORTING,
    _PAST,
    _PRESENT_NOW,
    _OTHER_PERSON,
    _REPORTED_SPEECH,
    _UNCERTAIN,
)
_SENTENCE_ENDS = frozenset({".", "?", "!", ";", "...", "…", "?!", "!?"})
_APOSTROPHES = frozenset("\u2018\u2019\u02bc`\u00b4")
_QUOTES = frozenset("\u201c\u201d")
_DASHES = frozenset("-\u2010\u2011")
# spaCy strips punctuation and emoji one at a time: a long run of them takes quadratic time.
_SYMBOL_RUN = re.compile(r"[^\w\s]{8,}")
_SYMBOL_RUN_KEPT = 3


@dataclass(frozen=True)
class WarningSign:
    """One warning sign mentioned in a message: its category, where it is (character offsets), and its status."""

    category: str
    start: int
    end: int
    text: str
    status: Assertion = Assertion.PRESENT


@dataclass(frozen=True)
class Settings:
    """Distances (in words) that bound negation, frames and resolution; see the YAML."""

    gap_size: int = 3
    negation_window: int = 4
    frame_reach: int = 4
    resolution_window: int = 5
    resolution_before_window: int = 3


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The compiled lexicon: a tokenizer, the sign and cue matchers, and the word sets."""

    nlp: Language
    signs: Matcher
    cues: Matcher
    settings: Settings
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
    list_joiners: frozenset[str]
    first_person: frozenset[str]
    resolution_pronouns: frozenset[str]


@dataclass(frozen=True)
class _Candidate:
    category: str
    start: int  # token index
    end: int  # token index, exclusive


@dataclass(frozen=True)
class _Tokens:
    """Per-token facts the rules need, computed once per message."""

    norms: tuple[str, ...]
    skip: tuple[bool, ...]  # plain whitespace: invisible to the rules
    breaks: tuple[bool, ...]  # ends a clause
    new_clause: tuple[bool, ...]  # "and"/"so"/"now" followed by a new subject
    commas: tuple[bool, ...]
    sentence: tuple[int, ...]  # sentence number of each token
    question: frozenset[int]  # sentence numbers that are questions


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
    """Compiles the parsed YAML of a lexicon (see warning_signs.yml for the format).

    Raises:
        ValueError: when it is not a mapping, on an unknown category or word group, or a list entry that is not
            text.

    """
    if not isinstance(data, Mapping):
        raise ValueError("the lexicon must be a mapping of sections (signs, negation, clause, ...)")
    _reject_non_strings(data)
    nlp = spacy.blank("en")
    groups = _normalised_groups(data.get("word_groups") or {}, nlp)
    settings = Settings(**(data.get("settings") or {}))
    negation = data["negation"]
    clause = data["clause"]
    resolution = data["resolution"]
    general = data["general_question"]
    past = data.get("past") or {}
    other_person = data.get("other_person") or {}
    negation_words = _first_norms(negation["cues"], nlp)
    stop_words = negation_words | _all_norms(clause["breaks"], nlp)
    compile_args = (groups, nlp, settings.gap_size, stop_words)

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

    cues = Matcher(nlp.vocab)
    cue_lists = {
        _NEGATION: negation["cues"],
        _PSEUDO: negation.get("pseudo") or [],
        _RESOLVED_AFTER: resolution.get("after_sign") or [],
        _RESOLVED_AFTER_FINAL: resolution.get("after_sign_final") or [],
        _RESOLVED_BEFORE: resolution.get("before_sign") or [],
        _FRAME_ANY: general.get("frames_any") or [],
        _FRAME_ANY_AFTER: general.get("frames_any_after") or [],
        _FRAME_QUESTION_BEFORE: general.get("frames_question_before") or [],
        _FRAME_QUESTION_AFTER: general.get("frames_question_after") or [],
        _BENIGN: data.get("benign") or [],
        _REPORTING: general.get("reporting_determiners") or [],
        _PAST: past.get("cues") or [],
        _PRESENT_NOW: past.get("present_cues") or [],
        _OTHER_PERSON: other_person.get("cues") or [],
        _REPORTED_SPEECH: other_person.get("reporting_verbs") or [],
        _UNCERTAIN: data.get("uncertainty") or [],
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
        list_joiners=_first_norms(general.get("list_joiners") or [], nlp),
        first_person=_all_norms(other_person.get("first_person") or [], nlp),
        resolution_pronouns=_first_norms(resolution.get("next_clause_pronouns") or [], nlp),
    )


def _norms(phrase: str, nlp: Language) -> tuple[str, ...]:
    """The normalised tokens of a phrase, tokenised exactly like a message."""
    return tuple(t.norm_ for t in nlp.make_doc(_sanitise(str(phrase))) if not t.is_space)


def _first_norms(words: Iterable[str], nlp: Language) -> frozenset[str]:
    return frozenset(n[0] for n in (_norms(w, nlp) for w in words) if n)


def _all_norms(words: Iterable[str], nlp: Language) -> frozenset[str]:
    return frozenset(itertools.chain.from_iterable(_norms(w, nlp) for w in words))


def _normalised_groups(groups: Mapping[str, Sequence[str]], nlp: Language) -> dict[str, list[tuple[str, ...]]]:
    return {name: [n for n in (_norms(entry, nlp) for entry in entries) if n] for name, entries in groups.items()}


def _compile_all(
    phrases: Iterable[str],
    groups: Mapping[str, list[tuple[str, ...]]],
    nlp: Language,
    gap_size: int,
    stop_words: frozenset[str],
) -> list[list[TokenSpec]]:
    patterns: list[list[TokenSpec]] = []
    for phrase in phrases:
        patterns.extend(compile_phrase(str(phrase), groups, nlp, gap_size, stop_words))
    return patterns


def compile_phrase(
    phrase: str,
    groups: Mapping[str, list[tuple[str, ...]]],
    nlp: Language,
    gap_size: int = 3,
    stop_words: frozenset[str] = frozenset(),
) -> list[list[TokenSpec]]:
    """Turns one lexicon phrase into spaCy Matcher patterns.

    Slots are separated by spaces: `word`, `a|b_c|{group}` (`_` joins the words of one
    alternative), `...` (a gap of up to `gap_size` words that are not punctuation nor in
    `stop_words`), each optionally followed by `?`.
    """
    slot_variants = [
        _gap_variants(gap_size, stop_words) if raw == GAP else _slot_variants(raw, groups, nlp)
        for raw in phrase.split()
    ]
    patterns = []
    for combination in itertools.product(*slot_variants):
        pattern = [spec for variant in combination for spec in variant]
        if any(spec.get("OP") != "?" for spec in pattern):
            patterns.append(pattern)
    return patterns


def _gap_variants(gap_size: int, stop_words: frozenset[str]) -> list[list[TokenSpec]]:
    wildcard = {
        "IS_PUNCT": False,
        "IS_SPACE": False,
        "NORM": {"NOT_IN": sorted(stop_words)},
        "OP": "?",
    }
    return [[dict(wildcard) for _ in range(gap_size)]]


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


# --------------------------------------------------------------------------------------------
# Detection


def detect_warning_signs(text: str, lexicon: Lexicon | None = None) -> list[WarningSign]:
    """Finds the warning signs a patient reports in `text` now (present or uncertain), in order of position.

    Negated, resolved, hypothetical, general, past and someone else's mentions are left out (see the module
    docstring). Never raises on odd text (emoji, very long text, right-to-left or control characters).
    """
    return [sign for sign in find_sign_mentions(text, lexicon) if sign.status.escalates and sign.category != SYMPTOM]


def find_sign_mentions(text: str, lexicon: Lexicon | None = None) -> list[WarningSign]:
    """Every mention of a warning sign or a symptom in `text`, in order of position, each with its status.

    A symptom (category `symptom`) is never a warning sign on its own, whatever its status.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    lexicon = lexicon or default_lexicon()
    clean = _sanitise(text)
    doc = lexicon.nlp.make_doc(clean)
    tokens = _token_facts(doc, lexicon)
    cues = _cue_spans(doc, lexicon)
    candidates = _drop_overlaps(_candidates(doc, lexicon, tokens, cues[_BENIGN]))
    negations = _active_negations(cues, tokens, lexicon)
    signs = []
    for candidate in candidates:
        status = _status(candidate, cues, negations, tokens, lexicon)
        start, end = doc[candidate.start].idx, doc[candidate.end - 1].idx + len(doc[candidate.end - 1])
        signs.append(WarningSign(candidate.category, start, end, text[start:end], status))
    return signs


def _status(
    candidate: _Candidate,
    cues: Mapping[str, Sequence[Span]],
    negations: Sequence[Span],
    tokens: _Tokens,
    lexicon: Lexicon,
) -> Assertion:
    """The assertion status of one mention; the checks run from the most to the least specific cue."""
    if _is_negated(candidate, negations, tokens, lexicon):
        return Assertion.NEGATED
    if _is_resolved(candidate, cues, tokens, lexicon):
        return Assertion.RESOLVED
    there_now = _in_sentence(candidate, cues[_PRESENT_NOW], tokens)
    if not there_now and _in_sentence(candidate, cues[_PAST], tokens):
        return Assertion.PAST
    suppressible = candidate.category not in lexicon.never_suppressed
    if suppressible and _is_someone_elses(candidate, cues, tokens, lexicon):
        return Assertion.OTHER_PERSON
    general = _general_frame(candidate, cues, tokens, lexicon) if suppressible else None
    if general is not None:
        return general
    if _in_sentence(candidate, cues[_UNCERTAIN], tokens, before_only=True):
        return Assertion.UNCERTAIN
    return Assertion.PRESENT


def _in_sentence(candidate: _Candidate, spans: Sequence[Span], tokens: _Tokens, before_only: bool = False) -> bool:
    """Whether one of the cue spans lies in the mention's sentence (before it, with `before_only`)."""
    sentence = tokens.sentence[candidate.start]
    return any(
        tokens.sentence[start] == sentence
        and (end <= candidate.start or not before_only)
        and not (candidate.start <= start < candidate.end)
        for start, end in spans
    )


def _is_someone_elses(
    candidate: _Candidate, cues: Mapping[str, Sequence[Span]], tokens: _Tokens, lexicon: Lexicon
) -> bool:
    """A person cue earlier in the sentence, not reporting speech, and no first-person word up to the sign."""
    sentence = tokens.sentence[candidate.start]
    for start, end in cues[_OTHER_PERSON]:
        if end > candidate.start or tokens.sentence[start] != sentence:
            continue
        if any(end <= r_start <= end + 3 for r_start, _ in cues[_REPORTED_SPEECH]):
            continue  # "my husband says it's oozing": the patient's own skin
        if not any(tokens.norms[i] in lexicon.first_person for i in range(end, candidate.start)):
            return True
    return False


def _sanitise(text: str) -> str:
    """Same-length clean-up: offsets in the result are offsets in `text`.

    Curly apostrophes become straight ones, control and invisible format characters become spaces,
    a hyphen between letters becomes a space ("hot-to-the-touch", "pus-filled"), and a run of 8 or
    more symbols or emoji keeps only its first three ("pus?????" reads as "pus???").
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
    return _SYMBOL_RUN.sub(_shorten_symbol_run, "".join(chars))


def _shorten_symbol_run(match: re.Match[str]) -> str:
    run = match.group()
    return run[:_SYMBOL_RUN_KEPT] + " " * (len(run) - _SYMBOL_RUN_KEPT)


def _token_facts(doc: Doc, lexicon: Lexicon) -> _Tokens:
    norms = tuple(t.norm_ for t in doc)
    newline = [t.is_space and "\n" in t.text for t in doc]
    skip = tuple(t.is_space and not nl for t, nl in zip(doc, newline, strict=False))
    punct = [t.is_punct or nl for t, nl in zip(doc, newline, strict=False)]
    new_clause = tuple(
        norm in lexicon.conjunctions and _next_norm(norms, skip, i) in lexicon.clause_starters
        for i, norm in enumerate(norms)
    )
    breaks = tuple(punct[i] or norm in lexicon.clause_breaks or new_clause[i] for i, norm in enumerate(norms))
    sentence, question = _sentences(doc, norms, skip, punct, lexicon)
    return _Tokens(
        norms=norms,
        skip=skip,
        breaks=breaks,
        new_clause=new_clause,
        commas=tuple(t.text == "," for t in doc),
        sentence=sentence,
        question=question,
    )


def _next_norm(norms: Sequence[str], skip: Sequence[bool], i: int) -> str:
    for j in range(i + 1, len(norms)):
        if not skip[j]:
            return norms[j]
    return ""


def _sentences(
    doc: Doc, norms: Sequence[str], skip: Sequence[bool], punct: Sequence[bool], lexicon: Lexicon
) -> tuple[tuple[int, ...], frozenset[int]]:
    """Numbers sentences; a question has a "?" or a clause starting with a question word."""
    sentence: list[int] = []
    question = set()
    number, clause_start = 0, True
    for i, token in enumerate(doc):
        sentence.append(number)
        if skip[i]:
            continue
        if "?" in token.text:
            question.add(number)
        if clause_start and norms[i] in lexicon.question_starters:
            question.add(number)
        clause_start = punct[i]
        if token.text in _SENTENCE_ENDS or (token.is_space and "\n" in token.text):
            number += 1
    return tuple(sentence), frozenset(question)


def _cue_spans(doc: Doc, lexicon: Lexicon) -> dict[str, list[Span]]:
    spans: dict[str, list[Span]] = {key: [] for key in _CUE_KEYS}
    for match_id, start, end in lexicon.cues(doc):
        spans[lexicon.nlp.vocab.strings[match_id]].append((start, end))
    return {key: sorted(set(value)) for key, value in spans.items()}


def _candidates(doc: Doc, lexicon: Lexicon, tokens: _Tokens, benign: Sequence[Span]) -> list[_Candidate]:
    """The longest sign matches of each category that stay in one clause and are not benign.

    Gaps ("...") already exclude punctuation and break words; this also drops "and my ...".
    """
    found = []
    for match_id, start, end in lexicon.signs(doc):
        if any(tokens.new_clause[i] for i in range(start + 1, end - 1)):
            continue
        if any(b_start <= start and end <= b_end for b_start, b_end in _near(benign, start - 12, end)):
            continue
        found.append(_Candidate(lexicon.nlp.vocab.strings[match_id], start, end))
    return _longest_per_category(found)


def _longest_per_category(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    """Within a category, overlapping matches are one sign, spanning all of them ("allergic reaction to the")."""
    merged: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.category, c.start, -c.end)):
        last = merged[-1] if merged else None
        if last and last.category == candidate.category and candidate.start < last.end:
            merged[-1] = _Candidate(last.category, last.start, max(last.end, candidate.end))
        else:
            merged.append(candidate)
    return merged


def _drop_overlaps(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    """Keeps the longest reading across categories.

    A sign inside a longer sign of another category is dropped ("fever" in "fever blister"),
    except an emergency, which is never dropped.
    """
    kept = []
    for candidate in candidates:
        length = candidate.end - candidate.start
        covered = any(
            other.category != candidate.category
            and other.start <= candidate.start
            and candidate.end <= other.end
            and other.end - other.start > length
            for other in candidates
        )
        if not covered or candidate.category == EMERGENCY:
            kept.append(candidate)
    order = {category: rank for rank, category in enumerate((*CATEGORIES, SYMPTOM))}
    return sorted(set(kept), key=lambda c: (c.start, order[c.category], c.end))


def _active_negations(cues: Mapping[str, Sequence[Span]], tokens: _Tokens, lexicon: Lexicon) -> list[Span]:
    """Negation cues that really negate: not part of "not sure"..., not an answering "no,"."""
    active = []
    for start, end in cues[_NEGATION]:
        if any(p_start < end and start < p_end for p_start, p_end in cues[_PSEUDO]):
            continue
        if tokens.norms[start] in lexicon.interjections and end - start == 1:
            following = _next_index(tokens, end - 1)
            if following is None or tokens.breaks[following]:
                continue
            if tokens.norms[following] in lexicon.clause_starters:
                continue
        active.append((start, end))
    return active


def _next_index(tokens: _Tokens, i: int) -> int | None:
    for j in range(i + 1, len(tokens.norms)):
        if not tokens.skip[j]:
            return j
    return None


def _reaches(
    tokens: _Tokens,
    start: int,
    end: int,
    window: int,
    fillers: frozenset[str],
    stoppers: frozenset[str] = frozenset(),
    continuers: frozenset[str] = frozenset(),
    only_fillers: bool = False,
    joiners: frozenset[str] = frozenset(),
) -> bool:
    """Whether tokens[start:end] stay inside one clause and hold at most `window` counted words.

    Fillers are not counted. With `only_fillers`, any non-filler word blocks, except an item of a list
    (a word followed by one of `joiners`: "the risk of breakouts or infection"). A comma followed by
    one of `continuers` does not end the clause (a list of symptoms).
    """
    counted = 0
    for i in range(start, end):
        if tokens.skip[i]:
            continue
        if tokens.breaks[i]:
            if tokens.commas[i] and tokens.norms[_next_index(tokens, i) or i] in continuers:
                continue
            return False
        norm = tokens.norms[i]
        if norm in stoppers:
            return False
        if norm in fillers:
            continue
        if only_fillers:
            following = _next_index(tokens, i)
            if following is not None and following < end and tokens.norms[following] in joiners:
                continue
            return False
        counted += 1
        if counted > window:
            return False
    return True


def _near(spans: Sequence[Span], low: int, high: int) -> Sequence[Span]:
    """The spans (sorted by start) that start in [low, high]."""
    return spans[bisect_left(spans, (low, -1)) : bisect_left(spans, (high + 1, -1))]


def _is_negated(candidate: _Candidate, negations: Sequence[Span], tokens: _Tokens, lexicon: Lexicon) -> bool:
    for _, cue_end in _near(negations, candidate.start - 40, candidate.start - 1):
        if cue_end <= candidate.start and _reaches(
            tokens,
            cue_end,
            candidate.start,
            lexicon.settings.negation_window,
            lexicon.negation_fillers,
            lexicon.scope_stoppers,
            lexicon.list_continuers,
        ):
            return True
    return False


def _cue_is_negated(start: int, tokens: _Tokens, lexicon: Lexicon) -> bool:
    """Whether one of the two words before a cue negates it ("hasn't gone away")."""
    seen = 0
    for i in range(start - 1, -1, -1):
        if tokens.skip[i]:
            continue
        if tokens.breaks[i]:
            return False
        if tokens.norms[i] in lexicon.negation_words:
            return True
        seen += 1
        if seen == 2:
            return False
    return False


def _next_clause_start(candidate: _Candidate, tokens: _Tokens, lexicon: Lexicon) -> int | None:
    """Where a following clause about the same sign starts ("a rash last night, but it went away": at "it")."""
    i = _next_index(tokens, candidate.end - 1)
    for _ in range(lexicon.settings.resolution_window):  # the rest of the sign's clause: "last night"
        if i is None or tokens.breaks[i]:
            break
        i = _next_index(tokens, i)
    seen_break = False
    while i is not None and tokens.breaks[i] and not tokens.new_clause[i]:
        seen_break = True
        i = _next_index(tokens, i)
    if i is not None and tokens.new_clause[i]:
        seen_break, i = True, _next_index(tokens, i)
    if seen_break and i is not None and tokens.norms[i] in lexicon.resolution_pronouns:
        return i
    return None


def _is_resolved(candidate: _Candidate, cues: Mapping[str, Sequence[Span]], tokens: _Tokens, lexicon: Lexicon) -> bool:
    settings = lexicon.settings
    fillers = lexicon.negation_fillers
    pronoun = _next_clause_start(candidate, tokens, lexicon)
    for key, cancellable in ((_RESOLVED_AFTER, True), (_RESOLVED_AFTER_FINAL, False)):
        for start, end in _near(cues[key], candidate.end, candidate.end + 40):
            same_clause = _reaches(tokens, candidate.end, start, settings.resolution_window, fillers)
            # In the next clause only when the cue takes no object: "but it stopped itching" is another symptom.
            next_clause = (
                pronoun is not None
                and _reaches(tokens, pronoun, start, settings.resolution_window, fillers)
                and not tokens.norms[_next_index(tokens, end - 1) or end - 1].endswith("ing")
            )
            if not (same_clause or next_clause):
                continue
            if not (cancellable and _cue_is_negated(start, tokens, lexicon)):
                return True
    for start, end in _near(cues[_RESOLVED_BEFORE], candidate.start - 40, candidate.start - 1):
        window = settings.resolution_before_window
        if end <= candidate.start and _reaches(tokens, end, candidate.start, window, fillers):
            if not _cue_is_negated(start, tokens, lexicon):
                return True
    return False


def _general_frame(
    candidate: _Candidate, cues: Mapping[str, Sequence[Span]], tokens: _Tokens, lexicon: Lexicon
) -> Assertion | None:
    """HYPOTHETICAL for a prevention or supposition frame, GENERAL for a question frame, else None."""
    reach = lexicon.settings.frame_reach
    fillers = lexicon.frame_fillers
    joiners = lexicon.list_joiners
    question = tokens.sentence[candidate.start] in tokens.question

    def before(key: str) -> bool:
        return any(
            end <= candidate.start
            and _reaches(tokens, end, candidate.start, reach, fillers, only_fillers=True, joiners=joiners)
            for _, end in _near(cues[key], candidate.start - 40, candidate.start - 1)
        )

    def after(key: str) -> bool:
        return any(
            _reaches(tokens, candidate.end, start, reach, fillers, only_fillers=True)
            for start, _ in _near(cues[key], candidate.end, candidate.end + 40)
        )

    if before(_FRAME_ANY) or after(_FRAME_ANY_AFTER):
        return Assertion.HYPOTHETICAL
    if not question:
        return None
    if before(_FRAME_QUESTION_BEFORE):
        return Assertion.GENERAL
    if not _is_reported(candidate, cues[_REPORTING]) and after(_FRAME_QUESTION_AFTER):
        return Assertion.GENERAL
    return None


def _is_reported(candidate: _Candidate, determiners: Sequence[Span]) -> bool:
    """A sign right after "my", "these", "the"... is the patient's own."""
    return any(end == candidate.start for _, end in _near(determiners, candidate.start - 4, candidate.start))
