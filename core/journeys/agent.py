"""AGENT (R15): a person, with what happened so far."""

from __future__ import annotations

from core.journeys import Journey, Turn
from core.reply import Reply


def start(c, s, slots: dict, t: Turn) -> Reply:
    return c.to_person(s, t, "caller_asked")


JOURNEY = Journey("agent", start, needs_line=False, prompts=("agent",))
