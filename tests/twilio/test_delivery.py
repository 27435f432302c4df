"""Delivery of every text the bot sends (issue 15): each is sent with a status callback naming
its outbox row; Twilio's signed callbacks move the row forward only (queued → sent →
delivered | undelivered | failed) with Twilio's ErrorCode; 21610 opts the number out (R16) and
is never retried; 30007 and other permanent errors stop; transient ones are sent again with
backoff, once at a time (R13). Against the local stand-in of Twilio's REST API."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from core import outbox
from core.models import AuditEvent, OutboundText, TextOptOut
from core.twilio_rest import TwilioSender
from tests.helpers import count
from tests.twilio.conftest import ACCOUNT_SID, BASE, SUPPORT, message_status

DANA = "+15557770001"


def rows(deps) -> list[OutboundText]:
    with deps.db() as s:
        return s.execute(select(OutboundText).order_by(OutboundText.id)).scalars().all()


def receipt(call, deps, clock) -> OutboundText:
    """Dana cancels Text Archive on a call: its receipt goes by text (R17), after the call."""
    assert "Done" in call(DANA, ["1", "1", "1234#", "2", "1", "hangup"]).said()
    clock.advance(seconds=91)
    [row] = rows(deps)
    return row


def sweep(deps, clock):
    return outbox.send_due(deps.db, deps.sender(), clock)


def test_every_text_is_sent_with_a_status_callback_naming_its_row_and_attempt(call, deps, demo, clock, twilio_api):
    row = receipt(call, deps, clock)
    assert sweep(deps, clock).sent == 1
    [msg] = twilio_api.messages
    assert msg["status_callback"] == f"{BASE}/sms/status?o={row.id}.1"
    assert msg["from"] == SUPPORT and msg["to"] == DANA
    [row] = rows(deps)
    assert (row.status, row.delivery_status, row.provider_sid) == ("sent", "queued", msg["sid"])


def test_callbacks_move_the_delivery_state_forward_only(call, twilio, deps, demo, clock, twilio_api):
    receipt(call, deps, clock)
    sweep(deps, clock)
    [msg] = twilio_api.messages
    message_status(twilio, msg, "sent")
    assert rows(deps)[0].delivery_status == "sent"
    message_status(twilio, msg, "delivered")
    for late in ("sent", "queued", "sending", "failed", "undelivered"):  # out of order, or a second final word
        message_status(twilio, msg, late, 30008 if late in ("failed", "undelivered") else None)
    [row] = rows(deps)
    assert (row.status, row.delivery_status, row.error_code) == ("sent", "delivered", None)
    assert len(twilio_api.messages) == 1


def test_21610_in_a_callback_opts_the_number_out_and_is_never_retried_R16(call, phone, twilio, deps, demo, clock,
                                                                         twilio_api):
    receipt(call, deps, clock)
    sweep(deps, clock)
    [msg] = twilio_api.messages
    message_status(twilio, msg, "failed", 21610)
    [row] = rows(deps)
    assert (row.status, row.delivery_status, row.error_code) == ("suppressed", "failed", 21610)
    assert count(deps, TextOptOut, TextOptOut.number == DANA) == 1
    assert count(deps, AuditEvent, AuditEvent.action == "text_opt_out", AuditEvent.request_id == msg["sid"]) == 1
    clock.advance(hours=2)
    assert sweep(deps, clock).sent == 0 and len(twilio_api.messages) == 1
    # R16 from now on: the next change's receipt is neither queued nor promised.
    dana = phone(DANA)
    assert dana.text("STOP PLAN Call Recording") == ""  # nothing is sent to an opted-out number


def test_21610_when_sending_opts_the_number_out_and_sends_nothing(call, deps, demo, clock, twilio_api):
    receipt(call, deps, clock)
    twilio_api.refuse_next = [(400, 21610, "Attempt to send to unsubscribed recipient")]
    report = sweep(deps, clock)
    assert (report.sent, report.suppressed) == (0, 1)
    [row] = rows(deps)
    assert (row.status, row.error_code) == ("suppressed", 21610) and "opted out at Twilio" in row.last_error
    assert count(deps, TextOptOut, TextOptOut.number == DANA) == 1
    clock.advance(hours=2)
    assert sweep(deps, clock).sent == 0 and twilio_api.messages == []


@pytest.mark.parametrize("code", [30007, 30006, 21211, None])
def test_a_permanent_failure_stops_retries(call, twilio, deps, demo, clock, twilio_api, code):
    receipt(call, deps, clock)
    sweep(deps, clock)
    [msg] = twilio_api.messages
    message_status(twilio, msg, "undelivered", code)
    [row] = rows(deps)
    assert (row.status, row.delivery_status, row.error_code) == ("failed", "undelivered", code)
    assert "not sent again" in row.last_error
    clock.advance(hours=2)
    assert sweep(deps, clock).sent == 0 and len(twilio_api.messages) == 1
    assert count(deps, TextOptOut) == 0


def test_a_transient_failure_is_sent_again_with_backoff_once_R13(call, twilio, deps, demo, clock, twilio_api):
    row = receipt(call, deps, clock)
    sweep(deps, clock)
    [first] = twilio_api.messages
    message_status(twilio, first, "sent")
    message_status(twilio, first, "undelivered", 30003)  # the handset was off
    message_status(twilio, first, "undelivered", 30003)  # Twilio's callback twice: still one retry
    [row] = rows(deps)
    assert (row.status, row.error_code) == ("retry", 30003) and row.next_attempt_at == clock() + outbox.BACKOFF[0]
    assert sweep(deps, clock).sent == 0  # not before its time
    clock.advance(seconds=5)
    assert sweep(deps, clock).sent == 1
    assert sweep(deps, clock).sent == 0
    first_, second = twilio_api.messages
    assert second["body"] == first["body"] and second["status_callback"] == f"{BASE}/sms/status?o={row.id}.2"
    [row] = rows(deps)
    assert (row.attempts, row.provider_sid, row.delivery_status, row.error_code) == (2, second["sid"], "queued", None)
    # The first message's late word belongs to it, not to the one sent again.
    message_status(twilio, first, "delivered")
    assert rows(deps)[0].delivery_status == "queued"
    message_status(twilio, second, "delivered")
    assert rows(deps)[0].delivery_status == "delivered" and len(twilio_api.messages) == 2


def test_transient_failures_stop_after_the_outboxs_attempts(call, twilio, deps, demo, clock, twilio_api):
    receipt(call, deps, clock)
    for attempt in range(outbox.MAX_ATTEMPTS):
        assert sweep(deps, clock).sent == 1
        message_status(twilio, twilio_api.messages[-1], "undelivered", 30003)
        clock.advance(hours=1)
    [row] = rows(deps)
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert sweep(deps, clock).sent == 0 and len(twilio_api.messages) == outbox.MAX_ATTEMPTS


def test_a_callback_that_beats_the_workers_own_bookkeeping_is_kept(call, twilio, deps, demo, clock, twilio_api):
    """Twilio answered the send, its callback came before the worker wrote the message's sid."""
    receipt(call, deps, clock)
    twilio_api.hold_next = 1.5  # the message is accepted; the worker hears so 1.5 s later
    worker = threading.Thread(target=sweep, args=(deps, clock))
    worker.start()
    deadline = time.time() + 10
    while not twilio_api.messages and time.time() < deadline:
        time.sleep(0.02)
    [msg] = twilio_api.messages
    assert rows(deps)[0].status == "sending" and rows(deps)[0].provider_sid is None
    message_status(twilio, msg, "delivered")
    worker.join(15)
    [row] = rows(deps)
    assert (row.status, row.provider_sid, row.delivery_status) == ("sent", msg["sid"], "delivered")


def test_a_callback_for_a_message_we_did_not_send_changes_nothing(call, twilio, deps, demo, clock, twilio_api):
    receipt(call, deps, clock)
    sweep(deps, clock)
    stranger = {"sid": "SM" + "9" * 32, "to": DANA, "status_callback": f"{BASE}/sms/status?o=999.1"}
    message_status(twilio, stranger, "failed", 21610)
    assert count(deps, TextOptOut) == 0 and rows(deps)[0].delivery_status == "queued"


def test_a_status_callback_without_twilios_signature_is_refused(twilio, deps, demo):
    form = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "failed", "ErrorCode": "21610", "To": DANA}
    assert twilio.post("/sms/status?o=1.1", form, signature="bad").status_code == 403
    assert twilio.post("/voice/status", {"CallSid": "CA1", "CallStatus": "completed"},
                       signature="").status_code == 403
    assert count(deps, TextOptOut) == 0


def test_the_messaging_service_is_preferred_to_a_from_number(twilio_api):
    kw = dict(api_base=twilio_api.url, status_callback=f"{BASE}/sms/status")
    TwilioSender(ACCOUNT_SID, "t", default_from=SUPPORT, **kw).send(to=DANA, from_=None, body="a")
    TwilioSender(ACCOUNT_SID, "t", default_from=SUPPORT, messaging_service_sid="MG" + "1" * 32,
                 **kw).send(to=DANA, from_="+15550100001", body="b", ref="7.1")
    by_from, by_service = twilio_api.messages
    assert (by_from["from"], by_from["messaging_service_sid"]) == (SUPPORT, None)  # an App Store receipt has no From
    assert (by_service["from"], by_service["messaging_service_sid"]) == (None, "MG" + "1" * 32)
    assert by_service["status_callback"] == f"{BASE}/sms/status?o=7.1"


def test_switchboard_outbox_lists_recent_first_with_delivery_and_filters_failures(call, twilio, deps, demo,
                                                                                   clock, twilio_api, runner):
    receipt(call, deps, clock)
    sweep(deps, clock)
    message_status(twilio, twilio_api.messages[0], "undelivered", 30007)
    with deps.db.begin() as s:
        s.add(OutboundText(created_at=clock(), to_number="+15557770003", body="Second Line: later"))
    out = runner.invoke(args=["outbox"])
    assert out.exit_code == 0, out.output
    first, second = [line for line in out.output.splitlines() if line.startswith("#")]
    assert "+15557770003 [queued" in first  # the newest first
    assert f"to {DANA} [undelivered 30007; outbox failed, 1 tries]" in second
    failed = runner.invoke(args=["outbox", "--failed"])
    assert failed.exit_code == 0 and "undelivered 30007" in failed.output and "+15557770003" not in failed.output
