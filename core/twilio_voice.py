"""Twilio's REST API for the console: place a call back, move a live call to the bot, fetch a
voicemail recording. Imported only by the console's views (the web's hot path never loads it).

Failure behaviour: every call raises ``VoiceFailed`` with a short reason (Twilio's status and
code, or the network error), never a traceback to the browser; nothing is retried here (a
call placed twice would ring twice): the agent sees the failure and may try again.
A recording is fetched only from Twilio's API host (the URL came from a signed webhook, but
the server never fetches an address it wasn't meant to), with the account's credentials, so
the browser never needs them.
"""

from __future__ import annotations

import requests

from core.twilio_rest import TWILIO_API, RebasedHttpClient

MAX_RECORDING = 20 * 1024 * 1024
AUDIO_TYPES = ("audio/mpeg", "audio/mp3", "audio/wav", "audio/x-wav", "audio/wave")


class VoiceFailed(RuntimeError):
    pass


class TwilioVoice:
    def __init__(self, account_sid: str, auth_token: str, api_base: str | None = None) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.account_sid = account_sid
        self.auth = (account_sid, auth_token)
        self.api_base = (api_base or TWILIO_API).rstrip("/")
        http = RebasedHttpClient(api_base, timeout=10) if api_base else TwilioHttpClient(timeout=10)
        self.client = Client(account_sid, auth_token, http_client=http)

    def call(self, *, to: str, from_: str, url: str) -> str:
        """Ring ``to``; when answered, Twilio asks ``url`` (absolute) what to do. The call's sid."""
        from twilio.base.exceptions import TwilioRestException

        try:
            return self.client.calls.create(to=to, from_=from_, url=url, method="POST").sid
        except TwilioRestException as exc:
            raise VoiceFailed(f"twilio {exc.status} {exc.code}: {exc.msg}") from exc
        except Exception as exc:  # noqa: BLE001 - the network and the like
            raise VoiceFailed(f"{type(exc).__name__}: {exc}") from exc

    def redirect(self, call_sid: str, url: str) -> None:
        """Move a live call to ``url`` (absolute): the caller leaves whatever it was doing."""
        from twilio.base.exceptions import TwilioRestException

        try:
            self.client.calls(call_sid).update(url=url, method="POST")
        except TwilioRestException as exc:
            raise VoiceFailed(f"twilio {exc.status} {exc.code}: {exc.msg}") from exc
        except Exception as exc:  # noqa: BLE001
            raise VoiceFailed(f"{type(exc).__name__}: {exc}") from exc

    def recording(self, url: str) -> tuple[str, bytes]:
        """A recording's audio (MP3) and its content type."""
        if not url.startswith(TWILIO_API + "/"):
            raise VoiceFailed("not a Twilio recording address")
        target = self.api_base + url[len(TWILIO_API):]
        if not target.rsplit("/", 1)[-1].count("."):
            target += ".mp3"
        try:
            with requests.get(target, auth=self.auth, timeout=10, stream=True) as resp:
                if resp.status_code != 200:
                    raise VoiceFailed(f"twilio answered {resp.status_code} for the recording")
                kind = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if kind not in AUDIO_TYPES:
                    raise VoiceFailed(f"the recording came as {kind or 'nothing'}, not audio")
                body = bytearray()
                for chunk in resp.iter_content(64 * 1024):
                    body += chunk
                    if len(body) > MAX_RECORDING:
                        raise VoiceFailed("the recording is too large")
                return kind, bytes(body)
        except requests.RequestException as exc:
            raise VoiceFailed(f"{type(exc).__name__}: {exc}") from exc
