"""``POST /sms/status``: Twilio's status callback for each text the bot sent (the outbox's):
read the form → ``core.delivery.record_status`` → an empty answer. A transient failure put
back for a retry wakes the worker."""

from __future__ import annotations

from flask import request

from core import delivery, outbox
from web.deps import deps
from web.twilio import EMPTY, twiml, twilio_blueprint

bp = twilio_blueprint("sms_status", __name__, on_error=lambda _exc: EMPTY)


@bp.post("/sms/status")
def message_status():
    d = deps()
    form = request.form
    sid = "".join(ch for ch in (form.get("MessageSid") or form.get("SmsSid") or "") if ch.isalnum())[:64]
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "")[:20]
    got = delivery.record_status(d.db, message_sid=sid, status=status,
                                 error_code=delivery.parse_code(form.get("ErrorCode")), now=d.clock(),
                                 ref=delivery.parse_ref(request.args.get("o")))
    if got.outcome == "retry":
        outbox.kick(d.queue_redis)
    return twiml(EMPTY)
