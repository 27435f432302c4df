"""App Store Server Notifications V2 (R23): the notifications received, once each.

A row is written only for a notification whose signature Apple's library verified (a
refused delivery leaves no row, so it never uses up its id); the worker then applies it to
the plan whose ``original_transaction_id`` it names and records what became of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.models import Base, UTCDateTime

# What became of a stored notification.
PENDING = "received"          # stored, not yet applied (the worker's queue)
NOTIFICATION_STATUSES = (
    PENDING,
    "applied",                # the plan changed (or, billing retry: the state was recorded)
    "unchanged",              # nothing to change: already so, older than what was applied, refused
    "ignored",                # TEST, a type Switchboard does not act on, no transaction
    "unknown_transaction",    # no plan carries its original_transaction_id (shown to operators)
    "failed",                 # applying kept failing; `switchboard appstore replay` retries it
)


class AppStoreNotification(Base):
    __tablename__ = "appstore_notifications"

    uuid: Mapped[str] = mapped_column(String(64), primary_key=True)  # Apple's notificationUUID
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    notification_type: Mapped[str] = mapped_column(String(40))
    subtype: Mapped[str | None] = mapped_column(String(40), nullable=True)
    environment: Mapped[str] = mapped_column(String(20))
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # the notification's signedDate
    original_transaction_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    product_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # What orders the notifications of one subscription: the transaction's signedDate (R23).
    order_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The verified, decoded facts the mapping reads (dates, renewal status, revocation).
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    # As Apple sent it: `switchboard appstore replay` can verify it again.
    signed_payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    reason: Mapped[str | None] = mapped_column(String(60), nullable=True)
    # Set, under the line's lock, once it was weighed against the plan's state: an older
    # notification of the same subscription weighed after it changes nothing.
    evaluated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    line_id: Mapped[int | None] = mapped_column(
        ForeignKey("lines.id", ondelete="SET NULL"), nullable=True, index=True)


def latest_states(session: Session, transaction_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Apple's latest word on each subscription (R23), for the answers that show App Store plans
    (PLANS, REFUND): by original transaction id, ``{"store": <the effect, e.g.
    store_renewal_off, store_billing_retry, store_grace_period, store_refunded>, "store_at":
    <the date it reached the account>, "grace_until": <date, in a grace period>}``."""
    ids = sorted({t for t in transaction_ids if t})
    if not ids:
        return {}
    N = AppStoreNotification
    rows = session.execute(
        select(N.original_transaction_id, N.reason, N.handled_at, N.facts)
        .where(N.original_transaction_id.in_(ids), N.status == "applied")
        .order_by(N.order_at.desc(), N.received_at.desc())).all()
    out: dict[str, dict[str, Any]] = {}
    for tid, reason, at, facts in rows:
        if tid in out:
            continue
        state: dict[str, Any] = {"store": reason, "store_at": at.date() if at else None}
        grace = (facts or {}).get("grace_until")
        if reason == "store_grace_period" and grace:
            state["grace_until"] = dt.date.fromisoformat(grace[:10])
        out[tid] = state
    return out
