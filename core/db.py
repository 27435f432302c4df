"""Engine, sessions and migrations.

One engine per process, built by the app factory. Services take a ``Database`` (a
``sessionmaker`` with what goes with it, each part passed in by whoever builds it) and open
exactly one transaction each (``with db.begin() as session``).
"""

from __future__ import annotations

import select
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

import core.schema  # noqa: F401 - every model mapped before any session is made

if TYPE_CHECKING:  # pragma: no cover
    from core.opt_out_cache import OptOutCache

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            # pysqlite would otherwise issue its own BEGIN; the "begin" event below does it.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        # Take the write lock at BEGIN so that read-then-write transactions serialise
        # (SQLite's stand-in for the row locks PostgreSQL gives us).
        @event.listens_for(engine, "begin")
        def _sqlite_begin_immediate(conn):  # pragma: no cover - trivial
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql"):
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT_S)
        engine = create_engine(url, **kwargs)
        _postgres_timeouts(engine)
        _dead_on_checkout(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


# A pooled connection is checked for life without a round trip. The old pool_pre_ping sent a
# "SELECT 1" before every checkout (one round trip of the database's and the worker's time on
# every lookup: bench/README.md); instead, a connection the database (or anything on the way)
# has closed or reset shows on its socket at once: readable (EOF, or PostgreSQL's "terminating
# connection" message) or in error, where an idle, healthy connection has nothing to read. Such
# a connection is replaced, with every other pooled connection as old as it (a database that
# went away took them all), and the checkout retried on a new one: the request never sees
# it. A peer that vanished without a word (no FIN, no RST) is found by the TCP keepalives
# below within about 4 s and then shows the same way; a statement already on its way fails
# as before (NotApplied / OutcomeUnknown, tests/faults/test_database_down.py).
_DEAD = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


def _dead_on_checkout(engine: Engine) -> None:
    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, _record, _proxy):
        try:
            fd = dbapi_connection.fileno()
        except Exception as error:  # noqa: BLE001 - closed: psycopg raises on a closed connection
            raise exc.InvalidatePoolError(f"pooled connection unusable: {error}") from error
        poller = select.poll()
        poller.register(fd, _DEAD)
        if poller.poll(0):
            raise exc.InvalidatePoolError("pooled connection closed or reset by its peer")


# PostgreSQL: nothing may hold a webhook past Twilio's patience (15 s), and nothing a dead
# client leaves behind may block the next request for long. Coherent as a set:
#   IDLE_IN_TRANSACTION < LOCK_TIMEOUT <= STATEMENT_TIMEOUT.
# - A client that vanished mid-transaction (network cut, process frozen or killed, host
#   gone) leaves its backend "idle in transaction", holding the line's row lock; TCP may
#   never tell the server (no FIN from a dead host; a frozen process's kernel still answers
#   keepalives). idle_in_transaction_session_timeout ends it and releases its locks. A
#   webhook's transactions never pause between statements for more than milliseconds (no
#   network calls inside them: receipts are sent after the commit), so 2 s is far above any
#   real gap. (A 10,000-line import pauses up to ~0.7 s while it checks the file; a batch job
#   that needs longer sets it in DATABASE_URL's options, which win.)
# - A request that finds the row locked waits at most LOCK_TIMEOUT, which outlasts the idle
#   timeout: a lock left by a dead client is released before the waiter gives up, so the
#   retry after a cut goes through instead of failing behind it.
# - The client's side: libpq TCP keepalives and tcp_user_timeout notice a database that is
#   gone (no FIN, no RST) within about 4 s instead of the kernel's 2 hours / 15 minutes;
#   connect_timeout bounds a connect. The server's side does the same for vanished clients
#   (tcp_keepalives_*, tcp_user_timeout: PostgreSQL 12 or later), freeing their slots.
# A webhook's worst case is then a few seconds: a statement sent on a connection whose peer
# vanished in silence (~4 s, tcp_user_timeout) or a refused/timed-out connect (3 s), then one
# wait of at most 5 s.
# A statement a connection has run this many times is prepared on the server: PostgreSQL then
# skips parsing and planning it (a line summary and a caller lookup: 533 -> 153 µs of the
# database's CPU, bench/README.md). Every hot statement is the same text each time (bound
# parameters, built once in core/services.py).
PREPARE_THRESHOLD = 2
CONNECT_TIMEOUT_S = 3
POOL_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 5000
LOCK_TIMEOUT_MS = 4000
IDLE_IN_TRANSACTION_MS = 2000
CLIENT_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 2, "keepalives_interval": 1, "keepalives_count": 2}
CLIENT_TCP_USER_TIMEOUT_MS = 4000
SERVER_SETTINGS = {
    "statement_timeout": STATEMENT_TIMEOUT_MS,
    "lock_timeout": LOCK_TIMEOUT_MS,
    "idle_in_transaction_session_timeout": IDLE_IN_TRANSACTION_MS,
    "tcp_keepalives_idle": 5,
    "tcp_keepalives_interval": 2,
    "tcp_keepalives_count": 3,
    "tcp_user_timeout": 5000,
}


def _libpq_version(dbapi) -> int:
    try:
        return dbapi.pq.version()  # psycopg 3
    except AttributeError:
        try:
            return dbapi.extensions.libpq_version()  # psycopg2
        except AttributeError:
            return 0


def _postgres_timeouts(engine: Engine) -> None:
    """Add the settings above to every new connection. Whatever DATABASE_URL's query or the
    caller's connect_args say wins: the URL's ``options`` come after ours (the last ``-c``
    of a name counts), its other parameters replace ours."""
    ours = " ".join(f"-c {name}={value}" for name, value in SERVER_SETTINGS.items())
    client = {"connect_timeout": CONNECT_TIMEOUT_S, **CLIENT_KEEPALIVES}
    if _libpq_version(engine.dialect.dbapi) >= 120000:  # tcp_user_timeout came in libpq 12
        client["tcp_user_timeout"] = CLIENT_TCP_USER_TIMEOUT_MS
    if engine.dialect.driver == "psycopg":  # psycopg 3: server-side prepared statements
        client["prepare_threshold"] = PREPARE_THRESHOLD

    @event.listens_for(engine, "do_connect")
    def _with_timeouts(_dialect, _record, _cargs, cparams):
        for name, value in client.items():
            cparams.setdefault(name, value)
        cparams["options"] = f"{ours} {cparams['options']}" if cparams.get("options") else ours


class Database(sessionmaker[Session]):
    """The sessions of ``engine`` that change things, and what the services use beside them,
    each given to its constructor (the app factory builds it: wsgi.create_app):

    - ``read_engine`` and ``reader``: for lookups that change nothing, in autocommit on
      PostgreSQL, which saves the BEGIN and ROLLBACK round trips of every lookup (SQLite keeps
      its own transactions: the same engine);
    - ``opt_out_cache``: R16's opt-out answers kept in Redis (core/opt_out_cache.py: read by
      ``services.is_opted_out``, marked by ``set_opt_out``), or None."""

    def __init__(self, engine: Engine, *, opt_out_cache: "OptOutCache | None" = None) -> None:
        super().__init__(engine, expire_on_commit=False)
        autocommit = engine.dialect.name == "postgresql"
        self.read_engine: Engine = engine.execution_options(isolation_level="AUTOCOMMIT") if autocommit else engine
        self.reader: sessionmaker[Session] = (sessionmaker(self.read_engine, expire_on_commit=False)
                                              if autocommit else self)
        self.opt_out_cache: OptOutCache | None = opt_out_cache


def make_sessionmaker(engine: Engine, *, redis=None) -> Database:
    """A ``Database`` of ``engine``; with ``redis``, R16's opt-out answers kept there too."""
    from core.opt_out_cache import OptOutCache

    return Database(engine, opt_out_cache=OptOutCache(redis) if redis is not None else None)


def reader(db: Database) -> sessionmaker[Session]:
    """The sessions for lookups that change nothing (see Database)."""
    return db.reader


def read_engine(db: Database) -> Engine:
    """The engine of lookups that change nothing, for a plain connection (see Database)."""
    return db.read_engine


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)
