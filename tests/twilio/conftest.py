"""Fixtures of the tests of running on a real Twilio account (issue 15): the suite's app with a
public https address and REST credentials pointing at the local stand-in of Twilio's API, and
Twilio's requests signed for that address, as Twilio signs them."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_TOKEN, Twilio

BASE = "https://support.example.com"
ACCOUNT_SID = "AC" + "5a" * 16
SUPPORT = "+15550109000"  # the number customers call and text (the simulators' To)


@pytest.fixture
def settings(settings, twilio_api):
    twilio_api.reset()
    return settings.with_(public_base_url=BASE, twilio_account_sid=ACCOUNT_SID, twilio_api_base=twilio_api.url,
                          twilio_from_number=SUPPORT)


@pytest.fixture
def twilio(client):
    return Twilio(client, base=BASE)


@pytest.fixture
def phone(twilio):
    from tests.clients import Phone

    return lambda number: Phone(twilio, number)


@pytest.fixture
def call(app):
    """A call walked by the simulator, signed for PUBLIC_BASE_URL; ``transcript.sim.sid`` is its CallSid."""
    from ivr.simulate import CallSimulator, scripted
    from tests.clients import CheckedTransport

    def make(caller: str, answers: list[str], *, path: str = "/voice", to: str = SUPPORT):
        transport = CheckedTransport([app], token=TEST_TOKEN)
        transport.base = BASE
        sim = CallSimulator(transport, caller, to, scripted(answers))
        transcript = sim.run(path, None)
        transcript.sim = sim
        return transcript
    return make


def message_status(twilio, message: dict, status: str, code: int | None = None):
    """Twilio's status callback for a message the stand-in accepted, to the URL it was given."""
    url = message.get("status_callback") or f"{BASE}/sms/status"
    assert url.startswith(BASE + "/sms/status"), url
    form = {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", "MessageSid": message["sid"],
            "SmsSid": message["sid"], "MessageStatus": status, "SmsStatus": status, "To": message["to"],
            "From": message.get("from") or SUPPORT}
    if code is not None:
        form["ErrorCode"] = str(code)
    resp = twilio.post(url[len(BASE):], form)
    assert resp.status_code == 200 and resp.data.strip().endswith(b"<Response />"), resp.data
    return resp
