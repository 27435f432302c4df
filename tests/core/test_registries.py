"""The two registries are the only lists (DESIGN.md): the languages (core/languages.py) and the
journeys (core/journeys/). Every other table is derived from them; these tests fail on the
commit that writes a language code or a journey's name into a side table by hand."""

from __future__ import annotations

import ast
import re
from importlib import import_module
from pathlib import Path

import pytest

from core import languages

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ("core", "sms", "ivr", "web", "console", "appstore", "vocabulary")
# Where a language's code may be written: the registry itself, each language's catalogues and
# vocabulary (named by the registry, below), and these wording tables keyed by language.
WORDING_TABLES = {
    "console/words.py",  # the texts agents send, per language
    "appstore/wording.py",  # the App Store receipts' words, per language
    "ivr/callbacks.py",  # the call-back offer's words, per language (kept there until the prompts take them)
}
HISTORY = {"core/migrations/versions/0005_line_language.py"}  # a migration states the past as it was
# Written from the registry's Babel locales by core/locale_source.py, and held to it by
# tests/core/test_locale_tables.py (regenerated and compared).
GENERATED = {"core/locale_tables.py"}
CODE_LITERAL = re.compile(r"""(?<![\w.])["'](%s)["']""" % "|".join(map(re.escape, languages.CODES)))


def _module_path(name: str) -> str:
    return name.replace(".", "/") + ".py"


def _registered_files() -> set[str]:
    files = {"core/languages.py"}
    for lang in languages.BY_CODE.values():
        files.add(_module_path(lang.vocabulary))
        files |= {_module_path(m) for m in lang.catalogues.values()}
    return files


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield str(path.relative_to(ROOT)), path.read_text()
    yield "wsgi.py", (ROOT / "wsgi.py").read_text()


def test_every_module_the_language_registry_names_exists():
    for lang in languages.BY_CODE.values():
        assert import_module(lang.vocabulary).WORDS.lang == lang.code
        assert import_module(lang.vocabulary).LEXICON.lang == lang.code
        for door, module in lang.catalogues.items():
            assert import_module(module), (lang.code, door)
        assert (ROOT / "vocabulary" / "phrases" / lang.phrases).is_file()


def test_no_language_code_is_written_outside_the_registry_its_catalogues_and_tests_R20():
    allowed = _registered_files() | WORDING_TABLES | HISTORY | GENERATED
    found = {}
    for name, text in _sources():
        if name in allowed:
            continue
        hits = [n for n, line in enumerate(text.splitlines(), 1) if CODE_LITERAL.search(line)]
        if hits:
            found[name] = hits
    assert found == {}


def test_no_module_writes_the_language_list_by_hand():
    """A ``LANGUAGES`` (or similar) table is derived from the registry, never spelled out (a
    wording table keyed by language is a catalogue's business)."""
    allowed = _registered_files() | WORDING_TABLES | HISTORY | GENERATED
    found = []
    for name, text in _sources():
        if name in allowed:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
                elts = node.value.keys if isinstance(node.value, ast.Dict) else node.value.elts
                codes = {e.value for e in elts if isinstance(e, ast.Constant)} & set(languages.CODES)
                if len(codes) >= 2 and len(codes) == len(languages.CODES):
                    found.append((name, node.lineno))
    assert found == []


@pytest.mark.parametrize("code", languages.CODES)
def test_each_language_is_said_and_heard_in_a_locale_twilio_documents(code):
    from core import voice_settings

    lang = languages.get(code)
    assert voice_settings.voice_problem(lang.voice, lang.locale) is None
    assert voice_settings.build({}, None, None).say(code)["language"] == lang.locale


def test_an_unknown_code_is_the_default_language():
    assert languages.get("xx") is languages.DEFAULT and languages.get(None) is languages.DEFAULT
    assert languages.code_or_none("xx") is None and languages.known(languages.DEFAULT_CODE)


# The journeys ---------------------------------------------------------------------------------
def test_every_journey_that_changes_something_says_which_words_name_its_change_R18():
    from core.journeys import REGISTRY

    assert [name for name, j in REGISTRY.items() if j.changes and j.names is None] == []


def test_each_voice_menu_key_means_one_thing():
    from core.journeys import REGISTRY
    from vocabulary.interpret import AGENT_KEY, LANGUAGE_KEY, MENU_KEYS, REPEAT_KEY

    places = [j.menu for j in REGISTRY.values() if j.menu is not None]
    assert len(places) == len(set(places))
    for sub, key in places:
        assert sub in MENU_KEYS and key not in MENU_KEYS[sub] and key not in (AGENT_KEY, REPEAT_KEY, LANGUAGE_KEY)


def test_the_menus_keys_come_from_the_registry():
    """Adding a journey's menu place is enough for its key to start it (nothing else lists it)."""
    from core.journeys import REGISTRY
    from vocabulary.interpret import menu_keys

    for name, j in REGISTRY.items():
        if j.menu is not None:
            got = menu_keys(j.menu[0])[j.menu[1]]
            assert got.intent.kind == "journey" and got.intent.value == name


def test_the_change_words_the_model_is_held_to_are_the_registrys():
    from core.journeys import REGISTRY, troubleshoot
    from vocabulary.understand import CHANGES, FIXES

    assert {j for j in CHANGES.values()} == {name for name, j in REGISTRY.items() if j.changes}
    assert FIXES == troubleshoot.FIXES


JOURNEY_TABLES = WORDING_TABLES | {"ivr/prompts.py", "ivr/prompts_es.py", "sms/replies.py", "sms/replies_es.py"}


def test_no_side_table_lists_the_journeys_by_hand():
    """A table keyed by three or more journeys' names outside core/journeys/ is a second list of
    them (wording tables excepted: each journey's words are its own, held to the registry below)."""
    from core.journeys import REGISTRY

    names = set(REGISTRY)
    found = []
    for name, text in _sources():
        if name.startswith("core/journeys/") or name in JOURNEY_TABLES | _registered_files():
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if len(keys & names) >= 3:
                    found.append((name, node.lineno))
    assert found == []


def test_every_journey_a_clarifying_question_may_offer_is_named_in_every_catalogue():
    """Issue 21: a clarifying question names both choices in a customer's words; "callback" had
    been offered as its key ("plans (reply 1) or callback (reply 2)?")."""
    from core.journeys import REGISTRY
    from ivr import prompts, prompts_es
    from sms import replies, replies_es

    offered = set(REGISTRY) - {"clarify"}
    for catalogue in (replies, replies_es, prompts, prompts_es):
        assert offered - set(catalogue.WHICH) == set(), catalogue.__name__


def test_the_wording_tables_name_only_journeys_the_registry_has():
    from core.journeys import REGISTRY
    from sms import replies

    assert set(replies.WHICH) - set(REGISTRY) == set()
    assert set(replies.COMMAND_WORDS) - set(REGISTRY) == set()
    for code in languages.CODES:
        from vocabulary import vocabulary

        assert {action for _, action in vocabulary(code).commands} - set(REGISTRY) <= {"agent"}
