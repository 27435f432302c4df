"""Agents and sign-in (R22): passwords, the rate limit, sessions, CSRF, supervisors, and the
console and Twilio's webhooks each behind their own check, never the other's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import agents
from core.models import AuditEvent, Escalation
from core.models_console import Agent, AgentSession
from core.settings import Settings, SettingsError
from tests.console.conftest import AGENT, PASSWORD, SUPERVISOR, Console
from tests.helpers import count


def _events(deps, action):
    with deps.db() as s:
        return s.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars().all()


def test_agents_are_added_listed_and_disabled_from_the_command_line(runner, deps):
    added = runner.invoke(args=["agents", "add", "Pat@Example.com", "--name", "Pat Doe", "--role", "supervisor",
                                "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "added pat@example.com (Pat Doe) as supervisor" in added.output
    with deps.db() as s:
        stored = s.execute(select(Agent)).scalar_one()
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    assert "pat@example.com" in runner.invoke(args=["agents", "list"]).output
    again = runner.invoke(args=["agents", "add", "pat@example.com", "--name", "Pat", "--password-stdin"],
                          input=PASSWORD + "\n")
    assert again.exit_code == 1 and "already exists" in again.output
    short = runner.invoke(args=["agents", "add", "kim@example.com", "--name", "Kim", "--password-stdin"],
                          input="short\n")
    assert short.exit_code == 1 and "12 to 200 characters" in short.output
    prompted = runner.invoke(args=["agents", "add", "kim@example.com", "--name", "Kim"],
                             input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    disabled = runner.invoke(args=["agents", "disable", "kim@example.com"])
    assert disabled.exit_code == 0 and "disabled kim@example.com" in disabled.output
    listed = runner.invoke(args=["agents", "list"]).output
    assert "kim@example.com" in listed and "disabled" in listed
    assert [(e.actor, e.channel, e.target) for e in _events(deps, "agent_add")] == [
        ("system", "console", "pat@example.com"), ("system", "console", "kim@example.com")]
    assert len(_events(deps, "agent_disable")) == 1


def test_passwords_are_stored_as_argon2id_with_owasps_parameters(production_hashes, make_agent, deps, console):
    make_agent(AGENT)
    with deps.db() as s:
        stored = s.execute(select(Agent.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and PASSWORD not in stored
    assert console.sign_in(AGENT).status_code == 303
    assert console.sign_in(AGENT, PASSWORD + "!").status_code == 401


def test_the_demo_agent_is_made_for_the_run_command_with_a_fresh_password(runner, console):
    first = runner.invoke(args=["agents", "demo", "--url", "http://127.0.0.1:5000"])
    assert first.exit_code == 0, first.output
    password = first.output.split("password ")[1].split()[0]
    assert "http://127.0.0.1:5000/console  sign in as demo@switchboard.test" in first.output
    second = runner.invoke(args=["agents", "demo"])
    assert password not in second.output  # a new one each run: the old one stops working
    assert console.sign_in("demo@switchboard.test", password).status_code == 401
    assert console.sign_in("demo@switchboard.test", second.output.split("password ")[1].split()[0]).status_code == 303


def test_sign_in_opens_the_queue_with_a_secure_cookie_and_is_audited(console, agent, deps):
    page = console.get("/console")
    assert page.status_code == 303 and "/console/login" in page.headers["Location"]
    resp = console.sign_in(AGENT)
    assert resp.status_code == 303 and resp.headers["Location"] == "/console"
    [cookie] = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("sb_console=")]
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/console"):
        assert attribute in cookie
    with console.client.session_transaction("/console") as s:
        token = s["sid"]
    with deps.db() as s:
        stored = s.execute(select(AgentSession.id)).scalar_one()
    assert token not in stored and len(stored) == 64  # only the token's hash
    queue = console.get("/console")
    assert queue.status_code == 200 and "No open cases" in queue.get_data(as_text=True)
    [event] = _events(deps, "console_sign_in")
    assert (event.actor, event.actor_id, event.channel, event.outcome) == ("agent", AGENT, "console", "ok")


def test_a_wrong_sign_in_says_the_same_whatever_was_wrong(console, agent):
    for email, password in [(AGENT, "wrong password here"), ("nobody@example.com", PASSWORD), ("", "")]:
        resp = console.sign_in(email, password)
        assert resp.status_code == 401
        assert "don&#39;t match an active agent" in resp.get_data(as_text=True)


def test_a_disabled_agent_is_signed_out_and_cannot_sign_in(console_as, console, agent, supervisor, deps, clock):
    signed_in = console_as(AGENT)
    agents.set_active(deps.db, email=AGENT, active=False, now=clock())
    resp = signed_in.get("/console")
    assert resp.status_code == 303 and "why=ended" in resp.headers["Location"]
    assert console.sign_in(AGENT).status_code == 401


def test_sign_in_is_limited_to_five_tries_an_email_in_15_minutes_even_with_the_right_password(console, agent, deps,
                                                                                               clock):
    for _ in range(5):
        assert console.sign_in(AGENT, "not the password!").status_code == 401
    limited = console.sign_in(AGENT)
    assert limited.status_code == 429 and "Too many sign-in attempts" in limited.get_data(as_text=True)
    assert [e.outcome for e in _events(deps, "console_sign_in")] == ["refused"] * 5 + ["rate_limited"]
    clock.advance(minutes=15)
    for _ in range(6):  # a right password gives its try back
        assert console.sign_in(AGENT).status_code == 303


def test_a_session_ends_after_30_idle_minutes_or_12_hours_and_on_sign_out(console_as, agent, deps, clock):
    c = console_as(AGENT)
    clock.advance(minutes=29)
    assert c.get("/console").status_code == 200
    clock.advance(minutes=31)
    resp = c.get("/console")
    assert resp.status_code == 303 and "why=expired" in resp.headers["Location"]
    assert "Your session expired" in c.get(resp.headers["Location"]).get_data(as_text=True)
    c = console_as(AGENT)
    for _ in range(24):
        clock.advance(minutes=29)
        assert c.get("/console/queue/rows").status_code == 200
    clock.advance(minutes=29)
    assert c.get("/console/queue/rows").status_code == 401  # past 12 hours, however busy
    c = console_as(AGENT)
    c.get("/console")
    assert c.post("/console/logout").status_code == 303
    assert c.get("/console").status_code == 303
    assert count(deps, AgentSession, AgentSession.ended_at.is_(None)) == 0
    assert [e.action for e in _events(deps, "console_sign_out")] == ["console_sign_out"]


def test_every_form_needs_its_csrf_token(console_as, console, agent, deps, phone, demo):
    console.get("/console/login")
    assert console.post("/console/login", {"email": AGENT, "password": PASSWORD}, token=False).status_code == 400
    phone("+15557770001").text("AGENT")
    c = console_as(AGENT)
    for token in (None, "forged-token"):
        data = {} if token is None else {"csrf_token": token}
        resp = c.post("/console/cases/1/claim", data, token=False)
        assert resp.status_code == 400 and "nothing was" in resp.get_data(as_text=True)
    resp = c.post("/console/cases/1/claim", headers={"Origin": "https://evil.example"})
    assert resp.status_code == 400
    with deps.db() as s:
        assert s.get(Escalation, 1).state == "new"
    assert c.post("/console/cases/1/claim").status_code == 303
    with deps.db() as s:
        assert s.get(Escalation, 1).state == "claimed"


def test_twilio_signatures_never_open_the_console_and_a_session_never_opens_a_webhook(console_as, agent, twilio,
                                                                                       demo):
    signed = twilio.post("/console", {"From": "+15557770001"})
    assert signed.status_code in (303, 405)
    got = twilio.client.get("/console", headers={"X-Twilio-Signature": "anything"})
    assert got.status_code == 303 and "/console/login" in got.headers["Location"]
    c = console_as(AGENT)
    unsigned = c.client.post("/sms", data={"From": "+15557770001", "Body": "HELP", "MessageSid": "SM1"})
    assert unsigned.status_code == 403
    assert c.client.post("/voice/callback", data={"CallSid": "CA1"}).status_code == 403
    assert twilio.post("/sms", {"From": "+15557770001", "Body": "HELP", "MessageSid": "SM2",
                                "To": "+15550109000"}).status_code == 200


def test_an_agent_cannot_manage_agents_and_a_supervisor_can(console_as, agent, supervisor, deps):
    a = console_as(AGENT)
    assert a.get("/console/agents").status_code == 403
    assert a.post("/console/agents", {"email": "x@example.com", "name": "X", "password": PASSWORD}).status_code == 403
    assert "Agents</a>" not in a.get("/console").get_data(as_text=True)
    s = console_as(SUPERVISOR)
    assert s.get("/console/agents").status_code == 200
    resp = s.post("/console/agents", {"email": "new@example.com", "name": "New Person", "role": "agent",
                                      "password": PASSWORD})
    assert resp.status_code == 303
    with deps.db() as db:
        new = db.execute(select(Agent).where(Agent.email == "new@example.com")).scalar_one()
    assert s.post(f"/console/agents/{new.id}/disable").status_code == 303
    assert agents.get_agent(deps.db, new.id).active is False
    me = agents.list_agents(deps.db)[0]
    assert s.post(f"/console/agents/{supervisor.id}/disable").status_code == 303
    assert agents.get_agent(deps.db, supervisor.id).active is True, me
    [added] = _events(deps, "agent_add")[-1:]
    assert (added.actor, added.actor_id, added.channel) == ("agent", SUPERVISOR, "console")
    activity = s.get("/console/agents").get_data(as_text=True)  # a supervisor sees the console's own trail
    assert "disabled agent new@example.com" in activity and "signed in" in activity


def test_sign_in_returns_to_the_console_page_asked_for_and_never_elsewhere(app, agent):
    for target in ("https://evil.example/", "//evil.example/console", "/voice", "/console/login", "/\\evil.example",
                   "/console?view=done"):
        console = Console(app.test_client())
        console.get("/console/login?next=" + target)
        resp = console.post("/console/login", {"email": AGENT, "password": PASSWORD, "next": target})
        assert resp.headers["Location"] == ("/console?view=done" if target.startswith("/console?") else "/console")


def test_production_refuses_to_start_without_a_secret_key():
    env = {"SWITCHBOARD_ENV": "production", "TWILIO_AUTH_TOKEN": "t" * 32, "PIN_SECRET": "p" * 32,
           "DATABASE_URL": "postgresql+psycopg://db/x", "REDIS_URL": "redis://r", "PUBLIC_BASE_URL": "https://x.example"}
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "SECRET_KEY": "s" * 40}).secret_key == "s" * 40


def test_flask_wtf_is_imported_at_the_first_console_form_not_with_the_app(settings):
    """A web worker that answers only webhooks never loads Flask-WTF, WTForms or Babel (about
    1.2 MB: bench/README.md, "Memory a worker"); the console's first form loads it and carries
    its token, and a POST without one is still refused with the console's page."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys, wsgi\n"
        "app = wsgi.create_app()\n"
        "lazy = ('flask_wtf', 'wtforms', 'babel')\n"
        "print(sorted(m for m in lazy if m in sys.modules))\n"
        "c = app.test_client()\n"
        "assert c.get('/healthz').status_code == 200\n"
        "print(sorted(m for m in lazy if m in sys.modules))\n"
        "page = c.get('/console/login', base_url='https://localhost').get_data(as_text=True)\n"
        "print(sorted(m for m in lazy if m in sys.modules))\n"
        "print(len(page.split('name=\"csrf_token\" value=\"')[1].split('\"')[0]))\n"
        "refused = c.post('/console/login', base_url='https://localhost', data={'email': 'a@b.c', 'password': 'x'})\n"
        "print(refused.status_code, 'The form expired' in refused.get_data(as_text=True))\n"
    )
    env = {**os.environ, "DATABASE_URL": settings.database_url, "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert out.returncode == 0, out.stderr
    at_start, after_webhook, after_form, token, refused = out.stdout.splitlines()[-5:]
    assert at_start == after_webhook == "[]"
    assert after_form == "['babel', 'flask_wtf', 'wtforms']"
    assert int(token) > 20, token  # Flask-WTF's signed token
    assert refused == "400 True"
