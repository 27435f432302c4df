"""Bad input gets a short, valid answer (or silence where R16 wants it) and changes nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from core.models import AuditEvent, Line, Plan, TextOptOut


def snapshot(deps):
    with deps.db() as s:
        return (s.execute(select(func.count()).select_from(AuditEvent)).scalar(),
                s.execute(select(func.count()).select_from(TextOptOut)).scalar(),
                tuple(s.execute(select(Line.status, Line.number).order_by(Line.id))),
                tuple(s.execute(select(Plan.auto_renew).order_by(Plan.id)).scalars()))


BASE = {"To": "+15550109000", "AccountSid": "AC" + "0" * 32}


@pytest.mark.parametrize("form", [
    pytest.param({"Body": "PLANS", "MessageSid": "SM1"}, id="no From"),
    pytest.param({"From": "+15557770001", "MessageSid": "SM2"}, id="no Body"),
    pytest.param({"From": "+15557770001", "Body": "", "NumMedia": "1", "MessageSid": "SM3",
                  "MediaUrl0": "https://example.com/x.jpg"}, id="media only"),
    pytest.param({"From": "+15557770001", "Body": "A" * 1600, "MessageSid": "SM4"}, id="1600 characters"),
    pytest.param({"From": "+15557770001", "Body": "🙂🙂🙂", "MessageSid": "SM5"}, id="emoji only"),
    pytest.param({"From": "+15557770001", "Body": "\x00\x01\x02PLANS\x7f", "MessageSid": "SM6"}, id="control characters"),
    pytest.param({"From": "not-a-number", "Body": "CANCEL LINE", "MessageSid": "SM7"}, id="From not a number"),
    pytest.param({"From": "+15557770001", "Body": "YES", "MessageSid": "SM8"}, id="YES with nothing pending"),
    pytest.param({"From": "x" * 500, "Body": "HELP", "MessageSid": "SM9" * 30}, id="absurdly long fields"),
])
def test_bad_input_gets_a_valid_answer_and_changes_nothing(twilio, deps, demo, form):
    before = snapshot(deps)
    resp = twilio.post("/sms", {**BASE, **form})
    assert resp.status_code == 200
    root = ET.fromstring(resp.data)
    assert root.tag == "Response"
    for message in root.findall("Message"):
        assert message.text and len(message.text) <= 459
    assert snapshot(deps) == before


def test_a_pin_is_read_only_from_digits(twilio, deps, demo):
    def text(sender, body, sid):
        return twilio.post("/sms", {**BASE, "From": sender, "Body": body, "MessageSid": sid}).data

    text("+15557770003", "PLANS", "SMa")
    assert b"PIN OK" in text("+15557770003", "13 57", "SMb")  # spaces are fine
    text("+15550100003", "PLANS", "SMc")
    assert b"PIN OK" not in text("+15550100003", "1357abc", "SMd")
