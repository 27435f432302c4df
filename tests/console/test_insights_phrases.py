"""``switchboard phrases export`` and ``check`` (R26): the labelled turns as training phrases,
and the held-out evaluation (vocabulary/evaluation.py) before and after adding them — a file
that lowers accuracy, or sends a near miss to a change, is refused."""

from __future__ import annotations

import collections

from core import missed_turns
from vocabulary import evaluation as ev

LABELS = ["plans", "cancel_plan", "refund", "block"]


def label_turn(deps, said, label, lang="en", clock_now=None):
    now = clock_now or deps.clock()
    assert missed_turns.keep(deps.db, said=said, door="sms", lang=lang, step="which", now=now)
    rows, _ = missed_turns.queue(deps.db, viewer_id=1, now=now)
    missed_turns.label(deps.db, rows[0].id, label=label, labels=LABELS, by_id=1, now=now)


def test_export_writes_phrase_rows_by_language_and_since(runner, deps, clock):
    label_turn(deps, "what am I paying for each month", "plans")
    label_turn(deps, "que pago cada mes 2", "plans", lang="es")
    clock.advance(days=3)
    label_turn(deps, "I want to get rid of the archive thing", "cancel_plan")
    label_turn(deps, "just noise", "none")
    out = runner.invoke(args=["phrases", "export"])
    assert out.exit_code == 0, out.output
    assert out.stdout == ("# lang: en\nplans\twhat am I paying for each month\n"
                          "cancel_plan\tI want to get rid of the archive thing\nnone\tjust noise\n"
                          "# lang: es\nplans\tque pago cada mes 0\n")
    since = runner.invoke(args=["phrases", "export", "--since", clock().date().isoformat(), "--lang", "en"])
    assert since.stdout == "# lang: en\ncancel_plan\tI want to get rid of the archive thing\nnone\tjust noise\n"
    assert runner.invoke(args=["phrases", "export", "--since", "yesterday"]).exit_code == 2


def test_check_prints_before_and_after_and_accepts_rows_the_model_already_has(runner, deps, tmp_path):
    """Rows the model already learns (the same words, label and language) make the same model
    (it learns each once): the check prints both tables and accepts them. Any new row moves the
    model, and the check refuses it on a single held-out turn or near miss made worse, which at
    5,000 rows is within the noise of retraining: test_check_refuses_rows_that_lower_accuracy
    shows the refusal."""
    label_turn(deps, "what plans do I have", "plans")
    label_turn(deps, "cancel my text archive", "cancel_plan")
    rows = tmp_path / "labelled.tsv"
    rows.write_text(runner.invoke(args=["phrases", "export"]).stdout, encoding="utf-8")
    out = runner.invoke(args=["phrases", "check", str(rows)])
    assert out.exit_code == 0, out.output
    assert f"held-out set: {ev.HELD_OUT.name}" in out.output and "2 rows added" in out.output
    for line in ("accuracy", "intent plans", "intent cancel_plan", "lang en", "lang es", "near misses sent to a change"):
        assert line in out.output
    # Issue 21's held-out turns too, through the integrated interpreter: counts only.
    assert "held-out turns (tests/data/turns/), the integrated interpreter: 2244 turns" in out.output
    assert "act-and-intent" in out.output and "near misses proposing a change" in out.output
    assert "ok: nothing got worse" in out.output


def test_check_refuses_rows_that_lower_accuracy(runner, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# lang: en\n" + "".join(f"refund\twhat plans do I have {i}\nrefund\tshow me my plans\n"
                                           f"none\tcancel my line\n" for i in range(150)), encoding="utf-8")
    out = runner.invoke(args=["phrases", "check", str(bad)])
    assert out.exit_code == 1
    assert "refused:" in out.output and "overall accuracy drops" in out.output and "intent plans drops" in out.output
    assert "now missed:" in out.output
    # the turns in context get worse too (overall, or in a language: the rules now carry more of them)
    assert "held-out turns: act-and-intent drops" in out.output or "held-out turns: en drops" in out.output


def test_check_refuses_a_file_not_in_the_format(runner, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# lang: fr\nplans\tquels forfaits\n", encoding="utf-8")
    out = runner.invoke(args=["phrases", "check", str(bad)])
    assert out.exit_code == 1 and "no such language" in out.output
    bad.write_text("a_journey_we_do_not_have\tbuy a boat\n", encoding="utf-8")
    out = runner.invoke(args=["phrases", "check", str(bad)])
    assert out.exit_code == 1 and "labels that are no journey" in out.output


def _report(accuracy_hits: int, near: list[str] = (), destructive: list[str] = ()) -> ev.Report:
    r = ev.Report(totals=collections.Counter({"all": 10, ("intent", "plans"): 10, ("lang", "en"): 10}),
                  hits=collections.Counter({"all": accuracy_hits, ("intent", "plans"): accuracy_hits,
                                            ("lang", "en"): accuracy_hits}))
    r.near_changes, r.destructive = list(near), list(destructive) + list(near)
    return r


def test_a_near_miss_sent_to_a_change_is_refused_even_when_accuracy_holds():
    assert ev.refusals(_report(9), _report(9)) == []
    why = ev.refusals(_report(9), _report(9, near=["  en none → cancel_line: Don't cancel my line"]))
    assert why == ["a near miss gets a change proposed: en none → cancel_line: Don't cancel my line"]
    assert ev.refusals(_report(9), _report(9, destructive=["  en plans → cancel_plan: x"])) == [
        "sent to a change it does not name: en plans → cancel_plan: x"]
    assert ev.refusals(_report(9), _report(8)) == ["overall accuracy drops", "intent plans drops", "lang en drops"]


def test_the_evaluation_measures_a_given_model_and_leaves_the_process_own_alone():
    from vocabulary import understand as u

    own = u.model()
    report = ev.evaluate(u.train(u.load_phrases()))
    assert u.model() is own
    assert report.totals["all"] == len(ev.rows()) >= 400 and report.accuracy >= 0.95
