"""The HTTP edge in front of the app and running it: the body limit and the forwarded-header
trust every request passes through (``edge``, installed by ``create_app``), gunicorn in-process
(``switchboard serve``) or from gunicorn.conf.py, and what start-up prints.

Failure behaviour: a body over ``MAX_BODY`` is answered 413, one that can't be read whole (cut
short, a broken chunk) 400, both short text/plain, before Flask sees the request: no hook,
signature check or view ever meets a body it can't read.
"""

from __future__ import annotations

import io
import logging
import os
import sys

from werkzeug.http import HTTP_STATUS_CODES

from core.settings import Settings

log = logging.getLogger("switchboard.web")

MAX_BODY = 64 * 1024  # Twilio's bodies are a few KB; anything larger is not Twilio.

# gunicorn trusts X-Forwarded-Proto (and -Ssl, -Protocol) from 127.0.0.1 by default: switched
# off, so that forwarded headers count only through PROXY_HOPS, in one place (``edge``).
GUNICORN_TRUSTS_NO_FORWARDED_HEADERS = {"forwarded_allow_ips": "", "secure_scheme_headers": {},
                                        "forwarder_headers": ""}


BODY = "switchboard.body"  # the request's whole body, as the edge read it (web/request.py)


def edge(wsgi_app, settings: Settings):
    """``wsgi_app`` behind the body limit and, with PROXY_HOPS, werkzeug's ProxyFix: the last
    ``proxy_hops`` values of X-Forwarded-For/-Proto/-Host/-Port/-Prefix are the proxies'
    own; without it they are the client's and ignored (the URL a signature is checked
    against is then PUBLIC_BASE_URL's, or the request's own)."""
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.proxy_hops
        wsgi_app = ProxyFix(wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
    return BodyLimit(wsgi_app, MAX_BODY)


class BodyLimit:
    """Reads the body whole, at most ``limit`` bytes, before the app runs.

    Content-Length over the limit is refused unread; a chunked body is read until it ends
    or passes the limit. The app then gets the body from memory with its exact length.
    Without this, werkzeug raised its 413 wherever the form was first read (a hook, the
    signature check, a view, the voice apology itself: gunicorn's HTML 500), and silently cut
    a chunked body at the limit.
    """

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ, start_response):
        try:
            return self._whole(environ, start_response)
        finally:
            reads_done()  # (already, unless the app never read a body)

    def _whole(self, environ, start_response):
        declared = environ.get("CONTENT_LENGTH", "")
        if declared:
            length = int(declared) if declared.isascii() and declared.isdigit() else -1
            if length < 0:
                return _refuse(environ, start_response, 400, "an unreadable Content-Length")
            if length > self.limit:
                return _refuse(environ, start_response, 413, "a body over the limit")
            want = length
        elif environ.get("wsgi.input_terminated"):
            want = self.limit + 1  # chunked: the server finds the end; one byte more is too much
        else:
            # No length and a server that doesn't delimit the stream: there is no body to read
            # (werkzeug reads it as empty too).
            reads_done()
            return self.app(environ, start_response)
        try:
            body = _read(environ["wsgi.input"], want)
        except Exception:  # noqa: BLE001 - a broken chunk, a reset: gunicorn closes the connection
            return _refuse(environ, start_response, 400, "a body that could not be read")
        reads_done()  # the whole request is read: its deadline ends (READ_TIMEOUT_S)
        if len(body) > self.limit:
            return _refuse(environ, start_response, 413, "a body over the limit")
        if declared and len(body) < length:
            return _refuse(environ, start_response, 400, "a body cut short")
        environ["wsgi.input"] = io.BytesIO(body)
        environ[BODY] = body  # the form is parsed from it once (EdgeRequest), not read again
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)  # no longer chunked: it is all here
        return self.app(environ, start_response)


def _read(stream, want: int) -> bytes:
    buf = bytearray()
    while len(buf) < want:
        chunk = stream.read(min(want - len(buf), 64 * 1024))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def _refuse(environ, start_response, code: int, what: str):
    import structlog

    structlog.contextvars.clear_contextvars()  # not the ids of this thread's previous request
    log.warning("refused %s on %s", what, environ.get("PATH_INFO", ""))
    body = f"{code} {HTTP_STATUS_CODES[code]}\n".encode()
    start_response(f"{code} {HTTP_STATUS_CODES[code]}", [
        ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


# Slow clients (issue 23): a request's headers and body must arrive within READ_TIMEOUT_S of
# a worker thread taking its connection (Twilio sends a few KB at once). A client that trickles
# them (slowloris, a Content-Length it never fills) would otherwise hold a thread for as long as
# it likes. ``BoundedThreadWorker`` (gunicorn's gthread worker, used by gunicorn.conf.py and
# ``switchboard serve``) starts the clock when a thread takes a connection; ``reads_done`` (the
# edge, once the body is in memory) stops it; past the deadline one watchdog thread shuts the
# socket's reading side, so the blocked read ends at once: the request is dropped (headers) or
# answered 400 (a body cut short). A buffering proxy in front (README, "Deployment") is still
# the first line: it reads whole requests before gunicorn sees them.
READ_TIMEOUT_S = float(os.environ.get("READ_TIMEOUT_SECONDS", "10"))


class _Watchdog:
    """One thread per process ending reads that overran their deadline."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._watched: dict[int, tuple[float, object]] = {}
        self._thread = None
        self._local = threading.local()

    def watch(self, sock, seconds: float) -> None:
        import threading
        import time

        key = id(sock)
        with self._lock:
            self._watched[key] = (time.monotonic() + seconds, sock)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="read-deadlines", daemon=True)
                self._thread.start()
        self._local.key = key
        self._wake.set()

    def done(self) -> None:
        key = getattr(self._local, "key", None)
        if key is not None:
            self._local.key = None
            with self._lock:
                self._watched.pop(key, None)

    def _run(self) -> None:
        import socket
        import time

        while True:
            with self._lock:
                now = time.monotonic()
                late = [k for k, (deadline, _) in self._watched.items() if deadline <= now]
                overdue = [self._watched.pop(k)[1] for k in late]
                nearest = min((d for d, _ in self._watched.values()), default=now + 60) - now
            for sock in overdue:
                log.warning("a client sent its request too slowly: its connection is closed")
                try:
                    sock.shutdown(socket.SHUT_RD)
                except OSError:
                    pass
            self._wake.wait(timeout=max(0.05, min(nearest, 1.0)))
            self._wake.clear()


_WATCHDOG = _Watchdog()


def reads_done() -> None:
    """This thread's request has been read whole: its read deadline ends."""
    _WATCHDOG.done()


def _bounded_thread_worker():
    from gunicorn.workers.gthread import ThreadWorker

    class BoundedThreadWorker(ThreadWorker):
        """gthread, with each request's headers and body read within READ_TIMEOUT_S."""

        def handle(self, conn):
            _WATCHDOG.watch(conn.sock, READ_TIMEOUT_S)
            try:
                return super().handle(conn)
            finally:
                _WATCHDOG.done()

    return BoundedThreadWorker


def __getattr__(name: str):
    # gunicorn loads the worker class by name (web.server.BoundedThreadWorker); built on first
    # use so that importing this module doesn't import gunicorn.
    if name == "BoundedThreadWorker":
        globals()[name] = value = _bounded_thread_worker()
        return value
    raise AttributeError(name)


WORKER_CLASS = "web.server.BoundedThreadWorker"


class SingleProcessOnly(SystemExit):
    pass


def refuse_several_workers_without_redis(workers: int, settings: Settings | None = None) -> None:
    redis_url = settings.redis_url if settings else os.environ.get("REDIS_URL", "").strip()
    if workers > 1 and not redis_url:
        raise SingleProcessOnly(
            "switchboard: REDIS_URL is not set, so state lives in an in-process stand-in; "
            "run one worker, or set REDIS_URL to run several"
        )


def startup_banner(settings: Settings) -> str:
    lines = []
    if settings.uses_dev_token and not settings.production:
        lines.append(f"development TWILIO_AUTH_TOKEN: {settings.twilio_auth_token}")
    if not settings.redis_url:
        lines.append("REDIS_URL not set: in-process Redis stand-in (one process only)")
    return "\n".join(lines)


def how_to_talk(settings: Settings, base: str) -> str:
    """What the README's run command prints: the development token and a signed request to
    try. In production neither: not the token, nor a request signed with it."""
    import shlex

    from twilio.request_validator import RequestValidator

    lines = ["", f"Switchboard on {base}  (brand: {settings.brand_name})"]
    if settings.production:
        lines.append("  Twilio auth token: TWILIO_AUTH_TOKEN (never printed in production)")
    elif settings.uses_dev_token:
        lines.append(f"  Twilio auth token (development): {settings.twilio_auth_token}")
    else:
        lines.append("  Twilio auth token: TWILIO_AUTH_TOKEN (not printed)")
    lines += [
        "  Talk to it without a phone, from another terminal:",
        "    .venv/bin/switchboard simulate sms --from +15557770001 --url " + base,
        "    .venv/bin/switchboard simulate call --from +15557770001 --url " + base,
    ]
    if not settings.production:
        form = {"From": "+15557770001", "To": "+15550109000", "Body": "HELP",
                "MessageSid": "SM" + "0" * 32, "AccountSid": "AC" + "0" * 32}
        signed = f"{settings.public_base_url or base}/sms"  # the URL the app checks against
        signature = RequestValidator(settings.twilio_auth_token).compute_signature(signed, form)
        data = " ".join(f"--data-urlencode {shlex.quote(f'{k}={v}')}" for k, v in form.items())
        lines += ["  or send one signed text with curl:",
                  f"    curl -s {base}/sms -H 'X-Twilio-Signature: {signature}' {data}"]
    lines += ["  The demo lines, the numbers they call and text from, and their PINs are listed above.", ""]
    return "\n".join(lines)


def run_gunicorn(app, *, host: str, port: int, workers: int, settings: Settings) -> None:
    from gunicorn.app.base import BaseApplication

    refuse_several_workers_without_redis(workers, settings)
    banner = startup_banner(settings)
    if banner:
        print(banner, file=sys.stderr, flush=True)

    class _App(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("worker_class", WORKER_CLASS)  # gthread, with read deadlines
            for name, value in GUNICORN_TRUSTS_NO_FORWARDED_HEADERS.items():
                self.cfg.set(name, value)

        def load(self):
            return app

    # Trained once here, before the workers fork, not during a customer's first free text.
    from vocabulary import act_model
    from vocabulary.understand import model

    model()
    act_model.model()  # the second reader of the act (vocabulary/act_model.py)
    _App().run()
