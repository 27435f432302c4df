"""Outcome counters for Prometheus, fed by the audit events of committed transactions only
(a change that rolled back is not counted)."""

from __future__ import annotations

from prometheus_client import Counter
from sqlalchemy import event
from sqlalchemy.orm import Session

EVENTS = Counter(
    "switchboard_events",
    "Audited events by action, outcome and reason: cancellations, refusals, PIN failures and locks, escalations.",
    ["action", "outcome", "reason"],
)
SQL_QUERIES = Counter("switchboard_sql_queries", "SQL statements sent to the database.")
REDIS_ROUNDTRIPS = Counter("switchboard_redis_roundtrips", "Round trips to Redis (a pipeline is one).")
KEY = "sb_metrics"


def note(session: Session, action: str, outcome: str, reason: str | None) -> None:
    session.info.setdefault(KEY, []).append((action, outcome, reason or ""))


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for action, outcome, reason in session.info.pop(KEY, ()):
        EVENTS.labels(action, outcome, reason).inc()


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous) -> None:
    session.info.pop(KEY, None)


def count_queries(engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _one_more(*_args) -> None:
        SQL_QUERIES.inc()

# Issue 15: what Twilio says of the texts we send, and how calls end (core.delivery, core.call_events).
TEXT_DELIVERY = Counter("switchboard_text_delivery", "Status callbacks recorded for the texts the bot sent, by status.",
                        ["status"])
CALLS = Counter("switchboard_calls", "Calls ended, by outcome: completed in the bot, transferred, voicemail, "
                "abandoned, not answered.", ["outcome"])
CALL_ABANDONED = Counter("switchboard_call_abandoned", "Calls the caller ended before the bot or a person "
                         "finished, by the step they were at.", ["step"])
