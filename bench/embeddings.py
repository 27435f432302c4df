"""A sentence embedding for the intent model (vocabulary/understand.py), compared by measurement.

    .venv/bin/pip install -e '.[bench]'            # wordllama, tokenlearn-static-model (weights in their wheels)
    .venv/bin/python bench/embeddings.py           # the table: our turns by folds, CPU, memory (~20 min)
    .venv/bin/python bench/embeddings.py --quick   # the baseline and one variant of each kind
    .venv/bin/python bench/embeddings.py --folds-only --seed 5    # our turns only, shuffled into other folds
    .venv/bin/python bench/embeddings.py --held-out 'b. 256 dims appended ×0.5'   # the held-out aggregate only:
                                                   # the baseline and that variant, nothing else

The embedding is wordllama's ``l2_supercat`` (a static token-embedding model: Llama 2's tokenizer,
32,000 tokens × 256 dimensions, trained Matryoshka-style so the first 64 or 128 dimensions are a
model too), a turn's vector the mean of its tokens' rows, unit length. Read straight from the
files inside the wheel (``wordllama/weights/``, ``wordllama/tokenizers/``) with ``safetensors``
and ``tokenizers``: ``WordLlama.load()`` looks for its tokenizer in a folder of another name
(``tokenizer/``), misses the one it ships and downloads it from the Hugging Face hub, which
serving can never do (run with no network, it raises). Nothing here downloads anything.

The variants, each measured the same way in the same run:
  a. today's model (the baseline);
  b. the embedding appended to today's sparse features, the same SGDClassifier: after the sparse
     features' own length is taken, the embedding (unit length) is scaled to ``scale`` times it,
     so that ``scale`` is the dense block's weight against the sparse one whatever the turn's length;
  c. the embedding alone → scikit-learn's LogisticRegression (lbfgs, C);
  d. as b, with the only model2vec-format weights found in a wheel on the package index
     (``tokenlearn-static-model``: multilingual, 64 dimensions; ``Potion`` below);
  and the best of b given to the act model too (vocabulary/act_model.py).

The figures: our own 3,524 training turns by five folds (vocabulary/dev_folds.py: each fifth left
out of both models' training, read by the interpreter the doors use, scored as the held-out set
is); the 400 near misses of the development set (vocabulary/phrases/near_miss_dev/) proposing a
change, the models trained on everything; the CPU of the whole interpretation a turn
(``evaluate.integrated``, every cache cleared, ``time.process_time``) over our turns; the resident
memory the embedding adds to a process that has the shipped models loaded, and its start-up.
Every parameter is chosen on those. ``--held-out NAME`` counts the held-out set (the aggregate
figures only, never a row) for the baseline and that variant, once each.

The hooks are ``understand.EXTRA_FEATURES`` and ``act_model.EXTRA_FEATURES`` (None in the product).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SWITCHBOARD_MODEL_CACHE", "off")  # a variant's model must never be a cached baseline's


# The embedding --------------------------------------------------------------------------------------
def wheel_files() -> tuple[Path, Path]:
    """wordllama's weights and tokenizer, as its wheel ships them (the package itself is not imported:
    its import sets up logging and its loader downloads)."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("wordllama is not installed: .venv/bin/pip install -e '.[bench]' (or pip install wordllama)")
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "weights" / "l2_supercat_256.safetensors", root / "tokenizers" / "l2_supercat_tokenizer_config.json"


class Embedder:
    """A turn → the mean of its tokens' rows, unit length (what ``WordLlamaInference.embed`` computes
    for one text), the table kept at the width asked and in the wheel's float16."""

    def __init__(self, dims: int = 256) -> None:
        import numpy as np
        from safetensors import safe_open
        from tokenizers import Tokenizer

        weights, tokenizer = wheel_files()
        with safe_open(str(weights), framework="np") as f:
            table = f.get_tensor("embedding.weight")
        self.table = np.ascontiguousarray(table[:, :dims])  # a copy: the full table is let go
        del table
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.dims = dims

    def __call__(self, text: str):
        import numpy as np

        ids = self.tokenizer.encode(text, add_special_tokens=False).ids
        if not ids:
            return np.zeros(self.dims, dtype=np.float32)
        v = self.table[ids].astype(np.float32).mean(axis=0)
        n = float(np.linalg.norm(v))
        return v / n if n else v


class Potion:
    """The model2vec-format model inside the ``tokenlearn-static-model`` wheel (``static_model/model/``:
    a multilingual Unigram tokenizer of 276,326 tokens, each mapped to one of 10,000 int8 vectors of
    64 dimensions, with a weight a token), read with ``safetensors`` and ``tokenizers`` (the
    package's own compiled encoder is not loaded): a turn → the weighted mean of its tokens'
    vectors, unit length, as model2vec computes it."""

    dims = 64

    def __init__(self) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        spec = importlib.util.find_spec("static_model")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("tokenlearn-static-model is not installed: .venv/bin/pip install tokenlearn-static-model")
        folder = Path(next(iter(spec.submodule_search_locations))) / "model"
        with safe_open(str(folder / "model.safetensors"), framework="np") as f:
            self.vectors = f.get_tensor("embeddings")
            self.mapping = f.get_tensor("mapping").astype("int32")
            self.weights = f.get_tensor("weights")
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.unk = self.tokenizer.token_to_id("<unk>")

    def __call__(self, text: str):
        import numpy as np

        ids = [i for i in self.tokenizer.encode(text, add_special_tokens=False).ids if i != self.unk]
        if not ids:
            return np.zeros(self.dims, dtype=np.float32)
        v = (self.vectors[self.mapping[ids]].astype(np.float32) * self.weights[ids, None]).mean(axis=0)
        n = float(np.linalg.norm(v))
        return v / n if n else v


@lru_cache(maxsize=4)
def embedder(dims: int):
    """wordllama at ``dims`` dimensions; 0: the multilingual model2vec model (64 dimensions)."""
    return Potion() if dims == 0 else Embedder(dims)


# The variants ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    name: str
    intent: str | None = None  # None (today's), "append" (b) or "alone" (c)
    dims: int = 256
    scale: float = 1.0  # b: the dense block's length against the sparse features'
    C: float = 10.0  # c: LogisticRegression's C
    acts: bool = False  # the same appended features for the act model
    raw: bool = False  # embed the text as written (else its folded words, as the model reads them)


def _extra(v: Variant, cache: dict | None):
    """The hook's function: the features a variant reads, given today's, the text and its folded words."""
    embed = embedder(v.dims)

    def vector(text: str, folded: str):
        words = text if v.raw else folded
        if cache is None:
            return embed(words)
        got = cache.get((v.dims, words))
        if got is None:
            got = cache[v.dims, words] = embed(words)
        return got

    keys = [f"e:{i}" for i in range(embed.dims)]
    if v.intent == "alone":
        def extra(x, text, folded):
            return dict(zip(keys, vector(text, folded).tolist()))
    else:
        def extra(x, text, folded):
            norm = math.sqrt(sum(value * value for value in x.values())) or 1.0
            out = dict(x)
            out.update(zip(keys, (vector(text, folded) * (v.scale * norm)).tolist()))
            return out
    return extra


class _Switched:
    """A variant's hooks in place for a ``with`` block (and today's model again after it)."""

    def __init__(self, v: Variant, cache: dict | None = None) -> None:
        self.v, self.cache = v, cache

    def __enter__(self):
        from vocabulary import act_model, understand

        self.saved = understand.EXTRA_FEATURES, act_model.EXTRA_FEATURES, understand.train
        if self.v.intent is not None:
            understand.EXTRA_FEATURES = _extra(self.v, self.cache)
        if self.v.acts:
            act_model.EXTRA_FEATURES = _extra(Variant(self.v.name, "append", self.v.dims, self.v.scale,
                                                      raw=self.v.raw), self.cache)
        if self.v.intent == "alone":
            understand.train = _logistic(self.saved[2], self.v.C)
        _clear()
        return self

    def __exit__(self, *exc):
        from vocabulary import act_model, understand

        understand.EXTRA_FEATURES, act_model.EXTRA_FEATURES, understand.train = self.saved
        understand._model = act_model._model = None
        _clear()


def _logistic(train, C: float):
    """understand.train with scikit-learn's LogisticRegression learning the weights (c)."""
    from vocabulary import understand

    class Logistic(understand.Model):
        def fit(self, examples, **_):
            import numpy as np
            from sklearn.feature_extraction import DictVectorizer
            from sklearn.linear_model import LogisticRegression

            vectors = DictVectorizer()
            x = vectors.fit_transform([self._normalised(f) for f, _ in examples])
            clf = LogisticRegression(C=C, max_iter=2000)
            clf.fit(x, [label for _, label in examples])
            order = [list(clf.classes_).index(label) for label in self.labels]
            self.index = dict(vectors.vocabulary_)
            self.weights = np.ascontiguousarray(clf.coef_.T[:, order], dtype=np.float32)
            self.bias = clf.intercept_[order].astype(np.float32)
            return self

    def trained(rows):
        shipped = understand.Model
        understand.Model = Logistic
        try:
            return train(rows)
        finally:
            understand.Model = shipped

    return trained


def _clear() -> None:
    from vocabulary import acts, slots, understand

    understand.reading.cache_clear()
    acts._decided.cache_clear()
    acts._read.cache_clear()
    slots._read_tokens.cache_clear()


def _full_models() -> None:
    """Both models trained on everything, under whatever hooks are in place."""
    from vocabulary import act_model, understand

    understand._model = understand.train(understand.training_rows())
    act_model._model = act_model.train()
    _clear()


# The measurements -----------------------------------------------------------------------------------
def folds(v: Variant, cache: dict, seed: int = 3) -> dict:
    from vocabulary import dev_folds

    with _Switched(v, cache):
        report, failures = dev_folds.run(seed=seed)
    proposed = sum(1 for f in failures if f.got[0] == "request" and f.got[1] in _changes()
                   and f.wanted[0] != "request")
    return {"act_intent": report.act_intent.value, "act": report.act.value, "intent": report.intent.value,
            "slots": report.slots.value, "proposed": proposed}


def _changes():
    from vocabulary.evaluate import CHANGES

    return CHANGES


def near_misses_and_cpu(v: Variant, cache: dict) -> dict:
    """With the models trained on everything: the development near misses proposing a change, and
    the CPU of the whole interpretation of each of our turns read cold (the embedding computed anew)."""
    from vocabulary import dev_folds, training_turns
    from vocabulary.evaluate import evaluate, integrated
    from vocabulary.held_out import NEAR_MISS_DEV, load_near_misses

    with _Switched(v, cache):
        _full_models()
        nm = evaluate(integrated, rows=[], near_misses=load_near_misses(NEAR_MISS_DEV)).near_miss_changes
        with _Switched(v, None):  # no embedding cache: each turn pays for its own
            _full_models()
            cases = [dev_folds._labelled(t).case for t in training_turns.load()]
            integrated(cases[0])
            gc.collect()
            times = []
            for case in cases:
                _clear()
                t0 = time.process_time()
                integrated(case)
                times.append((time.process_time() - t0) * 1e6)
    times.sort()
    embedding = []
    if v.intent is not None:  # the embedding alone, a turn (what a vectorised dense block would cost at least)
        from vocabulary.understand import prepare

        embed = embedder(v.dims)
        for case in cases:
            words = prepare(case.text)[0 if v.raw else 1]
            t0 = time.process_time()
            embed(words)
            embedding.append((time.process_time() - t0) * 1e6)
    return {"near_misses": nm, "cpu_median_us": statistics.median(times),
            "cpu_p99_us": times[int(len(times) * 0.99)],
            "embed_us": statistics.median(embedding) if embedding else 0.0}


def _in_own_process(v: Variant) -> dict:
    """near_misses_and_cpu in a fresh process (one that has not trained the folds' models: its
    timings are a worker's, not those of a process with a long history of garbage)."""
    run = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--cpu-of", v.name],
                         capture_output=True, text=True, timeout=1200)
    if run.returncode:
        raise SystemExit(run.stderr)
    return json.loads(run.stdout.strip().splitlines()[-1])


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory(dims: int | None) -> dict:
    """In a fresh process, as a worker: the shipped models loaded (from the model cache, no
    scikit-learn) and a turn read; then the embedding loaded and a turn embedded. Resident MB and
    start-up (CPU and wall seconds)."""
    code = f"""
import json, os, sys, time
sys.path.insert(0, {str(ROOT)!r})
from vocabulary.evaluate import integrated
from vocabulary.held_out import Case
from bench import embeddings
integrated(Case("i want to cancel my line", "sms", "command", "en"))
before = embeddings._rss_mb()
c0, w0 = time.process_time(), time.perf_counter()
dims = {dims!r}
if dims is not None:
    e = embeddings.embedder(dims)
    e("quiero cancelar mi línea")
out = dict(rss_before=before, rss_after=embeddings._rss_mb(), start_cpu=time.process_time() - c0,
           start_wall=time.perf_counter() - w0, sklearn="sklearn" in sys.modules)
print(json.dumps(out))
"""
    env = {**os.environ, "SWITCHBOARD_MODEL_CACHE": os.environ.get("BENCH_MODEL_CACHE", "/tmp/switchboard-bench-models")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    if run.returncode:
        raise SystemExit(run.stderr)
    return json.loads(run.stdout.strip().splitlines()[-1])


def held_out(v: Variant) -> dict:
    """The held-out set's aggregate figures (counts only), the models trained on everything."""
    from vocabulary.evaluate import evaluate, integrated

    with _Switched(v, {}):
        _full_models()
        r = evaluate(integrated, name=v.name)
    return {"act_intent": r.act_intent.value, "intent": r.intent.value, "slots": r.slots.value,
            "near_miss_changes": r.near_miss_changes}


VARIANTS = [
    Variant("a. today's model"),
    Variant("b. 256 dims appended ×0.25", "append", 256, 0.25),
    Variant("b. 256 dims appended ×0.5", "append", 256, 0.5),
    Variant("b. 256 dims appended ×1", "append", 256, 1.0),
    Variant("b. 256 dims appended ×2", "append", 256, 2.0),
    Variant("b. 128 dims appended ×0.5", "append", 128, 0.5),
    Variant("b. 64 dims appended ×0.5", "append", 64, 0.5),
    Variant("b. 256 dims appended ×0.5, the text as written", "append", 256, 0.5, raw=True),
    Variant("b. 256 dims appended ×0.5, the act model too", "append", 256, 0.5, acts=True),
    Variant("d. multilingual model2vec, 64 dims appended ×0.5", "append", 0, 0.5),
    Variant("d. multilingual model2vec, 64 dims appended ×1", "append", 0, 1.0),
    Variant("c. 256 dims alone, logistic regression C 1", "alone", 256, C=1.0),
    Variant("c. 256 dims alone, logistic regression C 10", "alone", 256, C=10.0),
    Variant("c. 256 dims alone, logistic regression C 100", "alone", 256, C=100.0),
]
QUICK = ("a. today's model", "b. 256 dims appended ×0.5", "c. 256 dims alone, logistic regression C 10")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the baseline and one of each kind")
    parser.add_argument("--only", help="variant names, separated by semicolons")
    parser.add_argument("--held-out", metavar="NAME", help="only count the held-out set: the baseline and this variant")
    parser.add_argument("--seed", type=int, default=3, help="how the turns are shuffled into folds (3: dev_folds' own)")
    parser.add_argument("--folds-only", action="store_true", help="our turns by folds only (no CPU, memory)")
    parser.add_argument("--cpu-of", metavar="NAME", help=argparse.SUPPRESS)  # one variant's CPU, in its own process
    args = parser.parse_args(argv)
    wheel_files()
    if args.cpu_of:
        print(json.dumps(near_misses_and_cpu(next(v for v in VARIANTS if v.name == args.cpu_of), {})))
        return 0
    if args.held_out:
        wanted = next((v for v in VARIANTS if v.name == args.held_out), None)
        if wanted is None:
            raise SystemExit(f"no variant named {args.held_out!r}")
        print("The held-out set, aggregate only (counted once for each):")
        for v in (VARIANTS[0], wanted):
            h = held_out(v)
            print(f"  {v.name:52} act-and-intent {h['act_intent']:.1%}  intent {h['intent']:.1%}"
                  f"  slots {h['slots']:.1%}  near misses proposing a change {h['near_miss_changes']}", flush=True)
        return 0
    chosen = [v for v in VARIANTS if (not args.quick or v.name in QUICK)
              and (not args.only or v.name in args.only.split(";"))]
    cache: dict = {}
    print(f"{'variant':52} {'act+int':>8} {'act':>6} {'intent':>7} {'slots':>6} {'req.':>4} {'nm':>3} "
          f"{'CPU p50':>8} {'p99':>7} {'embed':>6}", flush=True)
    for v in chosen:
        t0 = time.perf_counter()
        f = folds(v, cache, args.seed)
        c = _in_own_process(v) if not args.folds_only else {"near_misses": -1, "cpu_median_us": 0.0,
                                                             "cpu_p99_us": 0.0, "embed_us": 0.0}
        print(f"{v.name:52} {f['act_intent']:8.1%} {f['act']:6.1%} {f['intent']:7.1%} {f['slots']:6.1%} "
              f"{f['proposed']:4d} {c['near_misses']:3d} {c['cpu_median_us']:6.0f}µs {c['cpu_p99_us']:5.0f}µs "
              f"{c['embed_us']:4.0f}µs   ({time.perf_counter() - t0:.0f} s)", flush=True)
    print("  act+int, act, intent, slots: our 3,524 training turns by 5 folds (vocabulary/dev_folds.py); req.: of "
          "them, asking for no change, read as a request for one; nm: of the 400 development near misses "
          "(vocabulary/phrases/near_miss_dev/), proposing a change; CPU: the whole interpretation of a turn, "
          "read cold (median, p99); embed: the embedding alone, median", flush=True)
    if args.folds_only:
        return 0
    # Memory and start-up: a worker with the shipped models, then the embedding added.
    from vocabulary import act_model, understand

    os.environ["SWITCHBOARD_MODEL_CACHE"] = os.environ.get("BENCH_MODEL_CACHE", "/tmp/switchboard-bench-models")
    understand._model = act_model._model = None
    understand.model(), act_model.model()  # the shipped models written to the cache the worker loads
    os.environ["SWITCHBOARD_MODEL_CACHE"] = "off"
    base = memory(None)
    print(f"\nA worker with the shipped models, a turn read: {base['rss_after']:.0f} MB resident"
          f"{' (scikit-learn imported!)' if base['sklearn'] else ''}")
    for dims in (64, 128, 256, 0):
        if dims == 0 and importlib.util.find_spec("static_model") is None:
            continue
        m = memory(dims)
        what = f"wordllama, {dims} dims (float16)" if dims else "the multilingual model2vec model (64 dims, int8)"
        print(f"  + {what}: +{m['rss_after'] - m['rss_before']:.1f} MB resident, "
              f"start-up {m['start_cpu'] * 1000:.0f} ms CPU, {m['start_wall'] * 1000:.0f} ms wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
