"""A small scikit-learn model of dialogue acts, measured against the rules of vocabulary/acts.py.

Trained on our own phrases only: the acts' development phrases (vocabulary/phrases/acts_*.tsv)
and sentences composed here from the journeys' purposes (requests, questions and statements
about the same changes, from each language's templates: ACT_SENTENCES in its vocabulary module),
never on the held-out turns. Two ways of using it were measured against the rules alone
(``python -m vocabulary.act_model``): the model for every act, and the rules with the model
deciding only between request, question and statement. The figures and the choice are in
vocabulary/acts.py's docstring.
"""

from __future__ import annotations

import random
import sys
from functools import lru_cache
from importlib import import_module
from pathlib import Path

from core import languages

PHRASES = Path(__file__).resolve().parent / "phrases"
FORMS = ("request", "question", "statement")


def composed(seed: int = 11, per_template: int = 3) -> list[tuple[str, str, str]]:
    """(lang, form, text) sentences composed from each language's templates (its vocabulary's
    ACT_SENTENCES), the languages in the registry's order."""
    rnd = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    for code in languages.CODES:
        sentences = import_module(languages.get(code).vocabulary).ACT_SENTENCES
        objects = list(sentences["objects"].items())
        for form, templates in sentences["forms"]:
            for t in templates:
                for v, things in rnd.sample(objects, k=min(per_template, len(objects))):
                    o = rnd.choice(things)
                    forms_of_v = {name: table[v] for name, table in sentences["inflections"].items()}
                    out.append((code, form, t.format(v=v, o=o, **forms_of_v)))
    return list(dict.fromkeys(out))


def dev_phrases() -> list[tuple[str, str, str, str]]:
    """(lang, act, step, text) of the acts' development phrases."""
    rows = []
    for lang in languages.CODES:
        for line in (PHRASES / f"acts_{lang}.tsv").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                act, step, _, text = line.split("\t")
                rows.append((lang, act, step, text))
    return rows


def _x(text: str, step: str) -> str:
    from core.formatting import fold

    return f"__{step} {fold(text)} {'__q' if '?' in text or '¿' in text else ''}"


class ActModel:
    """TF-IDF of words (1–2) and characters (2–4, within words) → logistic regression."""

    def __init__(self, rows: list[tuple[str, str]], labels: list[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        self.pipe = make_pipeline(
            make_union(TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", sublinear_tf=True),
                       TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
            LogisticRegression(C=8.0, max_iter=2000))
        self.pipe.fit([x for x, _ in rows], labels)

    def predict(self, text: str, step: str) -> str:
        return str(self.pipe.predict([_x(text, step)])[0])


@lru_cache(maxsize=2)
def model(kind: str = "forms") -> ActModel:
    """``forms``: request / question / statement only; ``acts``: every act."""
    rows: list[tuple[str, str]] = []
    labels: list[str] = []
    for lang, act, step, text in dev_phrases():
        if kind == "acts" or act in FORMS:
            rows.append((_x(text, step), act))
            labels.append(act)
    for lang, form, text in composed():
        rows.append((_x(text, "command"), form))
        labels.append(form)
    return ActModel(rows, labels)


def rules_with_model_forms(case):
    """The rules, with the model deciding between request, question and statement."""
    from vocabulary.evaluate import Interpreted, baseline

    got = baseline(case)
    if got.act in FORMS:
        form = model("forms").predict(case.text, case.step)
        return Interpreted(form, got.intent, got.slots, got.lang)
    return got


def model_for_every_act(case):
    from vocabulary.evaluate import Interpreted, baseline

    got = baseline(case)
    act = model("acts").predict(case.text, case.step)
    return Interpreted(act, got.intent if act in ("request", "question", "statement", "answer") else None,
                       got.slots, got.lang)


def cross_validate(folds: int = 5, seed: int = 3, out=sys.stdout) -> dict[str, float]:
    """Rules vs the forms model on our own phrases (request/question/statement rows), by folds."""
    from vocabulary.acts import act_of

    rows = [(lang, act, step, text) for lang, act, step, text in dev_phrases() if act in FORMS]
    comp = [(lang, form, "command", text) for lang, form, text in composed()]
    rnd = random.Random(seed)
    rnd.shuffle(rows)
    right_model = right_rules = 0
    for k in range(folds):
        test = rows[k::folds]
        train = [r for i, r in enumerate(rows) if i % folds != k] + comp
        m = ActModel([(_x(t, s), a) for _, a, s, t in train], [a for _, a, _, _ in train])
        right_model += sum(m.predict(t, s) == a for _, a, s, t in test)
        right_rules += sum(act_of(t, lang, "sms", s).act == a for lang, a, s, t in test)
    n = len(rows)
    print(f"our phrases, request/question/statement ({n}): rules {right_rules / n:.1%}, "
          f"model {right_model / n:.1%} ({folds}-fold, composed sentences always in training)", file=out)
    return {"rules": right_rules / n, "model": right_model / n}


def main() -> None:  # pragma: no cover - a measurement, run by hand
    import time

    from vocabulary.evaluate import baseline, evaluate

    cross_validate()
    if "--held-out" not in sys.argv:
        return
    t0 = time.process_time()
    model("forms"), model("acts")
    print(f"training both models: {time.process_time() - t0:.2f} s CPU")
    for name, fn in (("rules", baseline), ("rules + model for the forms", rules_with_model_forms),
                     ("model for every act", model_for_every_act)):
        r = evaluate(fn, name=name)
        forms = " ".join(f"{a} {r.per_act[a].value:.1%}" for a in FORMS)
        print(f"{name:30} act {r.act.value:.1%}  act-and-intent {r.act_intent.value:.1%}  {forms}  "
              f"near misses proposing a change {r.near_miss_changes}  CPU median {r.cpu_median_us:.0f} µs")


if __name__ == "__main__":  # pragma: no cover
    main()
