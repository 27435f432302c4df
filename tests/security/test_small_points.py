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


def test_metrics_answer_only_loopback_without_a_token(make_app, deps):
    client = make_app().test_client()
    assert client.get("/metrics").status_code == 200  # on the machine itself
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    # Through a proxy on the same machine: the request is someone else's.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404


def test_metrics_need_the_bearer_token_when_one_is_set(make_app, deps):
    client = make_app(metrics_token="m3tr1cs-t0ken").test_client()
    away = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics").status_code == 401  # loopback too: the token is the rule
    assert client.get("/metrics", environ_base=away, headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", environ_base=away, headers={"Authorization": "Bearer m3tr1cs-t0ken"})
    assert ok.status_code == 200 and b"# HELP" in ok.data


def test_metrics_token_and_callback_countries_are_read_from_the_environment():
    from core.settings import Settings, SettingsError

    s = Settings.from_env({"METRICS_TOKEN": "abc", "CALLBACK_COUNTRIES": "us, ca,GB"})
    assert s.metrics_token == "abc" and s.callback_countries == ("US", "CA", "GB")
    assert Settings.from_env({}).callback_countries == ("US", "CA")
    with pytest.raises(SettingsError):
        Settings.from_env({"CALLBACK_COUNTRIES": "USA"})


def test_a_verified_text_session_lasts_10_minutes_from_the_pin_however_busy(phone, demo, clock):
    dana = phone("+15557770001")
    dana.text("PLANS")
    assert "Unlimited Monthly" in dana.text("1234")
    clock.advance(minutes=9)
    assert "Unlimited Monthly" in dana.text("PLANS")  # still verified: no PIN asked
    clock.advance(minutes=1, seconds=30)  # busy all along, but 10.5 minutes since the PIN
    again = dana.text("PLANS")
    assert "PIN" in again and "Unlimited Monthly" not in again, again
    assert "Unlimited Monthly" in dana.text("1234")

