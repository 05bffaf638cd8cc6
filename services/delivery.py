"""Delivering one alert: a signed webhook POST, or an email. Each raises DeliveryError when it did not arrive.

The webhook's receiver checks `X-Aftercare-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body keyed with
ALERT_WEBHOOK_SECRET (`signature` below; docs/alerts.md has a receiver's check). Any 2xx counts as
delivered; anything else (another status, an answer that is not HTTP, no answer within the timeout) is retried later
by the dispatcher.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from typing import Any

from services.alert_settings import SmtpSettings

SIGNATURE_HEADER = "X-Aftercare-Signature"
TIMEOUT_SECONDS = 10.0


class DeliveryError(Exception):
    """An alert did not reach its receiver; the message says why without any of the alert's contents."""


def signature(body: bytes, secret: str) -> str:
    """The signature header's value for a body: `sha256=` and the hex HMAC-SHA256 keyed with the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str, secret: str) -> bool:
    """What a receiver checks: whether the header is this body's signature (compared in constant time)."""
    return hmac.compare_digest(signature(body, secret), header or "")


def post_webhook(url: str, secret: str, body: str, timeout: float = TIMEOUT_SECONDS) -> None:
    """POSTs the alert's JSON body with its signature; DeliveryError unless the receiver answers 2xx."""
    data = body.encode()
    request = urllib.request.Request(
        url,
        data,
        {"Content-Type": "application/json", SIGNATURE_HEADER: signature(data, secret), "User-Agent": "aftercare"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - the URL is the clinic's
            status = answer.status
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"the webhook answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise DeliveryError(f"the webhook did not answer within {timeout:g} s") from None
        raise DeliveryError(f"the webhook could not be reached ({type(reason).__name__})") from None
    except http.client.HTTPException as error:  # e.g. BadStatusLine: the receiver did not answer in HTTP
        raise DeliveryError(f"the webhook's answer was not HTTP ({type(error).__name__})") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"the webhook answered HTTP {status}")


def email_for(payload: dict[str, Any]) -> tuple[str, str]:
    """The subject and text of an alert email, from the alert's JSON payload."""
    if payload["kind"] == "callback":
        subject = "Aftercare assistant: a patient asks to be called back"
        callback = payload.get("callback") or {}
        lines = [
            "A patient asked the aftercare assistant for a call back.",
            f"Name: {callback.get('name', '')}",
            f"Phone: {callback.get('phone', '')}",
            f"Good time to call: {callback.get('time', '')}",
        ]
    else:
        urgent = payload.get("level") == "emergency"
        subject = f"Aftercare assistant: {'EMERGENCY sign' if urgent else 'warning sign'} reported"
        lines = [
            "A patient's conversation was escalated "
            + ("as an emergency: they were told to call the emergency number." if urgent else "to the injector.")
        ]
        if "details" in payload:
            lines.append(f"What they wrote: {payload['details'].get('message', '')}")
    lines += [
        "",
        f"Open the conversation: {payload['console_url']}",
        f"When: {payload['created_at']}",
        f"Alert id: {payload['id']}",
    ]
    return subject, "\n".join(lines) + "\n"


def send_email(smtp: SmtpSettings, subject: str, text: str, alert_id: str, timeout: float = TIMEOUT_SECONDS) -> None:
    """Sends one alert email; DeliveryError when the server refuses it or cannot be reached."""
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(smtp.recipients)
    message["Subject"] = subject
    # The same id on every attempt, so a mail client shows a resent alert as the same message.
    message["Message-ID"] = f"<{alert_id}@aftercare.alerts>"
    message.set_content(text)
    submit_email(smtp, message, timeout)


def submit_email(smtp: SmtpSettings, message: EmailMessage, timeout: float = TIMEOUT_SECONDS) -> None:
    """Hands one email to the clinic's mail server; DeliveryError when it refuses it or cannot be reached."""
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.username:
                server.login(smtp.username, smtp.password)
            server.send_message(message)
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(f"the mail server answered {error.smtp_code}") from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
        raise DeliveryError(f"the mail server could not take the email ({type(error).__name__})") from None
