"""POST /voice and every later step of a call; each view reads the form, makes one call into
the conversation (or the escalation service) and renders TwiML (ivr.render)."""

from __future__ import annotations

import logging

from flask import current_app, request, url_for
from sqlalchemy.exc import DBAPIError
from twilio.twiml.voice_response import VoiceResponse

from core import intents, services
from core.conversation import ConversationUnavailable
from core.intents import Intent
from core.journeys.clarify import EXPECT_WHICH
from core.limits import PinLimitUnavailable, RateLimit
from core.reply import Prompt, Reply
from ivr import render
from ivr.call import Call, call_language, transfer
from ivr.menu import (answer, cancel_choice, main_choice, speech_confidence, unsure_speech, wants_agent,
                      wants_repeat)
from web.observe import note
from ivr.prompts import whisper as whisper_text
from web.deps import deps
from web.twilio import twiml, twilio_blueprint

log = logging.getLogger("switchboard.ivr")


def _apology(_exc: Exception) -> VoiceResponse:
    """Any internal error: an apology and the way to a person (R15), never Twilio's
    "application error"."""
    return _say_and_transfer("error", "error")


bp = twilio_blueprint("ivr", __name__, on_error=_apology)


def _guard(handler):
    """Redis or the database down mid-call: say what is known and hand over to a person,
    with nothing half-done (R15)."""
    def wrapped(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except (ConversationUnavailable, PinLimitUnavailable):
            log.warning("Redis unavailable during a call", exc_info=True)
            return twiml(_say_and_transfer("unavailable", "redis_unavailable"))
        except services.NotApplied:
            log.warning("database failed before a change committed", exc_info=True)
            return twiml(_say_and_transfer("not_applied", "database_error"))
        except services.OutcomeUnknown:
            log.error("database failed while committing", exc_info=True)
            return twiml(_say_and_transfer("outcome_unknown", "database_error"))
        except DBAPIError:
            log.warning("database unavailable during a call", exc_info=True)
            return twiml(_say_and_transfer("unavailable", "database_error"))
    wrapped.__name__ = handler.__name__
    return wrapped


def _say_and_transfer(key: str, reason: str) -> VoiceResponse:
    """Say what is known, then hand over to a person. The escalation record is best effort
    (with the conversation's context when Redis answers, without it when only the database
    does, none when neither): the failing part may be what it needs."""
    d = current_app.extensions["switchboard"]
    form = request.form
    req = services.Request(channel="voice", request_id=(form.get("CallSid") or "")[:64] or None,
                           caller=(form.get("From") or "")[:40] or None)
    esc = None
    sp = render.Speaker(d.settings.brand_name, call_language())
    try:
        call = Call.from_request(d)
        esc = call.conversation.escalate(call.key, call.caller, reason, request_id=call.sid).escalation_id
    except Exception:  # noqa: BLE001 - Redis or the database may be what failed
        try:
            esc = services.escalate(d.db, reason=reason, context={"verified": False}, now=d.clock(), req=req)
        except Exception:  # noqa: BLE001
            log.warning("could not record the escalation", exc_info=True)
    r = VoiceResponse()
    sp.say(r, key)
    return transfer(r, d, sp, esc)


@bp.post("/voice")
@_guard
def incoming_call():
    d = deps()
    call = Call.from_request(d)
    limit = RateLimit(d.redis, "call", *d.settings.call_rate_limit)
    if call.caller and limit.over(limit.hit(call.caller, d.clock())):
        # R15: never just hung up on: no conversation, but a message a person hears.
        log.info("caller over the rate limit")
        r = VoiceResponse()
        call.speaker.say(r, "too_many_calls")
        return twiml(render.voicemail(r, call.speaker, None, "leave_message"))
    reply = call.conversation.start(call.key, call.caller, request_id=call.sid)
    return twiml(call.respond(reply, greeting="greeting", offer_spanish=True))


@bp.post("/voice/handoff")
@_guard
def handoff():
    """R7: an agent hands the caller to self-service, optionally for one line."""
    call = Call.from_request(deps())
    line = (request.form.get("line") or request.args.get("line") or "").strip()[:40] or None
    reply = call.conversation.start(call.key, call.caller, line_key=line, request_id=call.sid, lang=call.lang)
    return twiml(call.respond(reply, greeting="handoff"))


@bp.post("/voice/menu")
@_guard
def menu():
    call = Call.from_request(deps())
    sub = request.args.get("m")
    confidence = speech_confidence(request.form.get("Confidence"))
    if not call.digits and unsure_speech(call.speech, confidence):
        return twiml(_unsure_speech(call, lambda reply: call.menu(sub, before=reply.prompts)))
    choice = (cancel_choice if sub == "cancel" else main_choice)(call.digits, call.speech, call.lang, confidence)
    if isinstance(choice, Intent):  # understood from speech: a journey with its slots, or "which?"
        return twiml(call.respond(call.turn(choice)))
    if choice == "agent":
        return twiml(call.to_person("caller_asked"))
    if choice == "repeat":
        return twiml(call.menu(sub))
    if choice in ("spanish", "english"):
        call.lang = "es" if choice == "spanish" else "en"
        reply = call.conversation.set_language(call.key, call.caller, call.lang)
        return twiml(call.menu(None, before=[Prompt("spanish_chosen")] if call.lang == "es" else []))
    if choice == "cancel_menu":
        return twiml(call.menu("cancel"))
    if choice is None:
        reply = call.turn(intents.UNCLEAR)
        if reply.offer_person:
            return twiml(call.to_person("failed_inputs", before=reply.prompts))
        return twiml(call.menu(sub, before=reply.prompts))
    journey = "troubleshoot" if choice == "problems" else choice
    return twiml(call.respond(call.turn(intents.journey(journey))))


@bp.post("/voice/input")
@_guard
def step():
    call = Call.from_request(deps())
    expect = request.args.get("expect", "command")
    if call.digits == "0" or wants_agent(call.speech, call.lang):
        return twiml(call.to_person("caller_asked"))
    if wants_repeat(call.digits, call.speech, call.lang):
        return twiml(call.respond(call.conversation.repeat(call.key)))
    confidence = speech_confidence(request.form.get("Confidence"))
    if not call.digits and unsure_speech(call.speech, confidence):
        return twiml(_unsure_speech(call, call.respond))
    # The clarifying question's offers, so that "the line" picks the one that names it.
    state = call.conversation.store.load(call.key) if expect == EXPECT_WHICH else None
    options = state.slots.get("options") if state is not None and state.step == EXPECT_WHICH else None
    return twiml(call.respond(call.turn(answer(expect, call.digits, call.speech, call.lang, options=options,
                                                 confidence=confidence))))


def _unsure_speech(call: Call, again) -> VoiceResponse:
    """Speech the recogniser was itself unsure of (issue 11): not acted on, counted as an
    unusable input (R15); asked again once ("didn't catch that"), then the keypad offered."""
    before = call.conversation.store.load(call.key)
    note(understanding="low_speech_confidence")
    reply = call.turn(intents.UNCLEAR)
    if reply.offer_person:
        return call.to_person("failed_inputs", before=reply.prompts)
    first = before is None or before.failed == 0
    prompts = list(reply.prompts)
    for i, p in enumerate(prompts):
        if p.key == "unusable":  # a step's question follows: "didn't catch that", then "use your keypad"
            prompts[i] = Prompt("speech_again" if first else "speech_keys")
            break
        if p.key == "unknown_command" and not first:  # the menu, which lists its keys
            prompts[i] = Prompt("speech_keys")
            break
    return again(Reply(prompts, reply.expect, lang=reply.lang))


@bp.post("/voice/agent")
@_guard
def agent():
    return twiml(Call.from_request(deps()).to_person(request.args.get("reason", "caller_asked")))


@bp.post("/voice/whisper")
def whisper():
    """Said to the agent when they answer, before the caller is connected (R15)."""
    d = deps()
    esc = services.escalation(d.db, _esc_id())
    r = VoiceResponse()
    if esc is None:
        r.say("A caller from the support line.")
        return twiml(r)
    services.update_escalation(d.db, esc["id"], outcome="agent_answered", now=d.clock())
    r.say(whisper_text(esc["context"] or {}, esc["caller"], d.settings.brand_name))
    return twiml(r)


@bp.post("/voice/dial-status")
def dial_status():
    """The <Dial> ended: connected and done, or busy / no answer / failed → voicemail."""
    d = deps()
    status = (request.form.get("DialCallStatus") or "").strip()[:20] or "unknown"
    esc_id = _esc_id()
    r = VoiceResponse()
    if status == "completed":
        services.update_escalation(d.db, esc_id, outcome="connected", now=d.clock())
        r.hangup()
        return twiml(r)
    services.update_escalation(d.db, esc_id, outcome=f"agent_{status.replace('-', '_')}", now=d.clock())
    render.voicemail(r, render.Speaker(d.settings.brand_name, call_language()), esc_id, "agent_unavailable")
    return twiml(r)


@bp.post("/voice/voicemail")
def voicemail():
    d = deps()
    url = (request.form.get("RecordingUrl") or "").strip()[:500]
    r = VoiceResponse()
    if (request.form.get("Digits") or "").strip() == "*":  # a call back instead (ivr.callbacks)
        lang = call_language()
        r.redirect(url_for("callbacks.callback", esc=_esc_id(), do="start", lang=lang if lang != "en" else None))
        return twiml(r)
    sp = render.Speaker(d.settings.brand_name, call_language())
    seconds = (request.form.get("RecordingDuration") or "").strip()
    if url and seconds.isdigit() and int(seconds) >= 1:  # a silent recording is no message
        esc = _esc_id()
        if esc is None:  # a message left without a transfer first (a caller over the rate limit)
            esc = services.escalate(d.db, reason="voicemail", context={"verified": False}, now=d.clock(),
                                    req=services.Request(channel="voice", caller=(request.form.get("From") or "")[:40],
                                                         request_id=(request.form.get("CallSid") or "")[:64] or None))
        services.update_escalation(d.db, esc, outcome="voicemail", now=d.clock(), recording_url=url)
        sp.say(r, "voicemail_thanks")
    else:
        sp.say(r, "voicemail_none" if _esc_id() is not None else "voicemail_nothing")
    r.hangup()
    return twiml(r)


def _esc_id() -> int | None:
    raw = request.args.get("esc", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None
