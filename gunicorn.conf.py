"""gunicorn settings for the Procfile's web process."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
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
    during a customer's first free-text message (about half a second of CPU)."""
    from vocabulary.understand import model

    model()


def on_starting(server):
    from core.settings import Settings
    from web.server import refuse_several_workers_without_redis

    # Settings refused here stop gunicorn with their one line; refused in the workers, each
    # worker would die and be started again, forever.
    settings = Settings.from_env()
    refuse_several_workers_without_redis(server.cfg.workers, settings)
