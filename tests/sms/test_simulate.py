"""`switchboard simulate sms` against a real server on 127.0.0.1, and in-process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from core.models import Line, Plan
from tests.helpers import free_port
from tests.conftest import TEST_PIN_SECRET, TEST_TOKEN

BIN = Path(sys.executable).parent



@pytest.fixture
def server(settings, demo, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": settings.database_url, "TWILIO_AUTH_TOKEN": TEST_TOKEN,
           "PIN_SECRET": TEST_PIN_SECRET, "SWITCHBOARD_ENV": "development"}
    env.pop("REDIS_URL", None)
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([str(BIN / "switchboard"), "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((tmp_path / "server.log").read_text())
                time.sleep(0.1)
        yield url, env
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_simulate_sms_against_the_running_server(server, deps, tmp_path):
    url, env = server
    script = tmp_path / "chat.txt"
    script.write_text("PLANS\n1234\nSTOP PLAN Text Archive\nYES\n")
    out = subprocess.run([str(BIN / "switchboard"), "simulate", "sms", "--from", "+15557770001",
                          "--url", url, "--script", str(script)],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "< PIN OK. Line (555) 010-0001" in out.stdout
    assert "< Done: Text Archive won't renew" in out.stdout
    with deps.db() as s:
        assert s.execute(select(Plan.auto_renew).join(Line).where(
            Line.login_id == "dana", Plan.product == "Text Archive")).scalar_one() is False


def test_simulate_sms_in_process_reads_messages_from_standard_input(runner, demo):
    result = runner.invoke(args=["simulate", "sms", "--from", "+15557770003"], input="PLANS\n1357\n")
    assert result.exit_code == 0, result.output
    assert "< PIN OK. Line (555) 010-0003 (active): Basic Monthly renews" in result.output
