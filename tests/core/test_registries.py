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
    "ivr/menu.py",  # the voice menus' extra words: until the one interpreter takes them (vocabulary/)
    "ivr/views.py",  # the language key's choice: likewise
}
HISTORY = {"core/migrations/versions/0005_line_language.py"}  # a migration states the past as it was
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
    allowed = _registered_files() | WORDING_TABLES | HISTORY
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
    allowed = _registered_files() | WORDING_TABLES | HISTORY
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
