"""What a caller pressed or said, as the conversation's words: keypad and speech alike."""

from __future__ import annotations

import re

MAIN_KEYS = {"1": "cancel_menu", "2": "refund", "3": "problems", "4": "reactivate",
             "5": "change_number", "6": "block", "7": "unblock", "0": "agent", "*": "repeat"}
CANCEL_KEYS = {"1": "cancel_plan", "2": "cancel_line", "0": "agent", "*": "repeat"}
AGENT_WORDS = ("agent", "person", "representative", "human", "operator", "someone")
# First match wins: longer phrases before the words they contain.
MAIN_SPEECH = [
    (AGENT_WORDS, "agent"),
    (("cancel line", "cancel my line", "whole line", "cancel the line", "close my account",
      "cancel my account", "cancel everything"), "cancel_line"),
    (("cancel plan", "cancel a plan", "cancel my plan", "add on", "addon", "call recording",
      "text archive"), "cancel_plan"),
    (("cancel", "stop", "quit"), "cancel_menu"),
    (("refund", "money back"), "refund"),
    (("problem", "not working", "ring", "text", "calls", "can't hear"), "problems"),
    (("reactivate", "turn back on", "restore"), "reactivate"),
    (("change", "new number", "different number"), "change_number"),
    (("unblock",), "unblock"),
    (("block", "spam"), "block"),
    (("repeat", "again", "menu"), "repeat"),
    (("plans", "status", "balance"), "plans"),
]
CANCEL_SPEECH = [(AGENT_WORDS, "agent"), (("line", "everything", "account"), "cancel_line"),
                 (("plan", "add on", "addon", "feature"), "cancel_plan"), (("repeat", "again"), "repeat")]
YES_SPEECH = ("yes", "yes please", "confirm", "yes confirm", "si")
NO_SPEECH = ("no", "no thanks", "don't", "do not", "keep")
SKIP_SPEECH = ("cancel", "skip", "no", "no thanks", "continue")


def _speech(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", (text or "").casefold()).split())


def _match(speech: str, table) -> str | None:
    padded = f" {speech} "
    for phrases, choice in table:
        if any(f" {p} " in padded for p in phrases):
            return choice
    return None


def main_choice(digits: str, speech: str | None) -> str | None:
    if digits:
        return MAIN_KEYS.get(digits[:1])
    return _match(_speech(speech), MAIN_SPEECH) if speech else None


def cancel_choice(digits: str, speech: str | None) -> str | None:
    if digits:
        return CANCEL_KEYS.get(digits[:1])
    return _match(_speech(speech), CANCEL_SPEECH) if speech else None


def confirm_answer(expect: str, digits: str, speech: str | None) -> str:
    """The caller's answer to what the conversation asked, in its words ('agent' for a person)."""
    said = _speech(speech)
    if said and _match(said, [(AGENT_WORDS, "agent")]):
        return "agent"
    if expect == "confirm":
        if digits:
            return {"1": "yes", "2": "no"}.get(digits, digits)
        return "yes" if said in YES_SPEECH else "no" if said in NO_SPEECH else said
    if expect in ("reason", "offer"):
        if digits == "9" or said in SKIP_SPEECH or " cancel" in f" {said}":
            return "skip"
        if expect == "offer":
            return "fix" if digits == "1" or said in YES_SPEECH else (digits or said)
        return digits or said
    return digits or said
