"""Apple's steps by text (issue 12, item 4): after reading how to cancel an App Store
subscription, a call offers to text the steps to the line's own number, only when a text can
be sent there (not opted out, R16); what it says is what happened; the text goes through the
outbox once, however often it is asked for (a repeated keypress, Twilio retrying)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from core.models import AuditEvent, OutboundText, Plan, TextOptOut
from ivr.simulate import call_form
from tests.helpers import count, line

ALEX, DANA = "+15557770002", "+15557770001"
OFFER = "We can text these steps to the number ending 0 0 0 2. To get them, press 1 or say yes."


def steps_texts(deps) -> list[OutboundText]:
    with deps.db() as s:
        return list(s.execute(select(OutboundText).where(OutboundText.body.contains("App Store"))).scalars())


@pytest.mark.parametrize("answer", ["1", "say yes"])
def test_a_refused_app_store_add_on_offers_the_steps_by_text_and_sends_them_once_R6(call, deps, demo, answer):
    t = call(ALEX, ["1", "2", "2468#", answer, "2"])
    said = t.said()
    assert "Only you can cancel it, in your Apple account" in said and OFFER in said
    assert "OK. We'll text the steps to the number ending 0 0 0 2." in said
    [text] = steps_texts(deps)
    assert text.to_number == line(deps, "alexk").number == "+15550100002"  # the line's own number
    assert text.request_id == t.sim.sid and "Subscriptions" in text.body and text.body.startswith("Second Line:")
    assert count(deps, AuditEvent, AuditEvent.action == "text_instruction", AuditEvent.outcome == "queued") == 1

    # Twilio retrying the keypress, or the caller asking again: nothing more is queued.
    again = t.sim.t.post("/voice/menu?m=steps", call_form(t.sim.sid, ALEX, "+15550109000", Digits="1"))
    assert again[0] == 200 and "The steps were already texted to the number ending 0 0 0 2." in again[1]
    assert len(steps_texts(deps)) == 1


def test_declining_the_offer_texts_nothing_and_goes_on(call, deps, demo):
    t = call(ALEX, ["1", "1", "2468#", "2", "2", "2"])  # Call Recording: an App Store plan, refused (R6)
    assert OFFER in t.said() and "Anything else?" in t.said() and steps_texts(deps) == []


def test_no_offer_when_the_line_opted_out_of_texts_R16(call, deps, demo, clock):
    with deps.db.begin() as s:
        s.add(TextOptOut(number="+15550100002", opted_out_at=clock()))
    t = call(ALEX, ["1", "1", "2468#", "2", "2"])
    said = t.said()
    assert "Only you can cancel it, in your Apple account" in said
    assert "We can text" not in said and said.endswith("Thanks for calling. Goodbye.")
    assert steps_texts(deps) == []


def test_opted_out_between_the_offer_and_the_answer_is_said_truthfully_R16(call, deps, demo, clock):
    t = call(ALEX, ["1", "1", "2468#", "2", "hangup"])
    with deps.db.begin() as s:
        s.add(TextOptOut(number="+15550100002", opted_out_at=clock()))
    _, body = t.sim.t.post("/voice/menu?m=steps", call_form(t.sim.sid, ALEX, "+15550109000", Digits="1"))
    assert "That number has opted out of our texts, so we didn't send them." in body
    assert steps_texts(deps) == []


def test_after_cancelling_a_line_with_an_app_store_plan_the_steps_are_offered_in_spanish_R6_R20(call, deps, demo):
    with deps.db.begin() as s:  # the add-on already stops: the line can go, its App Store number plan with it
        s.execute(update(Plan).where(Plan.product == "Call Recording", Plan.line_id == line(deps, "alexk").id)
                  .values(auto_renew=False))
    t = call(ALEX, ["9", "1", "2", "2468#", "9", "1", "1", "2"])
    said = t.said()
    assert "Recuerda cancelar también en tu cuenta de Apple." in said
    assert "Podemos enviarte estos pasos por mensaje de texto al número que termina en 0 0 0 2." in said
    assert "Te enviaremos los pasos por mensaje de texto al número que termina en 0 0 0 2." in said
    [text] = steps_texts(deps)
    assert "Suscripciones" in text.body and line(deps, "alexk").status == "cancel_pending"
