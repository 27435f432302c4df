"""R20 by phone: Spanish offered in Spanish at the greeting (9 or "español"); from then on
every <Say> and <Gather> of the call is es-US (but "For English, press 9", said once in English),
the journeys speak Spanish, and the agent's whisper says the caller speaks Spanish."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from core.models import OutboundText
from ivr.prompts import OFFER_ENGLISH
from tests.helpers import count, line, plan

DANA, SAM, ALEX = "+15557770001", "+15557770003", "+15557770002"


def languages(transcript) -> list[str | None]:
    """The language of every <Say> and <Gather> after the first answer (the greeting's choice),
    but the one way back, said in English ("For English, press 9")."""
    found = []
    for xml in transcript.transport.answers[1:]:
        for node in ET.fromstring(xml).iter():
            if node.tag in ("Say", "Gather") and node.text != OFFER_ENGLISH:
                found.append(node.get("language"))
    return found


def test_the_greeting_offers_spanish_in_spanish_before_the_english_menu_R20(call, demo):
    t = call(DANA, ["hangup"])
    root = ET.fromstring(t.transport.answers[0])
    says = [(s.get("language"), s.text) for s in root.iter("Say")]
    spanish = next(i for i, (lang, text) in enumerate(says) if lang == "es-US")
    assert "español" in says[spanish][1] and "9" in says[spanish][1]
    assert any(lang == "en-US" and "press 1" in text for lang, text in says[spanish + 1:])


def test_pressing_9_speaks_spanish_for_the_rest_of_the_call_and_cancels_a_plan_R2_R20(call, deps, demo):
    t = call(DANA, ["9", "1", "1", "1234#", "2", "1", "hangup"])
    said = t.said()
    assert "reembolso" in said.lower()
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert set(languages(t)) == {"es-US"}
    assert count(deps, OutboundText) == 1


def test_saying_espanol_works_too_R20(call, demo):
    t = call(SAM, ["say español", "hangup"])
    assert set(languages(t)) == {"es-US"}


def test_an_app_store_plan_is_refused_with_apples_steps_in_spanish_R6_R20(call, deps, demo):
    t = call(ALEX, ["9", "1", "1", "2468#", "2", "hangup"])
    assert "Apple" in t.said() and plan(deps, "alexk", "Call Recording").auto_renew is True
    assert set(languages(t)) == {"es-US"}


def test_the_whisper_tells_the_agent_the_caller_chose_spanish_R15_R20(call, demo):
    t = call(SAM, ["9", "0", "answer"])
    assert "Caller speaks Spanish" in " ".join(t.text("whisper"))


def test_a_spanish_line_cancellation_by_phone_R3_R20(call, deps, demo):
    t = call(SAM, ["9", "1", "2", "1357#", "9", "1", "hangup"])
    assert "irreversible" in t.said().lower()
    assert line(deps, "sam").status == "cancel_pending"
