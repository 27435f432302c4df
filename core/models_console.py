"""The support console's tables: agents, their sessions, case notes, and R21's one-time codes.

A case is an ``Escalation`` (core.models) with the console's columns: its state, who claimed
it, its wrap-up code, the callback number, the voicemail's transcription.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime


class Agent(Base):
    """A person who signs in to the console. Never deleted (the audit names them): disabled."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)  # stored lower case
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # agent, supervisor
    # argon2id, with its parameters and salt in the string (argon2-cffi's PasswordHasher).
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)  # rung first on a call back
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AgentSession(Base):
    """A signed-in browser. The cookie carries a random token; only its SHA-256 is stored, so
    the table alone can't be replayed. Ended on sign-out, when the agent is disabled, or by
    time (core.agents: idle and absolute limits, on the app's clock)."""

    __tablename__ = "agent_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256(token), hex
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CaseNote(Base):
    """An agent's note on a case (an escalation)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text)


class OneTimeCode(Base):
    """R21: a 6-digit code texted to a line's own number; only its keyed hash is kept.
    Valid 10 minutes, once; a newer code for the line replaces it."""

    __tablename__ = "one_time_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("lines.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256(PIN_SECRET, line and code)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Who asked for it: an agent's id (console) or None (the bot).
    agent_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
