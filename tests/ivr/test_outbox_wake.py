"""The outbox worker is woken once a text is committed, and only then: a turn that writes rows
but no text (a PIN check's audit event) enqueues nothing; a confirmed change enqueues one sweep,
after its commit, whose row the worker finds."""

from __future__ import annotations

from rq import Queue
from sqlalchemy import select

from core import outbox
from core.models import AuditEvent, OutboundText
from tests.ivr.test_calls import DANA


def queued(deps) -> int:
    return Queue(outbox.QUEUE, connection=deps.queue_redis).count


def test_a_turn_that_writes_no_text_wakes_no_worker_and_a_confirmed_change_wakes_one(call, deps, demo, clock):
    Queue(outbox.QUEUE, connection=deps.queue_redis).empty()
    call(DANA, ["1", "1", "1234#", "hangup"])  # the PIN checked: its audit event committed, no text
    with deps.db() as s:
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "pin_verified")).first() is not None
        assert s.execute(select(OutboundText)).first() is None
    assert queued(deps) == 0
    call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])  # a cancellation confirmed: its receipt queued
    clock.advance(seconds=91)
    with deps.db() as s:
        assert len(s.execute(select(OutboundText)).scalars().all()) == 1
    assert queued(deps) >= 1  # the commit's wake (and the call's own kick when it answers)
