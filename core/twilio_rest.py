"""The Twilio REST client for outbound texts, imported only where texts are sent (the worker),
so that web workers don't carry the HTTP client stack."""

from __future__ import annotations

import datetime as dt

from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient
from urllib3.util.retry import Retry

from core.outbox import SendFailed

TWILIO_API = "https://api.twilio.com"


class TwilioSender:
    """The twilio REST client; ``api_base`` points it at a stand-in (tests, staging)."""

    def __init__(self, account_sid: str, auth_token: str, default_from: str | None = None,
                 api_base: str | None = None) -> None:
        from twilio.rest import Client

        # A pooled connection the far end has closed is retried (urllib3 retries a POST only
        # when it was never sent, so a message is not sent twice by this).
        retries = Retry(total=2, backoff_factor=0.2)
        http = (RebasedHttpClient(api_base, timeout=10, max_retries=retries) if api_base
                else TwilioHttpClient(timeout=10, max_retries=retries))
        self.client = Client(account_sid, auth_token, http_client=http)
        self.default_from = default_from

    def send(self, *, to: str, from_: str | None, body: str) -> str:
        from twilio.base.exceptions import TwilioRestException

        try:
            msg = self.client.messages.create(to=to, from_=from_ or self.default_from, body=body)
        except TwilioRestException as exc:
            # 4xx other than 429 will not get better by retrying (e.g. 21610: recipient opted out).
            raise SendFailed(f"twilio {exc.status} {exc.code}: {exc.msg}",
                             permanent=400 <= exc.status < 500 and exc.status != 429) from exc
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


class RebasedHttpClient(TwilioHttpClient):
    """Sends the REST client's requests to another base URL (a local stand-in of the API)."""

    def __init__(self, base: str, **kw) -> None:
        super().__init__(**kw)
        self.base = base.rstrip("/")
        if kw.get("max_retries") is not None:  # the stand-in may be plain http
            self.session.mount("http://", HTTPAdapter(max_retries=kw["max_retries"]))

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)
