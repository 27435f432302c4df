"""What a caller pressed or said, as the conversation's intents: keypad and speech alike, in
the call's language (vocabulary/)."""

from __future__ import annotations

from core import intents
from core.intents import Intent
from core.reply import (EXPECT_BLOCK_NUMBER, EXPECT_CONFIRM, EXPECT_FIX, EXPECT_OFFER, EXPECT_PIN, EXPECT_PLAN,
                        EXPECT_REASON, EXPECT_TARGET)
from vocabulary import Vocabulary, contains, fold, vocabulary

MAIN_KEYS = {"1": "cancel_menu", "2": "refund", "3": "problems", "4": "reactivate",
             "5": "change_number", "6": "block", "7": "unblock", "9": "spanish", "0": "agent", "*": "repeat"}
CANCEL_KEYS = {"1": "cancel_plan", "2": "cancel_line", "0": "agent", "*": "repeat"}


def _match(speech: str, table) -> str | None:
    for phrases, choice in table:
        if contains(speech, phrases):
            return choice
    return None


def main_choice(digits: str, speech: str | None, lang: str = "en") -> str | None:
    """The main menu: a journey's name, or cancel_menu, problems, spanish, english, agent, repeat."""
    if digits:
        choice = MAIN_KEYS.get(digits[:1]) if len(digits) == 1 else None
        return "english" if choice == "spanish" and lang == "es" else choice
    return _match(fold(speech), vocabulary(lang).main_menu) if speech else None


def cancel_choice(digits: str, speech: str | None, lang: str = "en") -> str | None:
    if digits:
        return CANCEL_KEYS.get(digits[:1]) if len(digits) == 1 else None
    return _match(fold(speech), vocabulary(lang).cancel_menu) if speech else None


def wants_agent(speech: str | None, lang: str = "en") -> bool:
    return bool(speech) and contains(fold(speech), vocabulary(lang).agent)


def wants_repeat(digits: str, speech: str | None, lang: str = "en") -> bool:
    return digits == "*" or (bool(speech) and fold(speech) in vocabulary(lang).repeat)


def answer(expect: str, digits: str, speech: str | None, lang: str = "en") -> Intent:
    """The caller's answer to what the conversation asked, as an intent."""
    words = vocabulary(lang)
    said = fold(speech or "")
    if expect in (EXPECT_PIN, EXPECT_TARGET, EXPECT_BLOCK_NUMBER):
        # Keypad only: nothing keyed here is ever sent to speech recognition or logged.
        kind = intents.pin if expect == EXPECT_PIN else intents.number
        return kind(digits) if digits.isdigit() else intents.UNCLEAR
    if expect == EXPECT_CONFIRM:
        # R18: the confirm key counts only on its own; a longer sequence (a re-typed PIN
        # such as 1357#) confirms nothing.
        if digits:
            return {"1": intents.YES, "2": intents.NO}.get(digits, intents.UNCLEAR)
        return _spoken_answer(said, words)
    if expect in (EXPECT_PLAN, EXPECT_FIX):
        if digits:
            return intents.choice(int(digits)) if digits.isdigit() and len(digits) <= 2 else intents.UNCLEAR
        return intents.name(speech) if speech and expect == EXPECT_PLAN else intents.UNCLEAR
    if expect == EXPECT_REASON:
        if digits in ("1", "2", "3", "4", "5"):
            return intents.choice(int(digits))
        if digits == "9" or said in words.skip or contains(said, ("cancel", "cancelar")):
            return intents.SKIP
        for i, phrases in enumerate(words.reasons.values(), 1):
            if contains(said, phrases):
                return intents.choice(i)
        return intents.SKIP  # R11: anything else goes on with the cancellation
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
