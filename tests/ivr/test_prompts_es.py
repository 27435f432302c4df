"""The voice catalogue in Spanish (R20): every prompt renders in both languages, the offer of
Spanish is said in Spanish before the English menu, numbers are read for a Spanish voice, the
confirmations keep R3/R6/R10's content, and the agent's whisper (English) says the caller
speaks Spanish."""

from __future__ import annotations

import datetime as dt

import pytest

from core.policy import APPLE_SUBSCRIPTIONS_URL, FIXES
from ivr.prompts import PROMPTS, digits, ending, say, whisper

TERM = dt.date(2026, 12, 31)
VALUES = {
    "to": ["0012", "0010"], "number": "+15550100001", "old": "+15550100002", "blocked": "+15559990000", "product": "Call Recording",
    "kind": "feature", "term_end": TERM, "then_line": True, "minutes": 15, "action": "block", "asked": "fax",
    "plans": [{"product": "Unlimited Annual", "channel": "app_store", "term_end": TERM, "renews": True},
              {"product": "Text Archive", "channel": "portal", "term_end": TERM, "renews": False}],
    "status": "cancel_pending", "terms": [{"product": "Text Archive", "term_end": TERM}],
    "choices": ["Text Archive", "Call Recording"], "app_store_plans": ["Call Recording"],
    "addons": ["Text Archive", "Call Recording"], "url": APPLE_SUBSCRIPTIONS_URL, "fix": "voice_network_mode",
    "last4": "0001", "new": "+15550100900", "area": "646", "areas": ["212", "310"],
}


def es(key: str, **values) -> str:
    return say(key, {**VALUES, **values}, brand="Second Line", lang="es")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("key", list(PROMPTS))
def test_every_prompt_renders_in_both_languages(key, lang):
    fixes = FIXES.values() if "fix" in key else [VALUES["fix"]]
    for fix in fixes:
        text = say(key, {**VALUES, "fix": fix}, brand="Second Line", lang=lang)
        assert text.strip() and "{" not in text and "None" not in text, text


def test_spanish_is_offered_in_spanish_in_both_catalogues_and_welcomed_R20():
    for lang in ("en", "es"):
        assert say("offer_spanish", brand="B", lang=lang) == "Para español, oprime 9 o di español."
        assert "español" in say("spanish_chosen", brand="B", lang=lang)
        # and back, said in English once Spanish is chosen (the 9 key means English in Spanish)
        assert say("offer_english", brand="B", lang=lang) == "For English, press 9."


def test_numbers_are_read_digit_by_digit_in_spanish():
    assert digits("+15550100001", "es") == "5 5 5, 0 1 0, 0 0 0 1"
    assert digits(None, "es") == "un número desconocido" and digits(None) == "an unknown number"
    assert ending("+15550100001", "es") == "que termina en 0 0 0 1"
    assert es("confirm_reactivate", renews=True) == ("Pediste reactivar tu línea que termina en 0 0 0 1. Su plan se "
                                                     "renueva el 31 de dic de 2026.")
    assert es("confirm_block") == "Pediste bloquear el número 5 5 5, 9 9 9, 0 0 0 0."


def test_spanish_voice_confirmations_say_what_the_date_no_refund_and_irreversible_R3_R10():
    plan = es("confirm_cancel_plan", then_line=False)
    assert plan == "¿Cancelar Call Recording? Deja de renovarse y funciona hasta el 31 de dic de 2026. Sin reembolso."
    line = es("confirm_cancel_line", app_store_plans=[])
    assert line == ("¿Cancelar la línea 0 0 0 1 y sus planes? Funciona hasta el 31 de dic de 2026; luego se libera el "
                    "número. Sin reembolso; es irreversible.")


# Issue 22 (R19): Apple's steps are offered by text after the answer; several plans are not named.
@pytest.mark.parametrize("store, said", [
    (["Call Recording"], "Apple cobra Call Recording hasta que lo canceles allí."),
    (["Unlimited Annual", "Call Recording"], "Apple cobra los del App Store hasta que los canceles."),
])
def test_spanish_line_cancellation_with_app_store_plans_says_apple_bills_on_R6(store, said):
    text = es("confirm_cancel_line", app_store_plans=store)
    assert said in text
    assert "Recuerda cancelar también en tu cuenta de Apple." in es("done_cancel_line", app_store_plans=store)


def test_spanish_refusals_for_app_store_plans_give_apples_steps_R4_R6():
    assert es("refused_app_store_plan").startswith("Call Recording se compró en el App Store. Solo tú puedes")
    assert "ve a Suscripciones" in es("refused_app_store_plan")
    assert es("refused_addons_first_app_store").startswith(
        "Primero, Text Archive y Call Recording deben dejar de renovarse")
    assert "Text Archive debe dejar" in es("refused_addons_first_app_store", addons=["Text Archive"])


def test_spanish_plans_and_refund_are_read_with_spanish_dates_R1():
    assert es("plans") == ("Tu línea que termina en 0 0 0 1 está cancelada al final del periodo. "
                           "Unlimited Annual, del App Store, se renueva el 31 de dic de 2026. "
                           "Text Archive termina el 31 de dic de 2026.")
    assert es("refund_policy", terms=[]).startswith("No hay reembolsos de ningún tipo")
    assert es("refund_policy_terms") == "No hay reembolsos. Tus periodos: Text Archive hasta el 31 de dic de 2026."


def test_the_whisper_stays_english_and_says_the_callers_language_R15_R20():
    context = {"verified": True, "line": "+15550100001", "asked": "cancel_line", "lang": "es"}
    text = whisper(context, "+15557770001", "Second Line")
    assert text.startswith("A Second Line caller from 5 5 5, 7 7 7, 0 0 0 1. Caller speaks Spanish. "
                           "PIN verified for line ending 0 0 0 1. They wanted to cancel the line.")
    english = whisper({**context, "lang": "en"}, None, "Second Line")
    assert "Spanish" not in english and "Caller speaks English." in english
