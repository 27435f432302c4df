"""The journeys, as data: each module declares one journey (what starts it, whether it needs
a verified line, the steps it owns, how a confirmed proposal is applied through the change
skeleton, and every prompt key it can emit); the conversation dispatches by lookup here.

A new journey is one module, its entry below, its words in each catalogue, and its tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol

from core.state import JourneyData, Kinds, Proposal, hidden  # noqa: F401  (hidden: for the journeys)

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session, sessionmaker

    from core import policy
    from core.intents import Intent
    from core.reply import Prompt, Reply
    from core.services import LineRef, Request, Result
    from core.state import State


@dataclass(frozen=True)
class Turn:
    """What one turn knows besides the state: who asks through what, and when."""

    req: "Request"
    now: dt.datetime


def iso(day: dt.date | str | None) -> str | None:
    """A day as a proposal keeps it: its ISO text (what the State's JSON holds)."""
    return day.isoformat() if isinstance(day, dt.date) else day


@dataclass(frozen=True)
class LineSummary:
    """The chosen line as journeys read it (services.line_summary): its plans are their views."""

    line_id: int
    number: str
    login_id: str | None
    status: str
    status_reason: str | None
    usage_credits: Any
    plans: list[dict[str, Any]]
    number_plan: dict[str, Any] | None
    blocked: list[str]
    own_numbers: list[str]


class Talk(Protocol):
    """What a journey may read and do in the conversation (core/conversation.py implements
    it): read the chosen line, propose a change for the caller's yes, refuse one with a reason,
    say what could not be used, start another journey or hand over to a person, and note what
    happened for the agent. Nothing else of the conversation is a journey's business."""

    db: "sessionmaker[Session]"

    def actor(self, s: "State") -> "LineRef": ...
    def summary(self, s: "State") -> LineSummary: ...
    def line_facts(self, summary: LineSummary) -> "policy.LineFacts": ...
    def line_state(self, summary: LineSummary) -> dict[str, Any]: ...
    def plan_facts(self, p: dict) -> "policy.PlanFacts": ...
    def propose(self, s: "State", t: Turn, proposal: Proposal) -> "Reply": ...
    def refused(self, s: "State", t: Turn, action: str, reason: str, number: str, **values: Any) -> "Reply": ...
    def unusable(self, s: "State", t: Turn, expect: str, again: "Prompt") -> "Reply": ...
    def take_fix(self, s: "State", fix: str, t: Turn) -> "Reply": ...
    def begin(self, s: "State", name: str, slots: dict, t: Turn) -> "Reply": ...
    def to_person(self, s: "State", t: Turn, reason: str) -> "Reply": ...
    def note(self, s: "State", text: str) -> None: ...


Handler = Callable[[Talk, "State", "Intent", Turn], "Reply"]
Start = Callable[[Talk, "State", dict, Turn], "Reply"]
Apply = Callable[..., "Result"]


@dataclass(frozen=True)
class Names:
    """The words that name a journey's change, as the lexicon's concepts (vocabulary/lexicon.py:
    "cancel", "line", "plan", "plan_name" for a product named…): free words may start the
    journey only when they hold every concept of one of ``any_of``, with none of that
    alternative's ``unless`` concepts, none of ``not_negated`` negated ("don't cancel"), and
    no plan named when ``no_plan`` (R4: an add-on named is what is meant, never the line).
    The safety rule of vocabulary/understand.py reads it; no model can override it."""

    any_of: tuple[tuple[frozenset[str], frozenset[str]], ...]
    not_negated: frozenset[str] = frozenset()
    no_plan: bool = False

    @classmethod
    def of(cls, *alternatives: str, not_negated: str = "", no_plan: bool = False) -> "Names":
        """``Names.of("cancel line", "lapsed line -cancel")``: each alternative's concepts,
        those after a minus ruling it out."""
        parsed = []
        for alt in alternatives:
            words = alt.split()
            parsed.append((frozenset(w for w in words if not w.startswith("-")),
                           frozenset(w[1:] for w in words if w.startswith("-"))))
        return cls(tuple(parsed), frozenset(not_negated.split()), no_plan)

    def named_by(self, concepts: frozenset[str], negated: frozenset[str], plan_named: bool) -> bool:
        if (self.no_plan and plan_named) or self.not_negated & negated:
            return False
        return any(needs <= concepts and not unless & concepts for needs, unless in self.any_of)


@dataclass(frozen=True)
class Journey:
    name: str  # what a ``journey(name)`` intent asks for; the pending change's action
    start: Start  # once the caller is verified and the line chosen (or at once when public)
    # (its slots are {"resumed": True} when it goes on after the proposals queued before it, R4)
    needs_line: bool = True  # R8: a verified caller and a chosen line first
    steps: dict[str, Handler] = field(default_factory=dict)  # expect → handler
    apply: Apply | None = None  # a confirmed proposal → services (the change skeleton)
    prompts: tuple[str, ...] = ()  # every prompt key this journey can emit
    changes: bool = False  # proposes changes (confirm_<name> / done_<name>)
    # Said at once to anyone, before identification (public information only, R8).
    before_pin: Callable[..., list] | None = None
    # Its place in the voice menus: (the menu: None for the main one, "cancel", "more"; its key).
    menu: tuple[str | None, str] | None = None
    # A command's words after its name ("CANCEL LINE 0012", "PLANS 2") → the journey's slots.
    command_slots: Callable[[str | None], dict] | None = None
    # Free words → the journey's slots, from the whole sentence's details (vocabulary/slots.py's
    # ``heard``: ``phone``, ``area_code``, ``plan``, ``last4``, ``name``, ``digits``, ``plans``).
    slots_heard: Callable[[dict], dict] | None = None
    # The words that name its change (required of a journey that ``changes``).
    names: Names | None = None
    # What it proposes for the caller's yes (required of a journey that ``changes``).
    proposal: type[Proposal] | None = None
    # What it keeps across turns, in ``State.journey_data[name]``.
    data: type[JourneyData] | None = None
    # The intents whose *questions* this journey answers with facts (R24: "do I keep my
    # credits if I cancel?" is answered by the journey whose ``answers`` holds cancel_line,
    # never turned into that change).
    answers: frozenset[str] = frozenset()
    # For an answer the model may only give when its own words are said (a regular expression
    # over the folded words, every language's): "undo my cancellation", never "I cancelled".
    cue: str = ""
    # Asked for while a change waits, its answer ends that change rather than being said in
    # place (R25: a port asked for at a cancellation's confirmation; a yes then would lose the number).
    ends_in_progress: bool = False


def registry() -> dict[str, Journey]:
    from core.journeys import (agent, block, callback, cancel_line, cancel_plan, change_number, clarify,
                               plans, reactivate, refund, troubleshoot)
    # The information family (R24, R25, R3): questions answered with facts, no change proposed.
    from core.journeys import (appstore, billing, cancel_effects, capabilities, lost_phone, number_info, port_out,
                               term_end, undo_cancel)

    journeys = [plans.JOURNEY, refund.JOURNEY, cancel_plan.JOURNEY, cancel_line.JOURNEY,
                reactivate.JOURNEY, change_number.JOURNEY, block.BLOCK, block.UNBLOCK,
                troubleshoot.JOURNEY, agent.JOURNEY, clarify.JOURNEY, callback.JOURNEY,
                term_end.JOURNEY, cancel_effects.JOURNEY, appstore.JOURNEY, capabilities.JOURNEY,
                port_out.JOURNEY, billing.JOURNEY, undo_cancel.JOURNEY, lost_phone.JOURNEY, number_info.JOURNEY]
    return {j.name: j for j in journeys}


def step_handlers() -> dict[str, Handler]:
    """The journeys' own steps, by what the conversation expects (built once, with the registry)."""
    return STEPS


def _steps() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for j in REGISTRY.values():
        for expect, handler in j.steps.items():
            handlers.setdefault(expect, handler)
    return handlers


def kinds() -> Kinds:
    """What a saved state's proposals and journey data are read as, by the registry."""
    return Kinds(proposals={name: j.proposal for name, j in REGISTRY.items() if j.proposal is not None},
                 data={name: j.data for name, j in REGISTRY.items() if j.data is not None})


def public(values: dict[str, Any]) -> dict[str, Any]:
    """A result's values as prompts may show them (no ids, no timestamps)."""
    return {k: v for k, v in values.items() if k not in ("asked_at", "plan_id", "id", "previous", "action")}


REGISTRY: dict[str, Journey] = {}
STEPS: dict[str, Handler] = {}
KINDS = Kinds({}, {})


def _load() -> None:
    REGISTRY.update(registry())
    STEPS.update(_steps())
    KINDS.proposals.update(kinds().proposals)
    KINDS.data.update(kinds().data)


_load()
