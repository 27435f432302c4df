"""Profile one webhook in-process with pyinstrument: where does a request's time go?

    .venv/bin/python bench/profile.py sms-help|sms-plans|voice-greeting|voice-menu [N]

Uses the database and Redis bench.py filled (run bench/run once first).
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pyinstrument import Profiler  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from bench.bench import PIN_SECRET, TOKEN, call_form, sms_form  # noqa: E402
from core.settings import Settings  # noqa: E402
from wsgi import create_app  # noqa: E402


def main() -> None:
    what = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    settings = Settings(database_url=os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/switchboard_bench"),
                        redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
                        twilio_auth_token=TOKEN, pin_secret=PIN_SECRET, support_number="+15550109999",
                        sms_rate_limit=(10**9, 60))
    app = create_app(settings)
    import logging
    logging.getLogger().setLevel(logging.WARNING)
    client = app.test_client()
    v = RequestValidator(TOKEN)

    def post(path, form):
        sig = v.compute_signature("http://localhost" + path, form)
        return client.post(path, data=form, headers={"X-Twilio-Signature": sig})

    if what == "sms-plans":
        post("/sms", sms_form("+16460000001", "PLANS"))
        post("/sms", sms_form("+16460000001", "001000"))
    make = {
        "sms-help": lambda i: ("/sms", sms_form(f"+1917{i:07d}", "HELP")),
        "sms-plans": lambda i: ("/sms", sms_form("+16460000001", "PLANS")),
        "voice-greeting": lambda i: ("/voice", call_form("CA" + uuid.uuid4().hex, f"+1646{i % 10000:07d}")),
        "voice-menu": lambda i: ("/voice/menu?m=cancel", call_form("CA" + uuid.uuid4().hex, f"+1646{i % 10000:07d}", Digits="1")),
    }[what]
    reqs = [make(i) for i in range(n)]
    for path, form in reqs[:50]:
        post(path, form)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for path, form in reqs[50:]:
        resp = post(path, form)
    profiler.stop()
    print(resp.data[:200])
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
