"""The account state in SQL: SQLAlchemy 2 declarative models.

Alembic migrations in ``core/migrations`` build exactly this schema; a test checks that
the two agree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core import languages

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LINE_STATUSES = ("active", "suspended", "cancel_pending", "cancelled", "released")
STATUS_REASONS = ("user", "unpaid", "inactivity", "system")
PLAN_KINDS = ("number", "feature")
PLAN_PERIODS = ("monthly", "annual")
PLAN_CHANNELS = ("portal", "app_store")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(dt.timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lines: Mapped[list["Line"]] = relationship(
        back_populates="account", order_by="Line.id", cascade="all, delete-orphan"
    )


class Line(Base):
    __tablename__ = "lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    login_id: Mapped[str] = mapped_column(String(100), unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Keyed hash of the PIN (HMAC-SHA256 with PIN_SECRET and the per-line salt).
    pin_hash: Mapped[str] = mapped_column(String(64))
    pin_salt: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    usage_credits: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # R20: the language receipts and other texts to the line use (a code of core/languages.py).
    language: Mapped[str] = mapped_column(String(2), default=languages.DEFAULT_CODE, server_default=languages.DEFAULT_CODE)
    # R9's lock, kept where it survives a Redis restart (Redis holds the counting).
    pin_locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    account: Mapped[Account] = relationship(back_populates="lines")
    contacts: Mapped[list["ContactNumber"]] = relationship(
        back_populates="line", order_by="ContactNumber.id", cascade="all, delete-orphan"
    )
    plans: Mapped[list["Plan"]] = relationship(
        back_populates="line", order_by="Plan.id", cascade="all, delete-orphan"
    )
    blocked: Mapped[list["BlockedNumber"]] = relationship(
        back_populates="line", order_by="BlockedNumber.id", cascade="all, delete-orphan"
    )

    @property
    def number_plan(self) -> "Plan | None":
        return next((p for p in self.plans if p.kind == "number"), None)


class ContactNumber(Base):
    """A user's own number from which they call or text support (besides the line itself)."""

    __tablename__ = "contact_numbers"
    __table_args__ = (UniqueConstraint("line_id", "number", name="uq_contact_numbers_line_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(20), index=True)
    line: Mapped[Line] = relationship(back_populates="contacts")


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (
        # Exactly one number plan a line.
        Index(
            "uq_plans_one_number_plan",
            "line_id",
            unique=True,
            postgresql_where=text("kind = 'number'"),
            sqlite_where=text("kind = 'number'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"), index=True)
    product: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10))
    term_end: Mapped[dt.date] = mapped_column(Date)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=True)
    ended: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # App Store plans (R23): Apple's ids, which its notifications are matched by (one plan each).
    original_transaction_id: Mapped[str | None] = mapped_column(
        String(64), nullable=True, unique=True, index=True)
    product_id: Mapped[str | None] = mapped_column(String(200), nullable=True)

    line: Mapped[Line] = relationship(back_populates="plans")


class BlockedNumber(Base):
    __tablename__ = "blocked_numbers"
    __table_args__ = (UniqueConstraint("line_id", "number", name="uq_blocked_numbers_line_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(20))
    line: Mapped[Line] = relationship(back_populates="blocked")


class AvailableNumber(Base):
    """The pool CHANGE NUMBER assigns from; a number leaves the pool when assigned."""

    __tablename__ = "available_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)


class TextOptOut(Base):
    """R16: numbers that texted an opt-out word; nothing is ever sent to them."""

    __tablename__ = "text_opt_outs"

    # As Twilio gives "From": usually E.164, but a short code or alphanumeric id is kept too.
    number: Mapped[str] = mapped_column(String(40), primary_key=True)
    opted_out_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AppliedChange(Base):
    """R13: a confirmed change, by the id its confirmation was proposed with. The first
    transaction that applies it writes this row under the line's lock; any later attempt
    (a second YES, Twilio's retry, a restarted worker) finds it and answers with its outcome."""

    __tablename__ = "applied_changes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    applied: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(60))
    rule: Mapped[str | None] = mapped_column(String(10), nullable=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class AuditEvent(Base):
    """R14: every change, PIN failure and lock, escalation and refusal. Never a PIN."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(20))  # line, admin, agent, system, app_store
    actor_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    channel: Mapped[str] = mapped_column(String(10))  # voice, sms, console, job, app_store
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200), nullable=True)
    outcome: Mapped[str] = mapped_column(String(40))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    line_id: Mapped[int | None] = mapped_column(
        ForeignKey("lines.id", ondelete="SET NULL"), nullable=True, index=True
    )
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Escalation(Base):
    """R15: a caller handed to a person, with the context of what happened."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)  # the Insights page's ranges
    channel: Mapped[str] = mapped_column(String(10))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    caller: Mapped[str | None] = mapped_column(String(40), nullable=True)
    line_id: Mapped[int | None] = mapped_column(
        ForeignKey("lines.id", ondelete="SET NULL"), nullable=True
    )
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(40))
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    outcome: Mapped[str] = mapped_column(String(40), default="requested")
    recording_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The support console's case (core.cases): new -> claimed -> done, with a wrap-up code.
    state: Mapped[str] = mapped_column(String(10), default="new", server_default="new", index=True)
    claimed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # an agent's id (never deleted)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    wrap_up: Mapped[str | None] = mapped_column(String(40), nullable=True)
    callback_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    transcription: Mapped[str | None] = mapped_column(Text, nullable=True)
    # What the agent hears before a transfer (kept for the case page and the call back), and
    # the support number the customer reached (the call back's caller ID).
    whisper: Mapped[str | None] = mapped_column(Text, nullable=True)
    support_line: Mapped[str | None] = mapped_column(String(20), nullable=True)


class OutboundText(Base):
    """R17 receipts queued in the same transaction as the change they describe."""

    __tablename__ = "outbound_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    to_number: Mapped[str] = mapped_column(String(20))
    from_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    provider_sid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # What Twilio's status callbacks said of the message last sent for this row (core.delivery):
    # queued → sent → delivered | undelivered | failed, never backwards, with Twilio's ErrorCode.
    delivery_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    error_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    delivery_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # R21: holds a one-time code; its body is cleared once sent or given up (core.outbox).
    secret: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index("ix_outbound_texts_provider_sid", "provider_sid"),
                      Index("ix_outbound_texts_to_number", "to_number"))
