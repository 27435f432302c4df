"""What became of each text the bot sent (issue 15): Twilio's message status callbacks,
recorded on the outbox row they name, and what follows from them.

- States move only forward (``RANK``): callbacks arrive out of order, and "sent" after
  "delivered" changes nothing. A final state (delivered, undelivered, failed…) is never
  replaced by another for the same message.
- 21610 (the recipient opted out at Twilio): the number is opted out here too (R16, through
  ``services.set_opt_out``); the row is "suppressed", never retried.
- A transient failure (``TRANSIENT``: the handset unreachable, a queue overflow, carrier
  congestion, a rate limit…) puts the row back to "retry" with the outbox's backoff, at most
  ``outbox.MAX_ATTEMPTS`` sends in all; the outbox's claim still sends it once at a time (R13).
- Any other failure (30007 filtered, 30006 landline, 21211 invalid number, an unknown code) is
  permanent: the row is "failed" with Twilio's code, shown on the case in the console.

A callback names its row and attempt by the ``o`` query parameter of the status callback URL
(``o=<row>.<attempt>``, signed by Twilio with the rest of the URL), so it is matched even
before the worker has written the message's sid; a callback for an earlier message of a row
that was sent again matches nothing and is ignored.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core import outbox, services
from core.db import reader
from core.metrics import TEXT_DELIVERY
from core.models import OutboundText
from core.services import transaction

log = logging.getLogger("switchboard.delivery")

RANK = {"accepted": 0, "scheduled": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4,
        "undelivered": 4, "failed": 4, "canceled": 4, "partially_delivered": 4, "read": 5}
FAILED = ("undelivered", "failed")
OPTED_OUT = outbox.OPTED_OUT_AT_TWILIO
# Twilio's codes for failures that may pass: retried with backoff. Everything else is not:
# 30008 (unknown error) and 30009 (missing segment) may have reached the phone in part or in
# whole, and a second receipt or code would break R13, so they are failures to look at.
TRANSIENT = frozenset({
    30001,  # queue overflow
    30003,  # unreachable destination handset (off, no signal)
    30017,  # carrier network congestion
    30022,  # US A2P 10DLC rate limits exceeded
    63017,  # rate limit exceeded
})


@dataclass(frozen=True)
class Recorded:
    """What a callback did: ``outcome`` is one of recorded, retry, opted_out, failed, stale,
    unknown_message, ignored."""

    outcome: str
    outbound_id: int | None = None
    to_number: str | None = None


def parse_code(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def parse_ref(raw: str | None) -> tuple[int, int] | None:
    """The status callback URL's ``o``: (row id, attempt)."""
    row, _, attempt = (raw or "").partition(".")
    if row.isascii() and row.isdigit() and attempt.isascii() and attempt.isdigit() and len(raw or "") < 24:
        return int(row), int(attempt)
    return None


def record_status(db: sessionmaker[Session], *, message_sid: str, status: str, error_code: int | None,
                  now: dt.datetime, ref: tuple[int, int] | None = None) -> Recorded:
    """One status callback, applied at most once and only forward."""
    status = (status or "").strip().lower()
    if status not in RANK or not message_sid:
        return Recorded("ignored")
    if status in FAILED and error_code == OPTED_OUT:
        # First, so that a failure below can't lose the opt-out. Only a callback that is news:
        # a replay (the row already says so) changes nothing, and neither does a verdict on a
        # message sent before the number's latest START (R16: the customer's newer word wins).
        to = _opt_out_news(db, message_sid, ref, status)
        if to is not None:
            services.set_opt_out(db, to, True, now=now, req=services.Request(channel="sms", request_id=message_sid))
    with transaction(db) as session:
        row = _row_for(session, message_sid, ref)
        if row is None:
            log.info("status callback for a message the outbox doesn't know (%s)", status)
            return Recorded("unknown_message")
        if RANK[status] <= RANK.get(row.delivery_status or "", -1):
            return Recorded("stale", row.id, row.to_number)
        row.delivery_status, row.delivery_at = status, now
        if error_code is not None:
            row.error_code = error_code
        outcome = "recorded"
        if status in FAILED and row.status in ("sent", "sending"):
            # (Still "sending": the callback beat the worker's own bookkeeping, which then
            # finds the row no longer its to mark.)
            outcome = _after_failure(row, status, error_code, now)
        found = Recorded(outcome, row.id, row.to_number)
    TEXT_DELIVERY.labels(status).inc()
    log.info("outbound text %s: %s%s -> %s", found.outbound_id, status,
             f" ({error_code})" if error_code is not None else "", found.outcome)
    return found


def _after_failure(row: OutboundText, status: str, code: int | None, now: dt.datetime) -> str:
    what = f"twilio {code if code is not None else 'no code'}: {status}"
    if code == OPTED_OUT:
        row.status, row.last_error = "suppressed", f"{what}: the recipient opted out at Twilio (R16)"
        return "opted_out"
    if code in TRANSIENT and row.attempts < outbox.MAX_ATTEMPTS and not row.secret:  # a code: ask anew
        row.status = "retry"
        row.next_attempt_at = now + outbox.BACKOFF[min(row.attempts - 1, len(outbox.BACKOFF) - 1)]
        row.last_error = f"{what}: sending again"
        return "retry"
    row.status, row.last_error = "failed", f"{what}: not sent again"
    return "failed"


def _current_message(message_sid: str, ref: tuple[int, int] | None):
    """The row whose current message this is: by its sid, or by the callback URL's row and
    attempt while the worker has yet to write the sid (a row sent again has a new attempt)."""
    cond = OutboundText.provider_sid == message_sid
    if ref is not None:
        cond = or_(cond, and_(OutboundText.id == ref[0], OutboundText.attempts == ref[1],
                              OutboundText.provider_sid.is_(None)))
    return select(OutboundText).where(cond)


def _row_for(session: Session, message_sid: str, ref: tuple[int, int] | None) -> OutboundText | None:
    return session.execute(_current_message(message_sid, ref).with_for_update()).scalars().first()


def _opt_out_news(db: sessionmaker[Session], message_sid: str, ref: tuple[int, int] | None,
                  status: str) -> str | None:
    """The number a 21610 opts out, when the callback is news: not a replay (the row's state
    already as far), and its message sent after the number last opted back in (START)."""
    from core.models import AuditEvent

    with reader(db)() as session:
        row = session.execute(_current_message(message_sid, ref)).scalars().first()
        if row is None or RANK[status] <= RANK.get(row.delivery_status or "", -1):
            return None
        sent = row.sent_at or row.created_at
        started = session.execute(
            select(AuditEvent.at).where(AuditEvent.action == "text_opt_in", AuditEvent.target == row.to_number,
                                        AuditEvent.outcome == "applied")
            .order_by(AuditEvent.at.desc()).limit(1)).scalar()
        if started is not None and sent is not None and sent <= started:
            log.info("a 21610 for a message sent before the number's latest START: not an opt-out")
            return None
        return row.to_number


# Reading it back: `switchboard outbox`, the console's case page ---------------------------------
@dataclass(frozen=True)
class TextView:
    id: int
    created_at: dt.datetime
    to_number: str
    status: str  # the outbox's: queued, sending, retry, sent, failed, suppressed, not_sent, lapsed
    delivery: str | None  # Twilio's: queued, sent, delivered, undelivered, failed…
    error_code: int | None
    attempts: int
    last_error: str | None
    body: str
    request_id: str | None = None  # the conversation's (a receipt of a call: its CallSid)

    @property
    def state(self) -> str:
        """One word for a person: how far it got."""
        if self.status in ("suppressed", "not_sent", "lapsed", "queued", "retry", "sending"):
            return self.status
        if self.status == "failed" and self.delivery not in FAILED:
            return "failed"  # Twilio never took it
        return self.delivery or self.status

    @property
    def went_wrong(self) -> bool:
        return self.status in ("failed", "suppressed") or self.delivery in FAILED


def _view(row: OutboundText) -> TextView:
    # R21: a one-time code is never shown, not even while it waits to be sent.
    body = outbox.REDACTED if row.secret else row.body
    return TextView(row.id, row.created_at, row.to_number, row.status, row.delivery_status, row.error_code,
                    row.attempts, row.last_error, body, row.request_id)


FAILED_ROWS = or_(OutboundText.status.in_(("failed", "suppressed")), OutboundText.delivery_status.in_(FAILED))


def recent(db: sessionmaker[Session], *, failed_only: bool = False, status: str | None = None,
           limit: int = 50) -> list[TextView]:
    """The outbox, newest first."""
    stmt = select(OutboundText).order_by(OutboundText.created_at.desc(), OutboundText.id.desc()).limit(limit)
    if failed_only:
        stmt = stmt.where(FAILED_ROWS)
    if status:
        stmt = stmt.where(OutboundText.status == status)
    with reader(db)() as session:
        return [_view(r) for r in session.execute(stmt).scalars()]


def texts_to(db: sessionmaker[Session], numbers: list[str], *, since: dt.datetime | None = None,
             limit: int = 20) -> list[TextView]:
    """The texts the bot sent to these numbers (a case's customer), newest first."""
    numbers = [n for n in dict.fromkeys(numbers) if n]
    if not numbers:
        return []
    stmt = (select(OutboundText).where(OutboundText.to_number.in_(numbers))
            .order_by(OutboundText.created_at.desc(), OutboundText.id.desc()).limit(limit))
    if since is not None:
        stmt = stmt.where(OutboundText.created_at >= since)
    with reader(db)() as session:
        return [_view(r) for r in session.execute(stmt).scalars()]
