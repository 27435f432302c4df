"""``POST /sms/fallback``: the number's SmsFallbackUrl, which Twilio calls when ``/sms`` failed
or timed out (with ``ErrorCode`` and ``ErrorUrl``). It works with the database and Redis down:
nothing on its path touches either. The sender gets one short apology with the support
number, in the language their words show (both, short, when they don't).

A consent word (R16) gets no apology: Twilio has answered its own keywords (STOP, START,
HELP…) already, and "sorry, try again later" is no answer to "stop texting me". The opt-out
itself must not be lost, so it is recorded in the database after the answer has gone, in a
thread of its own (a hung database costs a connect attempt seconds long; the answer never
waits for it), logged when it fails. The failure is logged with Twilio's ErrorCode, ErrorUrl
and the MessageSid, never the message's words.
"""

from __future__ import annotations

import threading

import structlog
from flask import request
from twilio.twiml.messaging_response import MessagingResponse

from core import services
from sms import replies
from sms.keywords import clean, language_of
from core import languages
from vocabulary import LANGUAGES, fold, vocabulary
from web.deps import deps
from web.twilio import EMPTY, twiml, twilio_blueprint

log = structlog.get_logger("switchboard.fallback")

bp = twilio_blueprint("sms_fallback", __name__, on_error=lambda _exc: EMPTY)


def _sid() -> str | None:
    form = request.form
    return "".join(ch for ch in (form.get("MessageSid") or form.get("SmsSid") or "") if ch.isalnum())[:64] or None


@bp.post("/sms/fallback")
def sms_fallback():
    d = deps()
    form = request.form
    sid = _sid()
    log.error("twilio_fallback", channel="sms", error_code=(form.get("ErrorCode") or "")[:10] or None,
              error_url=(form.get("ErrorUrl") or "")[:300] or None, message_sid=sid)
    text = clean(form.get("Body") or "")
    consent, lang = _consent_word(text)
    sender = (form.get("From") or "").strip()[:40]
    if consent is not None:
        if consent != "help" and sender:
            threading.Thread(target=_record_consent, args=(d, sender, consent == "opt_out", sid),
                             name="fallback-consent", daemon=True).start()
        return twiml(EMPTY)
    lang = lang or language_of(text)
    values = {"number": d.settings.support_number}
    brand = d.settings.brand_name
    r = MessagingResponse()
    said_in = (lang,) if languages.known(lang) else languages.CODES  # unknown: in every language
    r.message("\n".join(replies.render("fallback", values, brand=brand, lang=code) for code in said_in))
    return twiml(r)


def _consent_word(text: str) -> tuple[str | None, str | None]:
    """A message that is only a consent or HELP word (R16), matched exactly as sms.keywords
    matches them, without the understanding model: (kind, language); else (None, the language
    of the command it begins with, if any)."""
    folded = fold(text)
    for lang in LANGUAGES:
        words = vocabulary(lang)
        for kind in ("opt_out", "opt_in", "help"):
            # (A YES may be someone confirming: it gets the apology, so they know it didn't go.)
            if folded and folded in getattr(words, kind) and not (kind == "opt_in" and folded in words.yes):
                return kind, lang
    head = folded.split()
    for lang in LANGUAGES:
        if any(tuple(head[:len(cmd)]) == cmd for cmd, _ in vocabulary(lang).commands):
            return None, lang
    return None, None


def _record_consent(d, sender: str, opted_out: bool, sid: str | None) -> None:
    try:
        services.set_opt_out(d.db, sender, opted_out, now=d.clock(),
                             req=services.Request(channel="sms", request_id=sid, caller=sender))
    except Exception:  # noqa: BLE001 - the database is likely what failed /sms
        log.error("fallback_consent_not_recorded", message_sid=sid, opted_out=opted_out, exc_info=True)
