"""Switchboard's webhooks against a bare Flask baseline, in the same run (see bench/README.md).

Starts, on 127.0.0.1, Switchboard under gunicorn on real PostgreSQL and Redis and a bare
Flask app under the same gunicorn settings; drives both with wrk and a Lua script replaying
pre-signed Twilio requests (MessageSid / CallSid / From varied across the imported lines),
interleaved scenario by scenario; prints per scenario: requests/s, p50 and p99 latency, the
ratio to the baseline, SQL queries and Redis round trips per request, resident memory per
worker. Never part of the test suite; timings never fail anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import db as dbmod  # noqa: E402
from core.demo import demo_document  # noqa: E402
from core.models import Base  # noqa: E402
from core.account_data import import_document  # noqa: E402

TOKEN = "bench-auth-token-7a1f"
PIN_SECRET = "bench-pin-secret"
SUPPORT = "+15550109000"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Data ------------------------------------------------------------------------------------
def big_document(lines: int, today: dt.date) -> tuple[dict, list[tuple[str, str, str]]]:
    """`lines` lines in accounts of four, each with a portal number plan and two add-ons.
    Returns the document and (line number, contact number, PIN) for every line."""
    accounts, who = [], []
    term = (today + dt.timedelta(days=20)).isoformat()
    for a in range(lines // 4):
        account_lines = []
        for k in range(4):
            i = a * 4 + k
            number, contact, pin = f"+1212{i:07d}", f"+1646{i:07d}", f"{(i * 7919 + 1000) % 10**6:06d}"
            who.append((number, contact, pin))
            account_lines.append({
                "login_id": f"user{i}", "number": number, "pin": pin, "contacts": [contact],
                "status": "active", "status_reason": None, "usage_credits": "3.00", "blocked": [],
                "plans": [
                    {"product": "Unlimited Monthly", "kind": "number", "period": "monthly", "channel": "portal",
                     "term_end": term, "auto_renew": True},
                    {"product": "Text Archive", "kind": "feature", "period": "monthly", "channel": "portal",
                     "term_end": term, "auto_renew": True},
                    {"product": "Voicemail Transcription", "kind": "feature", "period": "monthly",
                     "channel": "portal", "term_end": term, "auto_renew": True},
                ]})
        accounts.append({"name": f"Account {a}", "admin": account_lines[0]["login_id"], "lines": account_lines})
    return {"available_numbers": [f"+1718{i:07d}" for i in range(200)], "accounts": accounts}, who


def demo_people(today: dt.date) -> list[tuple[str, str, str]]:
    doc = demo_document(today)
    return [(ln["number"], ln["contacts"][0], ln["pin"]) for a in doc["accounts"] for ln in a["lines"]
            if ln["status"] == "active" and not (ln["login_id"] == a["admin"] and len(a["lines"]) > 1)]


def reset_database(url: str) -> None:
    admin = make_url(url).set(database="postgres")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with engine.connect() as conn:
        if not conn.execute(text("select 1 from pg_database where datname=:n"), {"n": name}).scalar():
            conn.execute(text(f'create database "{name}"'))
    engine.dispose()
    engine = dbmod.make_engine(url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    dbmod.upgrade(url)


def load(url: str, doc: dict) -> None:
    engine = dbmod.make_engine(url)
    import_document(dbmod.make_sessionmaker(engine), doc, pin_secret=PIN_SECRET)
    engine.dispose()


# Servers ----------------------------------------------------------------------------------
class Server:
    def __init__(self, name: str, app: str, env: dict, workers: int, threads: int, logdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (logdir / f"{name}.log").open("w")
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "/dev/null", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--threads", str(threads), "--worker-class", "gthread" if threads > 1 else "sync",
             "--keep-alive", "5", "--log-level", "warning", app],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(300):
            try:
                with urllib.request.urlopen(self.url + ("/healthz" if name == "switchboard" else "/"), timeout=1):
                    return
            except urllib.error.HTTPError:
                return  # the baseline answers GET / with 405: it is up
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{name} did not start: see {self.log.name}")
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not answer")

    def worker_rss_mb(self) -> list[float]:
        out = []
        for pid in _children(self.proc.pid):
            status = Path(f"/proc/{pid}/status").read_text()
            out.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return out

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(Path(entry, "stat").read_text().split()[3]) == pid:
                    kids.append(int(entry.name))
            except (OSError, IndexError):
                pass
    return kids


def metric(url: str, name: str, **labels) -> float:
    body = urllib.request.urlopen(url + "/metrics", timeout=5).read().decode()
    total = 0.0
    for line in body.splitlines():
        if not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        if head.split("{")[0] != name:
            continue
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            total += float(value)
    return total


# Requests ---------------------------------------------------------------------------------
class Signer:
    def __init__(self, base: str) -> None:
        self.base = base
        self.v = RequestValidator(TOKEN)

    def line(self, path: str, form: dict) -> str:
        sig = self.v.compute_signature(self.base + path, form)
        return f"{path}\t{sig}\t{urllib.parse.urlencode(form)}"


def sms_form(sender: str, body: str) -> dict:
    sid = "SM" + uuid.uuid4().hex
    return {"ToCountry": "US", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid, "SmsStatus": "received",
            "Body": body, "FromCountry": "US", "To": SUPPORT, "NumSegments": "1", "MessageSid": sid,
            "AccountSid": "AC" + "0" * 32, "From": sender, "ApiVersion": "2010-04-01"}


def call_form(sid: str, caller: str, **extra) -> dict:
    return {"AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01", "CallSid": sid, "CallStatus": "in-progress",
            "Called": SUPPORT, "Caller": caller, "Direction": "inbound", "From": caller, "FromCountry": "US",
            "To": SUPPORT, "ToCountry": "US", **extra}


def post_all(base: str, lines: list[str], workers: int = 16) -> list[str]:
    """Unmeasured set-up requests, concurrently; returns the answers."""
    def one(line: str) -> str:
        path, sig, body = line.split("\t")
        req = urllib.request.Request(base + path, data=body.encode(), method="POST",
                                     headers={"X-Twilio-Signature": sig,
                                              "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read().decode()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, lines))


# Running ----------------------------------------------------------------------------------
def wrk(url: str, request_file: Path, *, duration: int, connections: int, threads: int, once: bool) -> dict:
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "requests.lua"), url, "--", str(request_file), str(threads),
         "once" if once else "cycle"],
        capture_output=True, text=True, timeout=duration + 120)
    results = [json.loads(line[7:]) for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if not results:
        raise RuntimeError(f"wrk gave no result:\n{out.stdout}\n{out.stderr}")
    r = results[-1]
    r["rps"] = r["requests"] / r["seconds"] if r["seconds"] else 0.0
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/switchboard_bench"))
    ap.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    ap.add_argument("--duration", type=int, default=8, help="seconds a scenario, per server")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=4, help="gunicorn workers, both servers")
    ap.add_argument("--threads", type=int, default=1, help="gunicorn threads a worker, both servers")
    ap.add_argument("--lines", type=int, default=10_000, help="lines in the big data set")
    ap.add_argument("--only", default=None, help="run only scenarios whose names contain one of these (comma-separated)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"), help="where the table is written")
    args = ap.parse_args()

    import redis as redis_lib

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sb-bench-"))
    prom = work / "prom"
    prom.mkdir()
    today = dt.datetime.now(dt.timezone.utc).date()
    print(f"bench: database {args.database_url}, redis {args.redis_url}", flush=True)
    reset_database(args.database_url)
    redis_lib.Redis.from_url(args.redis_url).flushdb()
    load(args.database_url, demo_document(today))
    big, big_people = big_document(args.lines, today)
    t0 = time.time()
    load(args.database_url, big)
    print(f"bench: loaded the demo set and {args.lines:,} more lines in {time.time() - t0:.1f}s", flush=True)

    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url, "TWILIO_AUTH_TOKEN": TOKEN,
           "PIN_SECRET": PIN_SECRET, "SUPPORT_NUMBER": "+15550109999", "LOG_LEVEL": "WARNING",
           "SMS_RATE_LIMIT": "100000000/60", "CALL_RATE_LIMIT": "100000000/60",
           "PROMETHEUS_MULTIPROC_DIR": str(prom), "SWITCHBOARD_ENV": "production",
           # Production needs the public address Twilio signs (and a console key).
           "PUBLIC_BASE_URL": "https://bench.example", "SECRET_KEY": "bench-secret-key"}
    sb = Server("switchboard", "wsgi:app", env, args.workers, args.threads, work)
    base_env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    baseline = Server("baseline", "bench.baseline:app", base_env, args.workers, args.threads, work)
    signer = Signer("https://bench.example")
    demo = demo_people(today)
    rows = []
    try:
        for name, dataset, build, once in scenarios(args, signer, sb, demo, big_people):
            if args.only and not any(part.strip() in name for part in args.only.split(",")):
                continue
            lines = build()
            req_file = work / f"{name}.txt"
            req_file.write_text("\n".join(lines) + "\n")
            q0 = metric(sb.url, "switchboard_sql_queries_total")
            r0 = metric(sb.url, "switchboard_redis_roundtrips_total")
            n0 = metric(sb.url, "switchboard_request_seconds_count")
            mine = wrk(sb.url, req_file, duration=args.duration, connections=args.connections,
                       threads=args.wrk_threads, once=once)
            q1 = metric(sb.url, "switchboard_sql_queries_total")
            r1 = metric(sb.url, "switchboard_redis_roundtrips_total")
            n1 = metric(sb.url, "switchboard_request_seconds_count") - 3  # the three /metrics reads
            # The baseline ignores what it is sent, so it always cycles: a thread that ran out of
            # its slice early would make wrk's rate (counted over the whole duration) look low.
            theirs = wrk(baseline.url, req_file, duration=args.duration, connections=args.connections,
                         threads=args.wrk_threads, once=False)
            served = max(1.0, n1 - n0)
            if os.environ.get("BENCH_DEBUG"):
                print(f"debug: sql {q1 - q0} redis {r1 - r0} served {served} wrk {mine['requests']}", flush=True)
            row = {"scenario": name, "data": dataset, "rps": mine["rps"], "p50_ms": mine["p50_us"] / 1000,
                   "p99_ms": mine["p99_us"] / 1000, "base_rps": theirs["rps"], "ratio": mine["rps"] / theirs["rps"],
                   "sql": (q1 - q0) / served, "redis": (r1 - r0) / served, "errors": mine["errors"],
                   "requests": mine["requests"], "rss_mb": max(sb.worker_rss_mb() or [0.0])}
            if name.startswith("confirmed cancellation"):
                row.update(check_cancellations(args.database_url, mine["requests"]))
            rows.append(row)
            print(format_row(row), flush=True)
    finally:
        sb.stop()
        baseline.stop()
    table = render(rows, args)
    (out_dir / "latest.md").write_text(table)
    print("\n" + table)
    return 0


def scenarios(args, signer: Signer, sb: Server, demo, big):
    """(name, data set, build the request lines, consume each request once?)"""
    # Users' lines only: an account's admin (every fourth line) is first asked which line.
    big = [p for i, p in enumerate(big) if i % 4]
    sets = [("demo", demo), (f"{args.lines // 1000}k lines", big)]
    for label, people in sets:
        yield ("SMS HELP (no account)", label,
               lambda people=people: [signer.line("/sms", sms_form(f"+1917{k:07d}", "HELP")) for k in range(20000)], False)
        yield ("SMS PLANS, verified", label, lambda people=people: plans_verified(signer, sb, people), False)
        yield ("voice greeting + caller ID", label,
               lambda people=people: [signer.line("/voice", call_form("CA" + uuid.uuid4().hex, people[k % len(people)][1]))
                                      for k in range(20000)], False)
        yield ("voice menu step", label, lambda people=people: menu_step(signer, people), False)
    yield ("PIN step", sets[1][0], lambda: pin_step(signer, sb, big), True)
    yield ("confirmed cancellation (commit)", sets[1][0], lambda: confirm_step(signer, sb, big), True)


def plans_verified(signer: Signer, sb: Server, people) -> list[str]:
    senders = [(contact, pin) for _, contact, pin in people[:2000]]
    post_all(sb.url, [signer.line("/sms", sms_form(s, "PLANS")) for s, _ in senders])
    post_all(sb.url, [signer.line("/sms", sms_form(s, pin)) for s, pin in senders])
    return [signer.line("/sms", sms_form(senders[k % len(senders)][0], "PLANS")) for k in range(40000)]


def menu_step(signer: Signer, people) -> list[str]:
    # The cancel menu's "a plan": the conversation identifies the caller and asks for the PIN.
    return [signer.line("/voice/menu?m=cancel", call_form("CA" + uuid.uuid4().hex, people[k % len(people)][1],
                                                          Digits="1")) for k in range(20000)]


def _calls_at_pin(signer: Signer, sb: Server, people, n: int) -> list[tuple[str, str, str]]:
    calls = [("CA" + uuid.uuid4().hex, people[k][1], people[k][2]) for k in range(n)]
    post_all(sb.url, [signer.line("/voice/menu?m=cancel", call_form(sid, caller, Digits="1"))
                      for sid, caller, _ in calls])
    return calls


def pin_step(signer: Signer, sb: Server, people) -> list[str]:
    calls = _calls_at_pin(signer, sb, people, min(len(people), 8000))
    return [signer.line("/voice/input?expect=pin", call_form(sid, caller, Digits=pin)) for sid, caller, pin in calls]


def confirm_step(signer: Signer, sb: Server, people) -> list[str]:
    """Each request confirms a different cancellation (Text Archive of one line)."""
    calls = _calls_at_pin(signer, sb, people[2000:], min(len(people) - 2000, 6000))
    post_all(sb.url, [signer.line("/voice/input?expect=pin", call_form(sid, caller, Digits=pin))
                      for sid, caller, pin in calls])
    post_all(sb.url, [signer.line("/voice/input?expect=plan", call_form(sid, caller, Digits="2"))
                      for sid, caller, _ in calls])
    return [signer.line("/voice/input?expect=confirm", call_form(sid, caller, Digits="1")) for sid, caller, _ in calls]


def check_cancellations(url: str, requests: int) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        applied = conn.execute(text("select count(*) from audit_events where action='cancel_plan' "
                                    "and outcome='applied'")).scalar()
        doubled = conn.execute(text("select count(*) from (select target from audit_events where "
                                    "action='cancel_plan' and outcome='applied' group by target "
                                    "having count(*) > 1) d")).scalar()
        receipts = conn.execute(text("select count(*) from outbound_texts")).scalar()
    engine.dispose()
    return {"applied": applied, "double_applied": doubled, "receipts": receipts}


def format_row(r: dict) -> str:
    extra = ""
    if "applied" in r:
        extra = f" | applied {r['applied']}, doubled {r['double_applied']}, receipts {r['receipts']}"
    return (f"{r['scenario']:<34} {r['data']:<9} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  "
            f"p99 {r['p99_ms']:7.2f} ms  x{r['ratio']:.2f} of {r['base_rps']:.0f}  sql {r['sql']:.2f}  "
            f"redis {r['redis']:.2f}  rss {r['rss_mb']:.0f} MB  errors {r['errors']}{extra}")


def render(rows: list[dict], args) -> str:
    head = (f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores: "
            f"{args.workers} gunicorn workers x {args.threads} threads for both servers, wrk {args.wrk_threads} "
            f"threads, {args.connections} connections, {args.duration} s a scenario.\n\n")
    lines = ["| scenario | data | req/s | p50 ms | p99 ms | baseline req/s | ratio | SQL/req | Redis RT/req | RSS/worker MB |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['scenario']} | {r['data']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
                     f"{r['base_rps']:.0f} | {r['ratio']:.2f} | {r['sql']:.2f} | {r['redis']:.2f} | {r['rss_mb']:.0f} |")
    notes = [f"- {r['scenario']}: {r['requests']} confirmations, {r['applied']} applied, "
             f"{r['double_applied']} applied twice, {r['receipts']} receipts queued"
             for r in rows if "applied" in r]
    return head + "\n".join(lines) + ("\n\n" + "\n".join(notes) if notes else "") + "\n"


if __name__ == "__main__":
    sys.exit(main())
