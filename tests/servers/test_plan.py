"""The aftercare plan, a milestone and the check-ins through REST, against the real servers with a fixed clock.

The action server runs with AFTERCARE_NOW fixed (restarted with a later clock to let time pass in a conversation);
procedure times come as the widget sends them, in message metadata, so the Rasa server's own clock plays no part.
"""

import json
from datetime import datetime, timedelta, timezone

import pytest

from scripts.servers import Servers

T0 = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)  # Sunday noon in New York
CHECK_IN_TITLES = ["All good", "Still red or swollen", "Something worries me"]
API_TOKEN = "plan-tests-api-token-0123456789"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def set_clock(servers: Servers, moment: datetime | None) -> None:
    """Restarts the action server with its clock at `moment` (None: the real clock); conversations are kept."""
    Servers.stop(servers.actions)
    if moment is None:
        servers.env.pop("AFTERCARE_NOW", None)
    else:
        servers.env["AFTERCARE_NOW"] = iso(moment)
    servers.start_actions()


@pytest.fixture(scope="module")
def clocked(servers):
    set_clock(servers, T0)
    yield servers
    set_clock(servers, None)


def texts(replies: list[dict]) -> list[str]:
    """The replies' texts after the disclaimer that opens each new conversation."""
    said = [reply["text"] for reply in replies if reply.get("text")]
    return [text for text in said if "automated aftercare assistant, not a clinician" not in text]


def line(replies: list[dict], start: str) -> str:
    return next(text for text in texts(replies) if text.startswith(start))


def check_in_buttons(replies: list[dict]) -> list[dict]:
    return next((reply["buttons"] for reply in replies if "How does your skin look" in reply.get("text", "")), [])


def plan_payload(replies: list[dict]) -> dict:
    return next(reply["custom"]["aftercare_plan"] for reply in replies if "aftercare_plan" in reply.get("custom", {}))


def metadata(hours_after: float) -> dict:
    return {"procedure_time": iso(T0 - timedelta(hours=hours_after)), "timezone": "America/New_York"}


def test_the_plan_at_3_hours_has_make_up_waiting_until_tomorrow_morning(clocked):
    replies = clocked.send("plan-3h", "what can I do now?", metadata(3))
    assert texts(replies)[0].startswith("Here's your aftercare plan for today, the day of your treatment")
    assert "make-up" not in line(replies, "Fine now:") and "a gentle walk" in line(replies, "Fine now:")
    waiting = line(replies, "Still to wait for:")
    assert "make-up (from around 9 am tomorrow)" in waiting and "sunscreen (from around 9 am tomorrow)" in waiting
    assert line(replies, "Next milestone:").startswith("Next milestone: around 9 am tomorrow (24 hours after")
    assert plan_payload(replies)["day"] == 0
    assert check_in_buttons(replies) == []  # no check-in before 24 hours


def test_the_plan_at_30_hours_allows_make_up_has_exercise_waiting_and_checks_in(clocked):
    replies = clocked.send("plan-30h", "what's still off limits?", metadata(30))
    assert "make-up" in line(replies, "Fine now:") and "sunscreen" in line(replies, "Fine now:")
    waiting = line(replies, "Still to wait for:")
    assert waiting.startswith("Still to wait for: workouts and heavy sweating (from around 6 am tomorrow)")
    assert "make-up" not in waiting
    assert [button["title"] for button in check_in_buttons(replies)] == CHECK_IN_TITLES
    # Asked once in the conversation: the plan asked again does not check in again.
    assert check_in_buttons(clocked.send("plan-30h", "what can I do today?", metadata(30))) == []


def test_the_plan_at_9_days_has_retinol_next_and_the_two_week_things_waiting_and_still_red_escalates(clocked):
    replies = clocked.send("plan-9d", "what should this week look like?", metadata(9 * 24))
    assert "gentle exfoliation" in line(replies, "Fine now:") and "workouts" in line(replies, "Fine now:")
    waiting = line(replies, "Still to wait for:")
    assert waiting.startswith("Still to wait for: retinol and other retinoids (from around 12 pm tomorrow); waxing")
    assert "self-tan and spray tan" in waiting and "shaving" not in waiting
    assert "redness" in line(replies, "No longer expected by now:")
    buttons = check_in_buttons(replies)
    assert [button["title"] for button in buttons] == CHECK_IN_TITLES
    still_red = next(button for button in buttons if button["title"] == "Still red or swollen")
    replies = clocked.send("plan-9d", still_red["payload"], metadata(9 * 24))
    assert any(text.startswith("Redness should have settled within a week") for text in texts(replies))
    assert [reply["custom"]["escalation"] for reply in replies if "escalation" in reply.get("custom", {})] == [
        "injector"
    ]


def test_the_plan_asks_for_the_time_first_then_gives_it(clocked):
    replies = clocked.send("plan-no-time", "what am i allowed to do now")
    assert any(reply.get("buttons") and "when did you have" in reply["text"] for reply in replies)
    replies = clocked.send("plan-no-time", '/inform_procedure_time{"hours_ago": 24}')
    assert texts(replies)[0].startswith("Here's your aftercare plan for day 1")


def test_a_conversation_spanning_24_hours_says_what_changed_and_checks_in_once(clocked):
    sender = "plan-span"
    first = clocked.send(sender, "can I wear make-up?", metadata(22))
    assert texts(first)[0].startswith("Not yet") and check_in_buttons(first) == []

    set_clock(clocked, T0 + timedelta(hours=3))  # 25 hours after the treatment, same conversation
    try:
        second = clocked.send(sender, "is it ok to put on sunscreen?", metadata(22))
        said = texts(second)
        assert said[0] == "It's now past 24 hours since your treatment, so these are fine now: sunscreen; make-up."
        assert said[1].startswith("Yes: use sunscreen")
        assert [button["title"] for button in check_in_buttons(second)] == CHECK_IN_TITLES

        third = clocked.send(sender, "can I go swimming?", metadata(22))
        assert not any(text.startswith("It's now past") for text in texts(third))
        assert check_in_buttons(third) == []
        assert texts(third)[0].startswith("Not yet")

        worried = next(b for b in check_in_buttons(second) if b["title"] == "Something worries me")
        asked = clocked.send(sender, worried["payload"], metadata(22))
        assert texts(asked)[0].startswith("I'm sorry it worries you. What is it?")
        escalated = clocked.send(sender, "there's yellow crust on my cheek", metadata(22))
        assert any("warning sign" in text for text in texts(escalated))
    finally:
        set_clock(clocked, T0)
    milestone_lines = [
        event["text"]
        for event in clocked.events(sender, "bot")
        if (event.get("text") or "").startswith("It's now past 24 hours")
    ]
    assert len(milestone_lines) == 1


def test_another_channel_can_deliver_the_check_in_through_the_conversations_api(clocked):
    """README: a clinic's job calls trigger_intent request_plan for a conversation whose check-in is due."""
    sender = "plan-external"
    assert texts(clocked.send(sender, "can I wear make-up?", metadata(3)))[0].startswith("Not yet")
    set_clock(clocked, T0 + timedelta(hours=22))  # 25 hours after the treatment
    clocked.restart_rasa(RASA_ENABLE_API="1", RASA_AUTH_TOKEN=API_TOKEN)
    try:
        path = f"/conversations/{sender}/trigger_intent?token={API_TOKEN}"
        status, answer = clocked.post(json.dumps({"name": "request_plan"}), path=path)
        assert status == 200, answer
        messages = answer["messages"]
        assert texts(messages)[0].startswith("It's now past 24 hours since your treatment")
        assert texts(messages)[1].startswith("Here's your aftercare plan for day 1")
        assert [button["title"] for button in check_in_buttons(messages)] == CHECK_IN_TITLES
        status, again = clocked.post(json.dumps({"name": "request_plan"}), path=path)
        assert status == 200 and check_in_buttons(again["messages"]) == []
        # The patient's answer comes back into the same conversation.
        replies = clocked.send(sender, "/check_in_all_good", metadata(3))
        assert texts(replies)[0].startswith("Good to hear")
    finally:
        set_clock(clocked, T0)
        clocked.restart_rasa()
