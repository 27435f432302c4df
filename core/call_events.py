"""How each call ended (issue 15), from the number's call status callback: completed in the
bot, transferred to a person, a voicemail, a call back asked for, abandoned (and at which
step), or never answered;
with its duration. One ``CallEvent`` a call (a repeated callback changes nothing), counted for
Prometheus once it is committed, and summed for the support lead (``report``).

What the call did is read when it ends, nothing is written while it goes: the database says
whether a change was applied (``applied_changes`` by CallSid) and whether a person was asked
for (the escalation by CallSid: reached, a voicemail, or not yet); the conversation's state
(Redis, kept 30 minutes after the last turn) says where an unfinished call was. ``classify``
is the pure rule, table-tested.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker, Session

from core import languages, metrics
from core.db import reader
from core.models import AppliedChange, Escalation
from core.models_twilio import CallEvent
from core.services import NotApplied, OutcomeUnknown, transaction

log = logging.getLogger("switchboard.calls")

NOT_ANSWERED = ("busy", "no-answer", "failed", "canceled")
REACHED = ("connected", "agent_answered")
# Where a call can be left: the conversation's steps (core.reply's EXPECT_*), the menu, waiting
# for a person, the voicemail prompt, before the first answer, or not known (Redis down).
STEPS = ("menu", "pin", "code", "target", "plan", "reason", "offer", "confirm", "block_number", "fix", "which",
         "steps", "next", "transfer", "voicemail", "greeting", "unknown")
# What the bot says when it has answered what was asked (at the menu again after it).
ANSWERS = ("plans", "no_plans", "refund_policy", "refund_policy_terms", "fix_guidance", "fix_steps", "already_done",
           "not_confirmed", "receipt_coming", "texted_steps", "texted_steps_already", "texted_steps_opted_out",
           "goodbye")


@dataclass(frozen=True)
class Conversation:
    """What the conversation's state says when the call ends (None fields: no state)."""

    step: str | None
    journey: str | None = None
    pending: str | None = None
    said_last: tuple[str, ...] = ()
    lang: str | None = None


@dataclass(frozen=True)
class CallFacts:
    call_status: str
    changes_applied: int = 0
    escalation_outcome: str | None = None  # None: no person was asked for
    voicemail: bool = False
    callback: bool = False  # asked to be called back
    conversation: Conversation | None = None  # None: the state was gone (or never made)
    state_known: bool = True  # False: Redis could not be read


def conversation_of(state) -> Conversation | None:
    """The facts of a ``core.conversation.State`` (or None)."""
    if state is None:
        return None
    return Conversation(step=state.step, journey=state.journey, pending=state.pending.action if state.pending else None,
                        said_last=tuple(str(k) for k, *_ in (state.last or ()) if k), lang=state.lang)


def classify(f: CallFacts) -> tuple[str, str | None]:
    """(outcome, step): the step only for an abandoned call."""
    if f.call_status in NOT_ANSWERED:
        return "not_answered", None
    if f.voicemail:
        return "voicemail", None
    if f.callback:
        return "callback", None
    if f.escalation_outcome in REACHED:
        return "transferred", None
    if f.changes_applied:
        return "completed", None
    if f.escalation_outcome is not None:
        # Asked for a person, hung up before one answered (or at the voicemail prompt).
        waiting = f.escalation_outcome == "requested"
        return "abandoned", "transfer" if waiting else "voicemail"
    if not f.state_known:
        return "abandoned", "unknown"
    c = f.conversation
    if c is None or c.step is None:
        return "abandoned", "greeting"
    if c.step == "command":
        answered = any(k.startswith(("done_", "refused_")) or k in ANSWERS for k in c.said_last)
        return ("completed", None) if answered and not c.pending else ("abandoned", "menu")
    return "abandoned", c.step if c.step in STEPS else "unknown"


def _duration(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else None


def facts_from_db(db: sessionmaker[Session], call_sid: str) -> tuple[int, Escalation | None]:
    with reader(db)() as session:
        changes = session.execute(select(func.count()).select_from(AppliedChange).where(
            AppliedChange.request_id == call_sid, AppliedChange.applied.is_(True))).scalar() or 0
        esc = session.execute(select(Escalation).where(Escalation.channel == "voice", Escalation.request_id == call_sid)
                              .order_by(Escalation.id.desc()).limit(1)).scalars().first()
        return changes, esc


@dataclass(frozen=True)
class Ended:
    outcome: str
    step: str | None
    duration_s: int | None
    new: bool  # False: this call was already recorded


def record_call_end(db: sessionmaker[Session], *, call_sid: str, call_status: str, duration: str | None,
                    caller: str | None, now: dt.datetime, state=None, state_known: bool = True) -> Ended:
    """The call's end, once. ``state``: the conversation's State when Redis could be read."""
    changes, esc = facts_from_db(db, call_sid)
    conversation = conversation_of(state)
    facts = CallFacts(call_status=(call_status or "").strip().lower(), changes_applied=changes,
                      escalation_outcome=esc.outcome if esc is not None else None,
                      voicemail=bool(esc is not None and esc.recording_url),
                      callback=bool(esc is not None and esc.callback_number),
                      conversation=conversation, state_known=state_known)
    outcome, step = classify(facts)
    seconds = _duration(duration)
    lang = (conversation.lang if conversation else None) or ((esc.context or {}).get("lang") if esc else None)
    try:
        with transaction(db) as session:
            if session.execute(select(CallEvent.id).where(CallEvent.call_sid == call_sid)).first():
                return Ended(outcome, step, seconds, new=False)
            session.add(CallEvent(call_sid=call_sid, ended_at=now, caller=caller, call_status=facts.call_status[:20]
                                  or "unknown", duration_s=seconds, outcome=outcome, step=step,
                                  lang=languages.code_or_none(lang),
                                  escalation_id=esc.id if esc is not None else None,
                                  line_id=esc.line_id if esc is not None else None))
    except (NotApplied, OutcomeUnknown):
        # The same callback twice at once: the unique CallSid let one in.
        if _recorded(db, call_sid):
            return Ended(outcome, step, seconds, new=False)
        raise
    metrics.CALLS.labels(outcome).inc()
    if outcome == "abandoned":
        metrics.CALL_ABANDONED.labels(step or "unknown").inc()
    log.info("call ended: %s%s, %ss", outcome, f" at {step}" if step else "", seconds)
    return Ended(outcome, step, seconds, new=True)


def _recorded(db: sessionmaker[Session], call_sid: str) -> bool:
    with reader(db)() as session:
        return session.execute(select(CallEvent.id).where(CallEvent.call_sid == call_sid)).first() is not None


def for_case(db: sessionmaker[Session], escalation_id: int) -> CallEvent | None:
    """How the call a case came from ended, for its page (None: not a call, or not ended yet)."""
    with reader(db)() as session:
        return session.execute(select(CallEvent).join(Escalation, Escalation.request_id == CallEvent.call_sid)
                               .where(Escalation.id == escalation_id, Escalation.channel == "voice")
                               ).scalars().first()


# What a support lead asks for -----------------------------------------------------------------
@dataclass
class Report:
    since: dt.datetime | None
    calls: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    abandoned_at: dict[str, int] = field(default_factory=dict)
    average_s: float | None = None

    @property
    def answered(self) -> int:
        return self.calls - self.outcomes.get("not_answered", 0)

    def share(self, outcome: str) -> float | None:
        """Of the answered calls."""
        return self.outcomes.get(outcome, 0) / self.answered if self.answered else None


def report(db: sessionmaker[Session], *, since: dt.datetime | None = None) -> Report:
    where = [CallEvent.ended_at >= since] if since is not None else []
    with reader(db)() as session:
        outcomes = dict(session.execute(select(CallEvent.outcome, func.count()).where(*where)
                                        .group_by(CallEvent.outcome)).all())
        steps = dict(session.execute(select(CallEvent.step, func.count())
                                     .where(CallEvent.outcome == "abandoned", *where)
                                     .group_by(CallEvent.step)).all())
        average = session.execute(select(func.avg(CallEvent.duration_s)).where(
            CallEvent.outcome != "not_answered", *where)).scalar()
    return Report(since, sum(outcomes.values()), outcomes, {k or "unknown": v for k, v in steps.items()},
                  float(average) if average is not None else None)
