from __future__ import annotations

import pytest

from ivr.simulate import CallSimulator, scripted
from tests import twiml_rules
from tests.conftest import TEST_TOKEN
from web.simulator import Transport


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


@pytest.fixture
def call(app):
    def make(caller: str, answers: list[str], *, path: str = "/voice", extra=None, apps=None, to="+15550109000"):
        transport = CheckedTransport(apps or [app])
        sim = CallSimulator(transport, caller, to, scripted(answers))
        transcript = sim.run(path, extra)
        transcript.sim = sim
        transcript.transport = transport
        return transcript
    return make
