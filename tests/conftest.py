"""Fixtures: the real stack on TEST_DATABASE_URL / TEST_REDIS_URL (PostgreSQL and Redis in
CI), or a temporary SQLite file and the in-process Redis stand-in on a fresh laptop.

Only the clock is replaced (and, where a test says so, the outbound text sender).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import text
from twilio.request_validator import RequestValidator

from core import db as dbmod
from core.demo import demo_document
from core.schema import ALL_TABLES, Base
from core.settings import Settings
from core.account_data import import_document

TEST_TOKEN = "test-auth-token-5f1c0a"
TEST_PIN_SECRET = "test-pin-secret"
START = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.timezone.utc)


class Clock:
    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'switchboard-test.db'}"
    engine = dbmod.make_engine(url)
    with engine.begin() as conn:  # from empty, every run
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    dbmod.upgrade(url)
    return url


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    return os.environ.get("TEST_REDIS_URL") or None


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(db_url, redis_url) -> Settings:
    return Settings(database_url=db_url, redis_url=redis_url, twilio_auth_token=TEST_TOKEN,
                    pin_secret=TEST_PIN_SECRET, brand_name="Second Line",
                    support_number="+15550109999")


_SEQUENCES: dict[str, list[str]] = {}


def _clean(engine, client) -> None:
    """Every table emptied and every id counter back at 1. On PostgreSQL by DELETE (children
    first) and ALTER SEQUENCE: a TRUNCATE of the twenty tables costs ~100 ms a test, these ~5."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            url = str(engine.url)
            if url not in _SEQUENCES:
                _SEQUENCES[url] = list(conn.execute(text(
                    "SELECT sequence_name FROM information_schema.sequences "
                    "WHERE sequence_schema = current_schema()")).scalars())
            conn.execute(text("; ".join([*(f"DELETE FROM {t.name}" for t in reversed(Base.metadata.sorted_tables)),
                                         *(f"ALTER SEQUENCE {seq} RESTART" for seq in _SEQUENCES[url])])))
        else:
            for table in ALL_TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
    client.flushdb()


@pytest.fixture
def app(settings, clock):
    from wsgi import create_app

    app = create_app(settings, clock=clock)
    app.config["TESTING"] = True
    deps = app.extensions["switchboard"]
    _clean(deps.engine, deps.redis)
    yield app
    _clean(deps.engine, deps.redis)
    deps.close()


@pytest.fixture
def make_app(settings, clock):
    """Another server process's app (same database and Redis unless overridden)."""
    from wsgi import create_app

    made = []

    def make(**overrides):
        app = create_app(settings.with_(**overrides) if overrides else settings, clock=clock)
        made.append(app)
        return app
    yield make
    for app in made:
        app.extensions["switchboard"].close()


@pytest.fixture
def deps(app):
    return app.extensions["switchboard"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_SNAPSHOTS: dict[tuple[str, dt.date], tuple[list, dict[str, tuple[int, bool]]]] = {}


def _import_demo(deps, day: dt.date) -> None:
    """The demo document imported (core.account_data), once a session for each database and
    day; after that, its rows written back as they were (one statement a table, ~5 ms instead
    of the import's ~100 ms), the id counters of the tables it fills where the import left them."""
    key = (str(deps.engine.url), day)
    if not _empty(deps.engine, Base.metadata.sorted_tables):
        # the test wrote before the demo (an agent, say): the import itself, on top of that
        import_document(deps.db, demo_document(day), pin_secret=TEST_PIN_SECRET)
        return
    if key not in _SNAPSHOTS:
        import_document(deps.db, demo_document(day), pin_secret=TEST_PIN_SECRET)
        with deps.engine.connect() as conn:
            tables = [(t, [dict(r) for r in conn.execute(t.select()).mappings()]) for t in Base.metadata.sorted_tables]
            counters = {}
            if deps.engine.dialect.name == "postgresql":
                for table, rows in tables:
                    if rows and f"{table.name}_id_seq" in _SEQUENCES[str(deps.engine.url)]:
                        counters[f"{table.name}_id_seq"] = tuple(conn.execute(
                            text(f"SELECT last_value, is_called FROM {table.name}_id_seq")).one())
        _SNAPSHOTS[key] = ([(t, rows) for t, rows in tables if rows], counters)
        return
    tables, counters = _SNAPSHOTS[key]
    with deps.engine.begin() as conn:
        for table, rows in tables:
            conn.execute(table.insert(), rows)
        for seq, (value, called) in counters.items():
            conn.execute(text("SELECT setval(:seq, :value, :called)"), {"seq": seq, "value": value, "called": called})


def _empty(engine, tables) -> bool:
    with engine.connect() as conn:
        return not conn.execute(text(" UNION ALL ".join(
            f"SELECT 1 WHERE EXISTS (SELECT 1 FROM {t.name})" for t in tables))).first()


@pytest.fixture
def demo(deps, clock):
    doc = demo_document(clock().date())
    _import_demo(deps, clock().date())
    return doc


def sign(url: str, params: dict, token: str = TEST_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


class Twilio:
    """Posts to the app exactly as Twilio does: form-encoded and signed."""

    def __init__(self, client, base: str = "http://localhost") -> None:
        self.client = client
        self.base = base

    def post(self, path: str, data: dict, *, signature: str | None = None, headers=None, **kw):
        url = self.base + path
        sig = sign(url, data) if signature is None else signature
        return self.client.post(path, data=data, headers={"X-Twilio-Signature": sig, **(headers or {})},
                                base_url=self.base, **kw)


@pytest.fixture
def twilio(client):
    return Twilio(client)


@pytest.fixture
def phone(twilio):
    from tests.clients import Phone

    def make(number: str) -> "Phone":
        return Phone(twilio, number)
    return make


@pytest.fixture
def call(app):
    from ivr.simulate import CallSimulator, scripted
    from tests.clients import CheckedTransport

    def make(caller: str, answers: list[str], *, path: str = "/voice", extra=None, apps=None, to="+15550109000"):
        transport = CheckedTransport(apps or [app])
        sim = CallSimulator(transport, caller, to, scripted(answers))
        transcript = sim.run(path, extra)
        transcript.sim = sim
        transcript.transport = transport
        return transcript
    return make


@pytest.fixture
def silent():
    """A port that accepts TCP connections and never says a word (a hung database or Redis)."""
    import socket

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    yield srv.getsockname()[1]
    srv.close()


@pytest.fixture(scope="session")
def twilio_api():
    """One local stand-in of Twilio's REST API for the session (each user resets it)."""
    from tests.twilio_api import TwilioApiStandIn

    with TwilioApiStandIn() as api:
        yield api
