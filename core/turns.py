"""One turn, as every door hands it over, and what it means.

A door only parses its transport: a text's body, a call's keys or speech (and the
recogniser's confidence) become a ``Turn``, with the door it came through, the conversation's
language and what the current step expects. One shared interpreter
(``vocabulary.interpret.interpret``: it reads words, which core never does) turns every
``Turn`` into an ``Interpretation``: the act (what kind of thing the caller did), the intent
the conversation receives (core/intents.py, with its slots) and, for the logs, what the
understanding model made of free words. The door then renders the conversation's ``Reply``.

Every step hears every act (issue 21): a person, a forgotten PIN, a language switch, a
goodbye, a question (R24) or a new request is the same act whatever the step waits for; a
hesitation ("wait", "never mind") is a ``no``, which ends the request in progress (R18).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import intents
from core.intents import Intent
from core.reply import EXPECT_PLAN

# What a caller can do in one turn.
REQUEST = "request"  # asks for a journey (its intent carries the journey and its slots)
ANSWER = "answer"  # answers the step's question: a choice, a PIN, a number, a name
YES = "yes"  # an explicit yes (R18: the only thing that confirms)
NO = "no"
SKIP = "skip"  # skips the question or the offer and goes on (R11)
PERSON = "person"  # asks for a person (R15)
FORGOT_PIN = "forgot_pin"  # R21: a one-time code instead of the PIN
REPEAT = "repeat"
UNCLEAR = "unclear"  # nothing usable (R15 counts it)
MENU = "menu"  # opens a voice menu (``value``: its name; None: the main one)
LANGUAGE = "language"  # switches the conversation's language (``value``: the code)
GOODBYE = "goodbye"  # ends the call
OPT_OUT = "opt_out"  # R16's consent words, and HELP
OPT_IN = "opt_in"
HELP = "help"
EMPTY = "empty"  # nothing but media, or nothing at all
QUESTION = "question"  # asks about something (R24: never starts a change)
THANKS = "thanks"
GREETING = "greeting"
HESITATION = "hesitation"  # "wait", "never mind", "mejor no": the conversation receives a no (R18)
STATEMENT = "statement"  # tells something ("someone keeps calling me"); its intent is what it leads to
DONT_KNOW = "dont_know"  # "I don't know", "no sé": its intent is what that means at the step
ACTS = frozenset({REQUEST, ANSWER, YES, NO, SKIP, PERSON, FORGOT_PIN, REPEAT, UNCLEAR, MENU, LANGUAGE, GOODBYE,
                  OPT_OUT, OPT_IN, HELP, EMPTY, QUESTION, THANKS, GREETING, HESITATION, STATEMENT, DONT_KNOW})

# What a voice menu expects (``Turn.expects``): the main menu and its sub-menus.
MENU_EXPECT = "menu"


def menu_expect(sub: str | None) -> str:
    return MENU_EXPECT if sub is None else f"{MENU_EXPECT}:{sub}"


@dataclass(frozen=True)
class Turn:
    """What one door received in one turn, parsed from its transport and nothing more."""

    door: str  # the request's channel: "sms", "voice", …
    lang: str  # the conversation's language (the words may tell another: the interpreter says)
    expects: str  # what the current step expects (core.reply EXPECT_*, or a voice menu: menu_expect)
    text: str = ""  # typed words (a text message, a chat)
    keys: str = ""  # keypad keys (a call)
    speech: str = ""  # what the recogniser heard (a call)
    confidence: float | None = None  # the recogniser's confidence in ``speech``
    options: tuple = ()  # what the question offered, ((journey, slots), …): ``offered``
    read: Any = None  # the door's first reading of typed words (consent and commands), when it made one

    @property
    def typed(self) -> bool:
        return not self.keys and not self.speech


@dataclass(frozen=True)
class Interpretation:
    act: str
    intent: Intent = intents.UNCLEAR  # what the conversation receives
    value: Any = None  # MENU: the menu's name; LANGUAGE: the code
    lang: str | None = None  # the language the words were written in, when they tell
    understood: Any = None  # what the understanding model made of free words (its log(), never the words)
    unsure_speech: bool = False  # speech the recogniser itself was unsure of: not acted on

    def __post_init__(self) -> None:
        if self.act not in ACTS:
            raise ValueError(f"unknown act {self.act!r}")

    @property
    def slots(self) -> dict[str, Any]:
        return dict(self.intent.slots)


_ACT_OF_INTENT = {"journey": REQUEST, "yes": YES, "no": NO, "skip": SKIP, "agent": PERSON, "forgot": FORGOT_PIN,
                  "repeat": REPEAT, "unclear": UNCLEAR, "choice": ANSWER, "pin": ANSWER, "number": ANSWER,
                  "name": ANSWER, "own_line": ANSWER, "question": QUESTION, "language": LANGUAGE, "goodbye": GOODBYE,
                  "thanks": THANKS, "greeting": GREETING}


def of_intent(intent: Intent, **more: Any) -> Interpretation:
    """The interpretation whose act is the intent's own kind of act."""
    return Interpretation(_ACT_OF_INTENT[intent.kind], intent, **more)


# The steps whose question offers choices a door hands over with the turn (``Turn.options``):
# the clarifying question's (core/journeys/clarify.py's EXPECT_WHICH) and "which plan?".
OFFERING_STEPS = ("which", EXPECT_PLAN)


def offered(state, step: str) -> tuple:
    """What the question being answered offered, as ((journey, slots), …): at the clarifying
    question its journeys (issue 11: "the line" means the one that names it); at "which plan?"
    the plans it listed (a plan's own name is the answer, whatever else its words could ask)."""
    if state is None or state.step != step:
        return ()
    if step == "which":
        return tuple(state.slots.get("options") or ())
    if step == EXPECT_PLAN:
        return tuple(("cancel_plan", {"plan": str(o[1])}) for o in state.options if len(o) > 1)
    return ()
