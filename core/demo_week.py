"""A generated week of conversations for the demo (``switchboard seed-demo``), so that a
newcomer's Insights page shows real charts and a few misunderstood turns to label (issue 24).

Deterministic from the demo's date: the same day gives the same week. The turns go through
the same path as real ones (core.insights.record_turn, then the roll-up); the cases they
handed to a person are written closed (they never crowd the open queue), with the calls'
ends. Made once: a second seeding finds the week and adds nothing. Every number in it is a
made-up 555 number.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core import insights, languages
from core.models import Escalation
from core.models_insights import ConversationFact
from core.models_twilio import CallEvent
from core.reply import Prompt, Reply

SID_PREFIX = "CAdemo"
# (weight, journey, turns): each turn (step answered, prompt keys, what comes next).
Turn = tuple[str, tuple[str, ...], str]
STORIES: list[tuple[int, str | None, list[Turn]]] = [
    (14, "plans", [("command", ("ask_pin",), "pin"), ("pin", ("pin_ok", "plans"), "command")]),
    (9, "refund", [("command", ("refund_policy",), "command")]),
    (7, "cancel_plan", [("command", ("ask_pin",), "pin"), ("pin", ("pin_ok", "confirm_cancel_plan"), "confirm"),
                        ("confirm", ("done_cancel_plan", "receipt_coming"), "command")]),
    (3, "cancel_plan", [("command", ("ask_pin",), "pin"), ("pin", ("pin_ok", "confirm_cancel_plan"), "confirm")]),
    (4, "cancel_line", [("command", ("ask_pin",), "pin"), ("pin", ("pin_ok", "ask_reason"), "reason"),
                        ("reason", ("offer",), "offer"), ("offer", ("confirm_cancel_line",), "confirm"),
                        ("confirm", ("done_cancel_line", "receipt_coming"), "command")]),
    (4, "cancel_line", [("command", ("ask_pin",), "pin"), ("pin", ("pin_ok", "ask_reason"), "reason")]),
    (4, "change_number", [("command", ("ask_pin",), "pin"), ("pin", ("pin_ok", "confirm_change_number"), "confirm"),
                          ("confirm", ("done_change_number",), "command")]),
    (3, "block", [("command", ("ask_pin",), "pin"), ("pin", ("pin_ok", "ask_block_number"), "block_number"),
                  ("block_number", ("confirm_block",), "confirm"), ("confirm", ("done_block",), "command")]),
    (6, "troubleshoot", [("command", ("ask_fix",), "fix"), ("fix", ("fix_guidance",), "command")]),
    (3, "reactivate", [("command", ("ask_pin",), "pin"), ("pin", ("pin_ok", "confirm_reactivate"), "confirm"),
                       ("confirm", ("done_reactivate",), "command")]),
    (5, "plans", [("command", ("ask_pin",), "pin")]),  # gave up at the PIN
    (3, "cancel_plan", [("command", ("ask_pin",), "pin"), ("pin", ("pin_format",), "pin"),
                        ("pin", ("pin_wrong",), "pin")]),
    (4, "clarify", [("command", ("ask_which",), "which"), ("which", ("ask_pin",), "pin:cancel_line"),
                    ("pin", ("pin_ok", "ask_reason"), "reason:cancel_line")]),
    (3, "clarify", [("command", ("ask_which",), "which"), ("which", ("fix_guidance",), "command:troubleshoot")]),
    (4, None, [("command", ("unknown_command",), "command"), ("command", ("agent",), "person")]),
    (6, None, [("command", ("agent",), "person")]),
    (1, "clarify", [("command", ("ask_which",), "which"), ("which", ("unusable", "ask_which"), "which:missed"),
                    ("which", ("unusable", "ask_which"), "which:missed+person")]),
]
# What people said that the bot couldn't route after asking which (every digit is masked), in
# each language: core/demo_said/<code>.txt, one a line (a language without one misses silently).
SAID = Path(__file__).resolve().parent / "demo_said"
OTHER_LANGUAGES_SHARE = 0.22  # of the week's conversations, in a language besides the default


def missed_said(code: str) -> list[str]:
    path = SAID / f"{code}.txt"
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()] if path.is_file() else []


def _language(roll: float) -> str:
    """The default language, or (in OTHER_LANGUAGES_SHARE of the rolls) one of the others."""
    others = languages.others(languages.DEFAULT_CODE)
    if others and roll < OTHER_LANGUAGES_SHARE:
        return others[int(roll / OTHER_LANGUAGES_SHARE * len(others))]
    return languages.DEFAULT_CODE
WRAP_UPS = ("self_service", "called_back", "policy_explained", "texted_instructions", "handed_to_bot", "other")


@dataclass(frozen=True)
class Seeded:
    conversations: int
    missed: int
    made: bool  # False: the week was there already


def _exists(db: sessionmaker[Session]) -> bool:
    with db() as s:
        return s.execute(select(ConversationFact.id).where(ConversationFact.thread.like(SID_PREFIX + "%"))
                         .limit(1)).first() is not None


def seed_week(db: sessionmaker[Session], r, *, now: dt.datetime, secret: str) -> Seeded:
    """The seven days before ``now`` and today until an hour ago."""
    if _exists(db):
        return Seeded(0, 0, False)
    rnd = random.Random(now.date().toordinal())
    missed_words = {code: missed_said(code) for code in languages.CODES}
    contacts = [f"+1555018{n:04d}" for n in rnd.sample(range(10000), 80)]
    weights = [w for w, *_ in STORIES]
    start = dt.datetime.combine(now.date() - dt.timedelta(days=7), dt.time(), dt.timezone.utc)
    escalations, calls, missed, n = [], [], 0, 0
    day = start
    while day < now - dt.timedelta(hours=1):
        for _ in range(rnd.randint(28, 44) if day.date() != now.date() else rnd.randint(6, 12)):
            at = day + dt.timedelta(hours=rnd.triangular(7, 21, 13), minutes=rnd.random() * 59)
            if at >= now - dt.timedelta(hours=1):
                continue
            n += 1
            _, journey, turns = rnd.choices(STORIES, weights)[0]
            door = "voice" if rnd.random() < 0.62 else "sms"
            lang = _language(rnd.random())
            caller = rnd.choice(contacts[:30]) if rnd.random() < 0.3 else rnd.choice(contacts)
            sid = f"{SID_PREFIX}{now:%Y%m%d}{n:05d}" if door == "voice" else None
            began, person, current = at, False, journey
            for i, (step, keys, expect) in enumerate(turns):
                expect, _, tag = expect.partition(":")
                if tag and tag not in ("missed", "missed+person"):
                    current = tag
                escalated = expect == "person" or tag == "missed+person"
                said = missed_words.get(lang) or [None]
                said = said[(7 * n + i) % len(said)] if tag.startswith("missed") else None
                reply = Reply([Prompt(k) for k in keys], "command" if expect == "person" else expect,
                              offer_person=tag == "missed+person", escalation_id=None)
                insights.record_turn(r, door=door, lang=lang, caller=caller, thread=sid, step=step, reply=reply,
                                     journey=current, secret=secret, now=at, said=said, db=db)
                missed += bool(said)
                at += dt.timedelta(seconds=rnd.randint(8, 40))
                if escalated:
                    person = True
                    insights.record_handoff(r, door=door, lang=lang, caller=caller, thread=sid, secret=secret,
                                            now=at, journey=current)
            esc = None
            if person:
                claimed = at + dt.timedelta(seconds=rnd.randint(20, 900))
                esc = Escalation(created_at=at, channel=door, request_id=sid, caller=caller,
                                 reason=("failed_inputs" if turns[-1][1][0] in ("unusable", "unknown_command")
                                         and "agent" not in turns[-1][1] else
                                         rnd.choice(("caller_asked", "caller_asked", "pin_locked"))),
                                 context={"lang": lang, "asked": current, "verified": False},
                                 outcome="connected" if door == "voice" else "requested", state="done",
                                 claimed_at=claimed, closed_at=claimed + dt.timedelta(seconds=rnd.randint(120, 1200)),
                                 wrap_up=rnd.choice(WRAP_UPS))
                escalations.append(esc)
            if door == "voice":
                talk = rnd.randint(90, 600) if person else 0
                outcome = ("transferred" if person else "completed" if turns[-1][2].startswith("command")
                           else "abandoned")
                calls.append((esc, CallEvent(call_sid=sid, ended_at=at + dt.timedelta(seconds=talk + 5),
                                             caller=caller, call_status="completed", outcome=outcome,
                                             duration_s=int((at - began).total_seconds()) + 12 + talk,
                                             step=None if outcome != "abandoned" else turns[-1][2].split(":")[0],
                                             lang=lang)))
        day += dt.timedelta(days=1)
    with db() as s, s.begin():
        s.add_all(escalations)
        s.flush()
        for esc, call in calls:
            call.escalation_id = esc.id if esc is not None else None
            s.add(call)
    made = insights.roll_up(db, r, now=now)
    return Seeded(made, missed, True)
