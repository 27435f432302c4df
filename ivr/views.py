"""POST /voice and the steps of a call."""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from web.deps import deps
from web.twilio import twiml, twilio_blueprint


def _apology(_exc: Exception) -> VoiceResponse:
    r = VoiceResponse()
    r.say("Sorry, something went wrong on our side. Nothing was changed.")
    return r


bp = twilio_blueprint("ivr", __name__, on_error=_apology)


@bp.post("/voice")
def incoming_call():
    r = VoiceResponse()
    r.say(f"Welcome to {deps().settings.brand_name} support.")
    return twiml(r)


@bp.post("/voice/handoff")
def handoff():
    r = VoiceResponse()
    r.say(f"Welcome to {deps().settings.brand_name} self-service.")
    return twiml(r)
