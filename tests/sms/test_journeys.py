"""Every SMS journey through POST /sms, signed, with the state checked in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditEvent, AvailableNumber, BlockedNumber, Escalation, Plan, TextOptOut
from tests.helpers import count, line, plan

DANA, ALEX, SAM, ADMIN, MARIA, LEE, PAT, CHRIS = (
    "+15557770001", "+15557770002", "+15557770003", "+15557770010", "+15557770011",
    "+15557770012", "+15557770004", "+15557770005")


def verified(phone, number, pin):
    p = phone(number)
    assert "PIN" in p.text("PLANS")
    assert p.text(pin).startswith("PIN OK.")
    return p


def test_cancel_a_portal_plan_R2_R5(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    reply = p.text("stop plan TEXT ARCHIVE")
    assert "Cancel Text Archive" in reply and "No refund" in reply and "YES" in reply  # R10
    assert plan(deps, "dana", "Text Archive").auto_renew is True  # nothing before YES
    reply = p.text("yes")
    assert reply.startswith("Done: Text Archive won't renew. It works until Dec 15, 2026")  # R17
    archive = plan(deps, "dana", "Text Archive")
    assert archive.auto_renew is False and archive.ended is False  # R2: runs to its term end


def test_a_plan_name_with_a_typo_and_any_case_is_understood(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    assert "Cancel Call Recording" in p.text("Stop Plan call recordng")


def test_stop_plan_without_a_name_asks_which(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    reply = p.text("STOP PLAN")
    assert "Which plan? Reply 1 Unlimited Monthly, 2 Text Archive, 3 Call Recording" in reply
    assert "Cancel Call Recording" in p.text("3")
    assert p.text("YES").startswith("Done: Call Recording")
    assert plan(deps, "dana", "Call Recording").auto_renew is False


def test_cancel_line_without_add_ons_R3(phone, deps, demo):
    p = verified(phone, SAM, "1357")
    assert "why?" in p.text("CANCEL LINE")  # R11: one question, skippable
    reply = p.text("SKIP")
    assert "Cancel line (555) 010-0003?" in reply and "can't be undone" in reply and "No refund" in reply
    assert p.text("YES").startswith("Done: line (555) 010-0003 is cancelled. It works until Dec 6, 2026")
    sam = line(deps, "sam")
    assert (sam.status, sam.status_reason) == ("cancel_pending", "user")
    with deps.db() as s:
        assert all(not pl.auto_renew for pl in s.execute(select(Plan).where(Plan.line_id == sam.id)).scalars())
    assert "already cancelled" in p.text("CANCEL LINE")  # R13


def test_cancel_line_with_add_ons_cancels_them_first_then_the_line_R4(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    reply = p.text("CANCEL LINE")
    assert "First the add-ons: Text Archive and Call Recording" in reply
    assert "Cancel Text Archive" in reply
    reply = p.text("YES")
    assert "Done: Text Archive won't renew" in reply and "Cancel Call Recording" in reply
    reply = p.text("YES")
    assert "Done: Call Recording won't renew" in reply and "Cancel line (555) 010-0001?" in reply
    assert line(deps, "dana").status == "active"
    assert "is cancelled" in p.text("YES")
    assert line(deps, "dana").status == "cancel_pending"


def test_an_app_store_plan_is_refused_with_apples_steps_R6(phone, deps, demo):
    p = verified(phone, ALEX, "2468")
    reply = p.text("STOP PLAN call recording")
    assert "App Store" in reply and "https://support.apple.com/en-us/HT202039" in reply
    assert "Subscriptions" in reply
    assert plan(deps, "alexk", "Call Recording").auto_renew is True
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "refused") == 1


def test_an_app_store_add_on_blocks_cancel_line_R4_R6(phone, deps, demo):
    p = verified(phone, ALEX, "2468")
    reply = p.text("CANCEL LINE")
    assert "First cancel Call Recording in your Apple account" in reply
    assert "https://support.apple.com/en-us/HT202039" in reply
    assert line(deps, "alexk").status == "active"


def test_a_full_cancellation_with_app_store_plans_names_apples_additional_step_R6(phone, deps, demo, clock):
    p = verified(phone, ALEX, "2468")
    # Once the App Store add-on no longer renews, the line itself can go.
    with deps.db.begin() as s:
        s.get(Plan, plan(deps, "alexk", "Call Recording").id).auto_renew = False
    p.text("CANCEL LINE")
    reply = p.text("SKIP")
    # One consistent sentence (issue 12): our plans stop, Apple's keep billing; never "every plan stops".
    assert "Our plans stop; Apple keeps billing Unlimited Annual until you cancel in your Apple account" in reply
    assert "Every plan" not in reply
    done = p.text("YES")
    assert "our plans won't renew" in done and "Apple keeps billing Unlimited Annual" in done
    assert "support.apple.com" in done
    assert line(deps, "alexk").status == "cancel_pending"
    assert plan(deps, "alexk", "Unlimited Annual").auto_renew is True  # Apple's to stop (R6, R23): kept true


def test_the_admin_cancels_a_users_line_by_its_last_four_digits_R7(phone, deps, demo):
    p = phone(ADMIN)
    p.text("CANCEL LINE 0012")
    p.text("482913")
    p.text("SKIP")
    assert "Done: line (555) 010-0012 is cancelled" in p.text("YES")
    assert line(deps, "lee").status == "cancel_pending"
    with deps.db() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "cancel_line",
                                                   AuditEvent.outcome == "applied")).scalar_one()
    assert (event.actor, event.actor_id) == ("admin", "jdoe")


def test_a_user_cannot_cancel_a_colleagues_line_R7(phone, deps, demo):
    p = phone(MARIA)
    p.text("CANCEL LINE 0012")
    assert "only change your own line" in p.text("1111")
    assert line(deps, "lee").status == "active"


def test_an_admin_without_digits_is_asked_which_line(phone, deps, demo):
    p = verified(phone, ADMIN, "482913")
    assert "Which line? Reply its last 4 digits: 0010, 0011, 0012" in p.text("STOP PLAN")
    assert "Which plan?" in p.text("0011")


def test_reactivation_allowed_for_an_unpaid_line_R12(phone, deps, demo):
    p = verified(phone, PAT, "9999")
    assert "Reactivate line (555) 010-0004?" in p.text("REACTIVATE")
    assert "active again" in p.text("YES")
    assert line(deps, "pat").status == "active"


def test_reactivation_refused_for_a_line_its_user_cancelled_R12(phone, deps, demo):
    p = verified(phone, CHRIS, "8642")
    assert "can't be reactivated" in p.text("REACTIVATE")
    assert line(deps, "chrisw").status == "cancel_pending"


def test_change_number(phone, deps, demo):
    p = verified(phone, SAM, "1357")
    assert "given up for good" in p.text("CHANGE NUMBER")
    assert "your new number is (555) 010-0900 (was (555) 010-0003)" in p.text("YES")
    assert line(deps, "sam").number == "+15550100900"
    assert count(deps, AvailableNumber, AvailableNumber.number == "+15550100900") == 0


def test_block_and_unblock(phone, deps, demo):
    p = verified(phone, SAM, "1357")
    assert "Block (555) 999-1234" in p.text("BLOCK 555-999-1234")
    assert "is blocked" in p.text("Y")
    assert count(deps, BlockedNumber, BlockedNumber.number == "+15559991234") == 1
    assert "Emergency numbers can't be blocked" in p.text("BLOCK 911")
    assert "own number" in p.text("BLOCK +15557770003")
    assert "Short codes" in p.text("BLOCK 22395")
    assert "Unblock (555) 999-1234?" in p.text("unblock +1 555 999 1234")
    assert "unblocked" in p.text("yes")
    assert count(deps, BlockedNumber, BlockedNumber.number == "+15559991234") == 0


def test_block_asks_for_the_number_when_none_is_given(phone, deps, demo):
    p = verified(phone, SAM, "1357")
    assert "Which number should we block?" in p.text("BLOCK")
    assert "Block (555) 999-1234" in p.text("(555) 999-1234")


def test_refund_with_the_callers_term_dates_R1(phone, deps, demo):
    anonymous = phone("+15550000999").text("REFUND")
    assert "No refunds" in anonymous and "Dec" not in anonymous  # R8: nothing before a PIN
    p = verified(phone, DANA, "1234")
    reply = p.text("refund?")
    assert "No refunds" in reply and "Unlimited Monthly to Dec 15, 2026" in reply


def test_five_wrong_pins_lock_the_line_R9(phone, deps, demo):
    p = phone(SAM)
    p.text("PLANS")
    for _ in range(4):
        assert "couldn't verify" in p.text("0000")
    assert "locked for 15 min" in p.text("0001")
    # From another number and channel of the same line, the right PIN is refused too.
    other = phone("+15550100003")
    other.text("PLANS")
    assert "locked for 15 min" in other.text("1357")
    assert count(deps, AuditEvent, AuditEvent.action == "pin_lock") == 1


def test_an_unknown_sender_and_a_wrong_pin_read_the_same_R8(phone, deps, demo):
    stranger = phone("+15550000999")
    known = phone(SAM)
    assert stranger.text("CANCEL LINE") == known.text("CANCEL LINE")
    assert stranger.text("1357") == known.text("9753")


def test_a_pin_from_a_contact_of_several_lines_verifies_the_line_it_belongs_to_R8(phone, deps, demo):
    """Asked like anyone else (R8): the PIN itself says which of the sender's lines it is."""
    with deps.db.begin() as s:
        from core.models import ContactNumber
        s.add(ContactNumber(line_id=line(deps, "sam").id, number=DANA))
    p = phone(DANA)
    assert p.text("PLANS") == phone("+15550004321").text("PLANS")
    assert "(555) 010-0003" in p.text("1357")
    deps.redis.delete("sb:conv:sms:" + DANA)  # a new conversation, 30 minutes later
    p.text("PLANS")
    assert "(555) 010-0001" in p.text("1234")


def test_a_texter_on_another_phone_sends_the_line_number_then_the_pin_R8(phone, deps, demo):
    p = phone("+15550004321")
    assert "Reply with your line's number first" in p.text("PLANS")
    assert p.text("(555) 010-0003") == "Now reply with that line's PIN."
    assert "(555) 010-0003" in p.text("1357")


def test_opt_out_opt_in_and_help_R16(phone, deps, demo):
    p = phone(DANA)
    help_text = p.text("help")
    for words in ("Second Line", "AGENT", "Msg&data rates may apply", "Reply STOP to opt out"):
        assert words in help_text
    reply = p.text("Stop")
    assert "did not cancel any plan or line" in reply
    assert count(deps, TextOptOut, TextOptOut.number == DANA) == 1
    assert p.text("PLANS") == ""  # silence
    assert p.text("HELP") == ""
    assert p.text("STOP") == ""  # one confirmation only
    assert "back on" in p.text("START")
    assert count(deps, TextOptOut) == 0
    assert line(deps, "dana").status == "active"


@pytest.mark.parametrize("word", ["CANCEL", "cancel.", "STOPALL", "Unsubscribe", "opt out", "stop texting me",
                                  "ALTO", "parar", "Cancelar", "no más", "QUIT", "END", "REVOKE", "OPTOUT"])
def test_a_bare_opt_out_word_never_cancels_anything_R16(phone, deps, demo, word):
    p = verified(phone, SAM, "1357")
    reply = p.text(word)
    assert "did not cancel" in reply or "no canceló ningún plan ni línea" in reply  # in the word's language
    assert line(deps, "sam").status == "active"
    assert count(deps, TextOptOut, TextOptOut.number == SAM) == 1


def test_yes_opts_back_in_only_when_opted_out(phone, deps, demo):
    p = phone(DANA)
    p.text("STOP")
    assert "back on" in p.text("YES")


def test_a_retried_message_sid_applies_nothing_twice_R13(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    p.text("STOP PLAN Text Archive")
    first = p.text("YES", sid="SM" + "7" * 32)
    second = p.text("YES", sid="SM" + "7" * 32)
    assert first == second and first.startswith("Done")
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied") == 1
    assert "Nothing is waiting" in p.text("YES")  # a second YES confirms nothing more


def test_only_an_explicit_yes_confirms_R18(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    p.text("STOP PLAN Text Archive")
    for body in ['Liked "Cancel Text Archive"', "👍", "ok maybe"]:
        assert "Reply YES to confirm" in p.text(body)
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    assert "nothing was changed" in p.text("no")
    assert plan(deps, "dana", "Text Archive").auto_renew is True


def test_a_confirmation_expires_after_five_minutes_R10(phone, deps, demo, clock):
    p = verified(phone, DANA, "1234")
    p.text("STOP PLAN Text Archive")
    clock.advance(minutes=5, seconds=1)
    assert "timed out after 5 minutes" in p.text("YES")
    assert plan(deps, "dana", "Text Archive").auto_renew is True


def test_three_unusable_inputs_offer_a_person_and_agent_records_the_context_R15(phone, deps, demo):
    p = verified(phone, DANA, "1234")
    p.text("STOP PLAN Text Archive")
    p.text("hmm")
    p.text("what")
    assert "Reply AGENT for a person" in p.text("?")
    reply = p.text("AGENT")
    assert "A person from Second Line will contact you" in reply
    with deps.db() as s:
        esc = s.execute(select(Escalation)).scalar_one()
    assert esc.verified and esc.caller == DANA and esc.context["line"] == "+15550100001"
    assert esc.context["asked"] == "cancel_plan" and "PIN verified" in esc.context["history"]


def test_a_fix_is_offered_once_and_can_be_taken_R11(phone, deps, demo):
    p = verified(phone, SAM, "1357")
    p.text("CANCEL LINE")
    assert "change your number instead" in p.text("4")
    assert "given up for good" in p.text("FIX")
    assert "new number" in p.text("YES")
    assert line(deps, "sam").status == "active"
    # The offer is not made twice in a conversation.
    assert "Cancel line" in p.text("CANCEL LINE")


def test_a_guidance_fix_gives_the_steps(phone, deps, demo):
    p = verified(phone, SAM, "1357")
    p.text("CANCEL LINE")
    p.text("1")
    assert "voice network" in p.text("fix")


def test_a_conversation_continues_on_another_server_process(make_app, settings, clock, demo, deps, client):
    """Two app instances share only Redis and the database."""
    from tests.conftest import Twilio
    from tests.clients import Phone

    other = make_app()
    a, b = Phone(Twilio(client), DANA), Phone(Twilio(other.test_client()), DANA)
    a.text("STOP PLAN Text Archive")
    assert b.text("1234").startswith("PIN OK. Cancel Text Archive")
    assert a.text("YES").startswith("Done")
    assert plan(deps, "dana", "Text Archive").auto_renew is False


@pytest.mark.parametrize("words, reply", [("CALL ME", "will call you back at (555) 777-0001"),
                                          ("llámame", "te llamará al (555) 777-0001")])
def test_call_me_puts_a_call_back_in_the_consoles_queue_R15(phone, deps, demo, words, reply):
    p = phone(DANA)
    assert reply in p.text(words)
    with deps.db() as s:
        [esc] = s.execute(select(Escalation)).scalars().all()
    assert (esc.reason, esc.callback_number, esc.state, esc.verified) == ("callback_requested", DANA, "new", False)
