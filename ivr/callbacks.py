"""The voice side of the support console (issue 13), Twilio-signed like every webhook:

- ``/voice/callback``: a caller nobody could answer pressed * at the voicemail (the offer is
  said before the tone); the bot reads their number back (keypad 1 or "yes" books it, 2 asks
  for another number on the keypad) and files a call-back request (core.cases) for the queue.
- ``/voice/transcription``: Twilio's transcription of a voicemail, kept on the case.
- ``/voice/console-call``: an agent's call back (placed through Twilio's REST API by the
  console): the agent's phone answered, so they hear the whisper, then the customer is dialled.
- ``/voice/console-call-done``: what became of that call, audited on the case.

Failure behaviour: any error is answered with valid TwiML (an apology, then goodbye), never an
error page; a call-back number waiting for its confirmation lives in Redis for ten minutes,
and without Redis the caller's own number is the one read back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis
from flask import request, url_for
from twilio.twiml.voice_response import VoiceResponse

from core import cases, languages, phone, services
from core.voice_settings import Speech
from ivr.prompts import digits, whisper as whisper_text
from web.deps import deps
from web.twilio import twiml, twilio_blueprint

log = logging.getLogger("switchboard.ivr")

LANGUAGES = {lang.code: lang.locale for lang in languages.BY_CODE.values()}
MAX_TRIES = 3
PENDING_TTL = 600
YES = frozenset({"yes", "yeah", "yep", "confirm", "correct", "si", "sí", "claro", "confirmo", "correcto"})
OTHER = frozenset({"no", "another", "another number", "other", "otro", "otro número", "otro numero"})

# These belong in ivr/prompts.py's tables (English and Spanish); kept here until those tables
# are free to change.
WORDS = {
    "en": {
        "offer": "Or, to have a person call you back instead, press star.",
        "confirm": "We'll call you back at {number}. To confirm, press 1 or say yes. To give another number, press 2.",
        "ask_number": "Enter the number to call you back on, with its area code, then press pound.",
        "bad_number": "That doesn't look like a phone number.",
        "refused_number": "We can't call back premium-rate, shared-cost, international or short numbers.",
        "done": "Thank you. A person will call you back at {number}. Goodbye.",
        "none": "We couldn't take a number, so no call back is booked. Goodbye.",
        "error": "Sorry, something went wrong on our side. Goodbye.",
    },
    "es": {
        # In "tú", like every Spanish word of the bot (issue 22).
        "offer": "O, para que una persona te devuelva la llamada, oprime asterisco.",
        "confirm": "Te llamaremos al {number}. Para confirmar, oprime 1 o di sí. Para dar otro número, oprime 2.",
        "ask_number": "Marca el número al que te llamamos, con el código de área, y luego la tecla numeral.",
        "bad_number": "Ese no parece un número de teléfono.",
        "refused_number": "No podemos devolver llamadas a números de tarificación especial, de costo compartido, "
                          "internacionales ni cortos.",
        "done": "Gracias. Una persona te llamará al {number}. Adiós.",
        "none": "No pudimos tomar un número, así que no quedó pedida la llamada. Adiós.",
        "error": "Lo sentimos, algo falló de nuestro lado. Adiós.",
    },
}
# Said to the agent on a call back (the console's agents work in English).
AGENT_WORDS = {
    "intro": "A call back from the support console.",
    "connecting": "Connecting you to the customer now.",
    "no_number": "This case has no number to call. Goodbye.",
}


def _lang() -> str:
    return languages.code_or_default(request.args.get("lang"))


def _speech() -> Speech:
    try:
        return deps().settings.speech
    except Exception:  # noqa: BLE001 - the apology must be said whatever failed
        return Speech()


def _say(r, key: str, lang: str, speech: Speech | None = None, **values) -> None:
    r.say(WORDS[lang][key].format(**values), **(speech or _speech()).say(lang))


def _apology(_exc: Exception) -> VoiceResponse:
    r = VoiceResponse()
    _say(r, "error", _lang())
    r.hangup()
    return r


bp = twilio_blueprint("callbacks", __name__, on_error=_apology)


def offer(r: VoiceResponse, lang: str = languages.DEFAULT_CODE, speech: Speech | None = None) -> None:
    """Said before a voicemail's tone: * during the recording asks for a call back instead."""
    _say(r, "offer", languages.code_or_default(lang), speech)


def _esc_id() -> int | None:
    raw = request.args.get("esc", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _url(endpoint: str, **args) -> str:
    lang = _lang()
    if lang != languages.DEFAULT_CODE:
        args["lang"] = lang
    return url_for(endpoint, **{k: v for k, v in args.items() if v is not None})


def _pending_key(call_sid: str) -> str:
    return f"sb:callback:{call_sid}"


def _refused(number: str | None) -> str | None:
    """Toll fraud: a number no call back goes to (core.phone.outbound_refusal)."""
    return phone.outbound_refusal(number, deps().settings.callback_countries)


def _pending(call_sid: str, caller: str | None) -> str | None:
    try:
        found = deps().redis.get(_pending_key(call_sid))
    except redis.RedisError:
        found = None
    own = caller if caller and phone.is_e164(caller) and not _refused(caller) else None
    return found or own


def _keep(call_sid: str, number: str) -> None:
    try:
        deps().redis.set(_pending_key(call_sid), number, ex=PENDING_TTL)
    except redis.RedisError:
        log.warning("could not keep the call-back number; the caller's own is read back", exc_info=True)


def _confirm(r: VoiceResponse, esc: int | None, number: str, tries: int, lang: str) -> VoiceResponse:
    gather = r.gather(action=_url("callbacks.callback", esc=esc, do="confirm", n=tries), input="dtmf speech",
                      num_digits=1, timeout=6, hints="yes, no, another number" if lang == "en" else "sí, no, otro número",
                      **_speech().gather(lang))
    _say(gather, "confirm", lang, number=digits(number))
    r.redirect(_url("callbacks.callback", esc=esc, do="silence", n=tries))
    return r


def _ask_number(r: VoiceResponse, esc: int | None, tries: int, lang: str) -> VoiceResponse:
    gather = r.gather(action=_url("callbacks.callback", esc=esc, do="number", n=tries), input="dtmf",
                      finish_on_key="#", timeout=10)
    _say(gather, "ask_number", lang)
    r.redirect(_url("callbacks.callback", esc=esc, do="silence", n=tries))
    return r


def _give_up(r: VoiceResponse, lang: str) -> VoiceResponse:
    _say(r, "none", lang)
    r.hangup()
    return r


@dataclass(frozen=True)
class _Step:
    """One request of the call-back questions, as Twilio sent it."""

    lang: str
    esc: int | None
    sid: str
    caller: str | None
    keyed: str  # the keys pressed (digits only)
    heard: str  # what was said, folded


def _step_of(form) -> _Step:
    return _Step(lang=_lang(), esc=_esc_id(),
                 sid="".join(ch for ch in (form.get("CallSid") or "") if ch.isalnum())[:64] or "unknown",
                 caller=(form.get("From") or "").strip()[:40] or None,
                 keyed="".join(ch for ch in (form.get("Digits") or "") if ch.isdigit())[:20],
                 heard=" ".join((form.get("SpeechResult") or "").lower().strip(" .!?¡¿").split())[:100])


@bp.post("/voice/callback")
def callback():
    """One step of asking for a call back: start, confirm, number, silence. ``n`` counts the
    answers that were no use (silence, a bad number); at MAX_TRIES nothing is booked."""
    at, step = _step_of(request.form), request.args.get("do", "start")
    misses = int(request.args["n"]) if request.args.get("n", "").isdigit() else 0
    r = VoiceResponse()
    if step == "silence":
        misses += 1
    if misses >= MAX_TRIES:
        return twiml(_give_up(r, at.lang))
    if step == "number":
        return twiml(_on_number(r, at, misses))
    number = _pending(at.sid, at.caller)
    if step == "confirm":
        return twiml(_on_confirm(r, at, number, misses))
    # start, or silence: read the number back, or ask for one.
    return twiml(_confirm(r, at.esc, number, misses, at.lang) if number else _ask_number(r, at.esc, misses, at.lang))


def _on_number(r: VoiceResponse, at: _Step, misses: int) -> VoiceResponse:
    """The number keyed for the call back: kept and read back, or asked again."""
    region = phone.region_of(at.caller) if at.caller and phone.is_e164(at.caller) else "US"
    kind, number = phone.classify(at.keyed, region) if at.keyed else ("invalid_number", None)
    refused = _refused(number) if kind == "ok" and number else None
    if refused:  # a short code is no phone number at all: "bad_number" below
        kind = "refused"
    if kind != "ok" or number is None:
        if misses + 1 >= MAX_TRIES:
            return _give_up(r, at.lang)
        _say(r, "refused_number" if kind == "refused" else "bad_number", at.lang)
        return _ask_number(r, at.esc, misses + 1, at.lang)
    _keep(at.sid, number)
    return _confirm(r, at.esc, number, misses, at.lang)


def _on_confirm(r: VoiceResponse, at: _Step, number: str | None, misses: int) -> VoiceResponse:
    """The answer to "shall we call you back at …": booked, another number, or asked again."""
    if number and (at.keyed == "1" or at.heard in YES):
        d = deps()
        req = services.Request(channel="voice", request_id=at.sid, caller=at.caller)
        try:
            cases.request_callback(d.db, number=number, now=d.clock(), req=req, escalation_id=at.esc,
                                   countries=d.settings.callback_countries)
        except cases.CaseError:  # refused after all (the number kept before a settings change)
            _say(r, "refused_number", at.lang)
            return _ask_number(r, at.esc, misses + 1, at.lang)
        _say(r, "done", at.lang, number=digits(number))
        r.hangup()
        return r
    if at.keyed == "2" or at.heard in OTHER:
        return _ask_number(r, at.esc, misses, at.lang)
    misses += 1  # something else: asked again, and it counts
    if misses >= MAX_TRIES:
        return _give_up(r, at.lang)
    return _confirm(r, at.esc, number, misses, at.lang) if number else _ask_number(r, at.esc, misses, at.lang)


@bp.post("/voice/transcription")
def transcription():
    """Twilio's transcription of a voicemail (<Record transcribe="true">)."""
    d = deps()
    form = request.form
    status = (form.get("TranscriptionStatus") or "").strip()[:20] or "unknown"
    cases.record_transcription(d.db, escalation_id=_esc_id(), text=(form.get("TranscriptionText") or "").strip(),
                               status=status, now=d.clock())
    return twiml(VoiceResponse())


@bp.post("/voice/console-call")
def console_call():
    """The agent answered their phone (a call back placed by the console): the whisper, then
    the customer, from the support number they reached."""
    d = deps()
    esc = _esc_id()
    r = VoiceResponse()
    try:
        target = cases.call_target(d.db, esc) if esc is not None else None
    except cases.CaseError:
        target = None
    agent = d.settings.speech.say(languages.DEFAULT_CODE)  # the console's agents work in English
    if target is not None and target.customer and _refused(target.customer):
        target = None  # never dialled, whoever placed the call (toll fraud)
    if target is None or not target.customer:
        r.say(AGENT_WORDS["no_number"], **agent)
        r.hangup()
        return twiml(r)
    r.say(AGENT_WORDS["intro"], **agent)
    said = target.whisper
    if not said:
        found = services.escalation(d.db, esc) or {}
        said = whisper_text(found.get("context") or {}, found.get("caller"), d.settings.brand_name)
    r.say(said, **agent)
    r.say(AGENT_WORDS["connecting"], **agent)
    dial = r.dial(action=url_for("callbacks.console_call_done", esc=esc), timeout=30,
                  caller_id=target.support_line)
    dial.number(target.customer)
    return twiml(r)


@bp.post("/voice/console-call-done")
def console_call_done():
    d = deps()
    status = (request.form.get("DialCallStatus") or "").strip()[:20] or "unknown"
    cases.note_call_result(d.db, _esc_id(), status=status, now=d.clock(),
                           call_sid=(request.form.get("CallSid") or "")[:64] or None)
    r = VoiceResponse()
    r.hangup()
    return twiml(r)
