"""Dependencies built once in the app factory and handed to the views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import datetime as dt
import redis
from flask import current_app
from sqlalchemy import Engine
from core.db import Database
from core.limits import PinAttempts
from core.settings import Settings


@dataclass
class Deps:
    settings: Settings
    engine: Engine
    db: Database  # its sessions, the lookups' sessions and R16's kept opt-out answers
    redis: redis.Redis
    queue_redis: redis.Redis
    attempts: PinAttempts
    clock: Callable[[], dt.datetime]
    # R17's receipt wording, (kind, values, brand=, lang=) -> text: the text channel's words,
    # passed in by the app factory to whichever door makes a change (a call's receipt is a text too).
    receipt_text: Callable[..., str] | None = None

    def receipt(self, kind: str, values: dict, lang: str) -> str:
        """A receipt's words in the line's language and this app's brand (``Request.receipt``)."""
        return self.receipt_text(kind, values, brand=self.settings.brand_name, lang=lang)

    def close(self) -> None:
        """Release connections (tests and short-lived commands build several apps)."""
        self.engine.dispose()
        for client in (self.redis, self.queue_redis):
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass

    def sender(self):
        """The outbound text sender; without TWILIO_ACCOUNT_SID texts are not sent: None in
        production, and in development a sender that prints them instead."""
        from core.twilio_rest import PrintingSender, TwilioSender

        s = self.settings
        if not s.twilio_account_sid:
            return None if s.production else PrintingSender()
        # Each text's status callback (core.delivery) needs the public address Twilio calls.
        callback = f"{s.public_base_url}/sms/status" if s.public_base_url else None
        return TwilioSender(s.twilio_account_sid, s.twilio_auth_token, default_from=s.twilio_from_number,
                            api_base=s.twilio_api_base, messaging_service_sid=s.twilio_messaging_service_sid,
                            status_callback=callback)


def deps() -> Deps:
    return current_app.extensions["switchboard"]
