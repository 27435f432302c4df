"""Everything the conversation can say has words in every language of both channels' tables
(DESIGN habit 3, R20), no language has a key the others lack, and no table has words for a key
nothing says: a deleted key, a key a new journey forgot, or a stale one, fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from importlib import import_module

from core import languages
from core.formatting import LANGUAGES
from core.journeys import REGISTRY
from vocabulary import fold, vocabulary

ROOT = Path(__file__).resolve().parent.parent
# Each language's catalogues, where the language registry says they are.
CATALOGUES = {ROOT / (lang.catalogues[door].replace(".", "/") + ".py")
              for lang in languages.BY_CODE.values() for door in ("sms", "voice")}


def _table(door: str, name: str) -> dict:
    return {code: getattr(import_module(languages.get(code).catalogues[door]), name) for code in languages.CODES}


TABLES = {"sms": _table("sms", "REPLIES"), "sms receipts": _table("sms", "RECEIPTS"),
          "voice": _table("voice", "PROMPTS")}


def _sources(*folders: str) -> str:
    files = [p for folder in folders for p in (ROOT / folder).rglob("*.py") if p not in CATALOGUES]
    return "".join(p.read_text() for p in files)


def conversation_keys() -> set[str]:
    """Every prompt key the core can emit: each journey's declared keys, confirm_/done_ of the
    journeys that change something, and the prompts the conversation says itself."""
    keys = set(re.findall(r'Prompt\("([a-z_]+)"', _sources("core")))
    for journey in REGISTRY.values():
        keys |= set(journey.prompts)
        if journey.changes:
            keys |= {f"confirm_{journey.name}", f"done_{journey.name}"}
    return keys


def door_keys(*folders: str) -> set[str]:
    """Keys a door (or the core, for failures and receipts) names itself: its string literals."""
    return set(re.findall(r'"([a-z_]+)"', _sources(*folders)))


@pytest.mark.parametrize("channel", ["sms", "voice"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_prompt_the_conversation_can_emit_has_words_in_every_language_R20(channel, lang):
    assert conversation_keys() - set(TABLES[channel][lang]) == set()


@pytest.mark.parametrize("table", list(TABLES))
def test_no_language_has_a_key_the_others_lack_R20(table):
    keys = {lang: set(TABLES[table][lang]) for lang in LANGUAGES}
    assert set(TABLES[table]) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert keys[lang] == keys[languages.DEFAULT_CODE], (lang, keys[lang] ^ keys[languages.DEFAULT_CODE])


@pytest.mark.parametrize("table, folders", [("sms", ("sms", "core", "web")), ("voice", ("ivr", "core", "web")),
                                            ("sms receipts", ("core",))])
def test_no_table_has_words_for_a_key_nothing_says(table, folders):
    said = conversation_keys() | door_keys(*folders)
    assert set(TABLES[table][languages.DEFAULT_CODE]) - said == set()


def test_the_test_would_catch_a_deleted_key():
    # The example: deleting plan_not_found used to leave the suite green.
    assert "plan_not_found" in conversation_keys() and {"help", "main_menu", "offer_spanish"} <= door_keys("sms", "ivr", "core")


# The vocabularies the doors read with (vocabulary/): one per language, the same shape ---------
def test_each_vocabulary_lists_the_r11_reasons_in_the_order_they_are_offered():
    orders = {lang: list(vocabulary(lang).reasons) for lang in LANGUAGES}
    assert all(order == orders["en"] for order in orders.values()), orders


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_word_of_a_vocabulary_is_folded(lang):
    words = vocabulary(lang)
    phrases = (set(words.opt_out | words.opt_in | words.help | words.more | words.yes | words.no | words.skip
                   | words.accept | words.markers)
               | set(words.agent) | set(words.repeat) | {p for ps in words.reasons.values() for p in ps}
               | {p for ps, _ in words.main_menu + words.cancel_menu for p in ps}
               | {" ".join(cmd) for cmd, _ in words.commands})
    assert {p for p in phrases if fold(p) != p} == set()


def test_spanish_consent_words_are_r16s_and_never_a_command_or_an_answer_of_either_language():
    es, en = vocabulary("es"), vocabulary("en")
    assert {"alto", "parar", "cancelar", "no mas"} <= es.opt_out
    assert {"ayuda", "info"} <= es.help and "si" in es.opt_in and "si" in es.yes  # as YES is in English
    assert "mas" in es.more and "no mas" not in es.more  # a page is MORE; "no más" opts out
    for words in (es, en):
        commands = {" ".join(cmd) for cmd, _ in words.commands}
        assert es.opt_out & (commands | words.yes | words.accept | words.more | words.help) == set()
    assert es.markers & en.markers == set()  # a marker tells the language only if the other lacks it
