"""Issue 15 on the case page: how the call ended (the number's call status callback) and what
became of the texts the bot sent the customer (Twilio's message status callbacks), with
Twilio's error code in words — never a text's own words (one may hold a one-time code)."""

from __future__ import annotations

from sqlalchemy import select

from core import outbox
from core.models import OutboundText
from tests.console.conftest import ACCOUNT_SID, AGENT

DANA = "+15557770001"


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def test_a_case_shows_how_its_call_ended_and_the_texts_that_were_not_delivered(
        call, demo, agent, console_as, twilio, twilio_api, deps, clock):
    # A change on an earlier call: its receipt goes by text, and the carrier filters it.
    call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    clock.advance(seconds=91)
    assert outbox.send_due(deps.db, deps.sender(), clock).sent == 1
    [msg] = twilio_api.messages
    resp = twilio.post("/sms/status", {"AccountSid": ACCOUNT_SID, "MessageSid": msg["sid"],
                                       "MessageStatus": "undelivered", "ErrorCode": "30007", "To": DANA,
                                       "From": msg["from"]})
    assert resp.status_code == 200
    # Then Dana calls and asks for a person, who answers; the call ends after five minutes.
    t = call(DANA, ["0", "answer"])
    resp = twilio.post("/voice/status", {"AccountSid": ACCOUNT_SID, "CallSid": t.sim.sid, "CallStatus": "completed",
                                         "CallDuration": "300", "From": DANA, "To": "+15550109000"})
    assert resp.status_code == 200
    page = _text(console_as(AGENT).get("/console/cases/1"))
    assert '<dd id="call-ended">transferred to a person, after 5 min 00 s</dd>' in page
    assert "not delivered: their carrier filtered it as spam: call them instead (30007)" in page
    with deps.db() as s:
        body = s.execute(select(OutboundText.body)).scalar_one()
    assert body not in page and "Text Archive won" not in page


def test_a_case_without_texts_or_an_ended_call_says_so(phone, demo, agent, console_as):
    phone(DANA).text("AGENT")
    page = _text(console_as(AGENT).get("/console/cases/1"))
    assert "None: the bot has texted none of their numbers." in page and 'id="call-ended"' not in page
