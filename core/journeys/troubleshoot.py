"""Problems (R11's five fixes) asked for directly, without starting a cancellation: the
caller picks one; guidance is said, or the fixing journey starts (reactivate, change
number, block)."""

from __future__ import annotations

from core.intents import Intent
from core.journeys import Journey, Names, Turn
from core.reply import EXPECT_FIX, Prompt, Reply

FIXES = ("voice_network_mode", "reactivate", "device_settings", "change_number", "block_spam")
# The fixes that are a journey of their own (its PIN and its yes); the others are guidance.
FIX_JOURNEYS = {"reactivate": "reactivate", "change_number": "change_number", "block_spam": "block"}
# What each fix is about, as the agents read it in the console and hear it in a call's whisper
# (English, the agents' language): one table for both.
FIX_TOPICS = {"voice_network_mode": "calls failing (voice network setting)", "reactivate": "a cancelled number",
              "device_settings": "no ringing or texts (phone settings)", "change_number": "a new number",
              "block_spam": "blocking spam calls"}
# Words that name a fix's change besides its journey's own ("I keep getting calls for
# someone else": a new number).
FIX_NAMES = {"change_number": Names.of("wrong_calls")}


def start(c, s, slots: dict, t: Turn) -> Reply:
    fix = slots.get("fix")
    if fix in FIXES:
        return c.take_fix(s, fix, t)
    return Reply([Prompt("ask_fix")], EXPECT_FIX)


def on_fix(c, s, intent: Intent, t: Turn) -> Reply:
    if intent.kind == "choice" and 1 <= intent.value <= len(FIXES):
        s.failed = 0
        fix = FIXES[intent.value - 1]
        c.note(s, f"chose fix {fix}")
        return c.take_fix(s, fix, t)
    return c.unusable(s, t, EXPECT_FIX, Prompt("ask_fix"))


JOURNEY = Journey("troubleshoot", start, needs_line=False, steps={EXPECT_FIX: on_fix}, menu=(None, "3"),
                  prompts=("ask_fix", "fix_steps", "fix_guidance"))
