"""Issue 12's observations in Spanish (R20), through the simulators: each behaves in Spanish as
its English test shows (tests/ivr/test_calls.py, test_receipts.py, tests/sms/test_consent.py,
test_journeys.py, tests/faults/test_floods.py)."""

from __future__ import annotations

import uuid

from core.models import Escalation, OutboundText, TextOptOut
from ivr.simulate import call_form
from tests.conftest import Twilio
from tests.helpers import count, line, plan

DANA, SAM, JDOE = "+15557770001", "+15557770003", "+15557770010"


def test_a_pin_keyed_again_at_the_spanish_confirmation_confirms_nothing_R18(call, deps, demo):
    t = call(DANA, ["9", "1", "1", "1234#", "2", "1234#", "hangup"])
    assert "¿Cancelar Text Archive?" in t.said()
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    t = call(DANA, ["9", "1", "1", "1234#", "2", "1", "hangup"])
    assert plan(deps, "dana", "Text Archive").auto_renew is False


def test_a_receipt_is_promised_in_spanish_only_when_one_will_be_sent_R16_R17(call, deps, demo, clock):
    t = call(JDOE, ["9", "1", "1", "482913#", "0012", "1", "hangup"])  # the admin cancels lee's plan
    said = t.said()
    assert "0 0 1 2" in said and "0 0 1 0" in said  # where the receipt and the admin's copy go
    with deps.db.begin() as s:
        s.add(TextOptOut(number=DANA, opted_out_at=clock()))
        s.add(TextOptOut(number="+15550100001", opted_out_at=clock()))
    before = count(deps, OutboundText)
    t = call(DANA, ["9", "1", "1", "1234#", "2", "1", "hangup"])
    assert "Listo" in t.said() and "comprobante" not in t.said().lower()
    assert count(deps, OutboundText) == before


def test_a_spanish_texter_on_another_phone_sends_the_line_number_first_R8(phone, deps, demo):
    p = phone("+15550004321")
    assert "Responde primero con el número de tu línea" in p.text("PLANES")
    assert p.text("(555) 010-0003") == "Ahora responde con el PIN de esa línea."
    assert "(555) 010-0003" in p.text("1357")


def test_a_bare_cancelar_mid_cancellation_says_the_request_was_not_completed_R16(phone, deps, demo):
    p = phone(SAM)
    p.text("CANCELAR LINEA")
    p.text("1357")
    p.text("OMITIR")
    reply = p.text("cancelar")
    assert "NO se completó" in reply
    back = p.text("COMENZAR")
    assert "No se confirmó nada" in back
    assert line(deps, "sam").status == "active"


def test_a_silent_spanish_voicemail_is_not_saved_R15(client, deps):
    twilio = Twilio(client)
    form = call_form("CA" + uuid.uuid4().hex, "+15550004444", "+15550109000")
    silent = twilio.post("/voice/voicemail?lang=es", {**form, "RecordingUrl": "https://api.twilio.com/r/RE1",
                                                      "RecordingDuration": "0"})
    body = silent.get_data(as_text=True)
    assert "No recibimos ningún mensaje" in body and 'language="es-US"' in body and count(deps, Escalation) == 0
