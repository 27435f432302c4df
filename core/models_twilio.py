"""Running on a real Twilio account (issue 15): how each call ended, from the number's call
status callback (core.call_events). The texts' delivery states live on ``OutboundText``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime

CALL_OUTCOMES = ("completed", "transferred", "voicemail", "callback", "abandoned", "not_answered")


class CallEvent(Base):
    """One call, once (keyed by its CallSid): how it ended and, when the caller hung up before
    the bot or a person finished, at which step."""

    __tablename__ = "call_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    ended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    caller: Mapped[str | None] = mapped_column(String(40), nullable=True)
    call_status: Mapped[str] = mapped_column(String(20))  # Twilio's CallStatus: completed, busy, …
    duration_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), index=True)  # CALL_OUTCOMES
    step: Mapped[str | None] = mapped_column(String(20), nullable=True)  # where an abandoned call was
    lang: Mapped[str | None] = mapped_column(String(2), nullable=True)
    escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalations.id", ondelete="SET NULL"), nullable=True, index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("lines.id", ondelete="SET NULL"), nullable=True)
