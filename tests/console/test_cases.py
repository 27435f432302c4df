"""Cases through the real stack: escalations made by calls and texts, worked in the console
(R22): the queue, the case page, claim / note / close, and the actions that respect R7."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from core import services
from core.models import AuditEvent, Escalation, Line, OutboundText, Plan
from core.models_console import OneTimeCode
from sms.gsm import fits
from tests.console.conftest import ACCOUNT_SID, AGENT, PASSWORD, SUPERVISOR
from tests.helpers import count

DANA, SAM = "+15557770001", "+15557770003"


def _case(deps, case_id: int = 1) -> Escalation:
    with deps.db() as s:
        return s.get(Escalation, case_id)


def _console_events(deps):
    with deps.db() as s:
        return s.execute(select(AuditEvent).where(AuditEvent.channel == "console", AuditEvent.actor == "agent",
                                                  AuditEvent.action != "console_sign_in")
                         .order_by(AuditEvent.id)).scalars().all()


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def test_a_text_asking_for_a_person_is_a_case_in_the_queue(phone, demo, agent, console_as, deps, clock):
    phone(DANA).text("AGENT")
    c = console_as(AGENT)
    page = _text(c.get("/console"))
    assert "Text: AGENT" in page and "#1" in page and "(555) 777-0001" in page and "New" in page
    assert "Text: AGENT" in _text(c.get("/console/queue/rows?kind=text"))
    services.escalate(deps.db, reason="caller_asked", context={"verified": False, "lang": "es"}, now=clock(),
                      req=services.Request(channel="sms", request_id="SM" + "9" * 32, caller=SAM))
    spanish = _text(c.get("/console/queue/rows?lang=es"))
    assert 'data-case="2"' in spanish and 'data-case="1"' not in spanish and ">ES<" in spanish
    assert "Nothing matches these filters" in _text(c.get("/console/queue/rows?kind=voicemail"))
    assert "No cases here yet" in _text(c.get("/console?view=done"))


def test_a_voicemail_case_shows_what_happened_the_whisper_the_transcription_and_plays_through_the_server(
        call, demo, agent, console_as, twilio, twilio_api, deps):
    t = call(DANA, ["1", "1", "1234#", "0", "busy", "record"])
    assert "record" in t.kinds()
    esc = _case(deps)
    assert esc.recording_url and esc.whisper and esc.support_line == "+15550109000"
    signed = twilio.post(f"/voice/transcription?esc={esc.id}", {
        "CallSid": esc.request_id, "AccountSid": ACCOUNT_SID, "TranscriptionStatus": "completed",
        "TranscriptionText": "Hi, I want to stop my call recording add-on, please call me.",
        "RecordingUrl": esc.recording_url, "TranscriptionSid": "TR1"})
    assert signed.status_code == 200
    c = console_as(AGENT)
    queue = _text(c.get("/console?kind=voicemail"))
    assert "Voicemail" in queue and "✓ verified" in queue
    page = _text(c.get("/console/cases/1"))
    assert "PIN verified for line ending 0 0 0 1" in page  # the whisper
    assert "cancel a plan" in page and "PIN verified" in page  # what they asked, what the bot did
    assert "stop my call recording add-on" in page  # the transcription
    assert "Unlimited Monthly" in page and "Call Recording" in page and "Dana Reyes" in page  # line, account
    audio = c.get("/console/cases/1/recording")
    assert audio.status_code == 200 and audio.mimetype == "audio/wav" and audio.data[:4] == b"RIFF"
    [fetched] = twilio_api.fetched
    assert fetched["user"] == ACCOUNT_SID and fetched["path"].endswith(".mp3")


def test_the_case_page_never_shows_a_pin_or_what_was_keyed_R8_R22(call, demo, agent, console_as, deps):
    call(DANA, ["1", "1", "8642#", "1234#", "0", "busy", "-"])
    c = console_as(AGENT)
    page = _text(c.get("/console/cases/1"))
    assert "wrong PIN" in page and "PIN verified" in page
    for keyed in ("8642", "1234"):
        assert keyed not in page
    with deps.db() as s:
        assert "8642" not in json.dumps([e.details for e in s.execute(select(AuditEvent)).scalars()])


def test_claim_note_and_close_are_audited_as_the_agent_on_the_console_and_exported_R14(
        phone, demo, agent, console_as, deps, runner):
    p = phone(DANA)
    p.text("PLANS")
    p.text("1234")
    p.text("AGENT")  # verified: the case is the line's, and so are its audit events
    c = console_as(AGENT)
    assert c.post("/console/cases/1/claim").status_code == 303
    assert "You claimed this case" in _text(c.get("/console/cases/1"))
    assert c.post("/console/cases/1/notes", {"body": "Asked how to stop Text Archive; explained STOP PLAN."}).status_code == 303
    refused = c.post("/console/cases/1/close", {"wrap_up": ""})
    assert refused.status_code == 303 and "Choose a wrap-up code" in _text(c.get("/console/cases/1"))
    assert _case(deps).state == "claimed"
    assert c.post("/console/cases/1/close", {"wrap_up": "texted_instructions", "note": "Done."}).status_code == 303
    esc = _case(deps)
    assert (esc.state, esc.wrap_up, esc.closed_at is not None) == ("done", "texted_instructions", True)
    events = _console_events(deps)
    assert [(e.action, e.actor_id, e.target) for e in events] == [
        ("case_claim", AGENT, "case:1"), ("case_note", AGENT, "case:1"), ("case_note", AGENT, "case:1"),
        ("case_close", AGENT, "case:1")]
    page = _text(c.get("/console/cases/1"))
    assert "Asked how to stop Text Archive" in page and "closed the case" in page and "Texted instructions" in page
    exported = json.loads(runner.invoke(args=["export", "--number", "+15550100001"]).output)
    audit = exported["accounts"][0]["lines"][0]["audit"]
    assert {"case_claim", "case_note", "case_close"} <= {e["action"] for e in audit if e["channel"] == "console"}
    assert "done" in _text(c.get("/console?view=done"))


def test_a_case_another_agent_claimed_is_theirs_unless_a_supervisor_takes_it_over(
        phone, demo, agent, supervisor, make_agent, console_as, deps):
    phone(DANA).text("AGENT")
    other = make_agent("kim@example.com")
    console_as("kim@example.com").post("/console/cases/1/claim")
    a = console_as(AGENT)
    a.post("/console/cases/1/close", {"wrap_up": "other"})
    assert "Another agent claimed this case" in _text(a.get("/console/cases/1"))
    assert _case(deps).claimed_by == other.id
    a.post("/console/cases/1/notes", {"body": "Anyone may add a note."})
    s = console_as(SUPERVISOR)
    assert "Take over from Kim" in _text(s.get("/console/cases/1"))
    s.post("/console/cases/1/claim", {"take_over": "1"})
    assert _case(deps).claimed_by == supervisor.id
    assert "Claimed by me" in _text(s.get("/console?mine=1")) and "#1" in _text(s.get("/console?mine=1"))


def test_texting_an_instruction_queues_it_to_the_customer_in_their_language(phone, demo, agent, console_as, deps):
    phone(DANA).text("AGENT")
    c = console_as(AGENT)
    c.post("/console/cases/1/text", {"instruction": "cancel_plan", "lang": "es"})
    with deps.db() as s:
        [out] = s.execute(select(OutboundText)).scalars().all()
    assert out.to_number == DANA and "STOP PLAN" in out.body and "para cancelar" in out.body and fits(out.body)
    assert "Texted" in _text(c.get("/console/cases/1"))
    assert _case(deps).state == "claimed"
    [event] = [e for e in _console_events(deps) if e.action == "text_instruction"]
    assert event.details["instruction"] == "cancel_plan"
    c.post("/console/cases/1/text", {"instruction": "cancel_my_line_for_me", "lang": "en"})
    assert "Choose one of the instructions" in _text(c.get("/console/cases/1"))


def test_the_one_time_code_goes_to_the_lines_own_number_and_only_its_hash_is_kept_R21(
        phone, demo, agent, console_as, deps):
    phone(DANA).text("AGENT")  # from a contact number, not the line's own
    c = console_as(AGENT)
    c.post("/console/cases/1/code")
    page = _text(c.get("/console/cases/1"))
    assert "line&#39;s own number, (555) 010-0001" in page
    with deps.db() as s:
        [out] = s.execute(select(OutboundText)).scalars().all()
        [row] = s.execute(select(OneTimeCode)).scalars().all()
    assert out.to_number == "+15550100001" != DANA
    code = re.search(r"\b(\d{6})\b", out.body).group(1)
    assert code not in page and code not in row.code_hash and len(row.code_hash) == 64
    with deps.db() as s:
        assert code not in json.dumps([e.details for e in s.execute(select(AuditEvent)).scalars()])
    c.post("/console/cases/1/code", {"line": "sam"})  # a line the customer names: its own number
    with deps.db() as s:
        assert s.execute(select(OutboundText.to_number).order_by(OutboundText.id.desc())).first()[0] == "+15550100003"
    c.post("/console/cases/1/code", {"line": "+15559990000"})
    assert "No line found" in _text(c.get("/console/cases/1"))
    for _ in range(3):
        c.post("/console/cases/1/code")
    assert "Three codes were already sent" in _text(c.get("/console/cases/1"))
    assert [e.outcome for e in _console_events(deps) if e.action == "one_time_code_sent"][-1] == "refused"


def test_a_call_back_rings_the_agent_then_whispers_and_dials_the_customer(
        call, demo, agent, console_as, twilio_api, twilio, deps):
    call(SAM, ["0", "no-answer", "-"])
    c = console_as(AGENT)
    c.post("/console/cases/1/call")
    assert "Calling your phone" in _text(c.get("/console/cases/1"))
    [placed] = twilio_api.calls
    assert (placed["to"], placed["from"]) == ("+15550108888", "+15550109000")
    assert placed["url"] == "http://localhost/voice/console-call?esc=1"
    answer = twilio.post("/voice/console-call?esc=1", {"CallSid": placed["sid"], "AccountSid": ACCOUNT_SID,
                                                       "From": "+15550109000", "To": "+15550108888"})
    body = _text(answer)
    assert "A call back from the support console" in body and "PIN not verified" in body
    assert re.search(r'<Dial action="/voice/console-call-done\?esc=1" callerId="\+15550109000" timeout="30">'
                     r"<Number>\+15557770003</Number>", body)
    twilio.post("/voice/console-call-done?esc=1", {"CallSid": placed["sid"], "DialCallStatus": "completed"})
    assert [(e.action, e.outcome, e.request_id) for e in _console_events(deps) if e.action == "callback_call"] == [
        ("callback_call", "placed", placed["sid"])]
    assert count(deps, AuditEvent, AuditEvent.action == "callback_call", AuditEvent.outcome == "customer_completed") == 1
    twilio_api.fail_next = 1
    c.post("/console/cases/1/call")
    assert "couldn&#39;t be placed" in _text(c.get("/console/cases/1"))


def test_handing_a_live_caller_to_the_bot_moves_their_call_to_self_service_R7(
        call, demo, agent, console_as, twilio_api, deps):
    t = call(DANA, ["1", "1", "1234#", "0", "answer"])
    c = console_as(AGENT)
    c.post("/console/cases/1/handoff")
    [moved] = twilio_api.updates
    assert moved["sid"] == t.sim.sid and moved["url"] == "http://localhost/voice/handoff?line=dana"
    assert "with the bot now" in _text(c.get("/console/cases/1"))


def test_no_console_action_cancels_or_changes_a_line_R7(phone, demo, agent, supervisor, console_as, deps, app):
    posts = sorted(r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/console") and "POST" in r.methods)
    assert posts == ["/console/agents", "/console/agents/<int:agent_id>/<any(disable, enable):change>",
                     "/console/cases/<int:case_id>/call", "/console/cases/<int:case_id>/claim",
                     "/console/cases/<int:case_id>/close", "/console/cases/<int:case_id>/code",
                     "/console/cases/<int:case_id>/handoff", "/console/cases/<int:case_id>/notes",
                     "/console/cases/<int:case_id>/release", "/console/cases/<int:case_id>/text",
                     "/console/insights/missed/<int:turn_id>/<any(label, dismiss):change>",  # R26: labels only
                     "/console/login", "/console/logout", "/console/me"]

    def state():
        with deps.db() as s:
            return ([(ln.number, ln.status, ln.status_reason) for ln in s.execute(select(Line).order_by(Line.id)).scalars()],
                    [(p.id, p.auto_renew, p.ended) for p in s.execute(select(Plan).order_by(Plan.id)).scalars()])
    before = state()
    phone(DANA).text("AGENT")
    c = console_as(SUPERVISOR)
    for path, data in [("claim", {}), ("notes", {"body": "cancel my line please"}), ("text", {"instruction": "cancel_line"}),
                       ("code", {}), ("call", {}), ("release", {}), ("close", {"wrap_up": "self_service"})]:
        assert c.post(f"/console/cases/1/{path}", data).status_code == 303
    assert state() == before


@pytest.mark.parametrize("instruction", ["cancel_plan", "cancel_line", "app_store", "plans", "reactivate", "help"])
def test_every_instruction_and_the_code_text_fit_three_segments_in_both_languages_R19(instruction):
    from console import words

    for lang in ("en", "es"):
        assert fits(words.instruction_text(instruction, lang, "Second Line"))
        assert fits(words.code_text(lang, "Second Line")("123456", 10))


def test_an_agent_sets_their_phone_and_time_zone_and_times_show_in_it(phone, demo, agent, console_as):
    phone(DANA).text("AGENT")
    c = console_as(AGENT)
    assert "09:00" in _text(c.get("/console"))  # 15:00 UTC in Chicago
    c.post("/console/me", {"phone": "(555) 010-6666", "time_zone": "Asia/Tokyo"})
    assert "Nov 27, 00:00" in _text(c.get("/console"))
    assert "+15550106666" in _text(c.get("/console/me"))
    c.post("/console/me", {"phone": "12", "time_zone": "Asia/Tokyo"})
    assert "doesn&#39;t look like a phone number" in _text(c.get("/console/me"))
    assert PASSWORD not in _text(c.get("/console/me"))
