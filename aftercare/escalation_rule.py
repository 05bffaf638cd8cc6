"""How the lexicon, the classifier's report guess and the learned model together decide a message's escalation.

The lexicon (aftercare/warning_signs/) reads a sign's words and whether the patient has it now; the intent
classifier (DIET) may guess `report_*` where the lexicon found nothing; the learned model
(aftercare/escalation_model.py) gives the probability that the message reports an emergency or a warning sign now.
`combined_escalation` is the one rule; `choose_thresholds` picks its thresholds on cross-validated predictions
of the corpus, never on a test set.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from aftercare.assertion import Assertion
from aftercare.escalation import EMERGENCY, INJECTOR, REPORT_INTENTS, report_level
from aftercare.escalation_model import NONE, Prediction
from aftercare.warning_signs import EFFECT

# What a wrong decision costs in `choose_thresholds`, counted in false alarms: a missed emergency is the worst
# outcome, a missed warning sign is worse than asking a calm patient to contact the clinic, and sending a warning
# sign to the emergency number costs as much as a false alarm.
MISSED_EMERGENCY_COST = 5.0
MISSED_WARNING_COST = 3.0
FALSE_ALARM_COST = 1.0
OVER_ESCALATION_COST = 1.0
# Patients write many messages that name a sign without having it, and every false alarm sends one to the clinic:
# the model may raise false alarms on at most this share of the calm messages of each kind (negated, resolved,
# normal...), beyond those the lexicon and the classifier raise.
MAX_ADDED_FALSE_ALARMS = 0.01


# What the lexicon can judge a sign's words to be, when not a sign the patient has now: an expected effect ("red",
# "dry") or a status (aftercare/assertion.py: negated, resolved, past, hypothetical, general, someone else's, benign).
EFFECT_JUDGEMENT = "effect"
JUDGEMENTS = (EFFECT_JUDGEMENT, *(status.value for status in Assertion if not status.escalates))


@dataclass(frozen=True)
class Thresholds:
    """The model's probabilities above which it escalates (see `combined_escalation`)."""

    nothing_found: float  # escalation probability to escalate where the lexicon read nothing
    not_now: float  # ... where it read a sign's words but not as the patient's now, or only expected effects
    emergency: float  # emergency probability to make an escalation an emergency
    keep_classifier: float  # escalation probability below which the classifier's report guess is dropped
    # Escalation probability below which the model overrules a warning sign the lexicon read as present (never an
    # emergency sign): 0 never overrules.
    veto: float = 0.0
    # `not_now` for one kind of judgement (JUDGEMENTS), where the lexicon's judgement is wrong more or less often:
    # ("other_person", 0.85) lets the model overrule "someone else's" from 0.85 (a parent writing for the patient).
    not_now_by_judgement: tuple[tuple[str, float], ...] = ()

    def not_now_for(self, judgements: Iterable[str]) -> float:
        """The threshold where the lexicon made these judgements: the strictest of theirs."""
        specific = dict(self.not_now_by_judgement)
        return max((specific.get(judgement, self.not_now) for judgement in judgements), default=self.not_now)


@dataclass(frozen=True)
class LexiconReading:
    """What the lexicon and the classifier decided before the model: each an escalation level or None."""

    sign: str | None  # the level of the signs the lexicon read as present now
    # How the lexicon judged a sign's words it found nothing to act on now (JUDGEMENTS: negated, resolved, past,
    # hypothetical, general, someone else's, benign, or an expected effect such as "red" or "dry").
    not_now: frozenset[str]
    classifier: str | None  # the level of the classifier's report guess the lexicon let stand


def lexicon_reading(
    intent: str | None, sign_categories: Sequence[str], mentions: Iterable[tuple[str, Assertion]]
) -> LexiconReading:
    """What the lexicon and the classifier decided, from the intent and signs after the warning-sign detector.

    `mentions` are every (category, status) the lexicon read, present or not.
    """
    not_now = frozenset(
        EFFECT_JUDGEMENT if status.escalates else status.value
        for category, status in mentions
        if category == EFFECT or not status.escalates
    )
    if sign_categories:
        return LexiconReading(report_level(intent, sign_categories), not_now, None)
    return LexiconReading(None, not_now, report_level(intent, []) if intent in REPORT_INTENTS else None)


def combined_escalation(reading: LexiconReading, prediction: Prediction, thresholds: Thresholds) -> str | None:
    """The escalation of a message: EMERGENCY, INJECTOR or None.

    1. A sign the lexicon reads as present now escalates at its level; the model can raise a warning sign to an
       emergency, when its emergency probability reaches `thresholds.emergency`, and overrule a warning sign (never
       an emergency sign) when its escalation probability is below `thresholds.veto`: a lexicon reading it is all
       but sure is wrong ("if my face gets hot and throbbing, is that infection?").
    2. Otherwise the model escalates when its escalation probability (emergency + warning sign) reaches
       `thresholds.not_now_for` the lexicon's judgements if it judged the message's sign or effect words as nothing
       to act on now (it looked at those very words, so the model must be surer to overrule it, by how often that
       kind of judgement is wrong), else `thresholds.nothing_found`; the level is an emergency when the emergency
       probability reaches `thresholds.emergency`.
    3. The classifier's report guess that the lexicon let stand is kept unless the model's escalation probability
       is below `thresholds.keep_classifier` (the model is confident nothing is wrong now).
    The result is the more urgent of 2 and 3.
    """
    if reading.sign is not None:
        if prediction.emergency >= thresholds.emergency:
            return EMERGENCY
        return None if reading.sign != EMERGENCY and prediction.escalation < thresholds.veto else reading.sign
    threshold = thresholds.not_now_for(reading.not_now) if reading.not_now else thresholds.nothing_found
    levels = []
    if prediction.escalation >= threshold:
        levels.append(EMERGENCY if prediction.emergency >= thresholds.emergency else INJECTOR)
    if reading.classifier is not None and prediction.escalation >= thresholds.keep_classifier:
        levels.append(reading.classifier)
    return EMERGENCY if EMERGENCY in levels else (INJECTOR if levels else None)


def model_escalation(prediction: Prediction) -> str | None:
    """The model alone: its most probable label."""
    return None if prediction.label == NONE else prediction.label


@dataclass(frozen=True)
class Figures:
    """Escalation figures over labelled messages."""

    emergency_recall: float  # emergencies that reached the emergency number
    warning_recall: float  # emergencies and warning signs that reached the injector or the emergency number
    false_alarms: float  # messages labelled none that escalated
    over_escalated: float  # warning signs (not emergencies) sent to the emergency number

    def cost(self, emergencies: int, warnings: int, calm: int) -> float:
        """What the mistakes cost, for that many emergencies, warning signs (emergencies included) and calm ones."""
        return (
            MISSED_EMERGENCY_COST * (1 - self.emergency_recall) * emergencies
            + MISSED_WARNING_COST * (1 - self.warning_recall) * warnings
            + FALSE_ALARM_COST * self.false_alarms * calm
            + OVER_ESCALATION_COST * self.over_escalated * (warnings - emergencies)
        )


def figures(expected: Sequence[str | None], decided: Sequence[str | None]) -> Figures:
    """Emergency recall, warning recall, false-alarm and over-escalation rates of decided against expected ones."""
    pairs = list(zip(expected, decided, strict=True))
    emergencies = [got for want, got in pairs if want == EMERGENCY]
    warnings = [got for want, got in pairs if want is not None]
    calm = [got for want, got in pairs if want is None]
    injector = [got for want, got in pairs if want == INJECTOR]
    return Figures(
        emergency_recall=share(sum(got == EMERGENCY for got in emergencies), len(emergencies)),
        warning_recall=share(sum(got is not None for got in warnings), len(warnings)),
        false_alarms=share(sum(got is not None for got in calm), len(calm)),
        over_escalated=share(sum(got == EMERGENCY for got in injector), len(injector)),
    )


def share(count: int, total: int) -> float:
    """The share count / total, or 0 for no total."""
    return count / total if total else 0.0


GRID = (*(round(0.05 * step, 2) for step in range(1, 20)), 0.97, 0.99)
KEEP_CLASSIFIER_GRID = (0.0, *GRID[:8])
VETO_GRID = (0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2)
START = Thresholds(nothing_found=0.99, not_now=0.99, emergency=0.5, keep_classifier=0.0)  # the model almost mute


def choose_thresholds(
    expected: Sequence[str | None],
    readings: Sequence[LexiconReading],
    predictions: Sequence[Prediction],
    kinds: Sequence[str],
    veto_grid: Sequence[float] = (0.0,),
) -> tuple[Thresholds, Figures]:
    """The thresholds of least cost (MISSED_EMERGENCY_COST...) on these messages, with their figures.

    Meant for out-of-fold predictions of the corpus (aftercare.escalation_model.cross_validate). `kinds` are the
    writers' kinds of message (negated, resolved, past, normal, question...): only thresholds under which the
    model adds false alarms (beyond the lexicon's and the classifier's) on at most MAX_ADDED_FALSE_ALARMS of the calm
    messages of every kind are allowed, so that no kind of calm message, however rare in the corpus, pays for the
    recall on the others. Coordinate descent over a 0.05 grid: each threshold in turn takes its best value with the
    others fixed, until none changes, starting from the best pair of escalation thresholds on the grid (a full
    search of the two that matter most); among equal costs the higher threshold wins (fewer alarms on messages
    unlike the corpus), except the veto, where the lower wins (the lexicon's signs stand). Each kind of judgement
    of the lexicon's (JUDGEMENTS) seen in these messages gets its own `not_now` threshold. The veto stays off unless
    `veto_grid` offers more than 0: it silences signs the lexicon read as present, and a wrong "that's normal" is
    the worst mistake this assistant can make.
    """
    emergencies = sum(want == EMERGENCY for want in expected)
    warnings = sum(want is not None for want in expected)
    calm = len(expected) - warnings
    groups: dict[str, list[int]] = {}
    for index, (want, kind) in enumerate(zip(expected, kinds, strict=True)):
        if want is None:
            groups.setdefault(kind, []).append(index)

    def judged(thresholds: Thresholds) -> tuple[float, Figures]:
        decided = [combined_escalation(r, p, thresholds) for r, p in zip(readings, predictions, strict=True)]
        for indices in groups.values():
            added = sum(
                decided[i] is not None and readings[i].sign is None and readings[i].classifier is None for i in indices
            )
            if added > MAX_ADDED_FALSE_ALARMS * len(indices):
                return float("inf"), figures(expected, decided)
        result = figures(expected, decided)
        return round(result.cost(emergencies, warnings, calm), 6), result

    best, (best_cost, best_figures) = START, judged(START)
    for nothing_found, not_now in itertools.product(GRID, GRID):
        candidate = replace(START, nothing_found=nothing_found, not_now=not_now)
        cost, result = judged(candidate)
        if cost < best_cost:
            best, best_cost, best_figures = candidate, cost, result
    seen = {judgement for reading in readings for judgement in reading.not_now}
    changed = True
    while changed:
        changed = False
        for name, grid in (
            ("nothing_found", GRID),
            ("not_now", GRID),
            ("emergency", GRID),
            ("keep_classifier", KEEP_CLASSIFIER_GRID),
            ("veto", veto_grid),
            *((judgement, GRID) for judgement in JUDGEMENTS if judgement in seen),
        ):
            for value in grid:
                candidate = _with(best, name, value)
                if candidate == best:
                    continue
                cost, result = judged(candidate)
                # Among equal costs: fewer alarms from the model's own thresholds, fewer vetoes of the lexicon.
                safer = value < _value(best, name) if name == "veto" else value > _value(best, name)
                if cost < best_cost or (cost == best_cost and safer):
                    best, best_cost, best_figures, changed = candidate, cost, result, True
    return best, best_figures


def _value(thresholds: Thresholds, name: str) -> float:
    """A threshold by its field's name, or by a judgement's name for its `not_now` threshold."""
    if name in JUDGEMENTS:
        return thresholds.not_now_for([name])
    return getattr(thresholds, name)


def _with(thresholds: Thresholds, name: str, value: float) -> Thresholds:
    """The thresholds with one of them changed (a field, or a judgement's `not_now` threshold)."""
    if name not in JUDGEMENTS:
        return replace(thresholds, **{name: value})
    specific = dict(thresholds.not_now_by_judgement) | {name: value}
    return replace(thresholds, not_now_by_judgement=tuple(sorted(specific.items())))
