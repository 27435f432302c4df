"""The use cases. Each opens one transaction, asks the policy, applies the change once
(R13: a row lock on the line plus a conditional update), writes its audit event (R14) and
returns a plain ``Result``. Nothing here knows about a channel's words.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import bindparam, delete, or_, select, union_all, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from core import metrics, phone, policy
from core.db import reader
from core.limits import PinAttempts, PinLimitUnavailable
from core.models import (
    AuditEvent,
    AvailableNumber,
    BlockedNumber,
    ContactNumber,
    Escalation,
    Line,
    OutboundText,
    Plan,
    TextOptOut,
)
from core.pins import check_pin

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Request:
    """Who asks, through what: carried into every audit event."""

    channel: str  # voice, sms, console, job
    request_id: str | None = None  # CallSid / MessageSid
    caller: str | None = None  # the From number, as Twilio gave it
    receipt_to: str | None = None  # asked-for receipt address (R17); None: no receipt
    receipt: Callable[[str, dict[str, Any]], str] | None = None  # the channel's wording
    receipt_from: str | None = None  # the support number the caller reached


@dataclass(frozen=True)
class Result:
    applied: bool
    reason: str
    rule: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LineRef:
    line_id: int
    account_id: int
    number: str
    login_id: str
    is_admin: bool


class NotApplied(RuntimeError):
    """The database failed before the change committed: nothing was changed."""


class OutcomeUnknown(RuntimeError):
    """The database failed while committing: the change may or may not have been applied.
    Retrying is safe (R13: a second attempt never applies it twice)."""


@contextmanager
def transaction(db: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction, with database failures told apart by whether the commit was reached."""
    session = db()
    try:
        try:
            session.begin()
            yield session
            session.flush()
        except DBAPIError as exc:
            _quiet_rollback(session)
            raise NotApplied(str(exc.orig or exc)) from exc
        except BaseException:
            _quiet_rollback(session)
            raise
        try:
            session.commit()
        except DBAPIError as exc:
            raise OutcomeUnknown(str(exc.orig or exc)) from exc
    finally:
        session.close()


def _quiet_rollback(session: Session) -> None:
    try:
        session.rollback()
    except DBAPIError:  # the connection is gone: the transaction went with it
        pass


class NotAuthorised(PermissionError):
    """R7: the verified line may not act on the target line."""


class UnknownLine(LookupError):
    pass


def audit(session: Session, req: Request, *, action: str, outcome: str, now: dt.datetime,
          actor: str = "line", actor_id: str | None = None, target: str | None = None,
          line_id: int | None = None, **details: Any) -> None:
    session.add(AuditEvent(
        at=now, actor=actor, actor_id=actor_id, channel=req.channel, action=action,
        target=target, outcome=outcome, request_id=req.request_id, line_id=line_id,
        details=_jsonable(details) or None,
    ))
    metrics.note(session, action, outcome, details.get("reason"))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _own_numbers(line: Line) -> list[str]:
    """The line's own number and its contact numbers: never blocked, and where receipts may go."""
    return [line.number, *(c.number for c in line.contacts)]


def _ref(line: Line) -> LineRef:
    return LineRef(line.id, line.account_id, line.number, line.login_id, line.is_admin)


# Identification and PIN -------------------------------------------------------------------
def lines_for_caller(db: sessionmaker[Session], number: str) -> list[LineRef]:
    """Lines whose own number or a contact number is ``number``. Reveals nothing by itself."""
    with reader(db)() as session:
        # Two index lookups (lines.number, contact_numbers.number), never a scan: the cost
        # must not grow with the number of lines.
        ids = union_all(select(Line.id).where(Line.number == number),
                        select(ContactNumber.line_id).where(ContactNumber.number == number))
        rows = session.execute(
            select(Line)
            .where(Line.id.in_(ids.scalar_subquery()))
            .where(Line.status != "released")
            .order_by(Line.id)
        ).scalars().all()
        return [_ref(line) for line in rows]


def find_line(db: sessionmaker[Session], key: str) -> LineRef | None:
    """A line by login id or number (as the agent hand-off or a keypad entry gives it)."""
    e164 = phone.to_e164(key) if key and not key.startswith("+") else key
    with reader(db)() as session:
        line = session.execute(
            select(Line).where(or_(Line.login_id == key, Line.number == (e164 or key)))
        ).scalar_one_or_none()
        return _ref(line) if line else None


def account_lines(db: sessionmaker[Session], actor: LineRef) -> list[LineRef]:
    """The lines a verified actor may act on (R7): its own, or every line for an admin."""
    if not actor.is_admin:
        return [actor]
    with reader(db)() as session:
        rows = session.execute(
            select(Line).where(Line.account_id == actor.account_id, Line.status != "released")
            .order_by(Line.id)
        ).scalars().all()
        return [_ref(line) for line in rows]


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    reason: str  # verified, wrong_pin, locked, unavailable
    line: LineRef | None = None
    locked_until: dt.datetime | None = None


def verify_pin(db: sessionmaker[Session], attempts: PinAttempts, pin_secret: str, *,
               line_id: int, pin: str, now: dt.datetime, req: Request) -> PinCheck:
    """R8, R9: check the PIN of one line. Never logs or stores the PIN itself."""
    try:
        until = attempts.locked_until(line_id, now)
    except PinLimitUnavailable:
        return PinCheck(False, "unavailable")
    with transaction(db) as session:
        line = session.get(Line, line_id)
        if line is None:
            return PinCheck(False, "wrong_pin")
        if until is not None:
            audit(session, req, action="pin_entry", outcome="locked", now=now,
                  actor="line", line_id=line.id, target=line.number)
            return PinCheck(False, "locked", locked_until=until)
        if check_pin(pin, line.pin_salt, line.pin_hash, pin_secret):
            audit(session, req, action="pin_verified", outcome="ok", now=now,
                  actor="line", actor_id=line.login_id, line_id=line.id, target=line.number)
            return PinCheck(True, "verified", line=_ref(line))
        try:
            locked = attempts.record_failure(line_id, now)
        except PinLimitUnavailable:
            locked = None
        audit(session, req, action="pin_failed", outcome="refused", now=now,
              line_id=line.id, target=line.number, caller=req.caller)
        if locked is not None:
            audit(session, req, action="pin_lock", outcome="locked", now=now, actor="system",
                  line_id=line.id, target=line.number, until=locked)
            return PinCheck(False, "locked", locked_until=locked)
        return PinCheck(False, "wrong_pin")


# Reading -----------------------------------------------------------------------------------
def _plan_view(p: Plan) -> dict[str, Any]:
    return {"id": p.id, "product": p.product, "kind": p.kind, "period": p.period,
            "channel": p.channel, "term_end": p.term_end, "renews": p.auto_renew,
            "ended": p.ended}


def line_summary(db: sessionmaker[Session], actor: LineRef, target_line_id: int) -> dict[str, Any]:
    with reader(db)() as session:
        line = _authorised(session, actor, target_line_id, lock=False)
        return {
            "line_id": line.id, "number": line.number, "login_id": line.login_id,
            "status": line.status, "status_reason": line.status_reason,
            "usage_credits": line.usage_credits,
            "plans": [_plan_view(p) for p in line.plans if not p.ended],
            "blocked": [b.number for b in line.blocked],
            "own_numbers": _own_numbers(line),
        }


def refund_info(db: sessionmaker[Session], actor: LineRef | None, target_line_id: int | None,
                now: dt.datetime, req: Request) -> Result:
    """R1: the policy; with a verified caller, their own term-end dates."""
    plans: Sequence[Plan] = []
    with transaction(db) as session:
        if actor is not None and target_line_id is not None:
            line = _authorised(session, actor, target_line_id, lock=False)
            plans = line.plans
        decision = policy.decide_refund(plans, now)
        audit(session, req, action="refund_request", outcome="refused", now=now,
              line_id=target_line_id, reason=decision.reason)
    return Result(False, decision.reason, decision.rule, decision.data)


def _authorised(session: Session, actor: LineRef, target_line_id: int, *, lock: bool) -> Line:
    # One statement: the line with its plans, blocked and contact numbers joined in.
    stmt = select(Line).where(Line.id == target_line_id).options(
        joinedload(Line.plans), joinedload(Line.blocked), joinedload(Line.contacts)
    )
    if lock:
        stmt = stmt.with_for_update(of=Line)
    target = session.execute(stmt).unique().scalar_one_or_none()
    if target is None:
        raise UnknownLine(target_line_id)
    decision = policy.decide_scope(actor.line_id, actor.is_admin, actor.account_id,
                                   target.id, target.account_id)
    if not decision.allowed:
        raise NotAuthorised(target_line_id)
    return target


def _actor_kind(actor: LineRef, line: Line) -> str:
    return "line" if actor.line_id == line.id else "admin"


def _receipt(session: Session, req: Request, line: Line, kind: str, data: dict[str, Any],
             now: dt.datetime) -> None:
    """R17: queue a text receipt in the same transaction as the change (the outbox).

    It goes to the caller's number only when that is the line's own or a contact number;
    otherwise to the line itself: caller ID alone never earns account details (R8).
    Opted-out numbers (R16) are checked again when the message is sent.
    """
    if not req.receipt_to or req.receipt is None:
        return
    to = req.receipt_to if req.receipt_to in _own_numbers(line) else line.number
    session.add(OutboundText(created_at=now, to_number=to, from_number=req.receipt_from,
                             body=req.receipt(kind, data), request_id=req.request_id))


# Changes -----------------------------------------------------------------------------------
def cancel_plan(db: sessionmaker[Session], *, actor: LineRef, line_id: int, plan_id: int,
                now: dt.datetime, req: Request) -> Result:
    """R2, R5, R6: stop one plan's renewal; it runs to its term end."""
    with transaction(db) as session:
        line = _authorised(session, actor, line_id, lock=True)
        plan = next((p for p in line.plans if p.id == plan_id), None)
        if plan is None:
            raise UnknownLine(plan_id)
        decision = policy.decide_cancel_plan(line, plan, now)
        common = dict(actor=_actor_kind(actor, line), actor_id=actor.login_id,
                      target=f"{line.number}:{plan.product}", line_id=line.id, now=now)
        if not decision.allowed:
            audit(session, req, action="cancel_plan", outcome="refused", reason=decision.reason, **common)
            return Result(False, decision.reason, decision.rule, decision.data)
        done = session.execute(
            update(Plan).where(Plan.id == plan.id, Plan.auto_renew.is_(True), Plan.ended.is_(False))
            .values(auto_renew=False, cancelled_at=now)
        ).rowcount
        if done != 1:  # someone else got there first (R13)
            audit(session, req, action="cancel_plan", outcome="already_done", **common)
            return Result(False, "already_cancelled", "R13", decision.data)
        audit(session, req, action="cancel_plan", outcome="applied",
              term_end=plan.term_end, **common)
        data = dict(decision.data, number=line.number)
        _receipt(session, req, line, "plan_cancelled", data, now)
        return Result(True, decision.reason, decision.rule, data)


def cancel_line(db: sessionmaker[Session], *, actor: LineRef, line_id: int,
                now: dt.datetime, req: Request) -> Result:
    """R3, R4, R6: full cancellation, irreversible; every plan stops renewing at once."""
    with transaction(db) as session:
        line = _authorised(session, actor, line_id, lock=True)
        decision = policy.decide_cancel_line(line, line.plans, now)
        common = dict(actor=_actor_kind(actor, line), actor_id=actor.login_id,
                      target=line.number, line_id=line.id, now=now)
        if not decision.allowed:
            audit(session, req, action="cancel_line", outcome="refused", reason=decision.reason,
                  **common)
            return Result(False, decision.reason, decision.rule, decision.data)
        done = session.execute(
            update(Line).where(Line.id == line.id, Line.status.in_(("active", "suspended")))
            .values(status="cancel_pending", status_reason="user", cancelled_at=now)
        ).rowcount
        if done != 1:
            audit(session, req, action="cancel_line", outcome="already_done", **common)
            return Result(False, "already_cancelled", "R13", decision.data)
        session.execute(
            update(Plan).where(Plan.line_id == line.id, Plan.auto_renew.is_(True), Plan.ended.is_(False))
            .values(auto_renew=False, cancelled_at=now)
        )
        audit(session, req, action="cancel_line", outcome="applied",
              term_end=decision.data.get("term_end"), app_store_plans=decision.data["app_store_plans"],
              **common)
        data = dict(decision.data, number=line.number)
        _receipt(session, req, line, "line_cancelled", data, now)
        return Result(True, decision.reason, decision.rule, data)


def reactivate_line(db: sessionmaker[Session], *, actor: LineRef, line_id: int,
                    now: dt.datetime, req: Request) -> Result:
    """R12: only a line that ran out or was suspended for a reason other than its user's."""
    with transaction(db) as session:
        line = _authorised(session, actor, line_id, lock=True)
        decision = policy.decide_reactivate(line, now)
        common = dict(actor=_actor_kind(actor, line), actor_id=actor.login_id,
                      target=line.number, line_id=line.id, now=now)
        if not decision.allowed:
            audit(session, req, action="reactivate_line", outcome="refused", reason=decision.reason, **common)
            return Result(False, decision.reason, decision.rule, decision.data)
        done = session.execute(
            update(Line).where(Line.id == line.id, Line.status.in_(("suspended", "cancelled")),
                               Line.status_reason.in_(policy.REACTIVATABLE_REASONS))
            .values(status="active", status_reason=None)
        ).rowcount
        if done != 1:
            audit(session, req, action="reactivate_line", outcome="already_done", **common)
            return Result(False, "already_active", "R13")
        audit(session, req, action="reactivate_line", outcome="applied",
              previous=line.status_reason, **common)
        data = {"number": line.number, "effective": now.date()}
        _receipt(session, req, line, "line_reactivated", data, now)
        return Result(True, decision.reason, decision.rule, data)


def change_number(db: sessionmaker[Session], *, actor: LineRef, line_id: int,
                  now: dt.datetime, req: Request) -> Result:
    """R11 fix 4: a new number from the pool (same area code first); the old one released."""
    with transaction(db) as session:
        line = _authorised(session, actor, line_id, lock=True)
        pool = session.execute(select(AvailableNumber.number).order_by(AvailableNumber.id)).scalars().all()
        decision = policy.decide_change_number(line, pool, now)
        common = dict(actor=_actor_kind(actor, line), actor_id=actor.login_id,
                      line_id=line.id, now=now)
        if not decision.allowed:
            audit(session, req, action="change_number", outcome="refused", target=line.number,
                  reason=decision.reason, **common)
            return Result(False, decision.reason, decision.rule, decision.data)
        new = decision.data["number"]
        taken = session.execute(delete(AvailableNumber).where(AvailableNumber.number == new)).rowcount
        if taken != 1:
            audit(session, req, action="change_number", outcome="failed", target=line.number,
                  reason="number_taken", **common)
            return Result(False, "no_numbers_available", "R11")
        old = line.number
        line.number = new
        audit(session, req, action="change_number", outcome="applied", target=new, previous=old,
              **common)
        data = {"old": old, "number": new, "effective": now.date()}
        _receipt(session, req, line, "number_changed", data, now)
        return Result(True, decision.reason, decision.rule, data)


def block_number(db: sessionmaker[Session], *, actor: LineRef, line_id: int, raw: str,
                 now: dt.datetime, req: Request) -> Result:
    with transaction(db) as session:
        line = _authorised(session, actor, line_id, lock=True)
        kind, e164 = phone.classify(raw, phone.region_of(line.number))
        decision = policy.decide_block(kind, e164, _own_numbers(line), [b.number for b in line.blocked])
        common = dict(actor=_actor_kind(actor, line), actor_id=actor.login_id,
                      line_id=line.id, now=now, target=e164)
        if not decision.allowed:
            audit(session, req, action="block_number", outcome="refused", reason=decision.reason, **common)
            return Result(False, decision.reason, decision.rule, decision.data)
        session.add(BlockedNumber(line_id=line.id, number=e164))
        audit(session, req, action="block_number", outcome="applied", **common)
        data = {"number": e164, "line": line.number, "effective": now.date()}
        _receipt(session, req, line, "number_blocked", data, now)
        return Result(True, decision.reason, decision.rule, data)


def unblock_number(db: sessionmaker[Session], *, actor: LineRef, line_id: int, raw: str,
                   now: dt.datetime, req: Request) -> Result:
    with transaction(db) as session:
        line = _authorised(session, actor, line_id, lock=True)
        _, e164 = phone.classify(raw, phone.region_of(line.number))
        decision = policy.decide_unblock(e164, [b.number for b in line.blocked])
        common = dict(actor=_actor_kind(actor, line), actor_id=actor.login_id,
                      line_id=line.id, now=now, target=e164)
        if not decision.allowed:
            audit(session, req, action="unblock_number", outcome="refused", reason=decision.reason, **common)
            return Result(False, decision.reason, decision.rule, decision.data)
        session.execute(delete(BlockedNumber).where(BlockedNumber.line_id == line.id,
                                                    BlockedNumber.number == e164))
        audit(session, req, action="unblock_number", outcome="applied", **common)
        data = {"number": e164, "line": line.number, "effective": now.date()}
        _receipt(session, req, line, "number_unblocked", data, now)
        return Result(True, decision.reason, decision.rule, data)


# Consent (R16) -----------------------------------------------------------------------------
_OPTED_OUT = select(TextOptOut.number).where(TextOptOut.number == bindparam("number"))


def is_opted_out(db: sessionmaker[Session], number: str) -> bool:
    # On every text: one indexed lookup on a plain connection (no ORM session), since it is
    # the one query even a HELP costs.
    with reader(db).kw["bind"].connect() as conn:
        return conn.execute(_OPTED_OUT, {"number": number}).first() is not None


def set_opt_out(db: sessionmaker[Session], number: str, opted_out: bool, *, now: dt.datetime,
                req: Request) -> bool:
    """Returns True when this changed the number's consent."""
    with transaction(db) as session:
        current = session.get(TextOptOut, number, with_for_update=True)
        if opted_out and current is None:
            session.add(TextOptOut(number=number, opted_out_at=now))
        elif not opted_out and current is not None:
            session.delete(current)
        else:
            return False
        audit(session, req, action="text_opt_out" if opted_out else "text_opt_in",
              outcome="applied", actor="system", target=number, now=now)
        return True


# Escalation (R15) -------------------------------------------------------------------------
def escalate(db: sessionmaker[Session], *, reason: str, context: dict[str, Any], now: dt.datetime,
             req: Request, line_id: int | None = None, verified: bool = False) -> int:
    with transaction(db) as session:
        esc = Escalation(created_at=now, channel=req.channel, request_id=req.request_id,
                         caller=req.caller, line_id=line_id, verified=verified, reason=reason,
                         context=_jsonable(context), outcome="requested")
        session.add(esc)
        session.flush()
        audit(session, req, action="escalation", outcome="requested", actor="system",
              line_id=line_id, target=req.caller, now=now, reason=reason, escalation=esc.id)
        return esc.id


def escalation(db: sessionmaker[Session], escalation_id: int | None) -> dict[str, Any] | None:
    if escalation_id is None:
        return None
    with reader(db)() as session:
        esc = session.get(Escalation, escalation_id)
        if esc is None:
            return None
        return {"id": esc.id, "caller": esc.caller, "context": esc.context, "outcome": esc.outcome,
                "verified": esc.verified, "line_id": esc.line_id, "recording_url": esc.recording_url}


def update_escalation(db: sessionmaker[Session], escalation_id: int | None, *, outcome: str,
                      now: dt.datetime, recording_url: str | None = None) -> bool:
    """Record what became of a transfer (answered, busy, voicemail…), audited (R14)."""
    if escalation_id is None:
        return False
    with transaction(db) as session:
        esc = session.get(Escalation, escalation_id, with_for_update=True)
        if esc is None:
            return False
        esc.outcome = outcome
        if recording_url:
            esc.recording_url = recording_url
        audit(session, Request(channel=esc.channel, request_id=esc.request_id), action="escalation",
              outcome=outcome, actor="system", target=esc.caller, line_id=esc.line_id, now=now,
              escalation=esc.id)
        return True


def record_refusal(db: sessionmaker[Session], *, action: str, reason: str, now: dt.datetime,
                   req: Request, line_id: int | None = None, target: str | None = None) -> None:
    """R14: a request refused before any service ran (unknown line, not authorised…)."""
    with transaction(db) as session:
        audit(session, req, action=action, outcome="refused", actor="system", line_id=line_id,
              target=target, now=now, reason=reason)


# The term-end job (R2, R3) ---------------------------------------------------------------
@dataclass
class DueReport:
    plans_ended: int = 0
    lines_released: int = 0
    lines_lapsed: int = 0


def run_due(db: sessionmaker[Session], *, now: dt.datetime, req: Request | None = None) -> DueReport:
    """End plans whose term has passed; release or lapse their lines. Idempotent."""
    req = req or Request(channel="job")
    report = DueReport()
    today = now.astimezone(dt.timezone.utc).date()
    with db() as session:
        line_ids = session.execute(
            select(Plan.line_id).where(Plan.ended.is_(False), Plan.auto_renew.is_(False),
                                       Plan.term_end < today).distinct()
        ).scalars().all()
        line_ids += session.execute(
            select(Line.id).where(Line.status.in_(("cancel_pending", "cancelled", "active", "suspended")))
            .join(Plan, Plan.line_id == Line.id)
            .where(Plan.kind == "number", Plan.ended.is_(True))
        ).scalars().all()
    for line_id in sorted(set(line_ids)):
        with transaction(db) as session:
            line = session.execute(
                select(Line).where(Line.id == line_id).with_for_update(of=Line)
                .options(selectinload(Line.plans))
            ).scalar_one()
            for plan in line.plans:
                if policy.decide_plan_end(plan, now).allowed:
                    plan.ended = True
                    report.plans_ended += 1
                    audit(session, req, action="plan_end", outcome="applied", actor="system",
                          line_id=line.id, target=f"{line.number}:{plan.product}", now=now,
                          term_end=plan.term_end)
            number_plan = line.number_plan
            if number_plan is not None and number_plan.ended:
                # With the number plan gone, nothing else on the line goes on (R3).
                for plan in line.plans:
                    if not plan.ended:
                        plan.ended = True
                        plan.auto_renew = False
                        report.plans_ended += 1
            session.flush()
            # A line that lapses may also be past its grace period: apply until stable.
            for _ in range(3):
                after = policy.decide_line_after_term(line, number_plan, now)
                if not after.allowed:
                    break
                line.status = after.data["status"]
                line.status_reason = after.data["status_reason"]
                if line.status == "released":
                    line.released_at = now
                    report.lines_released += 1
                else:
                    report.lines_lapsed += 1
                audit(session, req, action=f"line_{after.reason}", outcome="applied", actor="system",
                      line_id=line.id, target=line.number, now=now, status=line.status)
    return report

