"""Whole calls through the simulator on the real stack: every journey by voice."""

from __future__ import annotations

from sqlalchemy import select

from core.models import AuditEvent, BlockedNumber, Escalation, OutboundText
from tests.helpers import count, line, plan

DANA, ALEX, SAM, ADMIN, MARIA, PAT, CHRIS = (
    "+15557770001", "+15557770002", "+15557770003", "+15557770010", "+15557770011",
    "+15557770004", "+15557770005")


def test_cancel_a_portal_plan_by_keypad_R2_R5(call, deps, demo):
    t = call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    said = t.said()
    assert "Which plan? For Unlimited Monthly, press 1. For Text Archive, press 2" in said
    assert "Cancel Text Archive? It stops renewing and works until Dec 15, 2026. No refund." in said
    assert "To confirm, press 1. If not, press 2." in said
    assert "Done. Text Archive will not renew" in said
    assert plan(deps, "dana", "Text Archive").auto_renew is False


def test_speech_and_keypad_make_the_same_choice(call, deps, demo):
    t = call(DANA, ["say I want to cancel a plan", "1234#", "say text archive", "say yes", "hangup"])
    assert "Done. Text Archive will not renew" in t.said()
    assert plan(deps, "dana", "Text Archive").auto_renew is False


def test_cancel_the_line_with_add_ons_cancels_them_first_R3_R4(call, deps, demo):
    t = call(DANA, ["1", "2", "1234#", "1", "1", "1", "hangup"])
    said = t.said()
    assert "Add-ons must be cancelled before the line: Text Archive and Call Recording" in said
    assert "it can't be undone" in said
    assert line(deps, "dana").status == "cancel_pending"
    assert count(deps, OutboundText) == 1  # one receipt for the call, covering each change (R17)


def test_cancel_a_line_without_add_ons_offers_one_fix_that_can_be_skipped_R11(call, deps, demo):
    t = call(SAM, ["say cancel my line", "1357#", "4", "9", "1", "hangup"])
    said = t.said()
    assert "Don't like your number, 4." in said
    assert "If you don't like your number, we can change it. To do that, press 1" in said
    assert "Your line ending 0 0 0 3 is cancelled" in said
    assert line(deps, "sam").status == "cancel_pending"


def test_saying_cancel_skips_the_offer_R11(call, deps, demo):
    t = call(SAM, ["1", "2", "1357#", "say cancel", "1", "hangup"])
    assert "is cancelled" in t.said()


def test_an_app_store_plan_is_refused_with_apples_steps_R6(call, deps, demo):
    t = call(ALEX, ["1", "1", "2468#", "2", "hangup"])
    assert "bought in the App Store. Only you can cancel it, in your Apple account" in t.said()
    assert plan(deps, "alexk", "Call Recording").auto_renew is True


def test_an_app_store_add_on_blocks_cancel_line_R4_R6(call, deps, demo):
    t = call(ALEX, ["1", "2", "2468#", "hangup"])
    assert "Call Recording must stop renewing" in t.said() and "Subscriptions" in t.said()
    assert line(deps, "alexk").status == "active"


def test_the_admin_cancels_a_users_line_R7(call, deps, demo):
    t = call(ADMIN, ["1", "2", "482913#", "0012", "9", "1", "hangup"])
    assert "Which line? Enter its last 4 digits, or say its user's name." in t.said()
    assert "Your line ending 0 0 1 2 is cancelled" in t.said()
    assert line(deps, "lee").status == "cancel_pending"


def test_reactivation_allowed_and_refused_R12(call, deps, demo):
    t = call(PAT, ["4", "1", "9999#", "1", "hangup"])
    assert "is active again" in t.said() and line(deps, "pat").status == "active"
    t = call(CHRIS, ["4", "1", "8642#", "hangup"])
    assert "A line cancelled by its user can't be reactivated" in t.said()


def test_change_number(call, deps, demo):
    t = call(SAM, ["4", "2", "1357#", "1", "hangup"])
    assert "Your new number is 5 5 5, 0 1 0, 0 9 0 0" in t.said()
    assert line(deps, "sam").number == "+15550100900"


def test_block_and_unblock(call, deps, demo):
    t = call(SAM, ["4", "3", "1357#", "5559994321#", "1", "1", "4", "4", "5559994321#", "1", "hangup"])
    said = t.said()
    assert "You asked to block 5 5 5, 9 9 9, 4 3 2 1" in said and "is blocked" in said
    assert "is unblocked" in said
    assert count(deps, BlockedNumber, BlockedNumber.number == "+15559994321") == 0
    assert count(deps, AuditEvent, AuditEvent.action == "block_number", AuditEvent.outcome == "applied") == 1


def test_refund_policy_then_the_callers_term_dates_R1(call, deps, demo):
    t = call(DANA, ["2", "1234#", "hangup"])
    said = t.said()
    assert "There are no refunds of any kind" in said
    assert "Text Archive until Dec 15, 2026" in said


def test_a_caller_from_another_phone_keys_the_line_number_then_the_pin_R8(call, deps, demo):
    t = call("+15550000999", ["1", "1", "5550100003#", "1357#", "1", "hangup"])
    said = t.said()
    assert "Calling from another phone? First enter your line's 10 digit number" in said
    assert "Now enter that line's PIN" in said and "Done. Your number plan Basic Monthly will not renew" in said


def test_five_wrong_pins_lock_and_transfer_R9(call, deps, demo):
    t = call(SAM, ["1", "1", "0000#", "0001#", "hangup"])
    t = call(SAM, ["1", "1", "0002#", "0003#", "0004#", "answer"])
    assert "locked for 15 minutes" in t.said()
    assert "dial" in t.kinds()
    assert count(deps, AuditEvent, AuditEvent.action == "pin_lock") == 1
    assert count(deps, Escalation, Escalation.reason == "pin_locked") == 1


def test_three_no_inputs_transfer_to_a_person_with_the_context_R15(call, deps, demo):
    t = call(DANA, ["1", "1", "1234#", "-", "-", "-", "answer"])
    assert "dial" in t.kinds() and t.text("dial") == ["+15550109999"]
    whisper = " ".join(t.text("whisper"))
    assert "PIN verified for line ending 0 0 0 1" in whisper
    assert "They wanted to cancel a plan" in whisper and "couldn't understand" in whisper
    assert "_" not in whisper and "Caller speaks English" in whisper
    with deps.db() as s:
        esc = s.execute(select(Escalation)).scalar_one()
    assert (esc.reason, esc.outcome, esc.verified) == ("failed_inputs", "connected", True)


def test_zero_reaches_a_person_from_the_menu(call, deps, demo):
    t = call(DANA, ["0", "answer"])
    assert "PIN not verified" in " ".join(t.text("whisper"))


def test_a_busy_agent_means_a_voicemail_and_a_kept_request(call, deps, demo):
    t = call(DANA, ["say agent", "busy", "record"])
    assert "no one could take your call" in t.said() and "record" in t.kinds()
    assert "Your message is saved" in t.said()
    with deps.db() as s:
        esc = s.execute(select(Escalation)).scalar_one()
    assert esc.outcome == "voicemail" and esc.recording_url.startswith("https://")
    assert count(deps, AuditEvent, AuditEvent.action == "escalation") == 3  # requested, busy, voicemail


def test_without_a_support_number_callers_can_leave_a_message(make_app, settings, clock, demo, call):
    app = make_app(support_number=None)
    t = call(DANA, ["0", "-"], apps=[app])
    assert "No one can take your call right now" in t.said() and "dial" not in t.kinds()


def test_outside_support_hours_callers_can_leave_a_message(make_app, settings, clock, demo, call):
    app = make_app(support_hours="mon-fri 09:00-10:00 UTC")  # 15:00 now
    t = call(DANA, ["0", "record"], apps=[app])
    assert "dial" not in t.kinds() and "record" in t.kinds()


def test_an_agent_hands_a_caller_to_self_service_for_one_line_R7(call, deps, demo):
    t = call("+15559876543", ["1357#", "1", "2", "9", "1", "hangup"], path="/voice/handoff",
             extra={"line": "sam"})
    said = t.said()
    assert "You can cancel or change your line here yourself" in said
    assert "is cancelled" in said
    assert line(deps, "sam").status == "cancel_pending"


def test_star_repeats_the_last_prompt(call, deps, demo):
    t = call(DANA, ["1", "1", "1234#", "*", "hangup"])
    assert t.said().count("Which plan?") == 2


def test_a_call_alternating_between_two_server_processes_completes(make_app, settings, clock, demo, deps, app, call):
    other = make_app()
    t = call(DANA, ["1", "1", "1234#", "2", "1", "hangup"], apps=[app, other])
    assert t.transport.turn >= 5
    assert "Done. Text Archive will not renew" in t.said()


def test_a_retried_confirmation_applies_once_R13(call, deps, demo):
    t = call(DANA, ["1", "1", "1234#", "2", "hangup"])
    sim = t.sim
    form = {"Digits": "1"}
    from ivr.simulate import call_form

    for _ in range(2):
        status, _body = sim.t.post("/voice/input?expect=confirm", call_form(sim.sid, DANA, "+15550109000", **form))
        assert status == 200
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied") == 1


def test_a_pin_keyed_again_at_the_confirmation_confirms_nothing_R18(call, deps, demo):
    """Observed: "1357#" at "To confirm, press 1" cancelled the line (the <Gather> took one digit)."""
    t = call(DANA, ["1", "1", "1234#", "2", "1234#", "hangup"])
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    confirm = [xml for xml in t.transport.answers if "expect=confirm" in xml]
    assert confirm and all('numDigits="1"' not in xml for xml in confirm)  # the whole sequence arrives
    t = call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    assert plan(deps, "dana", "Text Archive").auto_renew is False  # the key on its own still does
