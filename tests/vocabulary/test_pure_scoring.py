"""The two models (vocabulary/understand.py's Model: the intent model and vocabulary/act_model.py)
are scored in plain Python, so that a web worker never imports numpy, scipy or scikit-learn
(bench/README.md, "Memory a worker"). Their probabilities are scikit-learn's: the softmax of the
trained classifier's own decision function, to 1e-6, on every training example and every
held-out phrase; the packed rows keep every weight; the row-by-row path (counts that are no
whole number, more rows than a lane holds) gives the same scores; and a gunicorn worker started
as the Procfile starts it, its models loaded from the cache, has loaded none of them."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TEST_PIN_SECRET, TEST_TOKEN
from tests.helpers import free_port
from vocabulary import act_model, evaluation, model_cache, understand as u

ROOT = Path(__file__).resolve().parents[2]
CLOSE = 1e-6  # the brief's "the same probabilities"; measured ~1e-8


def _sklearn_probabilities(vectors, clf, labels, x):
    z = clf.decision_function(vectors.transform([u.Model._normalised(dict(x))]))[0]
    by_class = dict(zip(clf.classes_, z))
    top = max(z)
    e = {label: math.exp(by_class[label] - top) for label in labels}
    s = sum(e.values())
    return {label: v / s for label, v in e.items()}


def _phrases():
    return [(lang, text) for lang, _, text in u.load_phrases()] + [(r[0], r[-1]) for r in evaluation.rows()]


def _close(model, vectors, clf, xs):
    worst = 0.0
    for x in xs:
        got, want = model.probabilities(x), _sklearn_probabilities(vectors, clf, model.labels, x)
        assert list(got) == model.labels
        worst = max(worst, max(abs(got[k] - want[k]) for k in want))
    return worst


def test_the_intent_model_scores_as_scikit_learn_does():
    rows = u.training_rows()
    examples = u.examples(rows)
    vectors, clf = u.Model.learn(examples)
    model = u.Model(sorted({label for _, label, _ in rows})).take(vectors, clf)
    xs = [x for x, _ in examples] + [u.reading(text, lang)[3] for lang, text in _phrases()]
    assert _close(model, vectors, clf, xs) < CLOSE


def test_the_act_model_scores_as_scikit_learn_does():
    from vocabulary.acts import ACTS

    examples = [(act_model.features(text, lang, channel, step), act)
                for lang, channel, step, act, text in act_model.training_rows()]
    vectors, clf = u.Model.learn(examples, alpha=5e-5)
    model = u.Model([a for a in ACTS if any(act == a for _, act in examples)]).take(vectors, clf)
    xs = [x for x, _ in examples[::3]] + [act_model.features(text, lang, "sms", step)
                                          for lang, text in _phrases()[::2] for step in ("command", "confirm")]
    assert _close(model, vectors, clf, xs) < CLOSE


def test_the_packed_rows_keep_every_weight_and_the_rows_path_scores_the_same():
    rows = u.load_phrases()
    vectors, clf = u.Model.learn(u.examples(rows))
    labels = sorted({label for _, label, _ in rows})
    model = u.Model(labels).take(vectors, clf)
    order = [list(clf.classes_).index(label) for label in labels]
    step = 2.0 ** -model.shift
    for feature, i in list(vectors.vocabulary_.items())[::7]:
        want = clf.coef_[order, i]
        assert max(abs(a - b) for a, b in zip(model.weights(feature), want)) <= step / 2 + 1e-15
    assert model.weights("w:never-seen-anywhere") is None
    for lang, text in _phrases()[::5]:
        x = u.reading(text, lang)[3]
        fast, slow = model.probabilities(x), model._by_rows(x)
        assert max(abs(fast[k] - slow[k]) for k in fast) < 1e-12
    # a count that is no whole number, and more rows than a lane holds: row by row, the same scores
    x = dict(u.reading("cancel my text archive", "en")[3])
    half = {k: v / 2 for k, v in x.items()}
    assert max(abs(a - b) for a, b in zip(model.probabilities(half).values(),
                                            _sklearn_probabilities(vectors, clf, labels, half).values())) < CLOSE
    many = {**x, "w:cancel": 5000.0}
    assert max(abs(a - b) for a, b in zip(model.probabilities(many).values(),
                                            _sklearn_probabilities(vectors, clf, labels, many).values())) < CLOSE
    long = u.reading("cancellation " * 30, "en")[3]  # a word's n-grams 30 times over: over 1,023 rows
    assert sum(v for k, v in long.items() if k in model.rows) >= 1 << (model.LANE - model.PAYLOAD)
    assert max(abs(a - b) for a, b in zip(model.probabilities(long).values(),
                                            _sklearn_probabilities(vectors, clf, labels, long).values())) < CLOSE
    assert model.probabilities({}) == model._softmax(list(model.bias))


@pytest.mark.parametrize("cache_warm", [True, False])
def test_a_gunicorn_worker_with_the_cached_models_loads_no_numpy_scipy_or_scikit_learn(settings, tmp_path,
                                                                                        monkeypatch, cache_warm):
    """Started as the Procfile starts it (python -OO, gunicorn.conf.py: the models loaded before the first
    request), one worker answers; no shared object of numpy, scipy or scikit-learn is mapped in it.
    With the cache cold (a first deploy), gunicorn's master trains the models once in a process of
    their own before the workers start (model_cache.warm): a worker that had trained kept about
    120 MB of scikit-learn (226 MB a worker in bench/run with a cold cache)."""
    if not settings.redis_url or not settings.database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL)")
    cache = tmp_path / "models"
    monkeypatch.setenv("SWITCHBOARD_MODEL_CACHE", str(cache))
    if cache_warm:
        model_cache.load_or_train(u.Model, lambda: u.train(u.training_rows()))  # what a first worker writes
        model_cache.load_or_train(u.Model, act_model.train, name="acts")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "TWILIO_AUTH_TOKEN": TEST_TOKEN, "PIN_SECRET": TEST_PIN_SECRET, "SUPPORT_NUMBER": "+15550109999",
           "LOG_LEVEL": "WARNING", "PORT": str(port), "WEB_CONCURRENCY": "1", "SWITCHBOARD_MODEL_CACHE": str(cache)}
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen([sys.executable, "-OO", "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(1200):  # a cold cache: the master trains first (a few seconds)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.05)
        [worker] = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == proc.pid]
        # As the Procfile runs it: no docstrings kept (python -OO, ~6 MB a worker).
        assert (worker / "cmdline").read_bytes().split(b"\0")[1] == b"-OO"
        maps = (worker / "maps").read_text()
        assert "site-packages/numpy" not in maps and "site-packages/scipy" not in maps
        assert "site-packages/sklearn" not in maps and "openblas" not in maps.lower()
        assert any(f.name.startswith("understanding-") for f in cache.iterdir())
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None
