"""Fixtures of the attack tests: the fault tests' two gunicorn servers, a worker process that
sends through the local stand-in of Twilio's REST API, and the stand-in itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.conftest import two_servers  # noqa: F401 - the fixture, shared

BIN = Path(sys.executable).parent


@pytest.fixture
def api(twilio_api):
    twilio_api.reset()
    return twilio_api


@pytest.fixture
def worker(settings, api, deps, tmp_path):
    """``switchboard worker`` as its own process (the Procfile's), sending through the stand-in;
    started and idle (its start-up sweep done) before the test goes on."""
    if not settings.redis_url:
        pytest.skip("needs TEST_REDIS_URL: the in-process Redis stand-in can't be shared with a worker process")
    from rq import Queue, Worker

    from core import outbox

    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "token", "TWILIO_API_BASE": api.url,
           "LOG_LEVEL": "WARNING"}
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen([str(BIN / "switchboard"), "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
    queue = Queue(outbox.QUEUE, connection=deps.queue_redis)
    deadline = time.time() + 30
    while time.time() < deadline:
        assert proc.poll() is None, (tmp_path / "worker.log").read_text()
        if Worker.all(connection=deps.queue_redis) and queue.count == 0 and not queue.started_job_registry.count:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the worker did not start: " + (tmp_path / "worker.log").read_text())
    yield proc
    proc.terminate()  # a warm shutdown
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    log.close()
