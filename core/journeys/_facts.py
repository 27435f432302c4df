"""What every information journey shares: a public answer said at once (R8: facts anyone may
hear, no account detail), which starts no change and leaves nothing in progress (R24)."""

from __future__ import annotations

from core.journeys import Journey, Turn
from core.reply import Prompt, Reply


def said(key: str, values: dict | None = None):
    """A journey's start that says one prompt and ends the journey."""
    def start(c, s, slots: dict, t: Turn) -> Reply:
        s.journey = None
        c.note(s, f"answered {key}")
        return Reply([Prompt(key, dict(values or {}))])
    return start


def answer(name: str, key: str, answers: frozenset[str] = frozenset(), values: dict | None = None,
           cue: str = "", ends_in_progress: bool = False, slots_heard=None) -> Journey:
    """A public answer: no PIN, no line, no change (its words are the catalogues' ``key``);
    ``slots_heard`` keeps what the sentence named (the plan an undoing is about)."""
    return Journey(name, said(key, values), needs_line=False, prompts=(key,), answers=answers, cue=cue,
                   ends_in_progress=ends_in_progress, slots_heard=slots_heard)
