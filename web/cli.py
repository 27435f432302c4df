"""The ``switchboard`` commands that are not a channel's own: database, data, jobs, server."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from core import db as dbmod
from core import services
from core.demo import demo_document
from web.deps import deps


def register(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(import_cmd)
    app.cli.add_command(export_cmd)
    app.cli.add_command(run_due_cmd)
    app.cli.add_command(seed_demo_cmd)
    app.cli.add_command(serve_cmd)
    app.cli.add_command(simulate)
    app.cli.add_command(worker_cmd)
    app.cli.add_command(outbox_cmd)
    from web.phrases_cli import phrases_group

    app.cli.add_command(phrases_group)  # switchboard phrases export/check (issue 24, R26)
    from web.twilio_cli import register as register_twilio

    register_twilio(app)  # switchboard twilio connect/check, calls report (issue 15)


@click.group("simulate", help="Talk to the bot without a phone, signed as Twilio signs.")
def simulate() -> None:
    pass


@click.group("db", cls=AppGroup, help="The schema (Alembic migrations).")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Create or migrate the schema to the newest revision.")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    url = deps().settings.database_url
    dbmod.upgrade(url, revision)
    click.echo(f"database at revision {revision}: {_safe_url(url)}")


@db_group.command("downgrade", help="Undo migrations (default: all of them).")
@click.option("--revision", default="base", show_default=True)
def db_downgrade(revision: str) -> None:
    dbmod.downgrade(deps().settings.database_url, revision)
    click.echo(f"database at revision {revision}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.command("import", help="Load accounts, lines and plans from a JSON file (idempotent by line "
               "number). A bad file is refused whole, each error naming the account, line and field.")
@with_appcontext
@click.option("--allow-move", is_flag=True,
              help="Let the file move a line already in the database to another account.")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_cmd(file, allow_move: bool) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    def each_key_once(pairs: list[tuple[str, object]]) -> dict[str, object]:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {key[:40]!r} is there twice")
            seen.add(key)
        return dict(pairs)

    try:
        doc = json.load(file, object_pairs_hook=each_key_once)
    except RecursionError:
        raise click.ClickException(f"{file.name}: not valid JSON (nested too deeply); nothing imported") from None
    except (ValueError, MemoryError) as exc:  # bad JSON or UTF-8, a key twice, a 5000-digit number
        reason = str(exc)[:200] or type(exc).__name__
        raise click.ClickException(f"{file.name}: not valid JSON ({reason}); nothing imported") from None
    from core.account_data import ImportRefused, import_document  # (not loaded by web workers)

    d = deps()
    try:
        counts = import_document(d.db, doc, pin_secret=d.settings.pin_secret, allow_move=allow_move)
    except ImportRefused as exc:
        for line in exc.errors:
            click.echo(f"error: {line}", err=True)
        raise click.ClickException(f"{file.name}: nothing imported ({len(exc.errors)} errors)") from None
    except SQLAlchemyError as exc:
        # Validation should have refused it by name. The database's own message may carry the
        # statement's parameters (a new line's PIN hash and salt): only its kind is shown.
        raise click.ClickException(
            f"{file.name}: nothing imported: the database refused it ({type(exc).__name__})") from None
    click.echo(
        "imported: {accounts} new accounts, {lines} new lines, {lines_updated} lines updated, "
        "{available_numbers} numbers added to the pool".format(**counts)
    )


@click.command("export", help="Print the current state as JSON (no PINs), with each line's audit events.")
@with_appcontext
@click.option("--number", default=None, help="Only the line with this E.164 number.")
def export_cmd(number: str | None) -> None:
    from core.account_data import export_document

    doc = export_document(deps().db, number)
    if number and not doc["accounts"]:
        raise click.ClickException(f"no line has the number {number}")
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


@click.command("run-due", help="End plans whose term end has passed (R2, R3). Safe to run often.")
@with_appcontext
@click.option("--now", "now_text", default=None, help="ISO 8601 instant (default: now).")
def run_due_cmd(now_text: str | None) -> None:
    now = _parse_now(now_text) if now_text else deps().clock()
    report = services.run_due(deps().db, now=now)
    click.echo(f"run-due at {now.isoformat()}: {report.plans_ended} plans ended, "
               f"{report.lines_released} lines released, {report.lines_lapsed} lines lapsed")
    from core import insights, missed_turns

    rolled = insights.roll_up(deps().db, deps().redis, now=now)  # issue 24: the Insights page's facts
    gone = missed_turns.purge(deps().db, now=now, days=deps().settings.missed_turns_days)  # R26
    click.echo(f"insights: {rolled} conversations rolled up; {gone} misunderstood turn"
               f"{'' if gone == 1 else 's'} deleted (older than {deps().settings.missed_turns_days} days)")


def _parse_now(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 date or time", param_hint="--now") from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


@click.command("seed-demo", help="Load the demo data set (every rule has a line to try it on).")
@with_appcontext
def seed_demo_cmd() -> None:
    from core.account_data import ImportRefused, import_document

    d = deps()
    doc = demo_document(d.clock().date())
    try:
        counts = import_document(d.db, doc, pin_secret=d.settings.pin_secret)
    except ImportRefused as exc:
        # The demo lines were changed through the bot (a number changed, a line moved):
        # keep what is there rather than stop `dev.py run`; say how to start afresh.
        click.echo(f"demo data: kept as it is, it changed since it was loaded ({exc.errors[0]}); "
                   "delete instance/switchboard.db to start again from the demo set", err=True)
        counts = {"lines": 0, "lines_updated": 0}
    click.echo(f"demo data: {counts['lines']} new lines, {counts['lines_updated']} refreshed")
    _seed_demo_week(d)  # issue 24: a generated week of conversations for the Insights page
    click.echo("demo lines as the database holds them (number, login, PIN, texts/calls from):")
    for row in _demo_lines(d.db, doc):
        click.echo(row)


def _demo_lines(db, doc: dict) -> list[str]:
    """Each demo line as it is now (a number changed or a line cancelled through the bot shows
    so), with the demo set's PIN; a demo line no longer in the database is said to be gone."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from core.models import Account, Line

    pins = {line["login_id"]: line["pin"] for account in doc["accounts"] for line in account["lines"]}
    with db() as s:
        held = {line.login_id: line for line in s.scalars(
            select(Line).where(Line.login_id.in_(pins)).options(selectinload(Line.contacts), selectinload(Line.account)
                                                                 .selectinload(Account.lines)))}
        rows = []
        for login, pin in pins.items():
            line = held.get(login)
            if line is None:
                rows.append(f"  (gone)        {login:<8} no longer in the database")
                continue
            role = " (admin)" if line.is_admin and len(line.account.lines) > 1 else ""
            contacts = ", ".join(c.number for c in line.contacts) or "(no contact numbers)"
            rows.append(f"  {line.number}  {login:<8} PIN {pin:<7} from {contacts}  [{line.status}]{role}")
    return rows


def _seed_demo_week(d) -> None:
    from core.demo_week import seed_week

    week = seed_week(d.db, d.redis, now=d.clock(), secret=d.settings.pin_secret)
    if week.made:
        click.echo(f"demo week: {week.conversations} conversations and {week.missed} misunderstood turns to label "
                   "(console: Insights)")


@click.command("serve", help="Run the web server (gunicorn) on 127.0.0.1.")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--banner", is_flag=True, help="Print how to talk to the bot without a phone.")
def serve_cmd(host: str, port: int, workers: int, banner: bool) -> None:
    from web.server import how_to_talk, run_gunicorn

    settings = deps().settings
    if banner:
        click.echo(how_to_talk(settings, f"http://{host}:{port}"))
    run_gunicorn(current_app._get_current_object(), host=host, port=port, workers=workers,
                 settings=settings)


@click.command("worker", help="Send text receipts (R17) and run the doors' queues (App Store notifications, "
               "R23): an RQ worker on REDIS_URL.")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_cmd(burst: bool) -> None:
    from rq import Queue

    from core import outbox

    _PromptWorker = _prompt_worker_class()
    d = deps()
    if not d.settings.redis_url:
        raise click.ClickException(
            "the worker needs REDIS_URL (the in-process stand-in can't be shared between "
            "processes); without it, `switchboard outbox --send` sends what is queued")
    sender = d.sender()
    if not d.settings.twilio_account_sid:
        click.echo("TWILIO_ACCOUNT_SID is not set: texts are marked 'not sent: no credentials'"
                   + ("" if sender is None else ", and printed here (development)"), err=True)
    outbox.configure_worker(d.db, sender, d.clock)
    queue = Queue(outbox.QUEUE, connection=d.queue_redis)
    queue.enqueue(outbox.sweep_job)  # whatever was queued while no worker ran
    # The doors' own queues (the App Store feed's, R23): each registered (name, sweep job) on the
    # app and is configured here; its sweep runs first for whatever was stored while no worker ran.
    queues = []
    for configure in current_app.extensions.get("switchboard_worker_queues", ()):
        name, sweep = configure(d)
        queues.append(Queue(name, connection=d.queue_redis))
        queues[-1].enqueue(sweep)
    _PromptWorker([*queues, queue], connection=d.queue_redis).work(burst=burst, with_scheduler=not burst)


def _prompt_worker_class():
    from rq import Worker

    class PromptWorker(Worker):
        """RQ's worker, its command channel read every second rather than every minute: RQ
        unsubscribes and then closes that channel while its reader may still be waiting in a
        60-second read (rq/rq#1613), which held a finished `worker --burst` for up to a minute."""

        def subscribe(self) -> None:
            self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
            self.pubsub = self.connection.pubsub()
            self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
            self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=1, daemon=True,
                                                           exception_handler=self._pubsub_exception_handler)

    return PromptWorker


@click.command("outbox", help="The texts the bot sent (receipts, one-time codes, agents' texts, App Store "
               "receipts), newest first, with what Twilio said of their delivery.")
@click.option("--send", is_flag=True, help="Send what is due now, in this process (in development without "
              "TWILIO_ACCOUNT_SID: print each text instead).")
@click.option("--status", default=None, help="Only rows with this outbox status (queued, retry, sent, failed, …).")
@click.option("--failed", is_flag=True, help="Only texts that failed, were not delivered or were suppressed.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
@with_appcontext
def outbox_cmd(send: bool, status: str | None, failed: bool, limit: int) -> None:
    from core import delivery, outbox

    d = deps()
    if send:
        report = outbox.send_due(d.db, d.sender(), d.clock)
        click.echo(f"sent {report.sent}, retry later {report.retried}, failed {report.failed}, "
                   f"suppressed {report.suppressed}, not sent {report.not_sent}")
    rows = delivery.recent(d.db, failed_only=failed, status=status, limit=limit)
    if not rows:
        click.echo("no texts like that" if failed or status else "the outbox is empty")
    for row in rows:
        code = f" {row.error_code}" if row.error_code is not None else ""
        note = f"  ({row.last_error})" if row.last_error else ""
        click.echo(f"#{row.id} {row.created_at:%Y-%m-%d %H:%M} to {row.to_number} [{row.state}{code}; "
                   f"outbox {row.status}, {row.attempts} tries]{note}\n    {row.body}")
