"""Free text by text message (issue 11), end to end through signed POST /sms in English and
Spanish: the issue's examples reach their journeys, a vague request asks which, a plain-
language opt-out opts out (R16), troubleshooting is reached directly, and nothing changes
without the PIN and an explicit yes (R10, R18). Every reply within 3 segments (R19)."""

from __future__ import annotations

import itertools
import json
import logging

import pytest

from core.models import AuditEvent, BlockedNumber, Escalation, TextOptOut
from sms.gsm import segments
from sms.replies import WHICH, render
from sms.replies_es import WHICH as WHICH_ES
from tests.helpers import count, line, plan

DANA, ALEX, SAM, PAT = "+15557770001", "+15557770002", "+15557770003", "+15557770004"


def fits(p) -> None:
    for message in p.messages:
        assert segments(message)[1] <= 3, message


def say(p, body: str) -> str:
    reply = p.text(body)
    fits(p)
    return reply


# The examples ------------------------------------------------------------------------
def test_i_want_to_cancel_my_number_reaches_the_line_cancellation_with_pin_and_yes_R3_R10(phone, deps, demo):
    p = phone(SAM)
    assert "PIN" in say(p, "hi, I want to cancel my number please")
    assert "why" in say(p, "1357").lower()  # R11: one question why, skippable
    reply = say(p, "skip")
    assert "can't be undone" in reply.lower() or "irreversible" in reply.lower() or "undo" in reply.lower()
    assert line(deps, "sam").status == "active"  # nothing without the explicit yes
    say(p, "YES")
    assert line(deps, "sam").status == "cancel_pending"


def test_i_want_my_money_back_gets_the_refund_policy_R1(phone, demo):
    reply = say(phone(SAM), "I want my money back")
    assert "refund" in reply.lower() and "PIN" in reply


def test_please_stop_my_text_archive_add_on_proposes_that_plan_and_nothing_else_R2_R5(phone, deps, demo):
    p = phone(DANA)
    say(p, "please stop my text archive add-on")
    reply = say(p, "1234")
    assert "Text Archive" in reply and "YES" in reply and "Call Recording" not in reply
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    say(p, "YES")
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert plan(deps, "dana", "Call Recording").auto_renew is True


def test_my_phone_doesnt_ring_gets_the_device_settings_fix_without_a_cancellation_R11(phone, deps, demo):
    before = count(deps, AuditEvent)
    reply = say(phone(DANA), "my phone doesn't ring when people call me")
    assert "Do Not Disturb" in reply and "PIN" not in reply
    assert line(deps, "dana").status == "active" and count(deps, AuditEvent) == before


def test_calls_keep_dropping_gets_the_voice_network_fix_R11(phone, demo):
    assert "voice network" in say(phone(DANA), "calls keep dropping").lower()


def test_spam_calls_lead_to_blocking_a_number_with_its_own_pin_and_yes_R11(phone, deps, demo):
    p = phone(DANA)
    assert "PIN" in say(p, "I keep getting spam calls")
    assert "Which number" in say(p, "1234")
    assert "Block" in say(p, "555 999 0123")
    say(p, "YES")
    assert count(deps, BlockedNumber, BlockedNumber.number == "+15559990123") == 1


def test_let_me_talk_to_a_real_person_reaches_an_agent_R15(phone, deps, demo):
    assert "A person from Second Line" in say(phone(SAM), "let me talk to a real person")
    assert count(deps, Escalation) == 1


def test_what_plans_do_i_have_shows_the_plans_after_the_pin_R8(phone, demo):
    p = phone(DANA)
    assert "PIN" in say(p, "what plans do I have")
    assert "Text Archive" in say(p, "1234")


def test_quiero_cancelar_mi_linea_is_the_line_cancellation_in_spanish_R20(phone, deps, demo):
    p = phone(SAM)
    assert "PIN" in say(p, "quiero cancelar mi línea")
    assert "por qué" in say(p, "1357").lower()
    assert "deshacer" in say(p, "OMITIR").lower()
    say(p, "SÍ")
    assert line(deps, "sam").status == "cancel_pending"


def test_spanish_free_text_reaches_a_fix_a_refund_and_a_person_R20(phone, deps, demo):
    assert "No molestar" in say(phone(DANA), "mi teléfono no suena cuando me llaman")
    assert "reembolso" in say(phone(SAM), "quiero que me devuelvan mi dinero").lower()
    assert "persona" in say(phone(PAT), "quiero hablar con una persona").lower()
    assert count(deps, Escalation) == 1


def test_a_spanish_plan_named_in_words_is_cancelled_after_pin_and_si_R20(phone, deps, demo):
    p = phone(DANA)
    say(p, "ya no quiero la grabación de llamadas, cancélenla")
    assert "Call Recording" in say(p, "1234")
    say(p, "SÍ")
    assert plan(deps, "dana", "Call Recording").auto_renew is False


def test_reactivate_and_a_new_number_in_words(phone, deps, demo):
    p = phone(PAT)
    say(p, "can you turn my number back on")
    assert "Reactivate" in say(p, "9999")
    say(p, "YES")
    assert line(deps, "pat").status == "active"
    p = phone(SAM)
    say(p, "I'd like a different phone number")
    assert "given up for good" in say(p, "1357")
    say(p, "YES")
    assert line(deps, "sam").number != "+15550100003"


# Safety before recall ------------------------------------------------------------------------
def test_deactivate_my_line_is_a_cancellation_never_a_reactivation(phone, deps, demo):
    p = phone(PAT)  # a suspended line: REACTIVATE would be allowed here
    say(p, "Deactivate my line")
    reply = say(p, "9999")
    assert "Reactivate" not in reply
    assert line(deps, "pat").status == "suspended"


def test_my_line_got_cancelled_never_starts_a_cancellation(phone, deps, demo):
    p = phone(PAT)
    say(p, "my line got suspended, why?")
    assert "Reactivate" in say(p, "9999") and "Cancel" not in p.messages[-1]


@pytest.mark.parametrize("body, lang", [("I wanna cancel", "en"), ("stop charging me", "en"), ("quiero cancelar", "es")])
def test_a_vague_request_asks_plan_or_line_and_the_answer_decides(phone, deps, demo, body, lang):
    p = phone(DANA)
    reply = say(p, body)
    assert ("plan" in reply and ("line" in reply or "línea" in reply)) and "PIN" not in reply
    reply = say(p, "the line" if lang == "en" else "la línea")
    assert "PIN" in reply
    say(p, "1234")
    assert line(deps, "dana").status == "active"  # still nothing without the yes


def test_a_vague_request_answered_with_a_number_picks_that_offer(phone, deps, demo):
    p = phone(DANA)
    say(p, "I want to cancel")
    say(p, "1")
    assert "Which plan" in say(p, "1234") or "Text Archive" in p.messages[-1]


def test_two_unclear_answers_to_the_question_offer_a_person_R15(phone, demo):
    p = phone(DANA)
    say(p, "I wanna cancel")
    assert "didn't get that" in say(p, "hmm")
    assert "AGENT" in say(p, "purple")


@pytest.mark.parametrize("body", ["don't cancel my line", "I do not want to cancel my number", "no cancelen mi línea"])
def test_a_negated_request_starts_nothing(phone, deps, demo, body):
    reply = say(phone(SAM), body)
    assert "PIN" not in reply and "(reply 2)" not in reply
    assert line(deps, "sam").status == "active"


# R16 in plain language -------------------------------------------------------------------------
@pytest.mark.parametrize("body, words", [
    ("Stop texting me please", "did not cancel"),
    ("unsubscribe me from these messages", "did not cancel"),
    ("please stop sending me texts!!", "did not cancel"),
    ("no me manden más mensajes", "no canceló"),
    ("dejen de enviarme mensajes por favor", "no canceló"),
])
def test_stop_texting_me_in_other_words_opts_out_and_cancels_nothing_R16(phone, deps, demo, body, words):
    p = phone(SAM)
    assert words in say(p, body)
    assert count(deps, TextOptOut, TextOptOut.number == SAM) == 1
    assert line(deps, "sam").status == "active"
    assert p.text("what plans do I have") == ""  # nothing more to an opted-out number


@pytest.mark.parametrize("body", ["STOP PLAN TEXT ARCHIVE", "please STOP PLAN Text Archive", "stop my text archive",
                                  "I'm not receiving texts", "cancel my line"])
def test_a_message_with_a_command_or_a_plan_is_never_an_opt_out_R16(phone, deps, demo, body):
    say(phone(DANA), body)
    assert count(deps, TextOptOut) == 0


def test_a_message_that_is_only_an_opt_out_word_is_always_an_opt_out_R16(phone, deps, demo):
    p = phone(DANA)
    say(p, "I wanna cancel")  # in the middle of the clarifying question
    assert "did not cancel" in say(p, "STOP")
    assert count(deps, TextOptOut, TextOptOut.number == DANA) == 1


def test_keywords_work_exactly_as_documented(phone, deps, demo):
    p = phone(DANA)
    assert "PIN" in say(p, "CANSEL LINE")
    p = phone(SAM)
    assert "did not cancel" in say(p, "CANCEL")  # a bare CANCEL is an opt-out (R16)


def test_block_with_words_instead_of_a_number_asks_for_the_number(phone, demo):
    p = phone(DANA)
    say(p, "BLOCK spam callers")
    assert "Which number" in say(p, "1234")


# Explainable, and never the words -------------------------------------------------------------
def test_the_log_line_has_what_was_understood_never_the_text(phone, demo, caplog):
    with caplog.at_level(logging.INFO, logger="switchboard.request"):
        say(phone(DANA), "cancel my line, my pin is 4321")
    lines = [r.getMessage() for r in caplog.records if r.name == "switchboard.request"]
    logged = " ".join(lines)
    assert "cancel_line" in logged and "runner_up" in logged and "score" in logged
    assert "4321" not in logged and "my pin" not in logged


@pytest.mark.parametrize("lang, words", [("en", WHICH), ("es", WHICH_ES)])
def test_the_question_fits_three_segments_for_any_two_offers_R19(lang, words):
    for a, b in itertools.permutations(words, 2):
        text = render("ask_which", {"options": [a, b]}, brand="Second Line", lang=lang)
        assert segments(text)[1] <= 3, text
    assert json.dumps(sorted(words)) == json.dumps(sorted(WHICH))  # the same offers in both
