"""An incoming text, end to end: de-duplicate (R13), consent (R16), HELP, then the shared
conversation; the answer is a list of message texts (empty: silence)."""

from __future__ import annotations

import logging
from typing import Mapping

import redis
from sqlalchemy.exc import DBAPIError

from core import languages, services
from core.conversation import Conversation, ConversationUnavailable, RedisConversations
from core.dedupe import TAKEN_OVER, Dedupe, DedupeUnavailable
from core.limits import PinLimitUnavailable, RateLimit
from sms import replies
from sms.consent import answered_by_twilio
from sms.gsm import fit
from sms.keywords import intent_of, parse
from web.deps import Deps
from web.observe import note

log = logging.getLogger("switchboard.sms")
# Replies whose own words already name the way to a person (AGENT): not said twice.
OFFER_A_PERSON = frozenset({"agent", "pin_locked", "last_try", "code_limit", "code_opted_out"})

# A sender texting faster than SMS_RATE_LIMIT gets one "slow down" and then silence for
# the rest of the window; consent words (R16) are always honoured.


def conversation_for(d: Deps) -> Conversation:
    brand = d.settings.brand_name
    return Conversation(store=RedisConversations(d.redis), db=d.db, attempts=d.attempts,
                        pin_secret=d.settings.pin_secret, clock=d.clock, channel="sms",
                        receipt=lambda kind, values, lang: replies.receipt_text(kind, values, brand=brand, lang=lang))


def handle_sms(d: Deps, form: Mapping[str, str]) -> list[str]:
    """A text's answer. With OPT_OUT_MANAGED_BY=twilio, a consent word Twilio has answered
    itself is only mirrored in the database: no second reply (sms.consent)."""
    parsed = parse(form.get("Body"))
    twilio = answered_by_twilio(d, form, parsed)
    if twilio is None:
        return _handle_sms(d, form, parsed)
    if twilio.parsed is not None:
        _handle_sms(d, form, twilio.parsed)
    return []


def _handle_sms(d: Deps, form: Mapping[str, str], parsed) -> list[str]:
    """Two Redis round trips a text: rate limit, de-duplication claim and conversation state
    read together; the new state and the answer (for retries) written together."""
    sender = (form.get("From") or "").strip()[:40]
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()[:64] or None
    say = _sayer(d, parsed.lang or languages.DEFAULT_CODE)
    if not sender:
        return say(("media_only" if form.get("NumMedia", "0") != "0" else "unknown_command", None))
    now = d.clock()
    key = f"sms:{sender}"
    dedupe = Dedupe(d.redis)
    store = RedisConversations(d.redis)
    limit = RateLimit(d.redis, "sms", *d.settings.sms_rate_limit)
    req = services.Request(channel="sms", request_id=sid, caller=sender)
    claimed = False
    try:
        try:
            pipe = d.redis.pipeline(transaction=False)
            hits = limit.hit_in(pipe, sender, now)
            claim = dedupe.claim_in(pipe, sid, now) if sid else None
            load = store.load_in(pipe, key)
            kept = services.opt_out_cache(d.db)  # R16's answer kept in Redis (core/opt_out_cache.py)
            opted_out = kept.get_in(pipe, sender) if kept is not None else None
            results = pipe.execute(raise_on_error=False)
        except redis.RedisError as exc:
            if parsed.kind in ("opt_out", "opt_in"):
                # R16 needs only the database: an opt-out is never lost to a Redis outage.
                log.warning("Redis unavailable: consent recorded without it", exc_info=True)
                consent = _consent(d, parsed, sender, req, now)
                if consent is not None:
                    return consent
            raise DedupeUnavailable(str(exc)) from exc
        count = hits(results)
        if limit.over(count):
            log.info("sender over the rate limit")
            if claim is not None and claim(results)[0]:
                dedupe.release(sid)
            if parsed.kind in ("opt_out", "opt_in"):
                _consent(d, parsed, sender, req, now)  # recorded always, answered within the limit
            return say(("slow_down", None)) if count == limit.limit + 1 else []
        if claim is not None:
            new, answer = claim(results)
            if not new:
                log.info("repeated MessageSid %s: answered as before", sid)
                return answer or []
            claimed = True
        conversation = conversation_for(d)
        recalled = conversation.recall(sid) if claim is not None and answer is TAKEN_OVER else None
        if recalled is not None:
            # The first handler died after its change committed: its answer, from the database.
            messages = fit(_sayer(d, recalled.lang)(*[(p.key, p.values) for p in recalled.prompts]))
            dedupe.remember(sid, messages)
            return messages
        state = load(results)
        messages = _answer(d, conversation, key, sender, req, form, parsed, state, now,
                           opted_out=opted_out(results) if opted_out is not None else ...)
        remember = (lambda p: dedupe.remember_in(p, sid, messages)) if sid else None
        if conversation.has_deferred_save:
            conversation.save_deferred(also=remember)
        elif sid:
            dedupe.remember(sid, messages)
        return messages
    except (ConversationUnavailable, DedupeUnavailable, PinLimitUnavailable):
        log.warning("Redis unavailable while answering a text", exc_info=True)
        if _opted_out_in_database(d, sender):
            return []  # R16, from the database alone
        if parsed.kind == "command" and parsed.action == "agent":
            # The way to a person needs only the database (R15).
            esc = services.escalate(d.db, reason="caller_asked", context={"verified": False,
                                    "note": "conversation state unavailable"}, now=now, req=req)
            return say(("agent", {"ref": esc}))
        return say(("unavailable", None))
    except services.NotApplied:
        log.warning("database failed before a change committed", exc_info=True)
        return _release(dedupe, sid, claimed, say(("not_applied", None)))
    except services.OutcomeUnknown:
        log.error("database failed while committing", exc_info=True)
        return _release(dedupe, sid, claimed, say(("outcome_unknown", None)))
    except DBAPIError:
        log.warning("database unavailable while answering a text", exc_info=True)
        return _release(dedupe, sid, claimed, say(("unavailable", None)))
    except Exception:
        if claimed:
            dedupe.release(sid)
        raise


def _opted_out_in_database(d: Deps, sender: str) -> bool:
    """With Redis down: opted out, as far as the database can tell (not: it can't)."""
    try:
        return services.is_opted_out(d.db, sender, cached=None)
    except DBAPIError:
        return False


def _consent(d: Deps, parsed, sender: str, req: services.Request, now) -> list[str] | None:
    """R16 in the database alone: STOP opts out, START opts back in. None: not a consent
    matter (a YES from a number that is opted in answers the conversation)."""
    say = _sayer(d, parsed.lang or languages.DEFAULT_CODE)
    if parsed.kind == "opt_out":
        changed = services.set_opt_out(d.db, sender, True, now=now, req=req)
        return say(("opted_out", None)) if changed else []
    if services.is_opted_out(d.db, sender):
        services.set_opt_out(d.db, sender, False, now=now, req=req)
        return say(("opted_in", None))
    if intent_of(parsed, "confirm").kind != "yes":
        return say(("already_subscribed", None))
    return None  # a YES (or SÍ) that answers the conversation


def _consent_midway(conversation: Conversation, key: str, state, parsed, consent: list[str], say) -> list[str]:
    """A consent word in the middle of a request (a bare CANCEL while cancelling, R16): the
    request is dropped, not completed, and the reply says so plainly, with how to finish
    it; after a START or YES that re-subscribes, that nothing was confirmed."""
    if not consent or state is None:
        return consent
    if parsed.kind == "opt_out":
        asked = state.journey or (state.pending or {}).get("action")
        if not asked:
            return consent
        state.pending, state.queue, state.journey, state.step, state.dropped = None, [], None, "command", asked
        conversation.store.save(key, state)
        return fit(consent + say(("request_dropped", {"action": asked})))
    if not state.dropped:
        return consent
    asked, state.dropped = state.dropped, None
    conversation.store.save(key, state)
    return fit(consent + say(("nothing_confirmed", {"action": asked})))


def _sayer(d: Deps, lang: str):
    """The channel's words for (key, values) pairs, in the configured brand and the language."""
    def say(*keys_values) -> list[str]:
        return [replies.render(k, v, brand=d.settings.brand_name, lang=lang) for k, v in keys_values]
    return say


def _release(dedupe: Dedupe, sid: str | None, claimed: bool, messages: list[str]) -> list[str]:
    """Nothing was (surely) done: let Twilio's retry of this message be handled afresh."""
    if claimed and sid:
        dedupe.release(sid)
    return messages


def _answer(d: Deps, conversation: Conversation, key: str, sender: str, req: services.Request,
            form: Mapping[str, str], parsed, state, now, opted_out=...) -> list[str]:
    # The message's language, when its words tell; not where the text is data (a plan's
    # name, a number), which says nothing of the language it was typed in.
    data_step = state is not None and state.step in ("plan", "pin", "code", "target", "block_number")
    lang = (parsed.lang if parsed.kind != "text" or not data_step else None) or (state.lang if state else languages.DEFAULT_CODE)
    say = _sayer(d, lang)
    if parsed.kind in ("opt_out", "opt_in"):
        consent = _consent(d, parsed, sender, req, now)
        if consent is not None:
            return _consent_midway(conversation, key, state, parsed, consent, say)
    elif services.is_opted_out(d.db, sender, cached=opted_out):
        return []  # R16: nothing is sent to an opted-out number
    if parsed.kind == "help":
        return say(("help", None))
    if parsed.kind == "empty":
        return say(("media_only" if form.get("NumMedia", "0") not in ("", "0") else "unknown_command", None))
    # At the clarifying question, its offers (issue 11): "the line" means the one that names it.
    intent = intent_of(parsed, state.step if state else "command", lang,
                       options=state.slots.get("options") if state and state.step == "which" else None)
    reply = conversation.handle(key, sender, intent, request_id=req.request_id, state=state, defer_save=True,
                                lang=lang)
    # What was understood (label, score, runner-up), never the words: they may hold a PIN.
    note(step=reply.expect, outcome=",".join(reply.keys()), intent=intent.kind, lang=lang,
         **(parsed.understood.log() if parsed.understood else {}))
    keyed = [(p.key, p.values) for p in reply.prompts]
    if reply.offer_person and not set(reply.keys()) & OFFER_A_PERSON:
        keyed.append(("offer_person", None))
    return fit(say(*keyed))
