"""The first reading of typed words (a text message; any door where people type): consent
words (R16), HELP, the next page, a command, or free text, with the language it was written
in when the words tell. vocabulary/interpret.py reads the rest of the turn from this.

Tolerant of case, spacing, punctuation, accents, Unicode forms and curly quotes. A
one-letter typo in a command word is understood (``CANSEL LINE``) because a confirmation
always follows, but never when the word is one we know with another meaning ("Deactivate"
is no typo of REACTIVATE). A message that is only a consent word is matched exactly (after
normalising); one that says "stop texting me" in other words opts out too (R16), unless it
holds a command or names a plan. Everything else is free text, understood by
vocabulary/understand.py for what the conversation expects.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core import languages
from vocabulary import Vocabulary, acts, contains, fold, vocabulary
from vocabulary.understand import Understanding, known_word, understand

MAX_READ = 320  # nothing a person texts us needs more; the rest is ignored
LANGUAGES = languages.CODES
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})
KEYED = re.compile(r"[0-9\s#*().+-]+")  # what a keypad or a typed number looks like


@dataclass(frozen=True)
class Parsed:
    kind: str  # opt_out, opt_in, help, command, text, empty
    action: str | None = None
    arg: str | None = None
    text: str = ""
    lang: str | None = None  # the language the words are in, when they tell
    understood: Understanding | None = None  # free text, as vocabulary/understand.py reads it


def clean(body: str) -> str:
    """NFKC, straight quotes, no control or format characters, single spaces."""
    text = unicodedata.normalize("NFKC", body[: MAX_READ * 2]).translate(QUOTES)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
                   for ch in text if unicodedata.category(ch) not in ("Cf", "Cs", "Co"))
    return " ".join(text.split())[:MAX_READ]


def _one_typo(word: str, target: str) -> bool:
    """Damerau-Levenshtein distance of exactly one, for words of four letters or more."""
    if len(target) < 4 or word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target)) if a != b]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and word[diff[0]] == target[diff[1]] and word[diff[1]] == target[diff[0]])
    short, long_ = (word, target) if len(word) < len(target) else (target, word)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _vocabularies(prefer: str) -> list[Vocabulary]:
    return [vocabulary(prefer)] + [vocabulary(lang) for lang in LANGUAGES if lang != prefer]


def parse(body: str | None, prefer: str = languages.DEFAULT_CODE) -> Parsed:
    """Consent, HELP and commands in any language (the conversation's own first)."""
    text = clean(body or "")
    folded = fold(text)
    if not text:
        return Parsed("empty", text=text)
    if not folded:  # emoji, punctuation: a reply, never a command
        return Parsed("text", text=text)
    vocabs = _vocabularies(prefer)
    exact = _whole_message(text, folded, vocabs)
    if exact is not None:
        return exact
    words = folded.split()
    lang = language_of(text, folded)
    command = _command(text, words, vocabs, exact=True)
    if command is not None and not _asks_about(command, text) and not _told_of(command):
        return command
    if KEYED.fullmatch(text):
        return Parsed("text", text=text, lang=lang)
    # Free text, read once: a plain-language opt-out (R16) comes before a guess at a mistyped
    # command; a message holding a command is never an opt-out. (Asking for help in other
    # words gets "didn't get that, reply HELP": a step's answer stays one.)
    understood = understand(text, lang or prefer)
    if (understood.sure and understood.label == "opt_out" or acts.opt_out_said(text, folded)) \
            and not _holds_command(folded, vocabs):
        return Parsed("opt_out", text=text, lang=lang or prefer, understood=understood)
    return _command(text, words, vocabs, exact=False) or Parsed("text", text=text, lang=lang, understood=understood)


# Courtesy around an opt-out word ("stop pls", "alto ya", "unsubscribe please"): still only that word (R16).
# Never "just cancel" or "cancel now" (at R11's offer: the cancellation going on, R11): a cancel word
# with words around it is no bare CANCEL.
COURTESY_EDGES = re.compile(r"^((please|pls|plz|por favor|porfa)\s+)+|(\s+(please|pls|plz|por favor|porfa|ya|"
                            r"thanks|thank you|gracias))+$")


def _whole_message(text: str, folded: str, vocabs: list[Vocabulary]) -> Parsed | None:
    """A message that is only a consent word (an opt-out with courtesy words around it too), HELP,
    or the next page's word."""
    bare = COURTESY_EDGES.sub("", folded)
    for kind in ("opt_out", "opt_in", "help"):
        for v in vocabs:
            if folded in getattr(v, kind) or (kind == "opt_out" and bare != folded and bare in v.opt_out
                                              and not bare.startswith("cancel")):
                return Parsed(kind, text=text, lang=v.lang)
    for v in vocabs:
        if folded in v.more:
            return Parsed("command", "plans", "more", text=text, lang=v.lang)
    return None


def _command(text: str, words: list[str], vocabs: list[Vocabulary], *, exact: bool) -> Parsed | None:
    """A command's words at the start (``exact``), or the same with a one-letter typo."""
    for v in vocabs:
        for cmd, action in v.commands:
            head = words[: len(cmd)]
            if len(head) < len(cmd) or not _says(tuple(head), cmd, exact):
                continue
            arg = " ".join(words[len(cmd):])
            return Parsed("command", action, arg or None, text=text, lang=v.lang)
    return None


NUMBER_COMMANDS = frozenset({"block", "unblock"})


def _told_of(command: Parsed) -> bool:
    """A command's words opening a sentence with no number in it that only talks of the change
    ("block button works great, spam went way down", "cancelar mi línea sería como cortarme un
    brazo"): free words, read as such (the request, if it is one, is still heard)."""
    from vocabulary.acts import NOT_A_REQUEST  # R24's words for a change talked about, not asked for

    arg = command.arg or ""
    if len(arg.split()) < 3 or any(ch.isdigit() for ch in arg):
        return False
    first = re.split(r"[,.;:!?]", command.text, maxsplit=1)[0]  # "UNBLOCK my mom, i blocked her by accident"
    return command.action in NUMBER_COMMANDS or bool(NOT_A_REQUEST.search(fold(first)))


def _asks_about(command: Parsed, text: str) -> bool:
    """A command's word with a question after it, and no number to act on ("bloquear es gratis?",
    "cancel line? what happens to my texts"): a question about it, answered (R24), not the command."""
    # a number to act on (a phone number's digits) keeps the command: "BLOCK 212 555 0143?"
    return bool(command.arg) and "?" in text and sum(ch in "0123456789" for ch in text) < 7


def _says(head: tuple[str, ...], cmd: tuple[str, ...], exact: bool) -> bool:
    if exact:
        return head == cmd
    return head != cmd and all(w == c or (_one_typo(w, c) and not known_word(w) and not _inflected(w, c))
                               for w, c in zip(head, cmd))


def _inflected(word: str, command_word: str) -> bool:
    """"reactivated", "blocks": the command's word in another form (what was done), not a typo of it."""
    return word.startswith(command_word) and word[len(command_word):] in ("d", "s", "r")


def _holds_command(folded: str, vocabs: list[Vocabulary]) -> bool:
    """A command's words anywhere in the message ("please STOP PLAN Text Archive")."""
    return any(len(cmd) > 1 and contains(folded, (" ".join(cmd),)) for v in vocabs for cmd, _ in v.commands)


def language_of(text: str, folded: str | None = None) -> str | None:
    """Spanish or English when the words say so (¿ ¡ ñ or accented vowels, or more marker
    words of one than of the other); None when they don't (digits, YES, a name)."""
    for lang in languages.BY_CODE.values():
        if lang.marks and any(ch in text for ch in lang.marks):
            return lang.code
    words = set((folded if folded is not None else fold(text)).split())
    scores = {lang: len(words & vocabulary(lang).markers) for lang in LANGUAGES}
    best = max(scores, key=scores.get)
    if scores[best] and list(scores.values()).count(scores[best]) == 1:
        return best
    if len(words) < 3:
        return None  # "YES", "ok", a name: no language told
    from vocabulary import language_id  # a sentence: the weighted evidence of its words (R20)

    return language_id.evident(text)


