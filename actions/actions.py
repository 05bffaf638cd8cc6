"""Custom actions: read the tracker, ask the turn decision (aftercare/turn.py), dispatch."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import settings
from actions.settings import CLINIC
from actions.turns import carry_out, decide, person_is_answering, reading, stored_procedure_time
from aftercare.plan import Progress
from aftercare.timestamps import parse_timestamp, plausibility_problem, reference_now
from aftercare.turn import FALLBACK_INTENT, not_understood

CARRIED_OVER_SLOTS = ("procedure_time", "escalation", "aftercare_progress")  # kept when a new session starts
PROGRESS_SLOT = "aftercare_progress"


def visit_started(tracker: Tracker) -> list[EventType]:
    """At a new session: whether this visit began with the procedure time known (stored, or the widget's metadata).

    What the conversation has already announced or asked lives in `aftercare_progress`, carried into new sessions,
    so each milestone, check-in and the booking reminder happens once per conversation.
    """
    known = stored_procedure_time(tracker) is not None
    if not known:
        metadata = tracker.get_slot("session_started_metadata") or {}
        raw = metadata.get("procedure_time") if isinstance(metadata, dict) else None
        try:
            known = isinstance(raw, str) and plausibility_problem(parse_timestamp(raw), reference_now()) is None
        except ValueError:
            known = False
    progress = Progress.from_slot(tracker.get_slot(PROGRESS_SLOT))
    return [SlotSet(PROGRESS_SLOT, progress.new_visit(known).to_slot())]


class ActionSessionStart(Action):
    """Starts each session with the disclaimer, keeping the procedure time and escalation."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet(slot, tracker.get_slot(slot)) for slot in CARRIED_OVER_SLOTS if tracker.get_slot(slot)]
        # A visit that begins with the procedure time known may ask a due check-in.
        events += visit_started(tracker)
        # Whether a callback request reaches the clinic, which the callback rules read (data/rules/callbacks.yml).
        events.append(SlotSet("callback_available", settings.ALERTS.enabled))
        dispatcher.utter_message(response="utter_disclaimer", **CLINIC.contact_details())
        events.append(ActionExecuted("action_listen"))
        return events


class ActionDecideTurn(Action, ABC):
    """Answers the turn as the turn decision says (aftercare/turn.py: decide_turn); each subclass is a rule's name."""

    @abstractmethod
    def name(self) -> str:
        """The action's name in domain.yml and the rules (abstract: rasa-sdk registers no instance of this class)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return carry_out(dispatcher, tracker, decide(tracker))


class ActionAnswerQuestion(ActionDecideTurn):
    """A side-effect or care question, or a procedure time, answered for the time since the procedure."""

    def name(self) -> str:
        return "action_answer_question"


class ActionEscalate(ActionDecideTurn):
    """Sends a warning sign to the injector and an emergency sign to the emergency number, first."""

    def name(self) -> str:
        return "action_escalate"


class ActionShareContact(ActionDecideTurn):
    """Gives the clinic's contact details to a patient who wants a person."""

    def name(self) -> str:
        return "action_share_contact"


class ActionGivePlan(ActionDecideTurn):
    """The plan for the patient's stage ("what can I do now?"), asking when the procedure was if unknown.

    Always sets plan_pending, which data/rules/plan.yml reads.
    """

    def name(self) -> str:
        return "action_give_plan"


class ActionAnswerCheckIn(ActionDecideTurn):
    """The check-in's "All good" (what comes next) and "Something worries me" (asks what it is)."""

    def name(self) -> str:
        return "action_answer_check_in"


class ActionAskRephrase(Action):
    """On low confidence: ask to rephrase, never guess, and give the clinic's contact (a symptom: say so)."""

    def name(self) -> str:
        return "action_ask_rephrase"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if person_is_answering(dispatcher, tracker):
            return []
        return carry_out(dispatcher, tracker, not_understood(replace(reading(tracker), intent=FALLBACK_INTENT), CLINIC))
