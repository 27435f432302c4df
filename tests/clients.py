"""Test clients that talk to the app exactly as Twilio does: a phone that texts, a
transport that checks every TwiML answer for the call simulator."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from tests import twiml_rules
from tests.conftest import TEST_TOKEN
from web.simulator import Transport

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


class CheckedTransport(Transport):
    """Every answer must be TwiML Twilio documents; the simulator then walks it."""

    def __init__(self, apps, token=TEST_TOKEN) -> None:
        super().__init__(token, app=apps[0])
        self.clients = [app.test_client() for app in apps]
        self.turn = 0
        self.answers: list[str] = []

    def post(self, path, form):
        # With several apps, each webhook goes to the next one (stateless web processes).
        self.client = self.clients[self.turn % len(self.clients)]
        self.turn += 1
        status, body = super().post(path, form)
        if status == 200:
            twiml_rules.check(body)
        self.answers.append(body)
        return status, body


