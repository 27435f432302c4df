"""Settings from the environment (CONTRACT.md)."""

from __future__ import annotations

import pytest

from core.settings import DEV_AUTH_TOKEN, Settings, SettingsError

PROD = {"SWITCHBOARD_ENV": "production", "TWILIO_AUTH_TOKEN": "t" * 32, "PIN_SECRET": "s" * 32,
        "DATABASE_URL": "postgresql+psycopg://db/sb", "REDIS_URL": "redis://r:6379/0",
        "PUBLIC_BASE_URL": "https://support.example.com", "SECRET_KEY": "k" * 32}


def test_development_defaults():
    s = Settings.from_env({})
    assert s.twilio_auth_token == DEV_AUTH_TOKEN and s.redis_url is None
    assert s.database_url.startswith("sqlite:///") and s.env == "development"


@pytest.mark.parametrize("missing", ["TWILIO_AUTH_TOKEN", "PIN_SECRET", "DATABASE_URL", "REDIS_URL",
                                     "PUBLIC_BASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PROD.items() if k != missing}
    with pytest.raises(SettingsError) as exc:
        Settings.from_env(env)
    message = str(exc.value)
    assert missing in message and "\n" not in message


def test_production_refuses_the_development_token():
    with pytest.raises(SettingsError):
        Settings.from_env({**PROD, "TWILIO_AUTH_TOKEN": DEV_AUTH_TOKEN})


def test_production_requires_an_https_public_base_url():
    with pytest.raises(SettingsError) as exc:
        Settings.from_env({**PROD, "PUBLIC_BASE_URL": "http://support.example.com"})
    message = str(exc.value)
    assert "PUBLIC_BASE_URL" in message and "https" in message and "\n" not in message


@pytest.mark.parametrize("value", ["support.example.com", "https://", "ftp://support.example.com",
                                   "https://support.example.com/hooks?x=1", "https://support.example.com/#top"])
def test_a_public_base_url_that_is_not_a_base_url_stops_start_up(value):
    with pytest.raises(SettingsError) as exc:
        Settings.from_env({"PUBLIC_BASE_URL": value})
    assert "PUBLIC_BASE_URL" in str(exc.value) and "\n" not in str(exc.value)


def test_development_may_use_a_plain_http_public_base_url():
    s = Settings.from_env({"PUBLIC_BASE_URL": "http://abc.ngrok.example/hooks/"})
    assert s.public_base_url == "http://abc.ngrok.example/hooks"


def test_proxy_hops_default_to_none_trusted():
    assert Settings.from_env({}).proxy_hops == 0
    assert Settings.from_env({"PROXY_HOPS": "2"}).proxy_hops == 2


@pytest.mark.parametrize("value", ["-1", "one", "1.5", "1/2"])
def test_unreadable_proxy_hops_stop_start_up(value):
    with pytest.raises(SettingsError) as exc:
        Settings.from_env({"PROXY_HOPS": value})
    assert "PROXY_HOPS" in str(exc.value) and "\n" not in str(exc.value)


def test_production_with_everything_set():
    s = Settings.from_env({**PROD, "PUBLIC_BASE_URL": "https://x.example/", "BRAND_NAME": "Plum"})
    assert s.production and s.public_base_url == "https://x.example" and s.brand_name == "Plum"


def test_several_workers_are_refused_without_redis():
    from web.server import SingleProcessOnly, refuse_several_workers_without_redis

    with pytest.raises(SingleProcessOnly):
        refuse_several_workers_without_redis(2, Settings.from_env({}))
    refuse_several_workers_without_redis(1, Settings.from_env({}))
    refuse_several_workers_without_redis(4, Settings.from_env({"REDIS_URL": "redis://x"}))


def test_unreadable_support_hours_stop_start_up():
    with pytest.raises(SettingsError, match="SUPPORT_HOURS"):
        Settings.from_env({"SUPPORT_HOURS": "weekdays"})
