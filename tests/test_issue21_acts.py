"""Issue 21's observations by text, English and Spanish: every step hears every act (a person,
a question, a new request, "never mind", a language switch), confirmations (R18), goodbyes
and greetings, a forgotten PIN (R21) and the clarifying question's two offers."""

from __future__ import annotations

import json

import pytest

from core.models import Escalation
from tests.helpers import count, line, plan

DANA, SAM = "+15557770001", "+15557770003"


def _is_person(reply: str) -> bool:
    return "will contact you" in reply or "se comunicará contigo" in reply or "te contactará" in reply


# A person, at once, at any step (R15) ----------------------------------------------------------
@pytest.mark.parametrize("words", ["can I talk to a real person please", "quiero hablar con una persona"])
def test_a_person_asked_for_at_the_block_number_step_is_a_person_R15(phone, deps, demo, words):
    p = phone(DANA)
    p.text("BLOCK")
    assert "Which number" in p.text("1234")
    before = count(deps, Escalation)
    p.text(words)
    assert count(deps, Escalation) == before + 1


def test_get_me_a_real_person_is_a_person_not_a_question_R15(phone, deps, demo):
    before = count(deps, Escalation)
    reply = phone(DANA).text("get me a real person")
    assert "reply 1" not in reply.lower()
    assert count(deps, Escalation) == before + 1


# "never mind" / "no" end the request in progress --------------------------------------------------
@pytest.mark.parametrize("words", ["never mind", "NO"])
def test_never_mind_or_no_at_the_block_number_step_ends_the_request(phone, deps, demo, words):
    p = phone(DANA)
    p.text("BLOCK")
    p.text("1234")
    reply = p.text(words)
    assert "Which number" not in reply and "nothing was changed" in reply.lower()
    assert "Which number" not in p.text("hi")  # the request is over


# Questions at the PIN prompt: answered, never a wrong PIN ------------------------------------------
@pytest.mark.parametrize("words", ["do you guys do refunds if I cancel mid month", "how do I cancel"])
def test_a_question_at_the_pin_prompt_is_not_a_pin(phone, deps, demo, words):
    p = phone(DANA)
    p.text("PLANS")
    reply = p.text(words)
    assert "4 to 8 digits" not in reply
    assert line(deps, "dana").status == "active"
    assert json.loads(deps.redis.get("sb:conv:sms:" + DANA))["failed"] == 0  # never a wrong PIN
    assert "Text Archive" in p.text("1234")  # the plans, asked for first


def test_more_sent_early_at_the_pin_prompt_never_replaces_the_plans_request(phone, deps, demo):
    p = phone(DANA)
    p.text("PLANS")
    p.text("MORE")
    reply = p.text("1234")
    assert "That was every plan" not in reply
    assert "Text Archive" in reply


def test_after_a_lock_ends_the_right_pin_is_taken_R9(phone, deps, demo, clock):
    p = phone(SAM)
    p.text("PLANS")
    for _ in range(5):
        reply = p.text("0000")
    assert "locked" in reply.lower() or "Try again in" in reply
    clock.advance(minutes=16)
    reply = p.text("1357")
    assert "didn't get that" not in reply


# Confirmations (R18) ---------------------------------------------------------------------------
def _at_confirm(p, lang="en"):
    p.text("CANCEL PLAN" if lang == "en" else "CANCELAR PLAN")
    p.text("1234")
    reply = p.text("Text Archive")
    assert "Text Archive" in reply and ("YES" in reply or "SÍ" in reply)


@pytest.mark.parametrize("words, lang", [("yes please", "en"), ("sí, está bien", "es")])
def test_a_yes_with_courtesy_words_confirms_R18(phone, deps, demo, words, lang):
    p = phone(DANA)
    _at_confirm(p, lang)
    p.text(words)
    assert plan(deps, "dana", "Text Archive").auto_renew is False


@pytest.mark.parametrize("words, lang", [("mejor no", "es"), ("ay no espera", "es"), ("no, ese no", "es"),
                                         ("NO! I want to KEEP my plan", "en")])
def test_a_no_or_a_hesitation_ends_the_request_at_once_R18(phone, deps, demo, words, lang):
    p = phone(DANA)
    _at_confirm(p, lang)
    reply = p.text(words)
    assert "Text Archive?" not in reply and "¿Cancelar" not in reply
    assert len(reply) < 80
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    p.text("YES")
    assert plan(deps, "dana", "Text Archive").auto_renew is True


@pytest.mark.parametrize("words", ["ok", "yep", "👍"])
def test_a_bare_ok_or_thumbs_up_is_not_a_yes_R18(phone, deps, demo, words):
    p = phone(DANA)
    _at_confirm(p)
    p.text(words)
    assert plan(deps, "dana", "Text Archive").auto_renew is True


# Goodbye, thanks, greeting ----------------------------------------------------------------------
@pytest.mark.parametrize("words", ["great thank you so much, goodbye", "no thanks goodbye", "no, gracias, adiós"])
def test_a_goodbye_ends_politely_with_one_short_reply(phone, deps, demo, words):
    reply = phone(DANA).text(words)
    assert "didn't get that" not in reply and "No entendimos" not in reply and len(reply) < 80


@pytest.mark.parametrize("words, heard", [("hi", "cancel"), ("hola", "cancelar")])
def test_hi_gets_a_short_greeting_naming_what_the_bot_does(phone, deps, demo, words, heard):
    reply = phone(DANA).text(words)
    assert "didn't get that" not in reply and "No entendimos" not in reply
    assert heard in reply.lower()


# A forgotten PIN (R21) -------------------------------------------------------------------------
@pytest.mark.parametrize("words, heard", [("I forgot my PIN", "one-time code"),
                                          ("olvidé mi PIN", "código de un solo uso")])
def test_a_forgotten_pin_as_a_first_text_offers_a_one_time_code_R21(phone, deps, demo, words, heard):
    reply = phone(DANA).text(words)
    assert heard in reply and "reply 2" not in reply.lower()


# R24: a question about a change is never the change -------------------------------------------------
@pytest.mark.parametrize("words", ["how do I cancel my line?", "¿cómo cancelo mi línea?"])
def test_a_how_to_question_never_starts_the_change_R24(phone, deps, demo, words):
    p = phone(SAM)
    reply = p.text(words)
    assert "PIN" not in reply
    reply = p.text("1357")
    assert "can't be undone" not in reply and "no se puede deshacer" not in reply
    assert line(deps, "sam").status == "active"


# The clarifying question never offers the same thing twice ---------------------------------------
@pytest.mark.parametrize("words", ["someone stole my phone", "me robaron el teléfono"])
def test_a_clarifying_question_never_offers_the_same_thing_twice(phone, deps, demo, words):
    reply = phone(DANA).text(words)
    if "(reply 1)" in reply or "(responde 1)" in reply:
        first, _, second = reply.partition("(reply 1)") if "(reply 1)" in reply else reply.partition("(responde 1)")
        a = first.split("to ", 1)[-1].split("Quieres ", 1)[-1].strip(" ,o")
        assert a not in second, reply


# Language per turn (R20) ------------------------------------------------------------------------
def test_texts_follow_the_language_written_mid_request_R20(phone, deps, demo):
    p = phone(DANA)
    p.text("PLANS")
    reply = p.text("en español por favor")
    assert "PIN" in reply and ("Responde" in reply or "responde" in reply)


@pytest.mark.parametrize("words", ["what day does my service end?", "¿cuándo termina mi plan?",
                                   "is there a fee to change my number"])
def test_a_question_about_a_change_never_proposes_it_R24(phone, deps, demo, words):
    p = phone(DANA)
    first = p.text(words)
    then = p.text("1234")
    for reply in (first, then):
        assert "why" not in reply.lower() and "¿Qué plan?" not in reply and "Reply YES" not in reply, reply
        assert "Responde SÍ" not in reply, reply
    assert line(deps, "dana").status == "active"
