"""Our training turns (vocabulary/phrases/turns/*.tsv): whole turns in their context, labelled
the way issue 21's held-out set is (tests/data/turns/README.md's schema: language, channel,
step, act, intent, slots, text), and what each model learns from them.

They were written by people briefed only with the journeys' purposes, the steps and the acts
(no held-out row, no existing phrase shown), one file per writer. Two models learn from them:
- the dialogue-act model (vocabulary/act_model.py): every turn, its step and channel, its act;
- the intent model (vocabulary/understand.py): the words of every turn that names an intent
  (requests, questions, statements, a reason in words, a person asked for, an opt-out), under
  the model's own labels (a question about a change is the journey that answers it).

Nothing here reads tests/data/turns/: those rows only ever measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core import languages
from core.journeys import REGISTRY

TURNS = Path(__file__).resolve().parent / "phrases" / "turns"
COLUMNS = ("lang", "channel", "step", "act", "intent", "slots", "text")
CHANNELS = ("sms", "voice")
STEPS = ("command", "pin", "code", "target", "plan", "reason", "offer", "confirm", "block_number", "fix", "which")
# The held-out schema's intents that are a label of the intent model under another name.
_ANSWERS_INTENTS = {"pin", "code", "number", "line", "plan", "choice"}
# Acts whose words ask for no journey (taught as "none", as vocabulary/phrases/ has "thanks", "never mind").
_NOTHING_ASKED = frozenset({"hesitation", "thanks", "goodbye", "greeting", "dont_know"})
# R11's reasons 2 and 4 said in words are fixes (the model's fix labels), not requests.
_REASON_FIX = {"reactivate": "fix.reactivate", "change_number": "fix.change_number"}


@dataclass(frozen=True)
class TrainingTurn:
    lang: str
    channel: str
    step: str
    act: str
    intent: str  # "-" when the act carries none
    slots: tuple[tuple[str, str], ...]
    text: str
    source: str  # file:line (for the checks' messages)


def _slots_of(field_: str) -> tuple[tuple[str, str], ...]:
    if field_.strip() in ("", "-"):
        return ()
    pairs = (part.partition("=") for part in field_.split(";"))
    return tuple(sorted((k.strip(), v.strip()) for k, _, v in pairs if k.strip()))


def parse(path: Path) -> list[TrainingTurn]:
    """One file's turns; a line that is not 7 tab-separated fields of known values is an error."""
    from vocabulary.acts import ACTS

    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        where = f"{path.name}:{n}"
        if len(cols) != len(COLUMNS) or cols[0] == "lang":
            if cols[0] == "lang":
                continue
            raise ValueError(f"{where}: want {len(COLUMNS)} tab-separated fields: {'<TAB>'.join(COLUMNS)}")
        lang, channel, step, act, intent, slots, text = (c.strip() for c in cols)
        if lang not in languages.CODES or channel not in CHANNELS or step not in STEPS or act not in ACTS or not text:
            raise ValueError(f"{where}: unknown language, channel, step or act, or no text")
        rows.append(TrainingTurn(lang, channel, step, act, intent or "-", _slots_of(slots), text, where))
    return rows


@lru_cache(maxsize=1)
def load(folder: Path = TURNS) -> tuple[TrainingTurn, ...]:
    """Every training turn, the files in name order."""
    if not folder.is_dir():
        return ()
    return tuple(row for path in sorted(folder.glob("*.tsv")) for row in parse(path))


def intent_label(row: TrainingTurn) -> str | None:
    """The intent model's label for a turn's words, or None when its words teach no intent.
    A question about a change is the journey that answers it (R24: "what happens if I cancel?"
    is what cancelling does); a person asked for is ``agent``; an opt-out is ``opt_out``."""
    from vocabulary.understand import ANSWERED_BY

    if row.act == "person":
        return "agent"
    if row.act == "opt_out":
        return "opt_out"
    if row.act in _NOTHING_ASKED and row.step == "command" or row.act == "hesitation":
        return "none"  # "wait", "thanks", "hi", "no sé": no journey (the acts are the rules' business)
    if row.act not in ("request", "question", "statement", "answer") or row.intent in ("-", ""):
        return None
    intent = row.intent
    if intent in _ANSWERS_INTENTS:
        return None  # a PIN, a number, an option: the step's answer, not an intent
    if row.act == "answer":  # a reason in words at R11's question is the fix it names
        return None if row.step != "reason" else _REASON_FIX.get(intent, intent)
    if row.act == "statement" and intent in _REASON_FIX:
        return _REASON_FIX[intent]  # "my number got cancelled", "I hate my number": R11's fix for what was told
    if row.act == "question" and intent == "cancel":
        return ANSWERED_BY["cancel_line"]  # "what happens if I cancel?": what cancelling does, a plan or the line
    if row.act == "question" and intent in ANSWERED_BY and REGISTRY.get(intent) is not None \
            and REGISTRY[intent].changes:
        return ANSWERED_BY[intent]
    return intent


def intent_rows(rows=None) -> list[tuple[str, str, str]]:
    """(lang, label, text) for the intent model, from the training turns."""
    rows = load() if rows is None else rows
    out = []
    for row in rows:
        label = intent_label(row)
        if label is not None:
            out.append((row.lang, label, row.text))
    return out
