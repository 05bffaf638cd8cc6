"""Delivering an alert (services/delivery.py) to a real HTTP receiver and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json

import pytest

from services.alert_settings import SmtpSettings
from services.delivery import DeliveryError, email_for, post_webhook, send_email, signature, verify_signature
from storage.outbox import new_alert
from tests.alerts.receivers import MailServer, WebhookReceiver, free_port

SECRET = "webhook-secret-for-tests-0123456789"


@pytest.fixture
def receiver():
    running = WebhookReceiver(SECRET).start()
    yield running
    running.stop()


def body_of(alert) -> str:
    return json.dumps(alert.payload)


def test_the_signature_is_the_hex_hmac_sha256_of_the_raw_body():
    # What a receiver computes: `printf '{"id":"1"}' | openssl dgst -sha256 -hmac "$SECRET"` printed this digest.
    expected = "9297421fc97e275f994d124ea10c5bcf92fb667f224a72d0fb09e47e7d989f7e"
    assert signature(b'{"id":"1"}', SECRET) == f"sha256={expected}"
    assert verify_signature(b'{"id":"1"}', signature(b'{"id":"1"}', SECRET), SECRET)
    assert not verify_signature(b'{"id":"2"}', signature(b'{"id":"1"}', SECRET), SECRET)
    assert not verify_signature(b'{"id":"1"}', "", SECRET)


def test_a_signed_post_reaches_the_receiver(receiver):
    alert = new_alert("escalation", "emergency", "anna", "http://localhost:8090/conversations/anna")
    post_webhook(receiver.url, SECRET, body_of(alert))
    assert receiver.alerts == [alert.payload] and receiver.refused == 0


def test_a_wrong_secret_is_refused_by_the_receiver_and_counts_as_not_delivered(receiver):
    alert = new_alert("escalation", "injector", "anna", "http://console")
    with pytest.raises(DeliveryError, match="HTTP 401"):
        post_webhook(receiver.url, "another-secret-0123456789", body_of(alert))
    assert receiver.refused == 1 and receiver.alerts == []


def test_a_receiver_that_is_down_or_failing_is_not_delivered(receiver):
    receiver.status = 503
    with pytest.raises(DeliveryError, match="HTTP 503"):
        post_webhook(receiver.url, SECRET, "{}")
    with pytest.raises(DeliveryError, match="could not be reached"):
        post_webhook(f"http://127.0.0.1:{free_port()}/hook", SECRET, "{}", timeout=2)


def smtp_settings(port: int, starttls: bool = False) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, "", "", starttls, "assistant@clinic.example", ("nurse@clinic.example",))


def test_an_alert_email_reaches_a_real_smtp_server():
    alert = new_alert(
        "callback",
        None,
        "anna",
        "http://localhost:8090/conversations/anna",
        {"callback": {"name": "Anna", "phone": "+1 555 0100", "time": "after 5pm"}},
    )
    subject, text = email_for(alert.payload)
    with MailServer() as mail:
        send_email(smtp_settings(mail.port), subject, text, alert.id)
    ((recipients, message),) = mail.messages
    assert recipients == ["nurse@clinic.example"]
    assert message["Subject"] == "Aftercare assistant: a patient asks to be called back"
    assert message["Message-ID"] == f"<{alert.id}@aftercare.alerts>"
    content = message.get_content()
    assert "Name: Anna" in content and "Phone: +1 555 0100" in content and "after 5pm" in content
    assert "http://localhost:8090/conversations/anna" in content


def test_starttls_is_required_by_default():
    with MailServer() as mail, pytest.raises(DeliveryError, match="could not take the email"):
        send_email(smtp_settings(mail.port, starttls=True), "subject", "text", "id-1")
    assert mail.messages == []


def test_an_escalation_email_says_the_level_and_nothing_the_patient_wrote():
    alert = new_alert("escalation", "emergency", "anna", "http://console/anna")
    subject, text = email_for(alert.payload)
    assert "EMERGENCY" in subject and "emergency number" in text and "What they wrote" not in text
    detailed = new_alert(
        "escalation", "injector", "anna", "http://c", {"details": {"message": "pus", "level": "injector"}}
    )
    assert "What they wrote: pus" in email_for(detailed.payload)[1]
