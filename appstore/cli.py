"""``switchboard appstore``: replay a saved notification, and the feed's status."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from core import appstore
from core.appstore_verify import NotificationRefused, StoreUnavailable, verifier_for
from web.deps import deps


@click.group("appstore", cls=AppGroup, help="App Store Server Notifications (R23).")
def appstore_group() -> None:
    pass


@appstore_group.command("replay", help="Apply a saved notification (Apple's JSON body, or the bare JWS) "
                        "now, in this process: verified again, stored once, applied once.")
@click.argument("file", type=click.File("r", encoding="utf-8"), required=False)
@click.option("--uuid", default=None, help="Instead of FILE: a notification already stored (one that "
              "named no known plan, or failed), applied again.")
def replay_cmd(file, uuid: str | None) -> None:
    from appstore.wording import receipt_for

    d = deps()
    if (file is None) == (uuid is None):
        raise click.UsageError("give FILE or --uuid")
    receipt = receipt_for(d.settings.brand_name, d.receipt_text)
    if uuid is not None:
        try:
            status = appstore.apply_notification(d.db, uuid, now=d.clock(), receipt=receipt)
        except LookupError:
            raise click.ClickException(f"no notification {uuid} is stored") from None
        except Exception as exc:  # noqa: BLE001 - the database failed: nothing half-applied, try again
            raise click.ClickException(f"{uuid}: not applied ({type(exc).__name__}: {exc}); "
                                       "try again") from None
        click.echo(f"{uuid}: {status}")
    else:
        try:
            done = appstore.replay(d.db, lambda: verifier_for(d.settings), file.read(), now=d.clock(),
                                   receipt=receipt)
        except NotificationRefused as exc:
            raise click.ClickException(f"{file.name}: refused ({exc.reason}); nothing changed") from None
        except StoreUnavailable as exc:
            raise click.ClickException(f"{file.name}: can't verify now ({exc.reason}); nothing changed") from None
        status = done.status
        click.echo(f"{done.uuid} {done.type}: {'stored now' if done.stored else 'already stored'}; {status}")
    if status == "applied":
        from core import outbox

        outbox.kick(d.queue_redis)


@appstore_group.command("status", help="The last notification received, what failed, what matched no plan.")
def status_cmd() -> None:
    d = deps()
    try:
        verifier_for(d.settings)
        configured = "configured ({}, online checks {})".format(
            d.settings.appstore_environment, "on" if d.settings.appstore_online_checks else "off")
    except StoreUnavailable as exc:
        configured = f"NOT configured: {exc.reason} (the endpoint answers 503)"
    s = appstore.status(d.db, now=d.clock())
    click.echo(f"feed: {configured}")
    last = s["last"]
    if last is None:
        click.echo("last notification: none received")
    else:
        click.echo(f"last notification: {last['received_at']:%Y-%m-%d %H:%M:%S} {_one(last)}")
    counts = ", ".join(f"{k} {v}" for k, v in sorted(s["counts"].items())) or "none"
    click.echo(f"notifications: {counts}")
    click.echo(f"refused deliveries in the last day: {s['refused_last_day']}"
               + (f" (last: {s['last_refused']['reason']} at {s['last_refused']['at']:%Y-%m-%d %H:%M:%S})"
                  if s["last_refused"] else ""))
    for row in s["failing"]:
        click.echo(f"failing: {_one(row)}, {row['attempts']} attempts: {row['last_error']}")
    for row in s["unknown_transactions"]:
        click.echo(f"no plan has transaction {row['original_transaction_id']}: {_one(row)} "
                   "(import the plan with it, then replay)")


def _one(row: dict) -> str:
    kind = row["type"] + (f"/{row['subtype']}" if row["subtype"] else "")
    return f"{row['uuid']} {kind} [{row['status']}{', ' + row['reason'] if row['reason'] else ''}]"
