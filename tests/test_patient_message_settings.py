"""What `make run` says about messages to enrolled patients, and a wrong setting refused naming the variable."""

import pytest

from aftercare.environment import SettingError
from services.patient_messages import read_patient_message_settings

SMTP = {"SMTP_HOST": "mail.glowskin.example", "ALERT_EMAIL_FROM": "care@glowskin.example", "ALERT_EMAIL_TO": "t@x.org"}
TWILIO = {"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "token", "TWILIO_FROM_NUMBER": "+15550001111"}


def test_with_nothing_configured_messages_to_patients_are_off_and_it_says_so():
    settings = read_patient_message_settings({})
    assert settings.channels == ()
    assert settings.describe().startswith("Messages to enrolled patients are off")


def test_it_says_where_emails_and_text_messages_go():
    described = read_patient_message_settings({**SMTP, **TWILIO}).describe()
    assert "SMTP host mail.glowskin.example:587" in described and "SMS from +15550001111 via Twilio" in described


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"TWILIO_ACCOUNT_SID": "AC123"}, "TWILIO_AUTH_TOKEN"),
        ({**TWILIO, "TWILIO_FROM_NUMBER": "clinic"}, "TWILIO_FROM_NUMBER"),
        ({**TWILIO, "TWILIO_API_URL": "localhost:9"}, "TWILIO_API_URL"),
        ({"CONSOLE_PUBLIC_URL": "console.example"}, "CONSOLE_PUBLIC_URL"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_variable(environ, named):
    with pytest.raises(SettingError, match=named):
        read_patient_message_settings(environ)
