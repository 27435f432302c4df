"""The conversation both channels walk: identify → PIN → choose a line → the journey's own
steps (core/journeys/) → confirm (R10, R18) → apply through the change skeleton → receipt.

It takes intents (core/intents.py) and answers with prompt keys and values plus what it
expects next; the doors turn words into intents and keys into words, per language. Its
state is a typed record kept in Redis under the conversation's key with a time-to-live, so
any web process can answer the next message of a conversation.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import asdict, replace
from typing import Any, Callable

import redis
from sqlalchemy.orm import Session, sessionmaker

from core import insights, languages, one_time_codes, phone, policy, services
from core.formatting import fold
from core.intents import Intent
from core.journeys import KINDS, REGISTRY, LineSummary, Proposal, Turn, public, step_handlers, troubleshoot
from core.limits import PinAttempts, RateLimit
from core.redis_client import Later, Writes, command
from core.reply import (EXPECT_CODE, EXPECT_COMMAND, EXPECT_CONFIRM, EXPECT_PIN, EXPECT_TARGET, Prompt, Reply)
from core.services import LineRef, NotAuthorised, Request
from core.state import State

log = logging.getLogger("switchboard.conversation")

STATE_TTL = 30 * 60  # an idle conversation is forgotten after this
# A text conversation's verified PIN lasts this long from the check (issue 23).
VERIFIED_TEXT_FOR = dt.timedelta(minutes=10)
# R21: codes asked for one claimed line an hour, counted by what was claimed (a line and no
# line alike, R8); the line's own count in SQL (one_time_codes.MAX_PER_HOUR) holds as well.
CODES_PER_HOUR = one_time_codes.MAX_PER_HOUR
HISTORY = 12


class ConversationUnavailable(RuntimeError):
    """Redis could not be read or written: the caller is told and offered a person."""


class RedisConversations:
    """Conversation state as one JSON value a key, with a time-to-live."""

    def __init__(self, client: redis.Redis, prefix: str = "sb:conv", later: Later | None = None) -> None:
        self.r = client
        self.prefix = prefix
        self.later = later  # what the turn queued to be written with its state (issue 26)

    def load(self, key: str) -> State | None:
        try:
            raw = command(self.r, "GET", f"{self.prefix}:{key}")
        except redis.RedisError as exc:
            raise ConversationUnavailable(str(exc)) from exc
        return State.from_json(raw, KINDS)

    def load_in(self, pipe, key: str):
        """``load`` queued on a shared pipeline; returns a reader of the state."""
        at = len(pipe)
        pipe.get(f"{self.prefix}:{key}")

        def read(results) -> State | None:
            raw = results[at]
            if isinstance(raw, Exception):
                raise ConversationUnavailable(str(raw))
            return State.from_json(raw, KINDS)
        return read

    def save(self, key: str, state: State, also=None) -> None:
        """Store the state; ``also(pipe)`` adds the caller's own commands to the same round trip."""
        try:
            writes = Writes()  # one command: the state, and what rides with it (issue 26)
            writes.set(f"{self.prefix}:{key}", state.to_json(), ex=STATE_TTL)
            if self.later is not None:
                self.later.into(writes)
            if also is not None:
                also(writes)
            writes.execute(self.r)
        except redis.RedisError as exc:
            raise ConversationUnavailable(str(exc)) from exc


class Conversation:
    """One conversation's turn. Built per request; everything it needs is passed in."""

    def __init__(self, *, store: RedisConversations, db: sessionmaker[Session],
                 attempts: PinAttempts, pin_secret: str, clock: Callable[[], dt.datetime],
                 channel: str, receipt: Callable[[str, dict[str, Any], str], str] | None = None) -> None:
        self.store = store
        self.db = db
        self.attempts = attempts
        self.pin_secret = pin_secret
        self.clock = clock
        self.channel = channel
        self.receipt = receipt  # (kind, values, the line's language) -> the receipt's words (R17)
        self._deferred: tuple[str, State, Reply] | None = None
        self._turns: list[str] = []  # insights records, written with the next state save

    # The entry points ------------------------------------------------------------------
    def handle(self, key: str, caller: str | None, intent: Intent, *, request_id: str | None = None,
               receipt_to: str | None = None, receipt_from: str | None = None,
               state: State | None | object = ..., defer_save: bool = False, lang: str | None = None,
               said: str | None = None) -> Reply:
        """One turn. ``state``: already read by the caller (in its own round trip);
        ``defer_save``: the caller finishes with ``save_deferred`` (and its own commands);
        ``lang``: the language this message was written in, when the door could tell;
        ``said``: the words of the turn, kept (masked) only when not understood (R26)."""
        if state is ...:
            state = self.store.load(key)
        s = state or State(caller=caller)
        if languages.known(lang):
            s.lang = lang
        t = Turn(self._request(s, caller, request_id, receipt_to, receipt_from), self.clock())
        self._lapse_verification(s, t.now)
        step, journey = s.step, s.journey
        reply = self._dispatch(s, intent, t)
        reply.lang = s.lang
        for p in reply.prompts:  # issue 22: the day it is said, so the words can say "today"
            p.values.setdefault("today", t.now.date().isoformat())
        insights.record_turn(self.store.r, door=self.channel, lang=s.lang, caller=caller, thread=request_id, step=step,
                             reply=reply, journey=s.journey or journey, secret=self.pin_secret, now=t.now,
                             said=said, db=self.db,  # issue 24: what the turn was (R26: missed ones kept)
                             later=self._turns)  # pushed with the state (_save): one round trip
        if defer_save:
            self._deferred = (key, s, reply)
            return reply
        return self._save(key, s, reply)

    def _lapse_verification(self, s: State, now: dt.datetime) -> None:
        """A text conversation is keyed by its sender, which can be forged: its verified PIN
        lasts VERIFIED_TEXT_FOR from the check, however busy the conversation (a call's is
        bound to its CallSid and ends with the call). Then the PIN is asked again."""
        if self.channel != "sms" or not s.actor:
            return
        at = dt.datetime.fromisoformat(s.verified_at) if s.verified_at else None
        if at is None or now - at > VERIFIED_TEXT_FOR:
            s.actor, s.target, s.pending, s.queue, s.journey, s.verified_at = None, None, None, [], None, None
            s.step = EXPECT_COMMAND
            self.note(s, "verification lapsed")

    def _request(self, s: State, caller, request_id, receipt_to=None, receipt_from=None) -> Request:
        return Request(channel=self.channel, request_id=request_id, caller=caller,
                       receipt_to=receipt_to, receipt=self.receipt, receipt_from=receipt_from, lang=s.lang)

    @property
    def has_deferred_save(self) -> bool:
        return self._deferred is not None

    def save_deferred(self, also=None) -> None:
        key, s, reply = self._deferred
        self._deferred = None
        self._save(key, s, reply, also=also)

    def start(self, key: str, caller: str | None, *, line_key: str | None = None,
              request_id: str | None = None, lang: str = languages.DEFAULT_CODE) -> Reply:
        """A fresh conversation: a new call (the menu first, for every caller alike: R8), or
        an agent's hand-off with an optional line (its PIN asked at once)."""
        s = State(caller=caller, lang=languages.code_or_default(lang))
        line_key = "".join(ch for ch in (line_key or "") if ch.isalnum() or ch in "+.@-_")[:40]
        if line_key:
            ref = services.find_line(self.db, line_key)
            s.pin_lines, s.pin_identity = ([ref.line_id] if ref else []), f"line:{line_key}"
            s.history.append(f"handed off for line {line_key}")
            reply = Reply([Prompt("ask_pin")], EXPECT_PIN)
        else:
            reply = Reply([], EXPECT_COMMAND)
        reply.lang = s.lang
        return self._save(key, s, reply)

    def set_language(self, key: str, caller: str | None, lang: str) -> Reply:
        """The caller chose a language (voice: 9 or "español" at the greeting)."""
        s = self.store.load(key) or State(caller=caller)
        s.lang = languages.code_or_default(lang)
        self.note(s, f"chose language {s.lang}")
        return self._save(key, s, Reply([], EXPECT_COMMAND, lang=s.lang))

    def escalate(self, key: str, caller: str | None, reason: str, *, request_id: str | None = None) -> Reply:
        """Hand the caller to a person (R15) with what happened so far."""
        s = self.store.load(key) or State(caller=caller)
        t = Turn(self._request(s, caller, request_id), self.clock())
        insights.record_handoff(self.store.r, door=self.channel, lang=s.lang, caller=caller, thread=request_id,
                                secret=self.pin_secret, now=t.now, journey=s.journey)  # issue 24
        return self._save(key, s, self.to_person(s, t, reason))

    def understood(self, key: str) -> None:
        """A usable answer the door handled itself (a menu key that opens another menu): the
        unusable inputs counted so far were not "in a row" with the next ones (R15)."""
        s = self.store.load(key)
        if s is not None and s.failed:
            s.failed = 0
            self.store.save(key, s)

    def repeat(self, key: str) -> Reply:
        s = self.store.load(key) or State()
        return Reply([Prompt(k, v) for k, v in s.last], s.step, lang=s.lang)

    def language(self, key: str) -> str:
        s = self.store.load(key)
        return s.lang if s else languages.DEFAULT_CODE

    def recall(self, request_id: str) -> Reply | None:
        """The answer to a request that confirmed a change but whose answer was lost (its
        process died after the commit): the outcome kept in the database (R13, R17)."""
        result = services.change_for_request(self.db, request_id)
        if result is None or not result.data.get("action"):
            return None
        action = result.data["action"]
        key = f"done_{action}" if result.applied else f"refused_{result.reason}"
        return Reply([Prompt(key, public(result.data))], lang=languages.code_or_default(result.data.get("lang")))

    def _save(self, key: str, s: State, reply: Reply, also=None) -> Reply:
        s.step = reply.expect
        s.last = [[p.key, p.values] for p in reply.prompts[reply.said_once:]]
        turns, self._turns = self._turns, []
        if turns:  # the turn's insights record rides the state's round trip
            also = (lambda pipe, also=also: (insights.push_in(pipe, turns), also and also(pipe)))
        try:
            self.store.save(key, s, also=also)
        except ConversationUnavailable:
            if not reply.changed:
                raise
            # The change is committed: say so. The conversation starts afresh next time.
            log.warning("conversation state not saved after an applied change", exc_info=True)
        return reply

    # Dispatch ------------------------------------------------------------------------------
    def _dispatch(self, s: State, intent: Intent, t: Turn) -> Reply:
        if intent.kind == "agent":
            return self.to_person(s, t, "caller_asked")
        if intent.kind == "journey":
            if intent.value == s.journey and intent.slots and s.step in (EXPECT_PIN, EXPECT_CODE):
                # A keyword sent early (MORE before the plans were shown) never replaces the
                # request in progress: the PIN is still what it waits for.
                return Reply([Prompt(k, v) for k, v in s.last] or [Prompt("ask_pin")], s.step)
            asked = REGISTRY.get(intent.value)
            if asked is not None and _answers_in_place(asked, s) and s.journey and s.step in _ANSWERED_IN_PLACE \
                    and not asked.ends_in_progress:
                return self._answer_in_place(s, asked, dict(intent.slots), t)
            return self.begin(s, intent.value, dict(intent.slots), t)
        act = _ACTS.get(intent.kind)
        if act is not None:
            return act(self, s, intent, t)
        handler = _ENGINE_STEPS.get(s.step) or step_handlers().get(s.step)
        if handler is None:
            if intent.kind == "yes":
                return Reply([Prompt("nothing_pending")])
            return self.unusable(s, t, EXPECT_COMMAND, Prompt("unknown_command"))
        return handler(self, s, intent, t)

    # The acts every step hears (issue 21) ------------------------------------------------------
    def _again(self, s: State, before: list[Prompt]) -> Reply:
        """Something said besides the step's answer: then the step's question again, unchanged
        (never counted as an unusable input)."""
        if s.step == EXPECT_COMMAND:
            return Reply(before)
        return Reply(before + [Prompt(k, v) for k, v in s.last if k not in _NOT_AGAIN], s.step, said_once=len(before))

    def _answer_in_place(self, s: State, journey, slots: dict, t: Turn) -> Reply:
        """A public answer asked for while a step waits (R24: "how do I cancel" at the PIN
        prompt): said, and the request in progress goes on where it was."""
        kept = (s.journey, s.slots, s.failed)
        answered = journey.start(self, s, slots, t)
        if answered.escalation_id is not None or answered.expect != EXPECT_COMMAND:
            return answered  # it went on elsewhere (a person, a step of its own)
        s.journey, s.slots, s.failed = kept
        return self._again(s, list(answered.prompts))

    def _on_forgot(self, s: State, intent: Intent, t: Turn) -> Reply:
        """R21 at any step: "I forgot my PIN" is never a wrong PIN; a code is offered."""
        if s.step in (EXPECT_PIN, EXPECT_CODE):
            return _ENGINE_STEPS[s.step](self, s, intent, t)
        if s.actor:
            return self._again(s, [Prompt("pin_not_needed")])
        if not s.pin_identity:
            self._identify(s)
        return self._forgot(s, t)

    def _on_no(self, s: State, intent: Intent, t: Turn) -> Reply:
        """R18: a no or a hesitation ("never mind", "wait") ends the request at once."""
        if s.step == EXPECT_CONFIRM:
            return self._on_confirm(s, intent, t)
        asked = s.journey or (s.pending.action if s.pending else None)
        s.pending, s.queue, s.journey, s.failed = None, [], None, 0
        s.slots.pop("want_code", None)
        if asked:
            self.note(s, f"ended {asked}")
        return Reply([Prompt("not_confirmed" if asked else "ok_nothing")])

    def _on_goodbye(self, s: State, intent: Intent, t: Turn) -> Reply:
        if s.journey or s.pending:
            self.note(s, f"said goodbye during {s.journey or s.pending.action}")
        s.pending, s.queue, s.journey, s.failed = None, [], None, 0
        return Reply([Prompt("goodbye")])

    def _on_language(self, s: State, intent: Intent, t: Turn) -> Reply:
        """R20: the conversation goes on in the language asked for, the step asked again."""
        s.lang = languages.code_or_default(intent.value)
        self.note(s, f"switched to {s.lang}")
        return self._again(s, [Prompt("language_switched")])

    def _on_question(self, s: State, intent: Intent, t: Turn) -> Reply:
        """R24: a question about a change is answered (what to ask for, a person offered),
        never taken as the change nor as the step's answer."""
        told = bool(intent.slot("told"))  # a statement about a change: the offer in one line
        if intent.slot("why") in (EXPECT_PIN, EXPECT_CODE):
            return self._again(s, [Prompt("why_pin" if intent.slot("why") == EXPECT_PIN else "why_code")])
        if intent.slot("not_ours"):
            self.note(s, "asked for something the bot doesn't do")
            return self._again(s, [Prompt("not_ours"), Prompt("capabilities")])  # and what the bot does
        self.note(s, f"{'told' if told else 'asked'} about {intent.value or 'something'}")
        return self._again(s, [Prompt("told_about" if told else "question_about", {"about": intent.value})])

    def _on_wait(self, s: State, intent: Intent, t: Turn) -> Reply:
        """"give me a sec", "déjame ver dónde lo apunté" while a step waits for a PIN, a code, a
        line, a plan or a number: time given and the step's question again (nothing ends; R18's
        hesitation ends a confirmation, where nothing is looked for)."""
        return self._again(s, [Prompt("take_your_time")])

    def _on_social(self, s: State, intent: Intent, t: Turn) -> Reply:
        """Thanks or a greeting: one short line (with what the bot can do, for a greeting)."""
        return self._again(s, [Prompt("hello" if intent.kind == "greeting" else "welcome")])

    def begin(self, s: State, name: str, slots: dict, t: Turn, *, same_line: bool = False) -> Reply:
        """Start a journey: public words first where it has them, then identification and the
        line where it needs them (R8), then the journey itself. A second request of the same
        message (its ``next`` slot) waits until this one is answered (issue 21)."""
        journey = REGISTRY.get(name)
        if journey is None:
            return self.unusable(s, t, EXPECT_COMMAND, Prompt("unknown_command"))
        s.failed, s.pending, s.queue = 0, None, []
        for data in s.journey_data.values():
            data.begun()
        s.journey, s.slots, s.target = name, slots, (s.target if same_line else None)
        if not journey.needs_line:
            return self._then(s, t, journey.start(self, s, slots, t))
        if not s.actor:
            before = journey.before_pin(self, s, slots, t) if journey.before_pin else []
            reply = self._identify(s)
            reply.prompts[:0] = before
            return reply
        return self._advance(s, t)

    # Identification and PIN (R8, R9) ----------------------------------------------------
    def _identify(self, s: State) -> Reply:
        """Everyone is asked for a PIN, known sender or not (R8): it is checked against the
        lines the caller ID belongs to (none, one or several). Whoever calls or texts from
        another phone enters the line's own number first, at the same step."""
        lines = services.lines_for_caller(self.db, s.caller) if s.caller and phone.is_e164(s.caller) else []
        s.pin_lines, s.pin_identity = [ln.line_id for ln in lines], f"from:{s.caller or ''}"
        return Reply([Prompt("ask_pin")], EXPECT_PIN)

    def _on_pin(self, s: State, intent: Intent, t: Turn) -> Reply:
        if intent.kind == "forgot":
            return self._forgot(s, t)
        keyed = intent.value if intent.kind in ("pin", "number") else ""
        if not keyed or not keyed.isdigit() or not (4 <= len(keyed) <= 8 or 10 <= len(keyed) <= 15):
            return self.unusable(s, t, EXPECT_PIN, Prompt("pin_format"))
        if len(keyed) >= 10:
            # A line's own number (PINs are 4 to 8 digits): its PIN comes next. Whether the
            # number is a line is never said (R8); a made-up one fails and locks like a PIN.
            ref = services.find_line(self.db, keyed) or services.find_line(self.db, "+" + keyed)
            s.pin_lines, s.pin_identity = ([ref.line_id] if ref else []), f"number:{keyed}"
            if s.slots.pop("want_code", False):
                return self._send_code(s, t)
            return Reply([Prompt("ask_pin_for_line")], EXPECT_PIN)
        check = services.verify_pin(self.db, self.attempts, self.pin_secret, line_ids=s.pin_lines,
                                    identity=s.pin_identity or s.caller, pin=keyed, now=t.now, req=t.req)
        return self._checked(s, t, check, EXPECT_PIN, "pin_wrong")

    def _checked(self, s: State, t: Turn, check: services.PinCheck, expect: str, wrong: str) -> Reply:
        """What a PIN's or a one-time code's check means for the conversation (R9, R21)."""
        if check.ok:
            s.actor, s.failed, s.verified_at = asdict(check.line), 0, t.now.isoformat()
            s.slots.pop("want_code", None)
            self.note(s, "PIN verified" if expect == EXPECT_PIN else "one-time code verified")
            reply = self._advance(s, t)
            reply.prompts.insert(0, Prompt("pin_ok"))
            return reply
        if check.reason == "locked":
            self.note(s, "PIN entry locked (R9)")
            s.journey = None
            # The PIN is still what is waited for: once the lock ends, the right one is taken.
            return Reply([Prompt("pin_locked", {"minutes": _minutes_until(check.locked_until, t.now)})],
                         expect, offer_person=True)
        if check.reason == "unavailable":
            s.journey = None
            return Reply([Prompt("pin_unavailable")], offer_person=True)
        self.note(s, "wrong PIN" if expect == EXPECT_PIN else "wrong one-time code")
        reply = self.unusable(s, t, expect, Prompt(wrong))
        if check.tries_left == 1:
            # R21: before the last allowed try, say what the next wrong one does, and the ways on.
            reply.prompts.append(Prompt("last_try", {"minutes": int(policy.PIN_LOCK.total_seconds() // 60)}))
            # R21: the ways on were just said (a code, a person): never a transfer in the same breath.
            reply.offer_person = False
        return reply

    # A forgotten PIN (R21) ---------------------------------------------------------------
    def _forgot(self, s: State, t: Turn) -> Reply:
        """A one-time code, texted to the line's own number, never to the one asking. Which
        line: the number already keyed, else asked for, from every caller alike (R8)."""
        if (s.pin_identity or "").startswith("number:"):
            return self._send_code(s, t)
        s.slots["want_code"] = True
        self.note(s, "forgot the PIN")
        return Reply([Prompt("code_which_line")], EXPECT_PIN)

    def _send_code(self, s: State, t: Turn) -> Reply:
        claimed = (s.pin_identity or "").partition(":")[2]
        last4 = claimed[-4:]
        number = phone.to_e164(claimed) or phone.to_e164("+" + claimed.lstrip("+"))
        # Counted by the number however it was typed (5550100001, 15550100001, +1…): a line and
        # no line are limited alike (R8). Fails open: SQL still counts a line's codes.
        asked = RateLimit(self.store.r, "otc", CODES_PER_HOUR, 3600)
        over = asked.over(asked.hit(number or claimed, t.now))
        if over:
            self.note(s, "one-time code refused: too many asked for")
            return Reply([Prompt("code_limit", {"last4": last4})], EXPECT_CODE)
        if number and services.is_opted_out(self.db, number):
            # R16: no text can reach it, so none is promised (said of any number alike, R8).
            self.note(s, "one-time code refused: the number opted out of texts")
            return Reply([Prompt("code_opted_out", {"last4": last4})], EXPECT_PIN)
        if len(s.pin_lines) == 1 and self.receipt is not None:
            lang = s.lang

            def words(code: str, minutes: int) -> str:
                return self.receipt("one_time_code", {"code": code, "minutes": minutes}, lang)
            try:
                one_time_codes.issue(self.db, line_id=s.pin_lines[0], secret=self.pin_secret, now=t.now,
                                     req=t.req, text=words, actor="caller", actor_id=None,
                                     from_number=t.req.receipt_from)
            except one_time_codes.TooManyCodes:
                return Reply([Prompt("code_limit", {"last4": last4})], EXPECT_CODE)
            except one_time_codes.NoSuchLine:
                pass  # a released line: answered as any number that is not a line (R8)
        self.note(s, f"one-time code asked for the line ending {last4}")
        minutes = int(one_time_codes.VALID_FOR.total_seconds() // 60)
        return Reply([Prompt("code_sent", {"last4": last4, "minutes": minutes})], EXPECT_CODE)

    def _on_code(self, s: State, intent: Intent, t: Turn) -> Reply:
        if intent.kind == "forgot":
            return self._send_code(s, t)
        keyed = intent.value if intent.kind in ("pin", "number") else ""
        if not keyed or not keyed.isdigit() or len(keyed) != one_time_codes.DIGITS:
            return self.unusable(s, t, EXPECT_CODE, Prompt("code_format"))
        check = one_time_codes.verify(self.db, self.attempts, self.pin_secret, line_ids=s.pin_lines,
                                      identity=s.pin_identity or s.caller, code=keyed, now=t.now, req=t.req)
        return self._checked(s, t, check, EXPECT_CODE, "code_wrong")

    def actor(self, s: State) -> LineRef:
        return LineRef(**s.actor)

    # After verification: pick the line, then the journey ---------------------------------
    def _advance(self, s: State, t: Turn) -> Reply:
        if not s.journey:
            return Reply([Prompt("ready")])
        actor = self.actor(s)
        if s.target is None:
            hint = "".join(ch for ch in str(s.slots.get("line") or "") if ch.isdigit())[-4:]
            lines = services.account_lines(self.db, actor)
            if hint:
                match = [ln for ln in lines if ln.number.endswith(hint)]
                if not match:
                    services.record_refusal(self.db, action=s.journey, reason="not_authorised", now=t.now,
                                            req=t.req, line_id=actor.line_id, target=hint)
                    s.journey = None
                    return Reply([Prompt("not_your_line", {"last4": hint})])
                s.target = match[0].line_id
            elif len(lines) == 1:
                s.target = lines[0].line_id
            elif _by_user(lines, s.slots.get("user")):  # a line named by its user (issue 21)
                s.target = _by_user(lines, s.slots.get("user")).line_id
            else:
                s.options = [[ln.line_id, ln.number[-4:], ln.login_id] for ln in lines]
                return Reply([Prompt("ask_target", {"lines": [o[1] for o in s.options]})], EXPECT_TARGET)
        try:
            return self._then(s, t, REGISTRY[s.journey].start(self, s, s.slots, t))
        except NotAuthorised:
            s.journey = None
            return Reply([Prompt("not_your_line", {"last4": ""})])

    def _then(self, s: State, t: Turn, reply: Reply) -> Reply:
        """The first request answered (nothing left to confirm): the second one of the same
        message next, by name, on the same line (kept in the slots through the PIN)."""
        nxt = s.slots.pop("next", None) if reply.expect == EXPECT_COMMAND else None
        if not nxt:
            return reply
        follow = self.begin(s, nxt[0], dict(nxt[1]), t, same_line=True)
        reply.prompts.extend(follow.prompts)
        reply.expect = follow.expect
        return reply

    def _on_target(self, s: State, intent: Intent, t: Turn) -> Reply:
        digits = intent.value if intent.kind in ("number", "pin") else ""
        match = [o for o in s.options if len(digits or "") >= 4 and o[1] == digits[-4:]]
        if intent.kind == "name":  # the line's user named ("Maria's line"): exactly one of them
            match = [o for o in s.options if len(o) > 2 and str(o[2]).casefold() == fold(str(intent.value))]
            match = match if len(match) == 1 else []
        if intent.kind == "own_line" and s.actor:  # "mine": the verified line itself
            match = [o for o in s.options if o[0] == s.actor.get("line_id")]
        if intent.kind == "choice" and isinstance(intent.value, int) and 1 <= intent.value <= len(s.options):
            match = [s.options[intent.value - 1]]  # "the second one": in the order the question said them
        if not match:
            return self.unusable(s, t, EXPECT_TARGET, Prompt("ask_target", {"lines": [o[1] for o in s.options]}))
        s.target, s.failed = match[0][0], 0
        return self._advance(s, t)

    # What journeys use ---------------------------------------------------------------------
    def summary(self, s: State) -> LineSummary:
        return LineSummary(**services.line_summary(self.db, self.actor(s), s.target))

    @staticmethod
    def line_facts(summary: LineSummary) -> policy.LineFacts:
        return policy.LineFacts(number=summary.number, status=summary.status, status_reason=summary.status_reason)

    @classmethod
    def line_state(cls, summary: LineSummary) -> dict[str, Any]:
        """What an answer about the line's state names (issue 12): its status, the day it works
        until, whether its number plan renews, and whether it may be reactivated (R12)."""
        number_plan = next((p for p in summary.plans if p["kind"] == "number"), None)
        return {"status": summary.status, "status_reason": summary.status_reason,
                "term_end": policy.line_works_until([cls.plan_facts(p) for p in summary.plans]),
                "renews": bool(number_plan and number_plan["renews"]),
                "reactivatable": summary.status in ("suspended", "cancelled")
                and summary.status_reason in policy.REACTIVATABLE_REASONS}

    @staticmethod
    def plan_facts(p: dict) -> policy.PlanFacts:
        term_end = p["term_end"]
        if isinstance(term_end, str):
            term_end = dt.date.fromisoformat(term_end)
        return policy.PlanFacts(product=p["product"], kind=p["kind"], channel=p["channel"],
                                term_end=term_end, auto_renew=p["renews"], ended=p["ended"])

    def take_fix(self, s: State, fix: str, t: Turn) -> Reply:
        """R11's fixes: guidance said, or the journey that fixes it (its own PIN and yes)."""
        if fix in ("voice_network_mode", "device_settings"):
            # Inside a cancellation the guidance may say how to go on leaving (R11); asked for
            # directly, it ends with what to do if it didn't help (issue 22).
            key = "fix_guidance" if s.journey == "cancel_line" else "fix_steps"
            s.journey = None
            return Reply([Prompt(key, {"fix": fix})])
        journey = troubleshoot.FIX_JOURNEYS[fix]
        target, actor, leaving = s.target, s.actor, s.journey == "cancel_line"
        reply = self.begin(s, journey, {}, t)
        if actor and target is not None and s.target is None and reply.expect == EXPECT_TARGET:
            s.target = target  # the line already chosen in this conversation
            reply = self._advance(s, t)
        if fix == "block_spam" and not leaving and reply.expect != EXPECT_COMMAND:
            # asked for directly ("stop calling me"): what the PIN is for, once, before it is asked
            reply = replace(reply, prompts=[Prompt("block_offered"), *reply.prompts],
                            said_once=reply.said_once + 1)
        return reply

    def propose(self, s: State, t: Turn, proposal: Proposal) -> Reply:
        # The id makes the confirmation once only (R13): whatever repeats it, the services
        # apply it once and answer with its stored outcome.
        s.pending = proposal.asked(t.now, uuid.uuid4().hex)
        return Reply([Prompt(f"confirm_{proposal.action}", s.pending.shown())], EXPECT_CONFIRM)

    def refused(self, s: State, t: Turn, action: str, reason: str, number: str, **values: Any) -> Reply:
        services.record_refusal(self.db, action=action, reason=reason, now=t.now, req=t.req,
                                line_id=s.target, target=number)
        s.journey = None
        self.note(s, f"{action} refused: {reason}")
        return Reply([Prompt(f"refused_{reason}", public({"number": number, **values}))])

    # Confirm and apply (R10, R13, R17, R18) --------------------------------------------------
    def _on_confirm(self, s: State, intent: Intent, t: Turn) -> Reply:
        pending = s.pending
        if not pending:
            return Reply([Prompt("nothing_pending")])
        asked = dt.datetime.fromisoformat(pending.asked_at)
        area = str(intent.value or "") if intent.kind == "number" else ""
        if pending.action == "change_number" and len(area) == 3 and area.isdigit():
            # Another area code keyed or typed at the new number's confirmation: that area's
            # number offered instead (nothing changed; its own yes still needed, R10).
            self.note(s, f"asked for area code {area}")
            s.pending, s.queue = None, []
            return self.begin(s, "change_number", {"area": area}, t, same_line=True)
        # R18: a yes that names its change ("yes, cancel it") is a yes to that change only:
        # "yes, block it" while a cancellation waits is no yes, and the question is asked again.
        restated = intent.slot("restated")
        yes = intent.kind == "yes" and (not restated or restated == pending.action or (
            restated == "cancel" and pending.action in ("cancel_line", "cancel_plan")))
        decision = policy.decide_confirmation(yes, asked, t.now)
        if decision.reason == "confirmation_expired":
            s.pending, s.queue, s.journey = None, [], None
            self.note(s, "confirmation expired")
            return Reply([Prompt("confirm_expired")])
        if not decision.allowed:
            if intent.kind in ("no", "skip"):
                s.pending, s.queue, s.journey = None, [], None
                self.note(s, f"declined {pending.action}")
                return Reply([Prompt("not_confirmed")])
            return self.unusable(s, t, EXPECT_CONFIRM, Prompt(f"confirm_{pending.action}", pending.shown()))
        s.pending, s.failed = None, 0
        reply = self._apply(s, pending, t)
        if s.queue and reply.changed:
            nxt = s.queue.pop(0)
            if isinstance(nxt, str):  # a journey to go on with (R4: the line after its add-ons)
                s.journey = nxt
                follow = REGISTRY[nxt].start(self, s, {"resumed": True}, t)
            else:
                follow = self.propose(s, t, nxt)
            reply.prompts.extend(follow.prompts)
            reply.expect = follow.expect
        else:
            s.queue = []
            if reply.expect == EXPECT_COMMAND:
                s.journey = None
            reply = self._then(s, t, reply)  # a second request of the same message (issue 21)
        return reply

    def _apply(self, s: State, pending: Proposal, t: Turn) -> Reply:
        action = pending.action
        result = REGISTRY[action].apply(self.db, pending, actor=self.actor(s), line_id=s.target, now=t.now,
                                        req=t.req, change_id=pending.id or None,
                                        proposal=pending.shown() | {"action": action, "lang": s.lang})
        values = {**pending.shown(), **public(result.data)}
        outcome = f"{action}: {'done' if result.applied else result.reason}"
        # A text's request id is its MessageSid: the same one again is Twilio retrying a
        # message whose answer was lost. A call's is its CallSid, the same for every turn.
        same_message = result.first_request == t.req.request_id and self.channel != "voice"
        if result.repeat and not same_message:
            # Another message (or turn) confirmed it first (R13): say so, change nothing more.
            self.note(s, f"{outcome} (confirmed twice)")
            return Reply([Prompt("already_done")])
        self.note(s, outcome)
        if result.applied:
            # First time, or the same message again after its answer was lost: the answer,
            # and where its receipt goes, only when one will be sent (R17).
            prompts = [Prompt(f"done_{action}", values)]
            if result.data.get("receipt_to"):
                prompts.append(Prompt("receipt_coming", {"to": result.data["receipt_to"]}))
            return Reply(prompts, changed=True)
        return Reply([Prompt(f"refused_{result.reason}", values)])

    # A person (R15) ----------------------------------------------------------------------
    def unusable(self, s: State, t: Turn, expect: str, again: Prompt) -> Reply:
        """An input that can't be used: said once (a wrong PIN says so itself; anything else
        gets the apology and the question again), and after three in a row a person."""
        s.failed += 1
        # Said once: prompts that already say so stand alone, others follow the apology.
        prompts = [again] if again.key in ("pin_wrong", "pin_format", "unknown_command", "code_wrong",
                                           "code_format") else \
            [Prompt("unusable"), again]
        decision = policy.decide_after_failed_input(s.failed)
        if decision.allowed:
            self.note(s, "three unusable inputs in a row")
            return Reply(prompts, expect, offer_person=True)
        return Reply(prompts, expect)

    def to_person(self, s: State, t: Turn, reason: str) -> Reply:
        actor = s.actor
        context = {"verified": bool(actor), "line": actor["number"] if actor else None,
                   "asked": s.journey, "pending": s.pending.action if s.pending else None,
                   "product": getattr(s.pending, "product", None) or s.slots.get("plan"),  # what it was about
                   "history": s.history, "lang": s.lang, "reason": reason}
        esc = services.escalate(self.db, reason=reason, context=context, now=t.now, req=t.req,
                                line_id=actor["line_id"] if actor else None, verified=bool(actor))
        self.note(s, f"asked for a person (escalation {esc})")
        s.pending, s.queue, s.journey, s.failed = None, [], None, 0
        return Reply([Prompt("agent", {"ref": esc})], escalation_id=esc)

    def note(self, s: State, text: str) -> None:
        s.history = (s.history + [text])[-HISTORY:]


# The steps the engine owns; journeys own theirs (core/journeys/). Same signature.
_ENGINE_STEPS = {EXPECT_PIN: Conversation._on_pin, EXPECT_CODE: Conversation._on_code,
                 EXPECT_TARGET: Conversation._on_target, EXPECT_CONFIRM: Conversation._on_confirm}


# The steps at which a public answer is said in place, the request in progress kept.
_ANSWERED_IN_PLACE = frozenset({EXPECT_PIN, EXPECT_CODE, EXPECT_TARGET, "block_number", "plan", "which", "fix",
                                EXPECT_CONFIRM, "reason", "offer"})


def _answers_in_place(journey, s: State | None = None) -> bool:
    """A journey that only says facts (no steps, no change): public ones anywhere; the line's
    own ("when does my plan end?") once the line is chosen and its PIN verified."""
    if journey.steps or journey.changes or "agent" in journey.prompts:
        return False
    return not journey.needs_line or (s is not None and bool(s.actor) and s.target is not None)


# The acts every step hears, by the intent's kind (issue 21).
_ACTS = {"forgot": Conversation._on_forgot, "no": Conversation._on_no, "goodbye": Conversation._on_goodbye,
         "language": Conversation._on_language, "question": Conversation._on_question,
         "thanks": Conversation._on_social, "greeting": Conversation._on_social, "wait": Conversation._on_wait}
# Said once, never again with the step's question (an apology, a count of tries).
_NOT_AGAIN = frozenset({"unusable", "pin_wrong", "pin_format", "code_wrong", "code_format", "last_try", "pin_ok",
                        "language_switched", "question_about", "told_about", "hello", "welcome",
                        "take_your_time"})


def _by_user(lines: list, user: str | None):
    """The one line of the account whose user is named ("Maria's line"), if exactly one is."""
    if not user:
        return None
    found = [ln for ln in lines if ln.login_id.casefold() == fold(str(user))]
    return found[0] if len(found) == 1 else None


def _minutes_until(until: dt.datetime | None, now: dt.datetime) -> int:
    if until is None:
        return int(policy.PIN_LOCK.total_seconds() // 60)
    # Whole seconds first: a lock's end read back from a float timestamp can be a microsecond
    # past now + 15 min, which rounded up would say 16.
    return max(1, int(-(-round((until - now).total_seconds()) // 60)))
