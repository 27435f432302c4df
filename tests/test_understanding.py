"""Free text understood (vocabulary/understand.py), measured on the held-out set in tests/data/:
accuracy per intent, per language, per kind of utterance and per round, printed every run;
the build fails below 95 % overall, below 90 % for any intent, or on any single utterance
routed to a change journey it does not name. Then the safety rules one by one."""

from __future__ import annotations

import collections

import pytest

from core import intents
from core.formatting import fold
from core.journeys import REGISTRY
from vocabulary import evaluation
from vocabulary import understand as u
from vocabulary.understand import CHANGES, understand

rows, outcome, reached = evaluation.rows, evaluation.outcome, evaluation.reached


def rate(hits: collections.Counter, totals: collections.Counter, key) -> str:
    return f"{hits[key] / totals[key]:6.1%} ({hits[key]}/{totals[key]})"


def test_the_held_out_set_is_understood_and_never_routed_to_a_change_it_does_not_name(capsys):
    data = rows()
    totals, hits = collections.Counter(), collections.Counter()
    misses, destructive = [], []
    for lang, label, kind, round_, text in data:
        got = understand(text, lang)
        seen = outcome(got)
        ok = seen == label or (label == "none" and seen == "unclear")
        for key in ("all", ("intent", label), ("lang", lang), ("kind", kind), ("round", round_)):
            totals[key] += 1
            hits[key] += ok
        if not ok:
            misses.append(f"  {lang} {label:24} {kind:6} → {seen:24} {got.score:.2f} (runner-up {got.runner_up}): {text}")
        change = reached(got.intent)
        if change and change != CHANGES.get(label):
            destructive.append(f"  {lang} {label} → {change}: {text}")
    report = [f"understanding: {rate(hits, totals, 'all')} of {len(data)} held-out utterances"]
    report += [f"  {k[0]} {k[1]:24} {rate(hits, totals, k)}" for k in sorted(k for k in totals if k != "all")]
    report += [f"false destructive (routed to a change it does not name): {len(destructive)}", *destructive]
    report += ["misses:", *misses]
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert len(data) >= 400 and {lang for lang, *_ in data} == set(u.LANGUAGES)
    assert destructive == []
    assert hits["all"] / totals["all"] >= 0.95
    intents_below = [k[1] for k in totals if isinstance(k, tuple) and k[0] == "intent" and hits[k] / totals[k] < 0.9]
    assert intents_below == []


# Issue 21's labels are measured by its own held-out turns (vocabulary/evaluate.py, written
# apart from the training phrases; the information journeys are scored by the intent their
# question is about), not by this older set.
MEASURED_BY_ISSUE_21 = {"term_end", "cancel_effects", "appstore", "capabilities", "port_out", "billing",
                        "undo_cancel", "lost_phone", "number_info", "callback"}


def test_every_intent_is_evaluated_in_both_languages_with_near_misses_speech_and_typos():
    data = rows()
    labels = {label for _, label, _, _, text in data}
    assert labels == {label for _, label, _ in u.load_phrases()} - MEASURED_BY_ISSUE_21
    for lang in u.LANGUAGES:
        per_label = collections.Counter(label for ln, label, *_ in data if ln == lang)
        assert min(per_label.values()) >= 4, per_label
    kinds = collections.Counter(kind for _, _, kind, _, _ in data)
    assert all(kinds[k] >= 25 for k in ("typo", "short", "speech", "near")), kinds


def test_no_held_out_utterance_is_a_training_phrase():
    trained = {fold(text) for _, _, text in u.load_phrases()}
    assert [text for *_, text in rows() if fold(text) in trained] == []


def test_every_label_is_a_journey_of_the_registry_or_said_by_the_doors():
    for _, label, _ in u.load_phrases():
        assert label in u.NOT_JOURNEYS + ("cancel",) or u.intent_for(label).kind in ("journey", "agent"), label
    for label in CHANGES:
        route = u.intent_for(label)
        assert route.value in REGISTRY


# Safety before recall ------------------------------------------------------------------------
@pytest.mark.parametrize("text, lang, never", [
    ("Deactivate my line", "en", "reactivate"),  # one typo from each other, meaning the opposite
    ("deactivate my account please", "en", "reactivate"),
    ("desactivar mi línea", "es", "reactivate"),
    ("my line got cancelled", "en", "cancel_line"),
    ("why did you cancel my number", "en", "cancel_line"),
    ("me cancelaron la línea", "es", "cancel_line"),
    ("don't cancel my line", "en", "cancel_line"),
    ("I do not want to cancel my number", "en", "cancel_line"),
    ("no cancelen mi línea", "es", "cancel_line"),
    ("cancel call recording on my line", "en", "cancel_line"),  # the add-on named, not the line
    ("reactivate my line", "en", "cancel_line"),
    ("change my plan", "en", "change_number"),
    ("unblock 5551234567", "en", "block"),
    ("block 5551234567", "en", "unblock"),
])
def test_a_change_is_reached_only_when_the_utterance_names_it(text, lang, never):
    got = understand(text, lang)
    assert reached(got.intent) != never
    options = got.intent.slot("options") or []
    assert never not in [name for name, _ in options] or never in ("cancel_line",) and "cancel" in fold(text)


def test_deactivate_is_a_cancellation_word_and_reactivate_is_not():
    assert understand("Deactivate my line").intent == intents.journey("cancel_line")
    assert understand("reactivate my line").intent == intents.journey("reactivate")
    assert understand("reactivte my line").intent == intents.journey("reactivate")  # a typo of the word itself


@pytest.mark.parametrize("text, lang", [("I wanna cancel", "en"), ("stop charging me", "en"), ("quiero cancelar", "es"),
                                        ("dejen de cobrarme", "es")])
def test_a_vague_request_asks_which_plan_or_line(text, lang):
    got = understand(text, lang)
    assert got.intent == intents.journey("clarify", options=[["cancel_plan", {}], ["cancel_line", {}]])
    assert not got.sure


def test_below_the_threshold_a_question_offers_the_two_likeliest_and_nothing_starts(monkeypatch):
    monkeypatch.setattr(u, "ROUTE", 1.0)
    monkeypatch.setattr(u, "ROUTE_CHANGE", 1.0)
    got = understand("I want my money back")
    assert not got.sure and got.how == "clarify"
    options = got.intent.slot("options")
    assert got.intent.value == "clarify" and options[0] == ["refund", {}] and len(options) == 2


def test_what_is_nothing_we_do_is_not_understood_and_nonsense_never_starts_a_change():
    for text in ("asdf qwerty", "hello", "thank you!", "hola", "the weather in paris"):
        assert understand(text).intent == intents.UNCLEAR, text
    for text in ("purple monkey dishwasher", "xyzzy line number", "lorem ipsum plan", "🙂 ok 🙂"):
        assert reached(understand(text).intent) is None, text


@pytest.mark.parametrize("text, lang, intent", [
    ("please stop my text archive add-on", "en", intents.journey("cancel_plan", plan="Text Archive")),
    ("cancela la grabación de llamadas", "es", intents.journey("cancel_plan", plan="Call Recording")),
    ("cancel the line ending 0012", "en", intents.journey("cancel_line", line="0012")),
    ("please block +1 (212) 555-0100", "en", intents.journey("block", number="+12125550100")),
    ("unblock 646 555 0142", "en", intents.journey("unblock", number="+16465550142")),
    ("my phone doesn't ring when people call me", "en", intents.journey("troubleshoot", fix="device_settings")),
    ("calls keep dropping", "en", intents.journey("troubleshoot", fix="voice_network_mode")),
    ("I keep getting spam calls", "en", intents.journey("troubleshoot", fix="block_spam")),
    ("let me talk to a real person", "en", intents.AGENT),
    ("I want my money back", "en", intents.journey("refund")),
    ("what plans do I have", "en", intents.journey("plans")),
    ("quiero cancelar mi línea", "es", intents.journey("cancel_line")),
])
def test_the_issues_examples_and_their_slots(text, lang, intent):
    assert understand(text, lang).intent == intent


def test_the_logs_get_the_label_score_and_runner_up_never_the_text():
    logged = understand("cancel my line, my pin is 1234").log()
    assert set(logged) == {"understood", "score", "runner_up", "runner_score", "understanding"}
    assert "1234" not in repr(logged)


def test_speech_below_the_floor_is_not_acted_on():
    assert understand("cancel my line", speech_confidence=0.2).how == "low_speech_confidence"
    assert understand("cancel my line", speech_confidence=0.9).intent == intents.journey("cancel_line")


def test_training_is_deterministic():
    phrases = u.load_phrases()
    a, b = u.train(phrases), u.train(phrases)
    x = u.features(fold("cancel my line"), u.find("cancel my line"))
    assert a.probabilities(x) == b.probabilities(x)


def test_a_malformed_phrase_file_is_refused_with_its_line(tmp_path, monkeypatch):
    (tmp_path / "en.tsv").write_text("# comment\nplans\twhat plans\nno tab here\n", encoding="utf-8")
    monkeypatch.setattr(u, "PHRASES", tmp_path)
    with pytest.raises(ValueError, match="en.tsv line 3"):
        u.load_phrases(["en"])


@pytest.mark.parametrize("lang", u.LANGUAGES)
def test_every_word_of_a_lexicon_is_folded(lang):
    lex = u.lexicon(lang)
    words = ({p for ps in (*lex.actions.values(), *lex.objects.values(), *lex.plan_names.values()) for p in ps}
             | set(lex.negations) | set(lex.line_digits) | set(lex.past) | set(lex.others) | set(lex.plain)
             | {p for ps in lex.ordinals.values() for p in ps})
    assert {w for w in words if fold(w) != w} == set()
