"""``switchboard twilio connect --number E164`` and ``switchboard twilio check`` (issue 15),
through the twilio library's client against the local stand-in of Twilio's REST API
(IncomingPhoneNumbers, the account, a Messaging Service), checking the credentials as Twilio
does."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_TOKEN
from tests.twilio.conftest import BASE

NUMBER = "+15550109000"
OURS = {"voice_url": f"{BASE}/voice", "voice_fallback_url": f"{BASE}/voice/fallback",
        "status_callback": f"{BASE}/voice/status", "sms_url": f"{BASE}/sms", "sms_fallback_url": f"{BASE}/sms/fallback",
        "voice_method": "POST", "voice_fallback_method": "POST", "status_callback_method": "POST",
        "sms_method": "POST", "sms_fallback_method": "POST"}


@pytest.fixture
def api(twilio_api):
    twilio_api.auth_token = TEST_TOKEN  # the suite's TWILIO_AUTH_TOKEN is the account's
    return twilio_api


def run(make_app, *args, **settings):
    app = make_app(**settings)
    return app.test_cli_runner().invoke(args=["twilio", *args])


def test_connect_points_every_webhook_at_us_and_prints_old_and_new(api, make_app):
    n = api.add_number(NUMBER, voice_url="https://demo.twilio.com/welcome/voice/", voice_method="GET",
                       sms_method="POST", voice_application_sid="AP" + "1" * 32)
    out = run(make_app, "connect", "--number", NUMBER)
    assert out.exit_code == 0, out.output
    assert f"VoiceUrl: https://demo.twilio.com/welcome/voice/ -> {BASE}/voice" in out.output
    assert "VoiceMethod: GET -> POST" in out.output
    assert f"SmsFallbackUrl: (unset) -> {BASE}/sms/fallback" in out.output
    assert f"StatusCallback: (unset) -> {BASE}/voice/status" in out.output
    assert "VoiceApplicationSid: AP" + "1" * 32 + " -> (unset)" in out.output
    assert "already right: SmsMethod" in out.output and "connected: 10 settings changed" in out.output
    number = api.numbers[n["sid"]]
    assert {k: number[k] for k in OURS} == OURS and number["voice_application_sid"] is None
    assert len(api.number_updates) == 1

    again = run(make_app, "connect", "--number", NUMBER)
    assert again.exit_code == 0 and "already connected: nothing changed" in again.output
    assert len(api.number_updates) == 1


@pytest.mark.parametrize("overrides, says", [
    ({"public_base_url": None}, "PUBLIC_BASE_URL is not set"),
    ({"public_base_url": "http://support.example.com"}, "PUBLIC_BASE_URL must be https://"),
    ({"twilio_account_sid": None}, "TWILIO_ACCOUNT_SID is not set"),
    ({"twilio_auth_token": "dev-auth-token-0123456789abcdef"}, "TWILIO_AUTH_TOKEN is not set"),
])
def test_connect_refuses_without_credentials_or_an_https_address(api, make_app, overrides, says):
    api.add_number(NUMBER)
    out = run(make_app, "connect", "--number", NUMBER, **overrides)
    assert out.exit_code == 1 and "nothing changed" in out.output and says in out.output
    assert api.number_updates == []


def test_connect_refuses_a_number_the_account_does_not_have_or_a_bad_one(api, make_app):
    out = run(make_app, "connect", "--number", NUMBER)
    assert out.exit_code == 1 and f"has no number {NUMBER}" in out.output
    bad = run(make_app, "connect", "--number", "5550109000")
    assert bad.exit_code == 2 and "not an E.164 number" in bad.output


def test_connect_refuses_a_number_on_a_sip_trunk(api, make_app):
    api.add_number(NUMBER, trunk_sid="TK" + "1" * 32)
    out = run(make_app, "connect", "--number", NUMBER)
    assert out.exit_code == 1 and "Elastic SIP trunk" in out.output and api.number_updates == []


def test_connect_says_when_twilio_refuses_the_credentials(api, make_app):
    api.add_number(NUMBER)
    api.auth_token = "another-token"
    out = run(make_app, "connect", "--number", NUMBER)
    assert out.exit_code == 1 and "Twilio refused" in out.output and "20003" in out.output
    assert "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN" in out.output


def test_check_after_connect_agrees_and_changes_nothing(api, make_app):
    api.add_number(NUMBER)
    run(make_app, "connect", "--number", NUMBER)
    updates = len(api.number_updates)
    out = run(make_app, "check", "--number", NUMBER)
    assert out.exit_code == 0, out.output
    assert "credentials: TWILIO_AUTH_TOKEN is the auth token of" in out.output
    assert (f"{NUMBER} VoiceUrl: https, and a request Twilio signs for it passes this app's signature check"
            in out.output)
    assert "DIFFERS" not in out.output and "checks agree" in out.output
    assert len(api.number_updates) == updates
    # Without --number: TWILIO_FROM_NUMBER (the suite's tests set it to the support number).
    assert run(make_app, "check").exit_code == 0


def test_check_finds_the_numbers_pointing_here_without_being_told(api, make_app):
    api.add_number(NUMBER, **OURS)
    api.add_number("+15550109001", voice_url="https://elsewhere.example/voice")
    out = run(make_app, "check", twilio_from_number=None)
    assert out.exit_code == 0, out.output
    assert NUMBER in out.output and "+15550109001" not in out.output


def test_check_reports_a_wrong_auth_token(api, make_app):
    api.add_number(NUMBER, **OURS)
    api.auth_token = "the-accounts-real-token"
    out = run(make_app, "check", "--number", NUMBER)
    assert out.exit_code == 1
    assert "DIFFERS  credentials: Twilio refused fetching the account: 401 20003" in out.output
    assert "would be refused (403)" in out.output


def test_check_reports_settings_that_are_not_ours_or_not_https(api, make_app):
    api.add_number(NUMBER, **{**OURS, "sms_url": "http://support.example.com/sms",
                              "voice_fallback_url": None, "status_callback": "https://old.example.com/voice/status"})
    out = run(make_app, "check", "--number", NUMBER)
    assert out.exit_code == 1
    assert f"DIFFERS  {NUMBER} SmsUrl is http://support.example.com/sms, not {BASE}/sms" in out.output
    assert f"DIFFERS  {NUMBER} SmsUrl: not https; a request Twilio signs for it would be refused (403)" in out.output
    assert f"DIFFERS  {NUMBER} VoiceFallbackUrl is (unset), not {BASE}/voice/fallback" in out.output
    assert (f"DIFFERS  {NUMBER} StatusCallback: a request Twilio signs for it would be refused (403): "
            f"signatures are checked against {BASE}") in out.output
    assert f"ok       {NUMBER} VoiceUrl = {BASE}/voice" in out.output
    assert api.number_updates == []


def test_check_reports_a_public_base_url_the_number_does_not_use(api, make_app):
    api.add_number(NUMBER, **OURS)
    out = run(make_app, "check", "--number", NUMBER, public_base_url="https://new.example.com")
    assert out.exit_code == 1
    assert f"VoiceUrl is {BASE}/voice, not https://new.example.com/voice" in out.output
    assert "would be refused (403): signatures are checked against https://new.example.com" in out.output


def test_check_without_credentials_says_what_is_missing(api, make_app):
    out = run(make_app, "check", twilio_account_sid=None, public_base_url=None)
    assert out.exit_code == 1
    assert "DIFFERS  TWILIO_ACCOUNT_SID is not set" in out.output and "PUBLIC_BASE_URL is not set" in out.output


def test_check_reports_a_messaging_service_that_keeps_incoming_texts_to_itself(api, make_app):
    n = api.add_number(NUMBER, **OURS)
    sid = "MG" + "2" * 32
    api.services[sid] = {"sid": sid, "use_inbound_webhook_on_number": False,
                         "inbound_request_url": "https://studio.example/flow", "phone_numbers": [n["sid"]]}
    out = run(make_app, "check", "--number", NUMBER, twilio_messaging_service_sid=sid)
    assert out.exit_code == 1
    assert "not the number's: set its Integration to \"Defer to sender's webhook\"" in out.output
    assert "the number is in its sender pool" in out.output
    api.services[sid]["use_inbound_webhook_on_number"] = True
    assert run(make_app, "check", "--number", NUMBER, twilio_messaging_service_sid=sid).exit_code == 0
