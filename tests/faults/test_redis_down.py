"""Redis stops mid-conversation: every webhook still answers 200 with TwiML that explains
and offers a person, nothing is half-applied, and new conversations work once it is back.

What each use of Redis does when it fails (decided in core/redis_client.py and where it is used):
- conversation state: the caller is told and offered a person; a change already committed
  is still reported as done;
- PIN attempt limits: fail closed, PIN entry is refused;
- de-duplication: fail closed, the message is not processed (Twilio retries later);
- rate limits: fail open (the conversation's own failure answers);
- job queue: the receipt waits in the database for the worker's next sweep.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest
import redis

from core import services
from core.limits import PinAttempts
from core.models import AuditEvent, Escalation
from tests.clients import Phone
from tests.conftest import TEST_PIN_SECRET, Twilio
from tests.helpers import count, free_port, plan



class OwnRedis:
    def __init__(self, exe: str, port: int, tmp) -> None:
        self.exe, self.port, self.tmp = exe, port, tmp
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc = None

    def start(self) -> None:
        self.proc = subprocess.Popen([self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.tmp)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("needs redis-server on this machine (CI has it: .ci/services.sh installs it)")
    r = OwnRedis(exe, free_port(), tmp_path)
    r.start()
    yield r
    if r.proc.poll() is None:
        r.stop()


def twiml(resp) -> ET.Element:
    assert resp.status_code == 200, resp.data
    root = ET.fromstring(resp.data)
    assert root.tag == "Response"
    return root


def test_redis_stopping_mid_conversation(make_app, deps, demo, own_redis):
    app = make_app(redis_url=own_redis.url)
    client = app.test_client()
    twilio = Twilio(client)
    dana = Phone(twilio, "+15557770001")
    dana.text("STOP PLAN Text Archive")
    assert "Cancel Text Archive" in dana.text("1234")

    own_redis.stop()

    reply = dana.text("YES")
    assert "can't handle requests right now. Nothing was changed" in reply and "AGENT" in reply
    assert plan(deps, "dana", "Text Archive").auto_renew is True  # nothing half-applied
    assert "A person from Second Line will contact you" in dana.text("AGENT")
    call = {"CallSid": "CA" + "d" * 32, "From": "+15557770001", "To": "+15550109000"}
    for path in ("/voice", "/voice/input?expect=pin", "/voice/menu?m=cancel"):
        root = twiml(twilio.post(path, {**call, "Digits": "1"}))
        assert "can't handle requests right now" in root.find("Say").text
        assert root.find("Dial") is not None  # explained, then a person
    # A menu that needs no state is still served.
    assert next(twiml(twilio.post("/voice/menu", {**call, "Digits": "1"})).iter("Say")).text
    assert count(deps, Escalation, Escalation.reason == "redis_unavailable") >= 1
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["redis"].startswith("error")

    own_redis.start()  # back, empty

    assert "PIN" in dana.text("STOP PLAN Text Archive")
    assert "Cancel Text Archive" in dana.text("1234")
    assert dana.text("YES").startswith("Done")
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied") == 1
    assert client.get("/readyz").status_code == 200


def test_pin_entry_fails_closed_without_redis(deps, demo, clock):
    dead = redis.Redis(port=free_port(), socket_connect_timeout=0.5, decode_responses=True)
    dana = services.find_line(deps.db, "dana")
    check = services.verify_pin(deps.db, PinAttempts(dead), TEST_PIN_SECRET, line_ids=[dana.line_id],
                                identity=None, pin="1234",
                                now=clock(), req=services.Request(channel="sms"))
    assert (check.ok, check.reason) == (False, "unavailable")
    dead.close()
