"""The evaluation of understanding in context (issue 21), run over the held-out turns: the
table is printed (``pytest -s``); what is asserted is only what the pieces of vocabulary/
(acts.py, slots.py, language_id.py) reach today with today's understand.py model for the
intent, as floors measured, never the issue's gates (97 % act-and-intent, 93 % each intent,
95 % slots, no near miss proposing a change), which belong to the integrated interpreter."""

import pytest

from vocabulary.evaluate import (CHANGES, Case, Labelled, NearMiss, Report, baseline, budget, evaluate,
                                 load_held_out, load_near_misses)


@pytest.fixture(scope="module")
def report():
    got = evaluate(baseline, name="baseline")
    print("\n" + got.table())
    return got


def test_the_held_out_set_is_all_read():
    rows, misses = load_held_out(), load_near_misses()
    assert len(rows) >= 1500 and len(misses) >= 300  # the issue's minimum sizes
    assert {r.case.channel for r in rows} == {"sms", "voice"}
    assert {r.lang for r in rows} == {"en", "es"}


def test_the_table_names_every_figure_the_issue_asks_for(report):
    table = report.table()
    for part in ("act-and-intent", "by act:", "by intent:", "intents under 93 %", "by slot", "by language",
                 "by channel", "near misses proposing a change", "CPU a turn"):
        assert part in table
    assert report.errors == 0


def test_the_pieces_reach_their_measured_floors(report):
    assert report.act.value >= 0.78
    assert report.lang.value >= 0.97
    assert report.slots.value >= 0.72
    assert report.per_slot["phone"].value >= 0.93
    assert report.per_slot["pin"].value >= 0.95
    assert report.per_slot["code"].value >= 0.95
    assert report.per_act["switch_language"].value >= 0.95
    assert report.per_act["person"].value >= 0.95
    assert report.near_miss_changes <= 20  # today's model; the gate (0) is the integrated interpreter's


def test_a_near_miss_proposes_a_change_only_as_a_request_for_one():
    rows = [NearMiss(Case("how do I block a number?", "sms", "command", "en"), "block", "test")]

    def proposes(case):
        return {"act": "request", "intent": "block", "slots": {}, "lang": "en"}

    def answers(case):
        return {"act": "question", "intent": "block", "slots": {}, "lang": "en"}

    assert evaluate(proposes, rows=[], near_misses=rows).near_miss_changes == 1
    assert evaluate(answers, rows=[], near_misses=rows).near_miss_changes == 0
    assert "block" in CHANGES


def test_scores_count_what_they_say():
    row = Labelled(Case("block 212 555 0143", "sms", "command", "en"), "en", "request", "block",
                   (("phone", "2125550143"),), "test")

    def right(case):
        return {"act": "request", "intent": "block", "slots": {"phone": "2125550143"}, "lang": "en"}

    def wrong(case):
        raise RuntimeError("an interpreter that fails scores the turn wrong")

    good = evaluate(right, rows=[row], near_misses=[])
    assert (good.act_intent.value, good.slots.value, good.lang.value) == (1.0, 1.0, 1.0)
    bad = evaluate(wrong, rows=[row], near_misses=[])
    assert (bad.errors, bad.act_intent.value, bad.slots.value) == (1, 0.0, 0.0)
    assert isinstance(bad, Report) and "errors 1" in bad.table()


def test_the_pieces_budget_is_measured_on_every_turn():
    """Acts, slots and language together have 0.5 ms of CPU a turn at the median and 5 ms at
    p99 (the whole interpretation 1 ms; the model takes the rest). A timing never fails the
    suite (this machine's load moves it ±40 %): ``python -m vocabulary.evaluate --budget`` says
    met or missed. Here: every turn is timed cold, and loading the pieces costs little heap."""
    b = budget()
    print(f"\npieces: median {b['median_us']:.0f} µs, p99 {b['p99_us']:.0f} µs, heap {b['heap_mb']:.1f} MB")
    assert b["turns"] == len(load_held_out()) and 0 < b["median_us"] <= b["p99_us"]


def test_an_interpretation_in_the_held_out_labels():
    """The wiring for the integrated interpreter: its acts and core intents read in the
    held-out set's labels and slot convention."""
    from types import SimpleNamespace

    from core import intents
    from vocabulary.evaluate import from_interpretation

    case = Case("block 212 555 0143", "sms", "command", "en")
    got = from_interpretation(SimpleNamespace(act="request", intent=intents.journey("block", number="+12125550143"),
                                              lang="en", value=None), case)
    assert (got.act, got.intent, got.slots) == ("request", "block", {"phone": "2125550143"})
    fix = from_interpretation(SimpleNamespace(act="request", intent=intents.journey("troubleshoot", fix="block_spam"),
                                              lang="en", value=None), case)
    assert fix.intent == "fix.block_spam"
    plan = from_interpretation(SimpleNamespace(act="request", lang="en", value=None,
                                               intent=intents.journey("cancel_plan", plan="Text Archive")), case)
    assert plan.slots == {"plan": "text_archive"}
    pin = from_interpretation(SimpleNamespace(act="answer", intent=intents.pin("1234"), lang=None, value=None),
                              Case("1234", "voice", "pin", "es"))
    assert (pin.intent, pin.slots, pin.lang) == ("pin", {"pin": "1234"}, "es")
    switch = from_interpretation(SimpleNamespace(act="language", intent=intents.UNCLEAR, lang=None, value="es"),
                                 Case("en español", "sms", "command", "en"))
    assert (switch.act, switch.slots, switch.lang) == ("switch_language", {"language": "es"}, "es")


def test_a_question_back_is_the_vague_cancel_only_when_it_offers_a_plan_or_the_line():
    from vocabulary.evaluate import OFFERS_A_CHANGE, _journey_label

    assert _journey_label("clarify", {"options": [["cancel_plan", {}], ["cancel_line", {}]]}) == "cancel"
    assert _journey_label("clarify", {"options": [["block", {}], ["unblock", {}]]}) == OFFERS_A_CHANGE
    assert OFFERS_A_CHANGE in CHANGES  # a near miss offered a change counts against the gate
    assert _journey_label("clarify", {"options": [["billing", {}], ["refund", {}]]}) == "clarify"


def test_a_request_answered_by_a_journey_of_facts_is_scored_by_what_it_answers_unless_a_change():
    from types import SimpleNamespace

    from core import intents
    from vocabulary.evaluate import _labelled

    case = Case("help me please", "sms", "command", "en")
    helped = SimpleNamespace(act="request", intent=intents.journey("capabilities"), understood=None)
    assert _labelled(helped, case, "request")[1] == "help"  # the schema's help: what the bot can do
    told = SimpleNamespace(act="request", intent=intents.journey("cancel_effects"), understood=None)
    assert _labelled(told, case, "request")[1] == "cancel_effects"  # an answer about a change proposes nothing
