"""Fixtures of the console's tests: agents, a signed-in test client, Twilio's REST API stand-in,
and for the browser tests a real server (werkzeug, threaded, on 127.0.0.1 and a free port)
over the suite's app, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import re
import threading

import pytest
from werkzeug.serving import make_server

from core import agents

ACCOUNT_SID = "AC" + "c0" * 16
PASSWORD = "correct horse battery"
SUPERVISOR = "sam.super@example.com"
AGENT = "alex.agent@example.com"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch, request):
    """argon2id at its production cost takes a fifth of a second on a busy CI machine, and
    these tests sign in a lot: the same hash with a small memory cost. One test checks the
    production parameters (it asks for ``production_hashes``)."""
    if "production_hashes" in request.fixturenames:
        return
    from argon2 import PasswordHasher

    monkeypatch.setattr(agents, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(agents, "_NO_AGENT", [])


@pytest.fixture
def production_hashes():
    return agents.ARGON2


@pytest.fixture
def settings(settings, twilio_api):
    """The suite's settings, with REST credentials pointing at the stand-in."""
    twilio_api.reset()
    return settings.with_(twilio_account_sid=ACCOUNT_SID, twilio_api_base=twilio_api.url)


@pytest.fixture
def make_agent(deps, clock):
    def make(email: str = AGENT, role: str = "agent", name: str | None = None, **kw) -> agents.AgentView:
        return agents.add_agent(deps.db, email=email, name=name or email.split("@")[0].replace(".", " ").title(),
                                role=role, password=PASSWORD, now=clock(), **kw)
    return make


@pytest.fixture
def supervisor(make_agent):
    return make_agent(SUPERVISOR, "supervisor", phone_number="+15550107777", time_zone="America/New_York")


@pytest.fixture
def agent(make_agent):
    return make_agent(AGENT, "agent", phone_number="+15550108888", time_zone="America/Chicago")


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Console:
    """A browser stand-in for HTTP tests: keeps the cookie, sends each form's CSRF token."""

    def __init__(self, client) -> None:
        self.client = client
        self.token = None

    def get(self, path: str, **kw):
        resp = self.client.get(path, **kw)
        found = CSRF.search(resp.get_data(as_text=True)) if resp.mimetype == "text/html" else None
        if found:
            self.token = found.group(1)
        return resp

    def post(self, path: str, data: dict | None = None, *, token: bool = True, **kw):
        if self.token is None:
            self.get("/console/login")
        form = dict(data or {})
        if token:
            form.setdefault("csrf_token", self.token)
        return self.client.post(path, data=form, **kw)

    def sign_in(self, email: str, password: str = PASSWORD):
        self.get("/console/login")
        resp = self.post("/console/login", {"email": email, "password": password})
        self.get("/console")
        return resp


@pytest.fixture
def console(app):
    return Console(app.test_client())


@pytest.fixture
def console_as(app):
    def make(email: str) -> Console:
        c = Console(app.test_client())
        resp = c.sign_in(email)
        assert resp.status_code == 303, resp.get_data(as_text=True)
        return c
    return make


# Browser tests --------------------------------------------------------------------------------
@pytest.fixture
def live_server(app):
    """The suite's app (its database, Redis and clock) served on 127.0.0.1."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright's own download can't be reached here), as root."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need {CHROMIUM} (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run"]}


@pytest.fixture(scope="session")
def base_url():
    """pytest-playwright's own ``base_url`` (without pytest-base-url) is a fixture pytest 9
    deprecates (warnings are errors here); the tests give full URLs anyway."""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}}


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/console/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
