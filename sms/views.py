"""POST /sms: read the form, hand it to the channel, render <Message>s."""

from __future__ import annotations

from flask import request
from twilio.twiml.messaging_response import MessagingResponse

from sms import replies
from sms.channel import handle_sms
from web.deps import deps
from web.twilio import twiml, twilio_blueprint
from web.twiml import messages


def _apology(_exc: Exception) -> MessagingResponse:
    r = MessagingResponse()
    r.message(replies.render("error", brand=""))
    return r


bp = twilio_blueprint("sms", __name__, on_error=_apology)


@bp.post("/sms")
def incoming_sms():
    # The reply's template (web/twiml.py): the bytes MessagingResponse would build, no nodes.
    return twiml(messages(handle_sms(deps(), request.form)))
