"""Which patients' questions the assistant did not answer, counted so that the clinic can extend its guide.

A turn is unanswered when the assistant answered it with one of UNANSWERED_ACTIONS: the rephrase prompt (a
fallback), "the care guide doesn't cover that", or the other-language answer. Each is counted in a bucket that
names no topic the guide has an answer for: for a fallback or "not covered", the intent the classifier found
closest and its confidence band (a cluster of "ask_hydration, below 0.3" says patients ask something the guide
lacks, such as alcohol); for another language, the language. What the patients wrote is kept beside the counts
only for the clinic to read when it turns that on (scripts/report.py), never logged.

Pure: the events come in as Rasa's SQL tracker store keeps them (storage/events.py reads them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

# The actions that answer a turn without answering the question, and why.
FALLBACK, NOT_COVERED, OTHER_LANGUAGE = "fallback", "not covered", "other language"
UNANSWERED_ACTIONS = {
    "action_ask_rephrase": FALLBACK,
    # The "not covered" answer, counted by name wherever it is added.
    "action_say_not_covered": NOT_COVERED,
    "action_answer_other_language": OTHER_LANGUAGE,
}
FALLBACK_INTENT = "nlu_fallback"
# Confidence bands of the classifier's closest intent: (lower bound, label), highest first.
CONFIDENCE_BANDS = ((0.7, "0.7 or more"), (0.5, "0.5-0.7"), (0.3, "0.3-0.5"), (0.0, "below 0.3"))
USER, ACTION = "user", "action"


@dataclass(frozen=True)
class StoredEvent:
    """One row of the tracker store's `events` table: whose, what type, when (Unix time), the action, the data."""

    sender_id: str
    type_name: str
    timestamp: float
    action_name: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UnansweredTurn:
    """A patient's message the assistant did not answer: why, its bucket, when, and what the patient wrote."""

    reason: str
    bucket: str
    timestamp: float
    text: str = field(default="", repr=False)


def confidence_band(confidence: Any) -> str:
    """The band a classifier confidence falls in ("below 0.3" for anything that is not a number)."""
    if not isinstance(confidence, int | float) or isinstance(confidence, bool):
        return CONFIDENCE_BANDS[-1][1]
    return next(label for bound, label in CONFIDENCE_BANDS if confidence >= bound)


def closest_intent(parse_data: Mapping[str, Any]) -> tuple[str, Any]:
    """The classifier's best intent other than the fallback, and its confidence (("unknown", None) if none).

    Read from the classifier's ranking first: the final intent of a "not covered" turn is the one the coverage
    gate set (out_of_scope), while the ranking keeps the topic the classifier guessed and the gate did not accept.
    """
    ranking = parse_data.get("intent_ranking") or []
    intent = parse_data.get("intent") or {}
    for candidate in [*ranking, intent]:
        if isinstance(candidate, Mapping) and candidate.get("name") and candidate.get("name") != FALLBACK_INTENT:
            return str(candidate["name"]), candidate.get("confidence")
    return "unknown", None


def bucket(reason: str, parse_data: Mapping[str, Any]) -> str:
    """The topic-less bucket of an unanswered turn (see the module docstring)."""
    if reason == OTHER_LANGUAGE:
        language = parse_data.get("language")  # set by components/language_detector.py
        return f"language {language if isinstance(language, str) and language else 'unknown'}"
    name, confidence = closest_intent(parse_data)
    return f"closest intent {name}, confidence {confidence_band(confidence)}"


def unanswered_turns(events: Iterable[StoredEvent]) -> list[UnansweredTurn]:
    """Every unanswered turn in `events` (in stored order; several conversations may be interleaved).

    A turn is a user message and the actions until the next one in the same conversation; it counts once, under
    the first unanswered action it ran.
    """
    latest: dict[str, StoredEvent] = {}  # each conversation's latest message not yet counted
    turns = []
    for event in events:
        if event.type_name == USER:
            latest[event.sender_id] = event
            continue
        message = latest.get(event.sender_id)
        reason = UNANSWERED_ACTIONS.get(event.action_name or "") if event.type_name == ACTION else None
        if message is None or reason is None:
            continue
        parse_data = message.data.get("parse_data") or {}
        text = message.data.get("text")
        turns.append(UnansweredTurn(reason, bucket(reason, parse_data), message.timestamp, str(text or "")))
        del latest[event.sender_id]
    return turns


@dataclass(frozen=True)
class Report:
    """The unanswered turns of a period, counted by reason and bucket (most common first)."""

    since: float
    until: float
    turns: tuple[UnansweredTurn, ...]

    @property
    def counts(self) -> list[tuple[tuple[str, str], int]]:
        """((reason, bucket), count) pairs, most common first, then alphabetically."""
        counted = Counter((turn.reason, turn.bucket) for turn in self.turns)
        return sorted(counted.items(), key=lambda item: (-item[1], item[0]))

    def by_reason(self) -> dict[str, int]:
        """How many unanswered turns each reason has."""
        return dict(Counter(turn.reason for turn in self.turns))


def build_report(events: Iterable[StoredEvent], since: float, until: float) -> Report:
    """The report of the unanswered turns whose message arrived between `since` and `until` (Unix times)."""
    turns = [turn for turn in unanswered_turns(events) if since <= turn.timestamp <= until]
    return Report(since, until, tuple(turns))


def _day(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def format_report(report: Report, show_words: bool = False, examples: int = 5) -> str:
    """The report as the clinic reads it; the patients' words (up to `examples` per bucket) only if `show_words`."""
    lines = [f"Unanswered questions from {_day(report.since)} to {_day(report.until)}: {len(report.turns)}"]
    if not report.turns:
        return "\n".join(lines)
    reasons = report.by_reason()
    lines.append("  " + ", ".join(f"{reason}: {reasons[reason]}" for reason in sorted(reasons)))
    lines.append("")
    width = max(len(f"{reason}: {name}") for (reason, name), _ in report.counts)
    for (reason, name), count in report.counts:
        lines.append(f"{count:>5}  {f'{reason}: {name}':<{width}}")
        if show_words:
            said = [t.text for t in report.turns if (t.reason, t.bucket) == (reason, name) and t.text]
            lines.extend(f"         - {text!r}" for text in list(dict.fromkeys(said))[:examples])
    if not show_words:
        lines += ["", "The patients' words are not shown (make report WORDS=1 shows them, for the clinic only)."]
    return "\n".join(lines)
