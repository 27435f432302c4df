"""Understanding free text (vocabulary/understand.py): how fast, how big, and why this technique.

    .venv/bin/python bench/understanding.py                 # latency a message, training, memory
    .venv/bin/python bench/understanding.py --compare       # + the techniques tried, on the held-out set
    .venv/bin/python bench/understanding.py --thresholds    # + the thresholds, by cross-validation

No database, no Redis, one process. Not part of the test suite and never fails on a timing
(tests/test_understanding.py holds the accuracy). Times are CPU time (``time.process_time``),
so that other work on the machine inflates them less, and every figure is also given as a
ratio to baselines measured in the same run: the keyword parse of a command (what every text
already costs) and the old voice menu's phrase table (what speech cost before).
``--compare`` with rapidfuzz importable (``pip install rapidfuzz``: not a dependency) adds
the fuzzy-phrase technique.
"""

from __future__ import annotations

import argparse
import collections
import math
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.formatting import fold  # noqa: E402
from sms.keywords import parse  # noqa: E402
from vocabulary import contains, understand as u, vocabulary  # noqa: E402
from vocabulary.evaluation import HELD_OUT as EVAL  # noqa: E402


def held_out() -> list[tuple[str, str, str]]:
    return [(lang, label, text) for lang, label, _, _, text in
            (line.split("\t") for line in EVAL.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#"))]


def cpu_us(fn, items, rounds: int = 5) -> list[float]:
    """CPU microseconds a call, for each item (the best of ``rounds``: the least disturbed)."""
    best = [math.inf] * len(items)
    for _ in range(rounds):
        for i, item in enumerate(items):
            t = time.process_time()
            fn(item)
            best[i] = min(best[i], (time.process_time() - t) * 1e6)
    return best


def summary(times: list[float]) -> str:
    q = statistics.quantiles(times, n=100)
    return f"mean {statistics.fmean(times):7.0f}  p50 {q[49]:7.0f}  p99 {q[98]:7.0f}  max {max(times):7.0f}"


def old_menu(text: str) -> str | None:
    """The voice menu before issue 11: the first phrase of the table found in what was said."""
    said = fold(text)
    for phrases, choice in vocabulary("en").main_menu:
        if contains(said, phrases):
            return choice
    return None


def latency() -> None:
    data = held_out()
    t = time.process_time()
    model = u.model()
    trained = time.process_time() - t
    tracemalloc.start()  # a second training, traced (tracing slows it: not timed)
    again = u.train(u.load_phrases())
    size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del again
    features = len(model.rows)
    print(f"training once a process: {trained:.2f} s CPU, {len(u.load_phrases())} phrases, {len(model.labels)} labels, "
          f"{features} features; model in memory {size / 1e6:.1f} MB (peak while training {peak / 1e6:.1f} MB)")
    texts = [(text, lang) for lang, _, text in data] * 4
    understand = cpu_us(lambda x: u.understand(*x), texts)
    sms_free = cpu_us(lambda x: parse(x[0]), texts)
    keyword = cpu_us(parse, ["CANCEL LINE", "STOP PLAN Text Archive", "PLANS", "REFUND", "BLOCK 5559990000"] * 80)
    menu = cpu_us(lambda x: old_menu(x[0]), texts)
    base_kw, base_menu = statistics.fmean(keyword), statistics.fmean(menu)
    print(f"\nCPU µs a message over {len(texts)} messages ({len(data)} held-out utterances x 4), best of 5:")
    print(f"  understand()                      {summary(understand)}   x{statistics.fmean(understand) / base_kw:5.1f} "
          f"keyword parse, x{statistics.fmean(understand) / base_menu:5.1f} old menu table")
    print(f"  SMS parse() of free text          {summary(sms_free)}   (consent, commands, then understand)")
    print(f"  baseline: keyword parse (command) {summary(keyword)}")
    print(f"  baseline: old voice menu table    {summary(menu)}")
    print(f"\n(measured {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f})")


# The techniques tried ------------------------------------------------------------------------
def score(predict, data) -> tuple[float, int]:
    """Raw accuracy of a label predictor, and how many utterances it sends to a change journey
    they do not name (before any safety rule)."""
    ok = bad = 0
    for lang, label, text in data:
        got = predict(text, lang)
        ok += got == label
        bad += got in u.CHANGES and u.CHANGES[got] != u.CHANGES.get(label)
    return ok / len(data), bad


def examples(rows):
    out = []
    for lang, label, text in rows:
        text, folded = u.prepare(text)
        out.append((u.features(folded, u.find(text, folded, lang)), label))
    return out


def featurise(text, lang):
    text, folded = u.prepare(text)
    return u.features(folded, u.find(text, folded, lang))


class NaiveBayes:
    def __init__(self, rows, alpha=0.1):
        counts, prior = collections.defaultdict(collections.Counter), collections.Counter()
        for x, label in examples(rows):
            counts[label].update(set(x))
            prior[label] += 1
        vocab = {k for c in counts.values() for k in c}
        self.logp = {lb: {k: math.log((c[k] + alpha) / (sum(c.values()) + alpha * len(vocab))) for k in vocab}
                     for lb, c in counts.items()}
        self.prior = {lb: math.log(n / len(rows)) for lb, n in prior.items()}

    def __call__(self, text, lang):
        x = featurise(text, lang)
        return max(self.logp, key=lambda lb: self.prior[lb] + sum(self.logp[lb].get(k, 0.0) for k in x))


class Neighbours:
    def __init__(self, rows, k=3):
        xs = examples(rows)
        df = collections.Counter(k for x, _ in xs for k in x)
        self.idf = {k: math.log((1 + len(xs)) / (1 + c)) + 1 for k, c in df.items()}
        self.rows = [(self.vec(x), label) for x, label in xs]
        self.k = k

    def vec(self, x):
        v = {k: self.idf.get(k, 0.0) * w for k, w in x.items()}
        n = math.sqrt(sum(a * a for a in v.values())) or 1.0
        return {k: a / n for k, a in v.items()}

    def __call__(self, text, lang):
        v = self.vec(featurise(text, lang))
        sims = sorted(((sum(a * w.get(k, 0.0) for k, a in v.items()), label) for w, label in self.rows), reverse=True)
        votes = collections.Counter()
        for s, label in sims[:self.k]:
            votes[label] += s
        return votes.most_common(1)[0][0]


class Perceptron:
    def __init__(self, rows, epochs=5):
        xs = examples(rows)
        self.w, total, c = collections.defaultdict(collections.Counter), collections.defaultdict(collections.Counter), 1
        labels = sorted({lb for _, lb in xs})
        rnd = random.Random(7)
        for _ in range(epochs):
            rnd.shuffle(xs)
            for x, truth in xs:
                guess = max(labels, key=lambda lb: sum(self.w[lb][k] * v for k, v in x.items()))
                if guess != truth:
                    for k, v in x.items():
                        self.w[truth][k] += v
                        self.w[guess][k] -= v
                        total[truth][k] += c * v
                        total[guess][k] -= c * v
                c += 1
        self.w = {lb: {k: self.w[lb][k] - total[lb][k] / c for k in self.w[lb]} for lb in labels}

    def __call__(self, text, lang):
        x = featurise(text, lang)
        return max(self.w, key=lambda lb: sum(self.w[lb].get(k, 0.0) * v for k, v in x.items()))


def compare() -> None:
    rows, data = u.load_phrases(), held_out()
    menu_label = {"cancel_menu": "cancel", "problems": "troubleshoot", "repeat": "help", None: "none"}

    def logistic(text, lang):
        x = featurise(text, lang)
        p = u.model().probabilities(x)
        return max(p, key=p.get)

    def full(text, lang):
        got = u.understand(text, lang)
        if got.how == "clarify":
            return "cancel" if got.label == "cancel" else "clarify"
        return got.label if got.sure else "none"

    tried = [("old voice menu phrase table (before issue 11)", lambda t, lang: menu_label.get(old_menu(t), old_menu(t))),
             ("naive Bayes, same features", NaiveBayes(rows)),
             ("3 nearest neighbours, tf-idf cosine, same features", Neighbours(rows)),
             ("averaged perceptron, 5 epochs, same features", Perceptron(rows)),
             ("logistic regression (chosen), raw label", logistic),
             ("logistic regression + safety rules + thresholds (shipped)", full)]
    try:
        from rapidfuzz import fuzz, process, utils

        choices = [fold(text) for _, _, text in rows]
        labels = [label for _, label, _ in rows]

        def fuzzy(text, lang):
            best = process.extractOne(fold(text), choices, scorer=fuzz.token_set_ratio, processor=utils.default_process)
            return labels[best[2]] if best and best[1] >= 60 else "none"
        tried.insert(1, ("rapidfuzz token_set_ratio to the nearest training phrase", fuzzy))
    except ImportError:
        print("(rapidfuzz not installed: its row is left out)")
    print(f"\n{'technique':<62} {'accuracy':>8} {'to a change it does not name':>30} {'µs a message':>13}")
    sample = data[::4]
    for name, predict in tried:
        acc, bad = score(predict, data)
        t = time.process_time()
        for lang, _, text in sample:
            predict(text, lang)
        us = (time.process_time() - t) / len(sample) * 1e6
        print(f"{name:<62} {acc:>8.1%} {bad:>30} {us:>13.0f}")


def thresholds() -> None:
    """5-fold cross-validation on the training phrases and turns (never the held-out set)."""
    from vocabulary import training_turns

    rows = u.load_phrases() + training_turns.intent_rows()
    rnd = random.Random(3)
    rows = rows[:]
    rnd.shuffle(rows)
    seen = []
    for k in range(5):
        model = u.train([r for i, r in enumerate(rows) if i % 5 != k])
        for lang, label, text in rows[k::5]:
            text2, folded = u.prepare(text)
            f = u.find(text2, folded, lang)
            p = model.probabilities(u.features(folded, f))
            seen.append((label, [(lb, q) for lb, q in sorted(p.items(), key=lambda kv: -kv[1]) if u.names_its_change(lb, f)]))
    print(f"\n{'route':>6} {'change':>7} {'clarify':>8} {'accuracy':>9} {'to a change not named':>22} {'asked back':>11}")
    for route, change, clarify in [(0.3, 0.3, 0.15), (0.3, 0.4, 0.15), (0.4, 0.5, 0.15), (0.4, 0.5, 0.2),
                                   (0.5, 0.6, 0.2), (0.6, 0.7, 0.3)]:
        ok = bad = asked = 0
        for label, ranked in seen:
            top, p = ranked[0]
            if top == "cancel" and p >= clarify:
                got = "cancel"
            elif p >= (change if top in u.CHANGES else route) and top != "none":
                got = top
            elif p >= clarify and top != "none":
                got, asked = "clarify", asked + 1
            else:
                got = "none"
            ok += got == label
            bad += got in u.CHANGES and u.CHANGES[got] != u.CHANGES.get(label)
        print(f"{route:>6} {change:>7} {clarify:>8} {ok / len(seen):>9.1%} {bad:>22} {asked:>11}")


if __name__ == "__main__":
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--compare", action="store_true")
    args.add_argument("--thresholds", action="store_true")
    opts = args.parse_args()
    latency()
    if opts.compare:
        compare()
    if opts.thresholds:
        thresholds()
