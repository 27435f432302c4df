"""``POST /appstore/notifications``: read the body → ``core.appstore.receive`` → answer JSON.

Apple retries anything but 200, so 200 means "stored" (or "already stored"). A notification
Apple's library does not believe gets 403 (400 when it isn't even a notification), nothing
stored or changed, audited by the core; 503 while the feed can't verify (not configured, the
revocation check unreachable) or the database fails: Apple tries again later. Never behind
Twilio's signature check, never an HTML page.
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from core import appstore
from core.appstore_verify import NotificationRefused, StoreUnavailable, verifier_for
from core.services import NotApplied, OutcomeUnknown
from web.deps import deps

log = logging.getLogger("switchboard.appstore")

bp = Blueprint("appstore", __name__, cli_group=None)


def _register(state) -> None:
    # `switchboard appstore …`, and the worker's App Store queue: owned here, registered with
    # the blueprint (web/ imports no door).
    from appstore.cli import appstore_group

    if "appstore" not in state.app.cli.commands:
        state.app.cli.add_command(appstore_group)
    state.app.extensions.setdefault("switchboard_worker_queues", []).append(_worker_queue)


bp.record_once(_register)


def _worker_queue(d):
    """For `switchboard worker`: configure the App Store jobs; their queue and sweep."""
    from appstore.wording import receipt_for

    appstore.configure_worker(d.db, d.clock, receipt=receipt_for(d.settings.brand_name, d.receipt_text))
    return appstore.QUEUE, appstore.sweep_job


def _answer(code: int, **body):
    response = jsonify(body)
    response.status_code = code
    return response


@bp.post("/appstore/notifications")
def notifications():
    d = deps()
    try:
        got = appstore.receive(d.db, lambda: verifier_for(d.settings), request.get_data(cache=False),
                               now=d.clock(), queue=d.queue_redis)
    except NotificationRefused as exc:
        return _answer(400 if exc.reason == "malformed" else 403, error=exc.reason)
    except StoreUnavailable as exc:
        log.error("App Store notification not taken: %s", exc.reason)
        return _answer(503, error="unavailable")
    except (NotApplied, OutcomeUnknown):
        log.exception("App Store notification not stored: the database failed")
        return _answer(503, error="unavailable")
    return _answer(200, status="stored" if got.stored else "already_stored", notificationUUID=got.uuid)


@bp.errorhandler(Exception)
def _any_error(exc: Exception):
    if isinstance(exc, HTTPException):
        return _answer(exc.code or 500, error=exc.name)
    log.exception("error answering %s", request.path)
    return _answer(500, error="internal")
