"""The worker is killed while a receipt is in flight: after a restart every receipt is sent
exactly once (the interrupted one is found at the provider, not sent again)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from core.models import OutboundText

BIN = Path(sys.executable).parent


@pytest.fixture
def api(twilio_api):
    twilio_api.reset()
    return twilio_api


def worker(settings, api) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
           "TWILIO_AUTH_TOKEN": "token", "TWILIO_API_BASE": api.url, "OUTBOX_STALE_SECONDS": "1"}
    env.pop("REDIS_URL", None)
    if settings.redis_url:  # the real worker; without Redis, the same sending code in-process
        env["REDIS_URL"] = settings.redis_url
        args = ["worker", "--burst"]
    else:
        args = ["outbox", "--send"]
    return subprocess.Popen([str(BIN / "switchboard"), *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_worker_killed_mid_send_sends_every_receipt_once_after_restart(deps, clock, settings, api):
    now = clock()
    with deps.db.begin() as s:
        for i in range(3):
            s.add(OutboundText(created_at=now, to_number=f"+1555777000{i}", from_number="+15550109000",
                               body=f"Second Line: receipt {i}"))
    api.hold_next = 60  # the first message is accepted, and its answer never comes back in time
    first = worker(settings, api)
    deadline = time.time() + 30
    while api.requests < 1 and time.time() < deadline:
        time.sleep(0.05)
    assert api.requests == 1
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    with deps.db() as s:
        statuses = s.execute(select(OutboundText.status).order_by(OutboundText.id)).scalars().all()
    assert statuses[0] == "sending"

    time.sleep(1.2)  # the interrupted send turns stale
    second = worker(settings, api)
    assert second.wait(timeout=60) == 0

    bodies = [m["body"] for m in api.messages]
    assert sorted(bodies) == [f"Second Line: receipt {i}" for i in range(3)]  # each exactly once
    with deps.db() as s:
        rows = s.execute(select(OutboundText).order_by(OutboundText.id)).scalars().all()
    assert [r.status for r in rows] == ["sent"] * 3
    assert rows[0].provider_sid == api.messages[0]["sid"]
