"""Issue 21's observations on the details in a sentence and two requests in one message, by
text and by phone, in English and Spanish: the number, the area code or the plans named in
the first message are kept through the PIN and reach the journey."""

from __future__ import annotations

from sqlalchemy import select

from core.models import BlockedNumber, Line
from tests.helpers import line, plan

DANA, SAM = "+15557770001", "+15557770003"


def _blocked(deps, login: str) -> set[str]:
    with deps.db() as s:
        own = s.execute(select(Line).where(Line.login_id == login)).scalar_one()
        return set(s.execute(select(BlockedNumber.number).where(BlockedNumber.line_id == own.id)).scalars())


# A number said in a sentence ------------------------------------------------------------------
def test_a_number_typed_in_a_sentence_is_the_one_blocked_after_the_pin(phone, deps, demo):
    p = phone(SAM)
    p.text("block 212 555 0143, they keep calling me")
    reply = p.text("1357")
    assert "Block (212) 555-0143" in reply, reply
    p.text("YES")
    assert "+12125550143" in _blocked(deps, "sam")


def test_a_spanish_number_in_words_in_a_text_is_the_one_blocked(phone, deps, demo):
    p = phone(SAM)
    p.text("bloquea el dos uno dos cinco cinco cinco cero uno cuatro tres, me llaman sin parar")
    reply = p.text("1357")
    assert "(212) 555-0143" in reply, reply
    p.text("SI")
    assert "+12125550143" in _blocked(deps, "sam")


def test_a_number_said_in_a_sentence_on_the_phone_is_the_one_blocked(call, deps, demo):
    t = call(SAM, ["say please block two one two triple five zero one four three they keep calling me",
                   "1357#", "1", "hangup"])
    said = t.said()
    assert "2 1 2, 5 5 5, 0 1 4 3" in said or "212" in said.replace(" ", "").replace(",", ""), said
    assert "+12125550143" in _blocked(deps, "sam")


# An area code asked for -------------------------------------------------------------------------
def test_an_area_code_typed_is_the_one_offered(phone, deps, demo):
    p = phone(SAM)
    p.text("I'd like a new number with area code 212")
    reply = p.text("1357")
    assert "(212) 555-0190" in reply and "415" not in reply, reply


def test_an_area_code_said_on_the_phone_is_the_one_offered(call, deps, demo):
    t = call(SAM, ["say I'd like a new number with area code two one two", "1357#", "1", "hangup"])
    assert line(deps, "sam").number == "+12125550190", t.said()


def test_a_spanish_area_code_is_the_one_offered(phone, deps, demo):
    p = phone(SAM)
    p.text("dame un número nuevo con lada 310")
    reply = p.text("1357")
    assert "(310) 555-0191" in reply, reply


def test_an_area_code_with_no_free_number_is_said_and_no_other_is_proposed(phone, deps, demo):
    p = phone(SAM)
    p.text("I'd like a new number with area code 646")
    reply = p.text("1357")
    assert "646" in reply and "212" in reply and "AGENT" in reply, reply
    assert "for good" not in reply and "YES" not in reply, reply
    assert line(deps, "sam").number == "+15550100003"


# Two requests in one message ----------------------------------------------------------------------
def test_two_plans_to_cancel_in_one_message_are_both_offered_in_turn(phone, deps, demo):
    p = phone(DANA)
    p.text("cancel the text archive and the call recording")
    first = p.text("1234")
    assert "Text Archive" in first and "Call Recording" not in first, first
    second = p.text("YES")
    assert "Call Recording" in second, second
    p.text("YES")
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert plan(deps, "dana", "Call Recording").auto_renew is False


def test_a_second_request_after_a_first_is_offered_next_by_name(phone, deps, demo):
    p = phone(SAM)
    p.text("block 555-999-0142 and also change my number to area code 212")
    reply = p.text("1357")
    assert "Block (555) 999-0142" in reply, reply
    done = p.text("YES")
    assert "change" in done.lower() and "number" in done.lower(), done
    assert "+15559990142" in _blocked(deps, "sam")
