"""CPU time of one webhook, in one process: the WSGI app called directly (no gunicorn, no wrk,
no HTTP), on the database and Redis bench.py filled; then a cProfile of the second half.

    .venv/bin/python bench/cpu.py help|plans|free-en|free-es|greeting|menu|pin|confirm [N] [--sort cumulative]

Production settings (PROMETHEUS_MULTIPROC_DIR, PUBLIC_BASE_URL, LOG_LEVEL=WARNING, the
understanding model trained). Prints the CPU µs a request of the first half (no profiler),
then the profile (CPU time) of the second. Run it a few times and take the smallest: other
work on the machine only ever adds. The confirmation uses lines from the middle of the set
(``--offset``): run bench.py again before repeating it.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds bench/profile.py, which would stand in for the standard library's
# ``profile`` that cProfile imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["help", "plans", "free-en", "free-es", "greeting", "menu", "pin", "confirm"])
    ap.add_argument("n", type=int, nargs="?", default=2000)
    ap.add_argument("--sort", default="tottime")
    ap.add_argument("--offset", type=int, default=3000, help="first line the confirmations use")
    args = ap.parse_args()
    os.environ.update(
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/switchboard_bench"),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        TWILIO_AUTH_TOKEN="bench-auth-token-7a1f", PIN_SECRET="bench-pin-secret", SUPPORT_NUMBER="+15550109999",
        LOG_LEVEL="WARNING", SMS_RATE_LIMIT="100000000/60", CALL_RATE_LIMIT="100000000/60",
        PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(prefix="sb-cpu-"), SWITCHBOARD_ENV="production",
        PUBLIC_BASE_URL="https://bench.example", SECRET_KEY="bench-secret-key")
    from bench.bench import Signer, call_form, person, sms_form
    from vocabulary import act_model
    from vocabulary.understand import model
    from wsgi import create_app

    app = create_app()
    model()
    act_model.model()
    signer = Signer("https://bench.example")

    def environ(line: str) -> dict:
        path, sig, body = line.split("\t")
        path, _, query = path.partition("?")
        data = body.encode()
        return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data)),
                "CONTENT_TYPE": "application/x-www-form-urlencoded", "HTTP_X_TWILIO_SIGNATURE": sig,
                "HTTP_HOST": "127.0.0.1:8000", "wsgi.errors": sys.stderr, "wsgi.multithread": False,
                "wsgi.multiprocess": True, "wsgi.run_once": False}

    def call(line: str) -> tuple[str, bytes]:
        status = []
        body = b"".join(app(environ(line), lambda s, h, e=None: status.append(s)))
        return status[0], body

    def post(lines) -> None:
        for line in lines:
            call(line)

    people = [person(i) for i in range(1, 40000) if i % 4]
    n, what = args.n, args.what
    if what == "help":
        senders = [f"+1917{k:07d}" for k in range(500)]
        post(signer.line("/sms", sms_form(s, "HELP")) for s in senders)
        reqs = [signer.line("/sms", sms_form(senders[k % 500], "HELP")) for k in range(n)]
    elif what in ("plans", "free-en", "free-es"):
        body = {"plans": "PLANS", "free-en": "what plans do I have", "free-es": "quiero ver mis planes"}[what]
        senders = [(contact, pin) for _, contact, pin in people[:300]]
        post(signer.line("/sms", sms_form(s, "PLANS")) for s, _ in senders)
        post(signer.line("/sms", sms_form(s, pin)) for s, pin in senders)
        reqs = [signer.line("/sms", sms_form(senders[k % 300][0], body)) for k in range(n)]
    elif what in ("greeting", "menu"):
        path, extra = ("/voice", {}) if what == "greeting" else ("/voice/menu?m=cancel", {"Digits": "1"})
        reqs = [signer.line(path, call_form("CA" + uuid.uuid4().hex, people[k % 3000][1], **extra)) for k in range(n)]
    else:
        first = args.offset if what == "confirm" else 0
        calls = [("CA" + uuid.uuid4().hex, people[first + k][1], people[first + k][2]) for k in range(n)]
        post(signer.line("/voice/menu?m=cancel", call_form(s, c, Digits="1")) for s, c, _ in calls)
        if what == "confirm":
            post(signer.line("/voice/input?expect=pin", call_form(s, c, Digits=p)) for s, c, p in calls)
            post(signer.line("/voice/input?expect=plan", call_form(s, c, Digits="2")) for s, c, _ in calls)
            reqs = [signer.line("/voice/input?expect=confirm", call_form(s, c, Digits="1")) for s, c, _ in calls]
        else:
            reqs = [signer.line("/voice/input?expect=pin", call_form(s, c, Digits=p)) for s, c, p in calls]
    status, body = call(reqs[0])
    print(status, body[:200].decode(errors="replace"))
    reqs = reqs[1:]
    half = len(reqs) // 2
    cpu, wall = time.process_time(), time.perf_counter()
    post(reqs[:half])
    print(f"{what}: {(time.process_time() - cpu) / half * 1e6:.0f} µs CPU a request, "
          f"{(time.perf_counter() - wall) / half * 1e6:.0f} µs wall ({half} requests)")
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    post(reqs[half:])
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(40)
    print(out.getvalue())


if __name__ == "__main__":
    main()
