"""R19 in both languages (R20): every reply, with its longest values, is at most 3 segments by
the real GSM-7 / UCS-2 rules; English wording is GSM-7 and the short ones fit one segment;
Spanish wording forces UCS-2 only with the letters Spanish needs (á, í, ó, ú). With many plans
and long, accented or emoji product names (the customer's data), still at most 3 segments:
PLANS pages, lists summarise. And the Spanish keeps R10's and R16's required content."""

from __future__ import annotations

import datetime as dt

import pytest

from core.policy import APPLE_SUBSCRIPTIONS_URL, FIXES
from sms import replies_es
from sms.gsm import BASIC, EXTENDED, is_gsm7, segments
from sms.replies import MORE_HINT, RECEIPTS, REPLIES, receipt_text, render

LONG_PRODUCT = "Voicemail Transcription"
NUMBER = "+15550100001"
TERM = dt.date(2026, 12, 31)
PLAN = {"product": LONG_PRODUCT, "kind": "feature", "channel": "app_store", "term_end": TERM,
        "renews": True, "ended": False}
LONGEST = {
    "number": NUMBER, "old": "+15550100002", "blocked": "+15559990000", "line": NUMBER,
    "product": LONG_PRODUCT, "kind": "feature", "term_end": TERM, "effective": TERM, "then_line": True,
    "plans": [dict(PLAN, product=p) for p in ("Unlimited Annual", "Text Archive", "Call Recording", LONG_PRODUCT)],
    "app_store_plans": ["Unlimited Annual", "Call Recording"], "url": APPLE_SUBSCRIPTIONS_URL,
    "addons": ["Text Archive", "Call Recording"], "portal_addons": ["Text Archive"],
    "lines": ["0010", "0011", "0012", "0013", "0014", "0015"], "minutes": 15, "ref": 123456, "to": ["0012", "0010"],
    "terms": [{"product": p, "term_end": TERM} for p in ("Unlimited Annual", "Text Archive", "Call Recording")],
    "asked": "x" * 40, "choices": ["Unlimited Annual", "Text Archive", "Call Recording", LONG_PRODUCT, "Fax Plus"], "status": "cancel_pending", "credits": "1234.50", "action": "unblock",
    "last4": "0001", "code": "123456", "new": "+15550100900", "area": "212", "area_found": False,
    "renews": False, "status_reason": "unpaid",
}
# HELP lists every command (R16) in two segments: one can't hold them all (R19 "where it can").
FIT_ONE = {"opted_out", "opted_in", "ask_pin", "pin_wrong", "pin_locked", "agent",
           "confirm_reactivate", "done_cancel_plan", "confirm_expired", "not_confirmed"}
# UCS-2 holds 70 units in one segment: in Spanish only the shortest replies fit one.
FIT_ONE_ES = {"pin_ok", "ready", "media_only", "offer_person", "unknown_command", "unusable", "not_confirmed",
              "nothing_pending", "confirm_block", "confirm_unblock"}  # (reactivation now says until when: two)
SPANISH_LETTERS = frozenset("áíóúÁÍÓÚ")  # the only ones Spanish needs beyond GSM-7 (é, ñ, ü, ¿, ¡ are in it)
LANGS = ("en", "es")


def cases():
    for key in REPLIES:
        if key in ("offer_fix", "fix_guidance", "fix_steps"):
            for fix in FIXES.values():
                if key != "offer_fix" and fix not in ("voice_network_mode", "device_settings"):
                    continue
                yield key, {**LONGEST, "fix": fix}
        else:
            yield key, LONGEST


@pytest.mark.parametrize("key, values", list(cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_reply_is_gsm7_and_at_most_three_segments_R19(key, values):
    text = render(key, values, brand="Second Line")
    encoding, count = segments(text)
    assert encoding == "GSM-7", text
    assert count <= 3, (count, text)
    if key in FIT_ONE:
        assert count == 1, (len(text), text)


@pytest.mark.parametrize("key, values", list(cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_spanish_reply_is_at_most_three_segments_and_needs_ucs2_only_for_spanish_letters_R19_R20(key, values):
    text = render(key, values, brand="Second Line", lang="es")
    encoding, count = segments(text)
    assert count <= 3, (count, len(text), text)
    assert set(text) <= BASIC | EXTENDED | SPANISH_LETTERS, set(text) - BASIC - EXTENDED - SPANISH_LETTERS
    if key in FIT_ONE_ES:
        assert count == 1, (len(text), text)


@pytest.mark.parametrize("kind", list(RECEIPTS))
def test_every_receipt_fits_R17_R19(kind):
    text = receipt_text(kind, LONGEST, brand="Second Line")
    assert segments(text) == ("GSM-7", segments(text)[1]) and segments(text)[1] <= 3


@pytest.mark.parametrize("kind", list(RECEIPTS))
def test_every_spanish_receipt_fits_R17_R19_R20(kind):
    text = receipt_text(kind, LONGEST, brand="Second Line", lang="es")
    assert segments(text)[1] <= 3, (segments(text), text)
    assert text.startswith("Second Line: ") and ("31 de dic de 2026" in text or kind == "one_time_code")
    assert set(text) <= BASIC | EXTENDED | SPANISH_LETTERS


# Many plans, names as long as the column allows (100 characters), in GSM-7 with extension
# characters (2 septets each), accented beyond GSM-7 (UCS-2), and emoji (2 UTF-16 units).
def _names(stem: str, n: int = 14) -> list[str]:
    return [(f"{i:02d} {stem}" * 20)[:100] for i in range(n)]


EXTREME_NAMES = {
    "gsm7_extension": _names("Unlimited {Calls} [Annual] ~ Premium | € "),
    "accented": _names("Llamadas Ilimitadas Súper Plan – Edición Óptima "),
    "emoji": ["\U0001F4DE" * 100] + _names("Team Inbox \u2728\U0001F4DE ")[1:],
    "mixed": ["Unlimited Annual Premium Plus", "Número Extra \U0001F1EA\U0001F1F8", "Call Recording Élite",
              "Team Inbox \u2728", "Fax Plus", "Voicemail Transcription", "International Calling Bundle",
              "Spam Shield {Advanced}", "Second Number Mañana", "Conference Bridge", "Visual Voicemail Plus",
              "Business Hours Routing", "Text Archive Pro", "Llamadas Ilimitadas Súper Plan"],
}


def extreme(names: list[str]) -> dict:
    plans = [{"product": n, "kind": "number" if i == 0 else "feature",
              "channel": "app_store" if i % 3 == 0 else "portal",
              "term_end": dt.date(2026, 12, 1) + dt.timedelta(days=37 * i % 90),
              "renews": i % 2 == 0, "ended": False} for i, n in enumerate(names)]
    return {**LONGEST, "product": names[0], "plans": plans, "choices": names,
            "terms": [{"product": p["product"], "term_end": p["term_end"]} for p in plans],
            "addons": names[1:], "portal_addons": names[1:], "app_store_plans": names,
            "lines": [f"{i:04d}" for i in range(120)]}


@pytest.mark.parametrize("lang", LANGS)
def test_every_reply_with_many_long_accented_and_emoji_names_is_at_most_three_segments_R19(lang):
    over, ucs2 = [], []
    for label, names in EXTREME_NAMES.items():
        values = extreme(names)
        texts = [(key, render(key, v, brand="Second Line", lang=lang)) for key, v in cases_with(values)]
        texts += [(kind, receipt_text(kind, values, brand="Second Line", lang=lang)) for kind in RECEIPTS]
        texts += [(f"plans page {page}", render("plans", {**values, "page": page}, brand="Second Line", lang=lang))
                  for page in range(1, 16)]
        for key, text in texts:
            encoding, count = segments(text)
            if count > 3:
                over.append((label, key, encoding, count))
            if encoding != "GSM-7" and all(is_gsm7(n) for n in names):
                ucs2.append((label, key))
    assert over == []
    if lang == "en":
        assert ucs2 == []  # no English wording forces UCS-2; only a name can


def cases_with(values: dict):
    for key, v in cases():
        yield key, {**values, "fix": v.get("fix")}


def pages(values: dict, lang: str = "en") -> list[str]:
    hint = MORE_HINT if lang == "en" else replies_es.MORE_HINT
    shown = []
    for page in range(1, len(values["plans"]) + 2):
        text = render("plans", {**values, "page": page}, brand="Second Line", lang=lang)
        shown.append(text)
        if not text.endswith(hint):
            return shown
    raise AssertionError("more pages than plans")


@pytest.mark.parametrize("label", ["gsm7_extension", "accented", "mixed"])
def test_plans_pages_through_every_plan_exactly_once_R19(label):
    values = extreme(EXTREME_NAMES[label])
    shown = pages(values)
    assert len(shown) > 1
    assert all(segments(text)[1] <= 3 for text in shown)
    for p in values["plans"]:
        # each name whole (data is never altered when it fits), on exactly one page
        assert sum(text.count(p["product"]) for text in shown) == 1, p["product"]
    assert "Credits 1234.50. To stop one: STOP PLAN name" in shown[-1]
    assert render("plans", {k: v for k, v in values.items() if k != "page"}, brand="B") == shown[0]
    after = render("plans", {**values, "page": len(shown) + 1}, brand="B")
    assert "PLANS" in after and not any(p["product"] in after for p in values["plans"])
    # Plans that fit are one text, as before, without paging.
    text = render("plans", {**LONGEST, "page": 1}, brand="B")
    assert text.startswith("Line (555) 010-0001 (cancel pending): Unlimited Annual (App Store) renews Dec 31, 2026;")
    assert MORE_HINT not in text and segments(text) == ("GSM-7", 2)


@pytest.mark.parametrize("label", ["gsm7_extension", "accented", "mixed"])
def test_spanish_plans_page_through_every_plan_exactly_once_R19_R20(label):
    values = extreme(EXTREME_NAMES[label])
    shown = pages(values, "es")
    assert len(shown) > 1
    assert all(segments(text)[1] <= 3 for text in shown)
    for p in values["plans"]:
        assert sum(text.count(p["product"]) for text in shown) == 1, p["product"]
    assert "Saldo: 1234.50." in shown[-1]  # with how to cancel one where the last plan leaves room
    if label == "mixed":
        assert shown[-1].endswith("Saldo: 1234.50. Para cancelar uno: CANCELAR PLAN nombre")
    after = render("plans", {**values, "page": len(shown) + 1}, brand="B", lang="es")
    assert "PLANES" in after and not any(p["product"] in after for p in values["plans"])
    # Four plans with ASCII names are one GSM-7 text in Spanish too: the wording needs no UCS-2.
    text = render("plans", {**LONGEST, "page": 1}, brand="B", lang="es")
    assert text.startswith("(555) 010-0001 (cancelada al final del periodo): Unlimited Annual (App Store) "
                           "se renueva el 31 de dic de 2026;")
    assert replies_es.MORE_HINT not in text and segments(text) == ("GSM-7", 3)


@pytest.mark.parametrize("lang, soonest_to, more", [
    ("en", "{} to Dec 1, 2026", "; {} more: text PLANS for their dates."),
    ("es", "{} hasta el 1 de dic de 2026", "; y otros {}: escribe PLANES para ver sus fechas."),
])
def test_refund_with_many_plans_names_the_soonest_term_ends_and_how_many_more_R1_R19(lang, soonest_to, more):
    values = extreme(EXTREME_NAMES["mixed"])
    text = render("refund_policy_terms", values, brand="B", lang=lang)
    assert segments(text)[1] <= 3
    soonest = min(values["terms"], key=lambda t: t["term_end"])
    assert text.startswith(("No refunds of any kind", "No hay reembolsos de ninguna clase"))
    assert soonest_to.format(soonest["product"]) in text
    shown = [t for t in values["terms"] if t["product"] in text]
    assert more.format(len(values["terms"]) - len(shown)) in text
    assert max(t["term_end"] for t in shown) <= min(t["term_end"] for t in values["terms"] if t not in shown)


def test_a_long_plan_choice_numbers_what_fits_and_takes_any_plan_by_name_R19():
    names = EXTREME_NAMES["mixed"]
    text = render("ask_plan", {"choices": names, "asked": None}, brand="B")
    assert segments(text)[1] <= 3
    numbered = [n for i, n in enumerate(names, 1) if f"{i} {n}" in text]
    assert numbered == names[:len(numbered)] and len(numbered) < len(names)
    assert text.endswith(f"or the name of any of {len(names) - len(numbered)} more (text PLANS to list them)")
    # What the user typed is echoed only when it would not force UCS-2.
    echoed = render("plan_not_found", {"choices": ["Fax Plus", "Text Archive Pro", "Conference Bridge"], "asked": "fx plüs \U0001F4DE"}, brand="B")
    assert echoed.startswith("No plan by that name. Which plan? Reply 1 ") and segments(echoed)[0] == "GSM-7"


def test_a_long_spanish_plan_choice_numbers_what_fits_and_takes_any_plan_by_name_R19_R20():
    names = EXTREME_NAMES["mixed"]
    text = render("ask_plan", {"choices": names, "asked": None}, brand="B", lang="es")
    assert segments(text)[1] <= 3 and text.startswith("¿Qué plan? Responde 1 ")
    numbered = [n for i, n in enumerate(names, 1) if f"{i} {n}" in text]
    assert numbered == names[:len(numbered)] and len(numbered) < len(names)
    assert text.endswith(f" o el nombre de alguno de los otros {len(names) - len(numbered)} "
                         "(escribe PLANES para verlos)")
    echoed = render("plan_not_found", {"choices": ["Fax Plus"], "asked": "fax plus pro"}, brand="B", lang="es")
    assert echoed == "No hay un plan llamado \"fax plus pro\". ¿Qué plan? Responde 1 Fax Plus"


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_name_is_shown_whole_where_any_wording_fits_it(lang):
    yes = "YES" if lang == "en" else "SÍ"
    for label in ("gsm7_extension", "accented"):
        values = extreme(EXTREME_NAMES[label])  # 100-character names: the column's limit
        name = values["product"]
        for key in ("confirm_cancel_plan", "done_cancel_plan", "refused_already_cancelled",
                    "refused_plan_ended", "refused_app_store_plan"):
            text = render(key, values, brand="Second Line", lang=lang)
            assert name in text and segments(text)[1] <= 3, (key, text)
        for kind in ("number", "feature"):
            text = render("confirm_cancel_plan", {**values, "kind": kind}, brand="B", lang=lang)
            assert name in text and yes in text and segments(text)[1] <= 3, text
        assert name in receipt_text("plan_cancelled", values, brand="Second Line", lang=lang)


# What the Spanish must say, whatever its length (R3, R6, R10, R16, R20) ----------------------
def es(key: str, **values) -> str:
    return render(key, {**LONGEST, **values}, brand="Second Line", lang="es")


def test_spanish_help_has_the_brand_the_commands_a_person_rates_and_opt_out_within_3_segments_R16():
    text = es("help")
    assert text.startswith("Second Line: ") and segments(text) == ("GSM-7", 2)
    for command in ("PLANES", "MAS", "CANCELAR PLAN", "CANCELAR LINEA", "REEMBOLSO", "REACTIVAR", "CAMBIAR NUMERO",
                    "BLOQUEAR", "DESBLOQUEAR", "CODIGO", "AGENTE (una persona)"):
        assert command in text, command
    assert "Pueden aplicarse tarifas de mensajes y datos." in text
    assert text.endswith("Responde ALTO para dejar de recibir mensajes.")
    longer = render("help", None, brand="Segunda Línea Comunicaciones", lang="es")
    assert segments(longer)[1] <= 3 and "AGENTE" in longer and longer.endswith("Responde ALTO para no recibir más.")


def test_spanish_opt_out_says_it_cancels_no_plan_or_line_R16():
    text = es("opted_out")
    assert "no canceló ningún plan ni línea" in text and "COMENZAR" in text


def test_spanish_confirmations_name_what_the_date_no_refund_and_irreversible_R3_R10():
    plan = es("confirm_cancel_plan", then_line=False)
    assert plan == ("¿Cancelar Voicemail Transcription? Deja de renovarse y funciona hasta el 31 de dic de 2026. "
                    "Sin reembolso. Responde SÍ para confirmar o NO.")
    number_plan = es("confirm_cancel_plan", kind="number", product="Unlimited Annual", then_line=False)
    assert "Unlimited Annual" in number_plan and "(555) 010-0001" in number_plan and "31 de dic de 2026" in number_plan
    line = es("confirm_cancel_line", app_store_plans=[])
    assert line == ("¿Cancelar la línea (555) 010-0001 y todos sus planes? Funciona hasta el 31 de dic de 2026 y "
                    "luego se libera el número. Sin reembolso. No se puede deshacer. Responde SÍ para confirmar o NO.")
    for text in (plan, number_plan, line):
        assert segments(text)[1] <= 3


@pytest.mark.parametrize("store", [["Call Recording"], ["Unlimited Annual", "Call Recording"],
                                   EXTREME_NAMES["mixed"]], ids=["one", "two", "many"])
def test_spanish_line_cancellation_with_app_store_plans_says_apple_keeps_billing_R6_R10(store):
    text = es("confirm_cancel_line", app_store_plans=store)
    assert segments(text)[1] <= 3, (len(text), text)
    for required in ("(555) 010-0001", "31 de dic de 2026", "Sin reembolso", "No se puede deshacer",
                     "Apple sigue cobrando", "Responde SÍ o NO."):
        assert required in text, required
    done = es("done_cancel_line", app_store_plans=store)
    receipt = receipt_text("line_cancelled", {**LONGEST, "app_store_plans": store}, brand="Second Line", lang="es")
    for text in (done, receipt):
        assert segments(text)[1] <= 3 and "31 de dic de 2026" in text and "Sin reembolso" in text
        assert "Apple" in text and APPLE_SUBSCRIPTIONS_URL in text  # Apple's page comes with the receipt


def test_spanish_app_store_refusals_give_apples_steps_and_page_R4_R6():
    alone = es("refused_app_store_plan")
    assert "solo tú puedes cancelarlo" in alone and "Suscripciones" in alone and APPLE_SUBSCRIPTIONS_URL in alone
    first = es("refused_addons_first_app_store")
    assert first.startswith("Primero cancela Text Archive y Call Recording en tu cuenta de Apple (Suscripciones")
    assert APPLE_SUBSCRIPTIONS_URL in first and "CANCELAR LÍNEA" in first


def test_a_language_without_a_catalogue_is_answered_in_english():
    assert render("pin_ok", None, brand="B", lang="fr") == "PIN OK."
    assert render("pin_ok", None, brand="B", lang="es") == "PIN correcto."
