"""Twilio's REST API: the client for outbound texts (imported only where texts are sent, the
worker, so that web workers don't carry the HTTP client stack), and a number's webhooks
(``switchboard twilio connect`` / ``check``: the IncomingPhoneNumbers resource).

Failure behaviour: a send Twilio refuses with a 4xx (other than 429) is permanent and carries
Twilio's error code (21610: the recipient opted out at Twilio); anything else may be retried.
Reading or changing a number's settings raises ``TwilioRefused`` with Twilio's code and words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient
from urllib3.util.retry import Retry

from core.outbox import NotSent, SendFailed

TWILIO_API = "https://api.twilio.com"


def rest_client(account_sid: str, auth_token: str, api_base: str | None = None, *, timeout: float = 10):
    """The twilio library's Client; ``api_base`` points it at a stand-in (tests, staging)."""
    from twilio.rest import Client

    # A pooled connection the far end has closed is retried (urllib3 retries a POST only
    # when it was never sent, so a message is not sent twice by this).
    retries = Retry(total=2, backoff_factor=0.2)
    http = (RebasedHttpClient(api_base, timeout=timeout, max_retries=retries) if api_base
            else TwilioHttpClient(timeout=timeout, max_retries=retries))
    return Client(account_sid, auth_token, http_client=http)


class TwilioSender:
    """Sends the outbox's texts: from the Messaging Service when one is set (its sender pool
    picks the number), else from the row's number or ``default_from``; each with a status
    callback naming its outbox row, when the public address is known."""

    def __init__(self, account_sid: str, auth_token: str, default_from: str | None = None,
                 api_base: str | None = None, *, messaging_service_sid: str | None = None,
                 status_callback: str | None = None) -> None:
        self.client = rest_client(account_sid, auth_token, api_base)
        self.default_from = default_from
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = status_callback

    def send(self, *, to: str, from_: str | None, body: str, ref: str | None = None) -> str:
        from twilio.base.exceptions import TwilioRestException

        sender = ({"messaging_service_sid": self.messaging_service_sid} if self.messaging_service_sid
                  else {"from_": from_ or self.default_from})
        callback = {}
        if self.status_callback:
            callback["status_callback"] = self.status_callback + (f"?o={ref}" if ref is not None else "")
        try:
            msg = self.client.messages.create(to=to, body=body, **sender, **callback)
        except TwilioRestException as exc:
            # 4xx other than 429 will not get better by retrying (e.g. 21610: recipient opted out).
            raise SendFailed(f"twilio {exc.status} {exc.code}: {exc.msg}",
                             permanent=400 <= exc.status < 500 and exc.status != 429,
                             code=exc.code if isinstance(exc.code, int) else None) from exc
        except Exception as exc:  # noqa: BLE001 - network and the like: retry
            raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
        return msg.sid

    def find_sent(self, *, to: str, body: str, since: dt.datetime) -> str | None:
        """The sid of a message already accepted with this body, after an interrupted send."""
        try:
            for msg in self.client.messages.list(to=to, date_sent_after=since - dt.timedelta(days=1), limit=50):
                if msg.body == body:
                    return msg.sid
        except Exception as exc:  # noqa: BLE001 - can't tell: try again later rather than twice
            raise SendFailed(f"could not check for an earlier send: {exc}") from exc
        return None


class PrintingSender:
    """Development without TWILIO_ACCOUNT_SID: each text the bot would send (a receipt, a
    one-time code, an agent's instruction) is printed on the terminal that sends it, so every
    journey can be tried without a phone; the row is still marked "not_sent". Never used in
    production (web.deps gives no sender there, and nothing is printed)."""

    def __init__(self, stream=None) -> None:
        self.stream = stream

    def send(self, *, to: str, from_: str | None, body: str, ref: str | None = None) -> str:
        import sys

        stream = self.stream or sys.stderr
        print(f"text not sent (development, no TWILIO_ACCOUNT_SID) to {to}"
              f"{f' from {from_}' if from_ else ''}:\n    {body}", file=stream, flush=True)
        raise NotSent("not sent: no credentials (TWILIO_ACCOUNT_SID unset); printed on the terminal (development)")

    def find_sent(self, *, to: str, body: str, since: dt.datetime) -> str | None:
        return None  # nothing was ever sent


class RebasedHttpClient(TwilioHttpClient):
    """Sends the REST client's requests to another base URL (a local stand-in of the API):
    api.twilio.com's paths as they are, another product's (messaging.twilio.com) under its
    name (``/messaging/v1/…``)."""

    def __init__(self, base: str, **kw) -> None:
        super().__init__(**kw)
        self.base = base.rstrip("/")
        if kw.get("max_retries") is not None:  # the stand-in may be plain http
            self.session.mount("http://", HTTPAdapter(max_retries=kw["max_retries"]))

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API):]
        elif url.startswith("https://") and ".twilio.com/" in url:
            host, _, path = url[len("https://"):].partition("/")
            url = f"{self.base}/{host.split('.')[0]}/{path}"
        return super().request(method, url, *args, **kwargs)


# A number's webhooks (switchboard twilio connect / check) ------------------------------------
# (the IncomingPhoneNumber field, as the library names it and as Twilio's API does, our path)
WEBHOOKS = (
    ("voice_url", "VoiceUrl", "/voice"),
    ("voice_fallback_url", "VoiceFallbackUrl", "/voice/fallback"),
    ("status_callback", "StatusCallback", "/voice/status"),
    ("sms_url", "SmsUrl", "/sms"),
    ("sms_fallback_url", "SmsFallbackUrl", "/sms/fallback"),
)
METHODS = (("voice_method", "VoiceMethod"), ("voice_fallback_method", "VoiceFallbackMethod"),
           ("status_callback_method", "StatusCallbackMethod"), ("sms_method", "SmsMethod"),
           ("sms_fallback_method", "SmsFallbackMethod"))
# Set on the number, these take its calls or texts away from its own URLs.
OVERRIDES = (("voice_application_sid", "VoiceApplicationSid"), ("sms_application_sid", "SmsApplicationSid"))


class TwilioRefused(RuntimeError):
    """Twilio answered with an error (or could not be reached); ``code`` is Twilio's."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Setting:
    name: str  # Twilio's name (VoiceUrl …)
    field: str  # the library's (voice_url …)
    current: str | None
    wanted: str

    @property
    def agrees(self) -> bool:
        return (self.current or "") == self.wanted


@dataclass(frozen=True)
class Number:
    sid: str
    phone_number: str
    settings: tuple[Setting, ...]
    trunk_sid: str | None


def _refused(exc: Exception, doing: str) -> TwilioRefused:
    from twilio.base.exceptions import TwilioException, TwilioRestException

    status = code = message = None
    if isinstance(exc, TwilioRestException):
        status, code, message = exc.status, exc.code, exc.msg
    elif isinstance(exc, TwilioException) and len(exc.args) > 1 and hasattr(exc.args[1], "status_code"):
        # A list's page the library could not read ("Unable to fetch page"): Twilio's answer is in it.
        import json

        status = exc.args[1].status_code
        try:
            body = json.loads(exc.args[1].text)
            code, message = body.get("code"), body.get("message")
        except (ValueError, AttributeError):
            message = str(exc.args[1].text)[:200]
    if status is None:
        return TwilioRefused(f"could not reach Twilio {doing}: {type(exc).__name__}: {exc}")
    hint = " (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)" if status == 401 else ""
    return TwilioRefused(f"Twilio refused {doing}: {status} {code or ''} {message or ''}".rstrip() + hint,
                         code if isinstance(code, int) else None)


def wanted_settings(base: str) -> dict[str, str]:
    """What the number's fields must say for this deployment (``base``: PUBLIC_BASE_URL)."""
    wanted = {field: base + path for field, _, path in WEBHOOKS}
    wanted |= {field: "POST" for field, _ in METHODS}
    wanted |= {field: "" for field, _ in OVERRIDES}
    return wanted


def read_number(client, phone_number: str, base: str) -> Number:
    """The account's number, its settings beside what ``base`` wants; LookupError if the
    account has no such number."""
    try:
        found = [n for n in client.incoming_phone_numbers.list(phone_number=phone_number, limit=20)
                 if n.phone_number == phone_number]
    except Exception as exc:  # noqa: BLE001
        raise _refused(exc, "listing the account's numbers") from exc
    if not found:
        raise LookupError(phone_number)
    n = found[0]
    names = {field: name for field, name, _ in WEBHOOKS} | dict(METHODS) | dict(OVERRIDES)
    settings = tuple(Setting(names[field], field, getattr(n, field, None), value)
                     for field, value in wanted_settings(base).items())
    return Number(n.sid, n.phone_number, settings, getattr(n, "trunk_sid", None) or None)


def connect_number(client, number: Number) -> list[Setting]:
    """Point the number's webhooks at us; returns what changed (empty: it already did)."""
    changes = [s for s in number.settings if not s.agrees]
    if changes:
        try:
            client.incoming_phone_numbers(number.sid).update(**{s.field: s.wanted for s in changes})
        except Exception as exc:  # noqa: BLE001
            raise _refused(exc, f"updating {number.phone_number}") from exc
    return changes


def account_status(client, account_sid: str) -> str:
    """The account's status ("active", "suspended", "closed"), fetched with the credentials:
    TwilioRefused (401, 20003) when the auth token is not this account's."""
    try:
        return client.api.v2010.accounts(account_sid).fetch().status or "unknown"
    except Exception as exc:  # noqa: BLE001
        raise _refused(exc, "fetching the account") from exc


@dataclass(frozen=True)
class ServiceFacts:
    sid: str
    uses_number_webhooks: bool  # UseInboundWebhookOnNumber: the number's SmsUrl is what answers
    inbound_request_url: str | None
    has_number: bool  # the number is in the service's sender pool


def messaging_service(client, service_sid: str, number_sid: str) -> ServiceFacts:
    try:
        service = client.messaging.v1.services(service_sid).fetch()
        pool = {p.sid for p in client.messaging.v1.services(service_sid).phone_numbers.list(limit=400)}
    except Exception as exc:  # noqa: BLE001
        raise _refused(exc, f"fetching the Messaging Service {service_sid}") from exc
    return ServiceFacts(service_sid, bool(service.use_inbound_webhook_on_number), service.inbound_request_url,
                        number_sid in pool)
