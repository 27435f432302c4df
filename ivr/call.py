"""One webhook of a call: read Twilio's form, make the turn in the conversation (or record
what became of a transfer), and hand the reply to ``ivr.render`` for TwiML."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from flask import request
from twilio.twiml.voice_response import VoiceResponse

from core import instructions, languages, outbox, services
from core.conversation import Conversation, RedisConversations
from core.redis_client import Later
from core.state import State
from core.hours import parse_hours
from core.intents import Intent
from core.turns import Interpretation, Turn
from core.reply import EXPECT_COMMAND, Prompt, Reply
from ivr import render
from web.deps import Deps
from vocabulary.interpret import interpret
from web.observe import note

# What a turn ends on: a miss (the menu again, tapered), words that lead to the menu itself,
# Apple's steps read (offered by text, issue 12), or a finished task ("anything else?").
MISSES = ("unusable", "unknown_command", "speech_again", "speech_keys")
TO_THE_MENU = {"ready", "pin_ok", *(p for lang in languages.BY_CODE.values()
                                     for p in (lang.offer_prompt, lang.chosen_prompt) if p)}
APPLE_STEPS = ("refused_app_store_plan", "refused_addons_first_app_store")
# What is said once Apple's steps were asked for by text, by what became of the text.
STEPS_SAID = {"queued": "texted_steps", "already": "texted_steps_already", "opted_out": "texted_steps_opted_out"}


@lru_cache(maxsize=8)
def _hours(spec: str | None):
    return parse_hours(spec)


def support_open(d: Deps) -> bool:
    if not d.settings.support_number:
        return False
    hours = _hours(d.settings.support_hours)
    return hours is None or hours.open_at(d.clock())


def transfer(r: VoiceResponse, d: Deps, sp: render.Speaker, escalation_id: int | None) -> VoiceResponse:
    """To a person, or a voicemail when nobody can answer (recorded on the escalation)."""
    return render.transfer(r, sp, escalation_id, dial_to=route_transfer(d, escalation_id))


def route_transfer(d: Deps, escalation_id: int | None) -> str | None:
    """Where a transfer goes, told to core before it is rendered: the support number while
    someone can answer (the whisper kept on the case), else None (a voicemail: the case says
    why nobody answered)."""
    _keep_whisper(d, escalation_id)
    if support_open(d):
        return d.settings.support_number
    services.update_escalation(d.db, escalation_id, outcome="after_hours" if d.settings.support_number
                               else "no_agent_configured", now=d.clock())
    return None


def _keep_whisper(d: Deps, escalation_id: int | None) -> None:
    """The whisper and the support number reached, kept on the case for the console (its page,
    its call back). Best effort: a transfer never waits on it."""
    if escalation_id is None:
        return
    from core import cases
    from ivr.prompts import whisper

    brand = d.settings.brand_name
    try:
        cases.note_transfer(d.db, escalation_id, support_line=(request.form.get("To") or "").strip()[:20] or None,
                            whisper=lambda context, caller: whisper(context, caller, brand))
    except Exception:  # noqa: BLE001 - the database may be what failed: transfer all the same
        logging.getLogger("switchboard.ivr").warning("could not keep the whisper on the case", exc_info=True)


def speech_confidence(raw: str | None) -> float | None:
    """Twilio's Confidence (0.0 to 1.0); None when it sent none or nothing sensible."""
    try:
        value = float((raw or "").strip()[:20])
    except ValueError:
        return None
    return value if math.isfinite(value) and 0.0 <= value <= 1.0 else None


def _clean_digits(raw: str | None) -> str:
    return "".join(ch for ch in (raw or "") if ch in "0123456789*#")[:20]


def call_language() -> str:
    return languages.code_or_default(request.args.get("lang"))


@dataclass(frozen=True)
class Ending:
    """What a turn that waits for a new request ends on, read (from core) before anything is
    rendered: the menu (``miss``: after that many misses in a row, tapered), the offer to text
    Apple's steps to ``steps_to``, or "anything else?" (``next``)."""

    kind: str  # "menu", "miss", "steps" or "next"
    misses: int = 0
    steps_to: str | None = None


@dataclass
class Call:
    d: Deps
    sid: str
    caller: str | None
    to: str | None
    digits: str
    speech: str
    confidence: float | None
    lang: str
    conversation: Conversation
    # The conversation's state when this request already read it (``read_state``): the turn then
    # reuses it, one Redis round trip instead of two. ``...``: not read.
    _read: object = field(default=..., repr=False)

    @classmethod
    def from_request(cls, d: Deps) -> "Call":
        req = request._get_current_object()
        form = req.form
        later = Later(d.redis)  # a right PIN's reservation given back with the state (issue 26)
        conversation = Conversation(
            store=RedisConversations(d.redis, later=later), db=d.db, attempts=d.attempts.releasing_in(later),
            pin_secret=d.settings.pin_secret, clock=d.clock, channel="voice", receipt=d.receipt,
        )
        sid = form.get("CallSid") or ""
        if not sid.isalnum():  # (a whole id of letters and digits is kept as it is)
            sid = "".join(ch for ch in sid if ch.isalnum())
        return cls(d=d, sid=sid[:64] or "unknown",
                   caller=(form.get("From") or "").strip()[:40] or None,
                   to=(form.get("To") or "").strip()[:20] or None,
                   digits=_clean_digits(form.get("Digits")).rstrip("#"),
                   speech=(form.get("SpeechResult") or "").strip()[:200],
                   confidence=speech_confidence(form.get("Confidence")),
                   lang=languages.code_or_default(req.args.get("lang")), conversation=conversation)

    @property
    def key(self) -> str:
        return f"voice:{self.sid}"

    @property
    def speaker(self) -> render.Speaker:
        return render.Speaker.of(self.d.settings, self.lang)

    def state(self) -> State | None:
        return self.conversation.store.load(self.key)

    def read_state(self) -> State | None:
        """The state, read now and handed to this request's turn (``turn``), never read twice."""
        self._read = self.state()
        return self._read

    def misses(self) -> int:
        """Unusable inputs in a row, as the conversation counts them (R15)."""
        s = self.state()
        return s.failed if s is not None else 1

    def interpret(self, expects: str, options: list | None = None) -> Interpretation:
        """This webhook's keys or speech, read by the one interpreter (vocabulary/interpret.py);
        what the model understood is logged (label, score, runner-up: never the words)."""
        got = interpret(Turn(door="voice", lang=self.lang, expects=expects, keys=self.digits, speech=self.speech,
                             confidence=self.confidence, options=tuple(options or ())))
        if got.understood is not None:
            note(**got.understood.log())
        elif got.unsure_speech:
            note(understanding="low_speech_confidence")
        return got

    def text_apple_steps(self) -> tuple[str, instructions.Texted | None]:
        """Apple's steps texted to the line's own number (once, however often asked:
        core.instructions): what to say about it, and what was done."""
        state = self.state()
        if state is None or not state.actor or state.target is None:
            return "texted_steps_not_sent", None
        texted = None
        try:
            texted = instructions.text_line(self.d.db, line_id=state.target, instruction="app_store",
                                            body=self.speaker.text("apple_steps_text"), now=self.d.clock(),
                                            req=services.Request(channel="voice", request_id=self.sid,
                                                                 caller=self.caller), from_number=self.to)
        except (services.NotApplied, services.OutcomeUnknown):
            logging.getLogger("switchboard.ivr").warning("could not queue Apple's steps", exc_info=True)
        if texted is not None and texted.outcome == "queued":
            outbox.kick(self.d.queue_redis)
        return STEPS_SAID.get(texted.outcome if texted is not None else "", "texted_steps_not_sent"), texted

    def turn(self, intent: Intent) -> Reply:
        """One turn of this call's conversation; a change's receipt goes by text (R17)."""
        state, self._read = self._read, ...  # read once: a second turn of this request reads it anew
        try:
            return self.conversation.handle(self.key, self.caller, intent, request_id=self.sid,
                                            receipt_to=self.caller, receipt_from=self.to, lang=self.lang,
                                            said=self.speech or None, state=state)
        finally:
            self.conversation.store.later.flush()  # what no save took (the turn failed before it)

    def respond(self, reply: Reply, greeting: str | None = None, offer_spanish: bool = False) -> VoiceResponse:
        note(step=reply.expect, outcome=",".join(reply.keys()), lang=self.lang)
        if reply.changed:
            outbox.kick(self.d.queue_redis)
        if reply.escalation_id is not None:
            return self._transfer_after(reply.prompts, reply.escalation_id)
        if reply.offer_person:
            # R21: never an offer to press a key in the same breath as the transfer.
            before = [Prompt("not_verified") if p.key in ("pin_wrong", "code_wrong") else p for p in reply.prompts]
            return self.to_person("pin_locked" if "pin_locked" in reply.keys() else "failed_inputs", before=before)
        if reply.expect == EXPECT_COMMAND:
            return self.after(reply.prompts, self.ending(reply.prompts, greeting), greeting=greeting,
                              offer_spanish=offer_spanish)
        return render.step(self.speaker, reply.expect, reply.prompts, greeting)

    def ending(self, prompts: list[Prompt], greeting: str | None = None) -> Ending:
        """What follows a turn that waits for a new request, asked of core (the misses so far,
        whether the line's number may be texted) before rendering."""
        keys = [p.key for p in prompts]
        if greeting or not prompts or set(keys) <= TO_THE_MENU:
            return Ending("menu")
        if keys[-1] in MISSES:
            return Ending("miss", misses=self.misses())
        number = self.steps_to_offer(prompts)
        return Ending("steps", steps_to=number) if number else Ending("next")

    def after(self, prompts: list[Prompt], end: Ending, greeting: str | None = None,
              offer_spanish: bool = False) -> VoiceResponse:
        """The TwiML of what follows a turn that waits for a new request (``end``: read before)."""
        if end.kind == "miss":
            return self.menu(None, before=prompts, miss=end.misses)
        if end.kind == "steps" and end.steps_to:
            return render.offer_steps(self.speaker, prompts, end.steps_to)
        if end.kind == "next":
            return self.menu("next", before=prompts)
        return self.menu(None, before=prompts, greeting=greeting, offer_spanish=offer_spanish)

    def steps_to_offer(self, prompts: list[Prompt]) -> str | None:
        """The line's number when Apple's steps were just read and a text to it can be sent
        (the number has not opted out, R16); else None."""
        for p in prompts:
            store = p.key in APPLE_STEPS or (p.key == "done_cancel_line" and p.values.get("app_store_plans"))
            number = p.values.get("number")
            if store and isinstance(number, str) and number.startswith("+"):
                try:
                    return None if services.is_opted_out(self.d.db, number) else number
                except Exception:  # noqa: BLE001 - an offer we can't check is not made
                    logging.getLogger("switchboard.ivr").warning("could not check opt-out", exc_info=True)
                    return None
        return None

    def menu(self, sub: str | None, before: Iterable[Prompt] = (), greeting: str | None = None,
             offer_spanish: bool = False, miss: int = 0) -> VoiceResponse:
        return render.menu(self.speaker, sub, before, greeting, offer_spanish, miss)

    def to_person(self, reason: str, before: Iterable[Prompt] = ()) -> VoiceResponse:
        reply = self.conversation.escalate(self.key, self.caller, reason, request_id=self.sid)
        return self._transfer_after(list(before), reply.escalation_id)

    def _transfer_after(self, prompts: Iterable[Prompt], escalation_id: int | None) -> VoiceResponse:
        r = render.say_all(VoiceResponse(), self.speaker, prompts)
        return transfer(r, self.d, self.speaker, escalation_id)
