"""gunicorn settings for the Procfile's web process."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Two worker processes a core, each with threads (gthread). Sync workers served a healthy
# database's load with the shortest tails (bench/README.md, "Worker model"), but a hung
# database starves them: every worker waits on PostgreSQL and the requests behind it, the
# fallbacks that need no database included, queue past Twilio's 15 s (issue 23). With more
# threads a process than a request ever waits on the database for (each wait is bounded:
# core/db.py's pool, lock and statement timeouts), a request always finds a thread: the
# fallbacks answer at once and the rest within the bounded waits
# (tests/faults/test_hung_database.py). gthread also reads a request's headers and body
# only once its first bytes arrive, and web/server.py's worker gives a request's headers and
# body READ_TIMEOUT_S to arrive whole (slow clients); a buffering proxy in front is still
# required (README, "Deployment").
worker_class = "web.server.BoundedThreadWorker"  # gthread, each request read within READ_TIMEOUT_S
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
accesslog = None  # the app logs one JSON line per request (web/observe.py)

# X-Forwarded-* count only through PROXY_HOPS (web/server.py's edge), never through gunicorn's
# own trust of 127.0.0.1.
from web.server import GUNICORN_TRUSTS_NO_FORWARDED_HEADERS as _no_forwarded  # noqa: E402

forwarded_allow_ips = _no_forwarded["forwarded_allow_ips"]
secure_scheme_headers = _no_forwarded["secure_scheme_headers"]
forwarder_headers = _no_forwarded["forwarder_headers"]


M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = 2  # a worker's malloc arenas: bench/README.md ("Memory a worker")


def post_worker_init(worker):
    """Train the understanding model (vocabulary/understand.py) before the first request, not
    during a customer's first free-text message (about half a second of CPU); then hand the
    heap its training left free back to the system (about 2 MB a worker: bench/README.md).

    Before any of the worker's threads starts, malloc is held to MALLOC_ARENAS arenas: glibc
    gives each thread that finds the arenas busy one of its own (up to 8 a core), each keeping
    its own free memory, which no other thread reuses. A gthread worker of 16 threads: 2 MB
    less at start, 4 MB less after every scenario of bench/run (a sync worker has one thread:
    the same either way)."""
    import ctypes
    import ctypes.util
    import gc

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):  # not glibc: its own malloc
        libc = None

    from vocabulary import act_model
    from vocabulary.understand import model

    model()
    act_model.model()  # the second reader of the act (vocabulary/act_model.py)
    gc.collect()
    if libc is not None:
        try:
            libc.malloc_trim(0)
        except AttributeError:  # not glibc: nothing to trim
            pass


def on_starting(server):
    import sys

    from core.settings import Settings
    from vocabulary import model_cache
    from web.server import refuse_several_workers_without_redis

    # The understanding models trained once, in a process of their own, before any worker
    # starts: each worker then loads their weights and never imports scikit-learn (whose
    # memory a worker that trained would keep: bench/README.md, "Memory a worker").
    model_cache.warm()

    # The Procfile runs gunicorn under `python -OO`: the code objects keep no docstrings, about
    # 6 MB a worker (bench/README.md, "Memory a worker"). Started otherwise, it still serves.
    if sys.flags.optimize < 2:
        server.log.warning("started without python -OO (the Procfile's web): about 6 MB more a worker")

    # Settings refused here stop gunicorn with their one line; refused in the workers, each
    # worker would die and be started again, forever.
    settings = Settings.from_env()
    refuse_several_workers_without_redis(server.cfg.workers, settings)
