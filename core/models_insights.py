"""What the support team sees (issue 24): the facts the Insights page is computed from, and
the misunderstood turns kept to learn from (R26).

- ``TurnEvent``: one turn of a conversation, as the conversation decided it (door, language,
  the step it answered, what it led to, understood / clarified / not understood / missed).
  Turns reach this table in batches from a Redis list (core.insights: one RPUSH a turn), and
  are deleted once rolled up into conversations and a day old.
- ``ConversationFact``: one conversation, rolled up from its turns once it has been quiet for
  the conversation's time-to-live: how it ended (done by the bot, handed to a person, given up
  at a step), how many turns it took and how many of them were not understood.
- ``MissedTurn``: R26 — what a caller said that the bot could not route after its clarifying
  question, every digit masked, with its language, channel, step and time; never the sender's
  number or any link to the conversation. Kept ``MISSED_TURNS_DAYS`` days.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Index, Integer, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime

TURN_OUTCOMES = ("understood", "clarified", "not_understood", "missed", "handoff")
RESULTS = ("done", "person", "gave_up")
MISSED_STATES = ("new", "labelled", "dismissed")


class TurnEvent(Base):
    __tablename__ = "turn_events"
    __table_args__ = (Index("ix_turn_events_thread_at", "thread", "at"),
                      Index("ix_turn_events_unrolled", "rolled", "thread"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    door: Mapped[str] = mapped_column(String(10))
    lang: Mapped[str] = mapped_column(String(2))
    # Which conversation: a call's CallSid, or "sms:" and the keyed hash of the sender's number.
    thread: Mapped[str] = mapped_column(String(80))
    contact: Mapped[str | None] = mapped_column(String(16), nullable=True)  # keyed hash of the number
    step: Mapped[str] = mapped_column(String(20))  # the step this turn answered
    expect: Mapped[str] = mapped_column(String(20))  # what the conversation asked next
    journey: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))  # TURN_OUTCOMES
    result: Mapped[str | None] = mapped_column(String(10), nullable=True)  # person, done, confirming
    verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # a PIN or code
    rolled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ConversationFact(Base):
    __tablename__ = "conversation_facts"
    __table_args__ = (UniqueConstraint("thread", "started_at", name="uq_conversation_facts_thread_started"),
                      Index("ix_conversation_facts_contact_started", "contact", "started_at"),
                      # The Insights page's one pass over a range, from the index alone on PostgreSQL.
                      Index("ix_conversation_facts_range", "started_at", postgresql_include=[
                          "door", "lang", "journey", "result", "stage", "step", "repeated", "ended_at", "turns",
                          "not_understood", "clarified", "clarified_to"]))

    id: Mapped[int] = mapped_column(primary_key=True)
    thread: Mapped[str] = mapped_column(String(80))
    door: Mapped[str] = mapped_column(String(10))
    lang: Mapped[str] = mapped_column(String(2))
    contact: Mapped[str | None] = mapped_column(String(16), nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    journey: Mapped[str | None] = mapped_column(String(20), nullable=True)  # the first asked for
    result: Mapped[str] = mapped_column(String(10))  # RESULTS
    step: Mapped[str | None] = mapped_column(String(20), nullable=True)  # where it was given up
    turns: Mapped[int] = mapped_column(Integer)
    not_understood: Mapped[int] = mapped_column(Integer, default=0)  # of them (missed ones too)
    clarified: Mapped[int] = mapped_column(Integer, default=0)  # clarifying questions asked
    clarified_to: Mapped[str | None] = mapped_column(String(20), nullable=True)  # the journey chosen then
    stage: Mapped[str] = mapped_column(String(40), default="asked")  # those reached: "asked,identified,…"
    # Done by the bot, but the same number came back within 24 hours: not truly contained.
    repeated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MissedTurn(Base):
    __tablename__ = "missed_turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    door: Mapped[str] = mapped_column(String(10))
    lang: Mapped[str] = mapped_column(String(2))
    step: Mapped[str] = mapped_column(String(20))
    said: Mapped[str] = mapped_column(String(400))  # every digit masked
    state: Mapped[str] = mapped_column(String(10), default="new", server_default=text("'new'"), index=True)
    label: Mapped[str | None] = mapped_column(String(40), nullable=True)  # a label the model knows, or "none"
    labelled_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # an agent's id
    labelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
