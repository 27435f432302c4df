"""Issue 23, item 9 (R15, R22): the agents' queue is capped per sender. One open case per
sender and reason: 25 AGENT texts at once over two servers, or a caller's repeated calls,
add to one case; after it is closed, a new request opens a new case."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from core.models import AuditEvent, Escalation
from tests.faults.test_floods import sms
from tests.helpers import count


def test_25_agent_texts_at_once_from_one_sender_make_one_case(two_servers, deps, demo):
    sender = "+15550004444"
    with ThreadPoolExecutor(max_workers=25) as pool:
        answers = list(pool.map(lambda i: sms(two_servers[i % 2], sender, "AGENT", "SM" + uuid.uuid4().hex),
                                range(25)))
    assert all(answers), answers
    with deps.db() as s:
        cases = s.execute(select(Escalation).where(Escalation.caller == sender)).scalars().all()
    assert len(cases) == 1, [c.id for c in cases]
    assert cases[0].context.get("repeats") == 24
    assert count(deps, AuditEvent, AuditEvent.action == "escalation", AuditEvent.outcome == "repeated") == 24


def _leave_a_message(app, caller: str) -> None:
    """A call that asks for a person (0), lets the transfer go unanswered, and leaves a message
    wherever a recording is offered (within the call limit after the transfer, over it at once)."""
    from ivr.simulate import CallSimulator
    from tests.clients import CheckedTransport

    keys = iter(["0", "hangup"])
    CallSimulator(CheckedTransport([app]), caller, "+15550109000",
                  lambda what: "record" if what == "record" else next(keys, "hangup")).run("/voice")


def test_a_callers_repeated_calls_add_to_one_case_and_a_closed_case_starts_anew(call, deps, demo, app):
    caller = "+15550005555"
    for _ in range(9):  # the menu's way to a person, nine calls over (and past) the call limit
        _leave_a_message(app, caller)
    with deps.db() as s:
        cases = s.execute(select(Escalation).where(Escalation.caller == caller)).scalars().all()
    # One per reason: asked for a person, and (over the call limit) straight to voicemail.
    reasons = sorted(c.reason for c in cases)
    assert reasons == sorted(set(reasons)) and len(cases) <= 2, [(c.reason, c.outcome) for c in cases]
    kept = sum(1 + len((c.context or {}).get("earlier_recordings", [])) for c in cases if c.recording_url)
    assert kept == 9  # every message left is kept
    with deps.db.begin() as s:
        for c in cases:
            s.get(Escalation, c.id).state = "done"
    _leave_a_message(app, caller)
    assert count(deps, Escalation, Escalation.caller == caller) == len(cases) + 1
