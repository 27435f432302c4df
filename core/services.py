"""The use cases. Each opens one transaction, asks the policy, applies the change once
(R13: a row lock on the line plus a conditional update), writes its audit event (R14) and
returns a plain ``Result``. Nothing here knows about a channel's words.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import bindparam, delete, insert, or_, select, union_all, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from core import hot_sql, metrics, outbox, phone, policy
from core.db import Database, read_engine, reader
from core.limits import PinAttempts, PinLimitUnavailable
from core.opt_out_cache import OptOutCache
from core.models import (
    AppliedChange,
    AuditEvent,
    AvailableNumber,
    BlockedNumber,
    ContactNumber,
    Escalation,
    Line,
    Plan,
    TextOptOut,
)
from core.pins import check_pin, hash_pin, new_salt

def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Request:
    """Who asks, through what: carried into every audit event."""

    channel: str  # voice, sms, console, job
    request_id: str | None = None  # CallSid / MessageSid
    caller: str | None = None  # the From number, as Twilio gave it
    receipt_to: str | None = None  # asked-for receipt address (R17); None: no receipt
    receipt: Callable[[str, dict[str, Any], str], str] | None = None  # (kind, values, language) → words
    receipt_from: str | None = None  # the support number the caller reached
    lang: str | None = None  # the conversation's language: its receipts and codes are in it (R20)


@dataclass(frozen=True)
class Result:
    applied: bool
    reason: str
    rule: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # R13: this confirmation was already handled (by ``first_request``); nothing was done now.
    repeat: bool = False
    first_request: str | None = None


@dataclass(frozen=True)
class LineRef:
    line_id: int
    account_id: int
    number: str
    login_id: str
    is_admin: bool


@dataclass(frozen=True)
class SystemActor:
    """Who acts without a PIN, authenticated elsewhere: a scheduled job, or the App Store
    (Apple's signed notification). Audited as what it is (R14); never a line's user."""

    kind: str  # job, app_store
    id: str | None = None


Actor = LineRef | SystemActor


class NotApplied(RuntimeError):
    """The database failed before the change committed: nothing was changed."""


class OutcomeUnknown(RuntimeError):
    """The database failed while committing: the change may or may not have been applied.
    Retrying is safe (R13: a second attempt never applies it twice)."""


# Errors before our commit that mean another transaction had the row: a lock wait that
# timed out (or was cancelled, or deadlocked) behind a change that may yet commit. Its
# outcome is unknown; "nothing was changed" would not be true.
_SOMEONE_ELSE = {"55P03", "57014", "40P01", "40001"}


@contextmanager
def transaction(db: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction, with database failures told apart by whether the commit was reached
    (and, before it, by whether another transaction held what this one waited for)."""
    session = db()
    try:
        with _before_commit(lambda: _quiet_rollback(session)):
            session.begin()
            yield session
            session.flush()
        _commit(session.commit)
    finally:
        session.close()


@contextmanager
def _before_commit(undo: Callable[[], None]) -> Iterator[None]:
    """What a failure before the commit means (``_failure``; no connection in time: nothing
    changed), the transaction undone first; shared by the ORM and the Core transactions."""
    try:
        yield
    except DBAPIError as exc:
        undo()
        raise _failure(exc, written=False) from exc
    except SQLAlchemyTimeout as exc:  # no connection from the pool in time
        undo()
        raise NotApplied(str(exc)) from exc
    except BaseException:
        undo()
        raise


def _commit(commit: Callable[[], None]) -> None:
    """The commit itself: a failure there leaves the outcome unknown (R13: a retry is safe)."""
    try:
        commit()
    except DBAPIError as exc:
        raise OutcomeUnknown(str(exc.orig or exc)) from exc


def _quiet_rollback(tx) -> None:
    """Roll back a session or a connection whose transaction may already be gone."""
    try:
        tx.rollback()
    except DBAPIError:  # the connection is gone: the transaction went with it
        pass


def _engine(db: sessionmaker[Session]):
    return db.kw["bind"]


def _failure(exc: DBAPIError, *, written: bool) -> RuntimeError:
    """What a database error means for a change: another transaction held what this one
    waited for, or a connection lost while a statement that commits by itself ran (``written``),
    leaves the outcome unknown; anything else, before the commit, changed nothing."""
    if getattr(exc.orig, "sqlstate", None) in _SOMEONE_ELSE or (written and exc.connection_invalidated):
        return OutcomeUnknown(str(exc.orig or exc))
    return NotApplied(str(exc.orig or exc))


@contextmanager
def core_transaction(db: sessionmaker[Session]) -> Iterator[Any]:
    """``transaction``'s guarantees (the same NotApplied / OutcomeUnknown) for SQL Core on a
    plain connection: no ORM session, no unit of work. What it committed is counted and the
    outbox's worker woken by the caller (``_committed``)."""
    conn = None
    try:
        with _before_commit(lambda: conn is not None and _quiet_rollback(conn)):
            conn = _engine(db).connect()
            tx = conn.begin()
            yield conn
        _commit(tx.commit)
    finally:
        if conn is not None:
            conn.close()


def _committed(db: sessionmaker[Session], events: Sequence[tuple[str, str, str]], texts: int = 0) -> None:
    """After a Core commit: its audited outcomes counted (as metrics.py counts a session's) and,
    when it queued a text, the outbox's worker woken (as outbox.wake_after_commit does)."""
    for action, outcome, reason in events:
        metrics.EVENTS.labels(action, outcome, reason or "").inc()
    if texts:
        outbox.wake(db)


def _audit_row(req: Request, *, action: str, outcome: str, now: dt.datetime, actor: str = "line",
               actor_id: str | None = None, target: str | None = None, line_id: int | None = None,
               **details: Any) -> dict[str, Any]:
    """An audit event (R14) as the row Core inserts: what ``audit`` adds through a session."""
    return {"at": now, "actor": actor, "actor_id": actor_id, "channel": req.channel, "action": action,
            "target": target, "outcome": outcome, "request_id": req.request_id, "line_id": line_id,
            "details": _jsonable(details) or None}


def _event_of(row: dict[str, Any]) -> tuple[str, str, str]:
    return row["action"], row["outcome"], (row["details"] or {}).get("reason") or ""


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
# Lookups that change nothing read columns on a plain autocommit connection: no ORM session,
# no mapped objects (bench/README.md: a third of a menu step's time went to building them).
# Their statements are built once here, with bound parameters, and prepared by psycopg.
_REF = (Line.id, Line.account_id, Line.number, Line.login_id, Line.is_admin)
# Two index lookups (lines.number, contact_numbers.number), never a scan: the cost must not
# grow with the number of lines.
_CALLER_LINES = (
    select(*_REF)
    .where(Line.id.in_(union_all(select(Line.id).where(Line.number == bindparam("number")),
                                 select(ContactNumber.line_id).where(ContactNumber.number == bindparam("number")))
                       .scalar_subquery()))
    .where(Line.status != "released")
    .order_by(Line.id))
_LINE_BY_KEY = select(*_REF).where(or_(Line.login_id == bindparam("key"), Line.number == bindparam("number")))
_ACCOUNT_LINES = (select(*_REF).where(Line.account_id == bindparam("account"), Line.status != "released")
                  .order_by(Line.id))


def _reading(db: sessionmaker[Session]):
    """A plain connection for lookups (autocommit on PostgreSQL)."""
    return read_engine(db).connect()


def lines_for_caller(db: sessionmaker[Session], number: str) -> list[LineRef]:
    """Lines whose own number or a contact number is ``number``. Reveals nothing by itself."""
    with _reading(db) as conn:
        return [LineRef(*row) for row in conn.execute(_CALLER_LINES, {"number": number})]


def find_line(db: sessionmaker[Session], key: str) -> LineRef | None:
    """A line by login id or number (as the agent hand-off or a keypad entry gives it)."""
    e164 = phone.to_e164(key) if key and not key.startswith("+") else key
    with _reading(db) as conn:
        row = conn.execute(_LINE_BY_KEY, {"key": key, "number": e164 or key}).one_or_none()
        return LineRef(*row) if row else None


def account_lines(db: sessionmaker[Session], actor: LineRef) -> list[LineRef]:
    """The lines a verified actor may act on (R7): its own, or every line for an admin."""
    if not actor.is_admin:
        return [actor]
    with _reading(db) as conn:
        return [LineRef(*row) for row in conn.execute(_ACCOUNT_LINES, {"account": actor.account_id})]


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    reason: str  # verified, wrong_pin, locked, unavailable
    line: LineRef | None = None
    locked_until: dt.datetime | None = None
    tries_left: int | None = None  # after a wrong one: how many more before PIN entry locks (R21)


# Compared with when no line matches the identity: the same work as a real line's check (R8).
_NO_LINE_SALT = new_salt()
_NO_LINE_HASH = hash_pin("00000000", _NO_LINE_SALT, new_salt())


def pin_subjects(line_ids: Sequence[int], identity: str | None) -> list[str]:
    """What R9 counts against: the candidate lines, or, when none matches, the claimed
    identity itself (an unknown sender, a made-up line number), so that it locks alike (R8)."""
    # A number is counted as the number it is, however it was typed or came (caller ID,
    # 5550200015, 15550200015, +1…): E.164, as a line's own subject is one whatever its
    # spelling (R8). Anything else (a login id, a short code) by its exact text. Worked out
    # for a line too: the same work either way.
    claimed = (identity or "").partition(":")[2] if ":" in (identity or "") else (identity or "")
    number = (phone.to_e164(claimed) or phone.to_e164("+" + claimed.lstrip("+"))) if claimed else None
    if line_ids:
        return [f"line:{i}" for i in line_ids]
    return ["who:" + hashlib.sha256((number or identity or "").encode()).hexdigest()[:24]]


def verify_pin(db: sessionmaker[Session], attempts: PinAttempts, pin_secret: str, *,
               line_ids: Sequence[int], identity: str | None, pin: str, now: dt.datetime,
               req: Request) -> PinCheck:
    """R8, R9: check a PIN against the candidate lines of an identity (none, one, or the
    lines a contact number belongs to). Never logs or stores the PIN itself.

    SQL Core, no mapped object (issue 26): the candidate lines read (one statement), the PIN
    compared here, then the outcome written by one statement: a verified PIN's audit event
    with the line's summary read after it (PostgreSQL: a CTE; handed to the next step's
    ``line_summary``), or a failure's audit rows with R9's lock on the lines. Each statement
    commits by itself on PostgreSQL (autocommit): the read locks nothing, as the ORM
    transaction before it did not; the attempt itself is reserved in Redis first (R9). SQLite
    takes the same statements one by one in a transaction. A line and no line take the same
    statements, round trips and hashing, and answer alike (R8); ``check_secret`` is the same
    for R21's one-time codes."""
    subjects = pin_subjects(line_ids, identity)
    try:
        reservation = attempts.reserve(subjects, now)
    except PinLimitUnavailable:
        return PinCheck(False, "unavailable")
    _HANDED.summary = None
    postgres = _engine(db).dialect.name == "postgresql"
    written = False
    try:
        with (read_engine(db).connect() if postgres else _engine(db).begin()) as conn:
            lines = hot_sql.pin_lines(conn, line_ids)
            where, locked = _locked_out(lines, attempts, subjects, reservation, now)
            if locked is not None:
                row = _audit_row(req, action="pin_entry", outcome="locked", now=now, **where)
                written = True
                conn.execute(hot_sql.AUDIT_ONE, hot_sql.prefixed(row, "a_"))
                outcome = locked
                events = [_event_of(row)]
            else:
                found = None
                for line in lines or [None]:
                    salt, stored = (line.pin_salt, line.pin_hash) if line else (_NO_LINE_SALT, _NO_LINE_HASH)
                    if check_pin(pin, salt, stored, pin_secret) and line is not None and found is None:
                        found = line
                if found is not None:
                    attempts.succeeded(subjects, reservation)
                    row = _audit_row(req, action="pin_verified", outcome="ok", now=now, actor="line",
                                     actor_id=found.login_id, line_id=found.id, target=found.number)
                    written = True
                    if postgres:
                        rows = conn.execute(_VERIFIED, {"line": found.id, **hot_sql.prefixed(row, "a_")}).all()
                        if rows:
                            _HANDED.summary = (db, found.id, time.monotonic() + _HANDED_FOR,
                                               _summary_of(conn, rows))
                    else:
                        conn.execute(hot_sql.AUDIT_ONE, hot_sql.prefixed(row, "a_"))
                    ref = LineRef(found.id, found.account_id, found.number, found.login_id, found.is_admin)
                    outcome, events = PinCheck(True, "verified", line=ref), [_event_of(row)]
                else:
                    outcome, events = _pin_failed(conn, attempts, req, subjects, lines, where, now)
                    written = True
    except DBAPIError as exc:
        _HANDED.summary = None
        raise _failure(exc, written=written) from exc
    except SQLAlchemyTimeout as exc:
        raise NotApplied(str(exc)) from exc
    _committed(db, events)
    return outcome


def _pin_failed(conn, attempts: PinAttempts, req: Request, subjects: list[str], lines, where: dict,
                now: dt.datetime) -> tuple[PinCheck, list]:
    """A wrong PIN: counted (R9), audited for each candidate line (R14), and when it locks,
    the lock kept on the lines (it outlives a Redis restart) and audited: one statement."""
    try:
        locked, counted = attempts.failed(subjects, now)
        # R9's decision (core/policy.py); the lock itself is set atomically with the count.
        left = policy.decide_pin_failures(counted, now).data.get("remaining", 0)
    except PinLimitUnavailable:
        locked, left = None, None  # the reservation already counted this failure
    rows = [_audit_row(req, action="pin_failed", outcome="refused", now=now, caller=req.caller,
                       line_id=line.id if line else None, target=line.number if line else None)
            for line in lines or [None]]
    if locked is not None:
        rows.append(_audit_row(req, action="pin_lock", outcome="locked", now=now, actor="system",
                               until=locked, **where))
    hot_sql.write_pin_failure(conn, rows, [ln.id for ln in lines] if locked is not None else [], locked)
    events = [_event_of(r) for r in rows]
    if locked is not None:
        return PinCheck(False, "locked", locked_until=locked), events
    return PinCheck(False, "wrong_pin", tries_left=left), events


# A verified PIN's summary, handed to the next step's ``line_summary`` in the same thread: the
# PIN step's turn reads its line once. Taken once, only for that line and that database, only
# within ``_HANDED_FOR`` (a turn's own time), and dropped by any change this process makes
# (``apply_change``) and by the next PIN check: it is never older than the turn that read it.
_HANDED = threading.local()
_HANDED_FOR = 2.0


def _locked_out(lines, attempts: PinAttempts, subjects: list[str], reservation, now: dt.datetime
                ) -> tuple[dict[str, Any], PinCheck | None]:
    """The audit's place for a PIN or code check (the first line it could be), and its refusal
    when entry is locked (R9: by the attempt limit or a line's own lock), before anything is
    compared; the PIN (Core) and the code (ORM) checks read ``lines`` alike."""
    first = lines[0] if lines else None
    where = dict(line_id=first.id if first else None, target=first.number if first else None)
    held = [ln.pin_locked_until for ln in lines if ln.pin_locked_until and ln.pin_locked_until > now]
    if reservation.ok and not held:
        return where, None
    if reservation.ok:
        attempts.succeeded(subjects, reservation)  # nothing was compared
    return where, PinCheck(False, "locked", locked_until=max([*held, reservation.locked_until or now]))


def check_secret(db: sessionmaker[Session], attempts: PinAttempts, *, line_ids: Sequence[int],
                 identity: str | None, now: dt.datetime, req: Request,
                 match: Callable[[Session, Sequence[Line]], Line | None], method: str | None = None) -> PinCheck:
    """R8, R9 for whatever proves a line (its PIN, or R21's one-time code): the attempt is
    reserved before anything is compared (``match`` compares, in the transaction, and
    returns the line it proves or None); a line and no line take the same statements, round
    trips and hashing, and answer alike. The same counter, lock and audit for every method."""
    subjects = pin_subjects(line_ids, identity)
    try:
        reservation = attempts.reserve(subjects, now)
    except PinLimitUnavailable:
        return PinCheck(False, "unavailable")
    how = {"method": method} if method else {}
    with transaction(db) as session:
        lines = session.execute(
            select(Line).where(Line.id.in_(list(line_ids) or [-1])).order_by(Line.id)
        ).scalars().all()
        where, locked = _locked_out(lines, attempts, subjects, reservation, now)
        if locked is not None:
            audit(session, req, action="pin_entry", outcome="locked", now=now, **where, **how)
            return locked
        found = match(session, lines)
        if found is not None:
            attempts.succeeded(subjects, reservation)
            audit(session, req, action="pin_verified", outcome="ok", now=now, actor="line",
                  actor_id=found.login_id, line_id=found.id, target=found.number, **how)
            return PinCheck(True, "verified", line=_ref(found))
        try:
            locked, counted = attempts.failed(subjects, now)
            # R9's decision (core/policy.py); the lock itself is set atomically with the count.
            left = policy.decide_pin_failures(counted, now).data.get("remaining", 0)
        except PinLimitUnavailable:
            locked, left = None, None  # the reservation already counted this failure
        for line in lines or [None]:
            audit(session, req, action="pin_failed", outcome="refused", now=now, caller=req.caller,
                  line_id=line.id if line else None, target=line.number if line else None, **how)
        if locked is not None:
            for line in lines:
                line.pin_locked_until = locked  # outlives a Redis restart
            audit(session, req, action="pin_lock", outcome="locked", now=now, actor="system",
                  until=locked, **where)
            return PinCheck(False, "locked", locked_until=locked)
        return PinCheck(False, "wrong_pin", tries_left=left)


# Reading -----------------------------------------------------------------------------------
def _plan_view(p: Plan) -> dict[str, Any]:
    return {"id": p.id, "product": p.product, "kind": p.kind, "period": p.period,
            "channel": p.channel, "term_end": p.term_end, "renews": p.auto_renew,
            "ended": p.ended}


def _with_store_states(session: Session, plans: list[Plan], views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """R23: an App Store plan's view carries Apple's latest word on it (renewal turned off at
    Apple, billing retry, grace period). One lookup, only for lines with App Store plans."""
    ids = [p.original_transaction_id for p in plans if p.channel == "app_store" and p.original_transaction_id]
    if not ids:
        return views
    from core.models_appstore import latest_states

    states = latest_states(session, ids)
    by_id = {p.id: states.get(p.original_transaction_id or "", {}) for p in plans}
    return [{**view, **by_id.get(view["id"], {})} for view in views]


# A line, its plans, and its blocked and contact numbers: one statement, one row a plan and
# number (a handful), read as columns (the plans as hot_sql.PlanRow, as the change reads them).
_SUMMARY = (
    select(Line.id, Line.account_id, Line.number, Line.login_id, Line.status, Line.status_reason, Line.usage_credits,
           *(getattr(Plan, name).label(f"plan_{name}") for name in hot_sql.PLAN_FIELDS),
           hot_sql.NUMBERS.c.kind, hot_sql.NUMBERS.c.id.label("number_id"),
           hot_sql.NUMBERS.c.number.label("other_number"))
    .select_from(Line)
    .outerjoin(Plan, Plan.line_id == Line.id)
    .outerjoin(hot_sql.NUMBERS, hot_sql.NUMBERS.c.line_id == Line.id)
    .where(Line.id == bindparam("line"))
    .order_by(Plan.id, hot_sql.NUMBERS.c.id))
_PLAN_AT = 7  # where a row's plan columns start
# PostgreSQL: a verified PIN's audit event inserted and the line's summary read after it, one
# statement (the CTE runs whether or not the summary finds rows).
_VERIFIED = _SUMMARY.add_cte(hot_sql.AUDIT_ONE.returning(AuditEvent.id).cte("audited"))


def line_summary(db: sessionmaker[Session], actor: LineRef, target_line_id: int) -> dict[str, Any]:
    handed = getattr(_HANDED, "summary", None)
    if handed is not None:
        _HANDED.summary = None
        if handed[0] is db and handed[1] == target_line_id and time.monotonic() < handed[2]:
            summary = handed[3]
            _check_scope(actor, summary["line_id"], summary["account_id"])
            return {k: v for k, v in summary.items() if k != "account_id"}
    with _reading(db) as conn:
        rows = conn.execute(_SUMMARY, {"line": target_line_id}).all()
        if not rows:
            raise UnknownLine(target_line_id)
        summary = _summary_of(conn, rows)
        _check_scope(actor, summary["line_id"], summary["account_id"])
        return {k: v for k, v in summary.items() if k != "account_id"}


def _summary_of(conn, rows) -> dict[str, Any]:
    """A line's summary from ``_SUMMARY``'s rows (one a plan and number), with its account."""
    line = rows[0]
    plans: dict[int, hot_sql.PlanRow] = {}
    numbers: dict[tuple[str, int], str] = {}
    for row in rows:
        if row.plan_id is not None and row.plan_id not in plans:
            plans[row.plan_id] = hot_sql.PlanRow(*row[_PLAN_AT:_PLAN_AT + len(hot_sql.PLAN_FIELDS)])
        if row.kind is not None:
            numbers[(row.kind, row.number_id)] = row.other_number
    plan_list = list(plans.values())
    return {
        "line_id": line.id, "account_id": line.account_id, "number": line.number, "login_id": line.login_id,
        "status": line.status, "status_reason": line.status_reason,
        "usage_credits": line.usage_credits,
        "plans": _with_store_states(conn, plan_list, [_plan_view(p) for p in plan_list if not p.ended]),
        # R12: what a reactivation would restore, ended or not.
        "number_plan": next((_plan_view(p) for p in plan_list if p.kind == "number"), None),
        "blocked": [n for (kind, _), n in sorted(numbers.items()) if kind == "b"],
        "own_numbers": [line.number, *(n for (kind, _), n in sorted(numbers.items()) if kind == "c")],
    }


def _check_scope(actor: Actor, target_id: int, target_account_id: int) -> None:
    """R7: may ``actor`` act on this line? (A system actor is authenticated by its own door.)"""
    if isinstance(actor, SystemActor):
        return
    decision = policy.decide_scope(actor.line_id, actor.is_admin, actor.account_id, target_id, target_account_id)
    if not decision.allowed:
        raise NotAuthorised(target_id)


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


def _authorised(session: Session, actor: Actor, target_line_id: int, *, lock: bool) -> Line:
    """The target line with its plans, blocked and contact numbers, if ``actor`` may act on it
    (R7). With ``lock``, the row is locked first and read after: a read that waited for
    another transaction's lock must see what that transaction committed."""
    if lock:
        _lock_line(session, target_line_id)
    stmt = select(Line).where(Line.id == target_line_id).options(
        joinedload(Line.plans), joinedload(Line.blocked), joinedload(Line.contacts)
    )
    target = session.execute(stmt).unique().scalar_one_or_none()
    if target is None:
        raise UnknownLine(target_line_id)
    if isinstance(actor, SystemActor):
        return target  # authenticated by its own door (a job, Apple's signature)
    decision = policy.decide_scope(actor.line_id, actor.is_admin, actor.account_id,
                                   target.id, target.account_id)
    if not decision.allowed:
        raise NotAuthorised(target_line_id)
    return target


def _lock_line(session: Session, line_id: int) -> None:
    session.execute(select(Line.id).where(Line.id == line_id).with_for_update())


def _actor_kind(actor: Actor, line: Line) -> str:
    if isinstance(actor, SystemActor):
        return actor.kind
    return "line" if actor.line_id == line.id else "admin"


def _actor_id(actor: Actor) -> str | None:
    return actor.id if isinstance(actor, SystemActor) else actor.login_id


# A call's receipts wait this long for the next change of the same call: one text per
# conversation, covering every change made in it (R17).
RECEIPT_HOLD = dt.timedelta(seconds=90)


# Changes -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """What one change does to its locked, freshly read line (``hot_sql.LineRow``: the line's
    fields, plans and numbers as plain values): ``decide`` asks the policy, ``apply`` makes the
    conditional update (on the transaction's connection, SQL Core) and returns how many rows it
    changed (0: someone else got there first) and the facts the answer and the receipt name.
    ``expected``: the receipt's values as the proposal already names them, so that its words
    are written before the transaction (used only when they turn out the same)."""

    action: str  # the audit action
    receipt: str  # the receipt's wording key (R17)
    target: Callable[[Any], str | None]
    decide: Callable[[Any, Any], policy.Decision]
    apply: Callable[[Any, Any, policy.Decision], tuple[int, dict[str, Any]]]
    already: str = "already_done"  # the reason when the conditional update found it done
    expected: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None


def _words_ahead(step: Step, req: Request, proposal: dict[str, Any] | None):
    """R17's words, from the proposal, before the transaction: (values, language, words) or None."""
    if step.expected is None or not proposal or not req.receipt_to or req.receipt is None or not req.lang:
        return None
    try:
        values = step.expected(proposal)
    except (KeyError, TypeError, ValueError):
        return None
    if values is None:
        return None
    return values, req.lang, req.receipt(step.receipt, values, req.lang)


def apply_change(db: sessionmaker[Session], step: Step, *, actor: Actor, line_id: int,
                 now: dt.datetime, req: Request, change_id: str | None = None,
                 proposal: dict[str, Any] | None = None) -> Result:
    """The one change skeleton (R7, R10, R13, R14, R17): lock the line → a confirmation
    already handled answers with its stored outcome → authorise → decide (policy) →
    conditional update → audit → receipt, in one transaction. ``change_id`` is the id the
    confirmation was proposed with: whatever repeats it (a second YES, Twilio's retry, a
    restarted worker, another server), the change is applied once and answered alike;
    ``proposal`` (what the confirmation named) is kept with the outcome for that answer.

    SQL Core on one connection (issue 26), four statements: the lock; the line, its plans and
    numbers, the change already applied under ``change_id`` and the receipt numbers' opt-outs,
    read in one statement after the lock; the step's conditional update; and the audit event,
    the outbox rows and the applied-change row written by one statement on PostgreSQL (CTEs;
    on SQLite one after another). The applied-change row's primary key is the change id: a
    second transaction with the same id waits for the first's lock and then finds its row.
    The receipt's words are written before the transaction from the proposal when the step
    says what they will name (``Step.expected``), and used only if the change names exactly
    that; otherwise they are written in it, as before."""
    _HANDED.summary = None  # this process changes a line: no summary read before stays handed
    ahead = _words_ahead(step, req, proposal)
    texts = 0
    with core_transaction(db) as conn:
        conn.execute(hot_sql.LOCK_LINE, {"line": line_id})
        read = hot_sql.read_change(conn, line_id, change_id, req.receipt_to)
        prior = read.prior
        if prior is not None and prior.line_id == line_id:
            return Result(prior.applied, prior.reason, prior.rule, dict(prior.data or {}),
                          repeat=True, first_request=prior.request_id)
        line = read.line
        if line is None:
            raise UnknownLine(line_id)
        if not isinstance(actor, SystemActor):  # else authenticated by its own door (a job, Apple)
            _check_scope(actor, line.id, line.account_id)
        common = dict(actor=_actor_kind(actor, line), actor_id=_actor_id(actor), line_id=line.id,
                      now=now, target=step.target(line))
        decision = step.decide(conn, line)
        told: list[str] = []
        outbound: list[dict[str, Any]] = []
        if not decision.allowed:
            row = _audit_row(req, action=step.action, outcome="refused", reason=decision.reason, **common)
            result = Result(False, decision.reason, decision.rule, decision.data)
        else:
            done, data = step.apply(conn, line, decision)
            if done != 1:  # the conditional update found it already done (R13)
                row = _audit_row(req, action=step.action, outcome="already_done", **common)
                result = Result(False, step.already, "R13", dict(decision.data))
            else:
                previous = data.pop("previous", None)  # for the audit only
                data = dict(decision.data, **data)
                row = _audit_row(req, action=step.action, outcome="applied", previous=previous, **common,
                                 **{k: data.get(k) for k in ("term_end", "app_store_plans")})
                told, outbound = _receipt(conn, req, line, read, step.receipt, data, now, actor, ahead)
                if told:
                    data["receipt_to"] = [number[-4:] for number in told]
                result = Result(True, decision.reason, decision.rule, data)
        change = None
        if change_id:
            change = {"id": change_id, "line_id": line_id, "action": step.action, "at": now,
                      "request_id": req.request_id, "applied": result.applied, "reason": result.reason,
                      "rule": result.rule, "data": _jsonable({**(proposal or {}), **result.data})}
        texts = hot_sql.write_change(conn, row, change, outbound)
    _committed(db, [_event_of(row)], texts)
    return result


def _receipt(conn, req: Request, line: hot_sql.LineRow, read: hot_sql.ChangeRead, kind: str,
             data: dict[str, Any], now: dt.datetime, actor: "Actor", ahead=None) -> tuple[list[str], list[dict]]:
    """R17: the text receipt's outbox rows, written in the same transaction as the change, and
    the numbers it will go to (empty: none will be sent, so none may be promised).

    It goes to the caller's number only when that is the line's own or a contact number;
    otherwise to the line itself: caller ID alone never earns account details (R8). An admin
    acting on another line gets a copy. Opted-out numbers (R16) get nothing (read with the
    line, and checked again when the message is sent). A later change of the same
    conversation joins the receipt still waiting to go (``hot_sql.write_change``).
    """
    if not req.receipt_to or req.receipt is None:
        return [], []
    own = _own_numbers(line)
    opted = {req.receipt_to: read.to_opted_out, line.number: read.line_opted_out}
    targets = [req.receipt_to if req.receipt_to in own else line.number]
    if isinstance(actor, LineRef) and actor.line_id != line.id:
        copy_to = _admin_copy_to(conn, actor, req.receipt_to)
        targets.append(copy_to)
        if copy_to not in opted:
            opted[copy_to] = conn.execute(select(TextOptOut.number).where(TextOptOut.number == copy_to)).first() is not None
    lang = req.lang or line.language  # R20: the conversation's, else the line's
    if ahead is not None and ahead[0] == data and ahead[1] == lang:
        body = ahead[2]
    else:
        body = req.receipt(kind, data, lang)
    told, rows = [], []
    for number in dict.fromkeys(targets):
        if opted[number]:
            continue
        rows.append({"created_at": now, "to_number": number, "from_number": req.receipt_from, "body": body,
                     "request_id": req.request_id, "next_attempt_at": now + RECEIPT_HOLD,
                     "status": "queued", "attempts": 0, "secret": False})
        told.append(number)
    return told, rows


def _admin_copy_to(conn, admin: LineRef, caller: str | None) -> str:
    """The admin's copy: to the number they call from when it is one of theirs, else their line."""
    own = [admin.number, *conn.execute(select(ContactNumber.number)
                                       .where(ContactNumber.line_id == admin.line_id)).scalars()]
    return caller if caller in own else admin.number


def cancel_plan(db: sessionmaker[Session], *, actor: LineRef, line_id: int, plan_id: int,
                now: dt.datetime, req: Request, change_id: str | None = None,
                proposal: dict[str, Any] | None = None) -> Result:
    """R2, R5, R6: stop one plan's renewal; it runs to its term end."""
    def plan_of(line: Line) -> Plan:
        plan = next((p for p in line.plans if p.id == plan_id), None)
        if plan is None:
            raise UnknownLine(plan_id)
        return plan

    def apply(session: Session, line: Line, decision) -> tuple[int, dict]:
        done = session.execute(
            update(Plan).where(Plan.id == plan_id, Plan.auto_renew.is_(True), Plan.ended.is_(False))
            .values(auto_renew=False, cancelled_at=now)).rowcount
        return done, {"number": line.number}

    def expected(shown: dict[str, Any]) -> dict[str, Any]:
        # What an allowed decision and the update name (decide_cancel_plan's data, the number).
        return {"product": shown["product"], "term_end": dt.date.fromisoformat(shown["term_end"]),
                "kind": shown["kind"], "number": shown["number"]}

    step = Step("cancel_plan", "plan_cancelled", lambda ln: f"{ln.number}:{plan_of(ln).product}",
                lambda s, ln: policy.decide_cancel_plan(ln, plan_of(ln), now), apply,
                already="already_cancelled", expected=expected)
    return apply_change(db, step, actor=actor, line_id=line_id, now=now, req=req, change_id=change_id,
                        proposal=proposal)


def cancel_line(db: sessionmaker[Session], *, actor: LineRef, line_id: int,
                now: dt.datetime, req: Request, change_id: str | None = None,
                proposal: dict[str, Any] | None = None) -> Result:
    """R3, R4, R6: full cancellation, irreversible; every plan of ours stops renewing at once.
    An App Store plan is Apple's to stop (R6, R23): it stays as Apple bills it, and the
    answer says so."""
    def apply(session: Session, line: Line, decision) -> tuple[int, dict]:
        done = session.execute(
            update(Line).where(Line.id == line.id, Line.status.in_(("active", "suspended")))
            .values(status="cancel_pending", status_reason="user", cancelled_at=now)).rowcount
        if done == 1:
            session.execute(
                update(Plan).where(Plan.line_id == line.id, Plan.auto_renew.is_(True), Plan.ended.is_(False),
                                   Plan.channel != "app_store")
                .values(auto_renew=False, cancelled_at=now))
        return done, {"number": line.number}

    step = Step("cancel_line", "line_cancelled", lambda ln: ln.number,
                lambda s, ln: policy.decide_cancel_line(ln, ln.plans, now), apply,
                already="already_cancelled")
    return apply_change(db, step, actor=actor, line_id=line_id, now=now, req=req, change_id=change_id,
                        proposal=proposal)


def reactivate_line(db: sessionmaker[Session], *, actor: LineRef, line_id: int,
                    now: dt.datetime, req: Request, change_id: str | None = None,
                proposal: dict[str, Any] | None = None) -> Result:
    """R12: only a line that ran out or was suspended for a reason other than its user's."""
    def apply(session: Session, line: Line, decision) -> tuple[int, dict]:
        previous = line.status_reason
        done = session.execute(
            update(Line).where(Line.id == line.id, Line.status.in_(("suspended", "cancelled")),
                               Line.status_reason.in_(policy.REACTIVATABLE_REASONS))
            .values(status="active", status_reason=None)).rowcount
        facts = {"number": line.number, "effective": now.date(), "previous": previous}
        number_plan = line.number_plan
        if done == 1 and number_plan is not None and number_plan.channel != "app_store":
            # R12: the number plan renews again; past its term end, a new term starts today. So the
            # job (R2) has nothing to end, and the answer and the receipt name the real next date.
            old_end = number_plan.term_end
            term_end = policy.reactivated_term_end(old_end, number_plan.period, now)
            session.execute(update(Plan).where(Plan.id == number_plan.id)
                            .values(auto_renew=True, ended=False, term_end=term_end, cancelled_at=None))
            facts.update(term_end=term_end, renews=True, new_term=term_end != old_end)
        return done, facts

    step = Step("reactivate_line", "line_reactivated", lambda ln: ln.number,
                lambda s, ln: policy.decide_reactivate(ln, now, ln.number_plan), apply, already="already_active")
    return apply_change(db, step, actor=actor, line_id=line_id, now=now, req=req, change_id=change_id,
                        proposal=proposal)


def available_numbers(db: sessionmaker[Session]) -> list[str]:
    """The pool CHANGE NUMBER offers from (R11 fix 4), in order; nothing is reserved."""
    with reader(db)() as session:
        return list(session.execute(select(AvailableNumber.number).order_by(AvailableNumber.id)).scalars())


def change_number(db: sessionmaker[Session], *, actor: LineRef, line_id: int,
                  now: dt.datetime, req: Request, change_id: str | None = None,
                  proposal: dict[str, Any] | None = None, wanted: str | None = None,
                  shown: str | None = None) -> Result:
    """R11 fix 4: the new number the caller was shown and said yes to (``wanted``; none: the
    pool's best, same area code first); the old one released. ``shown``: the line's number as
    the confirmation named it: changed since (another phone's YES), nothing is done and the
    answer says what the number is now (``number_changed_meanwhile``)."""
    def decide(session: Session, line: Line) -> policy.Decision:
        if shown is not None and line.number != shown:
            return policy.Decision(False, "number_changed_meanwhile", "R10", {"number": line.number})
        if wanted is not None:
            pool = session.execute(select(AvailableNumber.number).where(AvailableNumber.number == wanted)).scalars().all()
        else:
            pool = session.execute(select(AvailableNumber.number).order_by(AvailableNumber.id)).scalars().all()
        return policy.decide_change_number(line, pool, now, wanted=wanted)

    def apply(session: Session, line: Line, decision) -> tuple[int, dict]:
        old, new = line.number, decision.data["number"]
        taken = session.execute(delete(AvailableNumber).where(AvailableNumber.number == new)).rowcount
        if taken != 1:
            return 0, {}
        done = session.execute(update(Line).where(Line.id == line.id, Line.number == old)
                               .values(number=new)).rowcount
        return done, {"old": old, "number": new, "effective": now.date(), "previous": old}

    step = Step("change_number", "number_changed", lambda ln: ln.number, decide, apply,
                already="number_taken" if wanted is not None else "no_numbers_available")
    return apply_change(db, step, actor=actor, line_id=line_id, now=now, req=req, change_id=change_id,
                        proposal=proposal)


def block_number(db: sessionmaker[Session], *, actor: LineRef, line_id: int, raw: str,
                 now: dt.datetime, req: Request, change_id: str | None = None,
                proposal: dict[str, Any] | None = None) -> Result:
    def decide(session: Session, line: Line) -> policy.Decision:
        kind, e164 = phone.classify(raw, phone.region_of(line.number))
        return policy.decide_block(kind, e164, _own_numbers(line), [b.number for b in line.blocked])

    def apply(session: Session, line: Line, decision) -> tuple[int, dict]:
        e164 = phone.classify(raw, phone.region_of(line.number))[1]
        session.execute(insert(BlockedNumber).values(line_id=line.id, number=e164))
        return 1, {"number": e164, "line": line.number, "effective": now.date()}

    step = Step("block_number", "number_blocked",
                lambda ln: phone.classify(raw, phone.region_of(ln.number))[1], decide, apply)
    return apply_change(db, step, actor=actor, line_id=line_id, now=now, req=req, change_id=change_id,
                        proposal=proposal)


def unblock_number(db: sessionmaker[Session], *, actor: LineRef, line_id: int, raw: str,
                   now: dt.datetime, req: Request, change_id: str | None = None,
                proposal: dict[str, Any] | None = None) -> Result:
    def decide(session: Session, line: Line) -> policy.Decision:
        e164 = phone.classify(raw, phone.region_of(line.number))[1]
        return policy.decide_unblock(e164, [b.number for b in line.blocked])

    def apply(session: Session, line: Line, decision) -> tuple[int, dict]:
        e164 = phone.classify(raw, phone.region_of(line.number))[1]
        done = session.execute(delete(BlockedNumber).where(BlockedNumber.line_id == line.id,
                                                           BlockedNumber.number == e164)).rowcount
        return done, {"number": e164, "line": line.number, "effective": now.date()}

    step = Step("unblock_number", "number_unblocked",
                lambda ln: phone.classify(raw, phone.region_of(ln.number))[1], decide, apply)
    return apply_change(db, step, actor=actor, line_id=line_id, now=now, req=req, change_id=change_id,
                        proposal=proposal)


def change_for_request(db: sessionmaker[Session], request_id: str) -> Result | None:
    """The outcome of the change a provider request confirmed, if it confirmed one: the
    answer to a retry whose first answer was lost (R13, R17)."""
    with reader(db)() as session:
        row = session.execute(
            select(AppliedChange).where(AppliedChange.request_id == request_id).order_by(AppliedChange.at.desc())
        ).scalars().first()
        if row is None:
            return None
        return Result(row.applied, row.reason, row.rule, dict(row.data or {}), repeat=True,
                      first_request=row.request_id)


# Consent (R16) -----------------------------------------------------------------------------
_OPTED_OUT = select(TextOptOut.number).where(TextOptOut.number == bindparam("number"))


def is_opted_out(db: sessionmaker[Session], number: str, *, cached: bool | None | object = ...) -> bool:
    """R16: has ``number`` opted out of texts? The answer kept in Redis when there is one
    (core/opt_out_cache.py; ``cached``: what it said, read in the caller's own round trip,
    None when it had none), else the database's, which is then kept."""
    cache = opt_out_cache(db)
    if cached is ...:
        cached = cache.get(number) if cache is not None else None
    if cached is not None:
        return bool(cached)
    asked_at = time.monotonic()
    # One indexed lookup on a plain connection (no ORM session).
    with read_engine(db).connect() as conn:
        opted_out = conn.execute(_OPTED_OUT, {"number": number}).first() is not None
    if cache is not None:
        cache.keep(number, opted_out, asked_at)
    return opted_out


def opt_out_cache(db: Database) -> OptOutCache | None:
    """The Redis-kept opt-out answers of this app (given to its ``Database``), or None."""
    return db.opt_out_cache


def set_opt_out(db: sessionmaker[Session], number: str, opted_out: bool, *, now: dt.datetime,
                req: Request) -> bool:
    """Returns True when this changed the number's consent. Whatever the outcome, the number's
    kept answer is marked as changing before and after the transaction (core/opt_out_cache.py)."""
    cache = opt_out_cache(db)
    if cache is not None:
        cache.mark(number)  # best effort: R16 is recorded in the database with Redis down
    try:
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
    finally:
        if cache is not None:
            cache.changed(number)


# Escalation (R15) -------------------------------------------------------------------------
def escalate(db: sessionmaker[Session], *, reason: str, context: dict[str, Any], now: dt.datetime,
             req: Request, line_id: int | None = None, verified: bool = False) -> int:
    """A case for the agents' queue. At most one open case per sender and reason: a repeat
    (25 AGENT texts, nine calls) is added to the open one (counted in its context, audited
    ``repeated``; a call's newest CallSid kept, so the live call is the one an agent reaches),
    never a new row. A later voicemail on it keeps the earlier ones (``update_escalation``)."""
    with transaction(db) as session:
        if req.caller and phone.is_e164(req.caller):  # not "anonymous": many callers share that
            _serialise(session, f"escalate:{req.caller}:{reason}")
            open_case = session.execute(
                select(Escalation).where(Escalation.caller == req.caller, Escalation.reason == reason,
                                         Escalation.state.in_(("new", "claimed")))
                .order_by(Escalation.id.desc()).limit(1).with_for_update()).scalar_one_or_none()
            if open_case is not None:
                ctx = dict(open_case.context or {})
                if verified and not open_case.verified:  # the repeat knows more: keep its context
                    ctx = {**_jsonable(context), "history_before": ctx.get("history")}
                    open_case.line_id, open_case.verified = line_id, True
                ctx["repeats"] = int(ctx.get("repeats") or 0) + 1
                ctx["last_asked_at"] = now.isoformat()
                open_case.context = ctx
                if req.channel == "voice" and req.request_id:
                    open_case.channel, open_case.request_id = "voice", req.request_id
                audit(session, req, action="escalation", outcome="repeated", actor="system",
                      line_id=open_case.line_id, target=req.caller, now=now, reason=reason, escalation=open_case.id)
                return open_case.id
        esc = Escalation(created_at=now, channel=req.channel, request_id=req.request_id,
                         caller=req.caller, line_id=line_id, verified=verified, reason=reason,
                         context=_jsonable(context), outcome="requested")
        session.add(esc)
        session.flush()
        audit(session, req, action="escalation", outcome="requested", actor="system",
              line_id=line_id, target=req.caller, now=now, reason=reason, escalation=esc.id)
        return esc.id


def _serialise(session: Session, key: str) -> None:
    """Transactions with the same key run one at a time (PostgreSQL: an advisory lock held to
    the end of the transaction; SQLite's BEGIN IMMEDIATE already serialises every writer)."""
    if session.get_bind().dialect.name == "postgresql":
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        from sqlalchemy import text

        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": number})


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
            if esc.recording_url and esc.recording_url != recording_url:
                # A repeat added to an open case (``escalate``): the newest message is the
                # case's, the earlier ones are kept with it.
                ctx = dict(esc.context or {})
                ctx["earlier_recordings"] = [*ctx.get("earlier_recordings", []), esc.recording_url][-20:]
                esc.context = ctx
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
        # A line its user cancelled ends at its number plan's term end even when that plan is
        # Apple's and still billed there (R3, R6): the line is released, Apple's billing is Apple's.
        line_ids += session.execute(
            select(Line.id).where(Line.status == "cancel_pending")
            .join(Plan, Plan.line_id == Line.id)
            .where(Plan.kind == "number", Plan.ended.is_(False), Plan.term_end < today)
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
            if (line.status == "cancel_pending" and number_plan is not None and not number_plan.ended
                    and policy.term_has_passed(number_plan.term_end, now)):
                number_plan.ended = True
                report.plans_ended += 1
                audit(session, req, action="plan_end", outcome="applied", actor="system", line_id=line.id,
                      target=f"{line.number}:{number_plan.product}", now=now, term_end=number_plan.term_end,
                      reason="line_cancelled")
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

