"""Where a webhook's time goes, piece by piece, in-process (microseconds a call).

    .venv/bin/python bench/costs.py

Uses the database and Redis that bench.py filled. Each piece is timed alone, many times;
the whole requests are timed through Flask's test client, beside a bare Flask route.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask, Response  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402
from twilio.twiml.messaging_response import MessagingResponse  # noqa: E402

from bench.bench import PIN_SECRET, TOKEN, sms_form  # noqa: E402
from core import services  # noqa: E402
from core.conversation import RedisConversations  # noqa: E402
from core.dedupe import Dedupe  # noqa: E402
from core.limits import RateLimit  # noqa: E402
from core.settings import Settings  # noqa: E402
from sms import replies  # noqa: E402
from sms.keywords import parse  # noqa: E402
from wsgi import create_app  # noqa: E402


def timed(label: str, fn, n: int = 2000) -> tuple[str, float]:
    for _ in range(min(200, n)):
        fn()
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return label, (time.perf_counter() - started) / n * 1e6


def main() -> None:
    settings = Settings(database_url=os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/switchboard_bench"),
                        redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
                        twilio_auth_token=TOKEN, pin_secret=PIN_SECRET, sms_rate_limit=(10**9, 60))
    app = create_app(settings)
    logging.getLogger().setLevel(logging.WARNING)
    d = app.extensions["switchboard"]
    client = app.test_client()
    v = RequestValidator(TOKEN)
    form = sms_form("+16460000001", "PLANS")
    sig = v.compute_signature("http://localhost/sms", form)
    line = services.find_line(d.db, "+12120000001")
    bare = Flask("bare")

    @bare.post("/sms")
    def fixed():
        return Response('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hello</Message></Response>',
                        mimetype="text/xml")
    bare_client = bare.test_client()

    def redis_start():
        pipe = d.redis.pipeline(transaction=False)
        RateLimit(d.redis, "sms", 10**9, 60).hit_in(pipe, "+16460000001", d.clock())
        Dedupe(d.redis).claim_in(pipe, "SM" + uuid.uuid4().hex, d.clock())
        RedisConversations(d.redis).load_in(pipe, "sms:+16460000001")
        pipe.execute()

    def post(body):
        f = sms_form("+16460000001", body)
        client.post("/sms", data=f, headers={"X-Twilio-Signature": v.compute_signature("http://localhost/sms", f)})

    post("PLANS")
    post("001000")
    summary = services.line_summary(d.db, line, line.line_id)
    rows = [
        timed("bare Flask route (test client)", lambda: bare_client.post("/sms", data=form)),
        timed("signature check (RequestValidator.validate)", lambda: v.validate("http://localhost/sms", form, sig)),
        timed("keyword parse", lambda: parse("STOP PLAN call recording")),
        timed("Redis: rate limit + claim + state, one pipeline", redis_start),
        timed("Redis: PING alone (one round trip)", d.redis.ping),
        timed("opt-out check, kept in Redis (one GET alone)", lambda: services.is_opted_out(d.db, "+16460000001")),
        timed("opt-out check, from the database", lambda: services.is_opted_out(d.db, "+16460000001", cached=None)),
        timed("SQL: line with plans and numbers (line_summary)", lambda: services.line_summary(d.db, line, line.line_id)),
        timed("SQL: lines for a caller", lambda: services.lines_for_caller(d.db, "+16460000001")),
        timed("render the PLANS reply", lambda: replies.render("plans", {"number": summary["number"], "status": "active",
                                                                         "plans": summary["plans"], "credits": "3.00"},
                                                               brand="Second Line")),
        timed("TwiML: MessagingResponse to XML", lambda: str(MessagingResponse().message("Hello") and MessagingResponse())),
        timed("whole SMS HELP (test client)", lambda: post("HELP"), 1000),
        timed("whole SMS PLANS, verified (test client)", lambda: post("PLANS"), 1000),
    ]
    print(f"{'piece':<52} {'µs a call':>10}")
    for label, us in rows:
        print(f"{label:<52} {us:>10.0f}")
    print(f"\n(measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, one process)")


if __name__ == "__main__":
    main()
