"""Issue 23, item 6: a hung database can't starve the webhooks. With ``lines`` locked from
another connection (a migration, a stuck batch job), 32 requests at once over two servers run
as production runs them (gunicorn.conf.py) all answer with TwiML within Twilio's 15 s: the
fallbacks at once (they need no database), the rest within the bounded waits (pool, lock and
statement timeouts, core/db.py; gthread workers with more threads than database slots)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from ivr.simulate import call_form
from sms.simulate import text_form
from tests.conftest import TEST_PIN_SECRET, TEST_TOKEN
from tests.helpers import free_port
from web.simulator import Transport

ROOT = Path(__file__).resolve().parents[2]
TWILIO_GIVES_UP = 15.0


@pytest.fixture
def production_servers(settings, demo, tmp_path):
    """Two servers started as the Procfile starts them: python -OO -m gunicorn -c gunicorn.conf.py wsgi:app
    (two worker processes each, as WEB_CONCURRENCY=2 on a small machine)."""
    if not settings.redis_url or not settings.database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL)")
    procs, urls = [], []
    for i in range(2):
        port = free_port()
        env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
               "TWILIO_AUTH_TOKEN": TEST_TOKEN, "PIN_SECRET": TEST_PIN_SECRET, "SMS_RATE_LIMIT": "1000/60",
               "CALL_RATE_LIMIT": "1000/60", "SUPPORT_NUMBER": "+15550109999", "LOG_LEVEL": "WARNING",
               "PORT": str(port), "WEB_CONCURRENCY": "2"}
        log = (tmp_path / f"gunicorn{i}.log").open("w")
        procs.append((subprocess.Popen([sys.executable, "-OO", "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                                        "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))
        urls.append(f"http://127.0.0.1:{port}")
    for i, (url, (proc, _)) in enumerate(zip(urls, procs)):
        for _ in range(400):
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1):
                    break
            except OSError:
                assert proc.poll() is None, (tmp_path / f"gunicorn{i}.log").read_text()
                time.sleep(0.05)
    yield [Transport(TEST_TOKEN, url=u) for u in urls]
    for proc, log in procs:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture
def locked_lines(settings):
    """``lines`` held in ACCESS EXCLUSIVE mode by another connection until the test ends."""
    url = make_url(settings.database_url).set(drivername="postgresql")
    conn = psycopg.connect(url.render_as_string(hide_password=False))
    conn.execute("LOCK TABLE lines IN ACCESS EXCLUSIVE MODE")
    yield conn
    conn.rollback()
    conn.close()


def _requests() -> list[tuple[str, dict]]:
    jobs = []
    for i in range(32):
        kind = i % 8
        sid = "CA" + uuid.uuid4().hex
        if kind in (0, 1, 2):  # texts from customers and strangers: they need the database
            jobs.append(("/sms", {**text_form(f"+1555777{i:04d}", "+15550109000", "PLANS"),
                                  "MessageSid": "SM" + uuid.uuid4().hex}))
        elif kind == 3:
            jobs.append(("/voice", call_form(sid, f"+1555777{i:04d}", "+15550109000")))
        elif kind == 4:
            jobs.append(("/voice/fallback", call_form(sid, f"+1555777{i:04d}", "+15550109000", ErrorCode="11200")))
        elif kind == 5:
            jobs.append(("/sms/fallback", {**text_form(f"+1555777{i:04d}", "+15550109000", "HELP"),
                                           "ErrorCode": "11200"}))
        elif kind == 6:
            jobs.append(("/voice/dial-status?esc=1", call_form(sid, f"+1555777{i:04d}", "+15550109000",
                                                               DialCallStatus="no-answer")))
        else:  # a PIN on a call: the line's row
            jobs.append(("/voice/input?expect=pin", call_form(sid, f"+1555777{i:04d}", "+15550109000",
                                                             Digits="1234")))
    return jobs


def test_every_webhook_answers_within_15_s_while_the_lines_table_is_locked(production_servers, locked_lines):
    jobs = _requests()
    start = threading.Barrier(len(jobs))

    def send(i: int) -> tuple[str, int, float, str]:
        path, form = jobs[i]
        start.wait()
        began = time.monotonic()
        status, body = production_servers[i % 2].post(path, form)
        return path, status, time.monotonic() - began, body

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(send, range(len(jobs))))
    slow = [(p, round(t, 1)) for p, _, t, _ in answers if t >= TWILIO_GIVES_UP]
    assert not slow, sorted(answers, key=lambda a: -a[2])[:8]
    for path, status, took, body in answers:
        assert status == 200, (path, status, body)
        assert ET.fromstring(body).tag == "Response", (path, body)
    fallbacks = [t for p, _, t, _ in answers if "fallback" in p]
    assert max(fallbacks) < 3, sorted((round(t, 2), p) for p, _, t, _ in answers)
