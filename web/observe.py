"""Structured logs (one JSON object a line, with the request's CallSid / MessageSid, the
conversation step and the outcome) and Prometheus metrics (GET /metrics).

Nothing a caller keys or texts is ever logged: only ids, routes, steps and outcome codes.
With PROMETHEUS_MULTIPROC_DIR set (several gunicorn workers), /metrics adds up all workers.
"""

from __future__ import annotations

import logging
import os
import sys
import time

import structlog
from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest

LATENCY = Histogram(
    "switchboard_request_seconds", "Server time per request, by route and status.",
    ["route", "method", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)


def configure_logging(level: str | None = None, stream=None) -> None:
    """JSON lines on stderr for everything that logs through the standard library."""
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        # filter_by_level first: a disabled level costs nothing more.
        processors=[structlog.stdlib.filter_by_level, *shared,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, structlog.processors.JSONRenderer()],
        foreign_pre_chain=shared,
    ))
    root = logging.getLogger()
    # Replace our own handler (the factory may run more than once); leave others alone.
    root.handlers = [h for h in root.handlers if not getattr(h, "_switchboard", False)]
    handler._switchboard = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level or os.environ.get("LOG_LEVEL", "INFO"))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # The twilio library logs every REST request at INFO, with its parameters (phone numbers).
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


def note(**fields) -> None:
    """Add fields (step, outcome…) to this request's log line."""
    structlog.contextvars.bind_contextvars(**fields)


log = structlog.get_logger("switchboard.request")
bp = Blueprint("observe", __name__)


def _metrics_refused() -> Response | None:
    """/metrics: with METRICS_TOKEN, only a request bearing it; without, only loopback, and
    never a request a proxy forwarded (it would look like loopback)."""
    import hmac

    from web.deps import deps

    token = deps().settings.metrics_token
    if token:
        given = request.headers.get("Authorization", "")
        if not (given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode())):
            return Response("401 Unauthorized\n", status=401, mimetype="text/plain",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        return None
    forwarded = any(h in request.headers for h in ("X-Forwarded-For", "Forwarded", "X-Real-Ip"))
    if request.remote_addr not in ("127.0.0.1", "::1") or forwarded:
        return Response("404 Not Found\n", status=404, mimetype="text/plain")
    return None


@bp.get("/metrics")
def metrics():
    refused = _metrics_refused()
    if refused is not None:
        return refused
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def install(app: Flask) -> None:
    # The request and g are read through their proxies once a hook, not once an attribute.
    @app.before_request
    def _start():
        structlog.contextvars.clear_contextvars()
        req = request._get_current_object()
        g._get_current_object()._sb_started = time.perf_counter()
        if req.method == "POST" and req.path.startswith(("/sms", "/voice")):
            # Ids only: never a body, digits or speech.
            form = req.form
            sid = form.get("MessageSid") or form.get("CallSid")
            if sid:
                structlog.contextvars.bind_contextvars(request_id=sid[:64])

    @app.after_request
    def _finish(response: Response):
        started = getattr(g._get_current_object(), "_sb_started", None)
        if started is None:
            return response
        elapsed = time.perf_counter() - started
        req = request._get_current_object()
        rule = req.url_rule
        route = rule.rule if rule is not None else "unmatched"
        status = response.status_code
        _latency(route, req.method, status).observe(elapsed)
        if route not in ("/metrics", "/healthz", "/readyz"):
            log.info("answered", route=route, status=status, ms=round(elapsed * 1000, 2))
        return response


_LATENCIES: dict = {}


def _latency(route: str, method: str, status: int):
    """LATENCY's series for (route, method, status), looked up by the registry once: routes and
    methods are the app's own (a path matching none is "unmatched"), statuses a few."""
    series = _LATENCIES.get((route, method, status))
    if series is None:
        series = LATENCY.labels(route, method, str(status))
        if len(_LATENCIES) < 1024:
            _LATENCIES[(route, method, status)] = series
    return series
