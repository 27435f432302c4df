"""Who answers consent words (R16): ``OPT_OUT_MANAGED_BY``.

- ``app`` (the default): the app answers STOP / START / HELP itself (sms.channel), as always.
- ``twilio``: Twilio answers them (its default handling on long codes and toll-free numbers,
  or a Messaging Service's Advanced Opt-Out with R16's Spanish words) and still forwards the
  message. The app then answers nothing to them (an empty ``<Response/>``, so no second reply)
  but mirrors the state in the database, so that it never queues a text Twilio would refuse
  (21610) and never holds back one Twilio would deliver.

What Twilio did is read from the inbound ``OptOutType`` parameter (STOP, START or HELP), which
Twilio sends only for numbers in a Messaging Service with Advanced Opt-Out: for a text through
TWILIO_MESSAGING_SERVICE_SID (whose Advanced Opt-Out the README has the operator turn on) it is
the whole truth, its absence meaning Twilio did nothing. Otherwise Twilio's default keywords
tell, which it matches only as the whole message. Anything else (R16's plain-language "stop
texting me", a Spanish word Twilio wasn't given) Twilio did not act on: the app does, as with
``app``; but only Twilio opts a number back in: an opt-in word it did not act on, from a
number that is opted out, changes nothing (Twilio would still refuse every text to it). A YES
(or SÍ) from a number that is not opted out is a confirmation (R18), not consent: the
conversation answers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from core import languages, services
from sms.keywords import Parsed, clean
from vocabulary import fold, vocabulary

# R16: opt-out words that may have been meant for the plans ("CANCEL ALL"): the confirmation
# says, in the same text, how to cancel plans, and nothing is cancelled.
MAY_MEAN_PLANS = frozenset({"cancel all", "stop all", "end all", "cancel everything", "stop everything",
                            "end everything", "cancelar todo", "cancelarlo todo", "parar todo", "alto todo"})


def may_mean_plans(text: str | None) -> bool:
    return fold(clean(text or "")) in MAY_MEAN_PLANS


# Twilio's default keywords (folded), matched when they are the whole message.
TWILIO_DEFAULT = {**dict.fromkeys(("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"),
                                  "STOP"),
                  **dict.fromkeys(("start", "unstop", "yes"), "START"),
                  **dict.fromkeys(("help", "info"), "HELP")}
AS_PARSED = {"STOP": "opt_out", "START": "opt_in", "HELP": "help"}


@dataclass(frozen=True)
class TwilioAnswered:
    kind: str  # STOP, START or HELP: what Twilio did with the message (None: nothing)
    parsed: Parsed | None  # the message as the app must mirror it (None: nothing to mirror)


def answered_by_twilio(d, form: Mapping[str, str], parsed: Parsed) -> TwilioAnswered | None:
    """Twilio answered this message itself (OPT_OUT_MANAGED_BY=twilio): what it did."""
    if d.settings.opt_out_managed_by != "twilio":
        return None
    kind = (form.get("OptOutType") or "").strip().upper()
    service = d.settings.twilio_messaging_service_sid
    advanced = bool(service) and (form.get("MessagingServiceSid") or "").strip() == service
    if kind not in AS_PARSED:
        kind = None if advanced else TWILIO_DEFAULT.get(fold(clean(form.get("Body") or "")))
    sender = (form.get("From") or "").strip()[:40]
    if kind is None:
        if parsed.kind == "opt_in" and sender and services.is_opted_out(d.db, sender):
            return TwilioAnswered(None, None)  # Twilio kept them opted out: so does the app
        return None
    folded = fold(parsed.text)
    if kind == "START" and any(folded in vocabulary(lang).yes for lang in languages.CODES):
        if not sender or not services.is_opted_out(d.db, sender):
            return None  # a confirmation (R18): the conversation's
    return TwilioAnswered(kind, Parsed(AS_PARSED[kind], text=parsed.text, lang=parsed.lang))
