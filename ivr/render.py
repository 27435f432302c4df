"""A call's turn rendered as TwiML, and nothing else (no database, no Redis): <Gather> for
what the conversation expects next, <Dial> with a whisper for a person, <Record> for a
voicemail. Every later step is a relative URL; a Spanish call's URLs carry ``lang=es`` (the
URL is signed by Twilio, so the caller can't change it) and its every <Say> and <Gather>
speaks Spanish."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from flask import url_for
from twilio.twiml.voice_response import VoiceResponse

from core.reply import Prompt
from ivr.prompts import say

# Voice and recogniser settings per language, in one place.
VOICE = {"en": {"language": "en-US"}, "es": {"language": "es-US"}}
# Phrases the recogniser should expect at each step (Twilio's <Gather hints>): the menus' own
# words first, then what people say instead (issue 11: vocabulary/understand.py reads it).
SPEECH_HINTS = {
    "en": {"confirm": "yes, no, confirm, agent", "reason": "cancel, skip, calls, ringing, texts, number, spam, agent",
           "offer": "yes, cancel, skip, agent",
           "fix": "calls, reactivate, ringing, change number, spam, agent, calls keep dropping, "
                  "my phone doesn't ring, I don't get texts, spam calls, I don't like my number",
           "plan": "text archive, call recording, the first one, agent",
           "which": "one, two, the first one, the second one, the plan, the whole line, yes, agent",
           "menu": "cancel, cancel plan, cancel line, refund, problem, reactivate, change number, block, agent, "
                   "repeat, español, plan, line, add-on, cancel my line, cancel my plan, text archive, "
                   "call recording, I want my money back, what plans do I have, my phone doesn't ring, "
                   "calls keep dropping, spam calls, turn my number back on, a new number, unblock a number, "
                   "talk to a real person"},
    "es": {"confirm": "sí, no, confirmo, agente", "reason": "cancelar, omitir, llamadas, timbre, mensajes, número, "
                                                            "spam, agente",
           "offer": "sí, cancelar, omitir, agente",
           "fix": "llamadas, reactivar, timbre, cambiar número, spam, agente, se cortan las llamadas, "
                  "mi teléfono no suena, no me llegan los mensajes, llamadas de spam, no me gusta mi número",
           "plan": "text archive, call recording, el primero, agente",
           "which": "uno, dos, el primero, el segundo, el plan, toda la línea, sí, agente",
           "menu": "cancelar, cancelar plan, cancelar línea, reembolso, problema, reactivar, cambiar número, "
                   "bloquear, agente, repetir, inglés, plan, línea, complemento, cancelar mi línea, "
                   "cancelar mi plan, quiero mi dinero, qué planes tengo, mi teléfono no suena, "
                   "se cortan las llamadas, llamadas de spam, reactivar mi número, un número nuevo, "
                   "desbloquear un número, hablar con una persona"},
}
# How each expectation is gathered: PINs and numbers on the keypad only (nothing keyed is
# ever logged; a PIN is never sent to a speech recogniser), choices on keypad or speech.
GATHER = {
    "pin": dict(input="dtmf", finish_on_key="#", timeout=10),
    "block_number": dict(input="dtmf", finish_on_key="#", timeout=10),
    "target": dict(input="dtmf", num_digits=4, timeout=10),
    # R18: not one digit but up to the pound key or a pause, so that a re-typed PIN
    # ("1357#") arrives whole and confirms nothing.
    "confirm": dict(input="dtmf speech", finish_on_key="#", timeout=4, speech_timeout="auto"),
    "reason": dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto"),
    "offer": dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto"),
    "plan": dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto"),
    "fix": dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto"),
    "which": dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto"),  # issue 11's question
}
MENU_GATHER = dict(input="dtmf speech", num_digits=1, timeout=6, speech_timeout="auto")
# Said after the prompts when they don't already ask for it.
HINTS = {"confirm": "hint_confirm", "pin": "ask_pin"}


@dataclass(frozen=True)
class Speaker:
    """Words and URLs in the call's language and brand."""

    brand: str
    lang: str = "en"

    def text(self, key: str, values: dict | None = None) -> str:
        return say(key, values, brand=self.brand, lang=self.lang)

    def say(self, node, key: str, values: dict | None = None, lang: str | None = None) -> None:
        lang = lang or self.lang
        node.say(say(key, values, brand=self.brand, lang=lang), **VOICE[lang])

    def url(self, endpoint: str, **args) -> str:
        if self.lang != "en":
            args["lang"] = self.lang
        return url_for(endpoint, **{k: v for k, v in args.items() if v is not None})

    def gather(self, r: VoiceResponse, action: str, expect: str, settings: dict):
        hints = SPEECH_HINTS[self.lang].get(expect)
        extra = {"hints": hints} if hints and "speech" in settings.get("input", "") else {}
        return r.gather(action=action, **settings, **extra, **VOICE[self.lang])


def step(sp: Speaker, expect: str, prompts: Iterable[Prompt], greeting: str | None = None) -> VoiceResponse:
    """Ask for what the conversation expects; no input asks again (R15 counts it)."""
    r = VoiceResponse()
    prompts = list(prompts)
    gather = sp.gather(r, sp.url("ivr.step", expect=expect), expect, GATHER[expect])
    if greeting:
        sp.say(gather, greeting)
    for p in prompts:
        sp.say(gather, p.key, p.values)
    hint = HINTS.get(expect)
    if hint and hint not in [p.key for p in prompts]:
        sp.say(gather, hint)
    r.redirect(sp.url("ivr.step", expect=expect))
    return r


def menu(sp: Speaker, sub: str | None, before: Iterable[Prompt] = (), greeting: str | None = None,
         offer_spanish: bool = False) -> VoiceResponse:
    r = VoiceResponse()
    gather = sp.gather(r, sp.url("ivr.menu", m=sub), "menu", MENU_GATHER)
    before = list(before)
    if greeting:
        sp.say(gather, greeting)
    if offer_spanish:
        sp.say(gather, "offer_spanish", lang="es")  # R20: offered in Spanish, before the English menu
    for p in before:
        sp.say(gather, p.key, p.values)
    if before and not greeting and before[-1].key not in ("unusable", "unknown_command", "problems", "speech_keys"):
        sp.say(gather, "anything_else")
    sp.say(gather, "cancel_menu" if sub == "cancel" else "main_menu")
    r.redirect(sp.url("ivr.menu", m=sub))
    return r


def say_all(r: VoiceResponse, sp: Speaker, prompts: Iterable[Prompt]) -> VoiceResponse:
    for p in prompts:
        if p.key != "agent":
            sp.say(r, p.key, p.values)
    return r


def transfer(r: VoiceResponse, sp: Speaker, escalation_id: int | None, *, dial_to: str | None) -> VoiceResponse:
    """To a person (R15): a <Dial> with a whisper when someone can answer (``dial_to``), else
    a voicemail."""
    if dial_to:
        sp.say(r, "connecting")
        dial = r.dial(action=sp.url("ivr.dial_status", esc=escalation_id), timeout=25)
        dial.number(dial_to, url=url_for("ivr.whisper", esc=escalation_id))
        return r
    return voicemail(r, sp, escalation_id, "closed")


def voicemail(r: VoiceResponse, sp: Speaker, escalation_id: int | None, key: str) -> VoiceResponse:
    """A message after the tone, transcribed by Twilio for the console; or * during it for a
    call back instead (ivr.callbacks)."""
    from ivr import callbacks

    sp.say(r, key)
    callbacks.offer(r, sp.lang)
    # Twilio transcribes English only: a Spanish message is kept as the recording alone.
    transcribe = (dict(transcribe=True, transcribe_callback=url_for("callbacks.transcription", esc=escalation_id))
                  if sp.lang == "en" else {})
    r.record(action=sp.url("ivr.voicemail", esc=escalation_id), max_length=120, finish_on_key="#*",
             play_beep=True, timeout=5, **transcribe)
    # Without a recording: the request stands when there is one, else nothing was kept.
    sp.say(r, "voicemail_none" if escalation_id is not None else "voicemail_nothing")
    r.hangup()
    return r
