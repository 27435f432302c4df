"""POST /voice and every later step of a call; each view reads the form, makes one call into
the conversation (or the escalation service) and renders TwiML (ivr.render)."""

from __future__ import annotations

import logging

from flask import current_app, request, url_for
from sqlalchemy.exc import DBAPIError, OperationalError
from twilio.twiml.voice_response import VoiceResponse

from core import intents, languages, services, turns
from core.conversation import ConversationUnavailable
from core.limits import PinLimitUnavailable, RateLimit
from core.reply import EXPECT_FIX, Prompt, Reply
from core.turns import Interpretation
from ivr import render
from ivr.call import Call, call_language, transfer
from web.observe import note
from ivr.prompts import WHISPER_ACCEPT, WHISPER_UNKNOWN, whisper as whisper_text
from web.deps import deps
from web.twilio import twiml, twilio_blueprint

log = logging.getLogger("switchboard.ivr")


def _apology(_exc: Exception) -> VoiceResponse:
    """Any internal error: an apology and the way to a person (R15), never Twilio's
    "application error"."""
    return _say_and_transfer("error", "error")


def _end_the_agents_leg(_exc: Exception) -> VoiceResponse:
    """An error on the agent's leg of a transfer (the whisper: a <Number url> document, where
    <Dial> is not allowed): the leg ends, and the caller's <Dial action> takes them to the
    voicemail."""
    r = VoiceResponse()
    r.hangup()
    return r


bp = twilio_blueprint("ivr", __name__, on_error=_apology)
agent_leg = twilio_blueprint("agent_leg", __name__, on_error=_end_the_agents_leg)


def _guard(handler):
    """Redis or the database down mid-call: say what is known and hand over to a person,
    with nothing half-done (R15)."""
    def wrapped(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except (ConversationUnavailable, PinLimitUnavailable):
            log.warning("Redis unavailable during a call", exc_info=True)
            return twiml(_say_and_transfer("unavailable", "redis_unavailable"))
        except services.NotApplied as exc:
            log.warning("database failed before a change committed", exc_info=True)
            # Unreachable (the connection itself failed): not tried again for the escalation.
            unreachable = isinstance(exc.__cause__, OperationalError)
            return twiml(_say_and_transfer("not_applied", "database_error", database_down=unreachable))
        except services.OutcomeUnknown:
            log.error("database failed while committing", exc_info=True)
            return twiml(_say_and_transfer("outcome_unknown", "database_error"))
        except DBAPIError:
            log.warning("database unavailable during a call", exc_info=True)
            return twiml(_say_and_transfer("unavailable", "database_error", database_down=True))
    wrapped.__name__ = handler.__name__
    return wrapped


def _say_and_transfer(key: str, reason: str, *, database_down: bool = False) -> VoiceResponse:
    """Say what is known, then hand over to a person. The escalation record is best effort
    (with the conversation's context when Redis answers, without it when only the database
    does, none when neither): the failing part may be what it needs. A database that could
    not be reached is not tried again (each try may wait for its connect timeout: Twilio's
    15 s are for the caller), and one that failed once is not tried a second time."""
    d = current_app.extensions["switchboard"]
    form = request.form
    req = services.Request(channel="voice", request_id=(form.get("CallSid") or "")[:64] or None,
                           caller=(form.get("From") or "")[:40] or None)
    esc = None
    sp = render.Speaker.of(d.settings, call_language())
    if not database_down:
        try:
            call = Call.from_request(d)
            esc = call.conversation.escalate(call.key, call.caller, reason, request_id=call.sid).escalation_id
        except (DBAPIError, services.NotApplied, services.OutcomeUnknown):
            log.warning("could not record the escalation", exc_info=True)
        except Exception:  # noqa: BLE001 - Redis may be what failed: the database alone then
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
    """A menu's answer (``m``: none for the main menu, ``cancel``, ``more``, ``next`` for
    "anything else?", ``steps`` for the offer to text Apple's steps)."""
    call = Call.from_request(deps())
    sub = request.args.get("m")
    sub = sub if sub in render.MENUS or sub == "steps" else None
    got = call.interpret(turns.menu_expect(sub))
    if sub == "steps":
        return twiml(_steps(call, got))
    if got.act == turns.LANGUAGE and call.speech and sub is None:
        return twiml(_spoken_in(call, got, lambda: call.interpret(turns.menu_expect(sub)),
                                lambda again: MENU_ACTS.get(again.act, _menu_miss)(call, sub, again)))
    if got.unsure_speech:
        return twiml(_unsure_speech(call, lambda reply: call.menu(sub, before=reply.prompts, miss=1)))
    return twiml(MENU_ACTS.get(got.act, _menu_miss)(call, sub, got))


def _menu_request(call: Call, sub, got: Interpretation) -> VoiceResponse:
    asked_for_help = got.intent.kind == "journey" and got.intent.value == "troubleshoot"
    return call.respond(_plain_fix(call.turn(got.intent), asked_for_help))


def _menu_language(call: Call, sub, got: Interpretation) -> VoiceResponse:
    call.lang = got.value
    call.conversation.set_language(call.key, call.caller, call.lang)
    chosen = languages.get(call.lang)
    before = [] if chosen is languages.DEFAULT else \
        [Prompt(p) for p in (chosen.chosen_prompt, languages.DEFAULT.offer_prompt) if p]
    return call.menu(None, before=before)


def _menu_open(call: Call, sub, got: Interpretation) -> VoiceResponse:
    call.conversation.understood(call.key)  # a usable key: misses before it don't add up (R15)
    return call.menu(got.value)


def _menu_miss(call: Call, sub, got: Interpretation) -> VoiceResponse:
    reply = call.turn(intents.UNCLEAR)
    if reply.offer_person:
        return call.to_person("failed_inputs", before=reply.prompts)
    return call.menu(sub, before=reply.prompts, miss=call.misses())


def _menu_turn(call: Call, sub, got: Interpretation) -> VoiceResponse:
    """An act the conversation answers (a forgotten PIN, a question: R21, R24)."""
    return call.respond(call.turn(got.intent))


def _spoken_in(call: Call, got: Interpretation, again, act) -> VoiceResponse:
    """R20: speech in the other language switches the call to it (its prompts and its speech
    recognition) with one short line, and the same words are then acted on in it."""
    call.lang = got.value
    heard = again()
    if heard.act == turns.LANGUAGE:  # "en español", "no hablo inglés": the switch was all
        call.lang = heard.value or call.lang
        return act(heard)
    response = act(heard)
    return _first(call, response, Prompt("language_switched"))


def _first(call: Call, response: VoiceResponse, prompt: Prompt) -> VoiceResponse:
    """``response`` with ``prompt`` said before anything else."""
    r = VoiceResponse()
    call.speaker.say(r, prompt.key, prompt.values)
    for child in list(response.verbs):
        r.append(child)
    return r


MENU_ACTS = {
    turns.REQUEST: _menu_request,
    turns.STATEMENT: lambda call, sub, got: (_menu_request if got.intent.kind == "journey" else _menu_turn)(
        call, sub, got),  # a statement about a change: the offer in one line (R24)
    # "no", "wait", "I don't know" at the menu: nothing to end, nothing to open; the menu again
    turns.NO: lambda call, sub, got: call.menu(sub),
    turns.HESITATION: lambda call, sub, got: call.menu(sub),
    turns.DONT_KNOW: lambda call, sub, got: call.menu(sub),
    turns.FORGOT_PIN: _menu_turn,
    turns.QUESTION: lambda call, sub, got: (_menu_request if got.intent.kind == "journey" else _menu_turn)(
        call, sub, got),
    turns.PERSON: lambda call, sub, got: call.to_person("caller_asked"),
    turns.REPEAT: lambda call, sub, got: call.menu(sub),
    turns.HELP: lambda call, sub, got: call.menu(sub),  # "help", "the menu": the menu is what the bot can do
    turns.GREETING: lambda call, sub, got: call.menu(sub),  # the menu is what the bot can do
    # "stop texting me" on a call (R16): texts stop with STOP by text; caller ID alone opts no one out
    turns.OPT_OUT: lambda call, sub, got: call.menu(sub, before=[Prompt("opt_out_by_voice")]),
    turns.THANKS: lambda call, sub, got: call.menu(sub),
    turns.LANGUAGE: _menu_language,
    turns.MENU: _menu_open,
    turns.GOODBYE: lambda call, sub, got: render.goodbye(call.speaker),
    turns.UNCLEAR: _menu_miss,
}


def _plain_fix(reply: Reply, asked_for_help: bool) -> Reply:
    """A fix asked for from the menu (troubleshooting) is said alone: "if you still want to
    cancel…" belongs to a cancellation's offer (R11), not here."""
    if asked_for_help:
        reply.prompts = [Prompt("fix_steps", p.values) if p.key == "fix_guidance" else p for p in reply.prompts]
    return reply


def _steps(call: Call, got: Interpretation) -> VoiceResponse:
    """The answer to "we can text these steps": 1 or yes texts Apple's steps to the line's own
    number (once, however often asked: core.instructions); anything else goes on."""
    if got.act == turns.PERSON:
        return call.to_person("caller_asked")
    if got.act != turns.YES:
        return call.menu("next")
    said, texted = call.text_apple_steps()
    note(step="steps", outcome=said, lang=call.lang)
    values = {"number": texted.number} if texted is not None and texted.number else {}
    return call.menu("next", before=[Prompt(said, values)])


@bp.post("/voice/input")
@_guard
def step():
    call = Call.from_request(deps())
    expect = request.args.get("expect", "command")
    # What the question offered, so that "the line" or a listed plan's name is the answer.
    state = call.read_state() if expect in turns.OFFERING_STEPS else None
    options = turns.offered(state, expect)
    got = call.interpret(expect, options)
    if got.act == turns.LANGUAGE and call.speech:
        return twiml(_spoken_in(call, got, lambda: call.interpret(expect, options),
                                lambda again: _step_act(call, again, expect)))
    return twiml(_step_act(call, got, expect))


def _step_act(call: Call, got: Interpretation, expect: str) -> VoiceResponse:
    """What one act at a step of the call does."""
    if got.act == turns.PERSON:
        return call.to_person("caller_asked")
    if got.act == turns.REPEAT:
        return call.respond(call.conversation.repeat(call.key))
    if got.act == turns.OPT_OUT:  # "stop texting me" said at a step (R16): how texts stop, then the step again
        again = call.conversation.repeat(call.key)
        return call.respond(Reply([Prompt("opt_out_by_voice")] + again.prompts, again.expect, lang=again.lang))
    if got.unsure_speech:
        return _unsure_speech(call, call.respond)
    if got.act == turns.GOODBYE:
        call.turn(got.intent)
        return render.goodbye(call.speaker)  # voice: goodbye, and the call ends
    return call.respond(_plain_fix(call.turn(got.intent), expect == EXPECT_FIX))


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


@agent_leg.post("/voice/whisper")
def whisper():
    """The agent's side of a transfer (R15), before the caller is connected (Twilio runs a
    <Number url> document on the called party's leg once they answer): who is calling, in
    plain words, then "press 1 to take this call", asked twice. 1 connects them
    (``whisper_accept``); no key (their own voicemail answered) or another key hangs up the
    agent's leg, so the <Dial> ends without connecting and the caller reaches our voicemail."""
    d = deps()
    esc_id = _esc_id()
    try:
        esc = services.escalation(d.db, esc_id)
    except Exception:  # noqa: BLE001 - the agent can still take the call, told less
        log.warning("escalation unavailable for the whisper", exc_info=True)
        esc = None
    sp = render.Speaker.of(d.settings, languages.DEFAULT_CODE)  # the agents' language
    r = VoiceResponse()
    said = whisper_text(esc["context"] or {}, esc["caller"], d.settings.brand_name) if esc else WHISPER_UNKNOWN
    accept = url_for("agent_leg.whisper_accept", esc=esc_id)
    first = r.gather(action=accept, input="dtmf", num_digits=1, timeout=5)
    sp.say_text(first, said)
    sp.say_text(first, WHISPER_ACCEPT)
    sp.say_text(r.gather(action=accept, input="dtmf", num_digits=1, timeout=5), WHISPER_ACCEPT)
    r.hangup()
    return twiml(r)


@agent_leg.post("/voice/whisper/accept")
def whisper_accept():
    """1: the agent takes the call (an empty document: Twilio connects the two legs); any
    other key: the agent's leg ends, as with no key."""
    d = deps()
    r = VoiceResponse()
    if (request.form.get("Digits") or "").strip() != "1":
        r.hangup()
        return twiml(r)
    # Kept for the caller's <Dial action> under the caller's call (ParentCallSid), in Redis and
    # on the escalation, each best effort: either one tells dial_status a person took it.
    parent = "".join(ch for ch in (request.form.get("ParentCallSid") or "") if ch.isalnum())[:64]
    if parent:
        try:
            d.redis.set(f"{ACCEPTED}:{parent}", "1", ex=6 * 3600)
        except Exception:  # noqa: BLE001 - the escalation below may still keep it
            log.warning("could not keep the agent's acceptance in Redis", exc_info=True)
    try:
        services.update_escalation(d.db, _esc_id(), outcome="agent_answered", now=d.clock())
    except Exception:  # noqa: BLE001 - the agent still takes the call
        log.warning("could not keep the agent's acceptance on the escalation", exc_info=True)
    return twiml(r)


ACCEPTED = "sb:agent-accepted"


def _accepted_here() -> bool:
    sid = "".join(ch for ch in (request.form.get("CallSid") or "") if ch.isalnum())[:64]
    try:
        return bool(sid) and deps().redis.get(f"{ACCEPTED}:{sid}") is not None
    except Exception:  # noqa: BLE001 - unknown: not taken
        return False


@bp.post("/voice/dial-status")
def dial_status():
    """The <Dial> ended: connected and done, or busy / no answer / failed / not taken →
    voicemail. Connected means the agent pressed 1: a "completed" dial whose agent never
    accepted (their voicemail picked up) is not a person reached."""
    d = deps()
    status = (request.form.get("DialCallStatus") or "").strip()[:20] or "unknown"
    esc_id = _esc_id()
    esc = services.escalation(d.db, esc_id)
    # Pressed 1 (whisper_accept): known from the escalation or from Redis; unknown is not taken.
    accepted = bool(esc and esc["outcome"] in ("agent_answered", "connected")) or _accepted_here()
    r = VoiceResponse()
    if status == "completed" and accepted:
        services.update_escalation(d.db, esc_id, outcome="connected", now=d.clock())
        r.hangup()
        return twiml(r)
    not_taken = "no_answer" if status == "completed" else status.replace("-", "_")
    services.update_escalation(d.db, esc_id, outcome=f"agent_{not_taken}", now=d.clock())
    render.voicemail(r, render.Speaker.of(d.settings, call_language()), esc_id, "agent_unavailable")
    return twiml(r)


@bp.post("/voice/voicemail")
def voicemail():
    d = deps()
    url = (request.form.get("RecordingUrl") or "").strip()[:500]
    r = VoiceResponse()
    if (request.form.get("Digits") or "").strip() == "*":  # a call back instead (ivr.callbacks)
        lang = call_language()
        r.redirect(url_for("callbacks.callback", esc=_esc_id(), do="start", lang=lang if lang != languages.DEFAULT_CODE else None))
        return twiml(r)
    sp = render.Speaker.of(d.settings, call_language())
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
