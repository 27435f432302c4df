"""A forgotten PIN by text (issue 12, item 3; R9, R21): the warning before the last try, and a
one-time code texted to the line's own number, never to the sender, counted like a PIN."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.models import AuditEvent, OutboundText
from tests.helpers import count

DANA, DANA_LINE = "+15557770001", "+15550100001"  # Dana texts from her mobile, a contact number
STRANGER = "+15550004321"


def codes_to(deps, number: str) -> list[str]:
    with deps.db() as s:
        bodies = s.execute(select(OutboundText.body).where(OutboundText.to_number == number)
                           .order_by(OutboundText.id)).scalars().all()
    return [m.group(1) for b in bodies if (m := re.search(r"\b(\d{6})\b", b))]


def test_the_try_before_the_lock_warns_and_names_the_ways_on_R21(phone, demo):
    p = phone(DANA)
    assert "PIN" in p.text("PLANS")
    for _ in range(3):
        assert "One more wrong try" not in p.text("9999")
    warned = p.text("9999")  # the 4th wrong PIN: one try left
    assert "One more wrong try locks PIN entry for 15 min" in warned
    assert "CODE" in warned and "AGENT" in warned
    assert "locked" in p.text("9999")  # the 5th locks (R9)


def test_a_forgotten_pin_gets_a_code_texted_to_the_lines_own_number_R21(phone, deps, demo):
    p = phone(DANA)
    p.text("PLANS")
    assert "full number" in p.text("I forgot my PIN")
    reply = p.text(DANA_LINE)
    assert "ending 0001" in reply and "6-digit code" in reply and "10 min" in reply
    assert codes_to(deps, DANA) == []  # never to the number asking
    (code,) = codes_to(deps, DANA_LINE)
    answer = p.text(code)
    assert answer.startswith("PIN OK.") and "Unlimited Monthly" in answer  # verified: the request goes on
    with deps.db() as s:
        verified = s.execute(select(AuditEvent).where(AuditEvent.action == "pin_verified")).scalars().all()
    assert [e.details.get("method") for e in verified] == ["one_time_code"]
    with deps.db() as s:  # the code is in no audit event
        assert all(code not in str(e.details) for e in s.execute(select(AuditEvent)).scalars())


def test_a_code_works_once(phone, deps, demo):
    p = phone(DANA)
    p.text("PLANS")
    p.text("CODE")
    p.text(DANA_LINE)
    (code,) = codes_to(deps, DANA_LINE)
    assert p.text(code).startswith("PIN OK.")
    other = phone(STRANGER)  # someone who saw the code: asks for the code step, then keys the used one
    other.text("PLANS")
    other.text("CODE")
    other.text(DANA_LINE)
    assert "couldn't verify that code" in other.text(code)
    with deps.db() as s:
        methods = [e.details.get("method") for e in s.execute(select(AuditEvent).where(
            AuditEvent.action == "pin_failed")).scalars()]
    assert methods == ["one_time_code"]


def test_no_code_is_promised_to_a_number_that_turned_off_texts_R16_R21(phone, deps, demo):
    line_phone = phone(DANA_LINE)
    line_phone.text("STOP")
    p = phone(DANA)
    p.text("PLANS")
    p.text("CODE")
    reply = p.text(DANA_LINE)
    assert "has turned off texts from us, so no code can be sent" in reply and "START" in reply
    assert codes_to(deps, DANA_LINE) == []
    stranger = phone(STRANGER)  # a number that is no line, opted out: answered alike (R8)
    phone("+15550109999").text("STOP")
    stranger.text("PLANS")
    stranger.text("CODE")
    assert stranger.text("+15550109999").replace("9999", "####") == reply.replace("0001", "####")


def test_the_code_limit_counts_a_number_however_it_is_typed_R8(phone, deps, demo):
    # 3 codes asked for 5550100001, then one for 15550100001: the same number, limited alike
    # whether or not it is a line.
    for sender, claimed, spelled in ((STRANGER, "+15550100001", "15550100001"),
                                     ("+15550004322", "+15550109998", "15550109998")):
        p = phone(sender)
        for _ in range(3):
            p.text("PLANS")
            p.text("CODE")
            assert "6-digit code" in p.text(claimed[2:])
        p.text("PLANS")
        p.text("CODE")
        assert "all the codes we can" in p.text(spelled)
    assert len(codes_to(deps, DANA_LINE)) == 3


def test_a_number_that_is_no_line_is_answered_alike_and_sends_nothing_R8(phone, deps, demo):
    known, unknown = phone(DANA), phone(STRANGER)
    known.text("PLANS")
    unknown.text("PLANS")
    known.text("forgot")
    unknown.text("forgot")
    a = known.text(DANA_LINE)
    b = unknown.text("+15550109999")
    assert a.replace("0001", "####") == b.replace("9999", "####")
    assert count(deps, OutboundText) == 1


def test_wrong_codes_count_against_the_pin_limit_R9_R21(phone, deps, demo):
    p = phone(DANA)
    p.text("PLANS")
    p.text("CODE")
    p.text(DANA_LINE)
    (code,) = codes_to(deps, DANA_LINE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert "couldn't verify that code" in p.text(wrong)
    for _ in range(3):
        reply = p.text(wrong)
    assert "One more wrong try" in reply
    assert "locked" in p.text(wrong)
    p.text("PLANS")
    assert "locked" in p.text("1234")  # codes and PINs share one lock: the right PIN is refused too


def test_the_code_step_asks_for_six_digits(phone, deps, demo):
    p = phone(DANA)
    p.text("PLANS")
    p.text("CODE")
    p.text(DANA_LINE)
    assert "A code is 6 digits" in p.text("12345")


def test_codes_asked_for_are_limited_an_hour_R21(phone, deps, demo):
    p = phone(DANA)
    p.text("PLANS")
    p.text("CODE")
    p.text(DANA_LINE)
    p.text("CODE")
    p.text("CODE")
    limited = p.text("CODE")
    assert "all the codes we can" in limited and "AGENT" in limited
    assert len(codes_to(deps, DANA_LINE)) == 3


def test_spanish_forgotten_pin_R20_R21(phone, deps, demo):
    p = phone(DANA)
    assert "PIN" in p.text("PLANES")
    assert "número completo" in p.text("olvidé mi PIN")
    assert "código de 6 dígitos" in p.text(DANA_LINE)
    with deps.db() as s:
        body = s.execute(select(OutboundText.body).where(OutboundText.to_number == DANA_LINE)).scalar_one()
    assert "tu código de un solo uso" in body
    assert p.text(codes_to(deps, DANA_LINE)[0]).startswith("PIN correcto.")


def test_a_codes_words_are_not_kept_once_sent_nor_shown_by_the_outbox_command_R21(phone, deps, demo, clock, runner,
                                                                                  monkeypatch):
    from core import outbox

    p = phone(DANA)
    p.text("PLANS")
    p.text("CODE")
    p.text(DANA_LINE)
    (code,) = codes_to(deps, DANA_LINE)
    shown = runner.invoke(args=["outbox"]).output
    assert code not in shown and "one-time code" in shown  # not even while it waits

    class Sender:
        def send(self, *, to, from_, body, ref=None):
            assert code in body  # what goes out is the code itself
            return "SM" + "1" * 32

        def find_sent(self, **_):
            return None
    outbox.send_due(deps.db, Sender(), clock)
    with deps.db() as s:
        row = s.execute(select(OutboundText).where(OutboundText.to_number == DANA_LINE)).scalar_one()
    assert row.status == "sent" and code not in row.body
