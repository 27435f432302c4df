"""The HTTP edge under attack (issue 9): oversized and unreadable bodies, forwarded headers,
what a production start-up requires and prints. In-process through the app's whole WSGI
stack, and against real ``switchboard serve`` / gunicorn processes where the server is the
point."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from core.settings import DEV_AUTH_TOKEN, PROJECT_ROOT
from sms.simulate import text_form
from tests.conftest import TEST_PIN_SECRET, TEST_TOKEN, sign
from tests.helpers import free_port

BIN = Path(sys.executable).parent
LIMIT = 64 * 1024
SENDER = "+15550004321"  # no line: HELP is answered, nothing changes
CALL = {"From": SENDER, "To": "+15550109000", "CallSid": "CA" + "2" * 32, "AccountSid": "AC" + "0" * 32,
        "CallStatus": "ringing", "Direction": "inbound"}
# Every route of CONTRACT.md, and one that doesn't exist: the limit comes before routing.
ROUTES = ["/sms", "/voice", "/voice/menu", "/voice/input?expect=pin", "/voice/handoff", "/voice/fallback",
          "/sms/fallback", "/voice/status", "/sms/status", "/appstore/notifications", "/console/login",
          "/healthz", "/no-such-route"]


def form_of_length(n: int) -> dict[str, str]:
    """A text whose urlencoded body is exactly ``n`` bytes."""
    form = text_form(SENDER, "+15550109000", "")
    form["Body"] = "x" * (n - len(urllib.parse.urlencode(form)))
    assert len(urllib.parse.urlencode(form)) == n
    return form


def twiml_root(status: int, content_type: str, body: bytes) -> ET.Element:
    assert status == 200, body
    assert content_type.startswith("text/xml")
    root = ET.fromstring(body)
    assert root.tag == "Response"
    return root


def assert_plain(status: int, content_type: str, body: bytes, code: int) -> None:
    assert (status, content_type.split(";")[0]) == (code, "text/plain"), body
    assert len(body) < 100 and b"<" not in body


# --- in-process: the app's whole WSGI stack, as gunicorn calls it -------------------------

@pytest.fixture
def spied(app):
    """The app, and a list of the requests that reached Flask at all."""
    seen = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(1))
    return app, seen


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize("path", ROUTES)
def test_a_body_over_64_kib_is_refused_413_before_anything_runs_on_every_route(spied, path, signed):
    app, seen = spied
    form = form_of_length(LIMIT + 1)
    headers = {"X-Twilio-Signature": sign(f"http://localhost{path}", form)} if signed else {}
    resp = app.test_client().post(path, data=form, headers=headers)
    assert_plain(resp.status_code, resp.content_type, resp.data, 413)
    assert seen == []  # no hook, no signature check, no view: the body was never parsed


def test_a_body_of_exactly_64_kib_is_still_served(twilio):
    form = form_of_length(LIMIT)
    resp = twilio.post("/sms", form)
    twiml_root(resp.status_code, resp.content_type, resp.data)


def test_a_413_from_werkzeug_itself_is_plain_never_an_apology(app, twilio):
    """Behind the edge werkzeug's own limit can't trip; should it (a lower limit), the voice
    apology must not read the body again."""
    app.config["MAX_CONTENT_LENGTH"] = 100
    resp = twilio.post("/voice", CALL)
    assert_plain(resp.status_code, resp.content_type, resp.data, 413)


def test_a_failing_apology_is_still_twiml_never_a_500(twilio, monkeypatch):
    """The voice apology reads the request to record an escalation; if making it fails too,
    the caller still gets valid TwiML, not gunicorn's HTML 500."""
    def boom(*args, **kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr("core.conversation.Conversation.start", boom)
    monkeypatch.setattr("ivr.views._say_and_transfer", boom)
    resp = twilio.post("/voice", CALL)
    root = twiml_root(resp.status_code, resp.content_type, resp.data)
    assert b"exploded" not in ET.tostring(root)


def test_forwarded_headers_are_ignored_without_proxy_hops(client):
    """A client's X-Forwarded-Proto/Host can't make a signature for another URL count."""
    data = text_form(SENDER, "+15550109000", "HELP")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "other.example.com"}
    for url in ("https://other.example.com/sms", "http://other.example.com/sms", "https://localhost/sms"):
        resp = client.post("/sms", data=data, headers={**forwarded, "X-Twilio-Signature": sign(url, data)})
        assert resp.status_code == 403, url
    # The request's own URL is what counts.
    own = sign("http://localhost/sms", data)
    resp = client.post("/sms", data=data, headers={**forwarded, "X-Twilio-Signature": own})
    twiml_root(resp.status_code, resp.content_type, resp.data)


def test_with_proxy_hops_only_what_the_trusted_proxies_appended_counts(make_app):
    client = make_app(proxy_hops=1).test_client()
    data = text_form(SENDER, "+15550109000", "HELP")
    # The client sent "evil"; the one proxy in front appended what it received.
    forwarded = {"X-Forwarded-Proto": "http, https", "X-Forwarded-Host": "evil.example.com, support.example.com"}
    good = sign("https://support.example.com/sms", data)
    resp = client.post("/sms", data=data, headers={**forwarded, "X-Twilio-Signature": good})
    twiml_root(resp.status_code, resp.content_type, resp.data)
    for url in ("https://evil.example.com/sms", "http://support.example.com/sms", "http://localhost/sms"):
        resp = client.post("/sms", data=data, headers={**forwarded, "X-Twilio-Signature": sign(url, data)})
        assert resp.status_code == 403, url


# --- against real servers ----------------------------------------------------------------

def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)


def wait_healthy(proc: subprocess.Popen, port: int, log: Path) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)
    raise AssertionError(f"no answer on port {port}:\n{log.read_text()}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=15)


def server_env(db_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PUBLIC_BASE_URL", "PROXY_HOPS", "SWITCHBOARD_ENV", "REDIS_URL", "FORWARDED_ALLOW_IPS",
                        "SECRET_KEY")}
    env.update(DATABASE_URL=db_url, TWILIO_AUTH_TOKEN=TEST_TOKEN, PIN_SECRET=TEST_PIN_SECRET,
               SMS_RATE_LIMIT="1000/60", LOG_LEVEL="WARNING", SWITCHBOARD_ENV="development")
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


# The Procfile's web: python -OO -m gunicorn -c gunicorn.conf.py (wsgi:app after the bind).
PROCFILE_WEB = (sys.executable, "-OO", "-m", "gunicorn", "-c", "gunicorn.conf.py")


@pytest.fixture(scope="module", params=["switchboard serve", "gunicorn -c gunicorn.conf.py"])
def server(request, db_url, redis_url, tmp_path_factory):
    """A real server (two workers when Redis is real, else one) as an operator runs it: the
    development command (gthread workers) or the Procfile's (sync workers)."""
    port, workers = free_port(), "2" if redis_url else "1"
    log = tmp_path_factory.mktemp("edge") / "server.log"
    if request.param == "switchboard serve":
        args = [str(BIN / "switchboard"), "serve", "--port", str(port), "--workers", workers]
    else:
        args = [*PROCFILE_WEB, "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    proc = start(args, server_env(db_url, redis_url, WEB_CONCURRENCY=workers), log)
    try:
        wait_healthy(proc, port, log)
        yield port
    finally:
        stop(proc)


def exchange(port: int, head: str, body: bytes = b"", *, half_close: bool = False) -> tuple[int, str, bytes]:
    """Send raw bytes (so nothing fixes up the framing) and read one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1") + body)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        return resp.status, resp.getheader("Content-Type", ""), resp.read()


def head(port: int, path: str, headers: dict[str, str]) -> str:
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
             "Content-Type: application/x-www-form-urlencoded", *(f"{k}: {v}" for k, v in headers.items())]
    return "\r\n".join(lines) + "\r\n\r\n"


def chunked(data: bytes, size: int = 8192) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


@pytest.mark.parametrize("path", ["/sms", "/voice", "/voice/menu", "/healthz"])
def test_a_server_refuses_an_announced_oversized_body_without_reading_it(server, path):
    """Content-Length over the limit: 413 at once, though the body never comes."""
    form = form_of_length(LIMIT + 1)
    signature = sign(f"http://127.0.0.1:{server}{path}", form)
    status, ctype, body = exchange(server, head(server, path, {
        "Content-Length": str(50_000_000), "X-Twilio-Signature": signature}), b"x" * 1000)
    assert_plain(status, ctype, body, 413)


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize("path", ["/sms", "/voice", "/voice/menu"])
def test_a_server_refuses_a_chunked_body_that_turns_out_too_large(server, path, signed):
    form = form_of_length(LIMIT + 5000)
    headers = {"Transfer-Encoding": "chunked"}
    if signed:
        headers["X-Twilio-Signature"] = sign(f"http://127.0.0.1:{server}{path}", form)
    status, ctype, body = exchange(server, head(server, path, headers), chunked(urllib.parse.urlencode(form).encode()))
    assert_plain(status, ctype, body, 413)


def test_a_server_serves_a_chunked_body_under_the_limit(server):
    form = form_of_length(LIMIT - 100)
    form["Body"] = "HELP"
    headers = {"Transfer-Encoding": "chunked", "X-Twilio-Signature": sign(f"http://127.0.0.1:{server}/sms", form)}
    data = chunked(urllib.parse.urlencode(form).encode())
    status, ctype, body = exchange(server, head(server, "/sms", headers), data)
    assert twiml_root(status, ctype, body).find("Message") is not None


@pytest.mark.parametrize("path", ["/sms", "/voice"])
def test_a_body_cut_short_is_never_answered_by_a_view(server, path):
    form = text_form(SENDER, "+15550109000", "HELP")
    data = urllib.parse.urlencode(form).encode()
    headers = {"Content-Length": str(len(data) + 500),
               "X-Twilio-Signature": sign(f"http://127.0.0.1:{server}{path}", form)}
    status, ctype, body = exchange(server, head(server, path, headers), data, half_close=True)
    assert_plain(status, ctype, body, 400)


def test_a_server_ignores_forwarded_headers_without_proxy_hops(server):
    """Neither the app nor gunicorn (which trusts X-Forwarded-Proto from 127.0.0.1 by default)
    lets a client choose the URL its signature is checked against."""
    form = text_form(SENDER, "+15550109000", "HELP")
    data = urllib.parse.urlencode(form).encode()

    def post(url: str, forwarded: dict[str, str]) -> tuple[int, str, bytes]:
        headers = {**forwarded, "Content-Length": str(len(data)), "X-Twilio-Signature": sign(url, form)}
        return exchange(server, head(server, "/sms", headers), data)

    assert post("http://other.example.com/sms", {"X-Forwarded-Host": "other.example.com"})[0] == 403
    assert post(f"https://127.0.0.1:{server}/sms", {"X-Forwarded-Proto": "https"})[0] == 403
    assert post(f"https://127.0.0.1:{server}/sms", {"X-Forwarded-Ssl": "on"})[0] == 403
    twiml_root(*post(f"http://127.0.0.1:{server}/sms", {"X-Forwarded-Proto": "https",
                                                        "X-Forwarded-Host": "other.example.com"}))


def production_env(db_url: str, redis_url: str | None, token: str, **extra: str) -> dict[str, str]:
    return server_env(db_url, redis_url or "redis://127.0.0.1:1/0", SWITCHBOARD_ENV="production",
                      TWILIO_AUTH_TOKEN=token, PIN_SECRET="production-pin-secret-" + "p" * 16,
                      PUBLIC_BASE_URL="https://support.example.com", SECRET_KEY="production-secret-key-" + "k" * 16,
                      **extra)


@pytest.mark.parametrize("mode", ["production", "development"])
def test_serve_banner_never_prints_the_auth_token_in_production(db_url, redis_url, tmp_path, mode):
    port, log = free_port(), tmp_path / "serve.log"
    token = "live-token-" + "9f" * 12
    if mode == "production":
        env = production_env(db_url, redis_url, token)
    else:
        env = server_env(db_url, redis_url)
        del env["TWILIO_AUTH_TOKEN"]  # the development token, which the README relies on seeing
    proc = start([str(BIN / "switchboard"), "serve", "--port", str(port), "--workers", "1", "--banner"], env, log)
    try:
        wait_healthy(proc, port, log)
    finally:
        stop(proc)
    out = log.read_text()
    assert "simulate sms" in out  # the banner was printed
    if mode == "production":
        assert token not in out and DEV_AUTH_TOKEN not in out
    else:
        assert DEV_AUTH_TOKEN in out


@pytest.mark.parametrize("how", ["switchboard serve", "gunicorn -c gunicorn.conf.py"])
def test_production_start_up_refuses_a_missing_public_base_url(db_url, redis_url, tmp_path, how):
    port, log = free_port(), tmp_path / "start.log"
    env = production_env(db_url, redis_url, "live-token-" + "9f" * 12, WEB_CONCURRENCY="1")
    del env["PUBLIC_BASE_URL"]
    args = ([str(BIN / "switchboard"), "serve", "--port", str(port)] if how == "switchboard serve"
            else [*PROCFILE_WEB, "--bind", f"127.0.0.1:{port}", "wsgi:app"])
    proc = start(args, env, log)
    try:
        code = proc.wait(timeout=30)
    finally:
        stop(proc)
    out = log.read_text()
    assert code != 0, out
    assert "switchboard: PUBLIC_BASE_URL must be set when SWITCHBOARD_ENV=production" in out.splitlines()
    assert "Traceback" not in out
