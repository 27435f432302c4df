"""An incoming text, end to end: de-duplicate (R13), consent (R16), HELP, then the shared
conversation; the answer is a list of message texts (empty: silence)."""

from __future__ import annotations

import logging
from typing import Mapping

import redis
from sqlalchemy.exc import DBAPIError

from core import languages, services, turns
from core.arrivals import Arrivals
from core.conversation import Conversation, ConversationUnavailable, RedisConversations
from core.dedupe import DedupeUnavailable
from core.limits import PinLimitUnavailable
from core.redis_client import Later
from core.reply import EXPECT_COMMAND, EXPECT_CONFIRM
from core.turns import Turn
from sms import replies
from sms.consent import answered_by_twilio, may_mean_plans
from sms.gsm import fit
from sms.keywords import parse
from vocabulary.interpret import DATA_STEPS, interpret

# The data steps whose answer is a name (a plan's, a line's user), which tells no language.
NAMED_DATA = frozenset({"plan", "target"}) & DATA_STEPS
from web.deps import Deps
from web.observe import note

log = logging.getLogger("switchboard.sms")
# Replies whose own words already name the way to a person (AGENT): not said twice.
OFFER_A_PERSON = replies.OFFER_A_PERSON  # the replies that already give the way to a person

# A sender texting faster than SMS_RATE_LIMIT gets one "slow down" and then silence for
# the rest of the window; consent words (R16) are always honoured.


def conversation_for(d: Deps) -> Conversation:
    later = Later(d.redis)  # a right PIN's reservation given back with the state (issue 26)
    return Conversation(store=RedisConversations(d.redis, later=later), db=d.db, attempts=d.attempts.releasing_in(later),
                        pin_secret=d.settings.pin_secret, clock=d.clock, channel="sms", receipt=d.receipt)


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
    """Two Redis round trips a text (core/arrivals.py): what is known when it arrives, and
    what is kept once it is answered."""
    sender = (form.get("From") or "").strip()[:40]
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()[:64] or None
    say = _sayer(d, parsed.lang or languages.DEFAULT_CODE)
    if not sender:
        return say(("media_only" if form.get("NumMedia", "0") != "0" else "unknown_command", None))
    now = d.clock()
    req = services.Request(channel="sms", request_id=sid, caller=sender)
    arrivals = Arrivals(d.redis, rate_limit=d.settings.sms_rate_limit, opt_outs=services.opt_out_cache(d.db))
    arrival = None
    try:
        try:
            arrival = arrivals.arrive(sender, sid, f"sms:{sender}", now)
        except redis.RedisError as exc:
            return _without_redis(d, parsed, sender, req, now, exc)
        if arrival.over_limit:
            return _over_limit(d, arrivals, arrival, parsed, sender, req, now, say)
        if not arrival.first_time:
            log.info("repeated MessageSid %s: answered as before", sid)
            return arrival.first_answer or []
        return _first_time(d, arrivals, arrival, f"sms:{sender}", sender, req, form, parsed, now)
    except Exception as exc:
        return _failed(d, exc, arrivals, arrival, parsed, req, now, say)


def _without_redis(d: Deps, parsed, sender: str, req: services.Request, now, exc: redis.RedisError) -> list[str]:
    if parsed.kind in ("opt_out", "opt_in"):
        # R16 needs only the database: an opt-out is never lost to a Redis outage.
        log.warning("Redis unavailable: consent recorded without it", exc_info=True)
        consent = _consent(d, parsed, sender, req, now)
        if consent is not None:
            return consent
    raise DedupeUnavailable(str(exc)) from exc


def _over_limit(d: Deps, arrivals: Arrivals, arrival, parsed, sender, req, now, say) -> list[str]:
    log.info("sender over the rate limit")
    arrivals.release(arrival)
    if parsed.kind in ("opt_out", "opt_in"):
        _consent(d, parsed, sender, req, now)  # recorded always, answered within the limit
    return say(("slow_down", None)) if arrivals.first_over_limit(arrival) else []


def _first_time(d: Deps, arrivals: Arrivals, arrival, key: str, sender: str, req: services.Request,
                form: Mapping[str, str], parsed, now) -> list[str]:
    conversation = conversation_for(d)
    recalled = conversation.recall(arrival.sid) if arrival.taken_over else None
    if recalled is not None:
        # The first handler died after its change committed: its answer, from the database.
        messages = fit(_sayer(d, recalled.lang)(*[(p.key, p.values) for p in recalled.prompts]))
        arrivals.remember(arrival, messages)
        return messages
    try:
        messages = _answer(d, conversation, key, sender, req, form, parsed, arrival.state(), now,
                           opted_out=arrival.opted_out)
        if conversation.has_deferred_save:
            conversation.save_deferred(also=arrivals.remember_with(arrival, messages))
        else:
            arrivals.remember(arrival, messages)
    finally:
        conversation.store.later.flush()  # what no save took (the turn failed before it)
    return messages


def _failed(d: Deps, exc: Exception, arrivals: Arrivals, arrival, parsed, req: services.Request, now,
            say) -> list[str]:
    """What a text is answered when Redis or the database failed while it was handled."""
    if isinstance(exc, (ConversationUnavailable, DedupeUnavailable, PinLimitUnavailable)):
        log.warning("Redis unavailable while answering a text", exc_info=True)
        return _redis_down(d, parsed, req, now, say)
    if arrival is not None:
        arrivals.release(arrival)  # nothing was (surely) done: Twilio's retry is handled afresh
    if isinstance(exc, services.NotApplied):
        log.warning("database failed before a change committed", exc_info=True)
        return say(("not_applied", None))
    if isinstance(exc, services.OutcomeUnknown):
        log.error("database failed while committing", exc_info=True)
        return say(("outcome_unknown", None))
    if isinstance(exc, DBAPIError):
        log.warning("database unavailable while answering a text", exc_info=True)
        if parsed.kind == "help":
            return say(("help", None))  # public words: need neither Redis nor the database
        return say(("unavailable", None))
    raise exc


def _redis_down(d: Deps, parsed, req: services.Request, now, say) -> list[str]:
    if _opted_out_in_database(d, req.caller):
        return []  # R16, from the database alone
    if parsed.kind == "help":
        return say(("help", None))  # public words: need neither Redis nor the database
    if parsed.kind == "command" and parsed.action == "agent":
        # The way to a person needs only the database (R15).
        esc = services.escalate(d.db, reason="caller_asked", context={"verified": False,
                                "note": "conversation state unavailable"}, now=now, req=req)
        return say(("agent", {"ref": esc}))
    return say(("unavailable", None))


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
        return say(("opted_out", {"plans": may_mean_plans(parsed.text)})) if changed else []
    if services.is_opted_out(d.db, sender):
        services.set_opt_out(d.db, sender, False, now=now, req=req)
        return say(("opted_in", None))
    if interpret(Turn("sms", parsed.lang or languages.DEFAULT_CODE, EXPECT_CONFIRM, text=parsed.text,
                      read=parsed)).intent.kind != "yes":
        return say(("already_subscribed", None))
    return None  # a YES (or SÍ) that answers the conversation


def _consent_midway(conversation: Conversation, key: str, state, parsed, consent: list[str], say) -> list[str]:
    """A consent word in the middle of a request (a bare CANCEL while cancelling, R16): the
    request is dropped, not completed, and the reply says so plainly, with how to finish
    it; after a START or YES that re-subscribes, that nothing was confirmed."""
    if not consent or state is None:
        return consent
    if parsed.kind == "opt_out":
        asked = state.journey or (state.pending.action if state.pending else None)
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


def _message_lang(parsed, state) -> str:
    """The message's language, when its words tell; not where the text is data (a plan's
    name, a number), which says nothing of the language it was typed in."""
    # (a plan's or a user's name; at the PIN, code and number prompts words are no data: "¿para qué
    # necesitan mi pin?" is Spanish, R20)
    data_step = state is not None and state.step in NAMED_DATA
    told = parsed.lang if parsed.kind != "text" or not data_step else None
    return told or (state.lang if state else languages.DEFAULT_CODE)


def _own_reply(parsed, form: Mapping[str, str]) -> str | None:
    """The replies the channel gives without the conversation: HELP (R16), and an empty text
    (a picture alone, or nothing at all)."""
    if parsed.kind == "help":
        return "help"
    if parsed.kind == "empty":
        return "media_only" if form.get("NumMedia", "0") not in ("", "0") else "unknown_command"
    return None


def _offers(state, step: str) -> tuple:
    """What the question being answered offered (core/turns.py ``offered``)."""
    return turns.offered(state, step)


def _prompts(reply) -> list[tuple]:
    """The reply's prompts as (key, values), with the way to a person when it is offered and
    no prompt already gives it (R15)."""
    keyed = [(p.key, p.values) for p in reply.prompts]
    if reply.offer_person and not set(reply.keys()) & OFFER_A_PERSON:
        keyed.append(("offer_person", None))
    return keyed


def _answer(d: Deps, conversation: Conversation, key: str, sender: str, req: services.Request,
            form: Mapping[str, str], parsed, state, now, opted_out=...) -> list[str]:
    """A text's reply: consent first (R16: nothing at all to an opted-out number), then the
    channel's own replies, then what the conversation makes of what was understood."""
    lang = _message_lang(parsed, state)
    say = _sayer(d, lang)
    if parsed.kind in ("opt_out", "opt_in"):
        consent = _consent(d, parsed, sender, req, now)
        if consent is not None:
            return _consent_midway(conversation, key, state, parsed, consent, say)
    elif services.is_opted_out(d.db, sender, cached=opted_out):
        return []  # R16: nothing is sent to an opted-out number
    own = _own_reply(parsed, form)
    if own is not None:
        return say((own, None))
    step = state.step if state else EXPECT_COMMAND
    got = interpret(Turn("sms", lang, step, text=parsed.text, read=parsed, options=_offers(state, step)))
    if got.act == "language" and got.value:  # "en español", "in English please" (R20)
        lang = got.value
        say = _sayer(d, lang)
    reply = conversation.handle(key, sender, got.intent, request_id=req.request_id, state=state, defer_save=True,
                                lang=lang, said=parsed.text)
    # What was understood (label, score, runner-up), never the words: they may hold a PIN.
    note(step=reply.expect, outcome=",".join(reply.keys()), intent=got.intent.kind, lang=lang,
         **(parsed.understood.log() if parsed.understood else {}))
    return fit(say(*_prompts(reply)))
