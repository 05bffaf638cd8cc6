"""Detection: the rules giving each sign mention its status (negated, resolved, general, past, someone else's)."""

from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from aftercare.assertion import Assertion
from aftercare.warning_signs.lexicon import (
    AS_EXPECTED,
    ASKING_AHEAD,
    BENIGN,
    CALM_NOW,
    CONDITIONAL,
    EARLY_HOURS,
    EFFECT_PREFIX,
    EMERGENCY,
    FRAME_ANY,
    FRAME_ANY_AFTER,
    FRAME_QUESTION_AFTER,
    FRAME_QUESTION_BEFORE,
    HELP_SEEKING,
    NEGATION,
    ON_BEHALF,
    OPENING_CONDITIONAL,
    OTHER_PERSON,
    PAST,
    PRESENT_NOW,
    PSEUDO,
    REPORTED_SPEECH,
    REPORTING,
    RESOLVED_AFTER,
    RESOLVED_AFTER_FINAL,
    RESOLVED_BEFORE,
    RETURNED,
    SELF_PHRASE,
    STRANGER,
    SYMPTOM,
    TREATED,
    UNCERTAIN,
    UNTREATED,
    WORSENING,
    WRITERS_VIEW,
    Lexicon,
    Span,
    WarningSign,
    default_lexicon,
)
from aftercare.warning_signs.matching import (
    Candidate,
    Tokens,
    cue_spans,
    drop_overlaps,
    find_candidates,
    spans_between,
    token_facts,
)
from aftercare.warning_signs.text import sanitise

# --------------------------------------------------------------------------------------------
# Detection


def detect_warning_signs(text: str, lexicon: Lexicon | None = None) -> list[WarningSign]:
    """Finds the warning signs a patient reports in `text` now (present or uncertain), in order of position.

    Negated, resolved, hypothetical, general, past and someone else's mentions are left out (see the module
    docstring). Never raises on odd text (emoji, very long text, right-to-left or control characters).
    """
    return [sign for sign in find_sign_mentions(text, lexicon) if sign.escalates]


def find_sign_mentions(text: str, lexicon: Lexicon | None = None) -> list[WarningSign]:
    """Every mention of a warning sign or a symptom in `text`, in order of position, each with its status.

    A symptom (category `symptom`) is never a warning sign on its own, whatever its status.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    lexicon = lexicon or default_lexicon()
    clean = sanitise(text)
    doc = lexicon.nlp.make_doc(clean)
    tokens = token_facts(doc, lexicon)
    cues = _without_became(_without_calm_now(cue_spans(doc, lexicon)), tokens, lexicon)
    found, inside_benign = find_candidates(doc, lexicon, tokens, cues[BENIGN])
    candidates = drop_overlaps(found)
    # A benign phrase's words are reported as such ("my boyfriend says I look hot"), so that they too overrule the
    # classifier's report_* guess, unless they overlap a sign read as one.
    benign = [c for c in inside_benign if not any(c.start < k.end and k.start < c.end for k in candidates)]
    negations = _active_negations(cues, tokens, lexicon)
    # the words of every mention: a resolution after a clause naming another one is not about this one
    sign_words = frozenset(i for candidate in found for i in range(candidate.start, candidate.end))
    statuses = {}
    for candidate in candidates:
        statuses[candidate] = _status(candidate, cues, negations, tokens, lexicon, sign_words)
    _share_negated_subjects(candidates, statuses, tokens)
    rising = _rising_pain_score(tokens, lexicon)
    if rising is not None and not any(
        c.category == WORSENING and c.start < rising.end and rising.start < c.end for c in candidates
    ):
        candidates.append(rising)
        statuses[rising] = _status(rising, cues, negations, tokens, lexicon, sign_words)
    for candidate, status in _combined(doc, lexicon, tokens, cues, negations, sign_words):
        candidates.append(candidate)
        statuses[candidate] = status
    for returned in _returned_after_resolution(candidates, statuses, cues, tokens):
        candidates.append(returned)
        statuses[returned] = _status(returned, cues, negations, tokens, lexicon, sign_words)
    signs = []
    for candidate in sorted([*candidates, *benign], key=lambda c: (c.start, c.end)):
        is_benign = candidate in benign
        status = Assertion.BENIGN if is_benign else statuses[candidate]
        start, end = doc[candidate.start].idx, doc[candidate.end - 1].idx + len(doc[candidate.end - 1])
        category, _, topic = candidate.category.partition(":")  # "effect:redness"
        expectable = not is_benign and _expectable(candidate, tokens, lexicon)
        intense = _intense(candidate, tokens, lexicon)
        signs.append(WarningSign(category, start, end, text[start:end], status, topic or None, expectable, intense))
    return signs


def _without_became(cues: dict[str, list[Span]], tokens: Tokens, lexicon: Lexicon) -> dict[str, list[Span]]:
    """The cues, without the resolutions followed by what the sign became: "it's just gone dark", "gone numb"."""
    kept = [(s, e) for s, e in cues[RESOLVED_AFTER] if _word_after(tokens, e) not in lexicon.became_words]
    return {**cues, RESOLVED_AFTER: kept}


def _without_calm_now(cues: dict[str, list[Span]]) -> dict[str, list[Span]]:
    """The cues, without the "there now" words inside a phrase saying all is well now ("totally fine now")."""
    calm = cues.get(CALM_NOW) or []
    if calm:
        kept = [(s, e) for s, e in cues[PRESENT_NOW] if not any(cs <= s and e <= ce for cs, ce in calm)]
        cues = {**cues, PRESENT_NOW: kept}
    return cues


# A symptom named just before a sign in its clause is that sign's subject: "pain's not getting worse".
SUBJECT_REACH = 3


def _share_negated_subjects(candidates: list[Candidate], statuses: dict[Candidate, Assertion], tokens: Tokens) -> None:
    """A symptom or effect whose clause goes straight on to a negated or resolved sign takes that sign's status.

    "Pain's not getting worse" does not report pain any more than a worsening; nor "the swelling isn't spreading".
    """
    for candidate in candidates:
        if candidate.category != SYMPTOM and not candidate.category.startswith(EFFECT_PREFIX):
            continue
        if not statuses[candidate].escalates:
            continue
        for sign in candidates:
            status = statuses[sign]
            if sign.category == SYMPTOM or sign.category.startswith(EFFECT_PREFIX):
                continue
            if status not in (Assertion.NEGATED, Assertion.RESOLVED):
                continue
            if candidate.end <= sign.start <= candidate.end + SUBJECT_REACH and not any(
                tokens.breaks[i] for i in range(candidate.end, sign.start)
            ):
                statuses[candidate] = status
                break


def _rising_pain_score(tokens: Tokens, lexicon: Lexicon) -> Candidate | None:
    """Pain rated higher now than before in one sentence: "pain was a 2 yesterday, today it's a 6" (worsening).

    A rating is a whole number of the scale ("6", "6/10"); the one in a clause with an earlier word ("yesterday",
    "was") is the rating before, any other the rating now. The sign spans from the first rating to the last.
    """
    if not lexicon.pain_words:
        return None
    for sentence in sorted(set(tokens.sentence)):
        indices = [i for i, number in enumerate(tokens.sentence) if number == sentence and not tokens.skip[i]]
        if not any(tokens.norms[i] in lexicon.pain_words for i in indices):
            continue
        earlier, now, clause_earlier = [], [], False
        for i in indices:
            if tokens.breaks[i]:
                clause_earlier = False
            norm = tokens.norms[i]
            if norm in lexicon.earlier_words:
                clause_earlier = True
            score = _rating(norm, tokens.norms[i - 1] if i else "", lexicon.pain_scale)
            if score is not None:
                (earlier if clause_earlier else now).append((i, score))
        if earlier and now and max(score for _, score in now) > max(score for _, score in earlier):
            positions = [i for i, _ in earlier + now]
            return Candidate(WORSENING, min(positions), max(positions) + 1)
    return None


def _returned_after_resolution(
    candidates: Sequence[Candidate],
    statuses: Mapping[Candidate, Assertion],
    cues: Mapping[str, Sequence[Span]],
    tokens: Tokens,
) -> list[Candidate]:
    """A sign resolved and then back in its sentence, the return having no subject of its own (worsening).

    "The swelling went down on day 3 but came back today", "the redness, which had subsided by Thursday, has returned".

    The return cue is the sign, so its own status is read: "if it comes back", "it hasn't come back".
    """
    found: list[Candidate] = []
    worsening = [c for c in candidates if c.category == WORSENING]
    for candidate, status in statuses.items():
        if status is not Assertion.RESOLVED or candidate.category == EMERGENCY:
            continue
        sentence = tokens.sentence[candidate.start]
        resolutions = [start for start, _ in cues[RESOLVED_AFTER] if tokens.sentence[start] == sentence]
        for start, end in spans_between(cues[RETURNED], candidate.end, len(tokens.norms)):
            if tokens.sentence[start] != sentence:
                break
            # resolved before the return and not again after it
            if not any(candidate.end <= r < start for r in resolutions) or any(r >= end for r in resolutions):
                continue
            if not any(c.start < end and start < c.end for c in (*worsening, *found)):
                found.append(Candidate(WORSENING, start, end))
    return found


def _rating(norm: str, before: str, scale: int) -> int | None:
    """The pain rating a token gives ("6", "6/10"), not the scale itself ("out of 10", "/10")."""
    number, _, of = norm.partition("/")
    if before in ("of", "/") or not number.isdigit() or (of and of != str(scale)):
        return None
    return int(number) if int(number) <= scale else None


def _combined(
    doc: Doc,
    lexicon: Lexicon,
    tokens: Tokens,
    cues: Mapping[str, Sequence[Span]],
    negations: Sequence[Span],
    sign_words: frozenset[int],
) -> list[tuple[Candidate, Assertion]]:
    """The signs two parts make together wherever each stands ("a fever of 40 ... she's vomiting"), both there now.

    The combined sign spans from the first part's start to the second's end; it is uncertain when either part is.
    """
    parts: dict[tuple[str, str], dict[str, list[Candidate]]] = {}
    matches = lexicon.combinations(doc) if len(lexicon.combinations) else []  # spaCy warns on an empty matcher
    for match_id, start, end in matches:
        category, index, part = lexicon.nlp.vocab.strings[match_id].split(":")
        parts.setdefault((category, index), {}).setdefault(part, []).append(Candidate(category, start, end))
    combined = []
    for (category, _), found in parts.items():
        there = {
            part: [
                (c, status)
                for c in matches
                if (status := _status(c, cues, negations, tokens, lexicon, sign_words)).escalates
            ]
            for part, matches in found.items()
        }
        if not there.get("0") or not there.get("1"):
            continue
        (first, first_status), (second, second_status) = there["0"][0], there["1"][0]
        if first.start < second.end and second.start < first.end:
            continue  # one phrase read twice is no combination
        start, end = min(first.start, second.start), max(first.end, second.end)
        uncertain = Assertion.UNCERTAIN in (first_status, second_status)
        combined.append((Candidate(category, start, end), Assertion.UNCERTAIN if uncertain else Assertion.PRESENT))
    return combined


def _status(
    candidate: Candidate,
    cues: Mapping[str, Sequence[Span]],
    negations: Sequence[Span],
    tokens: Tokens,
    lexicon: Lexicon,
    sign_words: frozenset[int],
) -> Assertion:
    """The assertion status of one mention; the checks run from the most to the least specific cue.

    `sign_words` are the words of every mention in the message.
    """
    if _is_negated(candidate, negations, tokens, lexicon):
        return Assertion.NEGATED
    if _is_resolved(candidate, cues, tokens, lexicon, sign_words):
        return Assertion.RESOLVED
    # the sign's own words may say so: "swollen again, I had that last time too"
    present = _saying_now(cues[PRESENT_NOW], cues[CONDITIONAL], negations, tokens, lexicon)
    there_now = _in_sentence(candidate, present, tokens, own_words=True)
    past = _outside_comparisons(_affirmed(cues[PAST], negations, tokens), candidate, tokens, lexicon)
    if not there_now and _in_sentence(candidate, past, tokens):
        return Assertion.PAST
    if _is_supposed(candidate, cues, tokens, lexicon):
        return Assertion.HYPOTHETICAL
    if _is_someone_elses(candidate, cues, tokens, lexicon):
        return Assertion.OTHER_PERSON
    suppressible = candidate.category not in lexicon.never_suppressed
    general = _general_frame(candidate, cues, tokens, lexicon) if suppressible else None
    if general is not None:
        return general
    if _expectable(candidate, tokens, lexicon) and (
        _in_sentence(candidate, cues[AS_EXPECTED], tokens) or cues[EARLY_HOURS]
    ):
        return Assertion.EXPECTED
    if _in_sentence(candidate, cues[UNCERTAIN], tokens, before_only=True):
        return Assertion.UNCERTAIN
    return Assertion.PRESENT


def _affirmed(spans: Sequence[Span], negations: Sequence[Span], tokens: Tokens) -> list[Span]:
    """The cue spans with no negation in their clause: "last time I didn't get this" says what did not happen then."""
    return [span for span in spans if not any(_same_clause(span, negation, tokens) for negation in negations)]


def _outside_comparisons(spans: Sequence[Span], candidate: Candidate, tokens: Tokens, lexicon: Lexicon) -> list[Span]:
    """The cue spans, less those in a comparing clause ("like", "how") that does not hold the sign.

    "Tiny painful bumps on my lip, exactly how my cold sores used to start" tells what the bumps are like, not that
    they are past.
    """
    kept = []
    for start, end in spans:
        i = start - 1
        while i >= 0 and not tokens.breaks[i] and tokens.norms[i] not in lexicon.comparison_words:
            i -= 1
        comparing = i >= 0 and tokens.norms[i] in lexicon.comparison_words
        if not comparing or _same_clause((start, end), (candidate.start, candidate.end), tokens):
            kept.append((start, end))
    return kept


def _saying_now(
    present: Sequence[Span], conditionals: Sequence[Span], negations: Sequence[Span], tokens: Tokens, lexicon: Lexicon
) -> list[Span]:
    """The present cues that say a sign is there now.

    Not a time to come after an "if" in its clause ("wondering if it'll happen again"), nor a cue right after a
    negation ("none now", "not today").
    """
    kept = []
    for start, end in present:
        previous = _previous_index(tokens, start)
        if previous is not None and any(n_start <= previous < n_end for n_start, n_end in negations):
            continue
        supposed = tokens.norms[start] in lexicon.conditional_times and any(
            c_start < start and _same_clause((start, end), (c_start, c_end), tokens) for c_start, c_end in conditionals
        )
        if not supposed:
            kept.append((start, end))
    return kept


def _same_clause(one: Span, other: Span, tokens: Tokens) -> bool:
    """Whether two spans lie in one clause: the same sentence and no clause break between them."""
    first, second = sorted((one, other))
    return tokens.sentence[first[0]] == tokens.sentence[second[0]] and _clause_end(tokens, first[1]) >= second[0]


def _expectable(candidate: Candidate, tokens: Tokens, lexicon: Lexicon) -> bool:
    """A sign named only with the words of an expected effect ("hot and red", "clear ooze").

    Never an emergency, nor a worsening, which is never expected ("swelling more and more").
    """
    words = tokens.norms[candidate.start : candidate.end]
    return candidate.category not in (*lexicon.never_suppressed, WORSENING) and all(
        norm in lexicon.expectable_words or norm in lexicon.frame_fillers for norm in words
    )


INTENSITY_REACH = 2  # words before a mention an intensity word may stand ("so bright red")


def _intense(candidate: Candidate, tokens: Tokens, lexicon: Lexicon) -> bool:
    """An intensity word just before the mention, in its sentence: "still really red", "tomato red"."""
    sentence = tokens.sentence[candidate.start]
    before = range(max(0, candidate.start - INTENSITY_REACH), candidate.start)
    return any(tokens.sentence[i] == sentence and tokens.norms[i] in lexicon.intensity_words for i in before)


def _in_sentence(
    candidate: Candidate, spans: Sequence[Span], tokens: Tokens, before_only: bool = False, own_words: bool = False
) -> bool:
    """Whether one of the cue spans lies in the mention's sentence (before it, with `before_only`).

    A cue among the mention's own words counts only with `own_words`.
    """
    sentence = tokens.sentence[candidate.start]
    return any(
        tokens.sentence[start] == sentence
        and (end <= candidate.start or not before_only)
        and (own_words or not candidate.start <= start < candidate.end)
        for start, end in spans
    )


def _is_supposed(candidate: Candidate, cues: Mapping[str, Sequence[Span]], tokens: Tokens, lexicon: Lexicon) -> bool:
    """An "if" or "in case" earlier in the sign's clause ("what do I do if my lips swell?"), not "not sure if".

    Not when its sentence says the sign is there now ("if my throat is closing right now"); a time to come
    ("tonight", "today") does not say so after an "if".
    """
    sentence = tokens.sentence[candidate.start]
    for start, _ in cues[PRESENT_NOW]:
        if tokens.sentence[start] == sentence and tokens.norms[start] not in lexicon.conditional_times:
            return False
    for start, end in spans_between(cues[CONDITIONAL], candidate.start - 40, candidate.start - 1):
        if end > candidate.start or tokens.sentence[start] != tokens.sentence[candidate.start]:
            continue
        before = []  # the two words before the "if" in its clause ("just so I know, if ..." has none)
        for i in range(start - 1, max(start - 3, -1), -1):
            if tokens.breaks[i]:
                break
            if not tokens.skip[i]:
                before.append(tokens.norms[i])
        exempt = any(word in lexicon.not_conditional_after for word in before)
        if exempt and not cues[ASKING_AHEAD] and not _counterfactual(start, end, candidate, tokens, lexicon):
            continue
        window = lexicon.settings.conditional_reach
        if _opens_sentence(start, tokens, lexicon):
            return True  # "if my face gets hot and throbbing on one side, is that infection?": the whole sentence
        if _reaches(tokens, end, candidate.start, window, frozenset(), continuers=lexicon.list_continuers):
            return True
    # "say my scalp starts weeping, would that mean infection?": these suppose only when they open the sentence.
    for start, end in spans_between(cues[OPENING_CONDITIONAL], candidate.start - 40, candidate.start - 1):
        if end <= candidate.start and tokens.sentence[start] == sentence and _opens_sentence(start, tokens, lexicon):
            return True
    return False


def _counterfactual(if_start: int, if_end: int, candidate: Candidate, tokens: Tokens, lexicon: Lexicon) -> bool:
    """An "if" that speaks of what would happen: "would it matter if it went hot", "wondering if it was to swell".

    A modal earlier in the sentence and a past form from the "if" to the end of the sign's clause, or "was|were to"
    there.
    """
    sentence = tokens.sentence[if_start]
    after = [tokens.norms[i] for i in range(if_end, _clause_end(tokens, candidate.end)) if not tokens.skip[i]]
    pairs = zip(after, after[1:], strict=False)
    if any(word in lexicon.counterfactual_subjunctive and next_word == "to" for word, next_word in pairs):
        return True
    modal = any(
        tokens.sentence[i] == sentence and tokens.norms[i] in lexicon.counterfactual_modals for i in range(if_start)
    )
    return modal and any(word in lexicon.counterfactual_verbs for word in after)


def _opens_sentence(start: int, tokens: Tokens, lexicon: Lexicon) -> bool:
    """Whether only openers ("what", "so", "and", "ok") come before the token at `start` in its sentence."""
    before = [
        tokens.norms[i]
        for i in range(start)
        if tokens.sentence[i] == tokens.sentence[start] and not tokens.skip[i] and not tokens.breaks[i]
    ]
    return all(word in lexicon.conditional_openers for word in before)


def _is_someone_elses(
    candidate: Candidate, cues: Mapping[str, Sequence[Span]], tokens: Tokens, lexicon: Lexicon
) -> bool:
    """A person cue earlier in the sentence, not reporting speech, no first-person word up to the sign, and...

    ...a stranger ("a girl at work"), or a relation with nothing saying the writer writes for them, while the writer
    speaks of themselves or tells what happened in the past. Someone writing for the patient reports the patient's
    sign (lexicon: other_person).
    """
    sentence = tokens.sentence[candidate.start]
    for key in (STRANGER, OTHER_PERSON):
        for start, end in cues[key]:
            if end > candidate.start or tokens.sentence[start] != sentence:
                continue
            if any(end <= r_start <= end + 3 for r_start, _ in cues[REPORTED_SPEECH]):
                continue  # "my husband says it's oozing": the patient's own skin
            if any(tokens.norms[i] in lexicon.first_person for i in range(end, candidate.start)):
                continue
            if cues[TREATED]:  # "a lady who had microneedling on Monday", "he had it done Monday": the patient...
                return not _there_now((start, end), candidate, tokens, lexicon)  # ... unless a story of the past
            if key == STRANGER or cues[UNTREATED]:  # "... she asks if she can also do microneedling": not treated
                return True
            if cues[ON_BEHALF]:
                return False
            speaks_of_self = _writer_speaks_of_themselves(cues, tokens, lexicon)
            return speaks_of_self or not _there_now((start, end), candidate, tokens, lexicon)
    return False


def _writer_speaks_of_themselves(cues: Mapping[str, Sequence[Span]], tokens: Tokens, lexicon: Lexicon) -> bool:
    """A self word outside the help asked for the patient and the writer's view of them.

    "Is it ok if I go back in?", not "what do I do", nor "I think his face looks lopsided".
    """
    if cues[SELF_PHRASE]:
        return True  # "my face", "my treatment"
    for_patient = {i for key in (HELP_SEEKING, WRITERS_VIEW) for start, end in cues[key] for i in range(start, end)}
    return any(norm in lexicon.self_words and i not in for_patient for i, norm in enumerate(tokens.norms))


def _there_now(cue: Span, candidate: Candidate, tokens: Tokens, lexicon: Lexicon) -> bool:
    """Whether the person's sign is there now, not a past story (see the lexicon's other_person.there_now_words).

    A there-now word anywhere in the sign's sentence, or a present-tense word from the person cue to the end of the
    sign's clause ("my son has a fever"; "my cousin had hives, is that common?" is a story).
    """
    sentence = tokens.sentence[candidate.start]
    if any(tokens.sentence[i] == sentence and norm in lexicon.there_now_words for i, norm in enumerate(tokens.norms)):
        return True
    end = _clause_end(tokens, candidate.end)
    possessive = cue[1] if tokens.norms[cue[1]] in ("'s", "s") else None  # "my mum's lips": not "is"
    return any(tokens.norms[i] in lexicon.present_tense_words for i in range(cue[0], end) if i != possessive)


def _active_negations(cues: Mapping[str, Sequence[Span]], tokens: Tokens, lexicon: Lexicon) -> list[Span]:
    """Negation cues that really negate: not part of "not sure"..., not an answering "no,"."""
    active = []
    for start, end in cues[NEGATION]:
        if any(p_start < end and start < p_end for p_start, p_end in cues[PSEUDO]):
            continue
        if tokens.norms[start] in lexicon.interjections and end - start == 1:
            following = _next_index(tokens, end - 1)
            if following is None or tokens.breaks[following]:
                continue
            if tokens.norms[following] in lexicon.clause_starters:
                continue
        active.append((start, end))
    return active


def _next_index(tokens: Tokens, i: int) -> int | None:
    for j in range(i + 1, len(tokens.norms)):
        if not tokens.skip[j]:
            return j
    return None


def _previous_index(tokens: Tokens, i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if not tokens.skip[j]:
            return j
    return None


def _clause_end(tokens: Tokens, i: int) -> int:
    """The first clause break at or after token `i` (the end of the text when there is none)."""
    return next((j for j in range(i, len(tokens.norms)) if tokens.breaks[j]), len(tokens.norms))


def _reaches(
    tokens: Tokens,
    start: int,
    end: int,
    window: int,
    fillers: frozenset[str],
    stoppers: frozenset[str] = frozenset(),
    continuers: frozenset[str] = frozenset(),
    only_fillers: bool = False,
    joiners: frozenset[str] = frozenset(),
    stopper_ends_before: frozenset[str] = frozenset(),
) -> bool:
    """Whether tokens[start:end] stay inside one clause and hold at most `window` counted words.

    Fillers are not counted. With `only_fillers`, any non-filler word blocks, except an item of a list
    (a word followed by one of `joiners`: "the risk of breakouts or infection"). A comma followed by
    one of `continuers` does not end the clause (a list of symptoms). A stopper followed by one of
    `stopper_ends_before` or by punctuation ends a phrase ("straight after has passed") and does not stop.
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
            following = _next_index(tokens, i)
            if following is None or not (tokens.breaks[following] or tokens.norms[following] in stopper_ends_before):
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


def _is_negated(candidate: Candidate, negations: Sequence[Span], tokens: Tokens, lexicon: Lexicon) -> bool:
    for _, cue_end in spans_between(negations, candidate.start - 40, candidate.start - 1):
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


def _in_the_past(start: int, tokens: Tokens, lexicon: Lexicon) -> bool:
    """A resolution cue in its -ing form after "was" ("it was settling down yesterday"): how it was, not how it is."""
    previous = _previous_index(tokens, start)
    return (
        previous is not None
        and tokens.norms[previous] in lexicon.past_progressive
        and tokens.norms[start].endswith("ing")
    )


def _cue_is_negated(start: int, tokens: Tokens, lexicon: Lexicon) -> bool:
    """Whether the words right before a cue deny it.

    A negation one of the two words before ("hasn't gone away"), or a phrase such as "rather than" ending right
    before it ("sharper today rather than easing off").
    """
    before = tuple(tokens.norms[i] for i in range(max(0, start - 3), start) if not tokens.skip[i])
    if any(before[len(before) - len(phrase) :] == phrase for phrase in lexicon.instead_phrases):
        return True
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


ASIDE_WORDS = 2
CLAUSES_AHEAD = 2  # the next clause, or the one after it in the sentence when the one between names no mention
# A clause opened by a word for every sign before it ("all gone now") may be this many clauses ahead, in the
# sentence or at the start of the next one, whatever the clauses between name.
INCLUSIVE_CLAUSES_AHEAD = 3


def _next_clause_starts(
    candidate: Candidate,
    tokens: Tokens,
    lexicon: Lexicon,
    sign_words: frozenset[int],
    cue_starts: frozenset[int] = frozenset(),
) -> list[int]:
    """Where following clauses about the same sign start ("a rash last night, but it went away": at "it").

    A clause that starts with a resolution cue (`cue_starts`) is about the sign before it too: "hives on Saturday
    after a new cream, gone by Sunday". A clause naming no mention (`sign_words`) may come between, in the same
    sentence: "a cold sore on day 2, the GP gave me cream, it's gone now". A clause opened by an inclusive word
    ("all", "both") speaks of every sign before it, past the clauses between: "a throbbing face and it was sore on
    day 1, all gone now".
    """
    starts, position, named_between = [], candidate.end - 1, False
    sentence = tokens.sentence[candidate.start]
    for clause in range(INCLUSIVE_CLAUSES_AHEAD):
        i = _clause_after(position, tokens, lexicon)
        if i is None or tokens.sentence[i] > sentence + 1:
            break
        if tokens.norms[i] in lexicon.inclusive_pronouns:
            return [*starts, i]
        if clause and tokens.sentence[i] != sentence:
            break
        # a cue may open the clause on the word joining it: "chills, now I'm fine"
        joining = _previous_index(tokens, i)
        opener = joining if joining is not None and tokens.new_clause[joining] and joining in cue_starts else i
        opens = tokens.norms[i] in lexicon.resolution_pronouns or opener in cue_starts
        if opens and not named_between and clause < CLAUSES_AHEAD:
            starts.append(opener)
        # past a clause that opened or named another mention, only an inclusive word still speaks of this sign
        named_between = named_between or opens or any(j in sign_words for j in range(i, _clause_end(tokens, i)))
        position = i
    return starts


def _clause_after(position: int, tokens: Tokens, lexicon: Lexicon) -> int | None:
    """The first word of the clause after the one holding the word at `position`, past a short aside."""
    i = _next_index(tokens, position)
    # the rest of the clause: "last night", "for a sec in the parking lot"
    for _ in range(2 * lexicon.settings.resolution_window):
        if i is None or tokens.breaks[i]:
            break
        i = _next_index(tokens, i)
    seen_break = False
    while i is not None and tokens.breaks[i] and not tokens.new_clause[i]:
        seen_break = True
        i = _next_index(tokens, i)
        # an aside of a word or two between commas ("a fever last night, 100.2, but it's gone") is skipped
        aside = i
        for _ in range(ASIDE_WORDS):
            if aside is None or tokens.breaks[aside]:
                break
            aside = _next_index(tokens, aside)
        if aside is not None and aside != i and tokens.commas[aside] and tokens.sentence[aside] == tokens.sentence[i]:
            i = aside
    if i is not None and tokens.new_clause[i]:
        seen_break, i = True, _next_index(tokens, i)
    return i if seen_break else None


def _is_resolved(
    candidate: Candidate,
    cues: Mapping[str, Sequence[Span]],
    tokens: Tokens,
    lexicon: Lexicon,
    sign_words: frozenset[int],
) -> bool:
    settings = lexicon.settings
    fillers = lexicon.negation_fillers
    opening_cues = frozenset(
        start for start, end in cues[RESOLVED_AFTER] if _word_after(tokens, end) not in lexicon.clause_cue_not_before
    )
    openers = _next_clause_starts(candidate, tokens, lexicon, sign_words, opening_cues)
    for key, cancellable in ((RESOLVED_AFTER, True), (RESOLVED_AFTER_FINAL, False)):
        for start, end in spans_between(cues[key], candidate.end, candidate.end + 40):
            same_clause = _reaches(
                tokens,
                candidate.end,
                start,
                settings.resolution_window,
                fillers,
                lexicon.resolution_stoppers,
                stopper_ends_before=lexicon.stopper_ends_before,
            )
            # In the next clause only when the cue takes no object: "but it stopped itching" is another symptom.
            next_clause = any(
                _reaches(tokens, opener, start, settings.resolution_window, fillers) for opener in openers
            ) and not _word_after(tokens, end).endswith("ing")
            if not (same_clause or next_clause) or _in_the_past(start, tokens, lexicon):
                continue
            if not (cancellable and _cue_is_negated(start, tokens, lexicon)):
                return True
    for start, end in spans_between(cues[RESOLVED_BEFORE], candidate.start - 40, candidate.start - 1):
        window = settings.resolution_before_window
        if end <= candidate.start and _reaches(tokens, end, candidate.start, window, fillers):
            if not _cue_is_negated(start, tokens, lexicon):
                return True
    return False


def _word_after(tokens: Tokens, end: int) -> str:
    """The word after a span ending at `end`, or "" at the end of the message."""
    following = _next_index(tokens, end - 1)
    return "" if following is None else tokens.norms[following]


def _general_frame(
    candidate: Candidate, cues: Mapping[str, Sequence[Span]], tokens: Tokens, lexicon: Lexicon
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
            for _, end in spans_between(cues[key], candidate.start - 40, candidate.start - 1)
        )

    def after(key: str) -> bool:
        return any(
            _reaches(tokens, candidate.end, start, reach, fillers, only_fillers=True)
            for start, _ in spans_between(cues[key], candidate.end, candidate.end + 40)
        )

    if before(FRAME_ANY) or after(FRAME_ANY_AFTER):
        return Assertion.HYPOTHETICAL
    if not question:
        return None
    if before(FRAME_QUESTION_BEFORE):
        return Assertion.GENERAL
    if not _is_reported(candidate, cues[REPORTING]) and after(FRAME_QUESTION_AFTER):
        return Assertion.GENERAL
    return None


def _is_reported(candidate: Candidate, determiners: Sequence[Span]) -> bool:
    """A sign right after "my", "these", "the"... is the patient's own."""
    return any(end == candidate.start for _, end in spans_between(determiners, candidate.start - 4, candidate.start))
