"""The words that let free text be understood safely (vocabulary/understand.py), per language:
which words *name* each change (an utterance reaches a change journey only when it names the
change, whatever a model says), the objects they act on, the plans' names, the ordinals of an
answer. Each language module (en.py, es.py) has one ``LEXICON``. Folded forms only, like
the rest of vocabulary/.
"""

from __future__ import annotations

from dataclasses import dataclass

Phrases = tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    lang: str
    # Words that name an action, by concept: cancel, lapsed (the line was cancelled or
    # suspended: a reason to reactivate, never a request to cancel), reactivate, change,
    # dislike, block, spam, unblock, stop (as in "stop texting me").
    actions: dict[str, Phrases]
    # What the actions act on: line, plan, number, texts.
    objects: dict[str, Phrases]
    # A word right before an action word that turns it round ("don't cancel").
    negations: Phrases
    # Product names as the data spells them → the ways people say them in this language.
    plan_names: dict[str, Phrases]
    # Answers to "which one?": 1 → ("first", ...), 2 → ...
    ordinals: dict[int, Phrases]
    # Words after which a line's last four digits come ("ending 0012").
    line_digits: Phrases = ()
    # Just before a cancel word, these make it a past event ("why did you cancel my line"):
    # a reason to reactivate, never a request to cancel.
    past: Phrases = ()
    # Words of their own that look like a typo of an action word ("cancelo", "I cancel", is
    # also "canceló", "cancelled", once accents are gone): never read as that word, never a licence.
    plain: Phrases = ()
    # Just before an object, these make it someone else's ("my husband cancelled his line").
    others: Phrases = ()
    # Pronouns a verb may carry at its end ("bloquéenlo", "cancélemela"): an action word that
    # carries them is still that action (longest first).
    clitics: Phrases = ()
