"""Call backs from the bot and voicemail transcriptions: the voice side of the console, signed
like every webhook, walked with the call simulator."""

from __future__ import annotations

from sqlalchemy import select

from core import cases, services
from core.models import AuditEvent, Escalation
from tests.console.conftest import ACCOUNT_SID, AGENT
from tests.helpers import count

DANA = "+15557770001"
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT_SID + "/Recordings/RE" + "a" * 32


def _escalation(deps, clock, caller=DANA, outcome="agent_no_answer") -> int:
    req = services.Request(channel="voice", request_id="CA" + "e" * 32, caller=caller)
    esc = services.escalate(deps.db, reason="caller_asked", context={"verified": False, "history": []},
                            now=clock(), req=req)
    services.update_escalation(deps.db, esc, outcome=outcome, now=clock())
    return esc


def _case(deps, esc: int) -> Escalation:
    with deps.db() as s:
        return s.get(Escalation, esc)


def test_a_voicemail_offers_a_call_back_and_asks_twilio_to_transcribe(call, demo):
    t = call(DANA, ["0", "busy", "-"])
    assert "to have a person call you back instead, press star" in t.said()
    record = next(text for kind, text in t.sim.transcript.events if kind == "record")
    assert record
    body = next(b for b in t.transport.answers if "<Record" in b)
    assert 'finishOnKey="#*"' in body and 'transcribe="true"' in body
    assert 'transcribeCallback="/voice/transcription?esc=1"' in body


def test_star_during_the_voicemail_books_a_call_back_on_the_callers_number(call, demo, deps, clock, console_as,
                                                                            agent):
    esc = _escalation(deps, clock)
    t = call(DANA, ["1"], path=f"/voice/voicemail?esc={esc}", extra={"Digits": "*", "RecordingUrl": RECORDING})
    said = t.said()
    assert "We'll call you back at 5 5 5, 7 7 7, 0 0 0 1. To confirm, press 1" in said
    assert "A person will call you back at 5 5 5, 7 7 7, 0 0 0 1" in said and t.kinds()[-2:] == ["hangup", "end"]
    row = _case(deps, esc)
    assert (row.callback_number, row.state, row.recording_url) == (DANA, "new", None)
    assert cases.queue(deps.db, kind="callback")[0].id == esc
    assert "Call-back request" in console_as(AGENT).get("/console").get_data(as_text=True)
    assert count(deps, AuditEvent, AuditEvent.action == "callback_request") == 1


def test_a_caller_can_give_another_number_and_one_without_caller_id_is_asked_for_one(call, demo, deps, clock):
    esc = _escalation(deps, clock)
    t = call(DANA, ["2", "12", "(555) 010-7777#", "say yes"], path=f"/voice/callback?esc={esc}&do=start")
    said = t.said()
    assert "Enter the number to call you back on" in said and "doesn't look like a phone number" in said
    assert "A person will call you back at 5 5 5, 0 1 0, 7 7 7 7" in said
    assert _case(deps, esc).callback_number == "+15550107777"
    hidden = _escalation(deps, clock, caller="anonymous")  # no caller ID: asked; silence books nothing
    t = call("anonymous", ["-", "-", "-"], path=f"/voice/callback?esc={hidden}&do=start")
    assert "Enter the number" in t.said() and "no call back is booked" in t.said()
    assert _case(deps, hidden).callback_number is None


def test_a_spanish_caller_is_offered_the_call_back_in_spanish(call, demo, deps, clock):
    esc = _escalation(deps, clock)
    t = call(DANA, ["say sí"], path=f"/voice/callback?esc={esc}&do=start&lang=es")
    assert "Te llamaremos al 5 5 5, 7 7 7, 0 0 0 1" in t.said() and "Una persona te llamará" in t.said()  # tú (issue 22)
    assert 'language="es-US"' in t.transport.answers[0]
    assert _case(deps, esc).callback_number == DANA


def test_the_transcription_is_kept_on_the_case_and_must_be_signed(twilio, deps, clock, demo):
    esc = _escalation(deps, clock, outcome="voicemail")
    form = {"CallSid": "CA" + "e" * 32, "AccountSid": ACCOUNT_SID, "TranscriptionStatus": "completed",
            "TranscriptionText": "Please call me back about my bill.", "RecordingUrl": RECORDING}
    forged = twilio.post(f"/voice/transcription?esc={esc}", form, signature="forged")
    assert forged.status_code == 403 and _case(deps, esc).transcription is None
    assert twilio.post(f"/voice/transcription?esc={esc}", form).status_code == 200
    assert _case(deps, esc).transcription == "Please call me back about my bill."
    failed = twilio.post(f"/voice/transcription?esc={esc}", {**form, "TranscriptionStatus": "failed",
                                                              "TranscriptionText": ""})
    assert failed.status_code == 200 and _case(deps, esc).transcription == "Please call me back about my bill."


def test_call_me_by_text_files_a_call_back_request_of_its_own(deps, clock, demo):
    """The service SMS `CALL ME` is wired to (sms/keywords.py, core/conversation.py)."""
    req = services.Request(channel="sms", request_id="SM" + "c" * 32, caller=DANA)
    esc = cases.request_callback(deps.db, number=DANA, now=clock(), req=req)
    row = _case(deps, esc)
    assert (row.channel, row.reason, row.callback_number, row.state) == ("sms", "callback_requested", DANA, "new")
    assert [r.kind for r in cases.queue(deps.db)] == ["callback"]
    with deps.db() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "callback_request")).scalar_one()
    assert (event.channel, event.request_id, event.target) == ("sms", req.request_id, f"case:{esc}")
