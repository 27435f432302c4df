"""Voice prompts people can follow (issue 12, item 6), in English and Spanish: every menu has
at most five options and at most 40 words; a miss is answered with the options named briefly,
a second with their names alone, a third reaches a person (R15); troubleshooting reads the one
fix asked for; a finished task asks "anything else?" and ends with a short goodbye.

The ceiling: at the ~150 words a minute of Twilio's voices, 40 words is about 16 seconds, which
is what a caller can hold while deciding (the old main menu: 8 options, 75 words, 30 seconds,
replayed in full after every miss and every task)."""

from __future__ import annotations

import re

import pytest

from core.conversation import RedisConversations
from core.policy import FIXES
from ivr.prompts import FIXES as SAID_FIXES, say
from ivr.render import MENUS
from tests.helpers import line

DANA, SAM, PAT = "+15557770001", "+15557770003", "+15557770004"
MAX_OPTIONS, MAX_WORDS = 5, 40
MENU_PROMPTS = [key for keys in MENUS.values() for key in keys] + ["ask_fix"]
OLD_MAIN_MENU = ("To cancel a plan or your line, press 1 or say cancel. For our refund policy and your term dates, "
                 "press 2. For problems with calls, texts or ringing, press 3. To reactivate your number, press 4. "
                 "To change your number, press 5. To block a number, press 6; to unblock one, press 7. For a "
                 "person, press 0 or say agent. To hear this again, press star.")


def options(text: str) -> set[str]:
    """The keys a menu offers: every key it names (a digit on its own, or star/pound)."""
    keys = set(re.findall(r"(?<!\d)\d(?!\d)", text))
    return keys | {k for k in ("star", "pound", "asterisco", "numeral") if re.search(rf"\b{k}\b", text)}


def words(text: str) -> int:
    return len(text.split())


def test_the_counting_catches_the_menu_callers_could_not_follow():
    assert len(options(OLD_MAIN_MENU)) == 9 > MAX_OPTIONS and words(OLD_MAIN_MENU) == 68 > MAX_WORDS


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("key", MENU_PROMPTS)
def test_every_menu_has_at_most_five_options_and_forty_words(key, lang):
    text = say(key, {}, brand="Second Line", lang=lang)
    assert len(options(text)) <= MAX_OPTIONS, (text, options(text))
    assert words(text) <= MAX_WORDS, (words(text), text)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_r11_question_names_its_five_reasons_and_the_skip_in_forty_words(lang):
    # R11 names five reasons and requires a skip at any moment: five options and the way on.
    text = say("ask_reason", {}, brand="Second Line", lang=lang)
    assert options(text) == {"1", "2", "3", "4", "5", "9"} and words(text) <= MAX_WORDS, (words(text), text)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_tapered_prompts_get_shorter(lang):
    for full, brief, names in MENUS.values():
        lengths = [words(say(k, {}, brand="B", lang=lang)) for k in (full, brief, names)]
        assert lengths[1] < lengths[0] and lengths[2] <= lengths[1], (full, lengths)


@pytest.mark.parametrize("lang, before, sorry", [("en", [], "Sorry, I didn't get that."),
                                                ("es", ["9"], "Perdón, no te entendí.")])
def test_a_miss_names_the_options_briefly_a_second_names_only_a_third_a_person_R15(call, deps, demo, lang, before,
                                                                                   sorry):
    t = call(DANA, [*before, "5", "-", "-", "answer"])
    said = t.said()
    full, brief, names = (say(k, {}, brand="Second Line", lang=lang) for k in MENUS[None])
    assert said.count(full) == 1  # once, when the call began: never replayed after a miss
    assert f"{sorry} " in said and said.count(brief) == 1 and said.count(names) == 1
    assert said.index(brief) < said.index(names)
    assert "dial" in t.kinds() and "couldn't understand them" in " ".join(t.text("whisper"))


@pytest.mark.parametrize("keys, journey", [(["4", "1"], "reactivate"), (["4", "2"], "change_number"),
                                           (["4", "3"], "block"), (["4", "4"], "unblock"),
                                           (["say unblock a number"], "unblock"), (["say number", "3"], "block"),
                                           (["say turn my number back on"], "reactivate")])
def test_the_more_menu_reaches_each_of_its_options_by_key_and_by_speech(call, deps, demo, keys, journey):
    t = call(SAM, [*keys, "hangup"])
    state = RedisConversations(deps.redis).load(f"voice:{t.sim.sid}")
    assert state.journey == journey and "enter your line's PIN" in t.said()


def test_the_more_menu_is_a_menu_of_its_own(call, demo):
    t = call(SAM, ["4", "hangup"])
    assert t.said().endswith(say("more_menu", {}, brand="Second Line"))


@pytest.mark.parametrize("key, fix", list(enumerate(FIXES.values(), 1))[:1] + [(3, "device_settings")])
def test_troubleshooting_reads_the_one_fix_chosen_alone(call, deps, demo, key, fix):
    t = call(DANA, ["3", str(key), "2"])
    said = t.said()
    assert SAID_FIXES[fix] in said
    assert all(text not in said for other, text in SAID_FIXES.items() if other != fix)
    assert "If you still want to cancel" not in said  # that is a cancellation's offer (R11), not asked here
    assert said.endswith("Thanks for calling. Goodbye.") and t.kinds()[-2:] == ["hangup", "end"]


@pytest.mark.parametrize("lang, before, bye, goodbye", [
    ("en", [], "2", "Thanks for calling. Goodbye."), ("en", [], "say goodbye", "Thanks for calling. Goodbye."),
    ("en", [], "say no thanks", "Thanks for calling. Goodbye."), ("es", ["9"], "say adiós", "Gracias por llamar. Adiós."),
    ("es", ["9"], "2", "Gracias por llamar. Adiós.")])
def test_a_finished_task_asks_anything_else_and_ends_with_a_short_goodbye(call, deps, demo, lang, before, bye,
                                                                          goodbye):
    t = call(PAT, [*before, "4", "1", "9999#", "1", bye])
    said = t.said()
    anything_else = say("anything_else", {}, brand="Second Line", lang=lang)
    done = said.index("Tu línea" if lang == "es" else "Done.")
    assert said.index(anything_else) > done
    assert say("main_menu", {}, brand="Second Line", lang=lang) not in said[done:]  # not the whole menu again
    assert said.endswith(goodbye) and t.kinds()[-2:] == ["hangup", "end"]
    assert line(deps, "pat").status == "active"


def test_after_a_task_the_menu_or_a_new_request_said_straight_away(call, deps, demo):
    t = call(DANA, ["3", "1", "1", "hangup"])
    assert t.said().endswith(say("main_menu", {}, brand="Second Line"))
    t = call(DANA, ["3", "1", "say I want my money back", "hangup"])
    assert "There are no refunds of any kind" in t.said()


def test_silence_after_a_task_tapers_too_and_a_person_is_always_reachable_R15(call, demo):
    t = call(DANA, ["3", "1", "-", "-", "-", "answer"])
    said = t.said()
    assert say("anything_else_brief", {}, brand="Second Line") in said
    assert say("anything_else_names", {}, brand="Second Line") in said and "dial" in t.kinds()


def test_spanish_chosen_by_mistake_has_its_way_back_said_in_english_R20(call, demo):
    t = call(DANA, ["9", "9", "hangup"])
    said = t.said()
    assert "Te atenderemos en español. For English, press 9." in said
    assert said.endswith(say("main_menu", {}, brand="Second Line"))


def test_misses_before_a_usable_key_dont_add_up_to_a_person_R15(call, demo):
    """Two misses at the main menu, then 1 opens the cancel menu: one miss there is its first,
    not a third in a row."""
    t = call(DANA, ["5", "5", "1", "7", "hangup"])
    assert "dial" not in t.kinds()
    assert "Sorry, I didn't get that." in t.said()
