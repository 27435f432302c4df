"""What a text message says, first read: consent words (R16), HELP, a command, or free text,
with the language it was written in. The reading is shared by every door where people type
(vocabulary/reading.py) and the rest of the turn by every door (vocabulary/interpret.py);
these names stay here for the text door's own modules (consent, fallback)."""

from vocabulary.reading import KEYED, MAX_READ, Parsed, clean, language_of, parse

__all__ = ["KEYED", "MAX_READ", "Parsed", "clean", "language_of", "parse"]
