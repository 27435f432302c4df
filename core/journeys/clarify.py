"""WHICH (issue 11): a request understood only in part ("I wanna cancel": a plan or the whole
line?), or below the confidence threshold, gets one short question offering the two likeliest
journeys. The answer is ``choice(1|2)`` or the journey asked for outright; an unclear answer
asks once more, and the next one offers a person (R15: the engine counts the failures, and the
unclear request itself counts as the first). Nothing is started until the caller chooses;
every change still needs its PIN and its explicit yes (R10, R18)."""

from __future__ import annotations

from core.intents import Intent
from core.journeys import REGISTRY, Journey, Turn
from core.reply import EXPECT_COMMAND, Prompt, Reply

EXPECT_WHICH = "which"


def options_of(slots: dict) -> list[list]:
    """The offered journeys as [[name, slots], ...]: known journeys only, at most two."""
    found = []
    for option in slots.get("options") or []:
        if (isinstance(option, (list, tuple)) and len(option) == 2 and option[0] in REGISTRY
                and option[0] != "clarify" and isinstance(option[1], dict)
                and all(option[0] != name for name, _ in found)):  # never the same thing twice
            found.append([option[0], dict(option[1])])
    return found[:2]


def _ask(options: list[list]) -> Prompt:
    return Prompt("ask_which", {"options": [name for name, _ in options]})


def start(c, s, slots: dict, t: Turn) -> Reply:
    options = options_of(slots)
    if not options:
        s.journey = None
        return c.unusable(s, t, EXPECT_COMMAND, Prompt("unknown_command"))
    s.slots = {"options": options}
    s.failed = 1  # the request, as it stood, could not be used
    c.note(s, "asked which: " + " or ".join(name for name, _ in options))
    return Reply([_ask(options)], EXPECT_WHICH)


def on_which(c, s, intent: Intent, t: Turn) -> Reply:
    options = options_of(s.slots)
    if intent.kind == "choice" and 1 <= intent.value <= len(options):
        name, slots = options[intent.value - 1]
        c.note(s, f"chose {name}")
        return c.begin(s, name, {**slots, **intent.slots}, t)  # with what the answer named ("the archive one")
    if not options:
        return c.unusable(s, t, EXPECT_COMMAND, Prompt("unknown_command"))
    return c.unusable(s, t, EXPECT_WHICH, _ask(options))


JOURNEY = Journey("clarify", start, needs_line=False, steps={EXPECT_WHICH: on_which}, prompts=("ask_which",))
