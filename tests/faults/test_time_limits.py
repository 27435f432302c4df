"""Within Twilio's time limits (issue 15): with the database or Redis down — hung (a server that
accepts connections and never answers: the slow case, bounded only by our timeouts) or stopped
(nothing listens) — every main webhook still answers 200 with TwiML well inside the 15 s Twilio
waits before it gives up (and calls the fallback URL). The webhooks run at once, each from the
step of a conversation where it does the most (a PIN to check, a change to confirm).

Measured on this machine (2 cores, the ten at once) with the database hung: every webhook
3.0–3.3 s (one connect attempt of CONNECT_TIMEOUT_S: a call whose database could not be reached
is handed to a person without trying it again for the escalation record; it was 9.1 s with three
attempts); Redis hung: up to 8.0 s (a confirmation by text: four round trips of its 2 s socket
timeout); either stopped: under 0.2 s.
LIMIT leaves room for a loaded CI machine and still answers before Twilio gives up."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import make_url

from tests.clients import Phone
from tests.conftest import Twilio
from tests.helpers import free_port

LIMIT = 12.0  # seconds; Twilio waits 15
DANA, SAM = "+15557770001", "+15557770003"
SUPPORT = "+15550109000"



def _call(sid: str, **extra) -> dict[str, str]:
    return {"AccountSid": "AC" + "0" * 32, "CallSid": sid, "From": DANA, "To": SUPPORT, "CallStatus": "in-progress",
            "Direction": "inbound", **extra}


def _text(sender: str, body: str, n: int) -> dict[str, str]:
    sid = f"SM{n:032d}"
    return {"AccountSid": "AC" + "0" * 32, "MessageSid": sid, "SmsSid": sid, "From": sender, "To": SUPPORT,
            "Body": body, "NumMedia": "0"}


def _webhooks(twilio, call) -> dict[str, tuple[str, dict]]:
    """Each main webhook, from the step where it does the most (prepared on the healthy app)."""
    at_pin = call(DANA, ["1", "1", "hangup"]).sim.sid  # the call waits for Dana's PIN
    Phone(twilio, DANA).text("STOP PLAN Text Archive")
    assert "Cancel Text Archive" in Phone(twilio, DANA).text("1234")  # the text waits for YES
    Phone(twilio, SAM).text("STOP PLAN Basic Monthly")  # the text waits for Sam's PIN
    return {
        "/sms new": ("/sms", _text("+15557770002", "PLANS", 901)),
        "/sms PIN": ("/sms", _text(SAM, "1357", 902)),
        "/sms YES": ("/sms", _text(DANA, "YES", 903)),
        "/sms STOP": ("/sms", _text("+15557770011", "STOP", 904)),
        "/voice": ("/voice", _call("CA" + "1" * 32)),
        "/voice/menu": ("/voice/menu", _call("CA" + "2" * 32, Digits="1")),
        "/voice PIN": ("/voice/input?expect=pin", _call(at_pin, Digits="1234")),
        "/voice/agent": ("/voice/agent", _call("CA" + "3" * 32)),
        "/voice/status": ("/voice/status", _call("CA" + "4" * 32, CallStatus="completed", CallDuration="30")),
        "/sms/status": ("/sms/status", {"MessageSid": "SM" + "5" * 32, "MessageStatus": "delivered"}),
    }


def _timed(app, path: str, form: dict) -> tuple[float, int, bytes]:
    twilio = Twilio(app.test_client())
    started = time.perf_counter()
    resp = twilio.post(path, form)
    return time.perf_counter() - started, resp.status_code, resp.data


@pytest.mark.parametrize("down", ["database hung", "database stopped", "redis hung", "redis stopped"])
def test_every_main_webhook_answers_well_inside_twilios_15_seconds(down, request, app, make_app, settings, twilio,
                                                                   call, demo):
    webhooks = _webhooks(twilio, call)
    if down == "redis hung":
        # An opt-out with Redis hung leaves core.opt_out_cache's repair thread reading from this
        # app's Redis connection, which the test's end closes under it (ValueError, not a
        # RedisError, ends that thread): measured in the other three cases.
        del webhooks["/sms STOP"]
    port = request.getfixturevalue("silent") if "hung" in down else free_port()
    if down.startswith("database"):
        if make_url(settings.database_url).get_backend_name() != "postgresql":
            pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
        broken = make_app(database_url=make_url(settings.database_url).set(host="127.0.0.1", port=port)
                          .render_as_string(hide_password=False))
    else:
        broken = make_app(redis_url=f"redis://127.0.0.1:{port}/0")
    with ThreadPoolExecutor(max_workers=len(webhooks)) as pool:
        futures = {name: pool.submit(_timed, broken, path, form) for name, (path, form) in webhooks.items()}
        results = {name: f.result(timeout=60) for name, f in futures.items()}
    took = {name: round(t, 2) for name, (t, _, _) in results.items()}
    print(f"\n{down}: {took}")
    for name, (seconds, status, body) in results.items():
        assert status == 200, (name, body)
        assert ET.fromstring(body).tag == "Response", (name, body)
        assert seconds < LIMIT, (name, took)
