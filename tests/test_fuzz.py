"""Property-based fuzzing of every webhook (hypothesis).

Signed requests always get HTTP 200 and TwiML with a <Response> root; unsigned ones get
403; and nothing about any account changes without a verified PIN and an explicit
confirmation. The demo lines' PINs are replaced by random 8-digit ones the fuzzer can't
know. SWITCHBOARD_TEST_PROFILE=long (what .ci/run sets) runs 2,000 examples a property (400 for whole conversations).
"""

from __future__ import annotations

import os
import secrets
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from core.demo import demo_document
from core.models import AvailableNumber, BlockedNumber, ContactNumber, Line, Plan
from core.account_data import import_document
from tests.conftest import TEST_PIN_SECRET, sign

LONG = os.environ.get("SWITCHBOARD_TEST_PROFILE") == "long"
EXAMPLES = 2000 if LONG else 150
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

PATHS = ["/sms", "/voice", "/voice/handoff", "/voice/menu", "/voice/menu?m=cancel", "/voice/agent",
         "/voice/whisper?esc=1", "/voice/dial-status?esc=1", "/voice/voicemail?esc=1",
         "/voice/callback?esc=1", "/voice/transcription?esc=1", "/voice/console-call?esc=1",
         "/voice/console-call-done?esc=1", "/voice/menu?lang=es", "/voice/input?expect=confirm&lang=es",
         "/voice/menu?m=more", "/voice/menu?m=next", "/voice/menu?m=steps", "/voice/whisper/accept?esc=1",
         "/voice/fallback", "/sms/fallback", "/voice/status", "/sms/status",
         *(f"/voice/input?expect={e}" for e in ("pin", "code", "target", "plan", "reason", "offer", "confirm", "fix",
                                                 "block_number", "command", "nonsense", ""))]
NUMBERS = ["+15557770001", "+15557770003", "+15557770010", "+15550100001", "+15550000999", "", "x",
           "+1" + "9" * 30, "client:alice", "+44 20 7946 0958"]
WORDS = ["YES", "STOP", "CANCEL LINE", "STOP PLAN", "1234", "1", "0", "*", "9", "#", "AGENT", "HELP", "START",
         "PLANS", "REFUND", "BLOCK 911", "CHANGE NUMBER", "REACTIVATE", "CODE", "CHANGE NUMBER 212", "8", "say yes", "Liked \u201cYES\u201d", "\U0001F44D"]
any_text = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=300),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.just("A" * 1600),
    st.just("\x00\x01\x02\x7f\u202e\u200b"),
)
FIELDS = ["Body", "From", "To", "MessageSid", "CallSid", "Digits", "SpeechResult", "NumMedia", "AccountSid",
          "line", "DialCallStatus", "RecordingUrl", "Confidence", "MediaUrl0"]


@st.composite
def forms(draw):
    form = {}
    for name in FIELDS:
        if draw(st.booleans()):
            form[name] = draw(st.sampled_from(NUMBERS) if name in ("From", "To") else any_text)
    if draw(st.booleans()):
        form[draw(st.text(min_size=1, max_size=20))] = draw(any_text)
    return form


requests_ = st.tuples(st.sampled_from(PATHS), forms())


@pytest.fixture
def unguessable(deps, clock):
    doc = demo_document(clock().date())
    for account in doc["accounts"]:
        for line in account["lines"]:
            line["pin"] = f"{secrets.randbelow(10**8):08d}"
    import_document(deps.db, doc, pin_secret=TEST_PIN_SECRET)
    return snapshot(deps)


def snapshot(deps):
    with deps.db() as s:
        return (
            tuple(s.execute(select(Line.id, Line.number, Line.status, Line.status_reason).order_by(Line.id))),
            tuple(s.execute(select(Plan.id, Plan.auto_renew, Plan.ended).order_by(Plan.id))),
            tuple(s.execute(select(BlockedNumber.line_id, BlockedNumber.number).order_by(BlockedNumber.id))),
            tuple(s.execute(select(ContactNumber.line_id, ContactNumber.number).order_by(ContactNumber.id))),
            tuple(s.execute(select(AvailableNumber.number).order_by(AvailableNumber.id)).scalars()),
        )


def post(client, path, form, *, signed=True, content_type=None):
    url = "http://localhost" + path
    if content_type is None:
        signature = sign(url, form) if signed else "bogus"
        return client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    body = urllib.parse.urlencode(form).encode() if content_type != "application/json" else b'{"Body": "YES"}'
    # A body Twilio would never send: whatever the form parser makes of it is what is signed.
    signature = sign(url, {}) if signed else "bogus"
    return client.post(path, data=body, content_type=content_type, headers={"X-Twilio-Signature": signature})


def assert_twiml(resp):
    assert resp.status_code == 200, (resp.status_code, resp.data[:300])
    assert ET.fromstring(resp.data).tag == "Response"


@FUZZ
@given(req=requests_)
def test_any_signed_request_gets_twiml_and_changes_nothing(client, deps, clock, unguessable, req):
    path, form = req
    clock.advance(minutes=2)  # past the rate limits' windows: every example reaches the conversation
    assert_twiml(post(client, path, form))
    assert snapshot(deps) == unguessable


@FUZZ
@given(req=requests_)
def test_any_unsigned_request_gets_403_and_changes_nothing(client, deps, unguessable, req):
    path, form = req
    assert post(client, path, form, signed=False).status_code == 403
    assert snapshot(deps) == unguessable


@FUZZ
@given(path=st.sampled_from(PATHS), content_type=st.sampled_from(["application/json", "text/plain",
                                                                  "multipart/form-data; boundary=x",
                                                                  "application/octet-stream"]))
def test_wrong_content_types_get_twiml_or_403(client, deps, unguessable, path, content_type):
    resp = post(client, path, {"Body": "YES"}, content_type=content_type)
    assert resp.status_code in (200, 403)
    if resp.status_code == 200:
        assert_twiml(resp)
    assert snapshot(deps) == unguessable


@settings(max_examples=EXAMPLES // 5, deadline=None, derandomize=not LONG,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(PATHS), forms()), min_size=2, max_size=10),
       caller=st.sampled_from(NUMBERS[:5]))
def test_replayed_and_reordered_steps_of_one_conversation(client, deps, clock, unguessable, steps, caller):
    sid = "CA" + secrets.token_hex(16)
    sent = []
    for path, form in steps:
        clock.advance(seconds=20)
        form = {**form, "CallSid": sid, "MessageSid": form.get("MessageSid", sid), "From": caller}
        sent.append((path, form))
        assert_twiml(post(client, path, form))
    for path, form in reversed(sent):  # the same requests again, backwards
        assert_twiml(post(client, path, form))
    assert snapshot(deps) == unguessable
