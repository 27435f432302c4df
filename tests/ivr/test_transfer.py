"""The agent's side of a transfer (issue 12, item 7; R15). The whisper speaks plain English
built from a wording table (no internal codes), says the caller's language, and asks the agent
to press 1 to take the call, twice. As Twilio documents <Number url> (run on the called
party's leg after they answer, before the two are connected; <Gather> and <Hangup> there let
them decline), no key (the agent's own voicemail answered) or another key ends the agent's leg,
the <Dial> does not complete, and the caller reaches the bot's voicemail; 1 connects."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from core import services
from core.models import AuditEvent, Escalation
from ivr.prompts import WHISPER_ACTIONS, WHISPER_REFUSALS, whisper
from ivr.simulate import call_form
from tests import twiml_rules

DANA, ALEX, SAM = "+15557770001", "+15557770002", "+15557770003"


def escalation(deps) -> Escalation:
    with deps.db() as s:
        return s.execute(select(Escalation)).scalar_one()


def test_the_agents_voicemail_answering_puts_the_caller_into_the_bots_voicemail_R15(call, deps, demo):
    t = call(DANA, ["0", "voicemail", "record"])
    assert "Press 1 to take this call." in t.text("whisper")
    assert "hung up before connecting" in t.text("agent")
    said = " ".join(t.text("say"))
    assert "Sorry, no one could take your call." in said and "record" in t.kinds()
    esc = escalation(deps)
    assert esc.outcome == "voicemail" and esc.recording_url
    with deps.db() as s:
        outcomes = list(s.execute(select(AuditEvent.outcome).where(AuditEvent.action == "escalation")).scalars())
    assert "connected" not in outcomes and "agent_no_answer" in outcomes


def test_key_1_takes_the_call_and_connects_the_caller(call, deps, demo):
    t = call(DANA, ["0", "answer"])
    assert "pressed 1" in t.text("agent") and "record" not in t.kinds()
    assert escalation(deps).outcome == "connected"


def test_another_key_does_not_take_the_call(call, deps, demo):
    t = call(DANA, ["0", "answer 5", "-"])
    assert "Sorry, no one could take your call." in t.said()
    assert escalation(deps).outcome != "connected"


def test_a_completed_dial_the_agent_never_accepted_is_not_a_person_reached(twilio, deps, demo, clock):
    """Whatever status Twilio gives a leg that answered but never took the call, only the
    agent's 1 counts as connected."""
    esc = services.escalate(deps.db, reason="caller_asked", context={"verified": False}, now=clock(),
                            req=services.Request(channel="voice", request_id="CA1", caller=DANA))
    body = twilio.post(f"/voice/dial-status?esc={esc}", call_form("CA1", DANA, "+15550109000",
                                                                   DialCallStatus="completed")).data
    root = twiml_rules.check(body)
    assert root.find("Record") is not None and escalation(deps).outcome == "agent_no_answer"


def test_the_whisper_document_asks_twice_then_hangs_up_and_1_is_an_empty_document(twilio, deps, demo, clock):
    esc = services.escalate(deps.db, reason="caller_asked", context={"verified": False, "lang": "es"}, now=clock(),
                            req=services.Request(channel="voice", request_id="CA2", caller=DANA))
    form = call_form("CA3", "+15550109000", "+15550109999", Direction="outbound-dial")
    root = twiml_rules.check(twilio.post(f"/voice/whisper?esc={esc}", form).data)
    assert [v.tag for v in root] == ["Gather", "Gather", "Hangup"]
    for gather in root.findall("Gather"):
        assert (gather.get("numDigits"), gather.get("input")) == ("1", "dtmf")
        assert gather.get("action") == f"/voice/whisper/accept?esc={esc}"
        assert gather.findall("Say")[-1].text == "Press 1 to take this call."
        assert all(s.get("language") == "en-US" for s in gather.iter("Say"))  # the agents' language
    assert "Caller speaks Spanish." in root.find("Gather/Say").text
    assert root.find("Dial") is None  # Twilio allows no <Dial> in a <Number url> document
    accepted = ET.fromstring(twilio.post(f"/voice/whisper/accept?esc={esc}", {**form, "Digits": "1"}).data)
    assert list(accepted) == [] and escalation(deps).outcome == "agent_answered"
    other = ET.fromstring(twilio.post(f"/voice/whisper/accept?esc={esc}", {**form, "Digits": "7"}).data)
    assert [v.tag for v in other] == ["Hangup"]


def test_the_whisper_says_in_plain_words_what_the_bot_refused_never_its_codes(call, deps, demo):
    # Alex's line can't be cancelled while an App Store add-on renews; then a person.
    t = call(ALEX, ["1", "2", "2468#", "0", "answer"])
    heard = " ".join(t.text("whisper"))
    assert "cancelling the line was refused: an App Store add-on must be cancelled at Apple first" in heard
    assert "Caller speaks English." in heard and "PIN verified for line ending 0 0 0 2" in heard
    assert not re.search(r"[a-z]+_[a-z]+", heard)
    with deps.db() as s:
        kept = s.execute(select(Escalation.whisper)).scalar_one()
    assert kept == heard.removesuffix(" Press 1 to take this call.")  # the key was pressed at once


NOTES = ["handed off for line dana", "chose language es", "PIN verified", "wrong PIN", "wrong PIN",
         "PIN entry locked (R9)", "forgot the PIN", "one-time code asked for the line ending 0001",
         "one-time code verified", "one-time code refused: too many asked for", "wrong one-time code",
         "asked which: cancel_plan or cancel_line", "chose cancel_line", "offered fix change_number", "skipped the fix",
         "took fix block_spam", "chose fix device_settings", "cancel_plan: done", "cancel_line: done (confirmed twice)",
         "declined change_number", "confirmation expired", "three unusable inputs in a row",
         "asked for a person (escalation 3)", "asked for a call back (escalation 4)", "something_new happened"]


@pytest.mark.parametrize("reason", sorted(WHISPER_REFUSALS) + ["a_code_with_no_words"])
@pytest.mark.parametrize("action", sorted(WHISPER_ACTIONS))
def test_no_note_or_code_reaches_the_agent_raw(action, reason):
    context = {"verified": True, "line": "+15550100001", "asked": action, "pending": action, "lang": "es",
               "reason": "failed_inputs", "history": NOTES + [f"{action} refused: {reason}", f"{action}: {reason}"]}
    text = whisper(context, DANA, "Second Line")
    assert "_" not in text and "(R9)" not in text and "escalation" not in text, text


def test_without_an_escalation_only_the_agents_own_1_counts_as_taken(twilio, deps, demo):
    """No escalation could be recorded (the database was down at the transfer): a completed dial
    is a person reached only when the agent's 1 was kept (in Redis, under the caller's call)."""
    form = call_form("CA2", DANA, "+15550109000", DialCallStatus="completed")
    unknown = twiml_rules.check(twilio.post("/voice/dial-status", form).data)
    assert unknown.find("Record") is not None  # not known to be taken: the voicemail
    leg = call_form("CA3", DANA, "+15550109000", ParentCallSid="CA2", Digits="1", Direction="outbound-dial")
    assert twiml_rules.check(twilio.post("/voice/whisper/accept", leg).data).find("Hangup") is None
    taken = twiml_rules.check(twilio.post("/voice/dial-status", form).data)
    assert taken.find("Record") is None and taken.find("Hangup") is not None


def test_the_agents_leg_never_gets_a_dial_when_the_database_fails(twilio, deps, demo, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("database gone")
    monkeypatch.setattr(services, "update_escalation", broken)
    monkeypatch.setattr(services, "escalation", broken)
    leg = call_form("CA4", DANA, "+15550109000", ParentCallSid="CA5", Direction="outbound-dial")
    whisper_doc = twiml_rules.check(twilio.post("/voice/whisper?esc=1", leg).data)
    assert whisper_doc.find("Dial") is None and whisper_doc.find("Gather") is not None
    accepted = twiml_rules.check(twilio.post("/voice/whisper/accept?esc=1", {**leg, "Digits": "1"}).data)
    assert accepted.find("Dial") is None and accepted.find("Hangup") is None  # still taken: connects
