"""Issue 23, item 8 (R16): delivery callbacks are ordered. A replayed 21610 changes nothing,
and a 21610 for a message sent before the number's latest START doesn't undo that START."""

from __future__ import annotations

from core.models import TextOptOut
from tests.helpers import count
from tests.twilio.conftest import call, message_status, phone, settings, twilio  # noqa: F401 - fixtures
from tests.twilio.test_delivery import DANA, receipt, sweep


def _opted_out(deps) -> bool:
    return count(deps, TextOptOut, TextOptOut.number == DANA) == 1


def test_a_replayed_21610_does_not_undo_a_start_R16(call, twilio, phone, deps, demo, clock, twilio_api):
    receipt(call, deps, clock)
    sweep(deps, clock)
    [msg] = twilio_api.messages
    message_status(twilio, msg, "undelivered", 21610)
    assert _opted_out(deps)
    clock.advance(minutes=5)
    phone(DANA).text("START")
    assert not _opted_out(deps)
    clock.advance(minutes=1)
    message_status(twilio, msg, "undelivered", 21610)  # the same signed callback, again
    assert not _opted_out(deps)


def test_a_21610_older_than_the_latest_start_changes_nothing_R16(call, twilio, phone, deps, demo, clock, twilio_api):
    receipt(call, deps, clock)
    sweep(deps, clock)  # sent now
    [msg] = twilio_api.messages
    clock.advance(minutes=2)
    phone(DANA).text("STOP")  # the customer turned texts off at us, then on again
    clock.advance(minutes=1)
    phone(DANA).text("START")
    assert not _opted_out(deps)
    clock.advance(seconds=30)
    message_status(twilio, msg, "undelivered", 21610)  # Twilio's verdict on the message sent before START
    assert not _opted_out(deps)
