"""What callers say, understood (issue 11): whole calls through the call simulator (``say …``
sends SpeechResult with Twilio's Confidence) in English and Spanish. The journeys reached from
speech, the safety rules, the clarifying question, speech the recogniser was unsure of, and
the <Gather> hints per step and language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from core.models import BlockedNumber, Escalation
from ivr.render import speech_hints
from tests.helpers import count, line, plan
from vocabulary import understand

DANA, SAM, PAT = "+15557770001", "+15557770003", "+15557770004"


def gathers(t) -> list[ET.Element]:
    return [g for xml in t.transport.answers for g in ET.fromstring(xml).iter("Gather")]


def test_i_want_to_cancel_my_number_please_by_voice_R3_R10(call, deps, demo):
    t = call(SAM, ["say hi I want to cancel my number please", "1357#", "9", "1", "hangup"])
    assert "can't be undone" in t.said()
    assert line(deps, "sam").status == "cancel_pending"


def test_the_journey_waits_for_the_explicit_yes_R18(call, deps, demo):
    call(SAM, ["say cancel my line", "1357#", "9", "hangup"])
    assert line(deps, "sam").status == "active"


def test_a_named_add_on_is_proposed_by_voice_R5(call, deps, demo):
    t = call(DANA, ["say please stop my text archive add on", "1234#", "1", "hangup"])
    assert "Cancel Text Archive?" in t.said()
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert plan(deps, "dana", "Call Recording").auto_renew is True


@pytest.mark.parametrize("said, heard", [
    ("say my phone doesn't ring when people call me", "do not disturb is off"),
    ("say my calls keep dropping", "use the voice network, not data"),
])
def test_troubleshooting_is_reached_directly_by_voice_R11(call, deps, demo, said, heard):
    t = call(DANA, [said, "hangup"])
    assert heard in t.said() and "PIN" not in t.said()
    assert line(deps, "dana").status == "active"


def test_spam_calls_lead_to_blocking_a_number_by_voice_R11(call, deps, demo):
    t = call(DANA, ["say I keep getting spam calls", "1234#", "5559990123#", "1", "hangup"])
    assert "Done." in t.said()
    assert count(deps, BlockedNumber, BlockedNumber.number == "+15559990123") == 1


def test_money_back_and_a_real_person_by_voice_R1_R15(call, deps, demo):
    t = call(SAM, ["say I want my money back", "hangup"])
    assert "refund" in t.said().lower()
    t = call(SAM, ["say let me talk to a real person", "answer"])
    assert "dial" in t.kinds() and count(deps, Escalation) == 1


def test_spanish_speech_reaches_its_journeys_R20(call, deps, demo):
    t = call(SAM, ["9", "say quiero cancelar mi línea", "1357#", "9", "1", "hangup"])
    assert "irreversible" in t.said().lower()
    assert line(deps, "sam").status == "cancel_pending"
    t = call(DANA, ["9", "say mi teléfono no suena cuando me llaman", "hangup"])
    assert "No molestar" in t.said()


def test_deactivate_is_never_heard_as_reactivate(call, deps, demo):
    t = call(PAT, ["say deactivate my line", "9999#", "hangup"])
    assert "reactivate your line" not in t.said()
    assert line(deps, "pat").status == "suspended"


def test_a_vague_cancel_asks_plan_or_line_and_the_answer_decides(call, deps, demo):
    t = call(SAM, ["say I wanna cancel", "say the whole line", "1357#", "9", "1", "hangup"])
    assert "To cancel the whole line, press 2 or say line" in t.said()
    assert line(deps, "sam").status == "cancel_pending"


def test_below_the_threshold_one_question_offers_the_two_likeliest(call, deps, demo, monkeypatch):
    monkeypatch.setattr(understand, "ROUTE", 1.0)
    monkeypatch.setattr(understand, "ROUTE_CHANGE", 1.0)
    t = call(SAM, ["say I want my money back", "say one", "hangup"])
    said = t.said()
    assert "Did you want to hear our refund policy? Press 1 or say one." in said
    assert "no refunds" in said.lower() or "refund" in said.split("Press 1 or say one.")[-1].lower()
    which = [g for g in gathers(t) if "expect=which" in (g.get("action") or "")]
    assert which and "the whole line" in which[0].get("hints")


def test_two_unclear_answers_to_the_question_transfer_to_a_person_R15(call, deps, demo, monkeypatch):
    monkeypatch.setattr(understand, "ROUTE", 1.0)
    monkeypatch.setattr(understand, "ROUTE_CHANGE", 1.0)
    t = call(SAM, ["say I want my money back", "say purple", "say banana", "answer"])
    assert "dial" in t.kinds()
    assert "couldn't understand them" in " ".join(t.text("whisper"))


def test_unsure_speech_is_asked_again_then_keys_are_offered_and_never_acted_on(call, deps, demo):
    t = call(SAM, ["say cancel my line", "1357#", "9", "say@0.2 yes", "say@0.3 yes", "2", "hangup"])
    said = t.said()
    assert "Sorry, I didn't catch that." in said
    assert "Please use your keypad." in said
    assert line(deps, "sam").status == "active"  # the unsure yeses confirmed nothing (R18); 2 kept it


def test_unsure_speech_at_the_menu_is_asked_again_and_a_third_goes_to_a_person_R15(call, deps, demo):
    t = call(SAM, ["say@0.1 cancel my line", "say@0.2 cancel my line", "say@0.1 cancel", "answer"])
    said = t.said()
    assert "Sorry, I didn't get that." in said and "Please use your keypad." in said
    assert "enter your line's PIN" not in said and "dial" in t.kinds()


def test_confident_or_unscored_speech_is_acted_on(call, deps, demo):
    t = call(SAM, ["say@0.95 cancel my line", "hangup"])
    assert "PIN" in t.said()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_speech_step_has_hints_in_its_language(lang):
    from ivr.render import GATHER

    for expect, settings in GATHER.items():
        if "speech" in settings["input"]:
            assert speech_hints(lang).get(expect), (lang, expect)
    assert speech_hints(lang)["menu"] and speech_hints(lang)["which"]


def test_the_spanish_call_gathers_with_spanish_hints_R20(call, demo):
    t = call(DANA, ["9", "hangup"])
    spanish = [g for g in gathers(t)[1:] if "speech" in g.get("input", "")]
    assert spanish and all(g.get("language") == "es-US" and "cancelar" in g.get("hints") for g in spanish)
