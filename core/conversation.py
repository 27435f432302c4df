"""The conversation both channels walk: identify → PIN → choose → (one fix offer, R11) →
confirm (R10, R18) → apply through the services → receipt (R17).

Channel-neutral: it takes ``Command`` and ``Text`` events and answers with prompt keys and
values plus what it expects next; ``sms/`` and ``ivr/`` turn those into words. Its state
lives in Redis under the conversation's key with a time-to-live, so any web process can
answer the next message of a conversation.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import redis
from sqlalchemy.orm import Session, sessionmaker

from core import phone, policy, services
from core.limits import PinAttempts
from core.services import LineRef, NotAuthorised, Request

log = logging.getLogger("switchboard.conversation")

STATE_TTL = 30 * 60  # an idle conversation (and its verified PIN) is forgotten after this
HISTORY = 12

# What the conversation waits for next.
EXPECT_COMMAND = "command"
EXPECT_PIN = "pin"  # a PIN, or first the line's own number when calling or texting from elsewhere
EXPECT_TARGET = "target"  # an admin's choice of line
EXPECT_PLAN = "plan"
EXPECT_REASON = "reason"  # R11: why the caller is leaving
EXPECT_OFFER = "offer"  # R11: take the fix or skip
EXPECT_CONFIRM = "confirm"
EXPECT_BLOCK_NUMBER = "block_number"

NEEDS_LINE = {"plans", "refund", "cancel_plan", "cancel_line", "reactivate", "change_number",
              "block", "unblock"}
REASONS = {"1": "calling_problems", "2": "number_cancelled", "3": "no_ring_or_texts",
           "4": "dislike_number", "5": "spam_calls"}
REASON_WORDS = {
    "calling_problems": ("call", "calls", "calling", "voice"),
    "number_cancelled": ("cancelled", "canceled", "deactivated", "suspended"),
    "no_ring_or_texts": ("ring", "ringing", "texts", "notifications", "receive"),
    "dislike_number": ("like", "number", "change"),
    "spam_calls": ("spam", "robocall", "robocalls", "scam"),
}
SKIP_WORDS = frozenset({"skip", "cancel", "no", "continue", "go on", "9"})
ACCEPT_WORDS = frozenset({"fix", "yes", "y", "ok", "okay", "sure", "1"})


class ConversationUnavailable(RuntimeError):
    """Redis could not be read or written: the caller is told and offered a person."""


@dataclass(frozen=True)
class Command:
    action: str  # plans, refund, cancel_plan, cancel_line, reactivate, change_number, block, unblock, agent
    arg: str | None = None


@dataclass(frozen=True)
class Text:
    value: str


Event = Command | Text


@dataclass(frozen=True)
class Prompt:
    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reply:
    prompts: list[Prompt]
    expect: str = EXPECT_COMMAND
    offer_person: bool = False  # R15: three failed inputs, a lock, or an outage
    escalation_id: int | None = None  # set when the caller asked for a person
    changed: bool = False  # something was applied

    def keys(self) -> list[str]:
        return [p.key for p in self.prompts]


class RedisConversations:
    """Conversation state as one JSON value a key, with a time-to-live."""

    def __init__(self, client: redis.Redis, prefix: str = "sb:conv") -> None:
        self.r = client
        self.prefix = prefix

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            raw = self.r.get(f"{self.prefix}:{key}")
        except redis.RedisError as exc:
            raise ConversationUnavailable(str(exc)) from exc
        return json.loads(raw) if raw else None

    def load_in(self, pipe, key: str):
        """``load`` queued on a shared pipeline; returns a reader of the state."""
        at = len(pipe)
        pipe.get(f"{self.prefix}:{key}")

        def read(results) -> dict[str, Any] | None:
            raw = results[at]
            if isinstance(raw, Exception):
                raise ConversationUnavailable(str(raw))
            return json.loads(raw) if raw else None
        return read

    def save(self, key: str, state: dict[str, Any], also=None) -> None:
        """Store the state; ``also(pipe)`` adds the caller's own commands to the same round trip."""
        try:
            pipe = self.r.pipeline(transaction=False)
            pipe.set(f"{self.prefix}:{key}", json.dumps(state, default=str), ex=STATE_TTL)
            if also is not None:
                also(pipe)
            pipe.execute()
        except redis.RedisError as exc:
            raise ConversationUnavailable(str(exc)) from exc

    def forget(self, key: str) -> None:
        try:
            self.r.delete(f"{self.prefix}:{key}")
        except redis.RedisError as exc:
            raise ConversationUnavailable(str(exc)) from exc


def _new_state(caller: str | None) -> dict[str, Any]:
    return {"caller": caller, "step": EXPECT_COMMAND, "intent": None, "pin_lines": [],
            "pin_identity": None, "actor": None, "target": None, "pending": None, "queue": [],
            "failed": 0, "offers_made": 0, "reason_asked": False, "offer": None,
            "options": [], "history": []}


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


class Conversation:
    """One conversation's turn. Built per request; everything it needs is passed in."""

    def __init__(self, *, store: RedisConversations, db: sessionmaker[Session],
                 attempts: PinAttempts, pin_secret: str, clock: Callable[[], dt.datetime],
                 channel: str,
                 receipt: Callable[[str, dict[str, Any]], str] | None = None) -> None:
        self.store = store
        self.db = db
        self.attempts = attempts
        self.pin_secret = pin_secret
        self.clock = clock
        self.channel = channel
        self.receipt = receipt
        self._deferred: tuple[str, dict, Reply] | None = None

    # The entry point -------------------------------------------------------------------
    def handle(self, key: str, caller: str | None, event: Event, *, request_id: str | None = None,
               receipt_to: str | None = None, receipt_from: str | None = None,
               state: dict | None | object = ..., defer_save: bool = False) -> Reply:
        """One turn. ``state``: already read by the caller (in its own round trip);
        ``defer_save``: the caller finishes with ``save_deferred`` (and its own commands)."""
        if state is ...:
            state = self.store.load(key)
        state = state or _new_state(caller)
        req = Request(channel=self.channel, request_id=request_id, caller=caller,
                      receipt_to=receipt_to, receipt=self.receipt, receipt_from=receipt_from)
        reply = self._dispatch(state, event, req, self.clock())
        if defer_save:
            self._deferred = (key, state, reply)
            return reply
        return self._save(key, state, reply)

    @property
    def has_deferred_save(self) -> bool:
        return self._deferred is not None

    def save_deferred(self, also=None) -> None:
        key, state, reply = self._deferred
        self._deferred = None
        self._save(key, state, reply, also=also)

    def escalate(self, key: str, caller: str | None, reason: str, *, request_id: str | None = None) -> Reply:
        """Hand the caller to a person (R15) with what happened so far."""
        state = self.store.load(key) or _new_state(caller)
        req = Request(channel=self.channel, request_id=request_id, caller=caller)
        return self._save(key, state, self._agent(state, req, self.clock(), reason))

    def repeat(self, key: str) -> Reply:
        state = self.store.load(key) or _new_state(None)
        return Reply([Prompt(k, v) for k, v in state.get("last", [])], state["step"])

    def recall(self, request_id: str) -> Reply | None:
        """The answer to a request that confirmed a change but whose answer was lost (its
        process died after the commit): the outcome kept in the database (R13, R17)."""
        result = services.change_for_request(self.db, request_id)
        if result is None:
            return None
        values = _public(result.data)
        action = values.pop("action", None)
        if not action:
            return None
        key = f"done_{action}" if result.applied else f"refused_{result.reason}"
        return Reply([Prompt(key, values)])

    def _save(self, key: str, state: dict, reply: Reply, also=None) -> Reply:
        state["step"] = reply.expect
        state["last"] = [[p.key, p.values] for p in reply.prompts]
        try:
            self.store.save(key, state, also=also)
        except ConversationUnavailable:
            if not reply.changed:
                raise
            # The change is committed: say so. The conversation starts afresh next time.
            log.warning("conversation state not saved after an applied change", exc_info=True)
        return reply

    def start(self, key: str, caller: str | None, *, line_key: str | None = None,
              request_id: str | None = None) -> Reply:
        """A fresh conversation: a new call (the menu first, for every caller alike: R8), or
        an agent's hand-off with an optional line (its PIN asked at once)."""
        state = _new_state(caller)
        line_key = re.sub(r"[^\w+.@-]", "", line_key or "")[:40]  # an id or a number, nothing else
        if line_key:
            ref = services.find_line(self.db, line_key)
            state.update(pin_lines=[ref.line_id] if ref else [], pin_identity=f"line:{line_key}")
            state["history"].append(f"handed off for line {line_key}")
            reply = Reply([Prompt("ask_pin")], EXPECT_PIN)
        else:
            reply = Reply([], EXPECT_COMMAND)
        return self._save(key, state, reply)

    # Dispatch ------------------------------------------------------------------------------
    def _dispatch(self, state: dict, event: Event, req: Request, now: dt.datetime) -> Reply:
        if isinstance(event, Command):
            if event.action == "agent":
                return self._agent(state, req, now, "caller_asked")
            state.update(failed=0, pending=None, queue=[], intent={"action": event.action, "arg": event.arg},
                         target=None, offer=None, reason_asked=False)
            if event.action == "refund" and not state["actor"]:
                # R1 for everyone; the caller's own dates only after the PIN (R8).
                services.refund_info(self.db, None, None, now, req)
                reply = self._identify(state, req)
                reply.prompts.insert(0, Prompt("refund_policy"))
                return reply
            if not state["actor"]:
                return self._identify(state, req)
            return self._advance(state, req, now)
        text = event.value
        step = state["step"]
        handler = {
            EXPECT_PIN: self._on_pin,
            EXPECT_TARGET: self._on_target,
            EXPECT_PLAN: self._on_plan,
            EXPECT_REASON: self._on_reason,
            EXPECT_OFFER: self._on_offer,
            EXPECT_CONFIRM: self._on_confirm,
            EXPECT_BLOCK_NUMBER: self._on_block_number,
        }.get(step)
        if handler is None:
            if policy.is_explicit_yes(text):
                return Reply([Prompt("nothing_pending")])
            return self._unusable(state, req, now, EXPECT_COMMAND, Prompt("unknown_command"))
        return handler(state, text, req, now)

    # Identification and PIN (R8, R9) ----------------------------------------------------
    def _identify(self, state: dict, req: Request) -> Reply:
        """Everyone is asked for a PIN, known sender or not (R8): it is checked against the
        lines the caller ID belongs to (none, one or several). Whoever calls or texts from
        another phone enters the line's own number first, at the same step."""
        caller = state.get("caller")
        lines = services.lines_for_caller(self.db, caller) if caller and phone.is_e164(caller) else []
        state.update(pin_lines=[ln.line_id for ln in lines], pin_identity=f"from:{caller or ''}")
        return Reply([Prompt("ask_pin")], EXPECT_PIN)

    def _on_pin(self, state: dict, text: str, req: Request, now: dt.datetime) -> Reply:
        keyed = re.sub(r"[\s#*().+-]", "", text)
        if not keyed.isdigit() or not (4 <= len(keyed) <= 8 or 10 <= len(keyed) <= 15):
            return self._unusable(state, req, now, EXPECT_PIN, Prompt("pin_format"))
        if len(keyed) >= 10:
            # A line's own number (PINs are 4 to 8 digits): its PIN comes next. Whether the
            # number is a line is never said (R8); a made-up one fails and locks like a PIN.
            ref = services.find_line(self.db, keyed) or services.find_line(self.db, "+" + keyed)
            state.update(pin_lines=[ref.line_id] if ref else [], pin_identity=f"number:{keyed}")
            return Reply([Prompt("ask_pin_for_line")], EXPECT_PIN)
        check = services.verify_pin(self.db, self.attempts, self.pin_secret,
                                    line_ids=state.get("pin_lines") or [],
                                    identity=state.get("pin_identity") or state.get("caller"),
                                    pin=keyed, now=now, req=req)
        if check.ok:
            ref = check.line
            state.update(actor=[ref.line_id, ref.account_id, ref.number, ref.login_id, ref.is_admin],
                         failed=0)
            self._note(state, "PIN verified")
            reply = self._advance(state, req, now)
            reply.prompts.insert(0, Prompt("pin_ok"))
            return reply
        if check.reason == "locked":
            self._note(state, "PIN entry locked (R9)")
            state["intent"] = None
            until = check.locked_until
            return Reply([Prompt("pin_locked", {"minutes": _minutes_until(until, now)})],
                         offer_person=True)
        if check.reason == "unavailable":
            state["intent"] = None
            return Reply([Prompt("pin_unavailable")], offer_person=True)
        self._note(state, "wrong PIN")
        return self._unusable(state, req, now, EXPECT_PIN, Prompt("pin_wrong"))

    def _actor(self, state: dict) -> LineRef:
        return LineRef(*state["actor"])

    # After verification: pick the line, then the journey ---------------------------------
    def _advance(self, state: dict, req: Request, now: dt.datetime) -> Reply:
        intent = state.get("intent")
        if not intent:
            return Reply([Prompt("ready")])
        action = intent["action"]
        actor = self._actor(state)
        if action in NEEDS_LINE and state["target"] is None:
            hint = _digits(intent.get("arg") or "")[-4:] if action == "cancel_line" else ""
            lines = services.account_lines(self.db, actor)
            if hint:
                match = [ln for ln in lines if ln.number.endswith(hint)]
                if not match:
                    services.record_refusal(self.db, action=action, reason="not_authorised", now=now,
                                            req=req, line_id=actor.line_id, target=hint)
                    state["intent"] = None
                    return Reply([Prompt("not_your_line", {"last4": hint})])
                state["target"] = match[0].line_id
            elif len(lines) == 1:
                state["target"] = lines[0].line_id
            else:
                state["options"] = [[ln.line_id, ln.number[-4:], ln.login_id] for ln in lines]
                return Reply([Prompt("ask_target", {"lines": [o[1] for o in state["options"]]})], EXPECT_TARGET)
        try:
            return self._journey(state, action, intent.get("arg"), req, now)
        except NotAuthorised:
            state["intent"] = None
            return Reply([Prompt("not_your_line", {"last4": ""})])

    def _on_target(self, state: dict, text: str, req: Request, now: dt.datetime) -> Reply:
        last4 = _digits(text)[-4:]
        match = [o for o in state["options"] if o[1] == last4 and len(_digits(text)) >= 4]
        if not match:
            return self._unusable(state, req, now, EXPECT_TARGET,
                                  Prompt("ask_target", {"lines": [o[1] for o in state["options"]]}))
        state["target"] = match[0][0]
        state["failed"] = 0
        return self._advance(state, req, now)

    def _summary(self, state: dict) -> dict[str, Any]:
        return services.line_summary(self.db, self._actor(state), state["target"])

    def _journey(self, state: dict, action: str, arg: str | None, req: Request, now: dt.datetime) -> Reply:
        actor = self._actor(state)
        if action == "plans":
            s = self._summary(state)
            state["intent"] = None
            # R19: a long list is read a page at a time (PLANS 2, or MORE for the next).
            page = int(arg) if arg and arg.isdigit() and 0 < int(arg) < 100 else 1
            if arg == "more":
                page = state.get("plans_page", 1) + 1
            state["plans_page"] = page
            return Reply([Prompt("plans", {"number": s["number"], "status": s["status"], "page": page,
                                           "plans": s["plans"], "credits": s["usage_credits"]})])
        if action == "refund":
            result = services.refund_info(self.db, actor, state["target"], now, req)
            state["intent"] = None
            return Reply([Prompt("refund_policy_terms", {"terms": result.data["terms"]})])
        if action == "cancel_plan":
            return self._choose_plan(state, arg, req, now)
        if action == "cancel_line":
            return self._cancel_line(state, req, now)
        if action == "reactivate":
            s = self._summary(state)
            decision = policy.decide_reactivate(_line_facts(s), now)
            if not decision.allowed:
                return self._refused(state, req, now, "reactivate_line", decision.reason, s["number"])
            return self._propose(state, now, {"action": "reactivate", "number": s["number"]})
        if action == "change_number":
            s = self._summary(state)
            if s["status"] != "active":
                return self._refused(state, req, now, "change_number", "line_not_active", s["number"])
            return self._propose(state, now, {"action": "change_number", "number": s["number"]})
        if action in ("block", "unblock"):
            if not arg:
                return Reply([Prompt("ask_block_number", {"action": action})], EXPECT_BLOCK_NUMBER)
            return self._block(state, action, arg, req, now)
        state["intent"] = None
        return Reply([Prompt("unknown_command")])

    # STOP PLAN ---------------------------------------------------------------------------
    def _choose_plan(self, state: dict, arg: str | None, req: Request, now: dt.datetime) -> Reply:
        s = self._summary(state)
        plans = [p for p in s["plans"] if p["renews"]] or s["plans"]
        if not plans:
            state["intent"] = None
            return Reply([Prompt("no_plans", {"number": s["number"]})])
        found = _match_plan(arg, s["plans"]) if arg else None
        if found is None:
            if len(plans) == 1 and not arg:
                found = plans[0]
            else:
                state["options"] = [[p["id"], p["product"]] for p in plans]
                key = "plan_not_found" if arg else "ask_plan"
                return Reply([Prompt(key, {"choices": [p["product"] for p in plans], "asked": arg})], EXPECT_PLAN)
        return self._plan_decision(state, s, found, req, now)

    def _on_plan(self, state: dict, text: str, req: Request, now: dt.datetime) -> Reply:
        options = state["options"]
        digits = _digits(text)
        chosen = None
        if digits and digits == text.strip() and 1 <= int(digits) <= len(options):
            chosen = options[int(digits) - 1]
        else:
            match = _match_plan(text, [{"id": o[0], "product": o[1]} for o in options])
            chosen = [match["id"], match["product"]] if match else None
        if chosen is None:
            return self._unusable(state, req, now, EXPECT_PLAN,
                                  Prompt("ask_plan", {"choices": [o[1] for o in options], "asked": None}))
        state["failed"] = 0
        s = self._summary(state)
        plan = next((p for p in s["plans"] if p["id"] == chosen[0]), None)
        if plan is None:
            return self._choose_plan(state, None, req, now)
        return self._plan_decision(state, s, plan, req, now)

    def _plan_decision(self, state: dict, s: dict, plan: dict, req: Request, now: dt.datetime) -> Reply:
        decision = policy.decide_cancel_plan(_line_facts(s), _plan_facts(plan), now)
        if not decision.allowed:
            return self._refused(state, req, now, "cancel_plan", decision.reason, s["number"],
                                 product=plan["product"], term_end=plan["term_end"],
                                 url=policy.APPLE_SUBSCRIPTIONS_URL)
        return self._propose(state, now, {"action": "cancel_plan", "plan_id": plan["id"],
                                          "product": plan["product"], "kind": plan["kind"],
                                          "term_end": plan["term_end"], "number": s["number"]})

    # CANCEL LINE (R3, R4, R6, R11) --------------------------------------------------------
    def _cancel_line(self, state: dict, req: Request, now: dt.datetime) -> Reply:
        s = self._summary(state)
        decision = policy.decide_cancel_line(_line_facts(s), [_plan_facts(p) for p in s["plans"]], now)
        if decision.allowed and not state["reason_asked"] and state["offers_made"] == 0:
            state["reason_asked"] = True
            return Reply([Prompt("ask_reason")], EXPECT_REASON)
        if decision.reason == "addons_first":
            # R4: offer to cancel each add-on first (each confirmed), then the line.
            addons = [p for p in s["plans"] if p["product"] in decision.data["addons"] and p["renews"]]
            state["queue"] = [{"action": "cancel_plan", "plan_id": p["id"], "product": p["product"],
                               "kind": p["kind"], "term_end": p["term_end"], "number": s["number"],
                               "then_line": True} for p in addons]
            state["queue"].append({"action": "cancel_line"})
            services.record_refusal(self.db, action="cancel_line", reason="addons_first", now=now,
                                    req=req, line_id=s["line_id"], target=s["number"])
            first = state["queue"].pop(0)
            reply = self._propose(state, now, first)
            reply.prompts.insert(0, Prompt("addons_first", {"addons": decision.data["addons"]}))
            return reply
        if not decision.allowed:
            return self._refused(state, req, now, "cancel_line", decision.reason, s["number"], **decision.data)
        return self._propose(state, now, {"action": "cancel_line", "number": s["number"],
                                          "term_end": decision.data["term_end"],
                                          "plans": decision.data["plans"],
                                          "app_store_plans": decision.data["app_store_plans"],
                                          "url": decision.data["url"]})

    def _on_reason(self, state: dict, text: str, req: Request, now: dt.datetime) -> Reply:
        reason = _reason_of(text)
        if reason is None or _norm(text) in SKIP_WORDS:
            return self._cancel_line(state, req, now)
        decision = policy.decide_fix_offer(reason, state["offers_made"])
        if not decision.allowed:
            return self._cancel_line(state, req, now)
        state["offers_made"] += 1
        state["offer"] = decision.data["fix"]
        self._note(state, f"offered fix {state['offer']}")
        return Reply([Prompt("offer_fix", {"fix": state["offer"]})], EXPECT_OFFER)

    def _on_offer(self, state: dict, text: str, req: Request, now: dt.datetime) -> Reply:
        fix = state.get("offer")
        if _norm(text) not in ACCEPT_WORDS or not fix:
            self._note(state, "skipped the fix")
            return self._cancel_line(state, req, now)  # R11: never an obstacle
        self._note(state, f"took fix {fix}")
        if fix in ("voice_network_mode", "device_settings"):
            state["intent"] = None
            return Reply([Prompt("fix_guidance", {"fix": fix})])
        action = {"reactivate": "reactivate", "change_number": "change_number", "block_spam": "block"}[fix]
        state["intent"] = {"action": action, "arg": None}
        return self._journey(state, action, None, req, now)

    # BLOCK / UNBLOCK -----------------------------------------------------------------------
    def _on_block_number(self, state: dict, text: str, req: Request, now: dt.datetime) -> Reply:
        action = (state.get("intent") or {}).get("action", "block")
        kind, _ = phone.classify(text)
        if kind == "invalid_number":
            return self._unusable(state, req, now, EXPECT_BLOCK_NUMBER, Prompt("ask_block_number", {"action": action}))
        state["failed"] = 0
        return self._block(state, action, text, req, now)

    def _block(self, state: dict, action: str, raw: str, req: Request, now: dt.datetime) -> Reply:
        s = self._summary(state)
        kind, e164 = phone.classify(raw, phone.region_of(s["number"]))
        if action == "block":
            decision = policy.decide_block(kind, e164, s["own_numbers"], s["blocked"])
        else:
            decision = policy.decide_unblock(e164, s["blocked"])
        if not decision.allowed:
            return self._refused(state, req, now, f"{action}_number", decision.reason, s["number"],
                                 blocked=e164 or raw[:20])
        return self._propose(state, now, {"action": action, "blocked": e164, "number": s["number"]})

    # Confirm and apply (R10, R13, R17, R18) --------------------------------------------------
    def _propose(self, state: dict, now: dt.datetime, pending: dict) -> Reply:
        # The id makes the confirmation once only (R13): whatever repeats it, the services
        # apply it once and answer with its stored outcome.
        pending = json.loads(json.dumps({**pending, "id": uuid.uuid4().hex, "asked_at": now.isoformat()},
                                        default=str))
        state["pending"] = pending
        return Reply([Prompt(f"confirm_{pending['action']}", _public(pending))], EXPECT_CONFIRM)

    def _on_confirm(self, state: dict, text: str, req: Request, now: dt.datetime) -> Reply:
        pending = state.get("pending")
        if not pending:
            return Reply([Prompt("nothing_pending")])
        asked = dt.datetime.fromisoformat(pending["asked_at"])
        decision = policy.decide_confirmation(text, asked, now)
        if decision.reason == "confirmation_expired":
            state.update(pending=None, queue=[], intent=None)
            self._note(state, "confirmation expired")
            return Reply([Prompt("confirm_expired")])
        if not decision.allowed:
            if policy.is_explicit_no(text) or _norm(text) in ("skip", "cancel", "stop"):
                state.update(pending=None, queue=[], intent=None)
                self._note(state, f"declined {pending['action']}")
                return Reply([Prompt("not_confirmed")])
            return self._unusable(state, req, now, EXPECT_CONFIRM,
                                  Prompt(f"confirm_{pending['action']}", _public(pending)))
        state.update(pending=None, failed=0)
        reply = self._apply(state, pending, req, now)
        if state["queue"] and reply.changed:
            nxt = state["queue"].pop(0)
            if nxt["action"] == "cancel_line":
                state["reason_asked"] = True  # R11: the caller already chose to leave
                follow = self._cancel_line(state, req, now)
            else:
                follow = self._propose(state, now, nxt)
            reply.prompts.extend(follow.prompts)
            reply.expect = follow.expect
        else:
            state["queue"] = []
            if reply.expect == EXPECT_COMMAND:
                state["intent"] = None
        return reply

    def _apply(self, state: dict, pending: dict, req: Request, now: dt.datetime) -> Reply:
        actor, target, action = self._actor(state), state["target"], pending["action"]
        kw = dict(actor=actor, line_id=target, now=now, req=req, change_id=pending.get("id"),
                  proposal=_public(pending) | {"action": action})
        if action == "cancel_plan":
            result = services.cancel_plan(self.db, plan_id=pending["plan_id"], **kw)
        elif action == "cancel_line":
            result = services.cancel_line(self.db, **kw)
        elif action == "reactivate":
            result = services.reactivate_line(self.db, **kw)
        elif action == "change_number":
            result = services.change_number(self.db, **kw)
        elif action == "block":
            result = services.block_number(self.db, raw=pending["blocked"], **kw)
        else:
            result = services.unblock_number(self.db, raw=pending["blocked"], **kw)
        values = {**_public(pending), **_public(result.data)}
        outcome = f"{action}: {'done' if result.applied else result.reason}"
        # A text's request id is its MessageSid: the same one again is Twilio retrying a
        # message whose answer was lost. A call's is its CallSid, the same for every turn.
        same_message = result.first_request == req.request_id and self.channel != "voice"
        if result.repeat and not same_message:
            # Another message (or turn) confirmed it first (R13): say so, change nothing more.
            self._note(state, f"{outcome} (confirmed twice)")
            return Reply([Prompt("already_done")])
        self._note(state, outcome)
        if result.applied:
            # First time, or the same message again after its answer was lost: the answer.
            return Reply([Prompt(f"done_{action}", values)], changed=True)
        return Reply([Prompt(f"refused_{result.reason}", values)])

    def _refused(self, state: dict, req: Request, now: dt.datetime, action: str, reason: str,
                 number: str, **values: Any) -> Reply:
        services.record_refusal(self.db, action=action, reason=reason, now=now, req=req,
                                line_id=state["target"], target=number)
        state["intent"] = None
        self._note(state, f"{action} refused: {reason}")
        return Reply([Prompt(f"refused_{reason}", _public({"number": number, **values}))])

    # A person (R15) ----------------------------------------------------------------------
    def _unusable(self, state: dict, req: Request, now: dt.datetime, expect: str, again: Prompt) -> Reply:
        state["failed"] += 1
        # A wrong or malformed PIN says so itself; anything else starts with an apology.
        prompts = [again] if again.key in ("pin_wrong", "pin_format") else [Prompt("unusable"), again]
        decision = policy.decide_after_failed_input(state["failed"])
        if decision.allowed:
            self._note(state, "three unusable inputs in a row")
            return Reply(prompts, expect, offer_person=True)
        return Reply(prompts, expect)

    def _agent(self, state: dict, req: Request, now: dt.datetime, reason: str) -> Reply:
        actor = state.get("actor")
        context = {
            "verified": bool(actor),
            "line": actor[2] if actor else None,
            "asked": (state.get("intent") or {}).get("action"),
            "pending": (state.get("pending") or {}).get("action"),
            "history": state.get("history", []),
        }
        context["reason"] = reason
        esc = services.escalate(self.db, reason=reason, context=context, now=now, req=req,
                                line_id=actor[0] if actor else None, verified=bool(actor))
        self._note(state, f"asked for a person (escalation {esc})")
        state.update(pending=None, queue=[], intent=None, failed=0)
        return Reply([Prompt("agent", {"ref": esc})], escalation_id=esc)

    def _note(self, state: dict, text: str) -> None:
        state["history"] = (state.get("history", []) + [text])[-HISTORY:]


# Helpers -----------------------------------------------------------------------------------
def _minutes_until(until: dt.datetime | None, now: dt.datetime) -> int:
    if until is None:
        return int(policy.PIN_LOCK.total_seconds() // 60)
    return max(1, int(-(-(until - now).total_seconds() // 60)))


def _public(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in ("asked_at", "plan_id", "id", "previous")}


def _line_facts(s: dict) -> policy.LineFacts:
    return policy.LineFacts(number=s["number"], status=s["status"], status_reason=s["status_reason"])


def _plan_facts(p: dict) -> policy.PlanFacts:
    term_end = p["term_end"]
    if isinstance(term_end, str):
        term_end = dt.date.fromisoformat(term_end)
    return policy.PlanFacts(product=p["product"], kind=p["kind"], channel=p["channel"],
                            term_end=term_end, auto_renew=p["renews"], ended=p["ended"])


def _match_plan(query: str | None, plans: list[dict]) -> dict | None:
    """A plan by name, tolerant of case, spacing and small typos; None when unsure."""
    if not query:
        return None
    q = _norm(query)
    names = {_norm(p["product"]): p for p in plans}
    if q in names:
        return names[q]
    words = [p for n, p in names.items() if q and (q in n.split() or n.startswith(q))]
    if len(words) == 1:
        return words[0]
    if q in ("number", "line", "number plan", "line plan"):
        numbers = [p for p in plans if p.get("kind") == "number"]
        return numbers[0] if len(numbers) == 1 else None
    close = difflib.get_close_matches(q, list(names), n=2, cutoff=0.75)
    if len(close) == 1 or (len(close) == 2 and difflib.SequenceMatcher(None, q, close[0]).ratio()
                           - difflib.SequenceMatcher(None, q, close[1]).ratio() > 0.1):
        return names[close[0]]
    return None


def _reason_of(text: str) -> str | None:
    t = _norm(text)
    if t in REASONS:
        return REASONS[t]
    words = set(t.split())
    for reason, keys in REASON_WORDS.items():
        if words & set(keys):
            return reason
    return None
