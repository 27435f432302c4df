"""gunicorn settings for the Procfile's web process."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
accesslog = None  # the app logs one JSON line per request (web/observe.py)


def on_starting(server):
    from web.server import refuse_several_workers_without_redis

    refuse_several_workers_without_redis(server.cfg.workers)
