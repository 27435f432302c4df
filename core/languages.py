"""The language registry: the one list of the languages Switchboard speaks (R20).

Each language declares its code, how Twilio says and hears it (the <Say>/<Gather> locale,
the default voice and the voices Twilio documents for that locale), how its dates and lists
are written (Babel patterns and locales), and where its words are: its vocabulary module
(what people say, vocabulary/) and each door's catalogue module (what we say). Everything
else that depends on the language list — the doors' catalogue lookup, the voice settings,
the console's filter, the formats — asks here; nobody writes the list out beside it
(tests/core/test_registries.py holds them to it).

A new language is one entry below, its vocabulary and its catalogues, and their tests.
Core only names the modules (as strings, never imported here): each door loads its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as lines, conversations and escalations keep it
    name: str  # its English name (the agents' console, the whisper)
    locale: str  # Twilio's <Say language> and <Gather language>
    voice: str  # the default <Say voice> (VOICE_<CODE> overrides it)
    polly_voices: frozenset[str]  # Amazon Polly voices AWS lists for the locale (Twilio names them Polly.<Name>)
    basic_voices: frozenset[str]  # Twilio's basic voices documented for the locale
    date_pattern: str  # Babel's format_date pattern of a day ("Dec 15, 2026")
    babel_locale: str  # Babel's locale for dates
    list_locale: str  # Babel's locale for "a, b and c" (CLDR's standard list pattern)
    # Today's and tomorrow's dates as said in a reply (issue 22). Spanish templates put "el"
    # before a day ("hasta el {day}"): "el día de hoy" reads right there too.
    today_tomorrow: tuple[str, str]
    vocabulary: str  # the module of its words (vocabulary.Vocabulary WORDS, lexicon.Lexicon LEXICON)
    phrases: str  # the training phrases of the understanding model (vocabulary/phrases/<file>)
    # Each door's catalogue module, by door ("sms": replies, "voice": prompts, …).
    catalogues: Mapping[str, str] = field(default_factory=dict)
    # Characters only this language writes (a text holding one is in this language).
    marks: str = ""
    # The voice menu's prompt that offers this language to a caller in another one.
    offer_prompt: str | None = None
    # Said once a caller chose this language at the menu (before the way back to the default one).
    chosen_prompt: str | None = None
    # Whether Twilio transcribes a voicemail in it (<Record transcribe>: English only).
    transcribed: bool = False


_REGISTRY: tuple[Language, ...] = (
    Language(
        code="en", name="English", locale="en-US", voice="Polly.Joanna-Neural",
        polly_voices=frozenset({"Danielle", "Gregory", "Ivy", "Joanna", "Joey", "Justin", "Kendra", "Kevin",
                                "Kimberly", "Matthew", "Patrick", "Ruth", "Salli", "Stephen"}),
        basic_voices=frozenset({"man", "woman"}),
        date_pattern="MMM d, y", babel_locale="en", list_locale="en_GB",  # the house style: no serial comma
        today_tomorrow=("today", "tomorrow"),
        vocabulary="vocabulary.en", phrases="en.tsv",
        catalogues=MappingProxyType({"sms": "sms.replies", "voice": "ivr.prompts", "voice_hints": "ivr.hints_en"}),
        offer_prompt="offer_english", transcribed=True,
    ),
    Language(
        code="es", name="Spanish", locale="es-US", voice="Polly.Lupe-Neural",
        polly_voices=frozenset({"Lupe", "Miguel", "Pedro", "Penelope"}),
        basic_voices=frozenset(),  # es-US is not among the basic voices' languages
        date_pattern="d 'de' MMM 'de' y", babel_locale="es", list_locale="es",
        today_tomorrow=("día de hoy", "día de mañana"),
        vocabulary="vocabulary.es", phrases="es.tsv",
        catalogues=MappingProxyType({"sms": "sms.replies_es", "voice": "ivr.prompts_es",
                                      "voice_hints": "ivr.hints_es"}),
        marks="¿¡ñÑáíóúÁÍÓÚ", offer_prompt="offer_spanish", chosen_prompt="spanish_chosen",
    ),
)

BY_CODE: Mapping[str, Language] = MappingProxyType({lang.code: lang for lang in _REGISTRY})
CODES: tuple[str, ...] = tuple(BY_CODE)  # in the registry's order
DEFAULT: Language = _REGISTRY[0]  # the language of a caller we know nothing of, and of the agents
DEFAULT_CODE: str = DEFAULT.code


def known(code: Any) -> bool:
    return isinstance(code, str) and code in BY_CODE


def get(code: Any) -> Language:
    """The language of ``code``; the default one for anything unknown (a missing or foreign code)."""
    return BY_CODE.get(code, DEFAULT) if isinstance(code, str) else DEFAULT


def code_or_default(code: Any) -> str:
    return get(code).code


def code_or_none(code: Any) -> str | None:
    return code if known(code) else None


def others(code: str) -> tuple[str, ...]:
    """Every language but this one, in the registry's order."""
    return tuple(c for c in CODES if c != code)


def next_after(code: str) -> str:
    """The language a caller is offered from this one (the menu's language key cycles through them)."""
    at = CODES.index(code) if code in BY_CODE else 0
    return CODES[(at + 1) % len(CODES)]


def offered_in(prompt: str) -> str | None:
    """The language a prompt offering that language is said in (whatever the call's, R20)."""
    return next((lang.code for lang in _REGISTRY if lang.offer_prompt == prompt), None)


def by_offer() -> Mapping[str, str]:
    return {lang.offer_prompt: lang.code for lang in _REGISTRY if lang.offer_prompt}
