"""BLOCK / UNBLOCK (R11 fix 5): spam numbers blocked for free, and unblocked."""

from __future__ import annotations

from dataclasses import dataclass

from core import phone, policy, services
from core.intents import Intent
from core.journeys import Journey, Names, Proposal, Turn
from core.reply import EXPECT_BLOCK_NUMBER, Prompt, Reply


@dataclass(frozen=True, kw_only=True)
class Block(Proposal):
    """Block ``blocked`` (an E.164 number) from calling or texting the line ``number``."""

    action = "block"
    blocked: str


@dataclass(frozen=True, kw_only=True)
class Unblock(Proposal):
    """Let ``blocked`` call and text the line ``number`` again."""

    action = "unblock"
    blocked: str


def _start(action: str):
    def start(c, s, slots: dict, t: Turn) -> Reply:
        if not slots.get("number"):
            return Reply([Prompt("ask_block_number", {"action": action})], EXPECT_BLOCK_NUMBER)
        return decide(c, s, action, slots["number"], t)
    return start


def on_number(c, s, intent: Intent, t: Turn) -> Reply:
    action = s.journey or "block"
    raw = intent.value if intent.kind == "number" else None
    if not raw or phone.classify(raw)[0] == "invalid_number":
        return c.unusable(s, t, EXPECT_BLOCK_NUMBER, Prompt("ask_block_number", {"action": action}))
    s.failed = 0
    return decide(c, s, action, raw, t)


def decide(c, s, action: str, raw: str, t: Turn) -> Reply:
    summary = c.summary(s)
    kind, e164 = phone.classify(raw, phone.region_of(summary.number))
    if action == "block":
        decision = policy.decide_block(kind, e164, summary.own_numbers, summary.blocked)
    else:
        decision = policy.decide_unblock(e164, summary.blocked)
    if not decision.allowed:
        return c.refused(s, t, f"{action}_number", decision.reason, summary.number, blocked=e164 or raw[:20])
    proposal = Block if action == "block" else Unblock
    return c.propose(s, t, proposal(blocked=e164, number=summary.number))


def apply_block(db, pending: Block, **kw):
    return services.block_number(db, raw=pending.blocked, **kw)


def apply_unblock(db, pending: Unblock, **kw):
    return services.unblock_number(db, raw=pending.blocked, **kw)


def number_named(arg: str | None) -> dict:
    """BLOCK 5550100: the number; "BLOCK spam callers": which number is asked next."""
    return {"number": arg} if arg and any(ch.isdigit() for ch in arg) else {}


def number_heard(heard: dict) -> dict:
    """"block 212 555 0143, they keep calling me", "two one two triple five…": the number in
    the sentence (or its digits, so that 911 or a short code is refused by name)."""
    number = str(heard.get("phone") or heard.get("digits") or "")
    if len(number) == 10 and heard.get("phone"):
        number = "+1" + number  # the slots' digits have no country code: a whole number is a NANP one
    return {"number": number} if number else {}


BLOCK = Journey("block", _start("block"), steps={EXPECT_BLOCK_NUMBER: on_number}, apply=apply_block, proposal=Block,
                menu=("more", "3"), command_slots=number_named, slots_heard=number_heard,
                names=Names.of("block -unblock", "spam -unblock"),
                changes=True, prompts=("ask_block_number", "refused_already_blocked", "refused_own_number",
                                       "refused_invalid_number", "refused_short_code",
                                       "refused_emergency_number"))
UNBLOCK = Journey("unblock", _start("unblock"), steps={EXPECT_BLOCK_NUMBER: on_number}, apply=apply_unblock,
                  proposal=Unblock,
                  menu=("more", "4"), command_slots=number_named, slots_heard=number_heard,
                  names=Names.of("unblock"),
                  changes=True, prompts=("ask_block_number", "refused_not_blocked", "refused_invalid_number"))
