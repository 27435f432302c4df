"""Issue 12 by phone, through the call simulator (its <Gather> keeps keys to # or a pause, as
Twilio does): a forgotten PIN (item 3, R9, R21) and the facts that were left out (item 4), in
English and Spanish."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.formatting import day
from core.models import AuditEvent, OutboundText
from ivr.simulate import CallSimulator, SimulationError
from tests.clients import CheckedTransport
from tests.helpers import line, plan

DANA, DANA_LINE, SAM, PAT, CHRIS = "+15557770001", "+15550100001", "+15557770003", "+15557770004", "+15557770005"


def codes_to(deps, number: str) -> list[str]:
    with deps.db() as s:
        bodies = s.execute(select(OutboundText.body).where(OutboundText.to_number == number)
                           .order_by(OutboundText.id)).scalars().all()
    return [m.group(1) for b in bodies if (m := re.search(r"\b(\d{6})\b", b))]


def dial(app, caller: str, answers: list):
    """A call whose answers may be worked out as it goes (a callable: the code just texted)."""
    queue = list(answers)

    def answer(_what: str) -> str:
        if not queue:
            raise SimulationError("the script ran out of answers")
        nxt = queue.pop(0)
        return nxt() if callable(nxt) else nxt
    return CallSimulator(CheckedTransport([app]), caller, "+15550109000", answer).run("/voice")


def test_the_try_before_the_lock_warns_and_offers_a_code_or_a_person_by_phone_R9_R21(call, demo):
    # Three unusable answers in a row hand a call to a person (R15); the count goes on (R9).
    first = call(DANA, ["2", "1111#", "1111#", "1111#", "hangup", "hangup"]).said()
    assert "One more wrong try" not in first
    said = call(DANA, ["2", "1111#", "hangup"]).said()
    assert said.count("One more wrong try locks PIN entry for 15 minutes") == 1
    assert said.count("Press 8, then pound, for a code.") == 1 and "For a person, press 0." in said  # issue 22


def test_a_forgotten_pin_by_phone_gets_a_code_texted_to_the_lines_own_number_R21(app, deps, demo):
    # Refunds (2) ask for the PIN to read the caller's own dates; 8# asks for a code instead.
    t = dial(app, DANA, ["2", "8#", "5550100001#", lambda: codes_to(deps, DANA_LINE)[0] + "#", "hangup"])
    said = t.said()
    assert "Enter that line's full number, then press pound" in said
    assert "If the number ending 0 0 0 1 is one of our lines, we've texted it a 6 digit code" in said
    assert "Thank you." in said and "Your terms" in said  # verified: the request went on
    assert codes_to(deps, DANA) == []  # never to the phone calling
    with deps.db() as s:
        verified = s.execute(select(AuditEvent).where(AuditEvent.action == "pin_verified")).scalars().all()
    assert [e.details.get("method") for e in verified] == ["one_time_code"]


def test_a_wrong_code_by_phone_counts_like_a_pin_R9_R21(call, deps, demo):
    said = call(DANA, ["2", "8#", "5550100001#", "000000#", "12#", "hangup"]).said()
    assert "We couldn't verify that code" in said and "A code is 6 digits" in said


def test_spanish_forgotten_pin_by_phone_R20_R21(app, deps, demo):
    t = dial(app, DANA, ["9", "2", "8#", "5550100001#", lambda: codes_to(deps, DANA_LINE)[0] + "#", "hangup"])
    said = t.said()
    assert "Marca el número completo de esa línea" in said and "código de 6 dígitos" in said
    assert "Gracias." in said
    with deps.db() as s:
        body = s.execute(select(OutboundText.body).where(OutboundText.to_number == DANA_LINE)).scalar_one()
    assert "tu código de un solo uso" in body


def test_reactivation_by_phone_says_what_happens_next(call, deps, demo):
    ends = day(plan(deps, "pat", "Unlimited Monthly").term_end)
    said = call(PAT, ["4", "1", "9999#", "1", "hangup"]).said()
    assert f"You asked to reactivate your line ending 0 0 0 4. Its plan renews {ends}." in said
    assert f"is active again. Its plan renews {ends}." in said
    assert line(deps, "pat").status == "active"


def test_change_number_by_phone_reads_the_new_number_before_the_confirmation(call, deps, demo):
    t = call(SAM, ["4", "2", "1357#", "1", "hangup"])
    said = t.said()
    before = said.index("Change your number to 5 5 5, 0 1 0, 0 9 0 0?")
    assert before < said.index("To confirm, press 1")
    assert line(deps, "sam").number == "+15550100900"


def test_already_cancelled_by_phone_names_the_day_R13(call, deps, demo):
    ends = day(plan(deps, "chrisw", "Unlimited Monthly").term_end)
    said = call(CHRIS, ["1", "2", "8642#", "hangup"]).said()
    assert f"Your line ending 0 0 0 5 is already cancelled and works until {ends}. Nothing changed." in said


def test_spanish_not_active_by_phone_names_the_day_and_the_way_on(call, deps, demo):
    ends = day(plan(deps, "chrisw", "Unlimited Monthly").term_end, "es")
    said = call(CHRIS, ["9", "4", "2", "8642#", "hangup"]).said()
    assert f"está cancelada y funciona hasta el {ends}, así que eso no se puede hacer" in said


def test_a_caller_who_forgot_the_pin_hears_of_the_code_at_the_first_wrong_one(call, demo):
    said = call(DANA, ["2", "1111#", "hangup"]).said()
    assert "We couldn't verify that PIN. Forgot it? Press 8, then pound, for a code." in said


def test_the_lines_number_for_a_code_is_asked_without_asking_for_the_pin_again(call, demo):
    t = call(DANA, ["2", "8#", "hangup"])
    last = t.transport.answers[-1]
    assert "Enter that line's full number" in last and "enter your line's PIN" not in last
