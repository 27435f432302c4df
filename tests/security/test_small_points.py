"""Issue 23, item 10: the smaller points, each on the real stack."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.mark.parametrize("micro", [1, 123457, 999999, 500001])
def test_a_lock_says_15_min_not_16_R9(phone, demo, clock, micro):
    clock.now = clock.now.replace(microsecond=micro)
    p = phone("+15557770003")
    p.text("PLANS")
    said = [p.text(f"{8100 + i}") for i in range(5)]
    assert "locked for 15 min" in said[-1], said[-1]
    clock.advance(seconds=1)
    p.text("PLANS")
    again = p.text("8199")
    assert "locked for 15 min" in again, again


def _help(app) -> str:
    from tests.clients import Phone
    from tests.conftest import Twilio

    return Phone(Twilio(app.test_client()), "+15557770001").text("HELP")


def test_help_is_answered_while_redis_is_down(make_app, deps, demo):
    from tests.helpers import free_port

    with_redis = _help(make_app())
    assert "AGENT" in with_redis
    without = _help(make_app(redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    assert without == with_redis


def test_help_is_answered_with_neither_redis_nor_the_database(make_app, deps, demo, settings):
    from sqlalchemy.engine import make_url

    from tests.helpers import free_port

    if not settings.database_url.startswith("postgresql"):
        pytest.skip("a database that refuses connections: PostgreSQL's URL on a closed port")
    dead_db = make_url(settings.database_url).set(port=free_port()).render_as_string(hide_password=False)
    expected = _help(make_app())
    assert _help(make_app(redis_url=f"redis://127.0.0.1:{free_port()}/0", database_url=dead_db)) == expected
    assert _help(make_app(database_url=dead_db)) == expected
