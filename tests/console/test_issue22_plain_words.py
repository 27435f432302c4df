"""Issue 22: the console speaks plainly to agents. No rule ids in what they read (the rules
stay in the code and the tests), summaries that are sentences ("They asked to cancel a plan:
Call Recording"), and nothing promised that won't come (a Spanish voicemail's transcription)."""

from __future__ import annotations

import html
import re

from tests.console.conftest import AGENT

DANA = "+15550100001"
RULE_ID = re.compile(r"\bR\d{1,2}\b")


def _page(console_as, case_id: int = 1) -> str:
    text = console_as(AGENT).get(f"/console/cases/{case_id}").get_data(as_text=True)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def test_the_case_page_shows_no_rule_ids_and_says_what_they_asked_in_a_sentence(phone, demo, agent, console_as):
    p = phone(DANA)
    p.text("STOP PLAN CALL RECORDING"), p.text("1111"), p.text("1234")
    p.text("AGENT")
    page = " ".join(_page(console_as).split())
    assert RULE_ID.search(page) is None, RULE_ID.search(page)[0]
    assert "They asked to cancel a plan: Call Recording" in page, page
    assert "was waiting for their yes" in page and "a cancel plan" not in page
    assert "_" not in page.split("What the bot did")[1].split("The whisper")[0]  # the bot's steps, in words


def test_a_spanish_voicemail_does_not_promise_a_transcription(call, demo, agent, console_as, deps):
    call(DANA, ["9", "1", "1", "1234#", "0", "busy", "record"])
    page = " ".join(_page(console_as).split())
    assert "Not yet" not in page, page
    assert "English only" in page


def test_an_english_voicemail_still_says_its_transcription_is_coming(call, demo, agent, console_as):
    call(DANA, ["1", "1", "1234#", "0", "busy", "record"])
    page = " ".join(_page(console_as).split())
    assert "Not yet" in page


NOTES = ["PIN verified", "PIN entry locked (R9)", "wrong PIN", "cancel_plan refused: addons_first_app_store",
         "cancel_line: done", "reactivate: already_active (confirmed twice)", "declined cancel_line",
         "offered fix voice_network_mode", "took fix block_spam", "chose fix device_settings", "chose change_number",
         "chose language es", "asked for a person (escalation 12)", "three unusable inputs in a row",
         "one-time code asked for the line ending 0001", "handed off for line dana", "asked which: plans or refund",
         "confirmation expired", "skipped the fix", "forgot the PIN"]


def test_every_step_the_bot_notes_reads_as_words_without_codes_or_rule_ids():
    from console.words import bot_step

    for note in NOTES:
        said = bot_step(note)
        assert "_" not in said and not RULE_ID.search(said) and said[0].isupper(), (note, said)
