"""Facts that were left out (issue 12, item 4), by text: what happens after a reactivation,
the new number shown before the yes and the area code asked for, the day a cancelled line
works until, one consistent App Store sentence, and no STOP PLAN hint Apple's plans can't use."""

from __future__ import annotations

from sqlalchemy import delete

from core.formatting import day
from core.models import AvailableNumber
from core.phone import display
from tests.helpers import line, plan

SAM, PAT, CHRIS, ALEX = "+15557770003", "+15557770004", "+15557770005", "+15557770002"


def verified(phone, number, pin):
    p = phone(number)
    p.text("PLANS")
    assert p.text(pin).startswith("PIN OK.")
    return p


def test_reactivation_says_the_plan_renews_again_and_when_R12(phone, deps, demo):
    ends = day(plan(deps, "pat", "Unlimited Monthly").term_end)
    p = verified(phone, PAT, "9999")
    confirm = p.text("REACTIVATE")
    assert f"It renews {ends}." in confirm and "YES" in confirm
    done = p.text("YES")
    assert done.startswith(f"Done: line (555) 010-0004 is active again. It renews {ends}.")
    assert line(deps, "pat").status == "active"
    assert plan(deps, "pat", "Unlimited Monthly").auto_renew is True  # R12: reactivating restores renewal


def test_change_number_shows_the_new_number_before_the_yes_and_gives_that_one(phone, deps, demo):
    p = verified(phone, SAM, "1357")
    confirm = p.text("CHANGE NUMBER")
    assert "Change number (555) 010-0003 to (555) 010-0900?" in confirm
    assert line(deps, "sam").number == "+15550100003"  # nothing before the yes
    assert p.text("YES").startswith("Done: your new number is (555) 010-0900")
    assert line(deps, "sam").number == "+15550100900"


def test_change_number_takes_the_area_code_asked_for(phone, deps, demo):
    p = verified(phone, SAM, "1357")
    assert "to (212) 555-0190?" in p.text("CHANGE NUMBER 212")
    p.text("YES")
    assert line(deps, "sam").number == "+12125550190"


def test_an_area_code_with_no_free_number_is_said_with_the_ones_there_are(phone, deps, demo):
    """Only what was asked is offered (issue 21): no number of another area code "for good"."""
    p = verified(phone, SAM, "1357")
    reply = p.text("change number 999")
    assert reply.startswith("No numbers are free in area code 999. Nothing changed. Free area codes: 212, 310 and 555.")
    assert "AGENT" in reply and "YES" not in reply


def test_an_area_code_with_no_free_number_is_said_with_the_ones_there_are_in_spanish_R20(phone, deps, demo):
    p = phone(SAM)
    p.text("CAMBIAR NUMERO 999")
    reply = p.text("1357")
    assert "No hay números libres con el código de área 999" in reply, reply
    assert "Códigos libres: 212, 310 y 555." in reply and "SÍ" not in reply, reply


def test_spanish_change_number_with_an_area_code_R20(phone, deps, demo):
    p = phone(SAM)
    p.text("PLANES")
    p.text("1357")
    assert "por el (310) 555-0191?" in p.text("CAMBIAR NUMERO 310")


def test_a_number_taken_between_the_offer_and_the_yes_is_never_swapped_for_another(phone, deps, demo):
    p = verified(phone, SAM, "1357")
    p.text("CHANGE NUMBER")
    with deps.db.begin() as s:  # another line got it meanwhile
        s.execute(delete(AvailableNumber).where(AvailableNumber.number == "+15550100900"))
    reply = p.text("YES")
    assert "just taken" in reply and "Nothing changed" in reply
    assert line(deps, "sam").number == "+15550100003"


def test_already_cancelled_and_not_active_say_the_day_the_line_works_until(phone, deps, demo):
    ends = day(plan(deps, "chrisw", "Unlimited Monthly").term_end)
    p = verified(phone, CHRIS, "8642")
    assert p.text("CANCEL LINE").startswith(f"Line (555) 010-0005 is already cancelled and works until {ends}.")
    assert p.text("CHANGE NUMBER") == (f"Line (555) 010-0005 is cancelled and works until {ends}, so that can't "
                                       "be done. Reply AGENT for a person.")  # issue 22: a way on
    assert f"It works until {ends}" in p.text("REACTIVATE")  # R12 refused, with its date


def test_a_suspended_line_is_told_how_to_go_on(phone, deps, demo):
    p = verified(phone, PAT, "9999")
    assert p.text("CHANGE NUMBER") == ("Line (555) 010-0004 is suspended, so that can't be done. Text REACTIVATE "
                                       "to turn it back on.")


def test_plans_of_a_line_all_from_the_app_store_dont_suggest_stop_plan_R6(phone, deps, demo):
    p = verified(phone, ALEX, "2468")
    reply = p.text("PLANS")
    assert "STOP PLAN" not in reply and "App Store plans stop only in your Apple account" in reply
    dana = verified(phone, "+15557770001", "1234")
    assert "To stop one: STOP PLAN name" in dana.text("PLANS")  # portal plans keep the hint
    assert display("+15550100002") in reply


def test_a_cancelled_line_whose_number_plan_is_apples_is_still_released_at_its_term_end_R3(phone, deps, demo,
                                                                                            clock):
    import datetime as dt

    from core import services
    from core.models import Plan

    with deps.db.begin() as s:  # the App Store add-on no longer renews: the line itself can go
        s.get(Plan, plan(deps, "alexk", "Call Recording").id).auto_renew = False
    p = verified(phone, ALEX, "2468")
    p.text("CANCEL LINE")
    confirm = p.text("SKIP")
    ends = plan(deps, "alexk", "Unlimited Annual").term_end
    assert f"It works until {day(ends)}, then the number is released" in confirm
    p.text("YES")
    assert line(deps, "alexk").status == "cancel_pending"
    services.run_due(deps.db, now=dt.datetime.combine(ends + dt.timedelta(days=1), dt.time(1), dt.timezone.utc))
    assert line(deps, "alexk").status == "released"  # as promised, though Apple's plan was still billed
