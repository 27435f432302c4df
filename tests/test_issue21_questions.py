"""Issue 21, "questions answered with facts, never turned into changes" (R24, R25, R3): each
observation through the real stack, by text and by voice, in English and Spanish. A question
about a change is answered with the facts (the caller's own dates after the PIN) and changes
nothing; only a request starts a change."""

from __future__ import annotations

import datetime as dt

import pytest

from core.formatting import day
from core.journeys import REGISTRY
from core.models import Escalation, Line
from tests.helpers import count, line, plan

DANA, SAM = "+15557770001", "+15557770003"


def _nothing_changed(deps):
    assert line(deps, "dana").status == "active" and line(deps, "dana").number == "+15550100001"
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    assert line(deps, "sam").status == "active" and line(deps, "sam").number == "+15550100003"


def _dana_renews(clock, lang="en"):
    return day(clock().date() + dt.timedelta(days=19), lang)


# When each plan ends or renews: the caller's own dates, after the PIN ------------------------
def test_what_day_does_my_service_end_gives_the_lines_own_dates_by_text_R24(phone, deps, demo, clock):
    p = phone(DANA)
    first = p.text("what day does my service end?")
    assert "PIN" in first and "why" not in first.lower()
    reply = p.text("1234")
    assert "Unlimited Monthly renews " + _dana_renews(clock) in reply
    assert "Text Archive renews" in reply and "YES" not in reply
    _nothing_changed(deps)


def test_cuando_termina_mi_plan_gives_the_dates_in_spanish_by_text_R24(phone, deps, demo, clock):
    p = phone(DANA)
    first = p.text("¿cuándo termina mi plan?")
    assert "PIN" in first and "Qué plan" not in first
    reply = p.text("1234")
    assert "Unlimited Monthly se renueva el " + _dana_renews(clock, "es") in reply and "SÍ" not in reply
    _nothing_changed(deps)


def test_when_does_my_plan_end_by_voice_in_english_and_spanish_R24(call, deps, demo, clock):
    t = call(DANA, ["say what day does my service end", "1234#", "hangup"])
    assert "Unlimited Monthly renews " + _dana_renews(clock) in t.said()
    assert "Before you go" not in t.said()
    t = call(DANA, ["9", "say cuándo termina mi plan", "1234#", "hangup"])
    assert "Unlimited Monthly se renueva el " + _dana_renews(clock, "es") in t.said()
    _nothing_changed(deps)


# What cancelling does ------------------------------------------------------------------------
@pytest.mark.parametrize("asked", ["do I keep my credits if I cancel?", "the number stays, right?",
                                   "what happens if I cancel my line?"])
def test_what_cancelling_does_is_answered_with_the_policys_facts_R2_R3_R24(phone, deps, demo, asked):
    reply = phone(SAM).text(asked)
    assert "credits" in reply and "released" in reply and "can't be undone" in reply and "No refund" in reply
    assert "PIN" not in reply and "YES" not in reply
    _nothing_changed(deps)


def test_si_cancelo_me_quedo_con_el_saldo_is_answered_in_spanish_R24(phone, deps, demo):
    reply = phone(SAM).text("¿si cancelo me quedo con mi saldo?")
    assert "saldo" in reply and "liberado" in reply and "No se puede deshacer" in reply
    _nothing_changed(deps)


def test_do_i_keep_my_credits_by_voice_R24(call, deps, demo):
    t = call(SAM, ["say do I keep my credits if I cancel", "hangup"])
    assert "credits" in t.said() and "released" in t.said() and "can't be undone" in t.said()
    assert "PIN" not in t.said()
    _nothing_changed(deps)


def test_how_do_i_delete_my_phone_number_is_answered_with_a_one_line_offer_R24(phone, deps, demo):
    p = phone(SAM)
    reply = p.text("how do I delete my phone number")
    assert "released" in reply and "CANCEL LINE" in reply and "PIN" not in reply
    # The change starts only when asked.
    assert "PIN" in p.text("CANCEL LINE")
    _nothing_changed(deps)


def test_is_there_a_fee_to_change_my_number_is_answered_not_proposed_R24(phone, deps, demo):
    p = phone(SAM)
    reply = p.text("is there a fee to change my number")
    assert "CHANGE NUMBER" in reply and "PIN" not in reply and "YES" not in reply
    assert "PIN" in p.text("CHANGE NUMBER")
    p.text("1357")
    _nothing_changed(deps)


def test_hay_cargo_por_cambiar_mi_numero_is_answered_in_spanish(phone, deps, demo):
    reply = phone(SAM).text("¿cobran por cambiar mi número?")
    assert "CAMBIAR NUMERO" in reply and "PIN" not in reply
    _nothing_changed(deps)


# App Store --------------------------------------------------------------------------------------
def test_how_to_turn_off_auto_renewal_on_an_iphone_gives_apples_steps_by_voice_R6_R24(call, deps, demo):
    t = call(SAM, ["say how do I turn off auto renewal on my iphone subscription", "hangup"])
    said = t.said()
    assert "Subscriptions" in said and "Apple" in said and "Your line" not in said


def test_apples_steps_by_text_in_both_languages_R6(phone, deps, demo):
    reply = phone(SAM).text("how do I cancel my subscription on my iphone?")
    assert "Subscriptions" in reply and "support.apple.com" in reply and "PIN" not in reply
    reply = phone(SAM).text("¿cómo cancelo la suscripción en mi iphone?")
    assert "Suscripciones" in reply and "support.apple.com" in reply


# What the bot can do ------------------------------------------------------------------------------
def test_what_can_you_do_names_what_the_bot_does_and_a_person(phone, call, deps, demo):
    reply = phone(SAM).text("what can you do")
    assert "plans" in reply and "block" in reply and "AGENT" in reply
    reply = phone(SAM).text("¿qué puedes hacer?")
    assert "planes" in reply and "AGENTE" in reply
    t = call(SAM, ["say what can you do", "hangup"])
    assert "block" in t.said() and "Sorry" not in t.said()


# Porting out (R25) ------------------------------------------------------------------------------
def test_port_out_never_cancels_or_changes_the_number_R25(phone, deps, demo):
    p = phone(SAM)
    reply = p.text("I want to port my number out to another carrier")
    assert "new carrier" in reply and "No refund" in reply and "AGENT" in reply
    assert "PIN" not in reply and "for good" not in reply
    reply = p.text("1357")
    assert "for good" not in reply and "Change number" not in reply
    _nothing_changed(deps)


def test_port_out_in_spanish_and_by_voice_R25(phone, call, deps, demo):
    reply = phone(SAM).text("quiero llevar mi número a otra compañía")
    assert "nueva compañía" in reply and "AGENTE" in reply and "PIN" not in reply
    t = call(SAM, ["say I want to port my number to another carrier", "hangup"])
    assert "new carrier" in t.said() and "given up" not in t.said()
    _nothing_changed(deps)


# Billing the bot can't answer ----------------------------------------------------------------------
def test_whats_my_billing_date_is_said_plainly_with_a_person_offered(phone, deps, demo):
    reply = phone(SAM).text("what's my billing date")
    assert "AGENT" in reply and "Sorry, we didn't get that" not in reply and "PIN" not in reply
    reply = phone(SAM).text("¿cuándo me cobran?")
    assert "AGENTE" in reply


# Undo a cancellation (R3) ----------------------------------------------------------------------
def test_undo_my_cancellation_is_told_truly_with_a_way_on_R3(phone, call, deps, demo):
    reply = phone("+15557770005").text("I changed my mind, can you undo my cancellation?")
    assert "can't be undone" in reply and "AGENT" in reply and "so that can't be done" not in reply
    reply = phone("+15557770005").text("me arrepentí, ¿pueden deshacer mi cancelación?")
    assert "AGENTE" in reply
    t = call("+15557770005", ["say I changed my mind, can you undo my cancellation", "hangup"])
    assert "can't be undone" in t.said()
    assert line(deps, "chrisw").status == "cancel_pending"


# A lost or stolen phone: what to do now, and a person at once -----------------------------------
def test_a_lost_phone_gets_what_to_do_and_a_person_at_once(phone, call, deps, demo):
    before = count(deps, Escalation)
    reply = phone(SAM).text("I lost my phone, can you suspend the line")
    assert "already active" not in reply and "PIN" in reply and "ref" in reply
    assert count(deps, Escalation) == before + 1
    reply = phone(DANA).text("me robaron el teléfono")
    assert "PIN" in reply and "ref" in reply
    t = call("+15557770010", ["say someone stole my phone", "answer"])
    assert "PIN" in t.said() and "dial" in t.kinds()
    assert count(deps, Escalation) == before + 3
    _nothing_changed(deps)


# A plan the line doesn't have ---------------------------------------------------------------------
def test_a_plan_the_line_does_not_have_is_said_so_with_the_ones_it_has_R4(phone, deps, demo):
    p = phone(DANA)
    first = p.text("stop paying for voicemail transcription")
    assert "a plan or the whole line" not in first and "PIN" in first
    reply = p.text("1234")
    assert "no plan named \"voicemail transcription\"" in reply.lower()
    assert "Unlimited Monthly" in reply and "Text Archive" in reply and "Call Recording" in reply
    _nothing_changed(deps)


# Threats get the block first (R24, R11 fix 5) ------------------------------------------------------
THREAT = "someone keeps calling and texting me threats from (917) 555-0142 please block them right now im scared"


def test_threats_get_the_block_for_that_number_by_text_R24(phone, deps, demo):
    p = phone(SAM)
    first = p.text(THREAT)
    assert "PIN" in first and "Still want to leave" not in first
    reply = p.text("1357")
    assert "Block (917) 555-0142" in reply
    p.text("YES")
    with deps.db() as s:
        sam = s.query(Line).filter_by(login_id="sam").one()
        assert "+19175550142" in [b.number for b in sam.blocked]


def test_amenazas_get_the_block_in_spanish_R24(phone, deps, demo):
    p = phone(SAM)
    p.text("alguien me está amenazando desde el 917 555 0142, bloquéalo por favor")
    assert "Bloquear (917) 555-0142" in p.text("1357")


# The registry: every information journey is there, changes nothing, and says what it answers ----
def test_the_information_journeys_are_registered_and_propose_no_change():
    for name in ("term_end", "cancel_effects", "appstore", "capabilities", "port_out", "billing", "undo_cancel",
                 "lost_phone", "number_info"):
        assert name in REGISTRY and not REGISTRY[name].changes and REGISTRY[name].apply is None
    assert REGISTRY["cancel_effects"].answers == {"cancel_line", "cancel_plan"}
    assert REGISTRY["number_info"].answers == {"change_number"}


# By voice in Spanish, and the threat by voice --------------------------------------------------
@pytest.mark.parametrize("said, heard", [
    ("say si cancelo me quedo con mi saldo", "no se puede deshacer"),
    ("say quiero llevar mi número a otra compañía", "La nueva compañía inicia el cambio"),
    ("say me arrepentí, pueden deshacer mi cancelación", "no se puede deshacer"),
    ("say cómo cancelo la suscripción en mi iphone", "Suscripciones"),
])
def test_the_answers_by_voice_in_spanish_R20_R24(call, deps, demo, said, heard):
    t = call(SAM, ["9", said, "hangup"])
    assert heard in t.said() and "PIN" not in t.said()
    _nothing_changed(deps)


def test_threats_get_the_block_for_that_number_by_voice_R24(call, deps, demo):
    t = call(SAM, ["say " + THREAT, "1357#", "hangup"])
    assert "block 9 1 7, 5 5 5, 0 1 4 2" in t.said() and "leave" not in t.said()
