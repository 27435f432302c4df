"""The settings of a real Twilio account (issue 15): who sends the texts the bot starts, and who
answers consent words; refused at start when they can't work."""

from __future__ import annotations

import pytest

from core.settings import Settings, SettingsError

PROD = {"SWITCHBOARD_ENV": "production", "TWILIO_AUTH_TOKEN": "t" * 32, "PIN_SECRET": "s" * 32,
        "DATABASE_URL": "postgresql+psycopg://db/sb", "REDIS_URL": "redis://r:6379/0",
        "PUBLIC_BASE_URL": "https://support.example.com", "SECRET_KEY": "k" * 32}
SERVICE = "MG" + "0123456789abcdef" * 2


def test_production_refuses_texting_credentials_without_a_sender():
    with pytest.raises(SettingsError) as exc:
        Settings.from_env({**PROD, "TWILIO_ACCOUNT_SID": "AC" + "1" * 32})
    message = str(exc.value)
    assert "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER" in message and "\n" not in message


@pytest.mark.parametrize("sender", [{"TWILIO_FROM_NUMBER": "+15550109000"}, {"TWILIO_MESSAGING_SERVICE_SID": SERVICE}])
def test_production_starts_with_either_sender(sender):
    s = Settings.from_env({**PROD, "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, **sender})
    assert (s.twilio_from_number, s.twilio_messaging_service_sid) == (sender.get("TWILIO_FROM_NUMBER"),
                                                                        sender.get("TWILIO_MESSAGING_SERVICE_SID"))


def test_development_may_leave_the_sender_unset_and_production_without_texting_too():
    assert Settings.from_env({"TWILIO_ACCOUNT_SID": "AC" + "1" * 32}).twilio_from_number is None
    assert Settings.from_env(PROD).twilio_messaging_service_sid is None


@pytest.mark.parametrize("name, value", [("TWILIO_FROM_NUMBER", "5550109000"), ("TWILIO_FROM_NUMBER", "+1555"),
                                         ("TWILIO_MESSAGING_SERVICE_SID", "PN" + "0" * 32),
                                         ("TWILIO_MESSAGING_SERVICE_SID", "MG123"),
                                         ("OPT_OUT_MANAGED_BY", "carrier")])
def test_unreadable_sender_or_consent_settings_stop_start_up(name, value):
    with pytest.raises(SettingsError) as exc:
        Settings.from_env({name: value})
    assert name in str(exc.value) and "\n" not in str(exc.value)


def test_consent_words_are_the_apps_unless_twilio_is_named():
    assert Settings.from_env({}).opt_out_managed_by == "app"
    assert Settings.from_env({"OPT_OUT_MANAGED_BY": "Twilio"}).opt_out_managed_by == "twilio"
