"""Issue 21's observations by phone, English and Spanish: every step hears every act (a
forgotten PIN said in words, a question, "never mind", a person, a goodbye that hangs up), a
yes with courtesy words (R18), and the caller's language heard at any step (R20)."""

from __future__ import annotations

from core.models import Escalation
from tests.helpers import count, line, plan

DANA, SAM = "+15557770001", "+15557770003"


def _answers(t) -> str:
    return " ".join(t.transport.answers)


def test_a_forgotten_pin_said_at_the_pin_prompt_offers_a_code_never_a_wrong_pin_R21(call, deps, demo):
    t = call(DANA, ["say cancel my line", "say I forgot my PIN", "hangup"])
    said = t.said()
    assert "one-time code" in said and "4 to 8 digits" not in said


def test_olvide_mi_pin_said_in_a_spanish_call_offers_a_code_R21(call, deps, demo):
    t = call(DANA, ["9", "say cancelar mi línea", "say olvidé mi PIN", "hangup"])
    assert "código de un solo uso" in t.said() and "de 4 a 8 dígitos" not in t.said()


def test_the_last_try_warning_is_never_said_with_a_transfer_R21(call, deps, demo):
    t = call(DANA, ["say cancel my line", "0000#", "0000#", "0000#", "0000#", "hangup"])
    for xml in t.transport.answers:
        assert not ("Press 8" in xml and "<Dial" in xml), xml


def test_a_question_at_the_pin_prompt_is_not_a_wrong_pin_R24(call, deps, demo):
    t = call(SAM, ["say cancel my line", "say how do I cancel", "1357#", "hangup"])
    said = t.said()
    assert "4 to 8 digits" not in said and "couldn't verify" not in said
    assert line(deps, "sam").status == "active"


def test_never_mind_at_the_block_number_step_ends_the_request(call, deps, demo):
    t = call(DANA, ["say block a number", "1234#", "say never mind", "hangup"])
    said = t.said()
    assert "nothing was changed" in said
    assert said.count("number to block") == 1


def test_a_person_asked_for_in_spanish_at_a_step_is_a_person_R15(call, deps, demo):
    before = count(deps, Escalation)
    call(DANA, ["9", "say bloquear un número", "1234#", "say quiero hablar con una persona", "answer"])
    assert count(deps, Escalation) == before + 1


def test_a_goodbye_at_a_step_says_goodbye_and_hangs_up(call, deps, demo):
    t = call(DANA, ["say cancel my line", "say no thanks goodbye"])
    assert "Goodbye" in t.said()
    assert "<Hangup" in t.transport.answers[-1]


def test_a_yes_with_courtesy_words_confirms_by_voice_R18(call, deps, demo):
    call(DANA, ["say stop my text archive add on", "1234#", "say yes please", "hangup"])
    assert plan(deps, "dana", "Text Archive").auto_renew is False


def test_mejor_no_at_a_spanish_confirmation_ends_it_at_once_R18(call, deps, demo):
    t = call(DANA, ["9", "say cancela mi text archive", "1234#", "say mejor no", "hangup"])
    said = t.said()
    assert "no se cambió nada" in said and said.count("¿Cancelar Text Archive?") == 1
    assert plan(deps, "dana", "Text Archive").auto_renew is True


def test_spanish_speech_at_the_greeting_switches_the_call_to_spanish_R20(call, deps, demo):
    t = call(SAM, ["say quiero cancelar mi plan", "hangup"])
    answers = _answers(t)
    assert 'language="es-US"' in t.transport.answers[-1]
    assert "seguimos en español" in t.said()
    assert "PIN" in t.said().split("seguimos en español", 1)[1] or "plan" in answers


def test_no_hablo_ingles_at_the_greeting_switches_to_spanish_R20(call, deps, demo):
    t = call(SAM, ["say perdón, no hablo inglés", "hangup"])
    assert 'language="es-US"' in t.transport.answers[-1]
    assert "Sorry, I didn't get that" not in t.said()


def test_spanish_speech_at_the_pin_prompt_switches_the_call_R20(call, deps, demo):
    t = call(SAM, ["say cancel my line", "say ayuda, en español por favor", "hangup"])
    assert 'language="es-US"' in t.transport.answers[-1] and "PIN" in t.said()


def test_in_english_please_switches_a_spanish_call_back_R20(call, deps, demo):
    t = call(SAM, ["9", "say cancelar mi línea", "say in English please", "hangup"])
    assert 'language="en-US"' in t.transport.answers[-1]
    assert "PIN" in t.said().split("English", 1)[-1]
