"""What the conversation receives: intents, never words. Each door turns keys, speech and
text into these through its language's vocabulary (vocabulary/), so the core is the same
for every language and channel.

- ``yes`` / ``no`` / ``skip``: an explicit answer (R18: only ``yes`` confirms)
- ``choice(n)``: the n-th option offered (a menu key, a numbered plan, a reason)
- ``pin(digits)``: what was keyed at the PIN step (a PIN, or the line's own number first)
- ``number(digits)``: a phone number or its last digits (a line to choose, a number to block)
- ``name(text)``: the name of something the data holds (a plan's product name)
- ``journey(name, **slots)``: a request to start a journey (``cancel_plan``, plan=…)
- ``forgot``: the PIN is forgotten (R21: a one-time code to the line's own number)
- ``agent`` / ``repeat`` / ``unclear``
- ``question(journey)``: a question about a journey, never the journey itself (R24)
- ``language(code)``: the person switches language (R20); ``goodbye``, ``thanks``, ``greeting``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = frozenset({"yes", "no", "skip", "choice", "pin", "number", "name", "own_line", "journey", "agent",
                   "repeat", "unclear", "forgot", "question", "language", "goodbye", "thanks", "greeting", "wait"})


@dataclass(frozen=True)
class Intent:
    kind: str
    value: Any = None  # choice: int; pin, number: digits; name: text; journey: its name
    slots: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown intent {self.kind!r}")

    def slot(self, key: str) -> Any:
        return self.slots.get(key)


YES = Intent("yes")
NO = Intent("no")
SKIP = Intent("skip")
AGENT = Intent("agent")
REPEAT = Intent("repeat")
UNCLEAR = Intent("unclear")
FORGOT = Intent("forgot")
GOODBYE = Intent("goodbye")
THANKS = Intent("thanks")
GREETING = Intent("greeting")
WAIT = Intent("wait")  # "give me a sec" while a step waits for data: the step waits on


def question(about: str | None, **slots: Any) -> Intent:
    """R24: a question about ``about`` (a journey's name; None: about nothing we know)."""
    return Intent("question", about, {k: v for k, v in slots.items() if v is not None})


def language(code: str) -> Intent:
    return Intent("language", code)


def choice(n: int) -> Intent:
    return Intent("choice", n)


def pin(digits: str) -> Intent:
    return Intent("pin", digits)


def number(digits: str) -> Intent:
    return Intent("number", digits)


def name(text: str) -> Intent:
    return Intent("name", text)


def why_asked(step: str) -> Intent:
    """"Why do you need my PIN?" at the PIN (or the code) prompt: why the step asks (R8, R21),
    then the step again; never a wrong PIN."""
    return Intent("question", None, {"why": step})


def not_ours() -> Intent:
    """Understood, and nothing this bot does ("can you order me a pizza"): said so, with what it
    does and a person (never "didn't get that", never an unusable input)."""
    return Intent("question", None, {"not_ours": True})


def told(about: str | None, **slots: Any) -> Intent:
    """A statement about a change ("I cancelled my line yesterday"): answered with the way to
    ask for it, never the change (R24). A question's intent, said as an offer; the details it
    named (the plan, the number) are kept with it."""
    return Intent("question", about, {**{k: v for k, v in slots.items() if v is not None}, "told": True})


def journey(journey_name: str, **slots: Any) -> Intent:
    return Intent("journey", journey_name, {k: v for k, v in slots.items() if v is not None})
