"""Custom actions: read the tracker, ask the care guide, dispatch. The decisions live in care_guide.py."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import plan as plan_turns
from actions import settings
from actions.settings import CLINIC, GUIDE
from actions.turns import (
    TERMINAL_CHANNEL,
    TIME_INTENT,
    ask_procedure_time,
    describe_date,
    patient_timezone,
    person_is_answering,
    stored_procedure_time,
)
from aftercare.assertion import Assertion
from aftercare.care_guide import advise
from aftercare.escalation import EMERGENCY, more_urgent, report_level
from aftercare.languages import level_text, message_language, reply_text  # other languages (issue 16)
from aftercare.opening_hours import describe_moment
from aftercare.timestamps import (
    OLDEST_PLAUSIBLE,
    describe_elapsed,
    format_timestamp,
    parse_timestamp,
    plausibility_problem,
    reference_now,
)
from aftercare.topic_question import topic_question_status
from aftercare.topics import NOT_THERE_NOW_KEY

logger = logging.getLogger(__name__)

CARRIED_OVER_SLOTS = ("procedure_time", "escalation", "aftercare_progress")  # kept when a new session starts


def spoken_time(entities: list[dict[str, Any]], name: str) -> datetime | None:
    """The first valid timestamp among the entities called `name`."""
    for entity in entities:
        if entity.get("entity") == name:
            try:
                return parse_timestamp(str(entity.get("value")))
            except ValueError:
                continue
    return None


def escalate_to(tracker: Tracker, level: str) -> list[EventType]:
    """Sets the escalation slot, never lowering it within a conversation (emergency outranks injector)."""
    return [SlotSet("escalation", level)] if more_urgent(tracker.get_slot("escalation"), level) else []


def utter_escalation(dispatcher: CollectingDispatcher, tracker: Tracker, level: str) -> None:
    """Tells the widget (and REST clients) that this turn escalated, so it can make the call action prominent.

    The payload carries the conversation's level (never lowered: an emergency earlier stays the level after a later
    injector-level sign), so the widget shows what the server decided and keeps no copy of the levels' order.
    Not in `rasa shell`: the patient there reads the words, which already say whom to call.
    """
    current = tracker.get_slot("escalation")
    conversation_level = level if more_urgent(current, level) else current
    if tracker.get_latest_input_channel() != TERMINAL_CHANNEL:
        dispatcher.utter_message(json_message={"escalation": conversation_level, "phone": CLINIC.phone})


def offer_callback_if_closed(dispatcher: CollectingDispatcher) -> list[EventType]:
    """After an injector-level escalation while the clinic is closed, offers a callback (never for emergencies)."""
    now = reference_now()
    hours = CLINIC.opening_hours
    opening = hours.next_opening(now)
    if not settings.ALERTS.enabled or hours.is_open(now) or opening is None:
        return []
    dispatcher.utter_message(
        response="utter_offer_callback",
        next_opening=describe_moment(opening, now, hours.timezone),
        **CLINIC.contact_details(),
    )
    return [SlotSet("callback_offered", True)]


class ActionSessionStart(Action):
    """Starts each session with the disclaimer, keeping the procedure time and escalation."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet(slot, tracker.get_slot(slot)) for slot in CARRIED_OVER_SLOTS if tracker.get_slot(slot)]
        # Aftercare plan (issue 15): a visit that begins with the procedure time known may ask a due check-in.
        events += plan_turns.visit_started(tracker)
        dispatcher.utter_message(response="utter_disclaimer", **CLINIC.contact_details())
        events.append(ActionExecuted("action_listen"))
        return events


class ActionExtractProcedureTime(Action):
    """Fills the procedure time every turn: from what the patient said, else from the widget's metadata.

    Also refreshes `callback_available` (whether alerts reach the clinic), which the callback rules read.

    What the patient says wins over metadata, so they can correct the time at any point. A time in the
    future or over a year ago is not accepted: it is kept aside so the next answer can ask again.
    """

    def name(self) -> str:
        return "action_extract_procedure_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        availability = []
        if tracker.get_slot("callback_available") is not settings.ALERTS.enabled:
            availability = [SlotSet("callback_available", settings.ALERTS.enabled)]
        return availability + self._procedure_time_events(tracker)

    def _procedure_time_events(self, tracker: Tracker) -> list[EventType]:
        now = reference_now()
        # In the callback form the patient types a phone number and a time to call, not the procedure's time.
        in_callback_form = (tracker.active_loop or {}).get("name") == "callback_form"
        spoken = None if in_callback_form else self._spoken_time(tracker.latest_message.get("entities", []), now)
        unchanged = [SlotSet("rejected_procedure_time", None)] if tracker.get_slot("rejected_procedure_time") else []
        if spoken is None:
            metadata = tracker.latest_message.get("metadata") or {}
            if tracker.get_slot("procedure_time") is None and "procedure_time" in metadata:
                return self._from_metadata(metadata["procedure_time"], now) + unchanged
            return unchanged
        if plausibility_problem(spoken, now):
            return [SlotSet("rejected_procedure_time", format_timestamp(spoken))]
        return [SlotSet("procedure_time", format_timestamp(spoken))] + unchanged

    @staticmethod
    def _spoken_time(entities: list[dict[str, Any]], now: datetime) -> datetime | None:
        """A typed time (`procedure_time`), or a quick reply's `hours_ago` counted from when it was pressed."""
        for entity in entities:
            try:
                if entity.get("entity") == "procedure_time":
                    return parse_timestamp(str(entity.get("value")))
                if entity.get("entity") == "hours_ago":
                    return now - timedelta(hours=float(entity.get("value")))
            except (ValueError, TypeError, OverflowError):
                continue
        return None

    @staticmethod
    def _from_metadata(raw: Any, now: datetime) -> list[EventType]:
        try:
            value = parse_timestamp(raw) if isinstance(raw, str) else None
        except ValueError:
            value = None
        if value is None or plausibility_problem(value, now):
            # The value itself is health data: log only that it was refused.
            logger.warning("Ignored a procedure_time in message metadata that is malformed or implausible.")
            return []
        return [SlotSet("procedure_time", format_timestamp(value))]


class ActionAnswerQuestion(Action):
    """Answers a side-effect or care question for the time since the procedure, asking for it if needed."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if person_is_answering(dispatcher, tracker):
            return [SlotSet("pending_topic", None)]
        now = reference_now()
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        asked, pending = asked_topics(tracker)
        topic_names = [*asked, *(name for name in pending if name not in asked)]
        rejected = tracker.get_slot("rejected_procedure_time")
        if rejected:
            value = parse_timestamp(rejected)
            problem = plausibility_problem(value, now)
            response = "utter_procedure_time_future" if problem == "future" else "utter_procedure_time_too_old"
            dispatcher.utter_message(
                response=response,
                understood=describe_date(value, patient_timezone(tracker)),
                oldest_plausible=f"{OLDEST_PLAUSIBLE.days} days",
            )
            ask_procedure_time(dispatcher)
            return [SlotSet("rejected_procedure_time", None), SlotSet("pending_topic", " ".join(topic_names) or None)]

        procedure_time = stored_procedure_time(tracker)
        if not topic_names:
            if procedure_time is None:
                dispatcher.utter_message(response="utter_procedure_time_not_understood")
                ask_procedure_time(dispatcher)
            else:
                dispatcher.utter_message(
                    response="utter_procedure_time_noted", elapsed=describe_elapsed(procedure_time, now)
                )
            return [SlotSet("pending_topic", None)]

        # Only a question of this message can be general: a pending topic answered by a time was asked earlier.
        in_general = topic_question_status(tracker.latest_message.get("text") or "") == Assertion.GENERAL
        # "The swelling has gone down completely" on day 3: answered like a question in general, not escalated.
        not_there_now = set(tracker.latest_message.get(NOT_THERE_NOW_KEY) or [])
        onset = spoken_time(tracker.latest_message.get("entities", []), "symptom_onset")
        timezone, details = patient_timezone(tracker), CLINIC.contact_details()
        answered, waiting = [], []
        for name in topic_names:
            topic = GUIDE.topics[name]
            general = (in_general and name in asked) or name in not_there_now
            advice = advise(topic, procedure_time, now, timezone, details, general, onset)
            if advice is None:
                waiting.append(name)
            else:
                answered.append((topic, advice))

        events: list[EventType] = [SlotSet("pending_topic", " ".join(waiting) or None)]
        # --- Aftercare plan (issue 15): milestones first, then the answer, then a check-in or booking reminder. ---
        # Never on a turn that escalates or asks for the time.
        calm = not waiting and not any(advice.escalate for _, advice in answered)
        news = plan_turns.stage_news(tracker, procedure_time, now) if calm else None
        plan_turns.say_milestones(dispatcher, news)
        # --- end of the aftercare plan block ---
        for _, advice in answered:
            dispatcher.utter_message(text=advice.text)
        if any(advice.escalate for _, advice in answered):
            dispatcher.utter_message(response="utter_contact_injector_now", **details)
            utter_escalation(dispatcher, tracker, "injector")
            settings.ALERTS.escalation(tracker, "injector")
            events += escalate_to(tracker, "injector")
        elif any(advice.if_still_there for _, advice in answered):
            dispatcher.utter_message(response="utter_if_still_there", **details)
        if procedure_time is not None and any(topic.needs_time for topic, _ in answered):
            dispatcher.utter_message(
                response="utter_based_on_procedure_time", elapsed=describe_elapsed(procedure_time, now)
            )
        if any(advice.escalate for _, advice in answered):
            events += offer_callback_if_closed(dispatcher)
        if waiting:
            if intent == TIME_INTENT and not answered:
                dispatcher.utter_message(response="utter_procedure_time_not_understood")
            ask_procedure_time(dispatcher)
        events += plan_turns.say_follow_ups(dispatcher, tracker, news, now)  # aftercare plan (issue 15)
        return events


def asked_topics(tracker: Tracker) -> tuple[list[str], list[str]]:
    """The care topics this message asks about (its intent's, then every `topic` entity), and those pending.

    Each topic once, only topics the care guide has; pending topics were asked while the time was unknown.
    """
    pending = (tracker.get_slot("pending_topic") or "").split()
    asked = message_topics(tracker.latest_message)
    return asked, [name for name in dict.fromkeys(pending) if name in GUIDE.topics]


def message_topics(message: dict[str, Any]) -> list[str]:
    """The care topics an NLU result asks about: its intent's, then every `topic` entity, each once."""
    intent = (message.get("intent") or {}).get("name") or ""
    named = [intent[len("ask_") :]] if intent.startswith("ask_") else []
    named += [e.get("value") for e in message.get("entities") or [] if e.get("entity") == "topic"]
    return [name for name in dict.fromkeys(named) if name in GUIDE.topics]


class ActionEscalate(Action):
    """Sends a warning sign to the injector and an emergency sign to the emergency number, first."""

    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        signs = {
            e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "warning_sign"
        }
        # Other languages (issue 16, aftercare/languages/): the same escalation in the patient's language.
        level = "emergency" if report_level(intent, signs) == EMERGENCY else "injector"
        in_language = reply_text(message_language(tracker.latest_message), level_text(level), CLINIC.contact_details())
        if in_language is not None:
            dispatcher.utter_message(text=in_language)
        elif level == "emergency":
            # No reassurance and nothing before the emergency number.
            dispatcher.utter_message(response="utter_emergency", **CLINIC.contact_details())
        else:
            dispatcher.utter_message(response="utter_warning_sign", **CLINIC.contact_details())
            dispatcher.utter_message(response="utter_contact_injector_now", **CLINIC.contact_details())
        utter_escalation(dispatcher, tracker, level)
        settings.ALERTS.escalation(tracker, level)
        # The callback form asks its questions in English: a patient writing in another language is told in it to
        # call the clinic, or urgent care while it is closed, and is not offered the form.
        offered = level == "injector" and in_language is None
        offer = offer_callback_if_closed(dispatcher) if offered else [SlotSet("callback_offered", False)]
        return [SlotSet("pending_topic", None), *escalate_to(tracker, level), *offer]


class ActionShareContact(Action):
    """Gives the clinic's contact details to a patient who wants a person."""

    def name(self) -> str:
        return "action_share_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_contact_clinic", **CLINIC.contact_details())
        utter_escalation(dispatcher, tracker, "injector")
        return escalate_to(tracker, "injector")


class ActionAskRephrase(Action):
    """On low confidence: ask to rephrase, never guess, and give the clinic's contact."""

    def name(self) -> str:
        return "action_ask_rephrase"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if not person_is_answering(dispatcher, tracker):
            dispatcher.utter_message(response="utter_ask_rephrase", **CLINIC.contact_details())
        return []
