"""Issue 23, item 7: slow clients. Without a buffering proxy in front (the embedded default,
``switchboard serve``), a request's headers and body must arrive within READ_TIMEOUT_S: sockets
that trickle a body (Content-Length: 2000, a byte every 2 s) or their headers, more of them
than the server has threads, never keep a normal text waiting past Twilio's 15 s."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sms.simulate import text_form
from tests.conftest import TEST_PIN_SECRET, TEST_TOKEN
from tests.helpers import free_port
from web.simulator import Transport

BIN = Path(sys.executable).parent


@pytest.fixture
def server(settings, demo, tmp_path):
    """``switchboard serve``, one worker process (four threads): the embedded default."""
    if not settings.redis_url:
        pytest.skip("needs TEST_REDIS_URL")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "TWILIO_AUTH_TOKEN": TEST_TOKEN, "PIN_SECRET": TEST_PIN_SECRET, "SMS_RATE_LIMIT": "1000/60",
           "LOG_LEVEL": "WARNING", "READ_TIMEOUT_SECONDS": "4"}
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([str(BIN / "switchboard"), "serve", "--port", str(port), "--workers", "1"], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                break
        except OSError:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(timeout=15)
    log.close()


class Trickle(threading.Thread):
    """A client that sends its request a byte every ``every`` seconds."""

    def __init__(self, port: int, head: bytes, body: bytes, every: float = 2.0) -> None:
        super().__init__(daemon=True)
        self.port, self.head, self.body, self.every = port, head, body, every
        self.ended_after: float | None = None
        self.answer = b""
        self.stop = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.settimeout(0.2)
        try:
            data = self.head + self.body
            trickled = 0 if not self.body else len(self.head)
            if trickled:
                sock.sendall(self.head)
            for i in range(trickled, len(data)):
                if self.stop.is_set():
                    break
                sock.sendall(data[i:i + 1])
                waited = 0.0
                while waited < self.every:
                    try:
                        got = sock.recv(4096)
                    except socket.timeout:
                        waited += 0.2
                        continue
                    if not got:
                        raise ConnectionResetError
                    self.answer += got
                    raise ConnectionAbortedError  # answered before the body ended
        except OSError:
            pass
        finally:
            self.ended_after = time.monotonic() - start
            sock.close()


SLOW_BODY = (b"POST /sms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
             b"Content-Length: 2000\r\n\r\n")
SLOW_HEAD = b"POST /sms HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 200


def test_slow_bodies_and_headers_never_starve_a_normal_text(server):
    port = server
    clients = [Trickle(port, SLOW_BODY, b"x" * 2000) for _ in range(3)]
    clients += [Trickle(port, SLOW_HEAD, b"") for _ in range(3)]
    for c in clients:
        c.start()
    time.sleep(2.5)  # all of them connected and trickling: more than the server's four threads
    began = time.monotonic()
    status, xml = Transport(TEST_TOKEN, url=f"http://127.0.0.1:{port}").post(
        "/sms", text_form("+15557770001", "+15550109000", "HELP"))
    took = time.monotonic() - began
    assert status == 200 and ET.fromstring(xml).find("Message") is not None, xml
    assert took < 10, took  # READ_TIMEOUT_SECONDS=4 here: the slow ones were cut off
    for c in clients:
        c.join(timeout=15)
        assert c.ended_after is not None and c.ended_after < 12, c.ended_after
    for c in clients[:3]:
        assert c.answer.startswith(b"HTTP/1.1 400") or c.answer == b"", c.answer[:60]
