"""Alert settings (services/alert_settings.py): off by default, and a wrong setting names its variable."""

from __future__ import annotations

import pytest

from aftercare.environment import SettingError
from services.alert_settings import read_alert_settings, url_for_logs

SECRET = "s" * 32
EMAIL = {
    "SMTP_HOST": "mail.example",
    "ALERT_EMAIL_FROM": "bot@clinic.example",
    "ALERT_EMAIL_TO": "nurse@clinic.example",
}


def test_nothing_configured_means_alerts_are_off_and_says_so():
    settings = read_alert_settings({})
    assert not settings.enabled and settings.channels == ()
    assert "Alerts to the clinic are off" in settings.describe()
    assert settings.database_url == "sqlite:///conversations.db"


def test_a_webhook_and_email_together():
    settings = read_alert_settings(
        {"ALERT_WEBHOOK_URL": "https://clinic.example/hook", "ALERT_WEBHOOK_SECRET": SECRET, **EMAIL}
    )
    assert settings.channels == ("webhook", "email")
    assert settings.smtp.port == 587 and settings.smtp.starttls
    assert settings.describe() == (
        "Alerts to the clinic: a signed POST to https://clinic.example/hook and email to nurse@clinic.example via "
        "mail.example:587, without health details."
    )
    assert settings.console_link("a b/c") == "http://localhost:8090/conversations/a%20b%2Fc"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ALERT_WEBHOOK_URL": "clinic.example/hook", "ALERT_WEBHOOK_SECRET": SECRET}, "ALERT_WEBHOOK_URL must be"),
        ({"ALERT_WEBHOOK_URL": "ftp://clinic.example/", "ALERT_WEBHOOK_SECRET": SECRET}, "ALERT_WEBHOOK_URL must be"),
        ({"ALERT_WEBHOOK_URL": "http://x:port/", "ALERT_WEBHOOK_SECRET": SECRET}, "ALERT_WEBHOOK_URL has a port"),
        ({"ALERT_WEBHOOK_URL": "https://clinic.example/hook"}, "ALERT_WEBHOOK_SECRET is missing"),
        ({"ALERT_WEBHOOK_URL": "https://clinic.example/hook", "ALERT_WEBHOOK_SECRET": "short"}, "at least 16"),
        ({"ALERT_WEBHOOK_SECRET": SECRET}, "ALERT_WEBHOOK_URL is not"),
        ({**EMAIL, "ALERT_EMAIL_TO": ""}, "ALERT_EMAIL_TO is missing"),
        ({**EMAIL, "ALERT_EMAIL_FROM": ""}, "ALERT_EMAIL_FROM is missing"),
        ({**EMAIL, "ALERT_EMAIL_TO": "nurse at clinic"}, "ALERT_EMAIL_TO: 'nurse at clinic' is not an email"),
        ({**EMAIL, "SMTP_PORT": "smtp"}, "SMTP_PORT must be a port number"),
        ({**EMAIL, "SMTP_USERNAME": "bot"}, "SMTP_PASSWORD is missing"),
        ({**EMAIL, "SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS must be 1 or 0"),
        ({"ALERT_EMAIL_TO": "nurse@clinic.example"}, "ALERT_EMAIL_TO is set but SMTP_HOST is not"),
        ({"ALERT_INCLUDE_DETAILS": "please"}, "ALERT_INCLUDE_DETAILS must be 1 or 0"),
        ({"CONSOLE_URL": "console"}, "CONSOLE_URL must be"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_variable(environ, message):
    with pytest.raises(SettingError, match=message):
        read_alert_settings(environ)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://clinic.example/hook?token=abc&x=1", "https://clinic.example/hook"),
        ("https://bot:pass@clinic.example:8443/alerts/in#part", "https://clinic.example/alerts/in"),
        ("http://[::1]:8080/hook?key=abc", "http://[::1]/hook"),
        ("https://clinic.example", "https://clinic.example"),
    ],
)
def test_a_url_for_the_logs_keeps_scheme_host_and_path_only(url, shown):
    assert url_for_logs(url) == shown
