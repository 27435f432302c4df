"""Issue 21: the answers a step waits for, said in a customer's own words, and what is told
rather than asked, by text and by phone, state checked in the database.

- A line chosen by its user's name at "which line?" (an admin's account).
- A plan chosen in everyday words at "which plan?" ("the archive one", "my number plan"), and
  the plan named in the answer to "a plan or the whole line?".
- R11's reason given as the option's ordinal ("the third one").
- "I don't know" at the PIN prompt: R21's one-time code offered, never a wrong PIN.
- A statement about a change ("I cancelled my line yesterday") changes nothing and says, in
  one line, how to ask for it (R24).
- A greeting at the voice menu is the menu again; "what can you do" is answered by voice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.models import AuditEvent, Plan
from tests.helpers import line

SAM, DANA, JDOE = "+15557770003", "+15557770001", "+15557770010"


def _renews(deps, login: str, product: str) -> bool:
    with deps.db() as s:
        own = line(deps, login)
        return s.execute(select(Plan.auto_renew).where(Plan.line_id == own.id, Plan.product == product)).scalar_one()


def _at_line_confirmation(p) -> None:
    """Sam's line cancellation, up to its confirmation (R11's question skipped)."""
    for said in ("CANCEL LINE", "1357", "SKIP"):
        p.text(said)


def _audits(deps) -> int:
    with deps.db() as s:
        return s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


# A line by its user's name at "which line?" -------------------------------------------------
def test_an_admin_chooses_a_line_by_its_users_name_at_which_line(phone, deps, demo):
    p = phone(JDOE)
    p.text("STOP PLAN")
    asked = p.text("482913")
    assert "Which line" in asked, asked
    reply = p.text("Maria's line")
    assert "Voicemail Transcription" in reply or "Business Monthly" in reply, reply  # maria's plans, not jdoe's
    assert "Business Annual" not in reply


def test_a_name_that_is_no_line_of_the_account_is_asked_again(phone, deps, demo):
    p = phone(JDOE)
    p.text("STOP PLAN")
    p.text("482913")
    again = p.text("Roberto")
    assert "Which line" in again and "Voicemail" not in again, again


# A plan in everyday words at "which plan?" ------------------------------------------------------
def test_the_archive_one_at_which_plan_is_the_text_archive(phone, deps, demo):
    p = phone(DANA)
    p.text("STOP PLAN")
    asked = p.text("1234")
    assert "Which plan" in asked, asked
    reply = p.text("the archive one")
    assert "Text Archive" in reply and "YES" in reply, reply
    p.text("YES")
    assert _renews(deps, "dana", "Text Archive") is False
    assert _renews(deps, "dana", "Call Recording") is True


def test_my_number_plan_at_which_plan_is_the_lines_own_plan(phone, deps, demo):
    p = phone(DANA)
    p.text("STOP PLAN")
    p.text("1234")
    reply = p.text("my number plan")
    assert "Unlimited Monthly" in reply and "YES" in reply, reply


def test_el_de_llamadas_at_which_plan_is_the_call_recording(phone, deps, demo):
    p = phone(DANA)
    p.text("CANCELAR PLAN")
    p.text("1234")
    reply = p.text("el de las grabaciones")
    assert "Call Recording" in reply, reply


def _answered_at_a_plan_or_the_line(p, answer: str, pin: str) -> str:
    """"I want to cancel" asks "a plan or the line?"; ``answer``, then the PIN: what is said next."""
    asked = p.text("I want to cancel")
    assert "plan" in asked.lower() and "line" in asked.lower(), asked
    p.text(answer)
    return p.text(pin)


def test_the_plan_named_at_a_plan_or_the_line_is_the_one_proposed(phone, deps, demo):
    reply = _answered_at_a_plan_or_the_line(phone(DANA), "the text archive one", "1234")
    assert "Text Archive" in reply and "Which plan" not in reply, reply


# R11's reason as the option's ordinal ----------------------------------------------------------
def test_the_third_one_at_why_is_reason_three(phone, deps, demo):
    p = phone(SAM)
    p.text("CANCEL LINE")
    why = p.text("1357")
    assert "why?" in why, why
    reply = p.text("the third one")  # 3: no ringing or texts → the phone's settings
    assert "setting" in reply.lower(), reply


# "I don't know" at the PIN prompt ---------------------------------------------------------------
def test_i_dont_know_at_the_pin_prompt_offers_the_code_and_counts_no_wrong_pin(phone, deps, demo):
    p = phone(SAM)
    p.text("PLANS")
    reply = p.text("i don't know")
    assert "code" in reply.lower() and "wrong" not in reply.lower(), reply
    assert "Basic Monthly" in p.text("1357")  # no try was spent: the right PIN still works


# A statement about a change --------------------------------------------------------------------
def test_a_statement_about_a_cancellation_changes_nothing_and_says_how_to_ask(phone, deps, demo):
    p = phone(SAM)
    before = _audits(deps)
    reply = p.text("my husband cancelled his plan last month")
    assert "PIN" not in reply and "YES" not in reply, reply
    assert "STOP PLAN" in reply or "CANCEL LINE" in reply or "what you'd like done" in reply, reply
    assert line(deps, "sam").status == "active" and _audits(deps) == before


def test_una_afirmacion_sobre_un_cambio_no_cambia_nada(phone, deps, demo):
    p = phone(SAM)
    reply = p.text("mi mamá quiere cancelar su línea")
    assert "PIN" not in reply and "No se cambió nada" in reply, reply
    assert line(deps, "sam").status == "active"


def test_a_statement_about_a_cancellation_by_voice_changes_nothing(call, deps, demo):
    t = call(SAM, ["say my wife cancelled her line last week", "hangup"])
    said = t.said()
    assert "Nothing was changed" in said and "PIN" not in said, said
    assert line(deps, "sam").status == "active"


# The voice menu hears a greeting and a question about what it does --------------------------------
def test_a_greeting_at_the_voice_menu_is_the_menu_again(call, deps, demo):
    t = call(SAM, ["say hello there", "hangup"])
    said = t.said()
    assert "didn't get that" not in said.lower() and "press" in said.lower(), said


def test_what_can_you_do_by_voice_is_answered(call, deps, demo):
    t = call(SAM, ["say what can you do", "hangup"])
    said = t.said()
    assert "didn't get that" not in said.lower(), said
    assert "cancel" in said.lower() and "block" in said.lower(), said


# An area code on the keypad, and a no that says how to go on ---------------------------------------
def test_another_area_code_keyed_at_the_new_numbers_confirmation_is_offered_by_phone(call, deps, demo):
    t = call(SAM, ["4", "2", "1357#", "212#", "1", "hangup"])
    said = t.said()
    assert "For another area code, enter its 3 digits" in said, said
    assert "2 1 2, 5 5 5, 0 1 9 0" in said and line(deps, "sam").number == "+12125550190"


def test_an_area_code_with_no_free_number_keyed_changes_nothing(call, deps, demo):
    t = call(SAM, ["4", "2", "1357#", "999#", "hangup"])
    assert "No numbers are free in area code 9 9 9" in t.said()
    assert line(deps, "sam").number == "+15550100003"


def test_another_area_code_typed_at_the_confirmation_is_offered_by_text(phone, deps, demo):
    p = phone(DANA)
    p.text("CHANGE NUMBER")
    p.text("1234")
    offer = p.text("310")
    assert "(310) 555-0191" in offer and "YES" in offer, offer
    p.text("YES")
    assert line(deps, "dana").number == "+13105550191"


def test_a_no_at_a_confirmation_says_how_to_go_on(phone, deps, demo):
    p = phone(SAM)
    p.text("CHANGE NUMBER")
    p.text("1357")
    reply = p.text("no")
    assert "nothing was changed" in reply and "HELP" in reply, reply
    assert line(deps, "sam").number == "+15550100003"


# A question inside a cancellation is answered, and the step waits on -------------------------------
def test_a_question_at_why_is_answered_and_why_asked_again_R24_R11(phone, deps, demo):
    p = phone(SAM)
    p.text("CANCEL LINE")
    p.text("1357")
    reply = p.text("do I get a refund?")
    assert "No refunds" in reply and "why?" in reply, reply
    assert "Cancel line" in p.text("SKIP")


def test_a_question_at_the_confirmation_is_answered_and_the_yes_still_waits_R18_R24(phone, deps, demo):
    p = phone(SAM)
    _at_line_confirmation(p)
    reply = p.text("wait, will I lose my credits?")
    assert "can't be undone" in reply and "Reply YES to confirm" in reply, reply
    assert line(deps, "sam").status == "active"
    p.text("YES")
    assert line(deps, "sam").status == "cancel_pending"


def test_yes_with_the_change_said_again_confirms_it_R18(phone, deps, demo):
    p = phone(SAM)
    _at_line_confirmation(p)
    assert "Done" in p.text("yes, cancel it")
    assert line(deps, "sam").status == "cancel_pending"


def test_yes_with_another_change_named_confirms_nothing_R18(phone, deps, demo):
    p = phone(SAM)
    _at_line_confirmation(p)
    reply = p.text("yes, block 212 555 0143")
    assert "Done" not in reply and "Cancel line" in reply, reply
    assert line(deps, "sam").status == "active"


def test_si_cancelalo_confirms_R18(phone, deps, demo):
    p = phone(SAM)
    for said in ("CANCELAR LINEA", "1357", "SALTAR"):
        p.text(said)
    p.text("sí, cancélalo")
    assert line(deps, "sam").status == "cancel_pending"


def test_another_request_at_the_offer_starts_it_instead_of_the_cancellation_R11(phone, deps, demo):
    p = phone(SAM)
    p.text("CANCEL LINE")
    p.text("1357")
    offer = p.text("5")
    assert "block" in offer.lower(), offer
    reply = p.text("actually just give me a new number instead")
    assert "Change number" in reply and "Cancel line" not in reply, reply
    assert line(deps, "sam").status == "active"


def test_an_admin_says_a_lines_user_at_which_line_by_phone(call, deps, demo):
    t = call(JDOE, ["1", "1", "482913#", "say maria", "hangup"])
    said = t.said()
    assert "or say its user's name" in said, said
    assert "Voicemail Transcription" in said or "Business Monthly" in said, said


# Told of someone bothering them: the free block first (R24) ----------------------------------------
def test_someone_calling_from_a_number_gets_that_numbers_block_offered_R24(phone, deps, demo):
    p = phone(SAM)
    first = p.text("someone keeps calling me from 917 555 0142")
    assert "PIN" in first and "why?" not in first, first
    reply = p.text("1357")
    assert "Block (917) 555-0142" in reply, reply
    p.text("YES")
    assert line(deps, "sam").status == "active"
    with deps.db() as s:
        from core.models import BlockedNumber
        assert s.execute(select(func.count()).select_from(BlockedNumber).where(
            BlockedNumber.number == "+19175550142")).scalar_one() == 1


def test_alguien_me_amenaza_gets_the_block_in_spanish_R24(phone, deps, demo):
    p = phone(SAM)
    p.text("alguien me amenaza desde el 212 555 0143")
    assert "Bloquear (212) 555-0143" in p.text("1357")


def test_harassment_by_phone_gets_the_block_R24(call, deps, demo):
    t = call(SAM, ["say I'm being harassed by six four six five five five zero one nine nine", "1357#", "hangup"])
    assert "6 4 6, 5 5 5, 0 1 9 9" in t.said() and "leave" not in t.said(), t.said()


# Thanks or a greeting at a step: one short line, and the step waits on -------------------------------
def test_thanks_at_a_confirmation_is_no_yes_and_the_yes_still_waits_R18(phone, deps, demo):
    p = phone(SAM)
    _at_line_confirmation(p)
    reply = p.text("thanks")
    assert "welcome" in reply.lower() and "Reply YES to confirm" in reply and "didn't get" not in reply, reply
    assert line(deps, "sam").status == "active"
    p.text("YES")
    assert line(deps, "sam").status == "cancel_pending"


def test_thanks_at_the_pin_prompt_by_phone_asks_for_the_pin_again(call, deps, demo):
    t = call(SAM, ["4", "1", "say thank you", "1357#", "hangup"])
    said = t.said()
    assert "welcome" in said.lower() and "didn't get that" not in said.lower(), said


def test_stop_texting_me_said_on_a_call_says_how_texts_stop_and_cancels_nothing_R16(call, deps, demo):
    t = call(SAM, ["say please stop texting me", "hangup"])
    said = t.said()
    assert "reply STOP" in said and "plan or the whole line" not in said.lower(), said
    assert line(deps, "sam").status == "active"


def test_two_questions_at_a_step_are_each_answered_once_never_piled_up_R19_R24(phone, deps, demo):
    """A question answered while a step waits is said once: the next answer carries the step's
    question again, not the answer before it (the reply stays short, R19)."""
    p = phone(SAM)
    _at_line_confirmation(p)
    first = p.text("what happens to my number if I cancel?")
    second = p.text("do you give refunds?")
    assert "YES" in first and "YES" in second, (first, second)
    assert second.count("YES") == 1 and second.count("refund") >= 1, second
    said_first = first.split("Cancel line")[0].strip()
    assert said_first and said_first not in second, second  # the first answer is not said again
    assert len(second) <= 3 * 153, len(second)
    assert p.text("YES").startswith("Done"), "the yes still waits"


# Something understood and nothing this bot does: said so, with what it does (not "didn't get that")
def test_a_request_for_something_we_dont_do_is_told_so_with_what_we_do_R15(phone, deps, demo):
    p = phone(SAM)
    audits = _audits(deps)
    for _ in range(3):  # three in a row are no three failed inputs: no transfer (R15 counts misses only)
        reply = p.text("can you order me a pizza")
        assert "not something I can help with" in reply and "AGENT" in reply, reply
        assert "didn't get that" not in reply
    assert _audits(deps) == audits  # nothing changed, no escalation
    assert line(deps, "sam").status == "active"


def test_algo_que_no_hacemos_se_dice_en_espanol(phone, deps, demo):
    reply = phone(SAM).text("recomiéndame una película por favor")
    assert "no puedo ayudarte" in reply and "AGENTE" in reply, reply


def test_something_we_dont_do_said_at_the_voice_menu_is_told_so_then_the_menu(call, deps, demo):
    said = call(SAM, ["say can you order me a pizza", "hangup"]).said()
    assert "not something I can help with" in said and "press 0" in said, said
    assert "didn't get that" not in said.lower(), said


# "Why do you need my PIN?": why it is asked, then the PIN again (R8, R21), never a wrong PIN -------
def test_why_do_you_need_my_pin_is_answered_and_the_pin_still_asked_R8(phone, deps, demo):
    p = phone(SAM)
    p.text("CANCEL LINE")
    before = _audits(deps)
    reply = p.text("why do you need my pin?")
    assert "only the line's own user" in reply and "PIN" in reply, reply
    assert "billing" not in reply.lower() and "A PIN is" not in reply, reply
    assert _audits(deps) == before  # no wrong PIN counted (R9), nothing refused
    assert "why?" in p.text("1357")  # the request goes on: R11's question


@pytest.mark.parametrize("first", ["CANCELAR LÍNEA", "CANCEL LINE"])  # begun in Spanish, or in English (R20)
def test_para_que_necesitan_mi_pin_se_explica_en_espanol_R8_R20(phone, deps, demo, first):
    p = phone(SAM)
    p.text(first)
    reply = p.text("¿para qué necesitan mi pin?")
    assert "solo el usuario de la línea" in reply and "PIN" in reply, reply


def test_why_do_you_need_my_pin_by_voice_R8(call, deps, demo):
    said = call(SAM, ["1", "2", "say why do you need my pin", "hangup"]).said()
    assert "only the line's own user" in said and "PIN" in said.split("only the line's own user")[1], said


# A command's word with a question after it is a question about it (R24) -----------------------------
def test_a_command_word_asked_as_a_question_is_answered_not_started_R24(phone, deps, demo):
    p = phone(SAM)
    reply = p.text("bloquear es gratis?")
    assert "PIN" not in reply, reply  # nothing started: no PIN asked for a change nobody asked for
    reply = p.text("cancel line? what happens to my texts")
    assert "PIN" not in reply and "YES" not in reply, reply
    assert line(deps, "sam").status == "active"


def test_a_command_with_its_number_and_a_question_mark_is_still_the_command(phone, deps, demo):
    assert "PIN" in phone(SAM).text("BLOCK 212 555 0143?")  # the number to act on: the command, its PIN first


# An admin's line chosen as "mine" or by its place in the list -----------------------------------------
def test_an_admin_says_mine_at_which_line_and_gets_the_own_line(phone, deps, demo):
    p = phone(JDOE)
    p.text("STOP PLAN")
    assert "Which line" in p.text("482913")
    reply = p.text("mine")
    assert "Business Annual" in reply and "Voicemail" not in reply, reply  # jdoe's own plans


def test_an_admin_says_the_second_one_at_which_line(phone, deps, demo):
    p = phone(JDOE)
    p.text("STOP PLAN")
    asked = p.text("482913")
    second = asked.split(":")[-1].replace(" ", "").split(",")[1]  # the second last-four read out
    reply = p.text("the second one")
    assert "Which line" not in reply, reply
    again = phone(JDOE)
    again.text("STOP PLAN")
    again.text("482913")
    assert again.text(second) == reply  # the same line as its digits give


def test_all_of_them_at_which_line_is_asked_again(phone, deps, demo):
    p = phone(JDOE)
    p.text("STOP PLAN")
    p.text("482913")
    assert "Which line" in p.text("all of them")


@pytest.mark.parametrize("said", ["yes, I understand", "yes ma'am", "confirmed", "sí, entiendo"])
def test_a_yes_with_an_acknowledgement_confirms_R18(phone, deps, demo, said):
    """R18: the yes word with nothing but courtesy ("yes, I understand", "yes ma'am", "confirmed")."""
    p = phone(SAM)
    p.text("STOP PLAN BASIC MONTHLY")
    p.text("1357")
    done = p.text(said)
    assert done.startswith(("Done", "Listo")), (said, done)
    assert _renews(deps, "sam", "Basic Monthly") is False


def test_i_understand_alone_confirms_nothing_R18(phone, deps, demo):
    p = phone(SAM)
    p.text("STOP PLAN BASIC MONTHLY")
    p.text("1357")
    assert not p.text("I understand").startswith("Done")
    assert _renews(deps, "sam", "Basic Monthly") is True


# At the code prompt: "what code?" is explained, "send it again" asks for another (R21) -------------
def test_what_code_and_send_it_again_at_the_code_prompt_R21(phone, deps, demo):
    p = phone(SAM)
    p.text("CANCEL LINE")
    p.text("forgot my pin")
    assert "6-digit code" in p.text("5550100003")
    explained = p.text("what code?")
    assert "only ever sent to the line's number" in explained and "6-digit code" in explained, explained
    again = p.text("send it again")
    assert "6-digit code" in again and "wrong" not in again.lower() and "didn't get that" not in again, again


def test_no_at_the_voice_menu_is_the_menu_again_not_the_cancel_menu(call, deps, demo):
    said = call(SAM, ["say no", "hangup"]).said()
    assert "To cancel one plan or add-on" not in said, said  # the cancel menu was never asked for
    assert said.count("For a person, press 0") >= 2, said  # the main menu again


def test_nothing_alone_is_not_told_we_dont_do_it(phone, deps, demo):
    reply = phone(SAM).text("nothing")
    assert "not something I can help with" not in reply, reply


# "Stop calling me": unwanted calls, R11's free block offered (nothing cancelled) ----------------------
def test_stop_calling_me_by_text_offers_the_free_block_R11(phone, deps, demo):
    p = phone(SAM)
    reply = p.text("stop calling me")
    assert "block" in reply and "for free" in reply and "PIN" in reply, reply
    assert "Which number should we block" in p.text("1357")
    assert line(deps, "sam").status == "active"


def test_stop_calling_me_by_voice_never_opens_the_cancel_menu_R11(call, deps, demo):
    said = call(SAM, ["say stop calling me", "hangup"]).said()
    assert "block" in said and "To cancel one plan or add-on" not in said, said


def test_dejen_de_llamarme_ofrece_el_bloqueo(phone, deps, demo):
    reply = phone(SAM).text("por favor dejen de llamarme")
    assert "bloquear gratis" in reply, reply


@pytest.mark.parametrize("said", ["sí, no entiendo", "yes no i understand", "confirmed?", "yes ma'am, no"])
def test_a_yes_with_a_negation_or_a_question_confirms_nothing_R18(phone, deps, demo, said):
    p = phone(SAM)
    p.text("STOP PLAN BASIC MONTHLY")
    p.text("1357")
    assert not p.text(said).startswith(("Done", "Listo"))
    assert _renews(deps, "sam", "Basic Monthly") is True


def test_no_just_cancel_the_plan_instead_at_why_proposes_the_plan_not_the_line_R5_R11(phone, deps, demo):
    p = phone(SAM)
    p.text("CANCEL LINE")
    assert "why?" in p.text("1357")
    reply = p.text("no, just cancel the basic monthly plan instead")
    assert "Cancel line" not in reply and "can't be undone" not in reply, reply
    assert "Basic Monthly" in reply, reply


def test_everything_at_a_plan_or_the_line_is_the_line(phone, deps, demo):
    assert "why?" in _answered_at_a_plan_or_the_line(phone(SAM), "everything", "1357")  # the line's: R11's question



@pytest.mark.parametrize("said", ["I left my phone in a taxi", "someone took my phone", "me quitaron el celular en el metro"])
def test_a_phone_left_or_taken_in_other_words_is_a_lost_phone(phone, deps, demo, said):
    reply = phone(SAM).text(said)
    assert "Sorry about your phone" in reply or "Lamentamos lo de tu teléfono" in reply, reply


def test_i_didnt_mean_to_cancel_is_told_what_can_be_undone_R3(phone, deps, demo):
    reply = phone(SAM).text("oops I didn't mean to cancel my line")
    assert "can't be undone" in reply and "PIN" not in reply, reply


@pytest.mark.parametrize("said", ["fix it", "sure, let's try that", "ok show me", "arréglalo"])
def test_the_fix_taken_in_words_at_r11s_offer_is_the_fix_not_the_cancellation_R11(phone, deps, demo, said):
    p = phone(SAM)
    p.text("CANCEL LINE")
    p.text("1357")
    assert "FIX" in p.text("1")  # calls fail: the voice network mode offered
    reply = p.text(said)
    assert "Cancel line" not in reply and "YES" not in reply and "SÍ" not in reply, reply
    assert line(deps, "sam").status == "active"
