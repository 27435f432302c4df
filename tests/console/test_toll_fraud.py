"""Issue 23, item 4: no toll fraud. Premium-rate, shared-cost, international (outside
CALLBACK_COUNTRIES) and short numbers are refused where a caller enters them (the voicemail's
*), and where an agent calls back or texts, with a plain message; one test per class, by
``phonenumbers``' number types."""

from __future__ import annotations

import phonenumbers
import pytest

from core import phone, services
from core.models import Escalation, OutboundText
from tests.console.conftest import AGENT
from tests.helpers import count

T = phonenumbers.PhoneNumberType


def _example(region: str, kind) -> str:
    return phonenumbers.format_number(phonenumbers.example_number_for_type(region, kind),
                                      phonenumbers.PhoneNumberFormat.E164)


CLASSES = {  # why refused: a number of that class
    "premium_rate": _example("US", T.PREMIUM_RATE),
    "shared_cost": _example("AT", T.SHARED_COST),
    "international": _example("GB", T.MOBILE),
    "short_code": "+1234",
}


@pytest.mark.parametrize("why", list(CLASSES))
def test_each_class_is_refused_by_number_type(why):
    assert phone.outbound_refusal(CLASSES[why], ("US", "CA")) == why
    assert phone.outbound_refusal("+12125550190", ("US", "CA")) is None  # an ordinary US number
    assert phone.outbound_refusal("+14165550123", ("US", "CA")) is None  # and a Canadian one
    assert phone.outbound_refusal("+15550100001", ("US", "CA")) is None  # a fictional 555 one


def test_the_countries_are_a_setting():
    gb = CLASSES["international"]
    assert phone.outbound_refusal(gb, ("US", "CA", "GB")) is None
    assert phone.outbound_refusal(_example("GB", T.PREMIUM_RATE), ("US", "CA", "GB")) == "premium_rate"


def _escalation(deps, clock, caller="+15557770001") -> int:
    req = services.Request(channel="voice", request_id="CA" + "e" * 32, caller=caller)
    esc = services.escalate(deps.db, reason="caller_asked", context={"verified": False, "history": []},
                            now=clock(), req=req)
    services.update_escalation(deps.db, esc, outcome="agent_no_answer", now=clock())
    return esc


@pytest.mark.parametrize("typed", ["19005550123", "011448712345678", "011442079460000"])
def test_a_caller_at_the_voicemail_cant_book_a_premium_or_international_call_back(call, demo, deps, clock, typed):
    esc = _escalation(deps, clock)
    t = call("+15557770001", ["2", f"{typed}#", "-", "-"], path=f"/voice/callback?esc={esc}&do=start")
    said = t.said()
    assert "We can't call back premium-rate, shared-cost, international or short numbers." in said, said
    with deps.db() as s:
        assert s.get(Escalation, esc).callback_number is None


def test_a_premium_caller_id_is_not_read_back_as_the_call_back_number(call, demo, deps, clock):
    esc = _escalation(deps, clock, caller="+19005550123")  # caller ID is easily forged
    t = call("+19005550123", ["-", "-", "-"], path=f"/voice/callback?esc={esc}&do=start")
    assert "Enter the number to call you back on" in t.said() and "9 0 0" not in t.said()


@pytest.mark.parametrize("why", ["premium_rate", "shared_cost", "international"])
def test_an_agent_cant_call_back_or_text_a_refused_number(why, deps, demo, clock, console_as, agent, make_agent,
                                                          twilio_api, settings):
    esc = _escalation(deps, clock, caller=CLASSES[why])
    c = console_as(AGENT)
    c.get(f"/console/cases/{esc}")
    called = c.post(f"/console/cases/{esc}/call")
    page = c.get(f"/console/cases/{esc}").get_data(as_text=True)
    assert "never calls or texts it" in page or "outside the countries we call back" in page, page
    assert twilio_api.calls == []
    c.post(f"/console/cases/{esc}/text", {"instruction": "cancel_plan", "lang": "en"})
    page = c.get(f"/console/cases/{esc}").get_data(as_text=True)
    assert "never calls or texts it" in page or "outside the countries we call back" in page
    assert count(deps, OutboundText) == 0
    assert called.status_code == 303
