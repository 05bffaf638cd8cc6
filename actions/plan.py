"""The patient's aftercare plan, milestones, check-ins and the next-session reminder (issue 15).

Thin: reads the tracker, asks aftercare/plan.py, dispatches. What the conversation has already announced or
asked lives in the slot `aftercare_progress` (carried into new sessions, see CARRIED_OVER_SLOTS), so each
milestone, check-in and the booking reminder happens once per conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.settings import CLINIC, GUIDE
from actions.turns import (
    TERMINAL_CHANNEL,
    ask_procedure_time,
    describe_date,
    patient_timezone,
    person_is_answering,
    stored_procedure_time,
)
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
from aftercare.timestamps import describe_elapsed, parse_timestamp, plausibility_problem, reference_now

PROGRESS_SLOT = "aftercare_progress"
PENDING_SLOT = "plan_pending"  # the plan was asked for while the procedure time was unknown
PANEL_ENTITY = "plan_view"  # the widget's "Your aftercare" panel sends /request_plan{"plan_view": "panel"}
PAYLOAD_KEY = "aftercare_plan"
ALL_GOOD_INTENT = "check_in_all_good"
WORRIED_INTENT = "check_in_worried"


def send_plan_payload(dispatcher: CollectingDispatcher, tracker: Tracker, payload: dict[str, Any] | None) -> None:
    """The plan as custom JSON for the widget's panel (None: the procedure time is not known yet); not in the shell."""
    if tracker.get_latest_input_channel() != TERMINAL_CHANNEL:
        dispatcher.utter_message(json_message={PAYLOAD_KEY: payload})


def stage_news(
    tracker: Tracker, procedure_time: datetime | None, now: datetime, plan_asked: bool = False
) -> TurnNews | None:
    """What this reply adds for the patient's stage (None without a procedure time)."""
    if procedure_time is None:
        return None
    return turn_news(GUIDE, Progress.from_slot(tracker.get_slot(PROGRESS_SLOT)), procedure_time, now, plan_asked)


def visit_started(tracker: Tracker) -> list[EventType]:
    """At a new session: whether this visit began with the procedure time known (stored, or the widget's metadata)."""
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


def say_milestones(dispatcher: CollectingDispatcher, news: TurnNews | None) -> None:
    """First in the reply: what has become fine since the patient last wrote."""
    message = milestone_message(news.crossed) if news else None
    if message:
        dispatcher.utter_message(text=message)


def say_follow_ups(
    dispatcher: CollectingDispatcher, tracker: Tracker, news: TurnNews | None, now: datetime
) -> list[EventType]:
    """Last in the reply: the next-session reminder and a due check-in; returns the progress to remember."""
    if news is None:
        return []
    if news.remind_booking:
        window = booking_window(GUIDE)
        if window is not None:
            dispatcher.utter_message(text=booking_message(window, CLINIC.contact_details(), CLINIC.booking_url))
    if news.check_in is not None:
        procedure_time = news.progress.seen_procedure_time
        elapsed = describe_elapsed(procedure_time, now) if procedure_time else "a while"
        dispatcher.utter_message(response="utter_check_in", elapsed=elapsed)
    return [SlotSet(PROGRESS_SLOT, news.progress.to_slot())]


def asked_from_panel(tracker: Tracker) -> bool:
    """Whether the widget's panel asked (only the JSON, nothing in the chat), not the patient in words."""
    entities = tracker.latest_message.get("entities") or []
    return any(entity.get("entity") == PANEL_ENTITY and entity.get("value") == "panel" for entity in entities)


class ActionGivePlan(Action):
    """The plan for the patient's stage ("what can I do now?"), asking when the procedure was if unknown."""

    def name(self) -> str:
        return "action_give_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        panel = asked_from_panel(tracker)
        if not panel and person_is_answering(dispatcher, tracker):
            return [SlotSet(PENDING_SLOT, False)]
        now = reference_now()
        timezone = patient_timezone(tracker)
        rejected = tracker.get_slot("rejected_procedure_time")
        if rejected:
            value = parse_timestamp(rejected)
            problem = plausibility_problem(value, now)
            response = "utter_procedure_time_future" if problem == "future" else "utter_procedure_time_too_old"
            dispatcher.utter_message(response=response, understood=describe_date(value, timezone))
            ask_procedure_time(dispatcher)
            return [SlotSet("rejected_procedure_time", None), SlotSet(PENDING_SLOT, True)]
        procedure_time = stored_procedure_time(tracker)
        if procedure_time is None:
            if panel:
                send_plan_payload(dispatcher, tracker, None)
            ask_procedure_time(dispatcher)
            return [SlotSet(PENDING_SLOT, True)]
        plan = build_plan(GUIDE, procedure_time, now)
        if panel:
            # The panel only shows the plan: milestones and check-ins wait for the patient's next message.
            send_plan_payload(dispatcher, tracker, plan_payload(plan, timezone))
            return [SlotSet(PENDING_SLOT, False)]
        news = stage_news(tracker, procedure_time, now, plan_asked=True)
        say_milestones(dispatcher, news)
        for message in plan_messages(plan, timezone, CLINIC.contact_details()):
            dispatcher.utter_message(text=message)
        dispatcher.utter_message(
            response="utter_based_on_procedure_time", elapsed=describe_elapsed(procedure_time, now)
        )
        send_plan_payload(dispatcher, tracker, plan_payload(plan, timezone))
        return [SlotSet(PENDING_SLOT, False), *say_follow_ups(dispatcher, tracker, news, now)]


class ActionAnswerCheckIn(Action):
    """The check-in's "All good" (what comes next) and "Something worries me" (asks what it is)."""

    def name(self) -> str:
        return "action_answer_check_in"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if person_is_answering(dispatcher, tracker):
            return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == WORRIED_INTENT:
            dispatcher.utter_message(response="utter_ask_what_worries", **CLINIC.contact_details())
            return []
        procedure_time = stored_procedure_time(tracker)
        if procedure_time is None:
            dispatcher.utter_message(response="utter_check_in_all_good")
            return []
        now = reference_now()
        plan = build_plan(GUIDE, procedure_time, now)
        dispatcher.utter_message(response="utter_check_in_all_good")
        if plan.next_milestone is not None:
            dispatcher.utter_message(text=f"Next milestone: {describe_next(plan, patient_timezone(tracker))}.")
        return []
