"""Floods and races: many identical confirmations over two gunicorn servers, a flood from one
number, PIN brute force across channels and numbers."""

from __future__ import annotations

import statistics
import time
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor


from core.models import AuditEvent, OutboundText, TextOptOut
from ivr.simulate import call_form
from sms.simulate import text_form
from tests.clients import Phone
from tests.conftest import Twilio
from tests.helpers import count, plan




def sms(transport, sender, body, sid=None):
    form = text_form(sender, "+15550109000", body)
    if sid:
        form.update(MessageSid=sid, SmsSid=sid, SmsMessageSid=sid)
    status, xml = transport.post("/sms", form)
    assert status == 200, xml
    return " | ".join(m.text or "" for m in ET.fromstring(xml).findall("Message"))


def test_fifty_identical_sms_confirmations_over_two_servers_apply_once_R13(two_servers, deps):
    a, b = two_servers
    sms(a, "+15557770001", "STOP PLAN Text Archive")
    assert "Cancel Text Archive" in sms(b, "+15557770001", "1234")
    sids = ["SM" + uuid.uuid4().hex for _ in range(40)]
    jobs = [(two_servers[i % 2], sid) for i, sid in enumerate(sids)]
    jobs += [(two_servers[(i + 1) % 2], sids[i]) for i in range(10)]  # Twilio's retries of ten of them
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda job: (job[1], sms(job[0], "+15557770001", "YES", job[1])), jobs))
    done_sids = {sid for sid, text in answers if text.startswith("Done")}
    assert len(done_sids) == 1  # one confirmation text, the receipt of the one change (R17)
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied") == 1
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    for sid, text in answers:
        if sid not in done_sids:
            assert "Done" not in text


def test_fifty_identical_voice_confirmations_over_two_servers_apply_once_with_one_receipt(two_servers, deps):
    a, b = two_servers
    sid = "CA" + uuid.uuid4().hex
    steps = [("/voice", {}), ("/voice/menu", {"Digits": "1"}), ("/voice/menu?m=cancel", {"Digits": "1"}),
             ("/voice/input?expect=pin", {"Digits": "1234"}), ("/voice/input?expect=plan", {"Digits": "2"})]
    for i, (path, extra) in enumerate(steps):
        status, _ = two_servers[i % 2].post(path, call_form(sid, "+15557770001", "+15550109000", **extra))
        assert status == 200
    confirm = call_form(sid, "+15557770001", "+15550109000", Digits="1")
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda i: two_servers[i % 2].post("/voice/input?expect=confirm", confirm),
                                range(50)))
    assert all(status == 200 for status, _ in results)
    assert sum("Done. Text Archive will not renew" in xml for _, xml in results) == 1
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied") == 1
    assert count(deps, OutboundText) == 1


def test_a_flood_from_one_number_does_not_starve_other_senders(client, deps, demo):
    """200 texts from one number while another customer converses: the flood meets the
    per-sender limit after 20 (one "slow down", then silence) and the other is answered."""
    twilio = Twilio(client)
    flood, other = Phone(twilio, "+15550004444"), Phone(twilio, "+15557770001")
    script = ["STOP PLAN Text Archive", "1234", "YES", "PLANS", "REFUND"] * 2
    flood_answers, other_times, other_answers = [], [], []
    for i in range(200):
        flood_answers.append(flood.text(f"HELLO {i}"))
        if i % 20 == 10:
            started = time.perf_counter()
            other_answers.append(other.text(script[len(other_answers)]))
            other_times.append(time.perf_counter() - started)
    answered = [a for a in flood_answers if a]
    assert len(answered) == 21 and answered[-1].startswith("You're sending a lot")
    assert other_answers[2].startswith("Done: Text Archive")
    assert all(a for a in other_answers)
    assert statistics.median(other_times) < 0.5
    # Consent is recorded even when flooding (R16), though the reply waits for the window.
    flood.text("STOP")
    assert count(deps, TextOptOut, TextOptOut.number == "+15550004444") == 1


def test_too_many_calls_from_one_caller_id_are_turned_away(client):
    twilio = Twilio(client)
    answers = [twilio.post("/voice", call_form("CA" + uuid.uuid4().hex, "+15550004444", "+15550109000")).data
               for _ in range(7)]
    assert b"many calls from this number" not in answers[5]
    # R15: never just hung up on: a voicemail instead of the conversation.
    assert b"many calls from this number" in answers[6] and b"<Record" in answers[6]


def test_a_message_left_over_the_call_limit_reaches_a_person_and_a_silent_one_is_not_saved_R15(client, deps):
    from core.models import Escalation

    twilio = Twilio(client)
    form = call_form("CA" + uuid.uuid4().hex, "+15550004444", "+15550109000")
    silent = twilio.post("/voice/voicemail", {**form, "RecordingUrl": "https://api.twilio.com/r/RE1",
                                              "RecordingDuration": "0"})
    assert b"didn't get a message" in silent.data and b"saved" not in silent.data and count(deps, Escalation) == 0
    spoken = twilio.post("/voice/voicemail", {**form, "RecordingUrl": "https://api.twilio.com/r/RE2",
                                              "RecordingDuration": "9"})
    assert b"saved" in spoken.data
    assert count(deps, Escalation, Escalation.outcome == "voicemail") == 1


def test_pin_brute_force_across_channels_and_numbers_locks_for_everyone_R9(client, deps, demo, call):
    twilio = Twilio(client)
    attempts = [("sms", "+15557770003"), ("voice", "+15550000001"), ("sms", "+15550100003"),
                ("voice", "+15557770003"), ("sms", "+15557770003")]
    for i, (channel, number) in enumerate(attempts):
        if channel == "sms":
            p = Phone(twilio, number)
            p.text("PLANS")
            p.text(f"{9000 + i}")
        else:
            call(number, ["1", "1", "5550100003#", f"{9000 + i}#", "hangup"] if number != "+15557770003"
                 else ["1", "1", f"{9000 + i}#", "hangup"])
    # Now even the right PIN is refused, the same way, to every number and channel.
    locked = []
    for number in ("+15557770003", "+15550100003", "+15550000009"):
        p = Phone(twilio, number)
        p.text("PLANS")
        if number == "+15550000009":  # an unknown number can't reach the line, and learns nothing
            assert "couldn't verify" in p.text("1357")
            continue
        locked.append(p.text("1357"))
    assert len(set(locked)) == 1 and "locked for 15 min" in locked[0]
    t = call("+15557770003", ["1", "1", "1357#", "answer"])
    assert "locked for 15 minutes" in t.said()
    assert count(deps, AuditEvent, AuditEvent.action == "pin_lock", AuditEvent.line_id.is_not(None)) == 1
    assert count(deps, AuditEvent, AuditEvent.action == "pin_failed", AuditEvent.line_id.is_not(None)) == 5
