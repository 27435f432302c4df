"""Fixtures of the fault and race tests: real gunicorn servers on the suite's PostgreSQL and Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TEST_PIN_SECRET, TEST_TOKEN
from tests.helpers import free_port
from web.simulator import Transport

BIN = Path(sys.executable).parent


@pytest.fixture
def two_servers(settings, demo, tmp_path):
    """Two gunicorn servers (two workers each) on the suite's PostgreSQL and Redis."""
    if not settings.redis_url:
        pytest.skip("needs TEST_REDIS_URL: the in-process Redis stand-in can't be shared between servers")
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "TWILIO_AUTH_TOKEN": TEST_TOKEN, "PIN_SECRET": TEST_PIN_SECRET, "SMS_RATE_LIMIT": "1000/60",
           "SUPPORT_NUMBER": "+15550109999", "LOG_LEVEL": "WARNING"}
    procs, urls = [], []
    for i in range(2):
        port = free_port()
        log = (tmp_path / f"server{i}.log").open("w")
        procs.append((subprocess.Popen([str(BIN / "switchboard"), "serve", "--port", str(port), "--workers", "2"],
                                       env=env, stdout=log, stderr=subprocess.STDOUT), log))
        urls.append(f"http://127.0.0.1:{port}")
    # A server's start (its migrations checked, its model loaded) takes seconds on a loaded
    # machine: each is waited for until a deadline, and a server that never answers fails here.
    deadline = time.monotonic() + 90
    for i, (url, (proc, _)) in enumerate(zip(urls, procs)):
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1):
                    break
            except OSError:
                assert proc.poll() is None, (tmp_path / f"server{i}.log").read_text()
                assert time.monotonic() < deadline, f"server {i} never answered /healthz"
                time.sleep(0.05)
    yield [Transport(TEST_TOKEN, url=u) for u in urls]
    # Both told at once to stop at once (gunicorn's quick shutdown: SIGINT), then waited for.
    for proc, _ in procs:
        proc.send_signal(signal.SIGINT)
    for proc, log in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
