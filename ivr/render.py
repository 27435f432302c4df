"""A call's turn rendered as TwiML: <Gather> for what the conversation expects next, <Dial>
with a whisper for a person, <Record> for a voicemail. Every later step is a relative URL."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from flask import request, url_for
from twilio.twiml.voice_response import VoiceResponse

from core import outbox, services
from core.conversation import EXPECT_COMMAND, Conversation, Prompt, RedisConversations, Reply
from core.hours import parse_hours
from ivr.prompts import say
from sms.replies import receipt_text
from web.deps import Deps
from web.observe import note

# How each expectation is gathered: PINs and numbers on the keypad only (nothing keyed is
# ever logged; a PIN is never sent to a speech recogniser), choices on keypad or speech.
GATHER = {
    "pin": dict(input="dtmf", finish_on_key="#", timeout=10),
    "block_number": dict(input="dtmf", finish_on_key="#", timeout=10),
    "target": dict(input="dtmf", num_digits=4, timeout=10),
    "confirm": dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto",
                    hints="yes, no, confirm, agent"),
    "reason": dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto",
                   hints="cancel, skip, calls, ringing, texts, number, spam, agent"),
    "offer": dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto",
                  hints="yes, cancel, skip, agent"),
    "plan": dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto"),
}
MENU_GATHER = dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto",
                   hints="cancel, cancel plan, cancel line, refund, problem, reactivate, change number, "
                         "block, agent, repeat")
# Said after the prompts when they don't already ask for it.
HINTS = {"confirm": "hint_confirm", "pin": "ask_pin"}


@lru_cache(maxsize=8)
def _hours(spec: str | None):
    return parse_hours(spec)


def support_open(d: Deps) -> bool:
    if not d.settings.support_number:
        return False
    hours = _hours(d.settings.support_hours)
    return hours is None or hours.open_at(d.clock())


def transfer(r: VoiceResponse, d: Deps, escalation_id: int | None) -> VoiceResponse:
    """To a person (R15): a <Dial> with a whisper, or a voicemail when nobody can answer."""
    brand = d.settings.brand_name
    if support_open(d):
        r.say(say("connecting", brand=brand))
        dial = r.dial(action=url_for("ivr.dial_status", esc=escalation_id), timeout=25)
        dial.number(d.settings.support_number, url=url_for("ivr.whisper", esc=escalation_id))
        return r
    services.update_escalation(d.db, escalation_id, outcome="after_hours" if d.settings.support_number
                               else "no_agent_configured", now=d.clock())
    return voicemail(r, d, escalation_id, "closed")


def voicemail(r: VoiceResponse, d: Deps, escalation_id: int | None, key: str) -> VoiceResponse:
    brand = d.settings.brand_name
    r.say(say(key, brand=brand))
    r.record(action=url_for("ivr.voicemail", esc=escalation_id), max_length=120, finish_on_key="#",
             play_beep=True, timeout=5)
    r.say(say("voicemail_none", brand=brand))
    r.hangup()
    return r


def _clean_digits(raw: str | None) -> str:
    return "".join(ch for ch in (raw or "") if ch in "0123456789*#")[:20]


@dataclass
class Call:
    d: Deps
    sid: str
    caller: str | None
    to: str | None
    digits: str
    speech: str
    conversation: Conversation

    @classmethod
    def from_request(cls, d: Deps) -> "Call":
        form = request.form
        brand = d.settings.brand_name
        conversation = Conversation(
            store=RedisConversations(d.redis), db=d.db, attempts=d.attempts,
            pin_secret=d.settings.pin_secret, clock=d.clock, channel="voice",
            receipt=lambda kind, values: receipt_text(kind, values, brand=brand),
        )
        return cls(d=d, sid=(form.get("CallSid") or "").strip()[:64] or "unknown",
                   caller=(form.get("From") or "").strip()[:40] or None,
                   to=(form.get("To") or "").strip()[:20] or None,
                   digits=_clean_digits(form.get("Digits")).rstrip("#"),
                   speech=(form.get("SpeechResult") or "").strip()[:200],
                   conversation=conversation)

    @property
    def key(self) -> str:
        return f"voice:{self.sid}"

    @property
    def heard(self) -> str:
        return self.digits or self.speech

    def turn(self, event) -> Reply:
        """One turn of this call's conversation; a change's receipt goes by text (R17)."""
        return self.conversation.handle(self.key, self.caller, event, request_id=self.sid,
                                        receipt_to=self.caller, receipt_from=self.to)

    def _say(self, key: str, values: dict | None = None) -> str:
        return say(key, values, brand=self.d.settings.brand_name)

    def respond(self, reply: Reply, greeting: str | None = None) -> VoiceResponse:
        note(step=reply.expect, outcome=",".join(reply.keys()))
        if reply.changed:
            outbox.kick(self.d.queue_redis)
        if reply.escalation_id is not None:
            return self._transfer_after(reply.prompts, reply.escalation_id)
        if reply.offer_person:
            return self.to_person("pin_locked" if "pin_locked" in reply.keys() else "failed_inputs",
                                  before=reply.prompts)
        if reply.expect == EXPECT_COMMAND:
            return self.menu(None, before=reply.prompts, greeting=greeting)
        r = VoiceResponse()
        gather = r.gather(action=url_for("ivr.step", expect=reply.expect), **GATHER[reply.expect])
        if greeting:
            gather.say(self._say(greeting))
        for p in reply.prompts:
            gather.say(self._say(p.key, p.values))
        hint = HINTS.get(reply.expect)
        if hint and hint not in reply.keys():
            gather.say(self._say(hint))
        # No input: the step is asked again (and counts towards R15's three).
        r.redirect(url_for("ivr.step", expect=reply.expect))
        return r

    def menu(self, sub: str | None, before: Iterable[Prompt] = (), greeting: str | None = None) -> VoiceResponse:
        r = VoiceResponse()
        gather = r.gather(action=url_for("ivr.menu", m=sub) if sub else url_for("ivr.menu"), **MENU_GATHER)
        before = list(before)
        if greeting:
            gather.say(self._say(greeting))
        for p in before:
            gather.say(self._say(p.key, p.values))
        if before and not greeting and p.key not in ("unusable", "unknown_command", "problems"):
            gather.say(self._say("anything_else"))
        gather.say(self._say("cancel_menu" if sub == "cancel" else "main_menu"))
        r.redirect(url_for("ivr.menu", m=sub) if sub else url_for("ivr.menu"))
        return r

    def to_person(self, reason: str, before: Iterable[Prompt] = ()) -> VoiceResponse:
        reply = self.conversation.escalate(self.key, self.caller, reason, request_id=self.sid)
        return self._transfer_after(list(before), reply.escalation_id)

    def _transfer_after(self, prompts: Iterable[Prompt], escalation_id: int | None) -> VoiceResponse:
        r = VoiceResponse()
        for p in prompts:
            if p.key != "agent":
                r.say(self._say(p.key, p.values))
        return transfer(r, self.d, escalation_id)
