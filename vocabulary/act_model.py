"""A small scikit-learn model of dialogue acts, measured against the rules of vocabulary/acts.py.

Trained on our own phrases only: the acts' development phrases (vocabulary/phrases/acts_*.tsv)
and sentences composed here from the journeys' purposes (requests, questions and statements
about the same changes, in both languages), never on the held-out turns. Two ways of using
it were measured against the rules alone (``python -m vocabulary.act_model``): the model for
every act, and the rules with the model deciding only between request, question and
statement. The figures and the choice are in vocabulary/acts.py's docstring.
"""

from __future__ import annotations

import random
import sys
from functools import lru_cache
from pathlib import Path

PHRASES = Path(__file__).resolve().parent / "phrases"
FORMS = ("request", "question", "statement")

# Sentences composed from the purposes (en) ------------------------------------------------------
_EN_OBJECTS = {
    "cancel": ["my line", "my plan", "the text archive", "call recording", "my account", "the whole line",
               "my number plan", "the archive", "my subscription", "the recording add on"],
    "block": ["this number", "212 555 0143", "that caller", "them", "(917) 555-0142", "a spam number"],
    "unblock": ["212 555 0143", "my brother's number", "that number"],
    "change": ["my number", "my phone number"],
    "reactivate": ["my line", "my number", "my account"],
}
_EN_REQUEST = ["{v} {o}", "please {v} {o}", "I want to {v} {o}", "I need to {v} {o}", "I'd like to {v} {o}",
               "can you {v} {o}?", "could you please {v} {o}", "I wanna {v} {o}", "help me {v} {o}",
               "I'm trying to {v} {o}", "go ahead and {v} {o}", "{v} {o} please", "I'm calling to {v} {o}",
               "need to {v} {o} today", "looking to {v} {o}", "would you {v} {o} for me",
               "hi, I want to {v} {o}", "ok so I need you to {v} {o}", "{v} {o} now"]
_EN_QUESTION = ["what happens if I {v} {o}?", "how do I {v} {o}", "how can I {v} {o}?", "is there a fee to {v} {o}",
                "do I keep my number if I {v} {o}?", "will I lose my credits if I {v} {o}", "when does {o} end?",
                "can I {v} {o} and keep my number?", "how much does it cost to {v} {o}",
                "if I {v} {o} do I get a refund", "what would happen to my number if I {v} {o}",
                "I was wondering how to {v} {o}", "I'd like to know what happens if I {v} {o}",
                "is it possible to {v} {o} online", "does {o} renew automatically?", "when will {o} renew",
                "{o} stays active until the end of the month, right?", "how long does it take to {v} {o}",
                "what's the difference if I {v} {o}", "should I {v} {o}?", "why can't I {v} {o}"]
_EN_STATEMENT = ["I already {vd} {o}", "my wife wants to {v} her line", "I'm thinking about {vg} {o}",
                 "I don't want to {v} {o}", "someone keeps calling me from 212 555 0143",
                 "somebody keeps texting me threats", "I lost my phone yesterday", "my phone was stolen",
                 "I keep getting spam calls", "my calls keep dropping", "I can't hear my phone ring",
                 "texts aren't coming through since yesterday", "I was charged twice this month",
                 "my son {vd} his line by mistake", "I just got a new phone", "I'm moving to another carrier",
                 "my husband {vd} {o} last week", "the calls go straight to voicemail",
                 "I never asked for {o}", "I might {v} {o} next year", "my line got cancelled for no reason",
                 "they keep calling me at night", "I'm getting robocalls all day", "nobody can reach me",
                 "I think someone is stalking me from a blocked number"]
_EN_VD = {"cancel": "cancelled", "block": "blocked", "unblock": "unblocked", "change": "changed",
          "reactivate": "reactivated"}
_EN_VG = {"cancel": "cancelling", "block": "blocking", "unblock": "unblocking", "change": "changing",
          "reactivate": "reactivating"}

# Sentences composed from the purposes (es) ------------------------------------------------------
_ES_OBJECTS = {
    "cancelar": ["mi línea", "mi plan", "el archivo de textos", "la grabación de llamadas", "mi cuenta",
                 "toda la línea", "el plan principal", "la grabación"],
    "bloquear": ["este número", "el 212 555 0143", "a esa persona", "ese número"],
    "desbloquear": ["el 212 555 0143", "el número de mi hermano"],
    "cambiar": ["mi número", "de número"],
    "reactivar": ["mi línea", "mi número", "mi cuenta"],
}
_ES_REQUEST = ["{v} {o}", "quiero {v} {o}", "necesito {v} {o}", "quisiera {v} {o}", "me gustaría {v} {o}",
               "¿puedes {v} {o}?", "por favor {v} {o}", "¿me pueden {v} {o}?", "ayúdame a {v} {o}",
               "llamo para {v} {o}", "hola, quiero {v} {o}", "quería {v} {o}", "deseo {v} {o}",
               "favor de {v} {o}", "necesito que me ayuden a {v} {o}"]
_ES_QUESTION = ["¿qué pasa si {v_c} {o}?", "¿cómo {v_c} {o}?", "cómo puedo {v} {o}",
                "¿hay algún cargo por {v} {o}?", "si {v_c} {o}, ¿me quedo con mi número?",
                "¿pierdo mis créditos si {v_c} {o}?", "¿cuándo termina {o}?", "cuanto cuesta {v} {o}",
                "si {v_c} {o} me devuelven el dinero", "quisiera saber qué pasa si {v_c} {o}",
                "¿se puede {v} {o} en línea?", "¿{o} se renueva solo?", "¿cuándo se renueva {o}?",
                "{o} sigue activo hasta fin de mes, ¿verdad?", "¿cuánto tarda {v} {o}?",
                "¿debería {v} {o}?", "por qué no puedo {v} {o}", "tengo una duda, ¿qué pasa si {v_c} {o}?"]
_ES_STATEMENT = ["ya {v_p} {o}", "mi esposa quiere {v} su línea", "estoy pensando en {v} {o}",
                 "no quiero {v} {o}", "alguien me llama desde el 212 555 0143", "alguien me manda amenazas",
                 "perdí mi teléfono ayer", "me robaron el celular", "me llegan muchas llamadas de spam",
                 "se me cortan las llamadas", "no me suena el teléfono", "desde ayer no me llegan los mensajes",
                 "me cobraron dos veces este mes", "mi hijo {v_p} su línea por error", "tengo un teléfono nuevo",
                 "me voy a cambiar de compañía", "las llamadas se van directo al buzón", "nunca pedí {o}",
                 "tal vez {v_c} {o} el próximo año", "me cancelaron la línea sin razón",
                 "me llaman a cada rato en la noche", "nadie me puede llamar"]
_ES_VC = {"cancelar": "cancelo", "bloquear": "bloqueo", "desbloquear": "desbloqueo", "cambiar": "cambio",
          "reactivar": "reactivo"}
_ES_VP = {"cancelar": "cancelé", "bloquear": "bloqueé", "desbloquear": "desbloqueé", "cambiar": "cambié",
          "reactivar": "reactivé"}


def composed(seed: int = 11, per_template: int = 3) -> list[tuple[str, str, str]]:
    """(lang, form, text) sentences composed from the templates above."""
    rnd = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    for form, templates in (("request", _EN_REQUEST), ("question", _EN_QUESTION), ("statement", _EN_STATEMENT)):
        for t in templates:
            for v, objects in rnd.sample(list(_EN_OBJECTS.items()), k=min(per_template, len(_EN_OBJECTS))):
                o = rnd.choice(objects)
                out.append(("en", form, t.format(v=v, o=o, vd=_EN_VD[v], vg=_EN_VG[v])))
    for form, templates in (("request", _ES_REQUEST), ("question", _ES_QUESTION), ("statement", _ES_STATEMENT)):
        for t in templates:
            for v, objects in rnd.sample(list(_ES_OBJECTS.items()), k=min(per_template, len(_ES_OBJECTS))):
                o = rnd.choice(objects)
                out.append(("es", form, t.format(v=v, o=o, v_c=_ES_VC[v], v_p=_ES_VP[v])))
    return list(dict.fromkeys(out))


def dev_phrases() -> list[tuple[str, str, str, str]]:
    """(lang, act, step, text) of the acts' development phrases."""
    rows = []
    for lang in ("en", "es"):
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
