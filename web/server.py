"""Running under gunicorn, in-process (``switchboard serve``) or from gunicorn.conf.py."""

from __future__ import annotations

import os
import sys

from core.settings import Settings


class SingleProcessOnly(SystemExit):
    pass


def refuse_several_workers_without_redis(workers: int, settings: Settings | None = None) -> None:
    redis_url = settings.redis_url if settings else os.environ.get("REDIS_URL", "").strip()
    if workers > 1 and not redis_url:
        raise SingleProcessOnly(
            "switchboard: REDIS_URL is not set, so state lives in an in-process stand-in; "
            "run one worker, or set REDIS_URL to run several"
        )


def startup_banner(settings: Settings) -> str:
    lines = []
    if settings.uses_dev_token:
        lines.append(f"development TWILIO_AUTH_TOKEN: {settings.twilio_auth_token}")
    if not settings.redis_url:
        lines.append("REDIS_URL not set: in-process Redis stand-in (one process only)")
    return "\n".join(lines)


def how_to_talk(settings: Settings, base: str) -> str:
    """What the README's run command prints: the token and a signed request to try."""
    import shlex

    from twilio.request_validator import RequestValidator

    form = {"From": "+15557770001", "To": "+15550109000", "Body": "HELP",
            "MessageSid": "SM" + "0" * 32, "AccountSid": "AC" + "0" * 32}
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(f"{base}/sms", form)
    data = " ".join(f"--data-urlencode {shlex.quote(f'{k}={v}')}" for k, v in form.items())
    return "\n".join([
        "",
        f"Switchboard on {base}  (brand: {settings.brand_name})",
        f"  Twilio auth token (development): {settings.twilio_auth_token}",
        "  Talk to it without a phone, from another terminal:",
        "    .venv/bin/switchboard simulate sms --from +15557770001 --url " + base,
        "    .venv/bin/switchboard simulate call --from +15557770001 --url " + base,
        "  or send one signed text with curl:",
        f"    curl -s {base}/sms -H 'X-Twilio-Signature: {signature}' {data}",
        "  The demo lines, the numbers they call and text from, and their PINs are listed above.",
        "",
    ])


def run_gunicorn(app, *, host: str, port: int, workers: int, settings: Settings) -> None:
    from gunicorn.app.base import BaseApplication

    refuse_several_workers_without_redis(workers, settings)
    banner = startup_banner(settings)
    if banner:
        print(banner, file=sys.stderr, flush=True)

    class _App(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)

        def load(self):
            return app

    _App().run()
