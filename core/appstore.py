"""App Store Server Notifications V2 (R23): Apple's word on App Store plans, applied once each,
in order.

- ``receive``: a delivery is verified with Apple's library (``core.appstore_verify``), then
  stored by its ``notificationUUID`` (a retry or a duplicate stores nothing more; a refused
  delivery stores nothing, so it never uses up its id, and is audited), then the worker is
  asked to apply it. Apple retries anything but 200, so 200 means "stored".
- ``decide_store_change`` (core/policy.py, R23): the pure decision (what the plan becomes; an older notification
  never overwrites what a newer one set, by the transaction's ``signedDate``).
- ``apply_notification``: through the one change skeleton (``services.apply_change``) as the
  App Store (actor ``app_store``, channel ``app_store``), the notification's UUID as the
  change id: a worker retry, a second worker or a replay applies it once.
- the worker's job (RQ queue ``appstore``), ``status`` and ``replay`` for operators.

Nothing here knows a human language: a receipt's words come from the ``receipt`` callable
the worker is configured with (R17): ``(kind, values, language)``, where ``values["effect"]``
is the decision's reason (``store_renewal_off``…), the key its words go by.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from core import policy
from core.appstore_verify import Notice, NotificationRefused, StoreVerifier
from core.db import reader
from core.models import AuditEvent, Line, Plan
from core.models_appstore import PENDING, AppStoreNotification, latest_states
from core.policy import Decision, refuse
from core.services import Request, Step, SystemActor, apply_change, audit, transaction

log = logging.getLogger("switchboard.appstore")

QUEUE = "appstore"
MAX_BODY = 60 * 1024  # Apple's notifications are tens of KB; the web edge refuses over 64 KiB
MAX_ATTEMPTS = 5  # then "failed": `switchboard appstore replay` retries it
RETRY_SWEEP = dt.timedelta(seconds=30)
RECEIPT_KIND = "app_store_change"

# The notification types that change a plan (or, DID_FAIL_TO_RENEW, its recorded state).
# Every other type (TEST, CONSUMPTION_REQUEST, PRICE_INCREASE, …) is stored and ignored.
HANDLED = ("DID_CHANGE_RENEWAL_STATUS", "DID_RENEW", "EXPIRED", "GRACE_PERIOD_EXPIRED",
           "DID_FAIL_TO_RENEW", "REFUND", "REVOKE", "REFUND_REVERSED", "SUBSCRIBED")
# The customer is told by text when these reach the account (R17); a renewal that simply goes
# on (DID_RENEW) and Apple's billing retries (DID_FAIL_TO_RENEW: Apple tells them) are not.
RECEIPTED = ("DID_CHANGE_RENEWAL_STATUS", "EXPIRED", "GRACE_PERIOD_EXPIRED", "REFUND", "REVOKE",
             "REFUND_REVERSED", "SUBSCRIBED")


# The decision (pure): R23 lives in core/policy.py ----------------------------------------
StoreChange, decide_store_change = policy.StoreChange, policy.decide_store_change


# Receiving --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Received:
    uuid: str
    type: str
    stored: bool  # False: already stored (Apple's retry, a duplicate): nothing new


def signed_payload_of(body: bytes | str) -> str:
    """Apple's body ``{"signedPayload": "<JWS>"}`` (a saved file may hold the bare JWS)."""
    if isinstance(body, bytes):
        if len(body) > MAX_BODY:
            raise NotificationRefused("malformed", "body too large")
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            raise NotificationRefused("malformed", "not UTF-8") from None
    text = body.strip()
    if text.count(".") == 2 and not text.startswith("{"):
        signed = text
    else:
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            raise NotificationRefused("malformed", "not JSON") from None
        signed = doc.get("signedPayload") if isinstance(doc, dict) else None
    if not isinstance(signed, str) or not signed or len(signed) > MAX_BODY:
        raise NotificationRefused("malformed", "no signedPayload")
    return signed


def receive(db: sessionmaker[Session], verifier: Callable[[], StoreVerifier], body: bytes | str, *,
            now: dt.datetime, queue=None) -> Received:
    """Verify, store once, ask the worker to apply. Raises ``NotificationRefused`` (audited,
    nothing stored) or ``StoreUnavailable`` (not configured, revocation check unreachable)."""
    notice, signed = verified(db, verifier, body, now=now)
    stored = store(db, notice, signed, now=now)
    if queue is not None:  # a duplicate too: its first delivery may have ended before its kick
        kick(queue)
    return Received(notice.uuid, notice.type, stored)


def verified(db: sessionmaker[Session], verifier: Callable[[], StoreVerifier], body: bytes | str, *,
             now: dt.datetime) -> tuple[Notice, str]:
    """The notice and the JWS it came in, or ``NotificationRefused`` audited (R14) with its reason and nothing else
    from the unbelieved body. Runs outside any transaction: the check may go online (OCSP)."""
    store_verifier = verifier()  # StoreUnavailable: not configured
    try:
        signed = signed_payload_of(body)
        return store_verifier.verify(signed), signed
    except NotificationRefused as exc:
        log.warning("refused an App Store notification: %s", exc)
        try:
            with transaction(db) as session:
                audit(session, Request(channel="app_store"), action="appstore_notification", outcome="refused",
                      actor="app_store", now=now, reason=exc.reason)
        except Exception:  # noqa: BLE001 - the refusal stands; the log has it
            log.exception("could not audit a refused App Store notification")
        raise


def store(db: sessionmaker[Session], notice: Notice, signed: str, *, now: dt.datetime) -> bool:
    """Store a verified notice under its UUID; False when it was already there (changes nothing)."""
    row = dict(uuid=notice.uuid, received_at=now, notification_type=notice.type, subtype=notice.subtype,
               environment=notice.environment, signed_at=notice.signed_at,
               original_transaction_id=notice.original_transaction_id, product_id=notice.product_id,
               order_at=notice.order_at, facts=dict(notice.facts, transaction_id=notice.transaction_id),
               signed_payload=signed, status=PENDING, attempts=0)
    with transaction(db) as session:
        if session.bind.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        # One statement, whoever else stores the same notification at the same moment.
        done = session.execute(insert(AppStoreNotification).values(**row).on_conflict_do_nothing(
            index_elements=["uuid"]).returning(AppStoreNotification.uuid)).first() is not None
    if not done:
        log.info("App Store notification %s was already stored", notice.uuid)
    return done


# Applying ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Stored:
    uuid: str
    type: str
    subtype: str | None
    status: str
    original_transaction_id: str | None
    order_at: dt.datetime
    facts: dict[str, Any] = field(default_factory=dict)


def change_id(uuid: str) -> str:
    """The skeleton's change id (32 characters) for a notification: the same every time."""
    return hashlib.sha256(f"appstore:{uuid}".encode()).hexdigest()[:32]


def apply_notification(db: sessionmaker[Session], uuid: str, *, now: dt.datetime,
                       receipt: Callable[[str, dict[str, Any], str], str] | None = None) -> str:
    """Apply one stored notification (once: R13) and return what became of it. A notification
    already handled is left as it is; ``failed`` and ``unknown_transaction`` ones are tried again."""
    with reader(db)() as session:
        row = session.get(AppStoreNotification, uuid)
        if row is None:
            raise LookupError(uuid)
        got = _Stored(row.uuid, row.notification_type, row.subtype, row.status, row.original_transaction_id,
                      row.order_at, dict(row.facts or {}))
    if got.status not in (PENDING, "failed", "unknown_transaction"):
        return got.status
    if got.type not in HANDLED:
        return _finish(db, uuid, "ignored", "test" if got.type == "TEST" else "not_handled", now)
    if got.original_transaction_id is None:
        return _finish(db, uuid, "ignored", "no_transaction", now)
    with reader(db)() as session:
        target = session.execute(
            select(Plan.line_id, Line.number).join(Line)
            .where(Plan.original_transaction_id == got.original_transaction_id)
        ).first()
    if target is None:
        log.warning("App Store notification %s: no plan has the transaction %s", uuid, got.original_transaction_id)
        return _finish(db, uuid, "unknown_transaction", "unknown_transaction", now)
    line_id, number = target
    req = Request(channel="app_store", request_id=uuid,
                  receipt_to=number if receipt is not None and got.type in RECEIPTED else None, receipt=receipt)
    result = apply_change(db, _step(got, now), actor=SystemActor("app_store", uuid), line_id=line_id, now=now,
                          req=req, change_id=change_id(uuid))
    if result.reason == "unknown_transaction":  # the plan moved away between the lookup and the lock
        return _finish(db, uuid, "unknown_transaction", result.reason, now, line_id=line_id)
    return _finish(db, uuid, "applied" if result.applied else "unchanged", result.reason, now, line_id=line_id)


def _step(got: _Stored, now: dt.datetime) -> Step:
    change = StoreChange.from_facts(got.type, got.subtype, got.order_at, got.facts)
    tid = got.original_transaction_id
    N = AppStoreNotification

    def plan_of(line: Line) -> Plan | None:
        return next((p for p in line.plans if p.original_transaction_id == tid), None)

    def decide(session: Session, line: Line) -> Decision:
        plan = plan_of(line)
        if plan is None:
            return refuse("unknown_transaction", "R23")
        # Under the line's lock: what this subscription's newest weighed notification was, and
        # this one counted as weighed in the same transaction as its outcome.
        last = session.execute(select(func.max(N.order_at)).where(
            N.original_transaction_id == tid, N.evaluated_at.is_not(None), N.uuid != got.uuid)).scalar()
        session.execute(update(N).where(N.uuid == got.uuid).values(evaluated_at=now, line_id=line.id))
        return decide_store_change(line, plan, change, last, now)

    def apply(session: Session, line: Line, decision: Decision) -> tuple[int, dict]:
        plan = plan_of(line)
        assert plan is not None  # decide refused otherwise, under the same lock
        changes = dict(decision.data["changes"])
        previous = {"auto_renew": plan.auto_renew, "ended": plan.ended, "term_end": plan.term_end}
        done = 1
        if changes:
            if "auto_renew" in changes:
                changes["cancelled_at"] = None if changes["auto_renew"] else now
            done = session.execute(
                update(Plan).where(Plan.id == plan.id, Plan.auto_renew.is_(plan.auto_renew),
                                   Plan.ended.is_(plan.ended), Plan.term_end == plan.term_end)
                .values(**changes).execution_options(synchronize_session=False)).rowcount
        return done, {"number": line.number, "effective": now.date(), "effect": decision.reason,
                      "previous": previous}

    def target(line: Line) -> str:
        plan = plan_of(line)
        return f"{line.number}:{plan.product}" if plan is not None else line.number

    return Step(action=f"appstore_{got.type.lower()}"[:40], receipt=RECEIPT_KIND, target=target,
                decide=decide, apply=apply, already="no_change")


def _finish(db: sessionmaker[Session], uuid: str, status: str, reason: str | None, now: dt.datetime,
            line_id: int | None = None) -> str:
    values: dict[str, Any] = dict(status=status, reason=reason, handled_at=now, last_error=None)
    if line_id is not None:
        values["line_id"] = line_id
    with transaction(db) as session:
        session.execute(update(AppStoreNotification).where(AppStoreNotification.uuid == uuid).values(**values))
    log.info("App Store notification %s: %s (%s)", uuid, status, reason)
    return status


def _failed(db: sessionmaker[Session], uuid: str, error: BaseException, now: dt.datetime) -> None:
    """Count a failed attempt; after MAX_ATTEMPTS it waits for an operator (replay)."""
    N = AppStoreNotification
    try:
        with transaction(db) as session:
            session.execute(update(N).where(N.uuid == uuid, N.status.in_((PENDING, "failed"))).values(
                attempts=N.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:2000], handled_at=now))
            session.execute(update(N).where(N.uuid == uuid, N.attempts >= MAX_ATTEMPTS).values(status="failed"))
    except Exception:  # noqa: BLE001 - the row stays pending; the next sweep tries again
        log.exception("could not record the failure of App Store notification %s", uuid)


@dataclass
class SweepReport:
    applied: int = 0
    unchanged: int = 0
    other: int = 0
    errors: int = 0
    receipts: int = 0


def apply_pending(db: sessionmaker[Session], *, now: dt.datetime,
                  receipt: Callable[[str, dict[str, Any], str], str] | None = None, limit: int = 500) -> SweepReport:
    """Apply what is stored and not yet applied, oldest transaction first (a newer one that
    arrived first still wins: the older one is then weighed and changes nothing)."""
    report = SweepReport()
    N = AppStoreNotification
    with reader(db)() as session:
        pending = session.execute(select(N.uuid, N.notification_type).where(N.status == PENDING)
                                  .order_by(N.order_at, N.received_at).limit(limit)).all()
    for uuid, kind in pending:
        try:
            status = apply_notification(db, uuid, now=now, receipt=receipt)
        except Exception as exc:  # noqa: BLE001 - counted; retried by the next sweep
            log.exception("applying App Store notification %s failed", uuid)
            _failed(db, uuid, exc, now)
            report.errors += 1
            continue
        if status == "applied":
            report.applied += 1
            report.receipts += kind in RECEIPTED and receipt is not None
        elif status == "unchanged":
            report.unchanged += 1
        else:
            report.other += 1
    return report


# The worker (RQ) --------------------------------------------------------------------------
_WORKER: dict = {}


def configure_worker(db: sessionmaker[Session], clock: Callable[[], dt.datetime],
                     receipt: Callable[[str, dict[str, Any], str], str] | None = None) -> None:
    _WORKER.update(db=db, clock=clock, receipt=receipt)


def sweep_job() -> dict:
    """The RQ job: apply every pending notification. Safe to run any number of times at once
    (the change id makes each apply once); failures are retried by a later sweep."""
    report = apply_pending(_WORKER["db"], now=_WORKER["clock"](), receipt=_WORKER.get("receipt"))
    from rq import Queue, get_current_job

    job = get_current_job()
    if job is not None:
        if report.receipts:
            from core import outbox

            outbox.kick(job.connection)
        if report.errors:
            Queue(QUEUE, connection=job.connection).enqueue_in(RETRY_SWEEP, sweep_job, job_id="appstore-sweep-later")
    return {"applied": report.applied, "unchanged": report.unchanged, "other": report.other,
            "errors": report.errors}


def kick(queue_redis) -> None:
    """After a notification was stored: ask a worker to apply it. Best effort: the worker also
    sweeps when it starts, and the next notification's sweep takes any earlier one along."""
    try:
        from rq import Queue

        Queue(QUEUE, connection=queue_redis).enqueue(sweep_job, job_timeout=300, result_ttl=60)
    except Exception:  # noqa: BLE001 - the notification is safe in the database
        log.warning("could not enqueue the App Store sweep; the worker will find the notification", exc_info=True)


# Operators --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Replayed:
    uuid: str
    type: str
    stored: bool  # False: it was stored already
    status: str


def replay(db: sessionmaker[Session], verifier: Callable[[], StoreVerifier], text: str, *, now: dt.datetime,
           receipt: Callable[[str, dict[str, Any], str], str] | None = None) -> Replayed:
    """Apply a saved notification now, in this process (recovery): verified again, stored if it
    wasn't, applied once. One already applied changes nothing; a failed or unknown-transaction
    one is tried again (e.g. after the plan was imported with its transaction id)."""
    notice, signed = verified(db, verifier, text, now=now)
    stored = store(db, notice, signed, now=now)
    status = apply_notification(db, notice.uuid, now=now, receipt=receipt)
    return Replayed(notice.uuid, notice.type, stored, status)


def _brief(row: AppStoreNotification) -> dict[str, Any]:
    return {"uuid": row.uuid, "type": row.notification_type, "subtype": row.subtype,
            "received_at": row.received_at, "status": row.status, "reason": row.reason,
            "original_transaction_id": row.original_transaction_id, "attempts": row.attempts,
            "last_error": row.last_error}


def status(db: sessionmaker[Session], *, now: dt.datetime, limit: int = 10) -> dict[str, Any]:
    """What operators need: the last notification received, counts by status, what failed or
    names no known plan, and the refused deliveries of the last day."""
    N = AppStoreNotification
    with reader(db)() as session:
        last = session.execute(select(N).order_by(N.received_at.desc(), N.uuid).limit(1)).scalar_one_or_none()
        counts = dict(session.execute(select(N.status, func.count()).group_by(N.status)).all())
        failing = session.execute(select(N).where(N.status.in_((PENDING, "failed")), N.attempts > 0)
                                  .order_by(N.received_at.desc()).limit(limit)).scalars().all()
        unknown = session.execute(select(N).where(N.status == "unknown_transaction")
                                  .order_by(N.received_at.desc()).limit(limit)).scalars().all()
        refused = session.execute(
            select(AuditEvent).where(AuditEvent.action == "appstore_notification", AuditEvent.outcome == "refused",
                                     AuditEvent.at >= now - dt.timedelta(days=1))
            .order_by(AuditEvent.id.desc())).scalars().all()
        return {
            "last": _brief(last) if last else None,
            "counts": counts,
            "failing": [_brief(r) for r in failing],
            "unknown_transactions": [_brief(r) for r in unknown],
            "refused_last_day": len(refused),
            "last_refused": ({"at": refused[0].at, "reason": (refused[0].details or {}).get("reason")}
                             if refused else None),
        }


def store_states(db: sessionmaker[Session], transaction_ids: list[str]) -> dict[str, dict[str, Any]]:
    """``models_appstore.latest_states`` in its own read (for callers holding no session)."""
    with reader(db)() as session:
        return latest_states(session, transaction_ids)
