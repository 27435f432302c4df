"""R19 on the phone: every prompt is at most 40 words and a confirmation at most 45 (R10's
content and the keys to answer with included), in both languages (R20), with data as long as
a line's usually is (three plans, two of them from the App Store, three add-ons). What does not
fit (Apple's steps, the rest of a list) is texted or said after the answer."""

from __future__ import annotations

import datetime as dt

import pytest

from core.policy import APPLE_SUBSCRIPTIONS_URL, FIXES
from ivr.prompts import PROMPTS, say

MAX_WORDS, MAX_CONFIRM_WORDS = 40, 45
TERM = dt.date(2026, 12, 31)
LONG = {
    "to": ["0012", "0010"], "number": "+15550100001", "old": "+15550100002", "blocked": "+15559990000",
    "product": "Voicemail Transcription", "kind": "number", "term_end": TERM, "then_line": True, "minutes": 15,
    "action": "unblock", "asked": "fax", "ref": 123456, "last4": "0001", "new": "+15550100900", "area": "212",
    "area_found": False, "renews": True, "new_term": True, "status": "cancel_pending", "status_reason": "unpaid",
    "reactivatable": True, "url": APPLE_SUBSCRIPTIONS_URL,
    "plans": [{"product": "Unlimited Annual", "channel": "app_store", "term_end": TERM, "renews": True},
              {"product": "Text Archive", "channel": "portal", "term_end": TERM, "renews": False},
              {"product": "Call Recording", "channel": "app_store", "term_end": TERM, "renews": True}],
    "terms": [{"product": p, "term_end": TERM} for p in ("Unlimited Annual", "Text Archive", "Call Recording")],
    "choices": ["Unlimited Annual", "Text Archive", "Call Recording"],
    "app_store_plans": ["Unlimited Annual", "Call Recording"],
    "addons": ["Text Archive", "Call Recording", "Voicemail Transcription"],
}
# A confirmation is its prompt and the keys to answer it with (what the caller hears before answering).
CONFIRMATIONS = {key for key in PROMPTS if key.startswith("confirm_") and key != "confirm_expired"}


def words(text: str) -> int:
    return len(text.split())


def cases():
    for lang in ("en", "es"):
        for key in PROMPTS:
            for fix in (FIXES.values() if "fix" in key else [None]):
                yield pytest.param(lang, key, fix, id=f"{lang}-{key}" + (f"-{fix}" if fix else ""))


@pytest.mark.parametrize("lang, key, fix", list(cases()))
def test_every_voice_prompt_is_at_most_40_words_and_a_confirmation_45_R19(lang, key, fix):
    values = {**LONG, **({"fix": fix} if fix else {})}
    text = say(key, values, brand="Second Line", lang=lang)
    if key in CONFIRMATIONS:
        text += " " + say("hint_confirm", brand="Second Line", lang=lang)
    limit = MAX_CONFIRM_WORDS if key in CONFIRMATIONS else MAX_WORDS
    assert words(text) <= limit, (words(text), text)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_line_cancellation_with_app_store_plans_still_says_apple_bills_on_and_everything_r10_needs(lang):
    text = say("confirm_cancel_line", LONG, brand="Second Line", lang=lang)
    needs = {"en": ("Apple", "Dec 31, 2026", "released", "No refund", "can't be undone"),
             "es": ("Apple", "31 de dic de 2026", "libera", "Sin reembolso", "irreversible")}[lang]
    assert all(n in text for n in needs), text


def test_the_measure_catches_the_confirmation_callers_could_not_hold():
    old = ("You asked to cancel your line ending 0 0 0 1. The plans you bought from us stop renewing. It works "
           "until Dec 31, 2026, then the number is released. There is no refund, and this cannot be undone. "
           "Unlimited Annual and Call Recording was bought in the App Store: Apple keeps billing it until you also "
           "cancel it in your Apple account. Only you can cancel it, in your Apple account: open the App Store on "
           "your phone or computer, go to Subscriptions, choose this app's subscription, and cancel it there.")
    assert words(old) > MAX_CONFIRM_WORDS
