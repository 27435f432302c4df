"""POST /sms."""

from __future__ import annotations

from twilio.twiml.messaging_response import MessagingResponse

from web.deps import deps
from web.twilio import twiml, twilio_blueprint


def _apology(_exc: Exception) -> MessagingResponse:
    r = MessagingResponse()
    r.message("Sorry, something went wrong on our side. Nothing was changed. Reply AGENT for a person.")
    return r


bp = twilio_blueprint("sms", __name__, on_error=_apology)


@bp.post("/sms")
def incoming_sms():
    r = MessagingResponse()
    r.message(f"{deps().settings.brand_name}: text HELP for the commands.")
    return twiml(r)
