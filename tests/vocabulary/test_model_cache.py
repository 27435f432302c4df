"""The understanding model's weights kept on disk between processes (vocabulary/model_cache.py):
a loaded model scores exactly as the trained one, a file that can't be read is retrained and
replaced, and a process that loads never imports scikit-learn, scipy or numpy."""

from __future__ import annotations

import os
import subprocess
import sys

from vocabulary import model_cache
from vocabulary import understand as u

SAID = ["cancel my line", "what day does my plan end", "quiero cancelar mi plan", "block 212 555 0143",
        "do I keep my credits if I cancel?", "hola", "zzzz", "the archive thing", "get me a real person"]


def _scores(model, lang="en"):
    rows = []
    for text in SAID:
        text, folded = u.prepare(text)
        probs = model.probabilities(u.features(folded, u.find(text, folded, lang)))
        rows.append([probs[label] for label in model.labels])
    return rows


def test_a_loaded_model_scores_exactly_as_the_one_trained(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_MODEL_CACHE", str(tmp_path))
    trained = model_cache.load_or_train(u.Model, lambda: u.train(u.load_phrases()))
    [stored] = tmp_path.glob("understanding-*.model")
    loaded = model_cache.load_or_train(u.Model, lambda: (_ for _ in ()).throw(AssertionError("trained again")))
    assert loaded.labels == trained.labels and loaded.rows == trained.rows
    assert loaded.bias == trained.bias and loaded.shift == trained.shift
    assert _scores(loaded) == _scores(trained)
    assert stored.name == f"understanding-{model_cache.key()}.model"


def test_an_unreadable_file_is_retrained_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_MODEL_CACHE", str(tmp_path))
    path = tmp_path / f"understanding-{model_cache.key()}.model"
    path.write_bytes(b"not a model")
    trained = []
    model = model_cache.load_or_train(u.Model, lambda: trained.append(1) or u.train(u.load_phrases()))
    assert trained == [1] and model.rows
    again = model_cache.load_or_train(u.Model, lambda: (_ for _ in ()).throw(AssertionError("trained again")))
    assert again.labels == model.labels and again.rows == model.rows


def test_a_truncated_file_or_another_packing_is_retrained(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_MODEL_CACHE", str(tmp_path))
    model = model_cache.load_or_train(u.Model, lambda: u.train(u.load_phrases()))
    path = tmp_path / f"understanding-{model_cache.key()}.model"
    whole = path.read_bytes()
    path.write_bytes(whole[:-7])
    trained = []
    model_cache.load_or_train(u.Model, lambda: trained.append(1) or model)
    assert trained == [1] and path.read_bytes() == whole
    monkeypatch.setattr(u.Model, "LANE", u.Model.LANE + 2)
    model_cache.load_or_train(u.Model, lambda: trained.append(2) or model)
    assert trained == [1, 2]


def test_off_turns_it_off_and_an_unwritable_folder_only_costs_the_training(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_MODEL_CACHE", "off")
    assert model_cache.folder() is None
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    monkeypatch.setenv("SWITCHBOARD_MODEL_CACHE", str(blocked / "cache"))
    assert model_cache.load_or_train(u.Model, lambda: u.train(u.load_phrases())).rows


def test_the_key_follows_the_phrases(tmp_path, monkeypatch):
    before = model_cache.key()
    copy = tmp_path / "vocabulary"
    copy.mkdir()
    monkeypatch.setattr(model_cache, "ROOT", tmp_path)
    monkeypatch.setattr(model_cache, "SOURCES", ("vocabulary",))
    (copy / "en.tsv").write_text("help\twhat can you do\n")
    one = model_cache.key()
    (copy / "en.tsv").write_text("help\twhat can you do for me\n")
    assert model_cache.key() != one != before


def test_a_process_that_loads_the_weights_never_imports_scikit_learn(tmp_path):
    env = {**os.environ, "SWITCHBOARD_MODEL_CACHE": str(tmp_path)}
    probe = ("import sys; from vocabulary import act_model, understand as u; "
             "print(u.understand('cancel my line', 'en').label, len(act_model.model().labels) > 5, "
             "*(m in sys.modules for m in ('sklearn', 'scipy', 'numpy')))")
    first = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    again = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["cancel_line", "True", "True", "True", "True"]
    assert again.stdout.split() == ["cancel_line", "True", "False", "False", "False"]
