"""Issue 22: what the bot says is true, in the customer's language, and leaves a way on.

Each observation of the issue, through the real stack (signed texts and calls), in both
languages and on both channels where it applies.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.formatting import day
from core.models import OutboundText
from tests.helpers import line, plan

DANA, ALEX, SAM, PAT, CHRIS = "+15550100001", "+15550100002", "+15550100003", "+15550100004", "+15550100005"
LANGS = ("en", "es")
RELEASED = {"en": "then the number is released", "es": "luego se libera el número"}


def outbox(deps) -> list[OutboundText]:
    with deps.db() as s:
        return list(s.execute(select(OutboundText).order_by(OutboundText.id)).scalars())


def by_text(phone, number: str, lang: str, *bodies: str) -> list[str]:
    p = phone(number)
    return [p.text(b) for b in bodies]


def es_keys(keys: list[str], lang: str) -> list[str]:
    return ["9", *keys] if lang == "es" else keys


# R5: cancelling the number plan says the line ends and the number is then released --------
@pytest.mark.parametrize("lang", LANGS)
def test_cancelling_the_number_plan_by_text_says_the_number_is_then_released_R5(phone, deps, demo, lang):
    words = {"en": ("STOP PLAN BASIC MONTHLY", "YES"), "es": ("CANCELAR PLAN BASIC MONTHLY", "SÍ")}[lang]
    ask, confirm, done = by_text(phone, SAM, lang, words[0], "1357", words[1])
    ends = day(plan(deps, "sam", "Basic Monthly").term_end, lang)
    for text in (confirm, done):
        assert RELEASED[lang] in text and ends in text, text
    assert plan(deps, "sam", "Basic Monthly").auto_renew is False


@pytest.mark.parametrize("lang", LANGS)
def test_cancelling_the_number_plan_by_phone_says_so_and_its_receipt_too_R5_R17(call, deps, demo, clock, lang):
    said = call(SAM, es_keys(["1", "1", "1357#", "1", "hangup"], lang)).said()
    released = {"en": "then the line ends and its number is released",
                "es": "luego la línea termina y se libera su número"}[lang]
    assert released in said, said
    [receipt] = outbox(deps)
    assert RELEASED[lang] in receipt.body, receipt.body


# R20, R21: what is sent afterwards, in the conversation's language; a code on its own ------
class Answers:
    """A call's answers, some read only when asked for (the code texted during the call)."""

    def __init__(self, *answers):
        self.answers = answers

    def __iter__(self):
        for a in self.answers:
            yield a() if callable(a) else a


def _code(deps) -> str:
    import re

    [row] = [r for r in outbox(deps) if r.secret]
    return re.search(r"\b(\d{6})\b", row.body)[1] + "#"


@pytest.mark.parametrize("lang", LANGS)
def test_a_code_and_a_receipt_of_the_same_call_are_two_texts_in_the_calls_language_R17_R20_R21(
        call, deps, demo, lang):
    keys = ["1", "1", "8#", "5550100003#", lambda: _code(deps), "1", "hangup"]
    said = call(SAM, Answers(*es_keys(keys, lang))).said()
    assert plan(deps, "sam", "Basic Monthly").auto_renew is False, said
    code, receipt = outbox(deps)
    assert code.secret and not receipt.secret
    assert ("one-time code" if lang == "en" else "código de un solo uso") in code.body
    assert "released" not in code.body and "libera" not in code.body  # never joined to another text
    assert RELEASED[lang] in receipt.body, receipt.body  # the receipt, in the call's language


@pytest.mark.parametrize("lang", LANGS)
def test_a_spanish_or_english_call_gets_its_receipt_in_its_language_whatever_the_lines_R20(
        call, deps, demo, lang):
    from sqlalchemy import update

    from core.models import Line
    with deps.db.begin() as s:  # the line prefers the other language
        s.execute(update(Line).where(Line.login_id == "sam").values(language="en" if lang == "es" else "es"))
    call(SAM, es_keys(["1", "1", "1357#", "1", "hangup"], lang))
    [receipt] = outbox(deps)
    assert RELEASED[lang] in receipt.body, receipt.body


# R11: a fix asked for directly ends with a way on, never with an invitation to cancel ------
DIRECT = {"en": "my phone doesn't ring when people call me", "es": "mi teléfono no suena cuando me llaman"}
PERSON = {"sms": {"en": "AGENT", "es": "AGENTE"}, "voice": {"en": "press 0", "es": "oprime 0"}}


@pytest.mark.parametrize("lang", LANGS)
def test_a_fix_asked_for_by_text_ends_with_a_person_or_trying_again_not_with_cancelling_R11(phone, demo, lang):
    [reply] = by_text(phone, DANA, lang, DIRECT[lang])
    assert "CANCEL" not in reply.upper() and "irte" not in reply, reply
    assert PERSON["sms"][lang] in reply, reply


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fix", ["1", "3"], ids=["voice_network", "device_settings"])
def test_a_fix_chosen_from_the_phone_menu_ends_with_a_person_not_with_cancelling_R11(call, demo, lang, fix):
    t = call(DANA, es_keys(["3", fix, "2", "hangup"], lang))
    fixed = t.said().split("3." if lang == "en" else "3.")[-1]
    assert "cancel" not in fixed.lower(), fixed
    assert PERSON["voice"][lang] in fixed, fixed


@pytest.mark.parametrize("lang", LANGS)
def test_inside_a_cancellation_the_one_offer_is_skipped_by_no_mejor_no_R11_R18(phone, deps, demo, lang):
    bodies = {"en": ("CANCEL LINE", "1357", "1", "no, I'd rather not"),
              "es": ("CANCELAR LÍNEA", "1357", "1", "no, mejor no")}[lang]
    *_, offer, after = by_text(phone, SAM, lang, *bodies)
    assert "SKIP" in offer or "OMITIR" in offer
    assert after.startswith(("Cancel line", "¿Cancelar la línea")), after  # the cancellation goes on
    assert line(deps, "sam").status == "active"  # nothing without a yes


@pytest.mark.parametrize("lang", LANGS)
def test_the_voice_network_offer_in_a_cancellation_is_not_said_twice_R11(call, deps, demo, lang):
    said = call(SAM, es_keys(["1", "2", "1357#", "1", "1", "2", "hangup"], lang)).said()
    steps = {"en": "use the voice network, not data", "es": "usen la red de voz, no los datos"}[lang]
    assert said.count(steps) == 1, said
    assert "To do that, press 1" not in said and "Para hacerlo, oprime 1" not in said
    assert line(deps, "sam").status == "active"


# The smaller untruths -------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_the_voice_menu_offers_the_refund_policy_not_refunds_R1(call, demo, lang):
    said = call(DANA, es_keys(["hangup"], lang)).said()
    assert "For refunds, press 2" not in said and "Para reembolsos, oprime 2" not in said
    assert ("refund policy" if lang == "en" else "política de reembolsos") in said.lower()


@pytest.mark.parametrize("lang", LANGS)
def test_plans_of_a_line_its_user_cancelled_do_not_say_how_to_stop_one_R3(phone, demo, lang):
    replies = by_text(phone, CHRIS, lang, "PLANS" if lang == "en" else "PLANES", "8642")
    assert "STOP PLAN" not in replies[-1] and "CANCELAR PLAN" not in replies[-1], replies[-1]


@pytest.mark.parametrize("lang", LANGS)
def test_the_third_miss_offers_a_person_once_R15(phone, demo, lang):
    vague = {"en": "I want to cancel something", "es": "quiero cancelar algo"}[lang]
    replies = by_text(phone, DANA, lang, vague, "banana", "banana", "banana")
    agent = PERSON["sms"][lang]
    assert all(r.count(agent) <= 1 for r in replies), replies
    assert agent in replies[-1]


@pytest.mark.parametrize("lang", LANGS)
def test_the_last_try_warning_fits_one_text_and_names_the_code_once_R9_R19_R21(phone, demo, lang):
    from sms.gsm import segments

    replies = by_text(phone, DANA, lang, "PLANS" if lang == "en" else "PLANES", "1111", "1112", "1113", "1114")
    warning = replies[-1]
    assert ("locks" if lang == "en" else "bloquea") in warning, replies
    word = "CODE" if lang == "en" else "CODIGO"
    assert warning.count(word) == 1, warning
    assert segments(warning)[1] == 1 or len(warning) <= 160, (len(warning), warning)


@pytest.mark.parametrize("lang", LANGS)
def test_the_last_try_warning_by_phone_names_the_code_once_R9_R21(lang):
    from ivr.prompts import say

    said = " ".join(say(k, {"minutes": 15}, brand="Second Line", lang=lang) for k in ("pin_wrong", "last_try"))
    assert said.count("Press 8" if lang == "en" else "Marca 8") == 1, said
    assert ("press 0" if lang == "en" else "marca 0") in said


# R16: CANCEL ALL / STOP ALL / "cancel everything" opt out, and say how to cancel plans --------
@pytest.mark.parametrize("body, lang", [("CANCEL ALL", "en"), ("STOP ALL", "en"), ("END ALL", "en"),
                                        ("cancel everything", "en"), ("Cancel all.", "en"),
                                        ("CANCELAR TODO", "es")])
@pytest.mark.parametrize("verified", [False, True], ids=["new", "verified"])
def test_cancel_all_opts_out_says_how_to_cancel_plans_and_cancels_nothing_R16(phone, deps, demo, body, lang, verified):
    from core.models import Plan, TextOptOut
    from tests.helpers import count

    p = phone(DANA)
    if verified:
        p.text("PLANS"), p.text("1234")
    not_renewing = count(deps, Plan, Plan.auto_renew.is_(False))
    reply = p.text(body)
    assert len(p.messages) == 1, p.messages  # one confirmation
    assert count(deps, TextOptOut, TextOptOut.number == DANA) == 1
    words = {"en": ("did not cancel any plan or line", "START", "CANCEL LINE"),
             "es": ("no canceló ningún plan ni línea", "COMENZAR", "CANCELAR LÍNEA")}[lang]
    assert all(w in reply for w in words), reply
    assert count(deps, Plan, Plan.auto_renew.is_(False)) == not_renewing and line(deps, "dana").status == "active"
    assert p.text("PLANS") == ""  # then nothing more


# Every refusal names a way on --------------------------------------------------------------
WAYS_ON = {
    ("sms", "en"): ("AGENT", "PLANS", "STOP PLAN", "CANCEL LINE", "REACTIVATE", "CHANGE NUMBER", "BLOCK", "Reply STOP",
                    "Apple account", "try again", "Try later"),
    ("sms", "es"): ("AGENTE", "PLANES", "CANCELAR PLAN", "CANCELAR LÍNEA", "REACTIVAR", "CAMBIAR NUMERO", "BLOQUEAR",
                    "STOP", "cuenta de Apple", "otra vez", "más tarde"),
    ("voice", "en"): ("press 0", "from the menu", "Apple account", "try again", "later"),
    ("voice", "es"): ("oprime 0", "desde el menú", "en el menú", "cuenta de Apple", "otra vez", "más tarde"),
}
CONDITIONS = [{"status": "cancel_pending"}, {"status": "suspended", "status_reason": "unpaid"},
              {"status": "suspended", "status_reason": "user"}, {"status": "cancelled", "status_reason": "unpaid"},
              {"status": "released"}, {"status": "active"}]


def _refusals():
    from ivr import prompts, prompts_es
    from sms import replies, replies_es

    for channel, lang, table in (("sms", "en", replies.REPLIES), ("sms", "es", replies_es.REPLIES),
                                 ("voice", "en", prompts.PROMPTS), ("voice", "es", prompts_es.PROMPTS)):
        for key in table:
            if key.startswith("refused_") or key in ("not_your_line", "no_plans"):
                yield pytest.param(channel, lang, key, id=f"{channel}-{lang}-{key}")


@pytest.mark.parametrize("channel, lang, key", list(_refusals()))
def test_every_refusal_names_a_way_on_in_both_languages_R15(channel, lang, key):
    from ivr.prompts import say
    from sms.replies import render
    from tests.ivr.test_prompts_es import VALUES as VOICE
    from tests.sms.test_replies_fit import LONGEST as TEXT

    render_ = render if channel == "sms" else say
    base = TEXT if channel == "sms" else VOICE
    for condition in (CONDITIONS if key == "refused_line_not_active" else [{}]):
        for reactivatable in (True, False):
            values = {**base, "number": "+15550100001", "blocked": "+15559990000", **condition,
                      "reactivatable": reactivatable}
            text = render_(key, values, brand="Second Line", lang=lang)
            assert any(way in text for way in WAYS_ON[channel, lang]), text


# R18, R19: a "no" ends the request; the proposal is not read out again ---------------------
@pytest.mark.parametrize("answer, lang", [("2", "en"), ("say no", "en"), ("say actually no", "en"),
                                          ("say wait", "en"), ("2", "es"), ("say no, mejor no", "es"),
                                          ("say espera", "es")])
def test_a_no_at_a_spoken_confirmation_is_never_followed_by_the_proposal_again_R18_R19(call, deps, demo, answer, lang):
    said = call(SAM, es_keys(["1", "1", "1357#", answer, "hangup"], lang)).said()
    proposal = {"en": "Cancel your number plan", "es": "¿Cancelar tu plan de número"}[lang]
    assert said.count(proposal) == 1, said
    assert ("nothing was changed" if lang == "en" else "no se cambió nada") in said
    assert plan(deps, "sam", "Basic Monthly").auto_renew is True


@pytest.mark.parametrize("answer, lang", [("NO", "en"), ("actually no", "en"), ("wait", "en"),
                                          ("no, mejor no", "es"), ("espera", "es")])
def test_a_no_by_text_is_never_followed_by_the_proposal_again_R18(phone, deps, demo, answer, lang):
    first = {"en": "STOP PLAN BASIC MONTHLY", "es": "CANCELAR PLAN BASIC MONTHLY"}[lang]
    *_, reply = by_text(phone, SAM, lang, first, "1357", answer)
    assert "YES" not in reply and "SÍ" not in reply, reply
    assert ("nothing was changed" if lang == "en" else "no se cambió nada") in reply


def test_after_the_number_plan_is_cancelled_the_job_ends_the_line_and_releases_the_number_as_said_R5(
        phone, deps, demo, clock):
    from core import services

    by_text(phone, SAM, "en", "STOP PLAN BASIC MONTHLY", "1357", "YES")
    end = plan(deps, "sam", "Basic Monthly").term_end
    services.run_due(deps.db, now=dt.datetime.combine(end, dt.time(23), tzinfo=dt.timezone.utc))
    assert line(deps, "sam").status == "active"  # it works until its term end
    services.run_due(deps.db, now=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(1), tzinfo=dt.timezone.utc))
    sam = line(deps, "sam")
    assert (sam.status, sam.status_reason) == ("released", "user") and sam.released_at is not None
