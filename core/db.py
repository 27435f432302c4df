"""Engine, sessions and migrations.

One engine per process, built by the app factory. Services take a ``sessionmaker`` and open
exactly one transaction each (``with db.begin() as session``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

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
        # A hung database must not hold a webhook past Twilio's patience (15 s): fail fast,
        # answer the caller, and let the next request reconnect (pool_pre_ping).
        kwargs.setdefault("connect_args", {"connect_timeout": 3,
                                           "options": "-c statement_timeout=5000 -c lock_timeout=4000"})
        kwargs.setdefault("pool_timeout", 5)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    maker = sessionmaker(engine, expire_on_commit=False)
    # Reads that change nothing run in autocommit on PostgreSQL, which saves the BEGIN and
    # ROLLBACK round trips of every lookup. (SQLite keeps its own transactions.)
    maker.reader = (sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
                    if engine.dialect.name == "postgresql" else maker)
    return maker


def reader(db: sessionmaker[Session]) -> sessionmaker[Session]:
    """The sessions for lookups that change nothing (see make_sessionmaker)."""
    return getattr(db, "reader", db)


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
