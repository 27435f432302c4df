"""R17: a change made on a call queues a text receipt in the same transaction; the worker
sends it once, against a local stand-in of the Twilio REST API."""

from __future__ import annotations

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from core import outbox, services
from core.twilio_rest import TwilioSender
from core.models import OutboundText, Plan, TextOptOut
from tests.helpers import count, plan
from tests.ivr.test_calls import DANA


@pytest.fixture
def api(twilio_api):
    twilio_api.reset()
    return twilio_api


@pytest.fixture
def sender(api):
    return TwilioSender("AC" + "1" * 32, "token", api_base=api.url)


def rows(deps):
    with deps.db() as s:
        return s.execute(select(OutboundText).order_by(OutboundText.id)).scalars().all()


def run_worker(deps, sender, clock):
    outbox.configure_worker(deps.db, sender, clock)
    SimpleWorker([Queue(outbox.QUEUE, connection=deps.queue_redis)], connection=deps.queue_redis).work(burst=True)


def test_a_voice_cancellation_queues_a_receipt_that_the_worker_sends_once(call, deps, demo, clock, api, sender):
    call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    clock.advance(seconds=91)  # the call's receipt waits for the rest of the call (R17)
    [row] = rows(deps)
    assert row.status == "queued" and row.to_number == DANA and row.from_number == "+15550109000"
    assert "Text Archive won't renew. It works until Dec 15, 2026. No refund." in row.body
    run_worker(deps, sender, clock)  # the call's kick is waiting on the queue
    assert [m["body"] for m in api.messages] == [row.body]
    [row] = rows(deps)
    assert row.status == "sent" and row.provider_sid == api.messages[0]["sid"]
    run_worker(deps, sender, clock)
    outbox.send_due(deps.db, sender, clock)
    assert len(api.messages) == 1  # exactly once


def test_the_receipt_is_in_the_same_transaction_as_the_change(deps, demo, clock, monkeypatch):
    dana = services.find_line(deps.db, "dana")
    pid = plan(deps, "dana", "Text Archive").id

    def broken_receipt(kind, data, lang):
        raise RuntimeError("the receipt could not be written")

    req = services.Request(channel="voice", request_id="CA1", caller=DANA, receipt_to=DANA, receipt=broken_receipt)
    with pytest.raises(RuntimeError):
        services.cancel_plan(deps.db, actor=dana, line_id=dana.line_id, plan_id=pid, now=clock(), req=req)
    assert plan(deps, "dana", "Text Archive").auto_renew is True  # the change rolled back with it
    assert rows(deps) == []


def test_a_receipt_never_goes_to_a_number_that_is_not_the_lines(call, deps, demo):
    # A spoofed or unknown caller ID gets nothing: the receipt goes to the line itself (R8).
    call("+15550000999", ["1", "1", "5550100003#", "1357#", "1", "hangup"])
    [row] = rows(deps)
    assert row.to_number == "+15550100003"


def test_a_failed_send_is_retried_later_and_still_sent_once(call, deps, demo, clock, api, sender):
    call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    clock.advance(seconds=91)  # the call's receipt waits for the rest of the call (R17)
    api.fail_next = 1
    report = outbox.send_due(deps.db, sender, clock)
    assert report.retried == 1 and api.messages == []
    assert outbox.send_due(deps.db, sender, clock).sent == 0  # not before its time
    clock.advance(seconds=6)
    assert outbox.send_due(deps.db, sender, clock).sent == 1
    assert len(api.messages) == 1 and rows(deps)[0].attempts == 2


def test_an_opted_out_number_is_never_texted_R16(call, deps, demo, clock, api, sender):
    call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    clock.advance(seconds=91)  # the call's receipt waits for the rest of the call (R17)
    with deps.db.begin() as s:
        s.add(TextOptOut(number=DANA, opted_out_at=clock()))
    assert outbox.send_due(deps.db, sender, clock).suppressed == 1
    assert api.requests == 0 and rows(deps)[0].status == "suppressed"


def test_without_credentials_a_receipt_is_marked_not_sent(call, deps, demo, clock, runner):
    call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    clock.advance(seconds=91)  # the call's receipt waits for the rest of the call (R17)
    result = runner.invoke(args=["outbox", "--send"])
    assert result.exit_code == 0
    assert "not sent 1" in result.output and "not sent: no credentials" in result.output


def test_an_interrupted_send_is_not_sent_again(call, deps, demo, clock, api, sender):
    """A worker died after Twilio accepted the message but before marking it sent."""
    call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    clock.advance(seconds=91)  # the call's receipt waits for the rest of the call (R17)
    [row] = rows(deps)
    sender.send(to=row.to_number, from_=row.from_number, body=row.body)  # accepted…
    with deps.db.begin() as s:  # …and the worker died here
        r = s.get(OutboundText, row.id)
        r.status, r.attempts, r.next_attempt_at = "sending", 1, clock()
    assert outbox.send_due(deps.db, sender, clock).sent == 0  # not yet stale
    clock.advance(minutes=6)
    assert outbox.send_due(deps.db, sender, clock).sent == 1
    assert len(api.messages) == 1 and rows(deps)[0].status == "sent", rows(deps)[0].last_error


def test_two_sweeps_at_once_send_each_receipt_once(call, deps, demo, clock, api, sender):
    import threading

    for _ in range(3):
        call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
        with deps.db.begin() as s:  # put the plan back so the next call changes it again
            s.get(Plan, plan(deps, "dana", "Text Archive").id).auto_renew = True
    clock.advance(seconds=91)  # the call's receipt waits for the rest of the call (R17)
    threads = [threading.Thread(target=outbox.send_due, args=(deps.db, sender, clock)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(api.messages) == 3 and count(deps, OutboundText, OutboundText.status == "sent") == 3


def test_the_worker_command_refuses_the_in_process_stand_in(make_app, settings, clock, runner):
    app = make_app(redis_url=None)
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "needs REDIS_URL" in result.output


def test_the_worker_process_sends_a_queued_receipt(call, deps, demo, settings, api, tmp_path):
    """`switchboard worker --burst` as its own process, on the suite's Redis and database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    if not settings.redis_url:
        pytest.skip("needs TEST_REDIS_URL: the in-process Redis stand-in can't be shared with a worker process")
    call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "token", "TWILIO_API_BASE": api.url}
    out = subprocess.run([str(Path(sys.executable).parent / "switchboard"), "worker", "--burst"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert len(api.messages) == 1 and rows(deps)[0].status == "sent", rows(deps)[0].last_error


def test_a_call_that_changes_three_things_sends_one_receipt_covering_them_R17(call, deps, demo, clock):
    t = call(DANA, ["1", "2", "1234#", "1", "1", "1", "hangup"])  # two add-ons, then the line (R4)
    assert t.said().count("We'll text a receipt to the number ending 0 0 0 1") == 3
    [row] = rows(deps)
    assert row.body.count("Second Line:") == 3  # one text, every change in it


def test_a_receipt_is_promised_only_when_one_will_be_sent_R16_R17(call, deps, demo, clock):
    with deps.db.begin() as s:
        s.add(TextOptOut(number=DANA, opted_out_at=clock()))
        s.add(TextOptOut(number="+15550100001", opted_out_at=clock()))
    t = call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    assert "Done" in t.said() and "receipt" not in t.said()
    assert rows(deps) == []


def test_an_admin_acting_on_a_users_line_is_told_where_the_receipt_goes_and_gets_a_copy_R17(call, deps, demo, clock):
    t = call("+15557770010", ["1", "1", "482913#", "0012", "1", "hangup"])  # jdoe cancels lee's plan
    assert "We'll text a receipt to the number ending 0 0 1 2, and a copy to the number ending 0 0 1 0" in t.said()
    assert sorted(row.to_number for row in rows(deps)) == ["+15550100012", "+15557770010"]
