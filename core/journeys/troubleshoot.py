"""Problems (R11's five fixes) asked for directly, without starting a cancellation: the
caller picks one; guidance is said, or the fixing journey starts (reactivate, change
number, block)."""

from __future__ import annotations

from core.intents import Intent
from core.journeys import Journey, Turn
from core.reply import EXPECT_FIX, Prompt, Reply

FIXES = ("voice_network_mode", "reactivate", "device_settings", "change_number", "block_spam")


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


JOURNEY = Journey("troubleshoot", start, needs_line=False, steps={EXPECT_FIX: on_fix},
                  prompts=("ask_fix", "fix_steps"))
