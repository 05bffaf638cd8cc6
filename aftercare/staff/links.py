"""Where one conversation lives in the staff console: the one rule for writing its path and for reading it back.

A conversation id is whatever the patient's channel chose (an email address, a phone number with "+", words with
spaces, any language), so every link quotes the id as one path segment, "/" and "%" included; the console decodes
that segment, and nothing else, to find the conversation again. The console's pages and live updates, its
redirects and the alerts' links all come from `conversation_path`.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

CONVERSATIONS = "/conversations"


def conversation_path(conversation_id: str, *action: str) -> str:
    """The console path of a conversation or of one of its actions.

    ("anna@x.org", "reply") gives "/conversations/anna%40x.org/reply".
    """
    return "/".join((CONVERSATIONS, quote(conversation_id, safe=""), *action))


def conversation_id_from_path(segment: str) -> str | None:
    """The conversation id a path segment names (percent-decoded as UTF-8), or None when it names none.

    No stored id holds a NUL (PostgreSQL cannot store one, and would refuse the query), nor bytes that are not UTF-8.
    """
    try:
        conversation_id = unquote(segment, errors="strict")
    except UnicodeDecodeError:
        return None
    return conversation_id if conversation_id and "\x00" not in conversation_id else None
