"""Counting the unanswered turns (aftercare/unanswered.py): which turns count, their buckets, the report text."""

from __future__ import annotations

from aftercare.unanswered import (
    FALLBACK,
    NOT_COVERED,
    OTHER_LANGUAGE,
    StoredEvent,
    bucket,
    build_report,
    confidence_band,
    format_report,
    unanswered_turns,
)

DAY = 86400.0
NOW = 1_000 * DAY


def said(sender: str, text: str, at: float, intent: str = "nlu_fallback", ranking=(), language=None) -> StoredEvent:
    parse_data = {
        "intent": {"name": intent, "confidence": 0.5},
        "intent_ranking": list(ranking),
        "language": language,
    }
    return StoredEvent(sender, "user", at, None, {"text": text, "parse_data": parse_data})


def ran(sender: str, action: str, at: float) -> StoredEvent:
    return StoredEvent(sender, "action", at, action)


MAKEUP_GUESS = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_makeup", "confidence": 0.42}]


def test_a_fallback_counts_under_the_closest_intent_and_its_band():
    events = [said("a", "can I drink wine", NOW, ranking=MAKEUP_GUESS), ran("a", "action_ask_rephrase", NOW + 1)]
    [turn] = unanswered_turns(events)
    assert (turn.reason, turn.bucket) == (FALLBACK, "closest intent ask_makeup, confidence 0.3-0.5")
    assert turn.text == "can I drink wine"


def test_answered_turns_do_not_count_and_each_turn_counts_once():
    events = [
        said("a", "can I wear make-up", NOW, intent="ask_makeup"),
        ran("a", "action_extract_procedure_time", NOW),
        ran("a", "action_answer_question", NOW),
        said("a", "hmm", NOW + 5, ranking=MAKEUP_GUESS),
        ran("a", "action_ask_rephrase", NOW + 6),
        ran("a", "action_ask_rephrase", NOW + 7),  # a second fallback in the same turn
    ]
    assert len(unanswered_turns(events)) == 1


def test_interleaved_conversations_are_kept_apart():
    events = [
        said("a", "one", NOW, ranking=MAKEUP_GUESS),
        said("b", "dos palabras", NOW, intent="other_language", language="es"),
        ran("b", "action_answer_other_language", NOW + 1),
        ran("a", "action_say_not_covered", NOW + 1),
    ]
    turns = {turn.reason: turn for turn in unanswered_turns(events)}
    assert turns[OTHER_LANGUAGE].bucket == "language es" and turns[OTHER_LANGUAGE].text == "dos palabras"
    assert turns[NOT_COVERED].text == "one"


def test_an_action_without_a_message_before_it_counts_nothing():
    assert unanswered_turns([ran("a", "action_ask_rephrase", NOW)]) == []


def test_confidence_bands_at_their_boundaries():
    assert [confidence_band(c) for c in (0.0, 0.299, 0.3, 0.5, 0.699, 0.7, 1.0)] == [
        "below 0.3", "below 0.3", "0.3-0.5", "0.5-0.7", "0.5-0.7", "0.7 or more", "0.7 or more"
    ]  # fmt: skip
    assert confidence_band(None) == confidence_band("x") == confidence_band(True) == "below 0.3"


def test_a_bucket_without_a_classifier_guess_is_unknown():
    assert bucket(FALLBACK, {}) == "closest intent unknown, confidence below 0.3"
    assert bucket(OTHER_LANGUAGE, {}) == "language unknown"


def test_the_report_keeps_the_period_and_counts_most_common_first():
    events = []
    for index, at in enumerate([NOW - 8 * DAY, NOW - DAY, NOW - DAY, NOW - 2 * DAY]):
        ranking = MAKEUP_GUESS if index < 3 else [{"name": "ask_exercise", "confidence": 0.1}]
        events += [
            said(f"p{index}", f"question {index}", at, ranking=ranking),
            ran(f"p{index}", "action_ask_rephrase", at),
        ]
    report = build_report(events, NOW - 7 * DAY, NOW)
    assert len(report.turns) == 3  # the one 8 days ago is out
    assert report.counts == [
        ((FALLBACK, "closest intent ask_makeup, confidence 0.3-0.5"), 2),
        ((FALLBACK, "closest intent ask_exercise, confidence below 0.3"), 1),
    ]


def test_the_patients_words_are_shown_only_when_asked():
    events = [said("a", "can I drink wine", NOW, ranking=MAKEUP_GUESS), ran("a", "action_ask_rephrase", NOW)]
    report = build_report(events, NOW - DAY, NOW)
    hidden = format_report(report)
    assert "wine" not in hidden and "WORDS=1" in hidden and "    1  fallback: closest intent ask_makeup" in hidden
    assert "'can I drink wine'" in format_report(report, show_words=True)


def test_an_empty_period_says_so():
    assert format_report(build_report([], NOW - DAY, NOW)).endswith(": 0")


def test_a_not_covered_turn_counts_under_the_topic_the_classifier_guessed_not_the_gates_intent():
    parse_data = {
        "intent": {"name": "out_of_scope", "confidence": 1.0},
        "intent_ranking": [{"name": "ask_hydration", "confidence": 0.41}, {"name": "out_of_scope", "confidence": 0.2}],
    }
    assert bucket(NOT_COVERED, parse_data) == "closest intent ask_hydration, confidence 0.3-0.5"
