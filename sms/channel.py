"""An incoming text, end to end: de-duplicate (R13), consent (R16), HELP, then the shared
conversation; the answer is a list of message texts (empty: silence)."""

from __future__ import annotations

import logging
from typing import Mapping

import redis
from sqlalchemy.exc import DBAPIError

from core import services
from core.conversation import Command, Conversation, ConversationUnavailable, RedisConversations, Text
from core.dedupe import Dedupe, DedupeUnavailable
from core.limits import PinLimitUnavailable, RateLimit
from sms import replies
from sms.keywords import parse
from web.deps import Deps
from web.observe import note

log = logging.getLogger("switchboard.sms")

GSM7_SEGMENT = 153  # per segment of a multi-part GSM-7 message
MAX_SEGMENTS = 3
# A sender texting faster than SMS_RATE_LIMIT gets one "slow down" and then silence for
# the rest of the window; consent words (R16) are always honoured.


def conversation_for(d: Deps, channel: str, **kw) -> Conversation:
    return Conversation(store=RedisConversations(d.redis), db=d.db, attempts=d.attempts,
                        pin_secret=d.settings.pin_secret, clock=d.clock, channel=channel, **kw)


def handle_sms(d: Deps, form: Mapping[str, str]) -> list[str]:
    """Two Redis round trips a text: rate limit, de-duplication claim and conversation state
    read together; the new state and the answer (for retries) written together."""
    sender = (form.get("From") or "").strip()[:40]
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()[:64] or None
    say = _sayer(d)
    if not sender:
        return say(("media_only" if form.get("NumMedia", "0") != "0" else "unknown_command", None))
    parsed = parse(form.get("Body"))
    key = f"sms:{sender}"
    dedupe = Dedupe(d.redis)
    store = RedisConversations(d.redis)
    limit = RateLimit(d.redis, "sms", *d.settings.sms_rate_limit)
    claimed = False
    try:
        try:
            pipe = d.redis.pipeline(transaction=False)
            # Consent words (R16) are honoured whatever the rate.
            hits = limit.hit_in(pipe, sender, d.clock()) if parsed.kind not in ("opt_out", "opt_in") else None
            claim = dedupe.claim_in(pipe, sid) if sid else None
            load = store.load_in(pipe, key) if parsed.kind in ("command", "text") else None
            results = pipe.execute(raise_on_error=False)
        except redis.RedisError as exc:
            raise DedupeUnavailable(str(exc)) from exc
        if hits is not None and limit.over(hits(results)):
            log.info("sender over the rate limit")
            if claim is not None and claim(results)[0]:
                dedupe.release(sid)
            return say(("slow_down", None)) if hits(results) == limit.limit + 1 else []
        if claim is not None:
            new, answer = claim(results)
            if not new:
                log.info("repeated MessageSid %s: answered as before", sid)
                return answer or []
            claimed = True
        conversation = conversation_for(d, "sms")
        state = load(results) if load is not None else None
        messages = _answer(d, conversation, key, sender, sid, form, parsed, state)
        remember = (lambda p: dedupe.remember_in(p, sid, messages)) if sid else None
        if conversation.has_deferred_save:
            conversation.save_deferred(also=remember)
        elif sid:
            dedupe.remember(sid, messages)
        return messages
    except (ConversationUnavailable, DedupeUnavailable, PinLimitUnavailable):
        log.warning("Redis unavailable while answering a text", exc_info=True)
        if parsed.kind == "command" and parsed.action == "agent":
            # The way to a person needs only the database (R15).
            esc = services.escalate(d.db, reason="caller_asked", context={"verified": False,
                                    "note": "conversation state unavailable"}, now=d.clock(),
                                    req=services.Request(channel="sms", request_id=sid, caller=sender))
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


def _sayer(d: Deps):
    """The channel's words for (key, values) pairs, in the configured brand."""
    def say(*keys_values) -> list[str]:
        return [replies.render(k, v, brand=d.settings.brand_name) for k, v in keys_values]
    return say


def _release(dedupe: Dedupe, sid: str | None, claimed: bool, messages: list[str]) -> list[str]:
    """Nothing was (surely) done: let Twilio's retry of this message be handled afresh."""
    if claimed and sid:
        dedupe.release(sid)
    return messages


def _answer(d: Deps, conversation: Conversation, key: str, sender: str, sid: str | None,
            form: Mapping[str, str], parsed, state) -> list[str]:
    say = _sayer(d)
    now = d.clock()
    req = services.Request(channel="sms", request_id=sid, caller=sender)
    opted_out = services.is_opted_out(d.db, sender)
    if parsed.kind == "opt_out":
        changed = services.set_opt_out(d.db, sender, True, now=now, req=req)
        return say(("opted_out", None)) if changed else []
    if opted_out:
        if parsed.kind == "opt_in":
            services.set_opt_out(d.db, sender, False, now=now, req=req)
            return say(("opted_in", None))
        return []  # R16: nothing is sent to an opted-out number
    if parsed.kind == "opt_in" and parsed.text.casefold().strip(" .!") not in ("yes", "si", "sí"):
        return say(("already_subscribed", None))
    if parsed.kind == "help":
        return say(("help", None))
    if parsed.kind == "empty":
        return say(("media_only" if form.get("NumMedia", "0") not in ("", "0") else "unknown_command", None))
    if parsed.kind == "opt_in":  # a YES (or SI) that is an answer, not a consent word
        state = conversation.store.load(key)
    event = Command(parsed.action, parsed.arg) if parsed.kind == "command" else Text(parsed.text)
    reply = conversation.handle(key, sender, event, request_id=sid, state=state, defer_save=True)
    note(step=reply.expect, outcome=",".join(reply.keys()))
    keyed = [(p.key, p.values) for p in reply.prompts]
    if reply.offer_person and "agent" not in reply.keys():
        keyed.append(("offer_person", None))
    return fit(say(*keyed))


def fit(parts: list[str]) -> list[str]:
    """Join the parts into as few messages as R19 allows (each at most 3 segments)."""
    messages: list[str] = []
    for part in parts:
        if messages and len(messages[-1]) + 1 + len(part) <= GSM7_SEGMENT * MAX_SEGMENTS:
            messages[-1] += " " + part
        else:
            messages.append(part)
    return messages
