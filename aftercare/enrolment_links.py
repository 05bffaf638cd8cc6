"""Signed tokens for an enrolled patient: the private link to the clinic's page, and the unsubscribe link.

A link token is `<enrolment id>.<expiry, epoch seconds>.<signature>`; an unsubscribe token is
`<enrolment id>.<signature>` and does not expire (a patient may unsubscribe from an old email). Each signature is
HMAC-SHA256, URL-safe base64 without padding, over the token's purpose and fields, so one kind of token never
passes for the other. Checking compares in constant time. Every part is URL-safe: a token goes into a path or a
query string as it is.

The secret is the one that signs conversation ids (aftercare/session_ids.py: SESSION_SECRET, or the
`.session_secret` file beside the tracker store), so the page that opens a patient's conversation needs no second
secret; the signatures are over a purpose prefix, so a link's signature is never a valid conversation id's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone

LINK_PURPOSE = b"aftercare enrolment link\n"
UNSUBSCRIBE_PURPOSE = b"aftercare unsubscribe\n"
# A link stays valid this long after the programme's last message, for a patient who opens it late.
LINK_GRACE = timedelta(days=14)
MAX_TOKEN_CHARACTERS = 200
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_EXPIRY = re.compile(r"[0-9]{1,12}")


class LinkError(ValueError):
    """A token that was not signed with this secret, is malformed, or has expired."""


class LinkExpired(LinkError):
    """A genuine link token past its expiry."""


def _signature(purpose: bytes, message: str, secret: bytes) -> str:
    digest = hmac.new(secret, purpose + message.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _key(secret: bytes | str) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def _checked_id(enrolment_id: str) -> str:
    if not isinstance(enrolment_id, str) or not _ID.fullmatch(enrolment_id):
        raise ValueError("an enrolment id is 1 to 64 URL-safe characters")
    return enrolment_id


def link_expiry(procedure_time: datetime, programme_length: timedelta) -> datetime:
    """When an enrolment's private link stops working: LINK_GRACE after the programme's end."""
    return procedure_time + programme_length + LINK_GRACE


def link_token(enrolment_id: str, expires_at: datetime, secret: bytes | str) -> str:
    """The token of a patient's private link, valid until `expires_at` (timezone-aware)."""
    message = f"{_checked_id(enrolment_id)}.{int(expires_at.timestamp())}"
    return f"{message}.{_signature(LINK_PURPOSE, message, _key(secret))}"


def read_link_token(token: object, secret: bytes | str, now: datetime) -> str:
    """The enrolment id a link token names; LinkExpired past its expiry, LinkError for anything not signed."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARACTERS or token.count(".") != 2:
        raise LinkError("not a link token")
    enrolment_id, expiry, signature = token.split(".")
    if not _ID.fullmatch(enrolment_id) or not _EXPIRY.fullmatch(expiry):
        raise LinkError("not a link token")
    expected = _signature(LINK_PURPOSE, f"{enrolment_id}.{expiry}", _key(secret))
    if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode("ascii")):
        raise LinkError("the link's signature does not match")
    if datetime.fromtimestamp(int(expiry), timezone.utc) <= now:
        raise LinkExpired("the link has expired")
    return enrolment_id


def unsubscribe_token(enrolment_id: str, secret: bytes | str) -> str:
    """The token of an enrolment's unsubscribe link (`<console>/unsubscribe/<token>`)."""
    return f"{_checked_id(enrolment_id)}.{_signature(UNSUBSCRIBE_PURPOSE, enrolment_id, _key(secret))}"


def read_unsubscribe_token(token: object, secret: bytes | str) -> str:
    """The enrolment id an unsubscribe token names; LinkError for anything this secret did not sign."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARACTERS or token.count(".") != 1:
        raise LinkError("not an unsubscribe token")
    enrolment_id, signature = token.split(".")
    if not _ID.fullmatch(enrolment_id):
        raise LinkError("not an unsubscribe token")
    expected = _signature(UNSUBSCRIBE_PURPOSE, enrolment_id, _key(secret))
    if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode("ascii")):
        raise LinkError("the unsubscribe link's signature does not match")
    return enrolment_id
