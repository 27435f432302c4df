"""The integrated interpreter measured on our own training turns, by folds: a development set
whose failures can be read line by line (they are our rows), where the held-out set may only
ever be counted.

Each fold's turns are left out of both models' training (the intent model of
vocabulary/understand.py and the act model of vocabulary/act_model.py; the phrases and the
development sentences always stay in), and the interpreter the doors use
(``evaluate.integrated``) reads them, scored as the held-out set is scored. So a fix can be
chosen on what it does to these turns, and the held-out table is only the last word.

    python -m vocabulary.dev_folds              # the table, five folds
    python -m vocabulary.dev_folds --failures   # and every turn read wrong (file:line, got, wanted)
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass

from vocabulary.evaluate import CHANGES
from vocabulary.held_out import Case, Labelled


@dataclass(frozen=True)
class Failure:
    source: str
    text: str
    step: str
    channel: str
    wanted: tuple[str, str, tuple]
    got: tuple[str, str, tuple]


def _labelled(turn) -> Labelled:
    prior = turn.source.split("_", 1)[0]  # the writer's file: en_… or es_…
    return Labelled(Case(turn.text, turn.channel, turn.step, prior), turn.lang, turn.act, turn.intent, turn.slots,
                    turn.source)


def _with_models(train_turns):
    """Both models trained without the fold (the process's models swapped in place)."""
    from vocabulary import act_model, acts, training_turns, understand

    understand._model = understand.train(understand.load_phrases() + training_turns.intent_rows(train_turns))
    act_model._model = act_model.train(act_model.training_rows(train_turns))
    understand.reading.cache_clear()
    acts._decided.cache_clear()


def run(folds: int = 5, seed: int = 3):
    """(the report over every turn, the failures)."""
    from vocabulary import act_model, acts, training_turns, understand
    from vocabulary import evaluate as ev

    turns = list(training_turns.load())
    random.Random(seed).shuffle(turns)
    read: list[object] = []  # what the interpreter made of each row, in the rows' order
    rows: list[Labelled] = []
    try:
        for k in range(folds):
            test = turns[k::folds]
            held = {id(t) for t in test}
            _with_models([t for t in turns if id(t) not in held])
            for turn in test:
                row = _labelled(turn)
                rows.append(row)
                read.append(ev.integrated(row.case))
    finally:
        understand._model = act_model._model = None  # the shipped models again on next use
        understand.reading.cache_clear()
        acts._decided.cache_clear()
    answers = iter(read)  # evaluate reads the rows in order, once each
    report = ev.evaluate(lambda case: next(answers), rows=rows, near_misses=[],
                         name=f"integrated, {folds} folds of our {len(rows)} training turns")
    failures = []
    for row, got in zip(rows, read):
        act, intent, slots = ev.labelled_as(got)
        if not ev.read_right(row, act, intent, slots):
            failures.append(Failure(row.source, row.case.text, row.case.step, row.case.channel,
                                    (row.act, row.intent, row.slots), (act, intent, slots)))
    return report, failures


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - run by hand
    argv = sys.argv[1:] if argv is None else argv
    report, failures = run()
    print(report.table())
    proposed = [f for f in failures if f.got[0] == "request" and f.got[1] in CHANGES and f.wanted[0] != "request"]
    print(f"  turns that ask for no change read as a request for one: {len(proposed)}")
    if "--failures" in argv:
        for f in sorted(failures, key=lambda f: (f.wanted[:2], f.got[:2])):
            print(f"{f.source}\t{f.channel}/{f.step}\twant {f.wanted[0]}/{f.wanted[1]} {dict(f.wanted[2]) or ''}"
                  f"\tgot {f.got[0]}/{f.got[1]} {dict(f.got[2]) or ''}\t{f.text}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
