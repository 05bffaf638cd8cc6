"""Placeholders a patient must never see: "{phone}" left in a reply instead of the clinic's number.

Rasa fills a response's placeholders from the conversation's slots and the values an action sends with it, and
shows the text unfilled when one is missing. These checks find that before a patient does: a test runs them over
every rule, story and form (tests/test_responses.py) and the action server over every reply it sends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# The keys of a rasa-sdk message that are not values for the response's placeholders.
MESSAGE_KEYS = frozenset(
    {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment", "quick_replies"}
)


def placeholders(text: Any) -> set[str]:
    """The {names} in a text (none for anything that is not a string)."""
    return set(PLACEHOLDER.findall(text)) if isinstance(text, str) else set()


def response_placeholders(variants: Iterable[Mapping[str, Any]]) -> set[str]:
    """The placeholders of every variant of a domain response."""
    names: set[str] = set()
    for variant in variants:
        if isinstance(variant, Mapping):
            names |= placeholders(variant.get("text"))
    return names


def unfilled(message: Mapping[str, Any], responses: Mapping[str, Any], slots: Iterable[str]) -> set[str]:
    """The placeholders a message from an action would show unfilled: in its text, or its response's lacking a value.

    A response's placeholders are filled from the message's own values and the conversation's slots.
    """
    missing = placeholders(message.get("text"))
    name = message.get("response") or message.get("template")
    if isinstance(name, str) and isinstance(responses.get(name), list):
        given = {key for key, value in message.items() if key not in MESSAGE_KEYS and value is not None}
        missing |= response_placeholders(responses[name]) - given - set(slots)
    return missing


def replace_unfilled(call: Mapping[str, Any], result: Mapping[str, Any], safe_text: str) -> list[set[str]]:
    """Replaces, in an action server's answer to a call, every reply that would show a placeholder by `safe_text`.

    Returns the placeholders of each reply replaced (empty when all were complete).
    """
    replies = result.get("responses")
    responses = (call.get("domain") or {}).get("responses") or {}
    slots = (call.get("tracker") or {}).get("slots") or {}
    if not isinstance(replies, list) or not isinstance(responses, Mapping) or not isinstance(slots, Mapping):
        return []
    replaced = []
    for index, message in enumerate(replies):
        missing = unfilled(message, responses, slots) if isinstance(message, Mapping) else set()
        if missing:
            replies[index] = {"text": safe_text}
            replaced.append(missing)
    return replaced
