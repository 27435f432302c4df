"""What a caller pressed or said, as the conversation's intents: keypad and speech alike, in
the call's language (vocabulary/). Keys and the words the menus ask for ("say cancel", "say
agent", "español") are read as documented; anything else said is understood by
vocabulary/understand.py (issue 11), and what it understood is logged (label, score,
runner-up: never the words). Speech the recogniser itself was unsure of is not acted on."""

from __future__ import annotations

import math

from core import intents
from core.intents import Intent
from core.journeys.clarify import EXPECT_WHICH
from core.reply import (EXPECT_BLOCK_NUMBER, EXPECT_CODE, EXPECT_CONFIRM, EXPECT_FIX, EXPECT_OFFER, EXPECT_PIN,
                        EXPECT_PLAN, EXPECT_REASON, EXPECT_TARGET)
from vocabulary import Vocabulary, contains, fold, vocabulary
from vocabulary.understand import (SPEECH_FLOOR, VAGUE_CANCEL, Understanding, answer_which, find, fix_choice,
                                   understand)
from web.observe import note

# Each menu at most five options (issue 12); the rest are grouped under "more" (key 4).
MAIN_KEYS = {"1": "cancel_menu", "2": "refund", "3": "problems", "4": "more", "9": "spanish", "0": "agent",
             "*": "repeat"}
MORE_KEYS = {"1": "reactivate", "2": "change_number", "3": "block", "4": "unblock", "0": "agent", "*": "repeat"}
CANCEL_KEYS = {"1": "cancel_plan", "2": "cancel_line", "0": "agent", "*": "repeat"}
# "Anything else?" after a finished task: the menu, or the end of the call.
NEXT_KEYS = {"1": "menu", "2": "goodbye", "0": "agent", "*": "repeat"}
FORGOT_KEY = "8"  # R21 (said at the last PIN try): a one-time code instead of the PIN
# Words the voice menus ask for beyond the conversation's vocabularies, folded.
MORE_WORDS = {"en": ("more", "number", "my number", "other", "other things", "more options"),
              "es": ("mas", "numero", "mi numero", "otro", "otras cosas", "otra cosa", "mas opciones")}
MENU_WORDS = {"en": ("menu", "main menu", "the menu", "yes", "yes please", "yeah", "yep", "sure", "ok", "okay"),
              "es": ("menu", "el menu", "menu principal", "si", "si por favor", "claro", "vale", "bueno")}
GOODBYE_WORDS = {"en": ("goodbye", "good bye", "bye", "bye bye", "no", "no thanks", "no thank you", "nope", "nothing",
                        "nothing else", "that s all", "that s it", "that is all", "i m done", "im done", "done",
                        "all done", "hang up", "end the call"),
                 "es": ("adios", "chao", "no", "no gracias", "nada", "nada mas", "eso es todo", "es todo", "ya",
                        "ya esta", "listo", "terminar", "colgar")}
# The main menu's own words, read before anything is understood: they do what the menu says
# (a language named anywhere; "repeat", "cancel" or "agent" said alone).
LANGUAGE_WORDS = ("spanish", "english")
CANCEL_ALONE = ("cancel", "cancelar")  # "say cancel": the cancel menu asks which


def speech_confidence(raw: str | None) -> float | None:
    """Twilio's Confidence (0.0 to 1.0); None when it sent none or nothing sensible."""
    try:
        value = float((raw or "").strip()[:20])
    except ValueError:
        return None
    return value if math.isfinite(value) and 0.0 <= value <= 1.0 else None


def unsure_speech(speech: str | None, confidence: float | None) -> bool:
    """Speech the recogniser was itself unsure of: asked again, then keys (ivr/views.py)."""
    return bool(speech) and confidence is not None and confidence < SPEECH_FLOOR


def heard(speech: str, lang: str, confidence: float | None = None) -> Understanding:
    got = understand(speech, lang, speech_confidence=confidence)
    note(**got.log())
    return got


def _match(speech: str, table) -> str | None:
    for phrases, choice in table:
        if contains(speech, phrases):
            return choice
    return None


def main_choice(digits: str, speech: str | None, lang: str = "en",
                confidence: float | None = None) -> str | Intent | None:
    """The main menu: a journey's name, or cancel_menu, problems, spanish, english, agent,
    repeat; for speech, also the intent understood (a journey with its slots, or the short
    question that asks which)."""
    if digits:
        choice = MAIN_KEYS.get(digits[:1]) if len(digits) == 1 else None
        return "english" if choice == "spanish" and lang == "es" else choice
    if not speech:
        return None
    said = fold(speech)
    words = vocabulary(lang)
    language = _match(said, [(p, c) for p, c in words.main_menu if c in LANGUAGE_WORDS])
    if language:
        return language
    if said in words.agent:
        return "agent"
    if said in CANCEL_ALONE:
        return "cancel_menu"
    if said in MORE_WORDS.get(lang, ()):
        return "more"
    if said in words.repeat or any(said in p for p, c in words.main_menu if c == "repeat"):
        return "repeat"
    got = heard(speech, lang, confidence)
    if got.sure:
        return {"agent": "agent", "help": "repeat", "opt_out": None, "none": None}.get(got.label, got.intent)
    if got.how == "clarify":
        return "cancel_menu" if got.intent.slot("options") == [[n, {}] for n in VAGUE_CANCEL] else got.intent
    return None


def cancel_choice(digits: str, speech: str | None, lang: str = "en",
                  confidence: float | None = None) -> str | Intent | None:
    """The cancel menu ("a plan or the whole line?"): cancel_plan, cancel_line, agent, repeat;
    for speech, the plan named comes along ("the text archive")."""
    if digits:
        return CANCEL_KEYS.get(digits[:1]) if len(digits) == 1 else None
    if not speech:
        return None
    said = fold(speech)
    choice = _match(said, vocabulary(lang).cancel_menu)
    if choice in ("agent", "repeat"):
        return choice
    f = find(speech, said, lang)
    plan, line = "plan" in f.concepts, "line" in f.concepts
    if f.plan is not None or (plan and not line):  # an add-on named is never the whole line (R4)
        return intents.journey("cancel_plan", plan=f.plan)
    if line and not plan:
        return "cancel_line"
    return choice if not (plan and line) else None  # both or neither named: asked again


def more_choice(digits: str, speech: str | None, lang: str = "en",
                confidence: float | None = None) -> str | Intent | None:
    """The "more" menu (reactivate, change number, block, unblock); speech is understood as
    at the main menu (a caller may name anything)."""
    if digits:
        return MORE_KEYS.get(digits[:1]) if len(digits) == 1 else None
    return main_choice("", speech, lang, confidence)


def next_choice(digits: str, speech: str | None, lang: str = "en",
                confidence: float | None = None) -> str | Intent | None:
    """After a finished task: "menu", "goodbye", agent, repeat, or a new request said
    straight away ("cancel my line")."""
    if digits:
        return NEXT_KEYS.get(digits[:1]) if len(digits) == 1 else None
    said = fold(speech or "")
    if said in GOODBYE_WORDS.get(lang, ()):
        return "goodbye"
    if said in MENU_WORDS.get(lang, ()):
        return "menu"
    return main_choice("", speech, lang, confidence)


def steps_choice(digits: str, speech: str | None, lang: str = "en") -> str:
    """The offer to text Apple's steps: "send", "agent", or anything else "skip"."""
    said = fold(speech or "")
    if digits == "1" or (not digits and (said in vocabulary(lang).yes or said in vocabulary(lang).accept)):
        return "send"
    if digits == "0" or (not digits and wants_agent(speech, lang)):
        return "agent"
    return "skip"


def wants_agent(speech: str | None, lang: str = "en") -> bool:
    """A person, asked for (R15): the menu's word, or said in other words. A sentence that
    merely holds "someone" ("someone keeps calling me") is not a request for one."""
    if not speech:
        return False
    said = fold(speech)
    if said in vocabulary(lang).agent:
        return True
    got = understand(speech, lang)
    return (got.sure and got.label == "agent") or (contains(said, vocabulary(lang).agent) and not got.sure)


def wants_repeat(digits: str, speech: str | None, lang: str = "en") -> bool:
    return digits == "*" or (bool(speech) and fold(speech) in vocabulary(lang).repeat)


def answer(expect: str, digits: str, speech: str | None, lang: str = "en", *, options: list | None = None,
           confidence: float | None = None) -> Intent:
    """The caller's answer to what the conversation asked, as an intent (``options``: what the
    clarifying question offered)."""
    words = vocabulary(lang)
    said = fold(speech or "")
    if expect in (EXPECT_PIN, EXPECT_CODE) and digits == FORGOT_KEY:
        return intents.FORGOT
    if expect in (EXPECT_PIN, EXPECT_CODE, EXPECT_TARGET, EXPECT_BLOCK_NUMBER):
        # Keypad only: nothing keyed here is ever sent to speech recognition or logged.
        kind = intents.pin if expect in (EXPECT_PIN, EXPECT_CODE) else intents.number
        return kind(digits) if digits.isdigit() else intents.UNCLEAR
    if expect == EXPECT_CONFIRM:
        # R18: the confirm key counts only on its own; a longer sequence (a re-typed PIN
        # such as 1357#) confirms nothing.
        if digits:
            return {"1": intents.YES, "2": intents.NO}.get(digits, intents.UNCLEAR)
        return _spoken_answer(said, words)
    if expect == EXPECT_WHICH:
        if digits:
            return intents.choice(int(digits)) if digits in ("1", "2") else intents.UNCLEAR
        if not said:
            return intents.UNCLEAR
        if said in words.yes and len(options or []) == 1:
            return intents.choice(1)
        return answer_which(speech or "", lang, options or [], heard(speech or "", lang, confidence))
    if expect in (EXPECT_PLAN, EXPECT_FIX):
        if digits:
            return intents.choice(int(digits)) if digits.isdigit() and len(digits) <= 2 else intents.UNCLEAR
        if speech and expect == EXPECT_FIX:
            fix = fix_choice(heard(speech, lang, confidence))
            return intents.choice(fix) if fix else intents.UNCLEAR
        return intents.name(speech) if speech and expect == EXPECT_PLAN else intents.UNCLEAR
    if expect == EXPECT_REASON:
        if digits in ("1", "2", "3", "4", "5"):
            return intents.choice(int(digits))
        if digits == "9" or said in words.skip or contains(said, ("cancel", "cancelar")):
            return intents.SKIP
        for i, phrases in enumerate(words.reasons.values(), 1):
            if contains(said, phrases):
                return intents.choice(i)
        fix = fix_choice(heard(speech, lang, confidence)) if speech else None
        return intents.choice(fix) if fix else intents.SKIP  # R11: anything else goes on with the cancellation
    if expect == EXPECT_OFFER:
        return intents.YES if digits == "1" or said in words.accept or said in words.yes else intents.SKIP
    return _spoken_answer(said, words) if said else intents.UNCLEAR


def _spoken_answer(said: str, words: Vocabulary) -> Intent:
    if said in words.yes:
        return intents.YES
    if said in words.no:
        return intents.NO
    if said in words.skip:
        return intents.SKIP
    return intents.UNCLEAR
