"""The turn decision: what one patient message gets, from what the NLU read and what the conversation knows.

One pure function owns it, `decide_turn`: the custom actions call it and dispatch what it returns, and the
evaluation (scripts/eval_components.py) calls the same function on the same NLU results, so the figures it prints
are the assistant's. Its first step, `read_procedure_time`, reads which procedure time this message gives, so a turn
makes one call to the action server (Rasa itself fills the slot from a typed time that can be right).

No Rasa import: the actions turn Rasa's tracker into a `Reading` and a `State`, and a `Decision` back into
messages and slot events.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aftercare.assertion import ASKED_ABOUT_KEY, EXPECTABLE_EARLY_KEY, SYMPTOM_KEY, Assertion
from aftercare.care_guide import Advice, CareGuide, advise
from aftercare.clinic import Clinic
from aftercare.escalation import EMERGENCY, INJECTOR, REPORT_INTENTS, WARNING_INTENT, more_urgent, report_level
from aftercare.languages import ENGLISH, level_text, message_language, reply_text
from aftercare.opening_hours import describe_moment
from aftercare.plan import (
    Progress,
    TurnNews,
    booking_message,
    booking_window,
    build_plan,
    describe_next,
    milestone_message,
    plan_messages,
    plan_payload,
    turn_news,
)
from aftercare.texts import patient_text
from aftercare.timestamps import (
    OLDEST_PLAUSIBLE,
    describe_elapsed,
    format_timestamp,
    parse_timestamp,
    plausibility_problem,
)
from aftercare.topic_question import topic_question_status
from aftercare.topics import EFFECTS_THERE_NOW_KEY, INTENSE_EFFECTS_KEY, NOT_THERE_NOW_KEY

TIME_INTENT = "inform_procedure_time"
PLAN_INTENT = "request_plan"
ALL_GOOD_INTENT = "check_in_all_good"
WORRIED_INTENT = "check_in_worried"
PANEL_ENTITY = "plan_view"  # the widget's "Your aftercare" panel sends /request_plan{"plan_view": "panel"}
PLAN_PAYLOAD_KEY = "aftercare_plan"
MAX_HOURS = 10 * OLDEST_PLAUSIBLE.total_seconds() / 3600  # a quick reply's hours beyond this are not a time at all
# The intents whose turn this module decides; the others are small talk, logistics or forms (data/rules).
HUMAN_INTENT = "request_human"
FALLBACK_INTENT = "nlu_fallback"
NOT_COVERED_INTENT = "out_of_scope"
DECIDED_INTENTS = frozenset(
    {
        *REPORT_INTENTS,
        TIME_INTENT,
        PLAN_INTENT,
        ALL_GOOD_INTENT,
        WORRIED_INTENT,
        HUMAN_INTENT,
        FALLBACK_INTENT,
        NOT_COVERED_INTENT,
    }
)
# Care topics that answer a symptom whatever its words (besides the topics of an expected effect, care_guide.yml's
# `effect`): what is normal, the warning signs, pain, cooling, and picking or scrubbing at it.
SYMPTOM_TOPICS = frozenset({"side_effects", "infection_risk", "pain_relief", "cooling", "touching", "scrubs"})
EXPECTED_EFFECTS_TOPIC = "side_effects"  # what is normal after the procedure, and the warning signs
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """One message to the patient: a domain response filled with `values`, a finished text, or a JSON payload."""

    response: str | None = None
    text: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    buttons: tuple[Mapping[str, str], ...] = ()
    payload: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Reading:
    """What the NLU read in one message."""

    intent: str
    topics: tuple[str, ...] = ()  # the care topics it asks about: its intent's, then every topic entity
    signs: frozenset[str] = frozenset()  # the warning-sign categories present now
    spoken_time: datetime | None = None  # a typed procedure time
    implausible_time: datetime | None = None  # a typed procedure time that cannot be right (future, too old)
    time_ahead: datetime | None = None  # "in 3 days", a time to come: the future, if it answers the time question
    hours_ago: float | None = None  # a quick reply's "how long ago", counted from when it is pressed
    symptom_onset: datetime | None = None  # "bleeding since this morning"
    asked_in_general: bool = False  # "how long does redness usually last?"
    not_there_now: frozenset[str] = frozenset()  # topics the patient says are gone ("the swelling has gone down")
    signs_asked_about: tuple[str, ...] = ()  # warning signs supposed, not reported ("what if my lips swell?")
    # the topics the message's own words name: its topic entities and the expected effects it describes there now
    named_topics: frozenset[str] = frozenset()
    intense_topics: frozenset[str] = frozenset()  # effects said to be intense ("still really red": redness)
    describes_symptom: bool = False  # a symptom or effect there now, and no warning sign ("my cheek feels sore")
    expectable_early: bool = False  # every warning sign said only in an expected effect's words ("hot and red")
    language: str = ENGLISH
    from_panel: bool = False  # the widget's plan panel asked, not the patient in words
    metadata_time: Any = None  # the widget's procedure_time metadata, as sent

    @classmethod
    def from_parse(cls, parse: Mapping[str, Any], known_topics: Iterable[str]) -> Reading:
        """Reads an NLU result (Rasa's parse data, or a tracker's latest message) for the topics a guide knows."""
        entities = [entity for entity in parse.get("entities") or [] if isinstance(entity, Mapping)]
        intent = str((parse.get("intent") or {}).get("name") or "")
        known = set(known_topics)
        asked = [intent[len("ask_") :]] if intent.startswith("ask_") else []
        worded = [str(entity.get("value")) for entity in entities if entity.get("entity") == "topic"]
        # An effect the patient describes names its topic ("a bit pink": redness) without being asked about.
        described = [str(topic) for topic in parse.get(EFFECTS_THERE_NOW_KEY) or ()]
        metadata = parse.get("metadata") if isinstance(parse.get("metadata"), Mapping) else {}
        return cls(
            intent=intent,
            topics=tuple(name for name in dict.fromkeys(asked + worded) if name in known),
            signs=frozenset(str(e.get("value")) for e in entities if e.get("entity") == "warning_sign"),
            spoken_time=_first_timestamp(entities, "procedure_time"),
            implausible_time=_first_timestamp(entities, "implausible_time"),
            time_ahead=_first_timestamp(entities, "time_ahead"),
            hours_ago=_first_hours(entities),
            symptom_onset=_first_timestamp(entities, "symptom_onset"),
            asked_in_general=topic_question_status(str(parse.get("text") or "")) == Assertion.GENERAL,
            not_there_now=frozenset(parse.get(NOT_THERE_NOW_KEY) or ()),
            signs_asked_about=tuple(str(category) for category in parse.get(ASKED_ABOUT_KEY) or ()),
            named_topics=frozenset(worded + described),
            intense_topics=frozenset(str(topic) for topic in parse.get(INTENSE_EFFECTS_KEY) or ()),
            describes_symptom=parse.get(SYMPTOM_KEY) is True,
            expectable_early=parse.get(EXPECTABLE_EARLY_KEY) is True,
            language=message_language(parse),
            from_panel=any(e.get("entity") == PANEL_ENTITY and e.get("value") == "panel" for e in entities),
            metadata_time=metadata.get("procedure_time"),
        )


def _first_timestamp(entities: list[Mapping[str, Any]], name: str) -> datetime | None:
    for entity in entities:
        if entity.get("entity") == name:
            try:
                return parse_timestamp(str(entity.get("value")))
            except ValueError:
                continue
    return None


def _first_hours(entities: list[Mapping[str, Any]]) -> float | None:
    for entity in entities:
        if entity.get("entity") == "hours_ago":
            try:
                hours = float(entity.get("value"))
            except (TypeError, ValueError):
                continue
            if math.isfinite(hours) and abs(hours) < MAX_HOURS:
                return hours
    return None


@dataclass(frozen=True)
class TimeUpdate:
    """What a message does to the procedure time: a new accepted time, or one refused (future or too old)."""

    accepted: datetime | None = None
    rejected: datetime | None = None


def read_procedure_time(
    reading: Reading, known: datetime | None, now: datetime, in_form: bool = False, awaiting: bool = False
) -> TimeUpdate:
    """Which procedure time this message gives: typed or a quick reply, else the widget's metadata when unknown.

    What the patient says wins over metadata, so they can correct the time at any point. A time in the future or
    over OLDEST_PLAUSIBLE ago is refused, to be explained and asked again; so is a time ahead ("in 3 days") when
    the conversation is `awaiting` the procedure time. In a form the patient types a phone number and a time to
    call, not the procedure's time: only a quick reply and the metadata count there.
    """
    spoken = None if in_form else reading.spoken_time or reading.implausible_time
    if spoken is None and reading.hours_ago is not None:
        try:
            spoken = now - timedelta(hours=reading.hours_ago)
        except OverflowError:
            return TimeUpdate()
    if spoken is None and not in_form and (awaiting or reading.intent == TIME_INTENT):
        spoken = reading.time_ahead
    if spoken is not None:
        return TimeUpdate(rejected=spoken) if plausibility_problem(spoken, now) else TimeUpdate(accepted=spoken)
    if known is None and reading.metadata_time is not None:
        try:
            value = parse_timestamp(reading.metadata_time) if isinstance(reading.metadata_time, str) else None
        except ValueError:
            value = None
        if value is not None and plausibility_problem(value, now) is None:
            return TimeUpdate(accepted=value)
        # The value itself is health data: log only that it was refused.
        logger.warning("Ignored a procedure_time in message metadata that is malformed or implausible.")
    return TimeUpdate()


@dataclass(frozen=True)
class State:
    """What the conversation knows before this message is answered (the procedure time already read)."""

    procedure_time: datetime | None = None
    rejected_time: datetime | None = None
    pending_topics: tuple[str, ...] = ()
    plan_pending: bool = False
    escalation: str | None = None
    progress: Progress = field(default_factory=Progress)
    timezone: str = "UTC"
    alerts_enabled: bool = False  # a callback request reaches the clinic
    in_form: bool = False  # in the callback form, where a typed time is a time to call, not the procedure's
    terminal: bool = False  # `rasa shell`: words only, no JSON payloads
    person_answering: str | None = None  # the name of the staff member answering in this chat, if one is

    @property
    def awaiting_time(self) -> bool:
        """Whether a question waits for the procedure time (a care topic, or the plan): "in 3 days" answers it."""
        return bool(self.pending_topics) or self.plan_pending


@dataclass
class Decision:
    """What the turn says, in order, what it escalates (and alerts the clinic about) and the slots it sets."""

    replies: list[Reply] = field(default_factory=list)
    level: str | None = None  # injector or emergency when this turn escalates and alerts the clinic
    slots: dict[str, Any] = field(default_factory=dict)
    answered: tuple[str, ...] = ()  # the care topics answered
    waiting: tuple[str, ...] = ()  # the care topics that wait for the procedure time
    symptom_not_placed: bool = False  # a symptom the assistant cannot place: said so, with the clinic's number
    procedure_time: datetime | None = None  # the procedure time this message gave (accepted or refused)
    asks_time: bool = False

    def say(self, response: str | None = None, text: str | None = None, **values: Any) -> None:
        self.replies.append(Reply(response=response, text=text, values=values))


def is_decided(intent: str) -> bool:
    """Whether data/rules sends this intent to an action that calls decide_turn (a test holds the rules to it)."""
    return intent in DECIDED_INTENTS or intent.startswith("ask_")


def decide_turn(reading: Reading, state: State, now: datetime, clinic: Clinic, guide: CareGuide) -> Decision:
    """The turn's outcome, the procedure time this message gives included (see `decide_answer`)."""
    update = read_procedure_time(reading, state.procedure_time, now, state.in_form, state.awaiting_time)
    # Rasa already filled the slot from a typed time that can be right: set it only when it changes.
    changed = update.accepted is not None and update.accepted != state.procedure_time
    if update.rejected is not None:
        state = replace(state, rejected_time=update.rejected)
    elif update.accepted is not None:
        state = replace(state, procedure_time=update.accepted)
    decision = decide_answer(reading, state, now, clinic, guide)
    if changed and "procedure_time" not in decision.slots:
        decision.slots = {"procedure_time": format_timestamp(update.accepted), **decision.slots}
    decision.procedure_time = update.accepted or update.rejected
    return decision


def decide_answer(reading: Reading, state: State, now: datetime, clinic: Clinic, guide: CareGuide) -> Decision:
    """The turn's outcome for the intents data/rules sends to the answering actions (DECIDED_INTENTS, ask_*).

    A reported warning sign or emergency escalates first and alone, unless every sign is said only in an expected
    effect's words within the care guide's first hours (then the side effects answer it); a plan request (or a time
    given for a pending one) gets the plan; a check-in answer is acknowledged; a care question or a procedure time
    is answered from the care guide for the time since the procedure, asking for it when an answer depends on it.
    While a person from the clinic answers in the chat, the assistant steps back and says so, except for warning
    signs, emergencies, a request for a person and the widget's plan panel.
    """
    if reading.intent in REPORT_INTENTS:
        if _expected_in_first_hours(reading, state, now, guide):
            # "My face is hot and red" two hours after: the side effects, with the signs to watch for.
            topics = tuple(dict.fromkeys((*reading.topics, EXPECTED_EFFECTS_TOPIC)))
            return _answer(replace(reading, topics=topics), state, now, clinic, guide)
        return _escalate(reading, state, now, clinic)
    if reading.intent == HUMAN_INTENT:
        return _share_contact(state, clinic)
    if state.person_answering is not None and not reading.from_panel:
        return person_answers(reading, state, clinic)
    if reading.intent in (FALLBACK_INTENT, NOT_COVERED_INTENT):
        return not_understood(reading, clinic)
    if reading.intent == PLAN_INTENT or (reading.intent == TIME_INTENT and state.plan_pending):
        return _plan(reading, state, now, clinic, guide)
    if reading.intent in (ALL_GOOD_INTENT, WORRIED_INTENT):
        return _check_in_answer(reading, state, now, clinic, guide)
    return _answer(reading, state, now, clinic, guide)


def _expected_in_first_hours(reading: Reading, state: State, now: datetime, guide: CareGuide) -> bool:
    """A warning sign said only in an expected effect's words, within the care guide's first hours."""
    if reading.intent != WARNING_INTENT or not reading.expectable_early or state.procedure_time is None:
        return False
    return timedelta(0) <= now - state.procedure_time < timedelta(hours=guide.first_hours)


def not_understood(reading: Reading, clinic: Clinic) -> Decision:
    """A message the assistant cannot answer: a symptom it cannot place is said so, with the clinic's number.

    Otherwise the patient is asked to rephrase (a low-confidence guess) or told the care guide does not cover it.
    """
    decision = Decision(symptom_not_placed=reading.describes_symptom)
    if reading.describes_symptom:
        decision.say("utter_symptom_not_placed", **clinic.contact_details())
    elif reading.intent == NOT_COVERED_INTENT:
        decision.say("utter_not_covered", **clinic.contact_details())
    else:
        decision.say("utter_ask_rephrase", **clinic.contact_details())
    return decision


def _unrelated_to_symptom(reading: Reading, guide: CareGuide) -> bool:
    """A symptom answered on a topic its words do not name and that is not about symptoms ("sore cheek" -> actives)."""
    if not reading.describes_symptom or not reading.topics:
        return False
    related = reading.named_topics | SYMPTOM_TOPICS | {name for name, topic in guide.topics.items() if topic.effect}
    return not any(name in related for name in reading.topics)


def person_answering_text(staff_name: str | None, clinic: Clinic) -> str:
    """What the patient reads while a person from the clinic answers in the chat."""
    return patient_text("handoff.person_answering", staff_name=staff_name, **clinic.contact_details())


def person_answers(reading: Reading, state: State, clinic: Clinic) -> Decision:
    """The assistant steps back while a person from the clinic answers; nothing waits for a procedure time."""
    decision = Decision(slots={"pending_topic": None})
    decision.say(text=person_answering_text(state.person_answering, clinic))
    if reading.intent == PLAN_INTENT or (reading.intent == TIME_INTENT and state.plan_pending):
        decision.slots["plan_pending"] = False
    return decision


def _share_contact(state: State, clinic: Clinic) -> Decision:
    """A patient who wants a person gets the clinic's contact details, and the widget shows the call action."""
    decision = Decision()
    decision.say("utter_contact_clinic", **clinic.contact_details())
    _raise(decision, state, INJECTOR, clinic, alert=False)
    return decision


def _raise(decision: Decision, state: State, level: str, clinic: Clinic, alert: bool = True) -> None:
    """Escalates to `level`: the widget's payload carries the conversation's level, which is never lowered."""
    if alert:
        decision.level = level
    conversation_level = level if more_urgent(state.escalation, level) else state.escalation
    if more_urgent(state.escalation, level):
        decision.slots["escalation"] = level
    if not state.terminal:
        decision.replies.append(Reply(payload={"escalation": conversation_level, "phone": clinic.phone}))


def _offer_callback(decision: Decision, state: State, now: datetime, clinic: Clinic) -> None:
    """After an injector-level escalation while the clinic is closed, offers a callback (never for emergencies)."""
    hours = clinic.opening_hours
    opening = hours.next_opening(now)
    if not state.alerts_enabled or hours.is_open(now) or opening is None:
        return
    decision.say(
        "utter_offer_callback", next_opening=describe_moment(opening, now, hours.timezone), **clinic.contact_details()
    )
    decision.slots["callback_offered"] = True


def _escalate(reading: Reading, state: State, now: datetime, clinic: Clinic) -> Decision:
    """A warning sign goes to the injector, an emergency to the emergency number first, with no reassurance."""
    decision = Decision(slots={"pending_topic": None})
    details = clinic.contact_details()
    level = report_level(reading.intent, reading.signs)
    in_language = reply_text(reading.language, level_text(level), details)
    if in_language is not None:
        decision.say(text=in_language)
    elif level == EMERGENCY:
        decision.say("utter_emergency", **details)
    else:
        decision.say("utter_warning_sign", **details)
        decision.say("utter_contact_injector_now", **details)
    _raise(decision, state, level, clinic)
    # The callback form asks in English: a patient writing in another language is not offered it.
    if level == INJECTOR and in_language is None:
        _offer_callback(decision, state, now, clinic)
    decision.slots.setdefault("callback_offered", False)
    return decision


def time_problem(rejected: datetime, now: datetime, timezone: str) -> Reply:
    """Why a procedure time cannot be right, so the patient is not asked the same question again blindly."""
    local = rejected.astimezone(ZoneInfo(timezone))
    understood = f"{local:%a} {local.day} {local:%b %Y}"
    if plausibility_problem(rejected, now) == "future":
        return Reply(response="utter_procedure_time_future", values={"understood": understood})
    return Reply(
        response="utter_procedure_time_too_old",
        values={"understood": understood, "oldest_plausible": f"{OLDEST_PLAUSIBLE.days} days"},
    )


def ask_procedure_time(decision: Decision, clinic: Clinic, guide: CareGuide) -> None:
    """Asks when the procedure was, with quick replies carrying how many hours ago they stand for."""
    buttons = tuple(
        {"title": button.title, "payload": f'/{TIME_INTENT}{{"hours_ago": {button.hours_ago:g}}}'}
        for button in guide.time_buttons
    )
    decision.replies.append(
        Reply(response="utter_ask_procedure_time", values=clinic.contact_details(), buttons=buttons)
    )
    decision.asks_time = True


def _stage_news(state: State, guide: CareGuide, now: datetime, plan_asked: bool = False) -> TurnNews | None:
    if state.procedure_time is None:
        return None
    return turn_news(guide, state.progress, state.procedure_time, now, plan_asked)


def _say_milestones(decision: Decision, news: TurnNews | None) -> None:
    message = milestone_message(news.crossed) if news else None
    if message:
        decision.say(text=message)


def _say_follow_ups(decision: Decision, news: TurnNews | None, now: datetime, clinic: Clinic, guide: CareGuide) -> None:
    """Last in a calm reply: the next-session reminder and a due check-in; remembers what was said."""
    if news is None:
        return
    window = booking_window(guide) if news.remind_booking else None
    if window is not None:
        decision.say(text=booking_message(window, clinic.contact_details(), clinic.booking_url))
    if news.check_in is not None:
        seen = news.progress.seen_procedure_time
        decision.replies.append(
            Reply(
                response="utter_check_in",
                values={"elapsed": describe_elapsed(seen, now) if seen else "a while"},
            )
        )
    decision.slots["aftercare_progress"] = news.progress.to_slot()


def _answer(reading: Reading, state: State, now: datetime, clinic: Clinic, guide: CareGuide) -> Decision:
    """A care question answered for the time since the procedure; topics that need an unknown time wait for it."""
    topics = [*reading.topics, *(name for name in state.pending_topics if name not in reading.topics)]
    topics = [name for name in topics if name in guide.topics]
    details = clinic.contact_details()
    decision = Decision()
    if state.rejected_time is not None:
        decision.replies.append(time_problem(state.rejected_time, now, state.timezone))
        ask_procedure_time(decision, clinic, guide)
        decision.slots["pending_topic"] = " ".join(topics) or None
        return decision
    if _unrelated_to_symptom(reading, guide):
        decision = not_understood(reading, clinic)
        decision.slots["pending_topic"] = None
        return decision
    if not topics:
        if state.procedure_time is None:
            decision.say("utter_procedure_time_not_understood")
            ask_procedure_time(decision, clinic, guide)
        else:
            decision.say("utter_procedure_time_noted", elapsed=describe_elapsed(state.procedure_time, now))
        decision.slots["pending_topic"] = None
        return decision

    if reading.signs_asked_about:
        # What to do if a warning sign happens comes first, an emergency's before any other: no alarm.
        emergency = reading.signs_asked_about[0] == EMERGENCY
        decision.say("utter_if_emergency_sign" if emergency else "utter_if_warning_sign", **details)
    answered: list[tuple[str, Advice]] = []
    waiting: list[str] = []
    for name in topics:
        # Only a question of this message can be general: a pending topic answered by a time was asked earlier.
        # A topic only the classifier's guess gives (no word of the message names it: "peeling a bit, like after a
        # sunburn" guessed as redness) is answered as if asked in general: it says when to contact the clinic if
        # the effect is still there, and raises no alarm on words the patient did not write.
        general = (
            (reading.asked_in_general and name in reading.topics)
            or name in reading.not_there_now
            or (name in reading.topics and name not in reading.named_topics and not reading.from_panel)
        )
        advice = advise(
            guide.topics[name],
            state.procedure_time,
            now,
            state.timezone,
            details,
            general,
            reading.symptom_onset,
            intense=name in reading.intense_topics,
        )
        if advice is None:
            waiting.append(name)
        else:
            answered.append((name, advice))
    decision.answered, decision.waiting = tuple(name for name, _ in answered), tuple(waiting)
    decision.slots["pending_topic"] = " ".join(waiting) or None
    escalates = any(advice.escalate for _, advice in answered)
    # Milestones, check-ins and the booking reminder never come with an escalation or a question for the time.
    news = _stage_news(state, guide, now) if not waiting and not escalates else None
    _say_milestones(decision, news)
    for _, advice in answered:
        decision.say(text=advice.text)
    if escalates:
        decision.say("utter_contact_injector_now", **details)
        _raise(decision, state, INJECTOR, clinic)
    elif any(advice.if_still_there for _, advice in answered):
        decision.say("utter_if_still_there", **details)
    if state.procedure_time is not None and any(guide.topics[name].needs_time for name, _ in answered):
        decision.say("utter_based_on_procedure_time", elapsed=describe_elapsed(state.procedure_time, now))
    if escalates:
        _offer_callback(decision, state, now, clinic)
    if waiting:
        if reading.intent == TIME_INTENT and not answered:
            decision.say("utter_procedure_time_not_understood")
        ask_procedure_time(decision, clinic, guide)
    _say_follow_ups(decision, news, now, clinic, guide)
    return decision


def _plan(reading: Reading, state: State, now: datetime, clinic: Clinic, guide: CareGuide) -> Decision:
    """The plan for the patient's stage ("what can I do now?"), asking when the procedure was if unknown."""
    decision = Decision()
    if state.rejected_time is not None:
        decision.replies.append(time_problem(state.rejected_time, now, state.timezone))
        ask_procedure_time(decision, clinic, guide)
        decision.slots["plan_pending"] = True
        return decision
    if state.procedure_time is None:
        if reading.from_panel:
            _plan_payload(decision, state, None)
        ask_procedure_time(decision, clinic, guide)
        decision.slots["plan_pending"] = True
        return decision
    plan = build_plan(guide, state.procedure_time, now)
    decision.slots["plan_pending"] = False
    if reading.from_panel:
        # The panel only shows the plan: milestones and check-ins wait for the patient's next message.
        _plan_payload(decision, state, plan_payload(plan, state.timezone))
        return decision
    news = _stage_news(state, guide, now, plan_asked=True)
    _say_milestones(decision, news)
    for message in plan_messages(plan, state.timezone, clinic.contact_details()):
        decision.say(text=message)
    decision.say("utter_based_on_procedure_time", elapsed=describe_elapsed(state.procedure_time, now))
    _plan_payload(decision, state, plan_payload(plan, state.timezone))
    _say_follow_ups(decision, news, now, clinic, guide)
    return decision


def _plan_payload(decision: Decision, state: State, payload: dict[str, Any] | None) -> None:
    """The plan as JSON for the widget's panel (None: the procedure time is not known yet); not in the terminal."""
    if not state.terminal:
        decision.replies.append(Reply(payload={PLAN_PAYLOAD_KEY: payload}))


def _check_in_answer(reading: Reading, state: State, now: datetime, clinic: Clinic, guide: CareGuide) -> Decision:
    """The check-in's "All good" (what comes next) and "Something worries me" (asks what it is)."""
    decision = Decision()
    if reading.intent == WORRIED_INTENT:
        decision.say("utter_ask_what_worries", **clinic.contact_details())
        return decision
    decision.say("utter_check_in_all_good")
    if state.procedure_time is not None:
        plan = build_plan(guide, state.procedure_time, now)
        if plan.next_milestone is not None:
            decision.say(text=f"Next milestone: {describe_next(plan, state.timezone)}.")
    return decision
