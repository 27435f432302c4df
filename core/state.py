"""One conversation's state, as kept in Redis between turns (core/conversation.py keeps it,
with a time-to-live): a typed record of plain values, read by the conversation and, through
its narrow interface, by the journeys (core/journeys/). What a journey keeps in it is its
own: the proposal awaiting the caller's yes (a ``Proposal``, one dataclass per changing
journey) and its ``JourneyData``; the registry says which is whose (``Kinds``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, ClassVar, Mapping

from core import languages
from core.reply import EXPECT_COMMAND, EXPECT_CONFIRM


def hidden(default: Any = MISSING) -> Any:
    """A proposal's field the prompts never show (an id, a timestamp)."""
    return field(default=default, metadata={"shown": False})


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """A change awaiting the caller's yes (R10, R18): each changing journey declares its own,
    with typed fields, so a misspelt one fails where it is built, not where it is said. It
    holds plain values only (days as ISO text), as the State's JSON keeps them."""

    action: ClassVar[str] = ""
    number: str  # the line's number, as shown
    id: str = hidden("")  # makes the confirmation once only (R13)
    asked_at: str = hidden("")  # when it was asked (R18's window)

    def shown(self) -> dict[str, Any]:
        """The values its prompts may show (no ids, no timestamps)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.metadata.get("shown", True)}

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, **{f.name: getattr(self, f.name) for f in fields(self)}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Proposal":
        """Its fields from the State's JSON; a field it needs and does not find is a TypeError."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def asked(self, at: dt.datetime, change_id: str) -> "Proposal":
        return replace(self, id=change_id, asked_at=at.isoformat())


class JourneyData:
    """The state one journey keeps across turns (``State.journey_data[name]``): a journey's own
    small dataclass of plain values, built empty when the journey has kept nothing yet."""

    journey: ClassVar[str] = ""

    @classmethod
    def of(cls, s: "State"):
        data = s.journey_data.get(cls.journey)
        if not isinstance(data, cls):
            data = cls.from_json(data if isinstance(data, dict) else {})
            s.journey_data[cls.journey] = data
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]):
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    def begun(self) -> None:
        """Another journey began: forget what belongs to one request only (default: nothing)."""


@dataclass(frozen=True)
class Kinds:
    """What a saved state's proposals (by action) and journey data (by journey) are read as:
    derived from the journey registry (core.journeys.KINDS)."""

    proposals: dict[str, type[Proposal]]
    data: dict[str, type[JourneyData]]

    def proposal(self, data: Any) -> Proposal | None:
        """A saved proposal; None when it can no longer be read (saved by an earlier version
        without a field this one needs)."""
        kind = self.proposals.get(data.get("action") or "") if isinstance(data, dict) else None
        if kind is None:
            return None
        try:
            return kind.from_json(data)
        except TypeError:
            return None

    def journey_data(self, data: Mapping[str, Any]) -> dict[str, JourneyData]:
        """Each journey's own data; the previous version kept its fields at the state's top."""
        kept: dict[str, dict[str, Any]] = {}
        for name, kind in self.data.items():
            top = {f.name: data[f.name] for f in fields(kind) if f.name in data}  # type: ignore[arg-type]
            if top:
                kept[name] = top
        for name, values in (data.get("journey_data") or {}).items():
            if isinstance(values, dict):
                kept.setdefault(name, {}).update(values)
        return {name: self.data[name].from_json(values) for name, values in kept.items() if name in self.data}


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
    pending: Proposal | None = None  # the proposal awaiting its yes
    # R4: what comes after the yes: proposals (the add-ons), then a journey's name (the line).
    queue: list[Proposal | str] = field(default_factory=list)
    failed: int = 0  # unusable inputs in a row (R15)
    options: list[list[Any]] = field(default_factory=list)
    journey_data: dict[str, JourneyData] = field(default_factory=dict)  # each journey's own, by name
    dropped: str | None = None  # a request a consent word interrupted (R16), until opted back in
    history: list[str] = field(default_factory=list)
    last: list[list[Any]] = field(default_factory=list)  # what was said last (repeat)
    verified_at: str | None = None  # when the PIN (or code) verified ``actor`` (issue 23)

    def to_json(self) -> str:
        # vars(): the other fields are plain values, so asdict's deep copy would only cost (issue 16).
        data = dict(vars(self))
        data["pending"] = self.pending.to_json() if self.pending is not None else None
        data["queue"] = [{"action": q} if isinstance(q, str) else q.to_json() for q in self.queue]
        data["journey_data"] = {name: d.to_json() for name, d in self.journey_data.items()}
        return json.dumps(data, default=str)

    @classmethod
    def from_json(cls, raw: str | None, kinds: Kinds) -> "State | None":
        """A saved state, also one saved by the previous version (proposals as dicts, the
        journeys' own fields at the top): a proposal that can't be read any more is dropped."""
        if not raw:
            return None
        data = json.loads(raw)
        known = {f.name for f in fields(cls)} - {"pending", "queue", "journey_data"}
        s = cls(**{k: v for k, v in data.items() if k in known})
        s.journey_data = kinds.journey_data(data)
        s.pending = kinds.proposal(data.get("pending"))
        if data.get("pending") and s.pending is None and s.step == EXPECT_CONFIRM:
            s.step = EXPECT_COMMAND  # its yes finds nothing, and says so ("nothing pending")
        for item in data.get("queue") or []:
            if isinstance(item, dict) and set(item) == {"action"}:
                s.queue.append(item["action"])
            elif (proposal := kinds.proposal(item)) is not None:
                s.queue.append(proposal)
        return s
