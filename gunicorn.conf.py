"""gunicorn settings for the Procfile's web process."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Sync workers, two a core: measured against gthread (2 or 4 workers of 4 threads) on the same
# machine, they served as many requests with the shortest tails (bench/README.md, "Worker
# model"). A request is CPU-bound Python (the GIL lets one thread a process run), so threads
# only add queueing inside a process; the second worker a core covers the waits on Redis and
# PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
accesslog = None  # the app logs one JSON line per request (web/observe.py)

# X-Forwarded-* count only through PROXY_HOPS (web/server.py's edge), never through gunicorn's
# own trust of 127.0.0.1.
from web.server import GUNICORN_TRUSTS_NO_FORWARDED_HEADERS as _no_forwarded  # noqa: E402

forwarded_allow_ips = _no_forwarded["forwarded_allow_ips"]
secure_scheme_headers = _no_forwarded["secure_scheme_headers"]
forwarder_headers = _no_forwarded["forwarder_headers"]


def post_worker_init(worker):
    """Train the understanding model (vocabulary/understand.py) before the first request, not
    during a customer's first free-text message (about half a second of CPU); then hand the
    heap its training left free back to the system (about 2 MB a worker: bench/README.md)."""
    import ctypes
    import ctypes.util
    import gc

    from vocabulary.understand import model

    model()
    gc.collect()
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def on_starting(server):
    from core.settings import Settings
    from web.server import refuse_several_workers_without_redis

    # Settings refused here stop gunicorn with their one line; refused in the workers, each
    # worker would die and be started again, forever.
    settings = Settings.from_env()
    refuse_several_workers_without_redis(server.cfg.workers, settings)
