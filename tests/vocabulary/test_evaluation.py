"""Issue 21's "Measured": the integrated interpreter (vocabulary/interpret.py, as every door
calls it, through ``turn_of`` and ``from_interpretation``) scored on the held-out turns and
the near misses. The table is printed (``pytest -s``, and on a failure).

``GATES`` are the issue's and are not lowered. Until the integrated interpreter reaches them,
``FLOOR`` holds the figures it was measured at: the test fails below the floor (a change that
makes understanding worse) and says how far the figures are from the gates. The floor is
raised to each new measurement, never lowered; once the gates are reached it is the gates."""

from __future__ import annotations

import pytest

from vocabulary.evaluate import GATES as PIECE_GATES, Report, evaluate, integrated

# The issue's gates: act-and-intent overall, every intent, slots, near misses proposing a change.
GATES = {"act_intent": PIECE_GATES["act_intent"], "intent": PIECE_GATES["intent"], "slots": PIECE_GATES["slots"],
         "near_miss_changes": 0}
# Measured on the integrated interpreter (2,244 held-out turns, 352 near misses): the ratchet.
# The earlier floor (47.5 %, 42.3 %, 44.9 %, 20 near misses) was measured with the voice greeting
# read as a step rather than the main menu the calls are at (every spoken request there scored
# "unclear", and none could propose a change); wired as the doors are (``evaluate.integrated``)
# the same interpreter scored 54.4 %, 55.0 %, 53.2 % and 38 near misses; these are the figures
# after the fixes that followed; then 73.0 %, 77.2 %, 68.6 % and 18 with the training turns
# (vocabulary/phrases/turns/) teaching the intent model and the act model beside the rules. (Slots
# once went 68.4 → 68.2 %, the one step back: "mine" and "the second one" at "which line?" are now
# answers, and two of them carry a slot their label doesn't; the slots found stayed 493.)
# The measure was then made stricter: a question back that is not "a plan or the line?" had been
# scored as the vague cancel (three held-out turns credited for it); it is now no label, and one
# that offers a change still counts against a near miss. 73.0 → 72.9 %, 77.3 → 77.1 %, 18 near misses.
# Fixes then chosen on our own training turns read by folds (vocabulary/dev_folds.py), the held-out
# set counted once at the end: 73.1 → 74.4 %, 77.6 → 79.2 %, slots 68.5 → 69.3 %, 18 near misses (a
# bare option number at "a plan or the line?" now scored as the schema's `choice`: 74.5 → 74.4 %);
# then R11's reasons most specific first, fillers with a yes, a vague cancellation told of, and a
# review's mends (nothing heard as a change that wasn't asked): 74.6 %, 79.4 %, 69.6 %, 17; R25's
# port named while a step waits: 74.7 %, 79.5 %.
FLOOR = {"act_intent": 0.770, "intent_overall": 0.817, "slots": 0.704, "near_miss_changes": 17}


@pytest.fixture(scope="module")
def report() -> Report:
    got = evaluate(integrated, name="integrated interpreter (vocabulary/interpret.py)")
    print("\n" + got.table() + "\n" + distance(got))
    return got


def distance(r: Report) -> str:
    below = r.intents_below(GATES["intent"])
    return "\n".join([
        "  distance to issue 21's gates:",
        f"    act-and-intent {r.act_intent.value:.1%} of {GATES['act_intent']:.0%} "
        f"({max(0.0, GATES['act_intent'] - r.act_intent.value):.1%} short)",
        f"    intents under {GATES['intent']:.0%}: {len(below)} of {len(r.per_intent)}",
        f"    slots {r.slots.value:.1%} of {GATES['slots']:.0%} ({max(0.0, GATES['slots'] - r.slots.value):.1%} short)",
        f"    near misses proposing a change: {r.near_miss_changes} (gate {GATES['near_miss_changes']})",
    ])


def _meets_gates(r: Report) -> bool:
    return (r.act_intent.value >= GATES["act_intent"] and not r.intents_below(GATES["intent"])
            and r.slots.value >= GATES["slots"] and r.near_miss_changes <= GATES["near_miss_changes"])


def test_every_turn_is_interpreted_without_an_error(report):
    assert report.errors == 0
    assert report.rows >= 1500 and report.near_misses >= 300


def test_the_integrated_interpreter_is_no_worse_than_measured(report):
    """The ratchet: below the figures measured, something made understanding worse."""
    assert report.act_intent.value >= FLOOR["act_intent"], distance(report)
    assert report.intent.value >= FLOOR["intent_overall"], distance(report)
    assert report.slots.value >= FLOOR["slots"], distance(report)
    assert report.near_miss_changes <= FLOOR["near_miss_changes"], distance(report)


def test_the_gates_are_the_issues_and_the_floor_never_above_them():
    assert GATES == {"act_intent": 0.97, "intent": 0.93, "slots": 0.95, "near_miss_changes": 0}
    assert FLOOR["act_intent"] <= GATES["act_intent"] and FLOOR["slots"] <= GATES["slots"]
    assert FLOOR["near_miss_changes"] >= GATES["near_miss_changes"]


@pytest.mark.xfail(reason="issue 21: the integrated interpreter is below the issue's gates (see the table)",
                   strict=False)
def test_the_integrated_interpreter_reaches_the_issues_gates(report):
    assert _meets_gates(report), distance(report)


def test_the_near_miss_development_set_proposes_at_most_one_change():
    """400 near misses written apart from the training turns and the held-out set
    (vocabulary/phrases/near_miss_dev/README.md), read while choosing fixes, never trained on: 9
    proposed a change when they were written, 1 since ("i changed my number in march and i love it
    thanks", said at the voice menu). A ratchet like FLOOR."""
    from vocabulary.held_out import load_near_misses
    from vocabulary.held_out import NEAR_MISS_DEV

    report = evaluate(integrated, rows=[], near_misses=load_near_misses(NEAR_MISS_DEV))
    assert report.near_misses == 400
    assert report.near_miss_changes <= 1, report.table()


def test_the_second_near_miss_development_set_proposes_at_most_one_change():
    """300 near misses more (near_miss2_<lang>.tsv, written 2026-12-08 the same way, on the kinds
    the held-out near misses still proposed: reactivate, unblock, block, the line, a new number, a
    vague cancel): 12 proposed a change when they were written, 1 since ("mi hermano cambió su
    número… ¿me pueden dar el nuevo?": someone else's number asked for). A ratchet like FLOOR."""
    from vocabulary.held_out import NEAR_MISS_DEV, load_near_misses

    report = evaluate(integrated, rows=[], near_misses=load_near_misses(NEAR_MISS_DEV, "near_miss2"))
    assert report.near_misses == 300
    assert report.near_miss_changes <= 1, report.table()


DEV_TURNS_FLOOR = 0.817  # act-and-intent on the development turns written apart, a ratchet like FLOOR


def test_the_development_turns_written_apart_are_read_no_worse_than_measured():
    """440 whole turns written apart (vocabulary/phrases/turns_dev/README.md) on the kinds the
    held-out table shows weakest, read while choosing fixes, never trained on: 62.4 % act-and-intent
    when written."""
    from vocabulary.held_out import load_dev_turns

    rows = load_dev_turns()
    assert len(rows) >= 400
    report = evaluate(integrated, rows=rows, near_misses=[])
    assert report.act_intent.value >= DEV_TURNS_FLOOR, report.table()
