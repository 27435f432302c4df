"""A call's turn rendered as TwiML, and nothing else (no database, no Redis): <Gather> for
what the conversation expects next, <Dial> with a whisper for a person, <Record> for a
voicemail. Every later step is a relative URL; a Spanish call's URLs carry ``lang=es`` (the
URL is signed by Twilio, so the caller can't change it) and its every <Say> and <Gather>
speaks Spanish. Every <Say> carries the voice configured for its language and every speech
<Gather> the recogniser settings (VOICE_EN, VOICE_ES, SPEECH_*: core/voice_settings.py); the
hints per step are here."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Iterable

from functools import lru_cache

from flask import current_app, request, url_for
from twilio.twiml.voice_response import VoiceResponse

from core import languages
from core.reply import Prompt
from core.voice_settings import Speech
from ivr.prompts import say

# Phrases the recogniser should expect at each step (Twilio's <Gather hints>), per language:
# the module the language registry names for them (ivr/hints_<code>.py).
def speech_hints(lang: str) -> dict[str, str]:
    return import_module(languages.get(lang).catalogues["voice_hints"]).HINTS


# How each expectation is gathered: PINs and numbers on the keypad only (nothing keyed is
# ever logged; a PIN is never sent to a speech recogniser), choices on keypad or speech.
GATHER = {
    "pin": dict(input="dtmf", finish_on_key="#", timeout=10),
    "code": dict(input="dtmf", finish_on_key="#", timeout=10),  # R21's one-time code
    "block_number": dict(input="dtmf", finish_on_key="#", timeout=10),
    "target": dict(input="dtmf speech", num_digits=4, timeout=10),  # the last 4 digits, or the user's name
    # R18: not one digit but up to the pound key or a pause, so that a re-typed PIN
    # ("1357#") arrives whole and confirms nothing.
    "confirm": dict(input="dtmf speech", finish_on_key="#", timeout=4),
    "reason": dict(input="dtmf speech", num_digits=1, timeout=6),
    "offer": dict(input="dtmf speech", num_digits=1, timeout=6),
    "plan": dict(input="dtmf speech", num_digits=1, timeout=6),
    "fix": dict(input="dtmf speech", num_digits=1, timeout=6),
    "which": dict(input="dtmf speech", num_digits=1, timeout=6),  # issue 11's question
}
MENU_GATHER = dict(input="dtmf speech", num_digits=1, timeout=6)
# Said after the prompts when they don't already ask for it.
HINTS = {"confirm": "hint_confirm", "pin": "ask_pin"}
ASKS_ITSELF = frozenset({"code_which_line", "ask_pin_for_line", "code_opted_out"})
# The menus (issue 12): each one's words in full, then tapered after a miss (ivr/prompts.py).
MENUS = {None: ("main_menu", "main_menu_brief", "main_menu_names"),
         "cancel": ("cancel_menu", "cancel_menu_brief", "cancel_menu_names"),
         "more": ("more_menu", "more_menu_brief", "more_menu_names"),
         "next": ("anything_else", "anything_else_brief", "anything_else_names")}
# Said in one language whatever the call's: the offer of the other (R20).
SAID_IN = languages.by_offer()


@dataclass(frozen=True)
class Speaker:
    """Words and URLs in the call's language and brand, said and heard with the voice and the
    recogniser settings configured for that language (core/voice_settings.py)."""

    brand: str
    lang: str = languages.DEFAULT_CODE
    speech: Speech = field(default_factory=Speech)

    @classmethod
    def of(cls, settings, lang: str = languages.DEFAULT_CODE) -> "Speaker":
        return cls(settings.brand_name, lang, settings.speech)

    def text(self, key: str, values: dict | None = None) -> str:
        return say(key, values, brand=self.brand, lang=self.lang)

    def say(self, node, key: str, values: dict | None = None, lang: str | None = None) -> None:
        lang = lang or SAID_IN.get(key) or self.lang
        node.say(say(key, values, brand=self.brand, lang=lang), **self.speech.say(lang))

    def say_text(self, node, text: str, lang: str | None = None) -> None:
        """Words that aren't a catalogue's (the agent's whisper), in ``lang``'s voice."""
        node.say(text, **self.speech.say(lang or self.lang))

    def url(self, endpoint: str, **args) -> str:
        if self.lang != languages.DEFAULT_CODE:
            args["lang"] = self.lang
        given = tuple((k, v) for k, v in args.items() if v is not None)
        return _url(current_app.url_map, request.script_root, endpoint, given)

    def gather(self, r: VoiceResponse, action: str, expect: str, settings: dict):
        if "speech" not in settings.get("input", ""):
            return r.gather(action=action, **settings, language=self.speech.say(self.lang)["language"])
        hints = speech_hints(self.lang).get(expect)
        extra = {"hints": hints} if hints else {}
        return r.gather(action=action, **settings, **extra, **self.speech.gather(self.lang))


@lru_cache(maxsize=512)
def _url(url_map, script_root: str, endpoint: str, args: tuple) -> str:
    """A step's relative URL, built once: the same app's routes, the same mount point and the
    same arguments (a step, a menu, a language, an escalation's id) make the same URL."""
    return url_for(endpoint, **dict(args))


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
    keys = [p.key for p in prompts]
    # Not after a question of its own at the same step (the line's number for a code, R21).
    if hint and hint not in keys and not set(keys) & ASKS_ITSELF:
        sp.say(gather, hint)
    r.redirect(sp.url("ivr.step", expect=expect))
    return r


def menu(sp: Speaker, sub: str | None, before: Iterable[Prompt] = (), greeting: str | None = None,
         offer_spanish: bool = False, miss: int = 0) -> VoiceResponse:
    """A menu (``sub``: None for the main one, ``cancel``, ``more``, or ``next``: "anything
    else?" after a finished task): in full, or after ``miss`` misses in a row its options named
    briefly (1), then its names alone (2 and on); a third miss is a person's (ivr.views)."""
    r = VoiceResponse()
    gather = sp.gather(r, sp.url("ivr.menu", m=sub), "next" if sub == "next" else "menu", MENU_GATHER)
    if greeting:
        sp.say(gather, greeting)
    if offer_spanish:
        _offer_languages(sp, gather)  # R20: each other language offered in its own words, before the menu
    for p in before:
        sp.say(gather, p.key, p.values)
    if miss == 1 and sub is None and sp.lang == languages.DEFAULT_CODE:
        _offer_languages(sp, gather)  # who didn't follow the menu may want another language
    sp.say(gather, MENUS[sub][min(max(miss, 0), 2)])
    r.redirect(sp.url("ivr.menu", m=sub))
    return r


def _offer_languages(sp: Speaker, node) -> None:
    for code in languages.others(sp.lang):
        offer = languages.get(code).offer_prompt
        if offer:
            sp.say(node, offer)


def offer_steps(sp: Speaker, before: Iterable[Prompt], number: str) -> VoiceResponse:
    """Apple's steps were read: offer them by text to the line's own number (issue 12). No
    answer goes on to "anything else?"."""
    r = VoiceResponse()
    gather = sp.gather(r, sp.url("ivr.menu", m="steps"), "steps", MENU_GATHER)
    for p in before:
        sp.say(gather, p.key, p.values)
    sp.say(gather, "offer_text_steps", {"number": number})
    r.redirect(sp.url("ivr.menu", m="steps"))
    return r


def goodbye(sp: Speaker) -> VoiceResponse:
    """The caller is done: a short goodbye, and the call ends."""
    r = VoiceResponse()
    sp.say(r, "goodbye")
    r.hangup()
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
        dial.number(dial_to, url=url_for("agent_leg.whisper", esc=escalation_id))
        return r
    return voicemail(r, sp, escalation_id, "closed")


def voicemail(r: VoiceResponse, sp: Speaker, escalation_id: int | None, key: str) -> VoiceResponse:
    """A message after the tone, transcribed by Twilio for the console; or * during it for a
    call back instead (ivr.callbacks)."""
    from ivr import callbacks

    sp.say(r, key)
    callbacks.offer(r, sp.lang, sp.speech)
    # Twilio transcribes some languages only (English): another's message is kept as the recording alone.
    transcribe = (dict(transcribe=True, transcribe_callback=url_for("callbacks.transcription", esc=escalation_id))
                  if languages.get(sp.lang).transcribed else {})
    r.record(action=sp.url("ivr.voicemail", esc=escalation_id), max_length=120, finish_on_key="#*",
             play_beep=True, timeout=5, **transcribe)
    # Without a recording: the request stands when there is one, else nothing was kept.
    sp.say(r, "voicemail_none" if escalation_id is not None else "voicemail_nothing")
    r.hangup()
    return r
