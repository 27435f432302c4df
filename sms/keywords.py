"""What a text message says, as the conversation's intents: consent words (R16), HELP, a
command, or an answer to what the conversation asked — in English or Spanish (R20), with
the language it was written in when the words tell.

Tolerant of case, spacing, punctuation, accents, Unicode forms and curly quotes. A
one-letter typo in a command word is understood (``CANSEL LINE``) because a confirmation
always follows, but never when the word is one we know with another meaning ("Deactivate"
is no typo of REACTIVATE). A message that is only a consent word is matched exactly (after
normalising); one that says "stop texting me" in other words opts out too (R16), unless it
holds a command or names a plan. Everything else is free text, understood by
vocabulary/understand.py (issue 11) for what the conversation expects.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core import intents, languages
from core.intents import Intent
from core.journeys.clarify import EXPECT_WHICH
from core.reply import (EXPECT_BLOCK_NUMBER, EXPECT_CODE, EXPECT_CONFIRM, EXPECT_FIX, EXPECT_OFFER, EXPECT_PIN,
                        EXPECT_PLAN, EXPECT_REASON, EXPECT_TARGET)
from vocabulary import Vocabulary, contains, fold, vocabulary
from vocabulary.understand import Understanding, answer_which, fix_choice, known_word, understand

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
    for kind in ("opt_out", "opt_in", "help"):
        for v in vocabs:
            if folded in getattr(v, kind):
                return Parsed(kind, text=text, lang=v.lang)
    for v in vocabs:
        if folded in v.more:
            return Parsed("command", "plans", "more", text=text, lang=v.lang)
    words = folded.split()
    lang = language_of(text, folded)
    understood = None
    for exact in (True, False):
        if not exact and not KEYED.fullmatch(text):
            # Free text, read once: a plain-language opt-out (R16) comes before a guess at a
            # mistyped command; a message holding a command is never an opt-out. (Asking for
            # help in other words gets "didn't get that, reply HELP": a step's answer stays one.)
            understood = understand(text, lang or prefer)
            if understood.sure and understood.label == "opt_out" and not _holds_command(folded, vocabs):
                return Parsed("opt_out", text=text, lang=lang or prefer, understood=understood)
        for v in vocabs:
            for cmd, action in v.commands:
                head = words[: len(cmd)]
                if len(head) < len(cmd):
                    continue
                if exact:
                    ok = tuple(head) == cmd
                else:
                    ok = tuple(head) != cmd and all(w == c or (_one_typo(w, c) and not known_word(w))
                                                    for w, c in zip(head, cmd))
                if ok:
                    arg = " ".join(words[len(cmd):])
                    return Parsed("command", action, arg or None, text=text, lang=v.lang)
    return Parsed("text", text=text, lang=lang, understood=understood)


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
    return best if scores[best] and list(scores.values()).count(scores[best]) == 1 else None


def _slots(action: str, arg: str | None) -> dict:
    if action == "plans":
        return {"page": "more" if arg == "more" else int(arg) if arg and arg.isdigit() else None}
    if action in ("block", "unblock") and arg and not any(ch.isdigit() for ch in arg):
        return {}  # "BLOCK spam callers": which number is asked next
    if action == "change_number":
        # "CHANGE NUMBER 212", "change number to a 415 number": the area code asked for.
        area = re.search(r"(?<!\d)(\d{3})(?!\d)", arg or "")
        return {"area": area.group(1)} if area else {}
    key = {"cancel_plan": "plan", "cancel_line": "line", "block": "number", "unblock": "number"}.get(action)
    return {key: arg} if key and arg else {}


def intent_of(parsed: Parsed, expect: str, lang: str = languages.DEFAULT_CODE, options: list | None = None) -> Intent:
    """The intent of a parsed text, given what the conversation asked for (and, at the
    clarifying question, the journeys it offered)."""
    if parsed.kind == "command":
        if parsed.action == "agent":
            return intents.AGENT
        return intents.journey(parsed.action, **_slots(parsed.action, parsed.arg))
    text = parsed.text
    folded = fold(text)
    keyed = "".join(ch for ch in text if ch.isdigit()) if KEYED.fullmatch(text) else ""
    answer = _answer(folded, lang)
    data_step = expect in (EXPECT_PIN, EXPECT_CODE, EXPECT_TARGET, EXPECT_BLOCK_NUMBER, EXPECT_PLAN)
    understood = None if keyed or data_step else (parsed.understood or understand(text, lang))
    if understood is not None and understood.sure and understood.label == "agent" and not answer:
        return intents.AGENT  # R15: a person, asked for in any words at any question
    if expect == EXPECT_WHICH:
        if keyed:
            return intents.choice(int(keyed)) if keyed in ("1", "2") else intents.UNCLEAR
        if answer is not None and answer.kind == "yes" and len(options or []) == 1:
            return intents.choice(1)
        return answer_which(text, lang, options or [], understood)
    if expect in (EXPECT_PIN, EXPECT_CODE):
        if keyed:
            return intents.pin(keyed)
        # R21: "forgot", "CODE", "olvidé mi PIN": a one-time code to the line's own number.
        forgot = any(contains(folded, v.forgot) for v in _vocabularies(lang))
        return intents.FORGOT if forgot else intents.UNCLEAR
    if expect == EXPECT_TARGET:
        return intents.number(keyed) if keyed else intents.UNCLEAR
    if expect == EXPECT_BLOCK_NUMBER:
        return intents.number(("+" if text.startswith("+") else "") + keyed) if keyed else intents.UNCLEAR
    if expect == EXPECT_CONFIRM:
        return answer or intents.UNCLEAR
    if expect in (EXPECT_PLAN, EXPECT_FIX):
        if keyed and len(keyed) <= 2:
            return intents.choice(int(keyed))
        if expect == EXPECT_FIX:
            fix = fix_choice(understood)
            return intents.choice(fix) if fix else intents.UNCLEAR
        return intents.name(text)
    if expect == EXPECT_REASON:
        if keyed in ("1", "2", "3", "4", "5"):
            return intents.choice(int(keyed))
        for v in _vocabularies(lang):
            for i, words in enumerate(v.reasons.values(), 1):
                if folded not in v.skip and set(folded.split()) & set(words):
                    return intents.choice(i)
        fix = fix_choice(understood)
        return intents.choice(fix) if fix else intents.SKIP  # R11: anything else goes on with the cancellation
    if expect == EXPECT_OFFER:
        accepted = any(folded in v.accept for v in _vocabularies(lang))
        return intents.YES if accepted or keyed == "1" else intents.SKIP
    if answer:
        return answer
    return understood.intent if understood is not None else intents.UNCLEAR


def _answer(folded: str, lang: str) -> Intent | None:
    """R18: only an explicit yes is a yes; a no or a skip word ends the request."""
    for v in _vocabularies(lang):
        if folded in v.yes:
            return intents.YES
    for v in _vocabularies(lang):
        if folded in v.no:
            return intents.NO
        if folded in v.skip or folded in v.opt_out:
            return intents.SKIP
    return None
