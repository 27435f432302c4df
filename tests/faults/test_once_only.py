"""R13 for every change type: two dozen concurrent confirmations with distinct MessageSids,
over two gunicorn servers sharing PostgreSQL and Redis, apply the change once, answer
"Done" once, and send one receipt; a lost answer or a killed worker never applies it again.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from core.models import AuditEvent, AvailableNumber, BlockedNumber, Line
from ivr.simulate import call_form
from sms.simulate import text_form
from tests.clients import Phone
from tests.conftest import Twilio
from tests.faults.test_floods import sms
from tests.helpers import count, line, plan

DANA, SAM, PAT = "+15557770001", "+15557770003", "+15557770004"
CONCURRENT = 24


# (change, who texts, the texts before YES, the audit action, a check of the state after)
def _cancel_plan_state(deps):
    return plan(deps, "dana", "Text Archive").auto_renew is False


def _cancel_line_state(deps):
    return line(deps, "sam").status == "cancel_pending"


def _reactivate_state(deps):
    return line(deps, "pat").status == "active"


def _change_number_state(deps):
    return line(deps, "dana").number != "+15550100001" and count(deps, AvailableNumber) == 3


def _block_state(deps):
    return count(deps, BlockedNumber, BlockedNumber.number == "+15559990001") == 1


def _unblock_state(deps):
    return count(deps, BlockedNumber, BlockedNumber.number == "+15559990000") == 0


CHANGES = {
    "cancel_plan": (DANA, ["STOP PLAN Text Archive", "1234"], "cancel_plan", _cancel_plan_state),
    "cancel_line": (SAM, ["CANCEL LINE", "1357", "SKIP"], "cancel_line", _cancel_line_state),
    "reactivate": (PAT, ["REACTIVATE", "9999"], "reactivate_line", _reactivate_state),
    "change_number": (DANA, ["CHANGE NUMBER", "1234"], "change_number", _change_number_state),
    "block": (DANA, ["BLOCK 555-999-0001", "1234"], "block_number", _block_state),
    "unblock": (DANA, ["UNBLOCK 555-999-0000", "1234"], "unblock_number", _unblock_state),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_concurrent_confirmations_over_two_servers_apply_each_change_once_R13(two_servers, deps, change):
    sender, before, action, changed = CHANGES[change]
    a, b = two_servers
    for i, body in enumerate(before):
        assert sms(two_servers[i % 2], sender, body)
    sids = ["SM" + uuid.uuid4().hex for _ in range(CONCURRENT)]
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        answers = list(pool.map(lambda i: sms(two_servers[i % 2], sender, "YES", sids[i]), range(CONCURRENT)))
    assert count(deps, AuditEvent, AuditEvent.action == action, AuditEvent.outcome == "applied") == 1
    assert changed(deps)
    done = [a for a in answers if a.startswith("Done")]
    assert len(done) == 1, answers  # one receipt: the SMS answer to the one change (R17)
    assert not any("nothing was changed" in a for a in answers), answers


def test_a_second_yes_after_the_change_answers_already_done_and_changes_nothing(phone, deps, demo):
    dana = phone(DANA)
    dana.text("CHANGE NUMBER")
    dana.text("1234")
    first = dana.text("YES")
    assert first.startswith("Done")
    new = line(deps, "dana").number
    again = dana.text("YES")
    assert not again.startswith("Done")
    assert line(deps, "dana").number == new
    assert count(deps, AuditEvent, AuditEvent.action == "change_number", AuditEvent.outcome == "applied") == 1


def _lose_the_answer_of_the_next_commit(deps):
    """The commit reaches the database, then the connection dies before the answer."""
    armed = {"on": False}

    def arm(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "WITH")):
            armed["on"] = True  # the next commit is a writing transaction's

    def at_commit(conn):
        # Whatever runs the transaction (an ORM session or a Core connection): the real commit
        # reaches the database, then its answer is lost.
        if armed["on"]:
            armed["on"] = False
            conn.connection.dbapi_connection.commit()
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    event.listen(deps.engine, "before_cursor_execute", arm)
    event.listen(deps.engine, "commit", at_commit)

    def undo():
        event.remove(deps.engine, "before_cursor_execute", arm)
        event.remove(deps.engine, "commit", at_commit)
    return undo


def test_twilio_retrying_a_change_whose_answer_was_lost_gets_the_real_outcome_once(phone, deps, demo):
    dana = phone(DANA)
    dana.text("CHANGE NUMBER")
    dana.text("1234")
    undo = _lose_the_answer_of_the_next_commit(deps)
    try:
        lost = dana.text("YES", sid="SM" + "a" * 32)
    finally:
        undo()
    assert "couldn't confirm" in lost, lost
    new = line(deps, "dana").number
    assert new != "+15550100001"  # it did commit
    retried = dana.text("YES", sid="SM" + "a" * 32)  # Twilio's retry of the same message
    assert retried.startswith("Done") and new[-4:] in retried, retried
    assert line(deps, "dana").number == new
    assert count(deps, AuditEvent, AuditEvent.action == "change_number", AuditEvent.outcome == "applied") == 1
    assert count(deps, AvailableNumber) == 3


def test_a_worker_killed_after_the_commit_never_applies_the_change_again(phone, deps, demo, clock):
    """kill -9 between the commit and the answer: the conversation still holds the pending
    change and the MessageSid is still claimed; neither may apply it a second time."""
    dana = phone(DANA)
    dana.text("CHANGE NUMBER")
    dana.text("1234")
    conv_key = "sb:conv:sms:" + DANA
    before = deps.redis.get(conv_key)
    sid = "SM" + "b" * 32
    assert dana.text("YES", sid=sid).startswith("Done")
    new = line(deps, "dana").number
    # What a worker killed right after the commit leaves behind: the old state, the id claimed.
    deps.redis.set(conv_key, before)
    deps.redis.set("sb:seen:" + sid, "\x00pending:" + str(clock().timestamp()))
    again = dana.text("YES")
    assert not again.startswith("Done") and line(deps, "dana").number == new
    clock.advance(seconds=60)  # long past Twilio's 15 s: the first handler is surely gone
    retried = dana.text("YES", sid=sid)
    assert retried.startswith("Done"), retried  # R17: the lost answer, with the real outcome
    assert line(deps, "dana").number == new
    assert count(deps, AuditEvent, AuditEvent.action == "change_number", AuditEvent.outcome == "applied") == 1


def test_concurrent_block_confirmations_never_report_a_failure(phone, deps, demo, make_app):
    """The second of two BLOCK confirmations sees the first's row, not a unique-key clash."""
    apps = [make_app(), make_app()]
    phones = [Phone(Twilio(app.test_client()), DANA) for app in apps]
    phones[0].text("BLOCK 555-999-0001")
    phones[1].text("1234")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: phones[i % 2].twilio.post("/sms", text_form(DANA, "+15550109000", "YES"))
                                .get_data(as_text=True), range(8)))
    assert not any("nothing was changed" in a or "didn't go through" in a for a in answers), answers
    assert count(deps, BlockedNumber, BlockedNumber.number == "+15559990001") == 1


def test_a_voice_confirmation_repeated_concurrently_sends_one_receipt(two_servers, deps):
    from core.models import OutboundText

    sid = "CA" + uuid.uuid4().hex
    steps = [("/voice/handoff", {"line": "dana"}), ("/voice/input?expect=pin", {"Digits": "1234"})]
    for i, (path, extra) in enumerate(steps):
        status, _ = two_servers[i % 2].post(path, call_form(sid, DANA, "+15550109000", **extra))
        assert status == 200
    status, xml = two_servers[0].post("/voice/menu", call_form(sid, DANA, "+15550109000", SpeechResult="change number"))
    assert status == 200 and "Gather" in xml
    confirm = call_form(sid, DANA, "+15550109000", Digits="1")
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        results = list(pool.map(lambda i: two_servers[i % 2].post("/voice/input?expect=confirm", confirm),
                                range(CONCURRENT)))
    assert all(status == 200 for status, _ in results)
    assert count(deps, AuditEvent, AuditEvent.action == "change_number", AuditEvent.outcome == "applied") == 1
    assert count(deps, OutboundText) == 1
    with deps.db() as s:
        assert s.execute(select(Line.number).where(Line.login_id == "dana")).scalar() != "+15550100001"
