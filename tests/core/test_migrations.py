"""The migrations build exactly the models' schema, from empty, on this run's database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core import db as dbmod
from core.schema import Base


def test_the_migrated_schema_matches_the_models(db_url):
    engine = dbmod.make_engine(db_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_empty_and_upgrade_again(db_url):
    dbmod.downgrade(db_url, "base")
    engine = dbmod.make_engine(db_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    dbmod.upgrade(db_url)
    engine = dbmod.make_engine(db_url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
