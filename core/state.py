"""One conversation's state, as kept in Redis between turns (core/conversation.py keeps it,
with a time-to-live): a typed record of plain values, read by the conversation and, through
its narrow interface, by the journeys (core/journeys/)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from core import languages
from core.reply import EXPECT_COMMAND


@dataclass
class State:
    """One conversation, as kept in Redis between turns."""

    caller: str | None = None
    lang: str = languages.DEFAULT_CODE
    step: str = EXPECT_COMMAND
    journey: str | None = None  # what the caller asked for
    slots: dict[str, Any] = field(default_factory=dict)
    pin_lines: list[int] = field(default_factory=list)  # the lines a PIN is checked against
    pin_identity: str | None = None  # who claims them (counted by R9 when no line matches)
    actor: dict[str, Any] | None = None  # the verified line (a LineRef)
    target: int | None = None  # the line acted on
    pending: dict[str, Any] | None = None  # the proposal awaiting its yes
    queue: list[dict[str, Any]] = field(default_factory=list)  # R4: add-ons, then the line
    failed: int = 0  # unusable inputs in a row (R15)
    offers_made: int = 0  # R11: at most one
    reason_asked: bool = False
    offer: str | None = None
    options: list[list[Any]] = field(default_factory=list)
    plans_page: int = 1
    dropped: str | None = None  # a request a consent word interrupted (R16), until opted back in
    history: list[str] = field(default_factory=list)
    last: list[list[Any]] = field(default_factory=list)  # what was said last (repeat)
    verified_at: str | None = None  # when the PIN (or code) verified ``actor`` (issue 23)

    def to_json(self) -> str:
        # vars(): the fields are plain values, so asdict's deep copy would only cost (issue 16).
        return json.dumps(vars(self), default=str)

    @classmethod
    def from_json(cls, raw: str | None) -> "State | None":
        if not raw:
            return None
        data = json.loads(raw)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
