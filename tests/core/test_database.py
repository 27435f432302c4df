"""The services' database is given what goes with it by whoever builds it (issue 20: nothing
rides on the sessionmaker): the lookups' sessions and R16's kept opt-out answers."""

from __future__ import annotations

import datetime as dt

from core import opt_out_cache, services
from core.db import Database, make_engine
from core.opt_out_cache import OptOutCache
from core.services import Request

NUMBER = "+15558880177"


def test_the_app_factory_gives_the_database_its_opt_out_cache_and_its_lookups(deps):
    assert isinstance(deps.db, Database) and isinstance(deps.db.opt_out_cache, OptOutCache)
    if deps.engine.dialect.name == "postgresql":  # lookups in autocommit: no BEGIN/ROLLBACK round trips
        assert deps.db.read_engine.get_execution_options()["isolation_level"] == "AUTOCOMMIT"
        assert deps.db.reader.kw["bind"] is deps.db.read_engine


def test_without_an_opt_out_cache_the_database_answers_alone_R16(deps, settings):
    engine = make_engine(settings.database_url)
    try:
        db = Database(engine)
        assert db.opt_out_cache is None
        assert services.is_opted_out(db, NUMBER) is False
        assert deps.redis.get(opt_out_cache.PREFIX + NUMBER) is None  # nothing kept: none was given
        services.set_opt_out(db, NUMBER, True, now=dt.datetime(2026, 12, 6, tzinfo=dt.timezone.utc),
                             req=Request(channel="sms", request_id="SMdb1"))
        assert services.is_opted_out(db, NUMBER) is True
        assert services.is_opted_out(deps.db, NUMBER) is True  # the app's, through its own cache
    finally:
        engine.dispose()


def test_the_cache_given_is_the_one_that_keeps_the_answer_R16(deps, settings):
    engine = make_engine(settings.database_url)
    try:
        db = Database(engine, opt_out_cache=OptOutCache(deps.redis))
        assert services.is_opted_out(db, NUMBER) is False
        assert deps.redis.get(opt_out_cache.PREFIX + NUMBER) == opt_out_cache.SUBSCRIBED
    finally:
        engine.dispose()
