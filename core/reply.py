"""What a turn of the conversation answers: prompt keys with their values, and what it
expects next. Words are the doors' business (their catalogues, per language)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core import languages

# What the conversation waits for next (the doors gather and understand accordingly).
EXPECT_COMMAND = "command"
EXPECT_PIN = "pin"  # a PIN, or first the line's own number when calling or texting from elsewhere
EXPECT_CODE = "code"  # R21: the one-time code texted to the line's own number
EXPECT_TARGET = "target"  # an admin's choice of line
EXPECT_PLAN = "plan"
EXPECT_REASON = "reason"  # R11: why the caller is leaving
EXPECT_OFFER = "offer"  # R11: take the fix or skip
EXPECT_CONFIRM = "confirm"
EXPECT_BLOCK_NUMBER = "block_number"
EXPECT_FIX = "fix"  # which of the five fixes (troubleshooting)


@dataclass(frozen=True)
class Prompt:
    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reply:
    prompts: list[Prompt]
    expect: str = EXPECT_COMMAND
    offer_person: bool = False  # R15: three failed inputs, a lock, or an outage
    escalation_id: int | None = None  # set when the caller asked for a person
    changed: bool = False  # something was applied
    lang: str = languages.DEFAULT_CODE  # the conversation's language, for the door's catalogue
    values: dict[str, Any] = field(default_factory=dict)  # per-step extras for the door (options)
    # How many of the first prompts answer this turn only (a question answered while a step
    # waits): said once, never kept as the step's question to say again.
    said_once: int = 0

    def keys(self) -> list[str]:
        return [p.key for p in self.prompts]


# Which sentence a door says of a line's state (its words are the door's, per language) -------
def line_condition(values: dict[str, Any]) -> str:
    """A line that can't do what was asked (``refused_line_not_active``): cancelled_until (its
    user cancelled it; it works until ``term_end``), suspended, cancelled, released, inactive."""
    status = values.get("status")
    if status == "cancel_pending" and values.get("term_end"):
        return "cancelled_until"
    return status if status in ("suspended", "cancelled", "released") else "inactive"


def plan_outlook(values: dict[str, Any], short: bool = False) -> str:
    """After a reactivation (issue 12), what its plan does next: none, renews (new_term: from a
    new term that starts today, R12), or ends (``short``: the confirmation's form, without what
    to do)."""
    if not values.get("term_end"):
        return "none_short" if short else "none"
    if values.get("renews"):
        return "new_term" if values.get("new_term") else "renews"  # R12: past its term end, a new one
    return "ends_short" if short else "ends"
