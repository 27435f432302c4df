"""``POST /voice/status``: the number's call StatusCallback (set by ``switchboard twilio
connect``), called when a call ends: read the form and, best effort, where the conversation
was (its state in Redis) → ``core.call_events.record_call_end`` → an empty answer."""

from __future__ import annotations

import logging

from flask import request

from core import call_events
from core.conversation import ConversationUnavailable, RedisConversations
from web.deps import deps
from web.twilio import EMPTY, twiml, twilio_blueprint

log = logging.getLogger("switchboard.ivr")

bp = twilio_blueprint("call_status", __name__, on_error=lambda _exc: EMPTY)
ENDED = ("completed", "busy", "no-answer", "failed", "canceled")


@bp.post("/voice/status")
def call_status():
    d = deps()
    form = request.form
    # As ivr.call.Call keys the conversation: voice:<CallSid, letters and digits>.
    sid = "".join(ch for ch in (form.get("CallSid") or "") if ch.isalnum())[:64]
    status = (form.get("CallStatus") or "").strip().lower()
    if not sid or status not in ENDED:
        return twiml(EMPTY)  # a progress event (when asked for): the end is what counts
    try:
        state, known = RedisConversations(d.redis).load(f"voice:{sid}"), True
    except ConversationUnavailable:
        log.warning("Redis unavailable: the call's end is recorded without its last step")
        state, known = None, False
    call_events.record_call_end(d.db, call_sid=sid, call_status=status, duration=form.get("CallDuration"),
                                caller=(form.get("From") or "").strip()[:40] or None, now=d.clock(),
                                state=state, state_known=known)
    return twiml(EMPTY)
