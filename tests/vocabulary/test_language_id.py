"""The language of each turn (R20): en or es for short texts and speech, Spanglish to its
main language, one-word turns keep the conversation's language unless the word tells."""

import pytest

from vocabulary.language_id import dev_rows, guess, language_of, neutral


@pytest.mark.parametrize("text, prior, want", [
    ("quiero cancelar mi plan", "en", "es"),  # issue 21: Spanish at the greeting of an English call
    ("perdón, no hablo inglés", "en", "es"),
    ("quiero cancelar mi text archive", "en", "es"),  # Spanglish: the grammar's language
    ("cancel my grabación please", "es", "en"),
    ("can you block el número 212 555 0143", "es", "en"),
    ("hola", "en", "es"),
    ("sí", "en", "es"),
    ("gracias", "en", "es"),
    ("thanks", "es", "en"),
    ("ok", "es", "es"),  # says nothing: the conversation's language stays
    ("ok", "en", "en"),
    ("1234", "es", "es"),
    ("PIN", "es", "es"),
    ("no", "es", "es"),
    ("no", "en", "en"),
    ("Maria", "es", "es"),
    ("what day does my service end?", "es", "en"),
    ("¿cuándo termina mi plan?", "en", "es"),
    ("me robaron el telefono", "en", "es"),  # no accents typed
])
def test_the_language_of_a_turn(text, prior, want):
    assert language_of(text, prior) == want


def test_unsure_says_so():
    assert guess("ok") is None
    assert guess("415 555 0107") is None
    assert guess("hello") == "en"


def test_our_own_phrases_switch_when_the_words_tell():
    """Each phrase of ours given the other language as the conversation's: only words that
    tell get it right (neutral turns left out). A floor measured, not a gate."""
    rows = [(lang, text) for lang, text in dev_rows() if not neutral(text)]
    other = {"en": "es", "es": "en"}
    right = sum(language_of(text, other[lang]) == lang for lang, text in rows)
    assert right / len(rows) >= 0.97
