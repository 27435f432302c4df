"""Free text and speech → the conversation's intents, for both doors, in English and Spanish.

One step, after the language is known: ``understand(text, lang)`` gives an ``Understanding``:
the intent (a journey from the registry with its slots, a person, or a short question when
unsure), the label the model chose, its probability and the runner-up (for the logs: never the
text, which may hold a PIN). Keywords (sms/keywords.py, the voice menus' keys) come first and
stay exactly as documented; this is what happens to everything else.

How, and why this way (measured: bench/understanding.py, tests/test_understanding.py):
- A multinomial logistic regression (scikit-learn's SGDClassifier, log loss) over character
  2–4-grams of each word, the words, word pairs and the lexicon's concepts
  (vocabulary/lexicon.py: "cancel", "lapsed", "line"…), trained at first use from the
  labelled phrases in vocabulary/phrases/ (a fifth of a second of CPU once a process, after
  about a second importing scikit-learn; a few hundred µs a message with the lexicon's
  reading; the trade-off against the hand-written model it replaced is in bench/README.md). Adding a phrase there
  is a data change; tests/data/understanding_eval.tsv is the held-out set that measures it.
- Safety before recall, by rules the model cannot override: a change journey is reached only
  when the utterance holds a word that names its action ("deactivate" names a cancellation,
  never a reactivation; "my line got cancelled" names no cancellation), not negated ("don't
  cancel"), with its object (a plan or the line); a vague request ("stop charging me") and
  anything below the confidence threshold get a short question offering the two likeliest
  journeys (core/journeys/clarify.py), then R15. Every change still needs the PIN and an
  explicit yes (R10, R18): understanding only chooses what to *propose*.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from types import MappingProxyType
from typing import Iterable

from core import intents, languages
from core.formatting import fold
from core.intents import Intent
from core.journeys import REGISTRY, troubleshoot
from vocabulary import acts, slots as slot_reader
from vocabulary.lexicon import Lexicon

LANGUAGES = languages.CODES
PHRASES = Path(__file__).resolve().parent / "phrases"
MAX_WORDS = 40  # nobody asks for one thing in more; the rest is ignored

# Confidence (the model's probability, after the safety rules): at or above ROUTE a journey
# is started; a change journey needs ROUTE_CHANGE; between CLARIFY and those, one short
# question offers the two likeliest journeys; below CLARIFY it was not understood. Chosen by
# cross-validation on the training phrases (bench/understanding.py --thresholds).
ROUTE = 0.4
ROUTE_CHANGE = 0.5
CLARIFY = 0.15
NOTHING = 0.6  # "none" (nothing we do) below this, with a journey likely enough: ask rather than shrug
# Speech below this recogniser confidence is not acted on: asked again once, then keys (ivr/).
SPEECH_FLOOR = 0.4
# A measurement's hook (bench/embeddings.py), None in the product: given a turn's features, its
# text and its folded words, the features the intent model learns from and reads instead.
EXTRA_FEATURES = None

# The journeys that change something, by the label that starts them (the journey's name, or
# fix.<fix> for a fix that is a journey): reached only when the utterance names the change
# (each journey's ``names``). Derived from the journey registry.
FIXES = troubleshoot.FIXES
CHANGES = {**{name: name for name, j in REGISTRY.items() if j.changes},
           **{f"fix.{fix}": journey for fix, journey in troubleshoot.FIX_JOURNEYS.items()}}
# Labels that are not a journey: said by the doors (opt_out, help) or not understood (none).
NOT_JOURNEYS = ("opt_out", "help", "none")
VAGUE_CANCEL = ("cancel_plan", "cancel_line")  # "I wanna cancel": which?
# R24: a question about a change is answered by the journey whose ``answers`` holds it
# ("do I keep my credits if I cancel?" → cancel_effects), never turned into that change.
ANSWERED_BY = {intent: name for name, j in REGISTRY.items() for intent in sorted(j.answers)}
# An information journey that answers only labels that change nothing ("what can you do" is
# capabilities and help alike; "when does my plan end" term_end and plans) is one outcome with
# them: the model's weight, split between the twins, is the likelier twin's.
TWINS = tuple((name, *sorted(j.answers)) for name, j in REGISTRY.items()
              if j.answers and not set(j.answers) & (set(CHANGES) | {"cancel"}))


@dataclass(frozen=True)
class Understanding:
    intent: Intent
    label: str  # the model's label after the safety rules (a journey, fix.<fix>, cancel, opt_out, help, none)
    score: float  # its probability
    runner_up: str | None = None
    runner_score: float = 0.0
    how: str = "model"  # model, clarify, unsure, empty, low_speech_confidence

    @property
    def sure(self) -> bool:
        """Understood well enough to act on (not a question back, not a shrug)."""
        return self.how == "model"

    def log(self) -> dict:
        """What the logs may say (never the text)."""
        return {"understood": self.label, "score": round(self.score, 3), "runner_up": self.runner_up,
                "runner_score": round(self.runner_score, 3), "understanding": self.how}


# The words ---------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def lexicon(lang: str) -> Lexicon:
    return import_module(languages.get(lang).vocabulary).LEXICON


@dataclass(frozen=True)
class Found:
    """What the lexicon finds in a (folded) utterance."""

    concepts: frozenset[str]  # actions (not negated) and objects
    negated: frozenset[str]  # actions found only after a negation
    plan: str | None  # a product name, as the data spells it
    digits: str  # the longest run of digits (spaces, dashes and brackets allowed inside)
    last4: str | None  # a line's last four digits, when said as such


class _Index:
    """Both lexicons' phrases by their first word, and a one-typo index of each language's
    longer words (a typo is read in the message's own language: "active" is no typo of the
    Spanish "activen")."""

    def __init__(self) -> None:
        self.phrases: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}  # word → (words, group, concept)
        self.negations: set[tuple[str, ...]] = set()
        self.past: set[tuple[str, ...]] = set()
        self.others: set[str] = set()
        self.plan_names: list[tuple[tuple[str, ...], str]] = []
        self.line_digits: set[tuple[str, ...]] = set()
        self.clitics: tuple[str, ...] = ()  # every language's, longest first
        self.known: set[str] = set()
        self.meanings: dict[str, dict[str, set[tuple[str, str]]]] = {lang: {} for lang in LANGUAGES}
        for lang in LANGUAGES:
            self._add(lexicon(lang), self.meanings[lang])
        self.plan_names.sort(key=lambda x: -len(x[0]))
        # Symmetric deletions: a word one edit (or one swap) from a known word finds it here.
        self.typos: dict[str, dict[str, set[str]]] = {lang: {} for lang in LANGUAGES}
        for lang in LANGUAGES:
            for word in self.meanings[lang]:
                for key in {word, *_deletions(word)}:
                    self.typos[lang].setdefault(key, set()).add(word)

    def _add(self, lex: Lexicon, meanings: dict[str, set[tuple[str, str]]]) -> None:
        for group, table in (("action", lex.actions), ("object", lex.objects)):
            for concept, phrases in table.items():
                for p in phrases:
                    words = tuple(p.split())
                    self.phrases.setdefault(words[0], []).append((words, group, concept))
                    self.known.update(words)
                    if len(words) == 1 and len(p) >= 6:
                        meanings.setdefault(p, set()).add((group, concept))
        self.negations |= {tuple(n.split()) for n in lex.negations}
        self.past |= {tuple(n.split()) for n in lex.past}
        self.others |= set(lex.others)
        self.known |= set(lex.plain)
        for product, phrases in lex.plan_names.items():
            self.plan_names += [(tuple(p.split()), product) for p in phrases]
            for w in (w for p in phrases for w in p.split()):
                self.known.add(w)
                if len(w) >= 6:
                    meanings.setdefault(w, set()).add(("object", "plan"))
        self.line_digits |= {tuple(p.split()) for p in lex.line_digits}
        self.clitics = tuple(sorted({*self.clitics, *lex.clitics}, key=len, reverse=True))

    def typo_of(self, word: str, lang: str) -> set[tuple[str, str]]:
        """The (group, concept)s of the known word this one is a typo of: none when it is itself
        a word we know (a typo never turns one known word into another: "deactivate" is not
        "reactivate"), is short, or could be a typo of words that mean different things. A
        letter missing or one too many ("cancell") is the likelier typo and is tried first."""
        if len(word) < 5 or word in self.known or not word.isalpha():
            return set()
        lang = languages.code_or_default(lang)
        typos, meanings = self.typos[lang], self.meanings[lang]
        dels = _deletions(word)
        likely = {w for w in typos.get(word, ()) if len(w) == len(word) + 1} | {d for d in dels if d in meanings}
        if len(word) < 6:  # a short word: only a letter left out of a longer one ("chage")
            likely = {w for w in likely if len(w) == len(word) + 1}
            near = likely
        else:
            near = likely or (set(typos.get(word, ())) | {w for d in dels for w in typos.get(d, ())})
        found = [frozenset(meanings[w]) for w in near]
        return set(found[0]) if found and all(m == found[0] for m in found) else set()


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index()


_DIGITS = re.compile(r"\+?\d[\d\s().-]*\d|\d")


def find(text: str, folded: str | None = None, lang: str = languages.DEFAULT_CODE) -> Found:
    """The lexicon's concepts in an utterance (both languages' words: people mix them)."""
    ix = _index()
    folded = fold(text) if folded is None else folded
    words = folded.split()[:MAX_WORDS]
    found, negated = _actions(ix, words, lang)
    found |= _objects(ix, words, lang)
    plan = next((product for p, product in ix.plan_names if any(_at(words, i, p) for i in range(len(words)))), None)
    runs = [("+" if m.group().startswith("+") else "") + "".join(ch for ch in m.group() if ch.isdigit())
            for m in _DIGITS.finditer(text[:400])]
    digits = max(runs, key=lambda r: len(r.lstrip("+")), default="")
    return Found(frozenset(found), frozenset(negated - found), plan, digits, _last4(ix, words))


def _actions(ix: _Index, words: list[str], lang: str) -> tuple[set[str], set[str]]:
    """Actions (found, and negated): the longest phrase at each place ("dio de baja", not "de baja")."""
    found: set[str] = set()
    negated: set[str] = set()
    i = 0
    while i < len(words):
        hits = [(p, c) for p, g, c in ix.phrases.get(words[i], ()) if g == "action" and _at(words, i, p)]
        if not hits:
            hits = _with_clitics(ix, words, i)
        if not hits:
            hits = [((words[i],), c) for g, c in ix.typo_of(words[i], lang) if g == "action"]
        longest = max((len(p) for p, _ in hits), default=1)
        for _, concept in (h for h in hits if len(h[0]) == longest):
            if concept == "cancel" and _before(words, i, ix.past, 3):
                concept = "lapsed"  # "why did you cancel my line": it happened
            (negated if _negated(ix, words, i) else found).add(concept)
        i += longest
    return found, negated


def _with_clitics(ix: _Index, words: list[str], i: int) -> list[tuple[tuple[str, ...], str]]:
    """An action word with pronouns at its end ("bloqueenlo", "quitale el bloqueo"): the action
    its bare form names, the phrases it begins included."""
    word = words[i]
    if tuple(words[i + 1:i + 3]) == ("una", "duda"):
        return []  # "quítame una duda": "clear up a doubt for me", no action
    for clitic in ix.clitics:
        stem = word[:-len(clitic)]
        if word.endswith(clitic) and len(stem) >= 4 and stem in ix.phrases:
            bare = words[:i] + [stem] + words[i + 1:]
            hits = [(p, c) for p, g, c in ix.phrases[stem] if g == "action" and _at(bare, i, p)]
            if hits:
                return hits
    return []


def _objects(ix: _Index, words: list[str], lang: str) -> set[str]:
    """Objects, anywhere; not someone else's ("her line")."""
    found: set[str] = set()
    for i, w in enumerate(words):
        if i and words[i - 1] in ix.others:
            continue
        hits = [c for p, g, c in ix.phrases.get(w, ()) if g == "object" and _at(words, i, p)]
        found.update(hits or (c for g, c in ix.typo_of(w, lang) if g == "object"))
    return found


def _last4(ix: _Index, words: list[str]) -> str | None:
    """A line's last four digits, said as such ("ending 0012"): the last one said."""
    last4 = None
    for i in range(len(words)):
        for cue in ix.line_digits:
            after = words[i + len(cue):i + len(cue) + 1]
            if _at(words, i, cue) and after and after[0].isdigit() and len(after[0]) == 4:
                last4 = after[0]
    return last4


def _at(words: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[i:i + len(phrase)]) == phrase


# After a "no", these begin what is asked instead: "no, just cancel it", "no, solo cancélalo".
_INSTEAD = frozenset({"just", "only", "simply", "solo", "nomas", "simplemente", "mejor"})


def _negated(ix: _Index, words: list[str], at: int) -> bool:
    """A negation among the four words before an action, with no "just" between the last of
    them and the action ("no, just cancel my account" asks to cancel; "please just don't
    cancel it", "mejor no cancelen" don't)."""
    start = max(0, at - 4)
    last = max((j + len(p) for j in range(start, at) for p in ix.negations if _at(words[:at], j, p)), default=None)
    return last is not None and not _INSTEAD & set(words[last:at])


def _before(words: list[str], at: int, phrases: set[tuple[str, ...]], span: int) -> bool:
    """One of the phrases among the ``span`` words before: "don't want to cancel", "no cancelen"."""
    before = words[max(0, at - span):at]
    return any(_at(before, j, p) for p in phrases for j in range(len(before)))


# The safety rules ---------------------------------------------------------------------------
# Other companies' services: a change named with one of them is nothing we do.
OTHER_SERVICE = re.compile(r"\b(netflix|spotify|hulu|disney|youtube|amazon prime|prime video|hbo|uber|lyft|"
                           r"instagram|facebook|gmail|whatsapp|gym|car insurance|seguro del carro|del coche)\b")


def names_its_change(label: str, f: Found, folded: str = "") -> bool:
    """Whether an utterance names the change a label would start (safety before recall): the
    words each change journey declares (core/journeys/: ``Journey.names``, and a fix's own)."""
    journey = CHANGES.get(label)
    if journey is not None and OTHER_SERVICE.search(folded):
        return False  # "cancel my Netflix", "cancela mi suscripción de spotify": nothing of ours to change
    if journey is not None:
        concepts = f.concepts | ({"plan_name"} if f.plan is not None else frozenset())
        fix_names = troubleshoot.FIX_NAMES.get(label[4:]) if label.startswith("fix.") else None
        if fix_names is not None and fix_names.named_by(concepts, f.negated, f.plan is not None):
            return True
        names = REGISTRY[journey].names
        return names is not None and names.named_by(concepts, f.negated, f.plan is not None)
    return _names_its_label(label, f, folded)


# Answers that only words of their own reach (safety before recall, as for changes): "undo my
# cancellation" names an undoing, "I cancelled last month" none; a port names a carrier or a
# port; a lost phone is lost or stolen ("my phone doesn't ring" is a fix).
CUES = {name: re.compile(j.cue) for name, j in REGISTRY.items() if j.cue}


def _names_its_label(label: str, f: Found, folded: str = "") -> bool:
    """The model's labels that are no journey: a vague cancel, a plain-words opt-out; the
    answers that need words of their own (CUES)."""
    if label in CUES:
        return bool(CUES[label].search(folded) or (label == "undo_cancel" and undo_said(folded)))
    c = f.concepts
    if label == "cancel":  # "I don't want to cancel" asks nothing; "cancel my Netflix" nothing of ours
        return not ("cancel" in f.negated and "cancel" not in c) and not OTHER_SERVICE.search(folded)
    if label == "opt_out":  # R16 in plain words: stop + texts ("stop my text archive" names a plan)
        return ("optout" in c or ("stop" in c and "texts" in c)) and f.plan is None
    return True


# The model ----------------------------------------------------------------------------------
def features(folded: str, f: Found) -> dict[str, float]:
    words = folded.split()[:MAX_WORDS]
    out: dict[str, float] = {}
    for w in words:
        out["w:" + w] = out.get("w:" + w, 0.0) + 1.0
        s = f"<{w}>"
        for n in (2, 3, 4):
            for i in range(len(s) - n + 1):
                g = "c:" + s[i:i + n]
                out[g] = out.get(g, 0.0) + 1.0
    for a, b in zip(words, words[1:]):
        out[f"b:{a} {b}"] = 1.0
    for c in f.concepts:
        out["k:" + c] = 3.0
    for c in f.negated:
        out["n:" + c] = 3.0
    if f.plan:
        out["k:plan_name"] = 3.0
    if len(f.digits.lstrip("+")) >= 7:
        out["k:phone_number"] = 3.0
    return out


class Model:
    """Multinomial logistic regression over the features above: scikit-learn's
    ``SGDClassifier(loss="log_loss")`` learns it (chosen by measurement against the
    hand-written one it replaced: bench/README.md); a message is scored with its learnt
    weights directly (the rows of its own features only), which is a few µs instead of the
    ~400 µs of input checks ``predict_proba`` makes on one row.

    Scored in plain Python, so that a process that only serves the model never imports numpy,
    scipy or scikit-learn (about 12 MB a web worker: bench/README.md). Each feature's row of
    weights is ONE integer (``rows``), its labels' weights side by side in lanes of ``LANE``
    bits: lane 0 counts the row (1), lane j+1 holds label j's weight in fixed point,
    ``round(w * 2**shift) + OFFSET`` (never negative). Adding the rows of a message's features
    (times their counts) adds every lane at once in C; the sum's lanes are read back once, and
    lane 0 says how many rows were added, so the OFFSETs are taken off exactly. A lane holds
    the sum of up to ``2**(LANE - PAYLOAD)`` rows without spilling into the next; a message with
    more (or with a count that is no whole number) is scored row by row instead, the same
    weights. ``shift`` is chosen from the largest weight, so that every weight is kept to
    within 2**-(shift+1) (~1e-8): the probabilities are scikit-learn's softmax of its
    decision function to ~1e-7 (tests/vocabulary/test_pure_scoring.py), closer than the
    float32 copy they replaced."""

    LANE = 42  # bits a lane
    PAYLOAD = 32  # bits of a weight (with its offset); the 10 bits above hold 1,023 rows' sum
    OFFSET = 1 << (PAYLOAD - 1)

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.rows: dict[str, int] = {}  # feature -> its packed row (see above)
        self.bias: tuple[float, ...] = ()
        self.shift = 0

    @staticmethod
    def _normalised(x: dict[str, float]) -> dict[str, float]:
        norm = math.sqrt(sum(v * v for v in x.values())) or 1.0
        return {k: v / norm for k, v in x.items()}

    @staticmethod
    def learn(examples: list[tuple[dict[str, float], str]], epochs: int = 30, alpha: float = 2e-5, seed: int = 7):
        """scikit-learn's classifier and the vectoriser of its columns (training only: this is
        the one place that imports scikit-learn)."""
        import numpy as np
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import SGDClassifier

        vectors = DictVectorizer()
        x = vectors.fit_transform([Model._normalised(features) for features, _ in examples]).tocsr()
        x.indices, x.indptr = x.indices.astype(np.int32), x.indptr.astype(np.int32)
        # The same phrases always make the same model (a fixed seed, a fixed number of passes).
        clf = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=epochs, tol=None, random_state=seed)
        clf.fit(x, [label for _, label in examples])
        return vectors, clf

    def fit(self, examples: list[tuple[dict[str, float], str]], epochs: int = 30, alpha: float = 2e-5,
            seed: int = 7) -> "Model":
        return self.take(*self.learn(examples, epochs, alpha, seed))

    def take(self, vectors, clf) -> "Model":
        """The weights scikit-learn learnt (``learn``), packed."""
        order = [list(clf.classes_).index(label) for label in self.labels]
        weights = clf.coef_.T[:, order]  # (features, labels)
        self.bias = tuple(float(b) for b in clf.intercept_[order])
        self.pack({feature: weights[i].tolist() for feature, i in vectors.vocabulary_.items()})
        return self

    def pack(self, weights: Mapping[str, list[float]]) -> None:
        """``rows`` from each feature's weights (one float a label)."""
        largest = max((abs(w) for row in weights.values() for w in row), default=1.0) or 1.0
        self.shift = self.PAYLOAD - 2 - math.frexp(largest)[1]  # |round(w * 2**shift)| < OFFSET
        scale, lane, offset = 2.0 ** self.shift, self.LANE, self.OFFSET
        rows = {}
        for feature, row in weights.items():
            packed = 1  # lane 0: one row
            for j, w in enumerate(row, 1):
                packed |= (round(w * scale) + offset) << (lane * j)
            rows[feature] = packed
        self.rows = rows

    def weights(self, feature: str) -> list[float] | None:
        """A feature's weights, one a label, as the model keeps them (None: an unknown feature)."""
        packed = self.rows.get(feature)
        if packed is None:
            return None
        mask, lane, offset, scale = (1 << self.LANE) - 1, self.LANE, self.OFFSET, 2.0 ** -self.shift
        return [(((packed >> (lane * j)) & mask) - offset) * scale for j in range(1, len(self.labels) + 1)]

    def probabilities(self, x: Mapping[str, float]) -> dict[str, float]:
        get = self.rows.get
        total = 0
        for k, v in x.items():
            packed = get(k)
            if packed is not None:
                if v == 1.0:
                    total += packed
                elif v == (c := int(v)) and c > 0:
                    total += packed * c
                else:
                    return self._by_rows(x)
        values = x.values()
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        lane, mask = self.LANE, (1 << self.LANE) - 1
        added = total & mask
        if added >= 1 << (lane - self.PAYLOAD):
            return self._by_rows(x)  # the lanes may have spilt over: row by row
        step = 2.0 ** -self.shift / norm
        base = added * self.OFFSET
        z = [b + (((total >> s) & mask) - base) * step
             for b, s in zip(self.bias, range(lane, lane * (len(self.bias) + 1), lane))]
        return self._softmax(z)

    def _by_rows(self, x: Mapping[str, float]) -> dict[str, float]:
        """The same scores a row at a time (any counts, any number of rows)."""
        norm = math.sqrt(sum(v * v for v in x.values())) or 1.0
        z = list(self.bias)
        for k, v in x.items():
            row = self.weights(k)
            if row is not None:
                z = [t + w * (v / norm) for t, w in zip(z, row)]
        return self._softmax(z)

    def _softmax(self, z: list[float]) -> dict[str, float]:
        top = max(z)
        e = [math.exp(t - top) for t in z]
        s = sum(e)
        return dict(zip(self.labels, [t / s for t in e]))


def load_phrases(langs: Iterable[str] = LANGUAGES) -> list[tuple[str, str, str]]:
    """The training phrases: (lang, label, text) from vocabulary/phrases/<lang>.tsv."""
    rows = []
    for lang in langs:
        name = languages.get(lang).phrases
        for n, line in enumerate((PHRASES / name).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            label, sep, text = line.partition("\t")
            if not sep or not text.strip():
                raise ValueError(f"vocabulary/phrases/{name} line {n}: want label<TAB>text")
            rows.append((lang, label.strip(), text.strip()))
    return rows


def training_rows() -> list[tuple[str, str, str]]:
    """What the shipped model learns from: the phrases, and the words of the training turns
    (vocabulary/training_turns.py)."""
    from vocabulary import training_turns

    return load_phrases() + training_turns.intent_rows()


def train(rows: list[tuple[str, str, str]]) -> Model:
    labels = sorted({label for _, label, _ in rows})
    unknown = [label for label in labels if _route(label) is None and label not in NOT_JOURNEYS + ("cancel",)]
    if unknown:
        raise ValueError(f"labels that are no journey: {unknown}")
    return Model(labels).fit(examples(rows))


def examples(rows: list[tuple[str, str, str]]) -> list[tuple[dict[str, float], str]]:
    """(features, label) of each distinct phrase, as the model learns them."""
    out, seen = [], set()
    for lang, label, text in rows:
        text, folded = prepare(text)
        if (lang, label, folded) in seen:
            continue  # a phrase learnt once: the same rows again make the same model
        seen.add((lang, label, folded))
        x = features(folded, find(text, folded, lang))
        out.append((EXTRA_FEATURES(x, text, folded) if EXTRA_FEATURES else x, label))
    return out


_lock = threading.Lock()
_model: Model | None = None


def model() -> Model:
    """The model, trained once a process on first use (threads wait for the one training), or
    its weights loaded when another process trained it on the same inputs (model_cache)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from vocabulary import model_cache

                _model = model_cache.load_or_train(Model, lambda: train(training_rows()))
    return _model


def known_word(word: str) -> bool:
    """A word the lexicons know (so never a typo of another: sms/keywords.py's commands)."""
    return word in _index().known


# Understanding ------------------------------------------------------------------------------
def prepare(text: str | None) -> tuple[str, str]:
    """The text (at most what anyone needs) and its folded form; "my #" is "my number"."""
    text = (text or "")[:400].replace("#", " # ")
    return text, fold(text.replace("#", " num "))


def _route(label: str) -> tuple[str, dict] | None:
    """The journey (and slots) a label starts, before the utterance's own slots."""
    if label.startswith("fix."):
        fix = label[4:]
        return ("troubleshoot", {"fix": fix}) if fix in FIXES else None
    return (label, {}) if label in REGISTRY and label != "clarify" else None


def _slots(label: str, heard: dict) -> dict:
    """The slots the journey itself finds in what was heard (``Journey.slots_heard``, given
    vocabulary/slots.py's reading of the whole sentence)."""
    journey = REGISTRY.get(label)
    return journey.slots_heard(heard) if journey is not None and journey.slots_heard else {}


def intent_for(label: str, heard: dict | None = None) -> Intent:
    """The intent a (sure) label stands for."""
    if label == "agent":
        return intents.AGENT
    if label == "cancel":
        return clarify(VAGUE_CANCEL)
    route = _route(label)
    if route is None:
        return intents.UNCLEAR
    name, slots = route
    return intents.journey(name, **slots, **(_slots(label, heard) if heard else {}))


def clarify(labels: Iterable[str]) -> Intent:
    """The short question: which of these (at most two) journeys?"""
    options = []
    for label in labels:
        route = _route(label)
        if route and route not in options:
            options.append(route)
    return intents.journey("clarify", options=[[name, slots] for name, slots in options[:2]])


@lru_cache(maxsize=64)  # one turn reads its text several times; a worker keeps few (memory: bench/README.md)
def reading(text: str | None, lang: str) -> tuple[str, str, Found, Mapping[str, float]]:
    """A text as the models read it, once a turn (the intent model and the act model share it,
    given the same raw words): the text, its folded words (spoken numbers as digits), what the
    lexicon finds, and its features, read-only (whoever adds to them adds to a copy)."""
    text, folded = prepare(text)
    folded = slot_reader.as_digits(folded, lang)  # "two one two…" is a number, as if typed
    f = find(text, folded, lang)
    return text, folded, f, MappingProxyType(features(folded, f))


def understand(text: str | None, lang: str = languages.DEFAULT_CODE, *, speech_confidence: float | None = None) -> Understanding:
    """What a free text or a speech result asks for (see the module's docstring)."""
    if not prepare(text)[1]:
        return Understanding(intents.UNCLEAR, "none", 0.0, how="empty")
    if speech_confidence is not None and speech_confidence < SPEECH_FLOOR:
        return Understanding(intents.UNCLEAR, "none", 0.0, how="low_speech_confidence")
    text, folded, f, x = reading(text, lang)
    probs = model().probabilities(EXTRA_FEATURES(dict(x), text, folded) if EXTRA_FEATURES else x)
    asked = acts.form(text, folded) == "question"
    got = _decide(probs, f, asked=asked, named=product_named(folded, f), folded=folded,
                  heard=slot_reader.heard(text, lang))
    if asked and got.label in ABOUT_CANCELLING and MONEY_BACK.search(folded):
        # R1: "if I cancel, do I get my money back?" asks the refund policy, not what cancelling does
        got = Understanding(intent_for("refund"), "refund", got.score, got.label, got.runner_score)
    elif asked and got.label in ABOUT_A_PLAN and PRICE_ASKED.search(folded) and "billing" in probs:
        # "how much is the call recording add-on per month?", "¿cuánto me ahorraría si quito el add-on?": a
        # price, which the bot can't tell (said plainly, a person offered), not what cancelling does
        got = Understanding(intent_for("billing", slot_reader.heard(text, lang)), "billing", got.score, got.label,
                            got.runner_score)
    return slot_reader.with_next(got, text, lang, understand)


# A question about money back (R1), whatever else it names ("si cancelo me devuelven algo?").
MONEY_BACK = re.compile(r"\b(refund\w*|reimburs\w*|money back|my money|reembols\w*|dinero|me devuelven algo|"
                        r"me regresan algo|devuelven algo|regresan algo|me devuelven lo|me regresan lo)\b")
ABOUT_CANCELLING = frozenset({"cancel", "cancel_line", "cancel_plan", "cancel_effects"})
# A plan's price or what dropping one saves, asked ("how much is…", "cuánto cuesta…", "would I save").
PRICE_ASKED = re.compile(r"\b(how much (is|are|does|do|would|will)|what does \w+( \w+)? cost|cost (per|a|each) month|"
                         r"price of|(would|will) i save|cuanto (cuesta|cuestan|vale|sale|me cobran por|me ahorr\w*)|"
                         r"que precio|me ahorraria)\b")
ABOUT_A_PLAN = frozenset({"cancel", "cancel_plan", "cancel_effects", "plans"})


def answered(probs: dict[str, float]) -> dict[str, float]:
    """R24, for a question: each change's probability goes to the journey that answers
    questions about it (ANSWERED_BY; the vague "cancel" to the cancellations' one). A change
    no journey answers stays a candidate held to its words (``names``), its PIN and its yes."""
    out = dict(probs)
    for label, p in probs.items():
        by = ANSWERED_BY.get(CHANGES.get(label, "cancel_line" if label == "cancel" else ""))
        if by is not None and by in out:
            out[by] += out.pop(label)
    return out


# "stop paying for voicemail transcription": the product a vague cancellation names, when it is
# no word for the line or for plans in general (then "a plan or the line?" is asked).
_CANCEL_OBJECT = re.compile(r"\b(?:stop paying for|quit paying for|stop paying|dejar de pagar(?: por)?|"
                            r"no quiero pagar(?: por)?)\s+(?:my |the |mi |el |la |los |las )?([a-z][a-z ]{2,40})$")
_GENERIC = frozenset("""it this that everything all service services plan plans subscription subscriptions account
line number phone stuff anything something them esto eso todo servicio servicios plan planes suscripcion
suscripciones cuenta linea numero telefono nada algo""".split())


def product_named(folded: str, f: Found) -> str | None:
    """The words that name a product after "stop paying for" (any product the data may hold)."""
    m = _CANCEL_OBJECT.search(folded)
    if m is None or "line" in f.concepts:
        return None
    words = m.group(1).split()
    return " ".join(words) if 1 <= len(words) <= 4 and not set(words) & _GENERIC else None


def _decide(probs: dict[str, float], f: Found, asked: bool = False, named: str | None = None,
            folded: str = "", heard: dict | None = None) -> Understanding:
    """The model's probabilities, held to the safety rules and the thresholds; an answer's
    label is what the question is about (``about``)."""
    got = _decided(answered(probs) if asked else probs, f, named, folded, heard)
    return about(got, probs)


def about(got: Understanding, probs: dict[str, float]) -> Understanding:
    """An information journey's label is the intent its question is about (its ``answers``,
    the likeliest by the model: "do I keep my credits if I cancel?" is about cancel_line),
    while its intent is the answer; a journey that answers nothing keeps its own name."""
    journey = REGISTRY.get(got.intent.value) if got.sure and got.intent.kind == "journey" else None
    if journey is None or not journey.answers or got.label in journey.answers:
        return got
    topics = set(journey.answers) | ({"cancel"} if set(VAGUE_CANCEL) <= journey.answers else set())
    topic = max(sorted(topics), key=lambda label: probs.get(label, 0.0))
    return Understanding(got.intent, topic, got.score, got.runner_up, got.runner_score, got.how)


def _pooled(probs: dict[str, float]) -> dict[str, float]:
    """Each group of TWINS' weight, given to the likeliest of them (the others' is 0)."""
    for twins in TWINS:
        present = [label for label in twins if label in probs]
        if len(present) > 1:
            top = max(present, key=lambda label: probs[label])
            total = sum(probs[label] for label in present)
            probs = {**probs, **{label: (total if label == top else 0.0) for label in present}}
    return probs


def _heard_only(probs: dict[str, float], folded: str) -> dict[str, float]:
    """An answer its words don't reach (CUES) was never a candidate: the others share its weight."""
    unheard = [label for label in CUES if label in probs and not CUES[label].search(folded)]
    if not unheard:
        return probs
    rest = 1.0 - sum(probs[label] for label in unheard)
    return {label: (0.0 if label in unheard else p / rest if rest > 0 else p) for label, p in probs.items()}


def _called_back(probs: dict[str, float], folded: str) -> dict[str, float]:
    """A person asked to call ("have an agent call me tomorrow"): the call back (R15), not a
    transfer now; the person's weight goes to it."""
    if "agent" not in probs or "callback" not in probs or not acts.callback_asked(folded):
        return probs
    return {**probs, "callback": probs["callback"] + probs["agent"], "agent": 0.0}


# R3: a cancellation's undoing named ("un-cancel", "cancel the cancellation", "deshagan la
# cancelación"), or a cancellation told with its regret ("my wife cancelled my line, i never wanted
# that", "la cancelé sin querer"): what undoing can do is answered, never a cancellation proposed.
CANCEL_WORD = r"(cancel\w*|cancele|cancelo|cancelaron)"
UNDO_CANCEL = re.compile(
    r"\b(un ?cancel\w*|des ?cancel\w*|cancel\w* (the|my|a|that|la|mi|esa|una) cancel\w*|"
    r"(undo|undoing|reverse|revert|take back|deshacer\w*|deshaz|deshago|deshagan|deshaga|anular\w*|anulen|anule|"
    r"revertir|quitar|quiten|quiteme|echar para atras) (the |my |la |mi |una |esa |that |a )?cancel\w*|"
    r"cancel\w*\b.{0,60}\b(by mistake|by accident|accidentally|on accident|mistakenly|sin querer|por error|"
    r"por accidente|por equivocacion|(didn t|didnt|did not|never) (want|mean|meant|approve|approved|authori[sz]ed|"
    r"ask|asked)|i never wanted|wasn t me|no (lo )?queria|nunca (lo |la )?(autorice|pedi|quise)|se equivoco|"
    r"fue un error|(was|by) a mistake|boton equivocado)|"
    r"(by mistake|by accident|accidentally|sin querer|por error|por accidente|didn t mean to|didnt mean to|"
    r"no era mi intencion|no queria) (cancel\w*|cancele|cancelo))\b"
    # one's own cancellation and the thing asked back: "i cancelled it yesterday, turn it back on",
    # "cancelé lo de la grabación… me lo pueden volver a poner" (a line cancelled by others is R12's)
    r"|\b((i|we) (\w+ )?(cancelled|canceled)|(lo|la|los|las) cancele|cancele (mi|el|la|lo|los|las)) .{0,80}\b("
    r"turn (\w+ ){1,3}back on|put (it|them) back|bring (it|them) back|(want|need|get) (it|them) back|"
    r"(volver|vuelvan|vuelve|vuelva) a (poner|activar)\w*|echar\w* (para |pa )?atras|deshacer\w*|"
    r"devuelv\w* (mi|el|la) (linea|numero|plan|archivo|grabacion)|(la|lo) quiero de vuelta)\b"
    r"|\b(turn (\w+ ){1,3}back on|put (it|them) back|bring (it|them) back|(volver|vuelvan) a poner\w*|"
    r"devuelv\w* (mi|el|la) (linea|numero|plan|archivo|grabacion)) .{0,80}\b((i|we) (\w+ )?(cancelled|canceled)|"
    r"(lo|la|los|las) cancele)\b"
    # one's own cancellation to be reactivated or got back: "reactivate the line i cancelled", "can I get my
    # number back after cancelling?", "reactivar la línea que cancelé" (R3: told truly; R12 is for the others)
    r"|\b(reactivat\w*|restor\w*|recover\w*|reactivar\w*|recuperar\w*|back) .{0,40}\b((that |which )?(i|we) "
    r"(just |already )?(cancelled|canceled)|after (i )?cancel\w*|que (ya )?cancele|despues de cancelar\w*)\b")
def undo_said(folded: str) -> bool:
    """UNDO_CANCEL, read only where a cancel word is (every one of its readings holds one: the
    search alone is ~15 µs a sentence, and a turn asks several times)."""
    return "cancel" in folded and bool(UNDO_CANCEL.search(folded))


# What stays itself beside an undoing, when its own words are said: money back (R1), a charge.
BESIDE_UNDOING = {"refund": re.compile(r"\b(refund\w*|reimburs\w*|money back|reembols\w*|dinero|devuelv\w* (el|mi) "
                                       r"(dinero|pago)|credit\w*|creditos?)\b"),
                  "billing": re.compile(r"\b(charg\w*|bill\w*|cobr\w*|cargo\w*|factur\w*)\b")}


def _undone(probs: dict[str, float], folded: str) -> dict[str, float]:
    """A cancellation's undoing or its regret (UNDO_CANCEL) is the undoing's answer (R3): every
    label's weight is its but money's when money is named, so that no cancellation is proposed."""
    if "undo_cancel" not in probs or not undo_said(folded):
        return probs
    kept = {label for label, words in BESIDE_UNDOING.items() if label in probs and words.search(folded)}
    moved = sum(p for label, p in probs.items() if label not in kept)
    return {label: (moved if label == "undo_cancel" else p if label in kept else 0.0) for label, p in probs.items()}


def _plan_unsubscribed(probs: dict[str, float], f: Found) -> dict[str, float]:
    """"unsubscribe me from text archive": an opt-out's words with a plan named are that plan's
    cancellation (R4), never the texts' opt-out (R16 names no plan); its weight is the plan's."""
    if f.plan is None or "opt_out" not in probs or "cancel_plan" not in probs:
        return probs
    return {**probs, "cancel_plan": probs["cancel_plan"] + probs["opt_out"], "opt_out": 0.0}


def _candidates(probs: dict[str, float], f: Found, folded: str) -> list[tuple[str, float]]:
    """The labels, likeliest first, the safety rules allow: safety before recall, a change the
    utterance doesn't name is not a candidate at all (``names_its_change``)."""
    ranked = sorted(_pooled(_undone(_heard_only(_plan_unsubscribed(_called_back(probs, folded), f), folded), folded)).items(), key=lambda kv: -kv[1])
    return [(label, p) for label, p in ranked if names_its_change(label, f, folded)]


def _vague_cancel(f: Found, named: str | None, heard: dict | None) -> tuple[Intent, str, str]:
    """A cancellation that names no object: R4, a plan named ("stop paying for voicemail
    transcription") is what is meant, never the line, and one the line doesn't have is said so
    with the ones it has (cancel_plan); else "a plan or the line?"."""
    if f.plan is not None:
        return intent_for("cancel_plan", heard), "cancel_plan", "model"
    if named:
        return intents.journey("cancel_plan", plan=named), "cancel_plan", "model"
    return clarify(VAGUE_CANCEL), "cancel", "clarify"


def _threshold(label: str) -> float:
    """The probability a label needs to be acted on: more for a change, more still for "none"."""
    return ROUTE_CHANGE if label in CHANGES else NOTHING if label == "none" else ROUTE


def _routed(label: str, heard: dict | None) -> Intent:
    """The intent of a label sure enough: its journey; a label that is no journey may still be
    answered by one ("what can you do": help), else it is unclear."""
    if label not in NOT_JOURNEYS:
        return intent_for(label, heard)
    return intents.journey(ANSWERED_BY[label]) if label in ANSWERED_BY else intents.UNCLEAR


def _question(allowed: list[tuple[str, float]]) -> Intent | None:
    """Unsure, with a journey likely enough: the short question offering the likeliest ones."""
    journeys = [(label, p) for label, p in allowed if label not in NOT_JOURNEYS]
    if not journeys or journeys[0][1] < CLARIFY:
        return None
    if journeys[0][0] == "cancel":
        return clarify(VAGUE_CANCEL)
    return clarify([label for label, _ in journeys if label != "cancel"])


def _decided(probs: dict[str, float], f: Found, named: str | None, folded: str,
             heard: dict | None = None) -> Understanding:
    """The likeliest allowed label, decided by the first rule that takes it: a vague
    cancellation, a label sure enough to route, a question between journeys, or unsure."""
    allowed = _candidates(probs, f, folded)
    (label, p), (runner, q) = allowed[0], (allowed[1] if len(allowed) > 1 else (None, 0.0))
    if label == "cancel" and p >= CLARIFY:
        intent, label, how = _vague_cancel(f, named, heard)
        return Understanding(intent, label, p, runner, q, how=how)
    if p >= _threshold(label):
        return Understanding(_routed(label, heard), label, p, runner, q, how="model" if label != "none" else "unsure")
    asked = _question(allowed)
    if asked is not None:
        return Understanding(asked, label, p, runner, q, how="clarify")
    return Understanding(intents.UNCLEAR, label, p, runner, q, how="unsure")


# Answers both doors read the same way ----------------------------------------------------------
def _ordinal(folded: str, lang: str, offered: int) -> int | None:
    """"the first one", "el segundo": the offer's number (any language's ordinals); a number or an
    ordinal of one word only where it can be the answer: in a few words, last, or first (never
    "first" as "first of all": "primero dime cuándo…"), not "me cobraron dos veces"."""
    words = folded.split()
    for n in (2, 1):  # "second one" holds "one"
        if n <= max(1, offered) and any(f" {p} " in f" {folded} " and (" " in p or _answers_alone(words, p))
                                        for lg in (lang, *languages.CODES) for p in lexicon(lg).ordinals[n]):
            return n
    return None


def _answers_alone(words: list[str], word: str) -> bool:
    return len(words) <= 3 or words[-1] == word or (words[0] == word and word not in ADVERB_ORDINALS)


ADVERB_ORDINALS = frozenset({"first", "second", "primero", "primera", "segundo", "segunda"})


# A fix understood from free text → its place in the list R11 offers (core/journeys/troubleshoot.py).
_FIX_OF = {**{f"fix.{fix}": fix for fix in FIXES},
           **{journey: fix for fix, journey in troubleshoot.FIX_JOURNEYS.items()}}


def fix_choice(got: Understanding | None) -> int | None:
    """Which of R11's five fixes an understood problem is (1-based), if it is one."""
    fix = _FIX_OF.get(got.label) if got is not None and got.sure else None
    return FIXES.index(fix) + 1 if fix else None


def answer_which(text: str, lang: str, options: list, got: Understanding | None = None) -> Intent:
    """An answer, in words, to "which: 1 or 2?" (core/journeys/clarify.py): an ordinal, the
    object alone ("the line") when the offers are a plan or the line, the offered journey in
    other words, or something else asked for in full; anything else is unclear (asked once
    more, then R15). Keys are the doors' business."""
    names = [o[0] for o in options if isinstance(o, (list, tuple)) and o]
    text, folded = prepare(text)
    ordinal = _ordinal(folded, lang, len(names))
    if ordinal is not None:
        return intents.choice(ordinal)
    if {"cancel_plan", "cancel_line"} <= set(names):
        f = find(text, folded, lang)
        plan, line = "plan" in f.concepts or f.plan is not None, "line" in f.concepts
        if plan != line:
            return intents.choice(names.index("cancel_plan" if plan else "cancel_line") + 1)
    got = got if got is not None else understand(text, lang)
    if got.how in ("model", "clarify") and got.intent.kind == "journey":
        offered = [got.intent.value] if got.intent.value != "clarify" else [o[0] for o in got.intent.slot("options")]
        for i, name in enumerate(names, 1):
            if offered and offered[0] == name:
                return intents.choice(i)
    return got.intent if got.sure else intents.UNCLEAR
