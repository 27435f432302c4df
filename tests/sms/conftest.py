from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

_sids = itertools.count(1)


class Phone:
    """A person texting the support number; each text is signed and posted as Twilio does."""

    def __init__(self, twilio, number: str) -> None:
        self.twilio = twilio
        self.number = number
        self.last_sid = None

    def text(self, body: str, *, sid: str | None = None, **extra) -> str:
        self.last_sid = sid or f"SM{next(_sids):032d}"
        form = {"From": self.number, "To": "+15550109000", "Body": body, "MessageSid": self.last_sid,
                "SmsSid": self.last_sid, "AccountSid": "AC" + "0" * 32, "NumMedia": "0",
                "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01", **extra}
        resp = self.twilio.post("/sms", form)
        assert resp.status_code == 200, resp.data
        root = ET.fromstring(resp.data)
        assert root.tag == "Response"
        self.messages = [m.text or "" for m in root.findall("Message")]
        return " | ".join(self.messages)


@pytest.fixture
def phone(twilio):
    def make(number: str) -> Phone:
        return Phone(twilio, number)
    return make
