"""``switchboard phrases``: from the misunderstood turns supervisors labelled (R26) to better
training phrases, checked before anyone adopts them.

- ``export [--since DATE] [--lang xx]``: the labelled turns as rows of vocabulary/phrases/
  (label<TAB>text; a ``# lang: xx`` line before each language's rows).
- ``check FILE``: trains the model with FILE's rows added and prints the held-out evaluation
  (vocabulary/evaluation.py) before and after, per intent and language, with the near misses
  that would be sent to a change; exits 1 when accuracy drops (overall, or for any intent or
  language) or a near miss gets a change proposed that it didn't before.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from core import languages
from web.deps import deps


@click.group("phrases", help="Training phrases from the misunderstood turns supervisors labelled (R26).")
def phrases_group() -> None:
    pass


@phrases_group.command("export", help="Print the labelled turns as phrase rows (vocabulary/phrases/ format).")
@click.option("--since", default=None, help="Only turns labelled on or after this date (YYYY-MM-DD).")
@click.option("--lang", type=click.Choice(list(languages.CODES)), default=None, help="Only this language's rows.")
@with_appcontext
def export_cmd(since: str | None, lang: str | None) -> None:
    from core import missed_turns
    from vocabulary.evaluation import LANG_HEADER

    start = None
    if since:
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), dt.timezone.utc)
        except ValueError:
            raise click.BadParameter(f"{since!r} is not a date (YYYY-MM-DD)", param_hint="--since") from None
    rows = missed_turns.phrase_rows(deps().db, since=start)
    out = sys.stdout
    for language in languages.CODES:
        mine = [(label, text) for ln, label, text in rows if ln == language and (lang is None or ln == lang)]
        if mine:
            out.write(f"{LANG_HEADER}{language}\n")
            out.writelines(f"{label}\t{text}\n" for label, text in mine)
    click.echo(f"{len(rows)} labelled turns", err=True)


def _turns_check(ev, before_model, after_model) -> list[str]:
    """Issue 21's held-out turns (tests/data/turns/), read by the integrated interpreter as the
    doors read them, with each model: counts only, never a row's words. Refused when
    act-and-intent or any language gets worse, or a near miss more proposes a change."""
    from vocabulary import evaluate as turns

    with ev.using(before_model):
        b = turns.evaluate(turns.integrated, name="before")
    with ev.using(after_model):
        a = turns.evaluate(turns.integrated, name="after")
    click.echo(f"held-out turns (tests/data/turns/), the integrated interpreter: {b.rows} turns, "
               f"{b.near_misses} near misses")
    click.echo(f"  {'act-and-intent':32} {b.act_intent.value:8.1%} {a.act_intent.value:8.1%}")
    click.echo(f"  {'intent':32} {b.intent.value:8.1%} {a.intent.value:8.1%}")
    for lang in sorted(b.per_lang):
        click.echo(f"  {'  ' + lang:32} {b.per_lang[lang].value:8.1%} {a.per_lang[lang].value:8.1%}")
    click.echo(f"  {'near misses proposing a change':32} {b.near_miss_changes:8} {a.near_miss_changes:8}")
    why = ["held-out turns: act-and-intent drops"] if a.act_intent.right < b.act_intent.right else []
    why += [f"held-out turns: {lang} drops" for lang in b.per_lang if a.per_lang[lang].right < b.per_lang[lang].right]
    if a.near_miss_changes > b.near_miss_changes:
        why.append("held-out turns: a near miss more proposes a change")
    return why


@phrases_group.command("check", help="Train with FILE's rows added; the held-out evaluation before and after.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_cmd(file: Path) -> None:
    from vocabulary import evaluation as ev
    from vocabulary import understand as u

    try:
        added = ev.read_phrase_rows(file)
        shipped = u.training_rows()  # the phrases and the training turns, as the shipped model learns
        after_model = u.train(shipped + added)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    before_model = u.train(shipped)
    before, after = ev.evaluate(before_model), ev.evaluate(after_model)
    click.echo(f"held-out set: {ev.HELD_OUT.name}, {before.totals['all']} utterances; {len(added)} rows added "
               f"from {file.name}")
    click.echo(f"{'':34} {'before':>8} {'after':>8}")
    click.echo(f"{'accuracy':34} {before.accuracy:8.1%} {after.accuracy:8.1%}")
    for key in before.keys():
        if key[0] in ("intent", "lang"):
            b, a = before.rate(key), after.rate(key)
            click.echo(f"  {key[0]} {key[1]:27} {b:8.1%} {a:8.1%}{'  worse' if a < b else ''}")
    click.echo(f"{'near misses sent to a change':34} {len(before.near_changes):8} {len(after.near_changes):8}")
    click.echo(f"{'any utterance sent to a change':34} {len(before.destructive):8} {len(after.destructive):8}")
    for key, line in after.missed.items():
        if key not in before.missed:
            click.echo(f"now missed:     {line.strip()}")
    for key, line in before.missed.items():
        if key not in after.missed:
            click.echo(f"now understood: {line.strip()}")
    why = ev.refusals(before, after) + _turns_check(ev, before_model, after_model)
    if why:
        click.echo("refused:\n" + "\n".join(f"  {w}" for w in why))
        sys.exit(1)
    click.echo("ok: nothing got worse; append the rows to vocabulary/phrases/<lang>.tsv (see README)")
