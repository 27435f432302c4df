"""How well an interpreter understands turns in their context, measured on the held-out set.

``evaluate(interpret) -> Report``: ``interpret`` is any function that takes a ``Case`` (one
turn as a door hands it over: the text, the channel, the step the conversation was at and
the conversation's language so far) and returns anything with ``act``, ``intent``, ``slots``
and ``lang`` (attributes or mapping keys; ``intent`` a label of tests/data/turns/README.md
or None, ``slots`` a dict). It is run over every row of ``tests/data/turns/held_out_*.tsv``
and ``near_miss_*.tsv``; ``Report.table()`` is the figures issue 21 asks for: accuracy per
act, intent, slot, language and channel, act-and-intent overall, every intent under 93 %,
slot accuracy, the near-miss count (a near miss "proposes a change" when it is interpreted
as a request for a change journey), and CPU per turn (median, p99).

The held-out rows are for measuring only: the report holds counts, never a row's words, and
nothing here trains or tunes on them. ``baseline`` is the interpreter made of this package's
pieces today (vocabulary/acts.py, slots.py, language_id.py, and understand.py's model for
the intent), the starting point the integrated interpreter is measured against.

    python -m vocabulary.evaluate            # the baseline's table
    python -m vocabulary.evaluate --budget   # the pieces' CPU a turn and memory
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from core import languages
from core.formatting import fold
from core.journeys import REGISTRY
from vocabulary.held_out import DATA, LANGUAGES, Case, Labelled, NearMiss, load_held_out, load_near_misses

__all__ = ["DATA", "LANGUAGES", "Case", "Labelled", "NearMiss", "load_held_out", "load_near_misses", "evaluate",
           "Report", "baseline", "from_interpretation", "turn_of", "integrated", "budget", "labelled_as", "read_right"]

# The journeys that change something (a near miss must never be a request for one).
# (the registry's journeys that change something, and "cancel": which of two is unclear)
# A question back offering a change among others ("block or unblock?"): no held-out label, but a
# near miss that gets it is offered a change.
OFFERS_A_CHANGE = "clarify:change"
CHANGES = frozenset({name for name, journey in REGISTRY.items() if journey.changes} | {"cancel", OFFERS_A_CHANGE})
WORDED_ACTS = frozenset({"request", "question", "statement", "answer"})  # the acts that carry an intent
# The intents the held-out schema names (tests/data/turns/README.md): a journey of facts outside
# them (term_end, cancel_effects, capabilities, number_info) is scored by what it answers.
KNOWN_LABELS = frozenset({"plans", "refund", "cancel_plan", "cancel_line", "cancel", "reactivate", "change_number",
                          "block", "unblock", "callback", "appstore", "port_out", "billing", "undo_cancel",
                          "lost_phone", "help", "troubleshoot", "none"})
GATES = {"act_intent": 0.97, "intent": 0.93, "slots": 0.95}


# What an interpreter returned, read the same way whatever its type ----------------------------------
def _get(result: Any, name: str, default: Any = None) -> Any:
    if isinstance(result, dict):
        return result.get(name, default)
    return getattr(result, name, default)


def _intent_label(result: Any) -> str:
    intent = _get(result, "intent")
    if intent is None:
        return "-"
    if isinstance(intent, str):
        return intent or "-"
    return str(_get(intent, "label") or _get(intent, "value") or "-")


def _norm_slots(slots: Any) -> tuple[tuple[str, str], ...]:
    if not slots:
        return ()
    pairs = slots.items() if isinstance(slots, dict) else slots
    return tuple(sorted((str(k), str(v)) for k, v in pairs if v is not None and v != ""))


def _same_value(key: str, a: str, b: str) -> bool:
    return fold(a) == fold(b) if key == "name" else a == b


def _same_slots(gold: tuple, got: tuple) -> bool:
    g, p = dict(gold), dict(got)
    return g.keys() == p.keys() and all(_same_value(k, g[k], p[k]) for k in g)


# The report -------------------------------------------------------------------------------------------
@dataclass
class Ratio:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.value:6.1%} ({self.right}/{self.total})"


@dataclass
class Report:
    rows: int = 0
    act: Ratio = field(default_factory=Ratio)
    act_intent: Ratio = field(default_factory=Ratio)
    intent: Ratio = field(default_factory=Ratio)
    slots: Ratio = field(default_factory=Ratio)
    lang: Ratio = field(default_factory=Ratio)
    per_act: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    per_intent: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    per_slot: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))  # recall of each key
    spurious_slots: Counter = field(default_factory=Counter)  # keys given where the label has none
    per_lang: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))  # act-and-intent
    per_channel: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))  # act-and-intent
    per_channel_act: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    lang_by_channel: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    act_confusions: Counter = field(default_factory=Counter)  # (gold, got) → count, never the words
    near_misses: int = 0
    near_miss_changes: int = 0  # near misses interpreted as a request for a change: must be 0
    near_miss_by_kind: Counter = field(default_factory=Counter)  # resembles → changes proposed
    near_miss_any_change_intent: int = 0  # a change intent under any act (for information)
    cpu_us: list[float] = field(default_factory=list)
    errors: int = 0
    name: str = "interpreter"

    @property
    def cpu_median_us(self) -> float:
        return statistics.median(self.cpu_us) if self.cpu_us else 0.0

    @property
    def cpu_p99_us(self) -> float:
        if not self.cpu_us:
            return 0.0
        ordered = sorted(self.cpu_us)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    def intents_below(self, floor: float = GATES["intent"]) -> list[tuple[str, Ratio]]:
        return sorted(((k, r) for k, r in self.per_intent.items() if r.value < floor), key=lambda kv: kv[1].value)

    @property
    def passes(self) -> bool:
        """The issue's gates (for the integrated interpreter)."""
        return (self.act_intent.value >= GATES["act_intent"] and not self.intents_below()
                and self.slots.value >= GATES["slots"] and self.near_miss_changes == 0)

    def table(self) -> str:
        out = [f"Understanding in context: {self.name}, {self.rows} held-out turns, {self.near_misses} near misses",
               f"  act-and-intent      {self.act_intent}   (gate 97 %)",
               f"  act                 {self.act}",
               f"  intent              {self.intent}   (rows whose label has an intent)",
               f"  slots               {self.slots}   (rows with slots in the label or the answer; gate 95 %)",
               f"  language            {self.lang}",
               f"  near misses proposing a change: {self.near_miss_changes}   (gate 0; "
               f"a change intent under any act: {self.near_miss_any_change_intent})",
               f"  CPU a turn          median {self.cpu_median_us:.0f} µs, p99 {self.cpu_p99_us:.0f} µs"
               + (f"   errors {self.errors}" if self.errors else ""),
               "", "  by act:"]
        out += [f"    {k:18} {r}" for k, r in sorted(self.per_act.items(), key=lambda kv: -kv[1].total)]
        out += ["", "  by intent:"]
        out += [f"    {k:24} {r}" for k, r in sorted(self.per_intent.items(), key=lambda kv: -kv[1].total)]
        below = self.intents_below()
        out += ["", f"  intents under 93 %: {', '.join(k for k, _ in below) if below else 'none'}"]
        out += ["", "  by slot (the labelled value found):"]
        out += [f"    {k:12} {r}" for k, r in sorted(self.per_slot.items(), key=lambda kv: -kv[1].total)]
        if self.spurious_slots:
            out += ["    given where the label has none: "
                    + ", ".join(f"{k} {n}" for k, n in self.spurious_slots.most_common())]
        out += ["", "  by language (act-and-intent):"]
        out += [f"    {k:6} {r}" for k, r in sorted(self.per_lang.items())]
        out += ["", "  by channel:        act-and-intent        act                   language"]
        out += [f"    {k:6}          {r}   {self.per_channel_act[k]}   {self.lang_by_channel[k]}"
                for k, r in sorted(self.per_channel.items())]
        if self.near_miss_by_kind:
            out += ["", "  near misses proposing a change, by what they resemble: "
                    + ", ".join(f"{k} {n}" for k, n in self.near_miss_by_kind.most_common())]
        if self.act_confusions:
            out += ["", "  most frequent act confusions (label → interpreted): "
                    + ", ".join(f"{g}→{p} {n}" for (g, p), n in self.act_confusions.most_common(10))]
        return "\n".join(out)


def _timed(interpret: Callable[[Case], Any], case: Case, report: Report) -> Any:
    t0 = time.process_time()
    try:
        result = interpret(case)
    except Exception:  # an interpreter that raises on a turn scores it wrong, and the run goes on
        report.errors += 1
        result = None
    report.cpu_us.append((time.process_time() - t0) * 1e6)
    return result


def labelled_as(got: Any) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """What an interpreter returned, as the schema's act, intent ("-" for the acts that carry
    none) and slots."""
    act = str(_get(got, "act", "unclear") or "unclear")
    return act, (_intent_label(got) if act in WORDED_ACTS else "-"), _norm_slots(_get(got, "slots"))


def read_right(row: Labelled, act: str, intent: str, slots: tuple) -> bool:
    """The act, the intent and the slots all as the row's label has them."""
    return act == row.act and intent == row.intent and (not (row.slots or slots) or _same_slots(row.slots, slots))


def evaluate(interpret: Callable[[Case], Any], *, rows: list[Labelled] | None = None,
             near_misses: list[NearMiss] | None = None, name: str = "interpreter") -> Report:
    """Run ``interpret`` over the held-out turns and the near misses; the figures, never the words."""
    rows = load_held_out() if rows is None else rows
    near_misses = load_near_misses() if near_misses is None else near_misses
    report = Report(name=name)
    for row in rows:
        got = _timed(interpret, row.case, report)
        act, intent, slots = labelled_as(got)
        lang = _get(got, "lang") or row.case.prior
        report.rows += 1
        act_ok = act == row.act
        intent_ok = intent == row.intent
        report.act.add(act_ok)
        report.per_act[row.act].add(act_ok)
        report.per_channel_act[row.case.channel].add(act_ok)
        if not act_ok:
            report.act_confusions[(row.act, act)] += 1
        if row.intent != "-":
            report.intent.add(intent_ok)
            report.per_intent[row.intent].add(intent_ok)
        both = act_ok and intent_ok
        report.act_intent.add(both)
        report.per_lang[row.lang].add(both)
        report.per_channel[row.case.channel].add(both)
        if row.slots or slots:
            report.slots.add(_same_slots(row.slots, slots))
        given = dict(slots)
        for key, value in row.slots:
            report.per_slot[key].add(key in given and _same_value(key, value, given[key]))
        for key in given.keys() - dict(row.slots).keys():
            report.spurious_slots[key] += 1
        report.lang.add(lang == row.lang)
        report.lang_by_channel[row.case.channel].add(lang == row.lang)
    for miss in near_misses:
        got = _timed(interpret, miss.case, report)
        report.near_misses += 1
        intent = _intent_label(got)
        if intent in CHANGES:
            report.near_miss_any_change_intent += 1
            if _get(got, "act") == "request":
                report.near_miss_changes += 1
                report.near_miss_by_kind[miss.resembles] += 1
    return report


# The interpreter made of today's pieces ---------------------------------------------------------------
@dataclass(frozen=True)
class Interpreted:
    act: str
    intent: str | None
    slots: dict
    lang: str


# understand.py's labels → the held-out set's intents (R11's reasons 2 and 4 are journeys of their own).
_LABELS = {"fix.reactivate": "reactivate", "fix.change_number": "change_number", "agent": "none", "opt_out": "none"}


def pieces(case: Case) -> tuple[Any, dict, str]:
    """The act, the slots and the language of a turn: everything but the intent (the budget's scope)."""
    from vocabulary import acts, language_id, slots as slot_reader

    act = acts.act_of(case.text, case.prior, case.channel, case.step)
    lang = act.language if act.act == "switch_language" and act.language else language_id.language_of(
        case.text, case.prior)
    found = slot_reader.slots(case.text, lang, case.step) if act.act in WORDED_ACTS else {}
    if act.act == "switch_language" and act.language:
        found = {"language": act.language}
    return act, found, lang


def baseline(case: Case) -> Interpreted:
    """Acts, slots and language from this package's pieces; the intent from today's model (one
    label a clause: the first request is the intent, a second one is offered next by name)."""
    from vocabulary import acts, slots as slot_reader
    from vocabulary.understand import understand

    act, found, lang = pieces(case)
    name = act.act
    intent = None
    if act.act == "answer" and act.answer:
        intent = act.answer
    elif act.act in WORDED_ACTS:
        label = understand(case.text, lang).label
        intent = _LABELS.get(label, label)
        parts = slot_reader.clauses(case.text) if act.act in ("request", "question") else [case.text]
        if len(parts) == 2 and acts.asks_of_its_own(parts[1]):
            first, second = (_LABELS.get(x, x) for x in (understand(p, lang).label for p in parts))
            if second not in ("none", "help", intent if first == "none" else first) and first != "none":
                intent, found = first, {**found, "next": second}
        if name == "answer" and case.step == "reason" and intent == "none":
            name = "statement"  # a reason that is none of R11's five
    return Interpreted(name, intent, found, lang)


# The integrated interpreter's wiring (core/turns.py's Turn → Interpretation) ------------------------
# Its acts by their names there → the held-out set's names.
_ACT_NAMES = {"language": "switch_language", "skip": "no", "repeat": "unclear", "empty": "unclear",
              "menu": "answer", "help": "request", "opt_in": "yes"}
_PLAN_KEYS = {"text archive": "text_archive", "call recording": "call_recording"}


def _digits(value: Any) -> str:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def _journey_label(value: Any, given: dict) -> str:
    label = str(value)
    if label == "troubleshoot" and given.get("fix"):
        fix = str(given["fix"])
        return fix if fix in ("reactivate", "change_number") else f"fix.{fix}"
    if label == "clarify":  # "a plan or the line?" is the vague cancel; any other question back is no label
        offered = {str(o[0]) for o in given.get("options") or []}
        if offered and offered <= {"cancel_plan", "cancel_line"}:
            return "cancel"
        return OFFERS_A_CHANGE if offered & CHANGES else "clarify"  # (a near miss offered a change counts)
    return label


def _plan_key(plan: Any) -> str:
    return _PLAN_KEYS.get(fold(str(plan)), "number_plan")


def _journey_slots(given: dict) -> dict[str, str]:
    """A journey's slots (core/journeys/) in the held-out set's keys."""
    slots: dict[str, str] = {}
    if given.get("number"):
        slots["phone"] = _digits(given["number"])
    if given.get("line"):
        line = _digits(given["line"])
        slots["last4" if len(line) == 4 else "phone"] = line
    if given.get("area"):
        slots["area_code"] = str(given["area"])
    if given.get("plan"):
        slots["plan"] = _plan_key(given["plan"])
    elif given.get("kind") == "number":
        slots["plan"] = "number_plan"
    if given.get("name"):
        slots["name"] = str(given["name"])
    nxt = given.get("next")
    if nxt:  # [journey, its slots]: the second request is scored by the journey it names
        slots["next"] = _journey_label(nxt[0], nxt[1] if len(nxt) > 1 else {}) if isinstance(nxt, (list, tuple)) \
            else str(nxt)
    return slots


def _answer(kind: str, value: Any, step: str, intent: Any = None,
            keyed: bool = False) -> tuple[str, dict[str, str]]:
    """An answer to a step (a PIN, a number, a choice, a plan's name): its label and slots."""
    if kind in ("pin", "number"):
        return _digits_answer(kind, _digits(value), step)
    if kind == "choice":
        if step == "which" and not keyed and str(value).isdigit() \
                and 1 <= int(value) <= len(WHICH_OPTIONS):
            # the offer chosen in words is the journey it names, with the details the answer named
            return WHICH_OPTIONS[int(value) - 1][0], _journey_slots(dict(_get(intent, "slots") or {}))
        return "choice", {"choice": str(value)}  # a bare option number or ordinal (the schema's convention)
    if kind == "name" and step == "target":
        return "line", {"name": str(value)}
    if kind == "own_line":
        return "line", {}  # "mine": the verified line itself
    given = dict(_get(intent, "slots") or {})
    if kind == "name" and given.get("kind") == "number":
        return "plan", {"plan": "number_plan"}
    return "plan", {"plan": _plan_key(given.get("plan") or value)}


def _digits_answer(kind: str, digits: str, step: str) -> tuple[str, dict[str, str]]:
    """A PIN, a code, a line's last four or a phone number, as the step reads the digits."""
    if kind == "pin":
        if len(digits) >= 10 and step == "pin":  # the line's own number, said first (core/conversation.py)
            return "number", {"phone": digits}
        label = "code" if step == "code" else "pin"
        return label, {label if len(digits) < 10 else "phone": digits}
    return ("line" if step == "target" else "number"), {"last4" if len(digits) == 4 else "phone": digits}


# The held-out set's clarifying question (``which``): one plan or the whole line, as
# core/journeys/clarify.py offers them.
WHICH_OPTIONS = (("cancel_plan", {}), ("cancel_line", {}))
_REASON_STEPS = ("reason", "fix")  # R11's question and the fixes: each choice is one of troubleshoot.FIXES


def _as_choice(case: Case) -> bool:
    """A reason given as the option's number or ordinal ("3", "the third one"), not in words."""
    from vocabulary import slots as slot_reader

    text = case.text.strip()
    keyed = bool(text) and all(ch.isdigit() or ch in " #*" for ch in text)
    return keyed or slot_reader.choice(text, case.prior) is not None


def _reason_label(choice: int) -> str:
    from core.journeys.troubleshoot import FIXES

    fix = FIXES[choice - 1] if 1 <= choice <= len(FIXES) else None
    return "choice" if fix is None else fix if fix in ("reactivate", "change_number") else f"fix.{fix}"


def _understood_label(interpretation: Any) -> str:
    label = str(_get(_get(interpretation, "understood"), "label"))
    return _LABELS.get(label, label)


def _asked_about(interpretation: Any, answering: str) -> str:
    """A question answered by a journey of facts (R24): the intent the model heard it about,
    when that is one the journey answers (cancel_effects: cancel_line, cancel_plan, cancel)."""
    understood = _get(interpretation, "understood")
    label = _LABELS.get(str(_get(understood, "label")), str(_get(understood, "label")))
    answers = REGISTRY[answering].answers
    if label in answers or (label == "cancel" and answers & {"cancel_line", "cancel_plan"}):
        return label
    return sorted(answers)[0] if len(answers) == 1 else answering


def from_interpretation(interpretation: Any, case: Case) -> Interpreted:
    """An Interpretation (an act, a core Intent with its slots, a language) in the held-out
    set's labels, so that ``evaluate`` scores the integrated interpreter as it is:
    ``evaluate(lambda case: from_interpretation(interpret(turn_of(case)), case))``."""
    act = _ACT_NAMES.get(str(_get(interpretation, "act")), str(_get(interpretation, "act")))
    act, label, slots = _labelled(interpretation, case, act)
    language = _get(interpretation, "value") if act == "switch_language" else None
    if language:
        slots = {"language": str(language)}
    lang = _get(interpretation, "lang") or language or case.prior
    return Interpreted(act, label, {k: v for k, v in slots.items() if v}, lang)


def _journey_labelled(interpretation: Any, act: str, label: str) -> str:
    """A journey's label in the schema's: a journey of facts outside the schema is what it
    answers ("help me please" answered by what the bot can do is the schema's help); one about a
    change told or asked for outright stays the answer it is (it proposes nothing)."""
    answers = REGISTRY[label].answers if REGISTRY.get(label) is not None else frozenset()
    if answers and label not in KNOWN_LABELS and (act == "question" or not answers & CHANGES):
        return _asked_about(interpretation, label)
    return label


def _labelled(interpretation: Any, case: Case, act: str) -> tuple[str, str | None, dict[str, str]]:
    """The act, the intent's label and the slots, in the held-out set's terms."""
    intent = _get(interpretation, "intent")
    kind, value = _get(intent, "kind"), _get(intent, "value")
    raw_act = str(_get(interpretation, "act"))
    if raw_act == "opt_out":
        return act, None, {}  # R16: the door opts the number out; what the words would have answered is moot
    if kind == "journey":
        given = dict(_get(intent, "slots") or {})
        return act, _journey_labelled(interpretation, act, _journey_label(value, given)), _journey_slots(given)
    if kind == "question":  # R24: a question about a journey (None: about nothing we do), with its details
        details = {k: v for k, v in dict(_get(intent, "slots") or {}).items() if k != "told"}
        return act, str(value) if value else "none", _journey_slots(details)
    if kind in ("pin", "number", "choice", "name", "own_line"):
        label, slots = _answer(kind, value, case.step, intent, kind == "choice" and _as_choice(case))
        if kind == "choice" and case.step in _REASON_STEPS and not _as_choice(case):
            return act, _reason_label(int(value)), {}  # a reason in words is the fix it names (the schema)
        return act, label, slots
    if raw_act == "menu" and _get(interpretation, "value") == "cancel":
        return "request", "cancel", {}  # the voice menu's "a plan or the line?": which is unclear
    if kind == "skip" and act in WORDED_ACTS and _get(interpretation, "understood") is not None:
        return act, _understood_label(interpretation), {}  # "just cancel it" at R11's offer: what was asked
    return act, "help" if raw_act == "help" else None, {}  # HELP (R16's word): what the bot can do


def turn_of(case: Case, lang: str | None = None) -> Any:
    """The Turn a door would hand over for a case: typed words by text, what the recogniser
    heard (or the keys, when it is keys only) by phone. A call waiting for a new request is
    at its main menu (ivr/views.py asks ``turns.menu_expect(None)``), not at a step."""
    from core import turns  # the integrated interpreter's
    from core.turns import Turn

    lang = lang or case.prior
    options = tuple([name, dict(slots)] for name, slots in WHICH_OPTIONS) if case.step == "which" else ()
    keyed = case.text.replace(" ", "").rstrip("#")  # Twilio's Digits never hold the finishing key
    if case.channel == "voice":
        expects = turns.menu_expect(None) if case.step == "command" else case.step
        if keyed and all(ch.isdigit() or ch in "#*" for ch in keyed):
            return Turn(door="voice", lang=lang, expects=expects, keys=keyed, options=options)
        return Turn(door="voice", lang=lang, expects=expects, speech=case.text, confidence=0.9, options=options)
    return Turn(door="sms", lang=lang, expects=case.step, text=case.text, options=options)


def integrated(case: Case) -> Interpreted:
    """The integrated interpreter (vocabulary/interpret.py) as the doors use it: by phone,
    speech in the other language switches the call and the same words are read again in it
    (ivr/views.py ``_spoken_in``); a switch that was all the words said is the act."""
    from core import turns
    from vocabulary.interpret import interpret

    got = interpret(turn_of(case))
    if case.channel == "voice" and got.act == turns.LANGUAGE and got.value and got.value != case.prior:
        again = interpret(turn_of(case, got.value))
        if again.act != turns.LANGUAGE:
            return from_interpretation(again, case)
    return from_interpretation(got, case)


PIECES_MEDIAN_US, PIECES_P99_US = 500, 5000  # the pieces' share of a turn's 1 ms / 5 ms (the model has the rest)


def budget(rows: list[Labelled] | None = None, repeat: int = 1) -> dict[str, float]:
    """CPU a turn of the pieces (acts, slots, language; not the intent model), median and p99,
    each turn read cold (their caches cleared), and what they cost to load: seconds of CPU and
    MB of Python heap (tracemalloc, measured apart so that it slows no timing)."""
    import tracemalloc

    rows = load_held_out() if rows is None else rows
    tracemalloc.start()
    t0 = time.process_time()
    from vocabulary import acts, language_id, slots as slot_reader

    pieces(Case("warm up: cancel 212 555 0143", "sms", "command", languages.DEFAULT_CODE))
    start_s = time.process_time() - t0
    heap = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    times = []
    for _ in range(repeat):
        for row in rows:
            acts._read.cache_clear()
            slot_reader._read_tokens.cache_clear()
            t0 = time.process_time()
            pieces(row.case)
            times.append((time.process_time() - t0) * 1e6)
    times.sort()
    del language_id
    return {"median_us": statistics.median(times), "p99_us": times[int(len(times) * 0.99)],
            "mean_us": statistics.fmean(times), "turns": len(times), "heap_mb": heap, "start_s": start_s}


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - run by hand
    argv = sys.argv[1:] if argv is None else argv
    if "--budget" in argv:
        b = budget()
        print(f"pieces (acts, slots, language) on {b['turns']} turns: median {b['median_us']:.0f} µs, "
              f"p99 {b['p99_us']:.0f} µs, mean {b['mean_us']:.0f} µs CPU; loading them {b['start_s']:.2f} s CPU, "
              f"Python heap {b['heap_mb']:.1f} MB; budget 500 µs median, 5 ms p99: "
              + ("met" if b["median_us"] <= PIECES_MEDIAN_US and b["p99_us"] <= PIECES_P99_US else "missed"))
        return 0
    report = evaluate(baseline, name="baseline (acts, slots, language + today's understand.py model)")
    print(report.table())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
