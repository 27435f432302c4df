"""The learnt reading of dialogue acts, beside the rules of vocabulary/acts.py.

``decide(text, lang, channel, step, rule)``: a second reader of the act, independent of the
rules (``rule`` is their act): a multinomial logistic regression over the words as the intent
model reads them (words, characters, the concepts found), the step, the channel, a question mark
and the first words. Where it is sure of another act (``SURE``) it wins, under guards the rules
keep for themselves: keys, nothing usable and R16's opt-out words are the rules' alone; only the
rules' strict yes confirms (R18); only the rules make a request of a question (R24); an answer
must be one the step can read. A request it reads as a question or a report (``DEMOTE``) is one:
a question taken for a request may propose a change, a request taken for a question is answered
with the facts and the change offered in one line. Elsewhere the rules' act stands.

Trained on our own turns only (vocabulary/training_turns.py: whole turns at every step, written
from the journeys' purposes), the acts' development phrases (vocabulary/phrases/acts_*.tsv) and
sentences composed from each language's templates (ACT_SENTENCES), never on the held-out turns.
``python -m vocabulary.act_model`` chooses ``SURE`` and ``DEMOTE`` by folds of the training turns
(the best act accuracy that reads no more questions or reports as requests than the rules do);
``--held-out`` adds the held-out set's aggregate figures, rules alone and with the model.
"""

from __future__ import annotations

import random
import sys
import threading
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


SURE = 0.7  # the model's act wins over the rules' from this probability (by folds of our turns)
# R24: a request the model reads as a question or a report is one from this lower probability (a
# question taken for a request may propose a change; a request taken for a question is answered
# with the facts and the change offered in one line).
DEMOTE = 0.3
# The rules that decide alone: keys, nothing usable, an iPhone reaction, R16's opt-out words, R11's
# "no, just cancel it" (the cancellation goes on), a fix pleaded for ("…, fix it": acts.PLEA_TAIL), a
# past change's undoing asked for ("… by mistake, undo it": acts.UNDO_ASKED).
RULES_ONLY = frozenset({"empty", "reaction", "opt_out", "opt_out_words", "keys_at_confirm", "key0", "key8", "key9",
                        "key1", "key", "menu_key", "go_on_cancelling", "plea", "undo_asked"})
# The acts the rules hear in their own words at every step and that the model never undoes (R15 a
# person, R21 a forgotten PIN and "I don't know", R20 a language, R18 a hesitation), nor makes (R16: an opt-out is
# only what the rules know as one, and only by text).
KEPT = frozenset({"person", "forgot_pin", "switch_language", "hesitation", "opt_out", "dont_know"})
# A measurement's hook (bench/embeddings.py), None in the product: given a turn's features, its
# text and its folded words, the features the act model learns from and reads instead.
EXTRA_FEATURES = None


def features(text: str, lang: str, channel: str, step: str) -> dict[str, float]:
    """What the act model sees: the words as the intent model reads them, the step, the channel,
    a question mark and the first words (at this step). Not the rules' verdict: the model is a
    second reader, independent of the rules (measured: it makes fewer requests of questions)."""
    from vocabulary.understand import reading

    text, folded, _, shared = reading(text, lang)
    x = dict(shared)
    words = folded.split()
    x.update({f"s:{step}": 1.0, f"ch:{channel}": 1.0, f"len:{min(len(words), 12) // 3}": 1.0})
    if "?" in text or "¿" in text:
        x["p:?"] = 1.0
        x[f"p:?|{step}"] = 1.0
    if words:
        x[f"w0:{words[0]}|{step}"] = 1.0
        x[f"w0:{words[0]}"] = 1.0
        if len(words) > 1:
            x[f"w01:{words[0]} {words[1]}"] = 1.0
    return EXTRA_FEATURES(x, text, folded) if EXTRA_FEATURES else x


def training_rows(turns=None) -> list[tuple[str, str, str, str, str]]:
    """(lang, channel, step, act, text) of everything the act model learns from."""
    from vocabulary import training_turns

    rows = [(t.lang, t.channel, t.step, t.act, t.text) for t in (training_turns.load() if turns is None else turns)]
    rows += [(lang, "sms", step, act, text) for lang, act, step, text in dev_phrases()]
    rows += [(lang, "sms", "command", form, text) for lang, form, text in composed()]
    return rows


def train(rows=None):
    """The act model (understand.Model: a multinomial logistic regression, scored directly)."""
    from vocabulary.acts import ACTS
    from vocabulary.understand import Model

    rows = training_rows() if rows is None else rows
    examples = [(features(text, lang, channel, step), act) for lang, channel, step, act, text in rows]
    labels = [a for a in ACTS if any(act == a for _, act in examples)]
    return Model(labels).fit(examples, alpha=5e-5)


_lock = threading.Lock()
_model = None


def model():
    """The act model, trained once a process (or loaded: vocabulary/model_cache.py)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from vocabulary import model_cache
                from vocabulary.understand import Model, model as intent_model

                _model = model_cache.load_or_train(Model, train, name="acts", names=intent_model().rows)
    return _model


def decide(text: str, lang: str, channel: str, step: str, rule, m=None, sure: float = SURE,
           demote: float = DEMOTE):
    """The act of a turn: the rules' (``rule``), or the model's where it is sure and allowed."""
    if rule.how in RULES_ONLY or not (text or "").strip():
        return rule
    probs = (m or model()).probabilities(features(text, lang, channel, step))
    best = max(probs, key=probs.__getitem__)
    if rule.act == "request" and rule.how != "asked_for":  # a request in a question's clothes stays one (R24)
        told = max(("question", "statement"), key=lambda a: probs.get(a, 0.0))
        if probs.get(told, 0.0) >= demote and probs.get(told, 0.0) >= probs.get("request", 0.0) * 0.75:
            return _allowed(told, text, lang, step, rule)
    if best == rule.act or probs[best] < sure:
        return rule
    return _allowed(best, text, lang, step, rule)


def _allowed(act: str, text: str, lang: str, step: str, rule):
    """The model's act, where the guards allow it (with what that act carries), else the rules'."""
    from vocabulary import acts

    if rule.act in KEPT or act == "opt_out":
        return rule
    if act == "yes" and step != "offer" or rule.act == "yes" and act not in ("no", "hesitation", "question", "unclear"):
        return rule  # R18: only the rules' strict yes confirms (R11's offer is no confirmation); a yes is undone
        # only by a no or a doubt
    if act == "request" and rule.act in ("question", "statement"):
        return rule  # R24: only the rules make a request of a question or of a report (a change may follow)
    if act == "answer":
        reading = acts.Reading.of(text, lang, "sms", step)
        kind = acts._answer(reading.raw, lang, step, reading.words)
        if kind is None and step not in ("reason", "fix"):
            return rule  # nothing the step can read
        return acts.Act("answer", answer=kind, how="model")
    if act == "switch_language":
        reading = acts.Reading.of(text, lang, "sms", step)
        return acts.Act("switch_language", acts._switch_target(reading.folded, reading.padded), how="model")
    return acts.Act(act, how="model")


def cross_validate(folds: int = 5, seed: int = 3, out=sys.stdout) -> dict[str, float]:
    """The rules alone, the model alone and the two stacked (at several ``sure``), by folds of our
    training turns (the development phrases and composed sentences always in training)."""
    from vocabulary import training_turns
    from vocabulary.acts import rules_act

    turns = list(training_turns.load())
    random.Random(seed).shuffle(turns)
    extra = training_rows(())
    thresholds = [(sure, demote) for sure in (0.55, 0.7, 0.85) for demote in (0.3, 0.4, 1.01)]
    thresholds.append((1.01, 1.01))
    right = dict.fromkeys(thresholds, 0)
    wrong_requests = dict.fromkeys(thresholds, 0)  # turns read as a request that are not one (R24)
    for k in range(folds):
        test = turns[k::folds]
        held = {id(t) for t in test}
        m = train([(t.lang, t.channel, t.step, t.act, t.text) for t in turns if id(t) not in held] + extra)
        for t in test:
            rule = rules_act(t.text, t.lang, t.channel, t.step)
            for sure, demote in thresholds:
                got = decide(t.text, t.lang, t.channel, t.step, rule, m, sure, demote).act
                right[sure, demote] += got == t.act
                wrong_requests[sure, demote] += got == "request" and t.act in ("question", "statement")
    n = len(turns) or 1
    figures = {}
    for sure, demote in thresholds:
        name = "rules alone" if sure > 1 else f"stacked, sure {sure:.2f}, demote {demote:.2f}"
        figures[name] = right[sure, demote] / n
        print(f"  {name:34} {figures[name]:6.1%}   questions or reports read as requests "
              f"{wrong_requests[sure, demote]}", file=out)
    print(f"  ({n} training turns, {folds} folds)", file=out)
    return figures


def main() -> None:  # pragma: no cover - a measurement, run by hand
    import time

    from vocabulary import acts
    from vocabulary.evaluate import evaluate, integrated

    cross_validate()
    if "--held-out" not in sys.argv:
        return
    t0 = time.process_time()
    model()
    print(f"training: {time.process_time() - t0:.2f} s CPU")
    for name, on in (("rules", False), ("rules + act model", True)):
        acts.LEARNT = on
        acts._decided.cache_clear()
        r = evaluate(integrated, name=name)
        print(f"{name:20} act {r.act.value:.1%}  act-and-intent {r.act_intent.value:.1%}  "
              f"near misses proposing a change {r.near_miss_changes}  CPU median {r.cpu_median_us:.0f} µs")
    acts.LEARNT = True


if __name__ == "__main__":  # pragma: no cover
    main()
