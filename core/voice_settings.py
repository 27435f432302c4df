"""Which text-to-speech voices and speech-recognition settings Twilio documents as valid for
the languages calls are held in (en-US, es-US): checked once, at start, so that a typo in
VOICE_EN or an undocumented combination (speechTimeout="auto" with a speech model) is refused
with one clear line instead of failing quietly on a live call.

What Twilio documents (checked against its pages; see the issue's note):
- <Say voice>: ``man``/``woman`` (the Basic provider's voices; documented languages en, en-gb,
  es, fr, de, with en-US the verb's default), Amazon Polly voices as ``Polly.<Name>`` with an
  optional ``-Neural``/``-Generative`` engine suffix, Google voices as
  ``Google.<locale>-<Type>-<Variant>``. "Using an invalid combination of voice and language may
  result in error and <Say> instruction failure."
- <Gather speechTimeout>: a positive integer (seconds) or ``auto``; ``auto`` is not supported
  once a ``speechModel`` is set (warnings 13335, 13327).
- <Gather speechModel>: the generic models ``default``, ``numbers_and_commands``,
  ``phone_call``, ``experimental_conversations``, ``experimental_utterances`` (or none: Twilio
  picks); ``enhanced="true"`` (the premium model) only with ``phone_call``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core import languages

# The languages calls are held in, by the catalogue's language (core/languages.py).
LANGUAGES = {lang.code: lang.locale for lang in languages.BY_CODE.values()}
# Amazon Polly's voices for each language (AWS's list), as Twilio names them.
POLLY = {lang.locale: set(lang.polly_voices) for lang in languages.BY_CODE.values()}
BASIC = {lang.locale: set(lang.basic_voices) for lang in languages.BY_CODE.values()}
DEFAULT_VOICES = {lang.code: lang.voice for lang in languages.BY_CODE.values()}
ACCOUNT_DEFAULT = "default"  # no voice attribute: the account's default voice (Twilio console)
SPEECH_MODELS = ("default", "numbers_and_commands", "phone_call", "experimental_conversations",
                 "experimental_utterances")
_POLLY = re.compile(r"Polly\.([A-Z][a-z]+)(?:-(Neural|Generative))?")
_GOOGLE = re.compile(r"Google\.([a-z]{2}-[A-Z]{2})-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?-[A-Z]")


@dataclass(frozen=True)
class Speech:
    """What every <Say> and speech <Gather> of a call carries, per language."""

    voices: tuple[tuple[str, str], ...] = tuple(DEFAULT_VOICES.items())  # (lang, voice or "default")
    model: str | None = None  # speechModel; None: Twilio picks
    timeout: str = "auto"  # speechTimeout
    enhanced: bool = False

    def say(self, lang: str) -> dict[str, str]:
        """<Say> attributes for a language (its locale, and its voice unless the account's)."""
        voice = dict(self.voices).get(lang, ACCOUNT_DEFAULT)
        attrs = {"language": languages.get(lang).locale}
        if voice != ACCOUNT_DEFAULT:
            attrs["voice"] = voice
        return attrs

    def gather(self, lang: str) -> dict[str, str]:
        """A speech <Gather>'s recogniser attributes (hints are per step: ivr.render)."""
        attrs = {"language": languages.get(lang).locale, "speech_timeout": self.timeout}
        if self.model:
            attrs["speech_model"] = self.model
        if self.enhanced:
            attrs["enhanced"] = "true"
        return attrs


def voice_problem(voice: str, locale: str) -> str | None:
    """Why ``voice`` is not a voice Twilio documents for ``locale``; None when it is."""
    if voice == ACCOUNT_DEFAULT or voice in BASIC.get(locale, set()):
        return None
    polly = _POLLY.fullmatch(voice)
    if polly:
        return None if polly.group(1) in POLLY.get(locale, set()) else \
            f"{voice} is not an Amazon Polly voice for {locale} (for example: " \
            f"{', '.join('Polly.' + n for n in sorted(POLLY.get(locale, set()))[:3])})"
    google = _GOOGLE.fullmatch(voice)
    if google:
        return None if google.group(1) == locale else f"{voice} is a Google voice for {google.group(1)}, not {locale}"
    if voice in ("man", "woman"):
        example = next((lang.voice for lang in languages.BY_CODE.values() if lang.locale == locale), "Polly.<Name>")
        return f"{voice} (Twilio's basic voice) is not documented for {locale}; use e.g. {example}"
    return f"{voice!r} is not a Twilio voice (man, woman, Polly.<Name>[-Neural], Google.<locale>-<Type>-<X>, " \
           f"or {ACCOUNT_DEFAULT!r} for the account's default)"


def build(voices: dict[str, str | None], model: str | None, timeout: str | None,
          enhanced: bool = False) -> Speech:
    """The speech settings, or ValueError naming the setting and what is wrong."""
    chosen = {lang: (voices.get(lang) or DEFAULT_VOICES[lang]) for lang in LANGUAGES}
    for lang, voice in chosen.items():
        problem = voice_problem(voice, LANGUAGES[lang])
        if problem:
            raise ValueError(f"VOICE_{lang.upper()}: {problem}")
    if model is not None and model not in SPEECH_MODELS:
        raise ValueError(f"SPEECH_MODEL must be one of {', '.join(SPEECH_MODELS)} (or unset: Twilio picks), "
                         f"not {model!r}")
    timeout = (timeout or "auto").strip()
    if timeout != "auto" and not (timeout.isascii() and timeout.isdigit() and 0 < int(timeout) <= 60):
        raise ValueError(f"SPEECH_TIMEOUT must be auto or whole seconds (1-60), not {timeout!r}")
    if timeout == "auto" and model is not None:
        raise ValueError(f"SPEECH_TIMEOUT=auto can't be used with SPEECH_MODEL={model} (Twilio warning 13335): "
                         "set SPEECH_TIMEOUT to whole seconds, e.g. 2, or unset SPEECH_MODEL")
    if enhanced and model != "phone_call":
        raise ValueError("SPEECH_ENHANCED=on needs SPEECH_MODEL=phone_call (Twilio's premium model is phone_call's)")
    return Speech(voices=tuple(chosen.items()), model=model, timeout=timeout, enhanced=enhanced)
