"""R17 receipts (and every other text the bot starts: one-time codes, an agent's instruction,
App Store receipts): rows queued in the same transaction as the change, sent by the worker.

Each row is claimed with a conditional update before it is sent, so two workers (or a job
and its retry) never send it twice; an opted-out number (R16) is never texted; without
TWILIO_ACCOUNT_SID a row is marked "not_sent" with the reason. Twilio refusing a send with
21610 (the recipient opted out at Twilio) records the opt-out (R16) and never retries. What
Twilio later says of the delivery is core.delivery's (the status callback): a transient
failure puts the row back to "retry" here, under the same claim.

Sent at once: every transaction that queues a text wakes the worker after its commit
(``wake_after_commit``: an RQ job enqueued from the session's ``after_commit``), whichever
door or job queued it, so a code the customer waits for leaves within a second or two, not
when something unrelated happens to wake the worker. A one-time code is checked again at
send time (``_code_still_good``): expired, superseded by a newer code, or its line's number
changed since it was queued, it is never sent ("lapsed").
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import weakref
from dataclasses import dataclass, field
from typing import Callable, Protocol

from sqlalchemy import case, event, func, or_, select, update
from sqlalchemy.orm import Session, object_session, sessionmaker

from core.models import Line, OutboundText, TextOptOut

log = logging.getLogger("switchboard.outbox")

QUEUE = "receipts"
MAX_ATTEMPTS = 5
REDACTED = "(a one-time code: its words are not kept once sent)"
BACKOFF = [dt.timedelta(seconds=s) for s in (5, 30, 120, 600, 1800)]
# How long a send may stay unanswered before another worker looks at it (a crash mid-send).
STALE_SENDING = dt.timedelta(seconds=int(os.environ.get("OUTBOX_STALE_SECONDS", "300")))


OPTED_OUT_AT_TWILIO = 21610  # "Attempt to send to unsubscribed recipient"


class SendFailed(RuntimeError):
    def __init__(self, message: str, *, permanent: bool = False, code: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code  # Twilio's error code, when Twilio answered


class NotSent(SendFailed):
    """The sender has no way to send (no credentials): the row is marked "not_sent"."""


class Sender(Protocol):
    def send(self, *, to: str, from_: str | None, body: str, ref: str | None = None) -> str: ...

    def find_sent(self, *, to: str, body: str, since: dt.datetime) -> str | None: ...


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    not_sent: int = 0
    lapsed: int = 0
    ids: list[int] = field(default_factory=list)


def _due(now: dt.datetime):
    """What may be (re)sent now: queued, a retry whose time has come, or a send left
    unanswered long enough that its worker must have died."""
    # A receipt held for the rest of its conversation waits for its time (core.services).
    queued = (OutboundText.status == "queued") & (
        OutboundText.next_attempt_at.is_(None) | (OutboundText.next_attempt_at <= now))
    return or_(queued,
               (OutboundText.status == "retry") & (OutboundText.next_attempt_at <= now),
               (OutboundText.status == "sending") & (OutboundText.next_attempt_at <= now - STALE_SENDING))


def due_ids(db: sessionmaker[Session], now: dt.datetime, limit: int = 100) -> list[int]:
    with db() as session:
        return list(session.execute(
            select(OutboundText.id).where(_due(now)).order_by(OutboundText.id).limit(limit)
        ).scalars())


def send_one(db: sessionmaker[Session], sender: Sender | None, outbound_id: int, now: dt.datetime,
             report: SendReport | None = None) -> str:
    """Claim, send and mark one row; returns its new status ('' when someone else had it)."""
    report = report or SendReport()
    with db.begin() as session:
        row = session.execute(
            select(OutboundText).where(OutboundText.id == outbound_id, _due(now)).with_for_update()
        ).scalar_one_or_none()
        if row is None:  # sent, being sent, or not yet due: someone else's
            return ""
        # A row left in "sending" by a worker that died mid-send: ask the provider first.
        was_interrupted = row.status == "sending"
        if row.status == "retry":  # a new message: what Twilio said of the last one is history
            row.provider_sid, row.delivery_status, row.error_code, row.delivery_at = None, None, None, None
        row.status, row.attempts, row.next_attempt_at = "sending", row.attempts + 1, now
        opted_out = session.get(TextOptOut, row.to_number) is not None
        lapsed = row.secret and not _code_still_good(session, row, now)
        to, from_, body, attempts, created = row.to_number, row.from_number, row.body, row.attempts, row.created_at
    if lapsed:
        return _finish(db, outbound_id, "lapsed", report,
                       error="not sent: the code expired, was replaced by a newer one, or its line's number changed")
    if opted_out:
        return _finish(db, outbound_id, "suppressed", report, error="recipient opted out of texts (R16)")
    if sender is None:
        return _finish(db, outbound_id, "not_sent", report, error="not sent: no credentials (TWILIO_ACCOUNT_SID unset)")
    try:
        if was_interrupted:
            sid = sender.find_sent(to=to, body=body, since=created)
            if sid:
                return _finish(db, outbound_id, "sent", report, sid=sid, sent_at=now)
        # The status callbacks name this row and this attempt (core.delivery).
        sid = sender.send(to=to, from_=from_, body=body, ref=f"{outbound_id}.{attempts}")
    except NotSent as exc:  # development without credentials: shown on the terminal instead
        return _finish(db, outbound_id, "not_sent", report, error=str(exc))
    except SendFailed as exc:
        if exc.code == OPTED_OUT_AT_TWILIO:
            _opted_out_at_twilio(db, to, now)
            return _finish(db, outbound_id, "suppressed", report, error=f"recipient opted out at Twilio ({exc})",
                           error_code=exc.code)
        if exc.permanent or attempts >= MAX_ATTEMPTS:
            return _finish(db, outbound_id, "failed", report, error=str(exc), error_code=exc.code)
        retry_at = now + BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
        return _finish(db, outbound_id, "retry", report, error=str(exc), next_attempt_at=retry_at)
    return _finish(db, outbound_id, "sent", report, sid=sid, sent_at=now)


def _code_still_good(session: Session, row: OutboundText, now: dt.datetime) -> bool:
    """R21 at send time: the code this text carries is the live one of a line that still has
    the number it goes to, and no newer code was queued for that number since. The code and
    its text are made in one transaction (core.one_time_codes): the same line, the same moment;
    a newer code marks the older one used."""
    from core.models_console import OneTimeCode

    newer = session.execute(select(OutboundText.id).where(
        OutboundText.secret.is_(True), OutboundText.to_number == row.to_number, OutboundText.id > row.id).limit(1)
    ).first()
    if newer is not None:
        return False
    return session.execute(
        select(OneTimeCode.id).join(Line, Line.id == OneTimeCode.line_id)
        .where(Line.number == row.to_number, Line.status != "released", OneTimeCode.created_at == row.created_at,
               OneTimeCode.used_at.is_(None), OneTimeCode.expires_at > now).limit(1)
    ).first() is not None


def _opted_out_at_twilio(db: sessionmaker[Session], number: str, now: dt.datetime) -> None:
    """R16: Twilio says the number opted out (a STOP it handled): the database says so too."""
    from core import services

    try:
        services.set_opt_out(db, number, True, now=now, req=services.Request(channel="job"))
    except Exception:  # noqa: BLE001 - the row is still marked; the next send asks Twilio again
        log.warning("could not record an opt-out Twilio reported (21610)", exc_info=True)


def _finish(db, outbound_id: int, status: str, report: SendReport, *, error: str | None = None,
            sid: str | None = None, sent_at: dt.datetime | None = None,
            next_attempt_at: dt.datetime | None = None, error_code: int | None = None) -> str:
    values = dict(status=status, last_error=error, provider_sid=sid, sent_at=sent_at, next_attempt_at=next_attempt_at)
    if status == "sent":
        # Accepted: Twilio has queued it. A status callback that came first has said more.
        values["delivery_status"] = func.coalesce(OutboundText.delivery_status, "queued")
    if error_code is not None:
        values["error_code"] = error_code
    if status in ("sent", "failed", "suppressed", "not_sent", "lapsed"):
        # R21: a one-time code's words are kept only until they are sent or given up.
        values["body"] = case((OutboundText.secret.is_(True), REDACTED), else_=OutboundText.body)
    with db.begin() as session:
        session.execute(
            update(OutboundText).where(OutboundText.id == outbound_id, OutboundText.status == "sending")
            .values(**values)
        )
    attr = {"sent": "sent", "retry": "retried", "failed": "failed", "suppressed": "suppressed",
            "not_sent": "not_sent", "lapsed": "lapsed"}[status]
    setattr(report, attr, getattr(report, attr) + 1)
    report.ids.append(outbound_id)
    log.info("outbound text %s: %s%s", outbound_id, status, f" ({error})" if error else "")
    return status


def send_due(db: sessionmaker[Session], sender: Sender | None, clock: Callable[[], dt.datetime]) -> SendReport:
    report = SendReport()
    for outbound_id in due_ids(db, clock()):
        send_one(db, sender, outbound_id, clock(), report)
    return report


# The RQ side: the web enqueues a sweep after a change; the worker runs it. ----------------
_WORKER: dict = {}


def configure_worker(db: sessionmaker[Session], sender: Sender | None, clock) -> None:
    _WORKER.update(db=db, sender=sender, clock=clock)


def next_due_at(db: sessionmaker[Session]) -> dt.datetime | None:
    """When a later sweep is needed: the next retry or held receipt, or a stalled send
    turning stale."""
    with db() as session:
        retry = session.execute(select(OutboundText.next_attempt_at)
                                .where(OutboundText.status.in_(("retry", "queued")),
                                       OutboundText.next_attempt_at.is_not(None))
                                .order_by(OutboundText.next_attempt_at).limit(1)).scalar()
        stalled = session.execute(select(OutboundText.next_attempt_at).where(OutboundText.status == "sending")
                                  .order_by(OutboundText.next_attempt_at).limit(1)).scalar()
    times = [t for t in (retry, stalled + STALE_SENDING if stalled else None) if t is not None]
    return min(times) if times else None


def sweep_job() -> dict:
    """The RQ job: send whatever is due, then schedule one later sweep for retries.
    Safe to run any number of times at once: each row is claimed before it is sent."""
    report = send_due(_WORKER["db"], _WORKER["sender"], _WORKER["clock"])
    later = next_due_at(_WORKER["db"])
    if later is not None:
        from rq import Queue, get_current_job

        job = get_current_job()
        if job is not None:
            Queue(QUEUE, connection=job.connection).enqueue_at(later, sweep_job, job_id="outbox-sweep-later")
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}


def wake_after_commit(db: sessionmaker[Session], queue_redis) -> None:
    """Every session of ``db`` that adds an outbound text wakes the worker once its
    transaction has committed (never before: the worker must find the row). Rows changed
    rather than added (a held receipt given more words) keep their time and their sweep."""

    _note_inserted_texts()
    _QUEUES[db] = queue_redis

    @event.listens_for(db, "after_commit")
    def _wake(session):
        if session.info.pop("outbox_wake", False):
            kick(queue_redis)

    @event.listens_for(db, "after_soft_rollback")
    def _forget(session, _previous):
        session.info.pop("outbox_wake", None)


_noting: list[bool] = []
# The queue each ``db`` wakes: for SQL Core transactions (core.services), which have no
# session for the events above and call ``wake`` after their commit instead.
_QUEUES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def wake(db) -> None:
    """After a commit (outside any ORM session) that inserted an outbound text: as ``_wake``."""
    queue_redis = _QUEUES.get(db)
    if queue_redis is not None:
        kick(queue_redis)


def _note_inserted_texts() -> None:
    """Once: an inserted outbound text marks its session (a mapper event, so a flush that
    writes no text costs nothing; before, every flush of every session was looked through)."""
    if _noting:
        return
    _noting.append(True)

    @event.listens_for(OutboundText, "after_insert")
    def _noted(_mapper, _connection, target):
        session = object_session(target)
        if session is not None:
            session.info["outbox_wake"] = True


def kick(queue_redis) -> None:
    """After a change that queued a receipt: ask a worker to sweep. Best effort: the worker
    also sweeps when it starts and schedules its own retries, so a lost kick only delays."""
    try:
        from rq import Queue

        Queue(QUEUE, connection=queue_redis).enqueue(sweep_job, job_timeout=120, result_ttl=60)
    except Exception:  # noqa: BLE001 - the receipt is safe in the database
        log.warning("could not enqueue the outbox sweep; the worker will find the receipt", exc_info=True)
