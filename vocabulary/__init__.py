"""The words people use, per language: what the doors (sms/, ivr/) turn into the
conversation's intents. The core never sees a word of any language; a new language is a
new module here and a catalogue in each channel.

Everything is matched after ``fold`` (lower case, accents and punctuation removed), so the
lists hold folded forms ("linea", not "línea").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module

from core import languages
from core.formatting import fold  # noqa: F401 - the doors match words folded, as the lists are


Phrases = tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    lang: str
    # R16 consent and HELP: a message that is only one of these.
    opt_out: frozenset[str]
    opt_in: frozenset[str]
    help: frozenset[str]
    more: frozenset[str]  # the next page of a long list (R19)
    # Text commands: (the command's words, action); longest first so that "stop plan" wins over "stop".
    commands: tuple[tuple[Phrases, str], ...]
    # Answers, as whole (folded) messages.
    yes: frozenset[str]
    no: frozenset[str]
    skip: frozenset[str]  # R11: skip the question or the offer and go on
    accept: frozenset[str]  # R11: take the offered fix
    # Phrases found anywhere in what was said.
    agent: Phrases
    repeat: Phrases
    reasons: dict[str, Phrases]  # R11: why the caller is leaving → the fix's reason code
    # Voice menus: (phrases, choice) in order, the first match wins.
    main_menu: tuple[tuple[Phrases, str], ...]
    cancel_menu: tuple[tuple[Phrases, str], ...]
    # Words that mark a message as written in this language (with its commands and answers).
    markers: frozenset[str] = field(default_factory=frozenset)
    # R21: asking for a one-time code instead of the PIN (found anywhere in what was said).
    forgot: Phrases = ()
    # The voice menus' own words, as whole (folded) answers: the cancel word said alone (the
    # cancel menu asks which), the "more" menu, back to the menu, and the end of the call.
    cancel: frozenset[str] = frozenset()
    more_menu: frozenset[str] = frozenset()
    to_menu: frozenset[str] = frozenset()
    goodbye: frozenset[str] = frozenset()


LANGUAGES = languages.CODES


@lru_cache(maxsize=None)
def vocabulary(lang: str) -> Vocabulary:
    """The language's words (the default language's for a language we don't have), from the
    module the language registry names (core/languages.py)."""
    return import_module(languages.get(lang).vocabulary).WORDS


def contains(text: str, phrases: Phrases) -> bool:
    padded = f" {text} "
    return any(f" {p} " in padded for p in phrases)
