"""R8 and R9 under attack: bursts of concurrent PIN guesses over two servers, an unknown
sender or a made-up line number told apart from a real one, a Redis restart forgetting a lock."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event

from core.models import AuditEvent, Line
from ivr.simulate import call_form
from tests.clients import Phone
from tests.conftest import Twilio
from tests.helpers import count

# (login, its PIN) of five demo lines: one burst each.
BURSTS = [("dana", "1234"), ("alexk", "2468"), ("sam", "1357"), ("maria", "1111"), ("lee", "2222")]
GUESSES = 32


def _evaluated(deps, line_id: int) -> int:
    """PINs actually compared with the line's: failures and successes, not refusals while locked."""
    return count(deps, AuditEvent, AuditEvent.line_id == line_id,
                 AuditEvent.action.in_(("pin_failed", "pin_verified")))


def test_bursts_of_concurrent_guesses_over_two_servers_evaluate_at_most_five_pins_R9(two_servers, deps):
    for login, pin in BURSTS:
        with deps.db() as s:
            line_id = s.query(Line.id).filter(Line.login_id == login).scalar()
        calls = []
        for i in range(GUESSES):
            sid, caller = "CA" + uuid.uuid4().hex, f"+1555020{i:04d}"
            status, _ = two_servers[i % 2].post("/voice/handoff", call_form(sid, caller, "+15550109000", line=login))
            assert status == 200
            # 31 wrong guesses, the right PIN last.
            guess = pin if i == GUESSES - 1 else f"{7000 + i}"
            calls.append((two_servers[i % 2], call_form(sid, caller, "+15550109000", Digits=guess + "#")))
        with ThreadPoolExecutor(max_workers=GUESSES) as pool:
            results = list(pool.map(lambda c: c[0].post("/voice/input?expect=pin", c[1]), calls))
        assert all(status == 200 for status, _ in results)
        assert _evaluated(deps, line_id) <= 5, login
        assert count(deps, AuditEvent, AuditEvent.line_id == line_id, AuditEvent.action == "pin_verified") == 0 \
            or count(deps, AuditEvent, AuditEvent.line_id == line_id, AuditEvent.action == "pin_failed") < 5


def _five_wrong(p: Phone, first: str) -> list[str]:
    p.text(first)
    return [p.text(f"{8000 + i}") for i in range(5)]


def test_an_unknown_sender_is_answered_and_locked_exactly_like_a_real_line_R8(twilio, deps, demo):
    real = _five_wrong(Phone(twilio, "+15557770001"), "PLANS")
    unknown = _five_wrong(Phone(twilio, "+15550004321"), "PLANS")
    assert real == unknown
    assert "locked" in real[-1]
    # And the lock holds for the unknown sender too: a sixth try is refused the same way.
    assert Phone(twilio, "+15557770001").text("1234") == Phone(twilio, "+15550004321").text("1234")


def test_a_made_up_line_number_on_the_phone_locks_like_a_real_one_R8(call, deps, demo):
    def five_wrong(line_number: str) -> str:
        said = ""
        for i in range(5):  # five calls from five numbers (one number's calls are rate-limited)
            t = call(f"+1555000{line_number[-2:]}{i:02d}", ["1", "1", f"{line_number}#", f"{8100 + i}#", "hangup", "hangup"])
            said = t.said()
        return said

    real, made_up = five_wrong("5550100003"), five_wrong("5550177777")
    assert "locked" in real
    assert real.replace("0100003", "") == made_up.replace("0177777", "")


def test_known_and_unknown_callers_walk_the_same_steps_R8(call, deps, demo):
    known = call("+15557770003", ["1", "1", "hangup"])
    unknown = call("+15550007777", ["1", "1", "hangup"])
    assert known.said() == unknown.said()


def test_a_wrong_pin_costs_the_same_work_for_a_real_line_and_an_unknown_one_R8(twilio, deps, demo):
    """No timing signal: the same statements and Redis round trips on both paths."""
    from core.metrics import REDIS_ROUNDTRIPS

    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    work = []
    for sender in ("+15557770001", "+15550004321"):
        p = Phone(twilio, sender)
        p.text("PLANS")
        statements.clear()
        before = REDIS_ROUNDTRIPS._value.get()
        event.listen(deps.engine, "before_cursor_execute", seen)
        try:
            p.text("9876")
        finally:
            event.remove(deps.engine, "before_cursor_execute", seen)
        work.append((sorted(statements), REDIS_ROUNDTRIPS._value.get() - before))
    assert work[0] == work[1]


def test_a_lock_survives_a_redis_restart_R9(twilio, deps, demo):
    p = Phone(twilio, "+15557770003")
    locked = _five_wrong(p, "PLANS")[-1]
    assert "locked" in locked
    deps.redis.flushdb()  # Redis restarted without persistence
    p.text("PLANS")
    assert "locked" in p.text("1357")
    assert count(deps, AuditEvent, AuditEvent.action == "pin_verified") == 0


@pytest.mark.parametrize("first", ["PLANS", "CANCEL LINE"])
def test_the_fifth_wrong_pin_answer_is_the_same_for_every_sender(twilio, deps, demo, first):
    a = _five_wrong(Phone(twilio, "+15557770010"), first)
    b = _five_wrong(Phone(twilio, "+15550009876"), first)
    assert a == b
