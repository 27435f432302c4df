"""Settings read from the environment, exactly as CONTRACT.md names them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from core.voice_settings import Speech

DEV_AUTH_TOKEN = "dev-auth-token-0123456789abcdef"
DEV_PIN_SECRET = "dev-pin-secret-not-for-production"
DEV_SECRET_KEY = "dev-secret-key-not-for-production"
DEFAULT_BRAND = "Second Line"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(SystemExit):
    """Start-up is refused; the message is one line naming what is wrong."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None = None
    twilio_auth_token: str = DEV_AUTH_TOKEN
    twilio_account_sid: str | None = None
    public_base_url: str | None = None
    support_number: str | None = None
    brand_name: str = DEFAULT_BRAND
    pin_secret: str = DEV_PIN_SECRET
    env: str = "development"
    # Beyond the contract: when people answer transfers ("mon-fri 09:00-17:00 America/New_York";
    # unset: always), and where the Twilio REST API is (a local stand-in in tests).
    support_hours: str | None = None
    twilio_api_base: str | None = None
    # Rate limits (count, seconds): texts from one sender, new calls from one caller ID.
    sms_rate_limit: tuple[int, int] = (20, 60)
    call_rate_limit: tuple[int, int] = (6, 600)
    # How many reverse proxies in front of gunicorn append X-Forwarded-*; 0: those headers
    # are the client's and are ignored (web/server.py's edge).
    proxy_hops: int = 0
    # The support console (issue: agents): signs its sessions and CSRF tokens.
    secret_key: str = DEV_SECRET_KEY
    # App Store Server Notifications V2 (R23): trusted roots (DER paths), what a notification
    # must carry, and whether certificates are checked online (OCSP).
    appstore_root_certs: tuple[str, ...] = ()
    appstore_bundle_id: str | None = None
    appstore_app_apple_id: int | None = None
    appstore_environment: str | None = None
    appstore_online_checks: bool = True
    # R26: how many days the misunderstood turns are kept (core.missed_turns).
    missed_turns_days: int = 30
    # Voices and speech recognition for calls (VOICE_EN, VOICE_ES, SPEECH_MODEL, SPEECH_TIMEOUT,
    # SPEECH_ENHANCED): only combinations Twilio documents (core/voice_settings.py).
    speech: Speech = field(default_factory=Speech)
    # Issue 15 (a real Twilio account): who sends the texts the bot starts (receipts, codes, an
    # agent's instruction, App Store receipts): a Messaging Service when set (preferred: its
    # sender pool, sticky sender, Advanced Opt-Out), else this From number; and who answers
    # consent words (R16): the app ("app") or Twilio's own opt-out handling ("twilio").
    twilio_from_number: str | None = None
    twilio_messaging_service_sid: str | None = None
    opt_out_managed_by: str = "app"
    # Issue 23: /metrics needs ``Authorization: Bearer METRICS_TOKEN``; unset, it answers
    # loopback only (never through a proxy). The countries a caller may ask to be called back
    # in and an agent may dial or text (CALLBACK_COUNTRIES, ISO codes; core/phone.py's
    # ``outbound_refusal``): premium-rate, shared-cost and short numbers never.
    metrics_token: str | None = None
    callback_countries: tuple[str, ...] = ("US", "CA")

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def uses_dev_token(self) -> bool:
        return self.twilio_auth_token == DEV_AUTH_TOKEN

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        mode = (get("SWITCHBOARD_ENV") or "development").lower()
        if mode not in ("development", "production"):
            raise SettingsError(
                f"switchboard: SWITCHBOARD_ENV must be 'development' or 'production', not {mode!r}"
            )
        if mode == "production":
            # Without PUBLIC_BASE_URL the signed URL would be rebuilt from the request's own
            # Host header, which is the client's to choose.
            for name in ("TWILIO_AUTH_TOKEN", "PIN_SECRET", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL"):
                if not get(name):
                    raise SettingsError(
                        f"switchboard: {name} must be set when SWITCHBOARD_ENV=production"
                    )
            if not get("SECRET_KEY") or get("SECRET_KEY") == DEV_SECRET_KEY:
                raise SettingsError("switchboard: SECRET_KEY must be set (not the development key) "
                                    "when SWITCHBOARD_ENV=production")
            if get("TWILIO_AUTH_TOKEN") == DEV_AUTH_TOKEN or get("PIN_SECRET") == DEV_PIN_SECRET:
                raise SettingsError(
                    "switchboard: the development TWILIO_AUTH_TOKEN/PIN_SECRET is refused in production"
                )
        public_base_url = _base_url(get("PUBLIC_BASE_URL"), https=mode == "production")
        sender = _sender(get("TWILIO_FROM_NUMBER"), get("TWILIO_MESSAGING_SERVICE_SID"))
        if mode == "production" and get("TWILIO_ACCOUNT_SID") and sender == (None, None):
            raise SettingsError("switchboard: TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER must be set "
                                "when TWILIO_ACCOUNT_SID is (texts need a sender) and SWITCHBOARD_ENV=production")
        managed_by = (get("OPT_OUT_MANAGED_BY") or "app").lower()
        if managed_by not in ("app", "twilio"):
            raise SettingsError(f"switchboard: OPT_OUT_MANAGED_BY must be 'app' or 'twilio', not {managed_by!r}")
        from core.hours import BadHours, parse_hours

        try:
            parse_hours(get("SUPPORT_HOURS"))
        except BadHours as exc:
            raise SettingsError(f"switchboard: {exc}") from exc
        speech = _speech(get)
        return cls(
            database_url=get("DATABASE_URL") or default_database_url(),
            redis_url=get("REDIS_URL"),
            twilio_auth_token=get("TWILIO_AUTH_TOKEN") or DEV_AUTH_TOKEN,
            twilio_account_sid=get("TWILIO_ACCOUNT_SID"),
            public_base_url=public_base_url,
            support_number=get("SUPPORT_NUMBER"),
            brand_name=get("BRAND_NAME") or DEFAULT_BRAND,
            pin_secret=get("PIN_SECRET") or DEV_PIN_SECRET,
            env=mode,
            support_hours=get("SUPPORT_HOURS"),
            twilio_api_base=get("TWILIO_API_BASE"),
            sms_rate_limit=_rate(get("SMS_RATE_LIMIT"), "SMS_RATE_LIMIT", (20, 60)),
            call_rate_limit=_rate(get("CALL_RATE_LIMIT"), "CALL_RATE_LIMIT", (6, 600)),
            proxy_hops=_hops(get("PROXY_HOPS")),
            secret_key=get("SECRET_KEY") or DEV_SECRET_KEY,
            appstore_root_certs=tuple(p.strip() for p in (get("APPSTORE_ROOT_CERTS") or "").split(",") if p.strip()),
            appstore_bundle_id=get("APPSTORE_BUNDLE_ID"),
            appstore_app_apple_id=_app_apple_id(get("APPSTORE_APP_APPLE_ID")),
            appstore_environment=get("APPSTORE_ENVIRONMENT"),
            appstore_online_checks=(get("APPSTORE_ONLINE_CHECKS") or "on").lower() not in ("off", "0", "false", "no"),
            speech=speech,
            twilio_from_number=sender[0],
            twilio_messaging_service_sid=sender[1],
            opt_out_managed_by=managed_by,
            metrics_token=get("METRICS_TOKEN"),
            callback_countries=_countries(get("CALLBACK_COUNTRIES")),
            missed_turns_days=_days(get("MISSED_TURNS_DAYS"), "MISSED_TURNS_DAYS", 30),
        )


def _countries(raw: str | None) -> tuple[str, ...]:
    import phonenumbers

    if not raw:
        return ("US", "CA")
    codes = tuple(dict.fromkeys(c.strip().upper() for c in raw.split(",") if c.strip()))
    known = phonenumbers.SUPPORTED_REGIONS
    wrong = [c for c in codes if c not in known]
    if wrong or not codes:
        raise SettingsError(f"switchboard: CALLBACK_COUNTRIES must be ISO country codes (US,CA), not {raw!r}")
    return codes


def _sender(from_number: str | None, service_sid: str | None) -> tuple[str | None, str | None]:
    from core.phone import is_e164

    if from_number and not is_e164(from_number):
        raise SettingsError(f"switchboard: TWILIO_FROM_NUMBER must be an E.164 number (+15550100000), "
                            f"not {from_number!r}")
    if service_sid and not (service_sid.startswith("MG") and len(service_sid) == 34 and service_sid[2:].isalnum()):
        raise SettingsError(f"switchboard: TWILIO_MESSAGING_SERVICE_SID must look like MG followed by 32 "
                            f"characters, not {service_sid!r}")
    return from_number, service_sid


def _speech(get) -> Speech:
    from core import languages, voice_settings

    try:
        return voice_settings.build({code: get(f"VOICE_{code.upper()}") for code in languages.CODES}, get("SPEECH_MODEL"),
                                    get("SPEECH_TIMEOUT"),
                                    (get("SPEECH_ENHANCED") or "off").lower() in ("on", "1", "true", "yes"))
    except ValueError as exc:
        raise SettingsError(f"switchboard: {exc}") from None


def _app_apple_id(value: str | None) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise SettingsError(f"switchboard: APPSTORE_APP_APPLE_ID must be a number, not {value!r}")
    return int(value)


def _base_url(value: str | None, *, https: bool) -> str | None:
    """'https://support.example.com/hooks/' -> without the trailing slash; paths are appended."""
    if not value:
        return None
    try:
        parts = urlsplit(value)
        bad = (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment
               or value.endswith(("?", "#")) or parts.port == 0)
    except ValueError:  # an unclosed [IPv6] or a port that isn't a number
        bad = True
    if bad:
        raise SettingsError(
            f"switchboard: PUBLIC_BASE_URL must look like https://support.example.com[/path], not {value!r}")
    if https and parts.scheme != "https":
        raise SettingsError("switchboard: PUBLIC_BASE_URL must be an https:// address when SWITCHBOARD_ENV=production")
    return value.rstrip("/")


def _hops(value: str | None) -> int:
    if not value:
        return 0
    if not (value.isascii() and value.isdigit()):
        raise SettingsError(
            f"switchboard: PROXY_HOPS must be how many proxies append X-Forwarded-* (0, 1, 2…), not {value!r}")
    return int(value)


def _rate(value: str | None, name: str, default: tuple[int, int]) -> tuple[int, int]:
    """'20/60': twenty in sixty seconds."""
    if not value:
        return default
    try:
        count, seconds = (int(part) for part in value.split("/"))
        if count < 1 or seconds < 1:
            raise ValueError
    except ValueError:
        raise SettingsError(f"switchboard: {name} must look like 20/60 (count/seconds), not {value!r}") from None
    return count, seconds


def default_database_url() -> str:
    instance = PROJECT_ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'switchboard.db'}"


def _days(value: str | None, name: str, default: int) -> int:
    """A whole number of days, at least 1."""
    if not value:
        return default
    if not value.strip().isdigit() or int(value) < 1 or int(value) > 3650:
        raise SettingsError(f"switchboard: {name} must be a number of days (1 to 3650), not {value!r}")
    return int(value)
