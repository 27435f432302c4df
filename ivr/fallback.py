"""``POST /voice/fallback``: the number's VoiceFallbackUrl, which Twilio calls when a voice
webhook failed or timed out (with ``ErrorCode`` and ``ErrorUrl``). It works with the database
and Redis down: nothing on its path touches either (settings and the clock only) until the
caller has left a message, whose saving may fail, and then says so.

The caller hears a short apology, then a person (a <Dial> to SUPPORT_NUMBER while support is
open) or the voicemail. In Spanish when the failed URL says the call was (``lang=es``), in
English when it says English, in both when it can't tell (the greeting's own URL: the caller
had not chosen yet). The failure is logged with Twilio's ErrorCode, ErrorUrl and the CallSid,
never what was keyed or said.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import structlog
from flask import request, url_for
from twilio.twiml.voice_response import VoiceResponse

from core import languages, services
from ivr.call import support_open
from ivr.render import Speaker
from web.deps import deps
from web.twilio import twiml, twilio_blueprint

log = structlog.get_logger("switchboard.fallback")
LANGUAGES = languages.CODES
BOTH = languages.CODES  # unknown: every language, the default one first
# Where a call starts: a failure there tells nothing of the caller's language.
FIRST_URLS = ("/voice", "/voice/handoff")
WHISPER = "A caller from the support line. The bot was unavailable, so nothing is known about them yet."


def _last_resort(_exc: Exception) -> VoiceResponse:
    r = VoiceResponse()
    r.say("Sorry, something went wrong on our side. Please call again later.", language=languages.DEFAULT.locale)
    r.hangup()
    return r


bp = twilio_blueprint("voice_fallback", __name__, on_error=_last_resort)


def _langs() -> tuple[str, ...]:
    """The languages to speak: this URL's own ``lang`` (our later steps carry it; absent there
    means both), else the failed URL's."""
    own = request.args.get("lang")
    if own in LANGUAGES:
        return (own,)
    if request.path != "/voice/fallback":
        return BOTH
    failed = urlsplit((request.form.get("ErrorUrl") or "")[:500])
    lang = (parse_qs(failed.query).get("lang") or [""])[0]
    if lang in LANGUAGES:
        return (lang,)
    known = failed.path.startswith("/voice/") and failed.path not in FIRST_URLS
    return (languages.DEFAULT_CODE,) if known else BOTH


def _url(endpoint: str, langs: tuple[str, ...]) -> str:
    return url_for(endpoint, lang=langs[0] if len(langs) == 1 else None)


def _say(r, langs: tuple[str, ...], key: str) -> None:
    brand = deps().settings.brand_name
    for lang in langs:
        Speaker(brand, lang).say(r, key)


def _leave_a_message(r: VoiceResponse, langs: tuple[str, ...], key: str) -> VoiceResponse:
    _say(r, langs, key)
    r.record(action=_url("voice_fallback.voicemail", langs), max_length=120, finish_on_key="#",
             play_beep=True, timeout=5)
    _say(r, langs, "voicemail_nothing")  # the <Record> ended without a message
    r.hangup()
    return r


def _sid(name: str) -> str | None:
    return "".join(ch for ch in (request.form.get(name) or "") if ch.isalnum())[:64] or None


@bp.post("/voice/fallback")
def voice_fallback():
    d = deps()
    form = request.form
    log.error("twilio_fallback", channel="voice", error_code=(form.get("ErrorCode") or "")[:10] or None,
              error_url=(form.get("ErrorUrl") or "")[:300] or None, call_sid=_sid("CallSid"))
    langs = _langs()
    r = VoiceResponse()
    _say(r, langs, "fallback_sorry")
    if support_open(d):
        _say(r, langs, "connecting")
        dial = r.dial(action=_url("voice_fallback.after_dial", langs), timeout=25)
        dial.number(d.settings.support_number, url=url_for("voice_fallback.whisper"))
        return twiml(r)
    return twiml(_leave_a_message(r, langs, "fallback_leave_message"))


@bp.post("/voice/fallback/whisper")
def whisper():
    """Said to the agent who answers, before the caller is connected."""
    r = VoiceResponse()
    r.say(WHISPER, language=languages.DEFAULT.locale)
    return twiml(r)


@bp.post("/voice/fallback/dial")
def after_dial():
    """The <Dial> ended: done, or nobody answered → the voicemail."""
    r = VoiceResponse()
    if (request.form.get("DialCallStatus") or "") == "completed":
        r.hangup()
        return twiml(r)
    langs = _langs()
    _say(r, langs, "fallback_no_answer")
    return twiml(_leave_a_message(r, langs, "fallback_leave_message"))


@bp.post("/voice/fallback/voicemail")
def voicemail():
    """The message is Twilio's recording; keeping it for the console needs the database. Only
    "saved" when it was."""
    d = deps()
    form = request.form
    langs = _langs()
    url = (form.get("RecordingUrl") or "").strip()[:500]
    seconds = (form.get("RecordingDuration") or "").strip()
    r = VoiceResponse()
    if not (url and seconds.isdigit() and int(seconds) >= 1):
        _say(r, langs, "voicemail_nothing")
        r.hangup()
        return twiml(r)
    req = services.Request(channel="voice", request_id=_sid("CallSid"), caller=(form.get("From") or "")[:40] or None)
    try:
        esc = services.escalate(d.db, reason="voicemail", now=d.clock(), req=req,
                                context={"verified": False, "bot_unavailable": True,
                                         "lang": langs[0] if len(langs) == 1 else None})
        services.update_escalation(d.db, esc, outcome="voicemail", now=d.clock(), recording_url=url)
    except Exception:  # noqa: BLE001 - the database is likely what failed the call in the first place
        log.error("fallback_voicemail_not_saved", call_sid=req.request_id, recording_sid=_sid("RecordingSid"),
                  exc_info=True)
        _say(r, langs, "fallback_not_saved")
    else:
        _say(r, langs, "voicemail_thanks")
    r.hangup()
    return twiml(r)
