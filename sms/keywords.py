"""What a text message says: consent words (R16), HELP, a command, or a free reply.

Tolerant of case, spacing, punctuation, Unicode forms and curly quotes. A one-letter typo
in a command word is understood (``CANSEL LINE``) because a confirmation always follows;
consent words are matched exactly (after normalising), never by a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_READ = 320  # nothing a person texts us needs more; the rest is ignored

OPT_OUT = frozenset({
    "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
    "opt out", "stop texting me", "stop texting", "stop messaging me", "stop sending me texts",
    "please stop", "stop please", "no more texts", "remove me", "unsubscribe me",
    "alto", "parar", "cancelar", "no mas", "no mas mensajes", "basta", "detener",
})
OPT_IN = frozenset({"start", "unstop", "yes", "si"})
HELP = frozenset({"help", "info", "ayuda", "commands", "menu"})
# The next page of PLANS (R19): matched exactly, never as a typo ("core", "mode" stay replies)
# and never with other words (a reply "More Minutes" may name a plan).
MORE = frozenset({"more", "more plans"})

# (words of the command, action); longest first so that "STOP PLAN" wins over "STOP".
COMMANDS: list[tuple[tuple[str, ...], str]] = [
    (("change", "number"), "change_number"),
    (("stop", "plan"), "cancel_plan"),
    (("cancel", "plan"), "cancel_plan"),
    (("cancel", "line"), "cancel_line"),
    (("plans",), "plans"),
    (("plan",), "plans"),
    (("status",), "plans"),
    (("refund",), "refund"),
    (("refunds",), "refund"),
    (("reactivate",), "reactivate"),
    (("unblock",), "unblock"),
    (("block",), "block"),
    (("agent",), "agent"),
    (("human",), "agent"),
    (("person",), "agent"),
    (("representative",), "agent"),
]
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})


@dataclass(frozen=True)
class Parsed:
    kind: str  # opt_out, opt_in, help, command, text, empty
    action: str | None = None
    arg: str | None = None
    text: str = ""
    typo: bool = False


def clean(body: str) -> str:
    """NFKC, straight quotes, no control or format characters, single spaces."""
    text = unicodedata.normalize("NFKC", body[: MAX_READ * 2]).translate(QUOTES)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
                   for ch in text if unicodedata.category(ch) not in ("Cf", "Cs", "Co"))
    return " ".join(text.split())[:MAX_READ]


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed: for matching words only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s+]", " ", plain).replace("_", " ").split())


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


def parse(body: str | None) -> Parsed:
    text = clean(body or "")
    folded = fold(text)
    if not text:
        return Parsed("empty", text=text)
    if not folded:  # emoji, punctuation: a reply, never a command
        return Parsed("text", text=text)
    if folded in OPT_OUT:
        return Parsed("opt_out", text=text)
    if folded in OPT_IN:
        return Parsed("opt_in", text=text)
    if folded in HELP:
        return Parsed("help", text=text)
    if folded in MORE:
        return Parsed("command", "plans", "more", text=text)
    words = folded.split()
    for exact in (True, False):
        for cmd, action in COMMANDS:
            head = words[: len(cmd)]
            if len(head) < len(cmd):
                continue
            if exact:
                ok = tuple(head) == cmd
            else:
                ok = all(w == c or _one_typo(w, c) for w, c in zip(head, cmd)) and tuple(head) != cmd
            if ok:
                arg = " ".join(words[len(cmd):])
                return Parsed("command", action, arg or None, text=text, typo=not exact)
    return Parsed("text", text=text)

