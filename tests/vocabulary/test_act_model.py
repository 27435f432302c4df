"""The act model stacked on the rules (vocabulary/act_model.py) and the training turns it and the
intent model learn from (vocabulary/training_turns.py). Pure: no database, no door."""

from __future__ import annotations

import pytest

from vocabulary import act_model, acts, training_turns
from vocabulary.acts import Act


def test_every_training_file_reads_and_every_label_is_known():
    rows = training_turns.load()
    assert len(rows) >= 1500
    assert {r.lang for r in rows} == {"en", "es"} and {r.channel for r in rows} == {"sms", "voice"}
    assert set(training_turns.STEPS) <= {r.step for r in rows}  # every step has its turns
    from vocabulary.understand import model

    known = set(model().labels)
    assert {label for _, label, _ in training_turns.intent_rows()} <= known


def test_a_malformed_line_is_refused_with_its_place(tmp_path):
    bad = tmp_path / "x.tsv"
    bad.write_text("en\tsms\tcommand\trequest\tplans\t-\twhat plans\nen\tsms\tnowhere\trequest\tplans\t-\thi\n")
    with pytest.raises(ValueError, match="x.tsv:2"):
        training_turns.parse(bad)
    bad.write_text("en\tsms\tcommand\trequest\tplans\n")
    with pytest.raises(ValueError, match="x.tsv:1"):
        training_turns.parse(bad)


def test_the_training_turns_are_our_own_not_the_held_out_ones():
    """No sentence of the held-out turns is trained on (the failure names our file and line,
    never a held-out row's words). Turns of one or two words ("yes please", "1234") are bound to
    coincide and are allowed."""
    from core.formatting import fold
    from vocabulary.held_out import load_held_out, load_near_misses

    held = {fold(r.case.text) for r in load_held_out()} | {fold(n.case.text) for n in load_near_misses()}
    copied = [r.source for r in training_turns.load() if len(fold(r.text).split()) >= 3 and fold(r.text) in held]
    assert not copied, f"{len(copied)} training turns are held-out sentences: {copied[:20]}"


def test_a_question_about_a_change_teaches_the_journey_that_answers_it():
    row = training_turns.TrainingTurn("en", "sms", "command", "question", "cancel_line", (), "what if I cancel", "t")
    assert training_turns.intent_label(row) == "cancel_effects"
    reason = training_turns.TrainingTurn("en", "sms", "reason", "answer", "change_number", (), "hate my number", "t")
    assert training_turns.intent_label(reason) == "fix.change_number"
    vague = training_turns.TrainingTurn("en", "sms", "command", "question", "cancel", (), "what if I cancel?", "t")
    assert training_turns.intent_label(vague) == "cancel_effects"  # a plan or the line: what cancelling does
    pin = training_turns.TrainingTurn("en", "sms", "pin", "answer", "pin", (("pin", "1234"),), "1234", "t")
    assert training_turns.intent_label(pin) is None


class _Sure:
    """A model that is sure of one act, whatever it is shown (to test the guards alone)."""

    def __init__(self, act: str) -> None:
        self.act = act

    def probabilities(self, x):
        return {a: (0.99 if a == self.act else 0.01 / len(acts.ACTS)) for a in acts.ACTS}


@pytest.mark.parametrize("text", ["ok", "sure", "👍", "yeah go for it"])
def test_only_the_rules_strict_yes_confirms_never_the_model(text):
    """R18: whatever the model says, a yes it alone finds is no yes."""
    rule = acts.rules_act(text, "en", "sms", "confirm")
    assert rule.act != "yes"
    assert act_model.decide(text, "en", "sms", "confirm", rule, _Sure("yes")).act == rule.act


def test_a_rules_yes_is_undone_only_by_a_doubt():
    rule = acts.rules_act("yes please", "en", "sms", "confirm")
    assert rule.act == "yes"
    assert act_model.decide("yes please", "en", "sms", "confirm", rule, _Sure("request")).act == "yes"
    assert act_model.decide("yes please", "en", "sms", "confirm", rule, _Sure("hesitation")).act == "hesitation"


@pytest.mark.parametrize("text,step", [("1", "confirm"), ("0", "pin"), ("8", "pin"), ("STOP", "command")])
def test_keys_and_opt_out_words_are_the_rules_alone(text, step):
    rule = acts.rules_act(text, "en", "sms", step)
    assert act_model.decide(text, "en", "sms", step, rule, _Sure("question")) == rule


def test_an_answer_the_step_cannot_read_stays_the_rules():
    rule = acts.rules_act("hmm whatever", "en", "sms", "pin")
    assert act_model.decide("hmm whatever", "en", "sms", "pin", rule, _Sure("answer")) == rule
    got = act_model.decide("my pin is 1357", "en", "sms", "pin", Act("request", how="request"), _Sure("answer"))
    assert got.act == "answer" and got.answer == "pin"


def test_a_switch_the_model_hears_names_the_language():
    got = act_model.decide("no hablo ingles", "en", "voice", "pin", Act("statement", how="statement"),
                           _Sure("switch_language"))
    assert got.act == "switch_language" and got.language == "es"


def test_the_real_model_reads_what_the_rules_missed_and_keeps_what_they_got():
    m = act_model.model()
    for text, step, lang, want in [("yes", "confirm", "en", "yes"), ("1234", "pin", "en", "answer"),
                                   ("I forgot my PIN", "pin", "en", "forgot_pin"), ("agent", "command", "en", "person"),
                                   ("what happens if I cancel my line?", "command", "en", "question"),
                                   ("cancela mi línea", "command", "es", "request")]:
        assert act_model.decide(text, lang, "sms", step, acts.rules_act(text, lang, "sms", step), m).act == want, text


@pytest.mark.parametrize("text, lang, act, intent, slots", [
    ("my husband wants to cancel his call recording", "en", "statement", "cancel_plan", {"plan": "call_recording"}),
    ("ya cancelé el archivo de textos", "es", "statement", "cancel_plan", {"plan": "text_archive"}),
    ("how do I block (917) 555-0142", "en", "question", "block", {"phone": "9175550142"}),
    ("what happens if I cancel the text archive?", "en", "question", "cancel_plan", {"plan": "text_archive"}),
])
def test_a_question_or_a_statement_keeps_the_details_it_named_R24(text, lang, act, intent, slots):
    """Told or asked about a change, never the change; what was named stays with it (the plan,
    the number), read as the doors read it (vocabulary/evaluate.py ``integrated``)."""
    from vocabulary.evaluate import integrated
    from vocabulary.held_out import Case

    got = integrated(Case(text, "sms", "command", lang))
    assert (got.act, got.intent, got.slots) == (act, intent, slots)


def test_a_phrase_learnt_again_makes_the_same_model():
    """The intent model learns each (language, label, words) once: rows it already has change
    nothing (what `switchboard phrases check` relies on to tell a row's effect from noise)."""
    from vocabulary import understand as u

    rows = u.load_phrases()
    once, twice = u.train(rows), u.train(rows + rows[:25] + [(lang, label, text.upper()) for lang, label, text in rows[:5]])
    assert once.labels == twice.labels and once.shift == twice.shift
    assert once.rows == twice.rows and once.bias == twice.bias


@pytest.mark.parametrize("text, lang, step, act", [
    ("no, just cancel the line", "en", "offer", "request"), ("no nomás cancela", "es", "offer", "request"),
    ("no just cancel", "en", "reason", "request"), ("no thanks", "en", "offer", "no"), ("no", "en", "offer", "no"),
    ("no, don't cancel", "en", "offer", "no")])
def test_no_just_cancel_at_r11s_offer_asks_to_go_on_cancelling_R11(text, lang, step, act):
    """At R11's question or offer, "no, just cancel it" declines the fix by asking for the
    cancellation (a request: it goes on); "no thanks" alone is a no (it goes on too)."""
    assert acts.act_of(text, lang, "sms", step).act == act


@pytest.mark.parametrize("text, lang, act", [
    ("ojalá pudiera bloquear a mi vecino jaja", "es", "statement"), ("I wish I could cancel my line lol", "en", "statement"),
    ("blocking doesn't help", "en", "statement"), ("I wish to cancel my line", "en", "request")])
def test_wishes_and_opinions_are_no_requests_but_i_wish_to_is_R24(text, lang, act):
    assert acts.act_of(text, lang, "sms", "command").act == act
