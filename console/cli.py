"""``switchboard agents``: the console's agents from the command line (audited as ``system``)."""

from __future__ import annotations

import secrets
import sys

import click
from flask.cli import AppGroup

from core import agents
from core.agents import AgentError
from web.deps import deps

DEMO_EMAIL = "demo@switchboard.test"


@click.group("agents", cls=AppGroup, help="The support console's agents.")
def agents_group() -> None:
    pass


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True)


def _fail(exc: AgentError) -> None:
    from console.words import ERRORS

    raise click.ClickException(ERRORS.get(exc.reason, exc.reason))


@agents_group.command("add", help="Add an agent (the password from standard input, or asked for).")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(agents.ROLES), default="agent", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--phone", default=None, help="The agent's phone (E.164), rung first on a call back.")
@click.option("--time-zone", default="UTC", show_default=True, help="e.g. America/New_York")
def add_cmd(email: str, name: str, role: str, password_stdin: bool, phone: str | None, time_zone: str) -> None:
    d = deps()
    try:
        agent = agents.add_agent(d.db, email=email, name=name, role=role, password=_password(password_stdin),
                                 phone_number=phone, time_zone=time_zone, now=d.clock())
    except AgentError as exc:
        _fail(exc)
    click.echo(f"added {agent.email} ({agent.name}) as {agent.role}")


@agents_group.command("list", help="Every agent, active first.")
def list_cmd() -> None:
    found = agents.list_agents(deps().db)
    if not found:
        click.echo("no agents yet: switchboard agents add EMAIL --name NAME --role supervisor")
    for a in found:
        click.echo(f"{a.email:<32} {a.name:<24} {a.role:<10} {'active' if a.active else 'disabled':<8} "
                   f"{a.phone or '-':<14} {a.time_zone}")


def _set_active(email: str, active: bool) -> None:
    d = deps()
    try:
        agent = agents.set_active(d.db, email=email, active=active, now=d.clock())
    except AgentError as exc:
        _fail(exc)
    click.echo(f"{'enabled' if active else 'disabled'} {agent.email}")


@agents_group.command("disable", help="Disable an agent and end their sessions.")
@click.argument("email")
def disable_cmd(email: str) -> None:
    _set_active(email, False)


@agents_group.command("enable", help="Enable a disabled agent.")
@click.argument("email")
def enable_cmd(email: str) -> None:
    _set_active(email, True)


@agents_group.command("password", help="Set an agent's password (ends their sessions).")
@click.argument("email")
@click.option("--password-stdin", is_flag=True)
def password_cmd(email: str, password_stdin: bool) -> None:
    d = deps()
    try:
        agents.set_password(d.db, email=email, password=_password(password_stdin), now=d.clock())
    except AgentError as exc:
        _fail(exc)
    click.echo(f"password changed for {email.strip().lower()}")


@agents_group.command("demo", help="Development only: a demo supervisor with a fresh random password, printed.")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True)
def demo_cmd(url: str) -> None:
    d = deps()
    if d.settings.production:
        raise click.ClickException("no demo agent in production: use `switchboard agents add`")
    password = secrets.token_urlsafe(12)
    try:
        agents.add_agent(d.db, email=DEMO_EMAIL, name="Demo Supervisor", role="supervisor", password=password,
                         time_zone="America/New_York", now=d.clock())
    except AgentError as exc:
        if exc.reason != "exists":
            _fail(exc)
        agents.set_password(d.db, email=DEMO_EMAIL, password=password, now=d.clock())
        agents.set_active(d.db, email=DEMO_EMAIL, active=True, now=d.clock())
    click.echo(f"support console: {url.rstrip('/')}/console  sign in as {DEMO_EMAIL}  password {password}")
