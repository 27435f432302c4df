"""R20 by text: a Spanish message is answered in Spanish, every journey, through signed
POST /sms with the state checked in the database; every message within 3 segments (R19)."""

from __future__ import annotations

import pytest

from core.models import AuditEvent, BlockedNumber, Escalation, TextOptOut
from sms.gsm import segments
from tests.helpers import count, line, plan

DANA, ALEX, SAM, PAT = "+15557770001", "+15557770002", "+15557770003", "+15557770004"


def fits(p) -> None:
    for message in p.messages:
        assert segments(message)[1] <= 3, message


def verified(phone, number, first, pin):
    p = phone(number)
    p.text(first)
    fits(p)
    reply = p.text(pin)
    fits(p)
    return p, reply


def test_ayuda_is_answered_in_spanish_R16_R20(phone, demo):
    p = phone(DANA)
    reply = p.text("AYUDA")
    assert "ALTO" in reply and "Second Line" in reply and "tarifas" in reply
    fits(p)


def test_cancel_a_plan_in_spanish_R2_R20(phone, deps, demo):
    p, reply = verified(phone, DANA, "CANCELAR PLAN Text Archive", "1234")
    assert "reembolso" in reply.lower() and "SI" in reply.upper()
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    done = p.text("SÍ")
    fits(p)
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert "dic" in done  # the term end, in Spanish


def test_cancel_the_line_with_add_ons_first_in_spanish_R3_R4_R20(phone, deps, demo):
    p, reply = verified(phone, DANA, "CANCELAR LÍNEA", "1234")
    assert "Text Archive" in reply and "Call Recording" in reply  # the add-ons first, each confirmed
    reply = p.text("SI")
    fits(p)
    assert plan(deps, "dana", "Text Archive").auto_renew is False and "Call Recording" in reply
    reply = p.text("SI")
    fits(p)
    assert "deshacer" in reply.lower() and "reembolso" in reply.lower()  # R3, R10 before the last yes
    assert line(deps, "dana").status == "active"
    p.text("SI")
    fits(p)
    assert line(deps, "dana").status == "cancel_pending"


def test_an_app_store_plan_is_refused_with_apples_steps_in_spanish_R6_R20(phone, deps, demo):
    p, reply = verified(phone, ALEX, "CANCELAR PLAN Call Recording", "2468")
    fits(p)
    assert "Apple" in reply and "Suscripciones" in reply
    assert plan(deps, "alexk", "Call Recording").auto_renew is True


def test_refund_in_spanish_R1_R20(phone, demo):
    p = phone(SAM)
    reply = p.text("REEMBOLSO")
    fits(p)
    assert "reembolso" in reply.lower()
    reply = p.text("1357")
    fits(p)
    assert "dic" in reply


def test_reactivate_change_number_block_in_spanish_R12_R20(phone, deps, demo):
    p, reply = verified(phone, PAT, "REACTIVAR", "9999")
    p.text("SI")
    fits(p)
    assert line(deps, "pat").status == "active"
    p, reply = verified(phone, SAM, "CAMBIAR NUMERO", "1357")
    p.text("SI")
    fits(p)
    assert line(deps, "sam").number != "+15550100003"
    p, reply = verified(phone, DANA, "BLOQUEAR 555-999-0001", "1234")
    p.text("SI")
    fits(p)
    assert count(deps, BlockedNumber, BlockedNumber.number == "+15559990001") == 1


def test_agent_in_spanish_R15_R20(phone, deps, demo):
    p = phone(DANA)
    reply = p.text("AGENTE")
    fits(p)
    assert "persona" in reply.lower()
    assert count(deps, Escalation) == 1


@pytest.mark.parametrize("word", ["ALTO", "PARAR", "CANCELAR", "no más"])
def test_opt_out_and_back_in_in_spanish_R16_R20(phone, deps, demo, word):
    p = phone(SAM)
    reply = p.text(word)
    fits(p)
    assert "no canceló" in reply
    assert count(deps, TextOptOut, TextOptOut.number == SAM) == 1
    assert p.text("AYUDA") == ""  # nothing to an opted-out number
    back = p.text("COMENZAR")
    fits(p)
    assert back and count(deps, TextOptOut, TextOptOut.number == SAM) == 0
    assert count(deps, AuditEvent, AuditEvent.action == "text_opt_in") == 1
