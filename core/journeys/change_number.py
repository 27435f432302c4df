"""CHANGE NUMBER (R11 fix 4): a new number from the pool, the asked-for area code first, else
the line's own; the caller is shown the new number before the yes (R10), and only that
number is ever given (taken meanwhile: said so, nothing changed).

Bound to what was shown (issue 23): the number offered is reserved for the line with its
proposal (in Redis, for the confirmation's window: it lapses with it), so another line (or
another phone of the same line) is offered another; the YES applies only to the line's
number as it was shown ("from"), so a second phone's YES after the first one's changed the
number says what happened and changes nothing: no number leaves both the pool and every
line."""

from __future__ import annotations

import re
from dataclasses import dataclass

import redis

from core import phone, policy, services
from core.journeys import Journey, Names, Proposal, Turn
from core.reply import Reply


@dataclass(frozen=True, kw_only=True)
class NewNumber(Proposal):
    """The line's ``number`` becomes ``new`` (shown before the yes, R10), from ``area`` when
    asked for and found there."""

    action = "change_number"
    new: str
    area: str | None = None
    area_found: bool = True


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    if summary.status != "active":
        return c.refused(s, t, "change_number", "line_not_active", summary.number, **c.line_state(summary))
    area = "".join(ch for ch in str(slots.get("area") or "") if ch.isdigit())[:4] or None
    # The line was read and its caller authorised with the summary: only the pool is read here.
    pool = services.available_numbers(c.db)
    held = _held(c.store.r, pool)
    free = [n for n in pool if held.get(n) in (None, str(s.target))]
    if area and not any(policy.in_area(n, area) for n in free if n != summary.number):
        # Only what was asked is offered: the area codes there are, or a person (issue 21).
        areas = sorted({phone.national(n)[:3] for n in free if n != summary.number})
        return c.refused(s, t, "change_number", "no_numbers_in_area", summary.number, area=area, areas=areas)
    for _ in range(3):  # another line may reserve the chosen one first: the next best, then
        offer = policy.decide_change_number(c.line_facts(summary), free, t.now, area=area)
        if not offer.allowed or _reserve(c.store.r, offer.data["number"], s.target):
            break
        free.remove(offer.data["number"])
    if not offer.allowed:
        return c.refused(s, t, "change_number", offer.reason, summary.number, **c.line_state(summary))
    return c.propose(s, t, NewNumber(number=summary.number, new=offer.data["number"], area=area,
                                     area_found=offer.data.get("area_found", True)))


HELD = "sb:pool:held:"
HOLD_SECONDS = int(policy.CONFIRM_WINDOW.total_seconds()) + 30


def _held(r, pool: list[str]) -> dict[str, str]:
    """The pool's numbers reserved for a proposal, and for which line."""
    if not pool:
        return {}
    try:
        return {n: v for n, v in zip(pool, r.mget([HELD + n for n in pool])) if v is not None}
    except redis.RedisError:
        return {}  # the database's conditional take still gives a number once


def _reserve(r, number: str, line_id: int) -> bool:
    """Reserve ``number`` for this line's proposal (renewed when it is already the line's)."""
    try:
        if r.set(HELD + number, str(line_id), nx=True, ex=HOLD_SECONDS):
            return True
        if r.get(HELD + number) == str(line_id):
            r.expire(HELD + number, HOLD_SECONDS)
            return True
        return False
    except redis.RedisError:
        return True


def apply(db, pending: NewNumber, **kw):
    return services.change_number(db, wanted=pending.new, shown=pending.number, **kw)


def area_heard(heard: dict) -> dict:
    """"a new number with area code 212", "un número del 305": the area code asked for."""
    return {"area": heard["area_code"]} if heard.get("area_code") else {}


def area_asked(arg: str | None) -> dict:
    """"CHANGE NUMBER 212", "change number to a 415 number": the area code asked for."""
    area = re.search(r"(?<!\d)(\d{3})(?!\d)", arg or "")
    return {"area": area.group(1)} if area else {}


JOURNEY = Journey("change_number", start, apply=apply, changes=True, proposal=NewNumber, menu=("more", "2"),
                  command_slots=area_asked, slots_heard=area_heard,
                  names=Names.of("change number", "dislike number"),
                  prompts=("refused_line_not_active", "refused_no_numbers_available", "refused_no_numbers_in_area", "refused_number_taken",
                           "refused_number_changed_meanwhile"))
