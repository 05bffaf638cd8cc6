"""Finding sign and cue phrases in a message: per-token facts, sentences and sign candidates."""

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from aftercare.warning_signs.lexicon import CATEGORIES, CUE_KEYS, EMERGENCY, SYMPTOM, Lexicon, Span

SENTENCE_ENDS = frozenset({".", "?", "!", ";", "...", "…", "?!", "!?"})


@dataclass(frozen=True)
class Candidate:
    category: str
    start: int  # token index
    end: int  # token index, exclusive


@dataclass(frozen=True)
class Tokens:
    """Per-token facts the rules need, computed once per message."""

    norms: tuple[str, ...]
    skip: tuple[bool, ...]  # plain whitespace: invisible to the rules
    breaks: tuple[bool, ...]  # ends a clause
    new_clause: tuple[bool, ...]  # "and"/"so"/"now" followed by a new subject
    commas: tuple[bool, ...]
    sentence: tuple[int, ...]  # sentence number of each token
    question: frozenset[int]  # sentence numbers that are questions


def token_facts(doc: Doc, lexicon: Lexicon) -> Tokens:
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
    return Tokens(
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
        if token.text in SENTENCE_ENDS or (token.is_space and "\n" in token.text):
            number += 1
    return tuple(sentence), frozenset(question)


def cue_spans(doc: Doc, lexicon: Lexicon) -> dict[str, list[Span]]:
    spans: dict[str, list[Span]] = {key: [] for key in CUE_KEYS}
    for match_id, start, end in lexicon.cues(doc):
        spans[lexicon.nlp.vocab.strings[match_id]].append((start, end))
    return {key: sorted(set(value)) for key, value in spans.items()}


def find_candidates(
    doc: Doc, lexicon: Lexicon, tokens: Tokens, benign: Sequence[Span]
) -> tuple[list[Candidate], list[Candidate]]:
    """The longest sign matches of each category that stay in one clause, and apart those inside a benign phrase.

    Gaps ("...") already exclude punctuation and break words; this also drops "and my ...". A match found entirely
    inside a benign phrase ("acne scars", "hot water bottle") is a word of a sign with another meaning.
    """
    found, inside_benign = [], []
    for match_id, start, end in lexicon.signs(doc):
        if any(tokens.new_clause[i] for i in range(start + 1, end - 1)):
            continue
        candidate = Candidate(lexicon.nlp.vocab.strings[match_id], start, end)
        if any(b_start <= start and end <= b_end for b_start, b_end in spans_between(benign, start - 12, end)):
            inside_benign.append(candidate)
        else:
            found.append(candidate)
    return _longest_per_category(found), _longest_per_category(inside_benign)


def _longest_per_category(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Within a category, overlapping matches are one sign, spanning all of them ("allergic reaction to the")."""
    merged: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.category, c.start, -c.end)):
        last = merged[-1] if merged else None
        if last and last.category == candidate.category and candidate.start < last.end:
            merged[-1] = Candidate(last.category, last.start, max(last.end, candidate.end))
        else:
            merged.append(candidate)
    return merged


def drop_overlaps(candidates: Sequence[Candidate]) -> list[Candidate]:
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
    return sorted(set(kept), key=lambda c: (c.start, order.get(c.category, len(order)), c.end))  # effects last


def spans_between(spans: Sequence[Span], low: int, high: int) -> Sequence[Span]:
    """The spans (sorted by start) that start in [low, high]."""
    return spans[bisect_left(spans, (low, -1)) : bisect_left(spans, (high + 1, -1))]
