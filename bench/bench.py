"""Switchboard's webhooks against a bare Flask baseline, in the same run (see bench/README.md).

Starts, on 127.0.0.1, Switchboard under gunicorn on real PostgreSQL and Redis and a bare
Flask app under the same gunicorn settings; drives both with wrk and a Lua script replaying
pre-signed Twilio requests (MessageSid / CallSid / From varied across the lines), interleaved
scenario by scenario; prints per scenario: requests/s, latency percentiles, the ratio to the
baseline, SQL statements and Redis round trips per request, the server's own time per request
(from /metrics), where the machine's CPU went (app workers, PostgreSQL, Redis, wrk), resident
memory per worker; then the targets of issue 16, each met or missed. Never part of the test
suite; timings never fail anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import resource
import secrets
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
from core.schema import Base  # noqa: E402
from core.account_data import import_document  # noqa: E402

TOKEN = "bench-auth-token-7a1f"
PIN_SECRET = "bench-pin-secret"
SUPPORT = "+15550109000"
BIN = Path(sys.executable).parent
TICK = os.sysconf("SC_CLK_TCK")

# Issue 16's targets: ratio to the baseline (same run, same gunicorn settings).
RATIO_TARGETS = {"SMS HELP": 0.45, "SMS PLANS, verified": 0.45, "voice menu step": 0.45,
                 "SMS free text (en)": 0.40, "SMS free text (es)": 0.40, "PIN step": 0.35}
P99_TARGET_MS = 25.0
COMMITS_TARGET = 400
RSS_TARGET_MB = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def person(i: int) -> tuple[str, str, str]:
    """Generated line ``i``: its number, its contact number, its PIN."""
    return f"+1212{i:07d}", f"+1646{i:07d}", f"{(i * 7919 + 1000) % 10**6:06d}"


# Data ------------------------------------------------------------------------------------
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


def load_document(url: str, doc: dict) -> None:
    engine = dbmod.make_engine(url)
    import_document(dbmod.make_sessionmaker(engine), doc, pin_secret=PIN_SECRET)
    engine.dispose()


def generate_lines(url: str, lines: int, today: dt.date) -> float:
    """``lines`` more lines, as the import would write them (accounts of four, the first its
    admin; each line a number plan and two add-ons, one contact number, its keyed PIN hash,
    an audit event), written with COPY: a million lines in minutes, not hours. Returns seconds."""
    import psycopg

    started = time.time()
    term = today + dt.timedelta(days=20)
    now = dt.datetime.now(dt.timezone.utc)
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        start = {t: conn.execute(f"select coalesce(max(id), 0) from {t}").fetchone()[0]
                 for t in ("accounts", "lines", "contact_numbers", "plans", "audit_events")}
        with conn.cursor() as cur:
            with cur.copy("COPY accounts (id, name) FROM STDIN") as cp:
                for a in range(lines // 4):
                    cp.write_row((start["accounts"] + a + 1, f"Account {a}"))
            with cur.copy("COPY lines (id, account_id, login_id, number, is_admin, pin_hash, pin_salt, status, "
                          "usage_credits, language) FROM STDIN") as cp:
                for i in range(lines):
                    number, _, pin = person(i)
                    salt = secrets.token_hex(16)
                    digest = hmac.new(PIN_SECRET.encode(), f"{salt}:{pin}".encode(), hashlib.sha256).hexdigest()
                    cp.write_row((start["lines"] + i + 1, start["accounts"] + i // 4 + 1, f"user{i}", number, i % 4 == 0,
                                  digest, salt, "active", "3.00", "en"))
            with cur.copy("COPY contact_numbers (id, line_id, number) FROM STDIN") as cp:
                for i in range(lines):
                    cp.write_row((start["contact_numbers"] + i + 1, start["lines"] + i + 1, person(i)[1]))
            with cur.copy("COPY plans (id, line_id, product, kind, period, channel, term_end, auto_renew, ended) "
                          "FROM STDIN") as cp:
                for i in range(lines):
                    for k, (product, kind) in enumerate((("Unlimited Monthly", "number"), ("Text Archive", "feature"),
                                                         ("Voicemail Transcription", "feature"))):
                        cp.write_row((start["plans"] + i * 3 + k + 1, start["lines"] + i + 1, product, kind, "monthly",
                                      "portal", term, True, False))
            with cur.copy("COPY audit_events (id, at, actor, channel, action, target, outcome, line_id) FROM STDIN") as cp:
                for i in range(lines):
                    cp.write_row((start["audit_events"] + i + 1, now, "system", "console", "line_imported", person(i)[0],
                                  "applied", start["lines"] + i + 1))
        for t in start:
            conn.execute(f"select setval(pg_get_serial_sequence('{t}', 'id'), (select max(id) from {t}))")
        conn.execute("insert into available_numbers (number) select '+1718' || lpad(g::text, 7, '0') "
                     "from generate_series(0, 199) g on conflict do nothing")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return time.time() - started


def database_size(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("select pg_database_size(current_database())")).scalar()
        lines = conn.execute(text("select count(*) from lines")).scalar()
    engine.dispose()
    return size, lines


# Servers ----------------------------------------------------------------------------------
class Server:
    def __init__(self, name: str, app: str, env: dict, model: "Model", logdir: Path, config: str) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (logdir / f"{name}-{model.label}.log").open("w")
        self.proc = subprocess.Popen(
            # As the Procfile starts it: -OO (no docstrings: ~6 MB a worker, bench/README.md).
            [sys.executable, "-OO", "-m", "gunicorn", "--config", config, "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(model.workers), "--threads", str(model.threads), "--worker-class", model.worker_class,
             "--keep-alive", "5", "--log-level", "warning", app],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(600):
            try:
                with urllib.request.urlopen(self.url + ("/healthz" if name == "switchboard" else "/"), timeout=1):
                    break
            except urllib.error.HTTPError:
                break  # the baseline answers GET / with 405: it is up
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{name} did not start: see {self.log.name}")
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{name} did not answer")
        deadline = time.time() + 30  # every worker up (and, for Switchboard, its model trained)
        while len(self.pids()) < model.workers + 1 and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)

    def pids(self) -> list[int]:
        return [self.proc.pid, *_children(self.proc.pid)]

    def worker_rss_mb(self) -> list[float]:
        out = []
        for pid in _children(self.proc.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            out.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return out

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        self.log.close()


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(Path(entry, "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def _cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / TICK


def _pids_named(name: str) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(entry, "comm").read_text().strip() == name:
                    out.append(int(entry.name))
            except OSError:
                pass
    return out


class Machine:
    """CPU seconds used so far by each part: the app's workers, PostgreSQL (this database's
    backends and the server's WAL writer, background writer and checkpointer), Redis."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.redis = _pids_named("redis-server")

    def postgres_pids(self) -> list[int]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(text(
                "select pid from pg_stat_activity where pid <> pg_backend_pid() and (datname = current_database() "
                "or backend_type in ('walwriter', 'background writer', 'checkpointer'))"))]

    def snapshot(self, app: Server) -> dict[str, float]:
        return {"app": _cpu_seconds(app.pids()), "postgres": _cpu_seconds(self.postgres_pids()),
                "redis": _cpu_seconds(self.redis)}


def metrics_text(url: str) -> str:
    return urllib.request.urlopen(url + "/metrics", timeout=5).read().decode()


def metric(body: str, name: str, **labels) -> float:
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


def server_buckets(body: str, route: str) -> dict[float, float]:
    """switchboard_request_seconds's cumulative buckets for one route (all statuses)."""
    out: dict[float, float] = {}
    for line in body.splitlines():
        if line.startswith("switchboard_request_seconds_bucket") and f'route="{route}"' in line:
            le = re.search(r'le="([^"]+)"', line).group(1)
            bound = float("inf") if le == "+Inf" else float(le)
            out[bound] = out.get(bound, 0.0) + float(line.rpartition(" ")[2])
    return out


def bucket_quantile(before: dict, after: dict, q: float) -> float:
    """The upper bound of the bucket holding the q-quantile (the histogram's resolution)."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0.0) for b in bounds]
    if not counts or counts[-1] <= 0:
        return float("nan")
    for b, c in zip(bounds, counts):
        if c >= q * counts[-1]:
            return b * 1000
    return float("inf")


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
class Model:
    """A gunicorn worker model: sync or gthread, workers, threads a worker."""

    def __init__(self, spec: str) -> None:
        kind, _, size = spec.partition(":")
        workers, _, threads = size.partition("x")
        self.worker_class = kind
        self.workers = int(workers or 4)
        self.threads = int(threads or 1)
        if kind == "sync" and self.threads != 1:
            raise SystemExit("bench: a sync worker has one thread (use gthread:WxT)")

    @property
    def label(self) -> str:
        return f"{self.worker_class}:{self.workers}" + (f"x{self.threads}" if self.worker_class != "sync" else "")


def wrk(url: str, request_file: Path, *, duration: int, connections: int, threads: int, once: bool) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "requests.lua"), url, "--", str(request_file), str(threads),
         "once" if once else "cycle"],
        capture_output=True, text=True, timeout=duration + 120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    results = [json.loads(line[7:]) for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if not results:
        raise RuntimeError(f"wrk gave no result:\n{out.stdout}\n{out.stderr}")
    r = results[-1]
    r["rps"] = r["requests"] / r["seconds"] if r["seconds"] else 0.0
    r["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return r


class Scenario:
    def __init__(self, name: str, data: str, route: str, build, once: bool = False) -> None:
        self.name, self.data, self.route, self.build, self.once = name, data, route, build, once


def scenarios(args, signer: Signer, sb: Server, sets: list[tuple[str, list]], budget: dict):
    """What each run measures. ``sets``: (label, people) of each data set; the last is the big one."""
    big_label, big = sets[-1]
    for label, people in sets:
        yield Scenario("SMS HELP", label, "/sms", lambda people=people: help_texts(signer, sb, people))
        yield Scenario("SMS PLANS, verified", label, "/sms",
                       lambda people=people: verified_texts(signer, sb, people, "PLANS", args.setup))
        yield Scenario("voice greeting + caller ID", label, "/voice",
                       lambda people=people: [signer.line("/voice", call_form("CA" + uuid.uuid4().hex,
                                                                              people[k % len(people)][1]))
                                              for k in range(20000)])
        yield Scenario("voice menu step", label, "/voice/menu", lambda people=people: menu_step(signer, people))
    yield Scenario("SMS HELP, a number's first text", big_label, "/sms",
                   lambda: [signer.line("/sms", sms_form(f"+1929{uuid.uuid4().int % 10**7:07d}", "HELP"))
                            for _ in range(40000)])
    yield Scenario("SMS free text (en)", big_label, "/sms",
                   lambda: verified_texts(signer, sb, big, "what plans do I have", args.setup))
    yield Scenario("SMS free text (es)", big_label, "/sms",
                   lambda: verified_texts(signer, sb, big, "quiero ver mis planes", args.setup))
    yield Scenario("PIN step", big_label, "/voice/input", lambda: pin_step(signer, sb, big, args.setup * 4), once=True)
    yield Scenario("confirmed cancellation (commit)", big_label, "/voice/input",
                   lambda: confirm_step(signer, sb, big, budget, args.confirmations), once=True)


def help_texts(signer: Signer, sb: Server, people) -> list[str]:
    """HELP from 4,000 numbers, half of them lines' contact numbers, each already seen once
    (its opt-out answer kept: a number's first text is measured apart, bench/README.md)."""
    senders = [f"+1917{k:07d}" for k in range(2000)] + [c for _, c, _ in people[:2000]]
    post_all(sb.url, [signer.line("/sms", sms_form(s, "HELP")) for s in senders])
    return [signer.line("/sms", sms_form(senders[k % len(senders)], "HELP")) for k in range(40000)]


def verified_texts(signer: Signer, sb: Server, people, body: str, setup: int) -> list[str]:
    """``body`` in conversations whose PIN was verified (PLANS, then the PIN, beforehand)."""
    senders = [(contact, pin) for _, contact, pin in people[:setup]]
    post_all(sb.url, [signer.line("/sms", sms_form(s, "PLANS")) for s, _ in senders])
    post_all(sb.url, [signer.line("/sms", sms_form(s, pin)) for s, pin in senders])
    return [signer.line("/sms", sms_form(senders[k % len(senders)][0], body)) for k in range(40000)]


def menu_step(signer: Signer, people) -> list[str]:
    # The cancel menu's "a plan": the conversation identifies the caller and asks for the PIN.
    return [signer.line("/voice/menu?m=cancel", call_form("CA" + uuid.uuid4().hex, people[k % len(people)][1],
                                                          Digits="1")) for k in range(20000)]


def _calls_at_pin(signer: Signer, sb: Server, people, n: int) -> list[tuple[str, str, str]]:
    calls = [("CA" + uuid.uuid4().hex, people[k][1], people[k][2]) for k in range(n)]
    post_all(sb.url, [signer.line("/voice/menu?m=cancel", call_form(sid, caller, Digits="1"))
                      for sid, caller, _ in calls])
    return calls


def pin_step(signer: Signer, sb: Server, people, n: int) -> list[str]:
    calls = _calls_at_pin(signer, sb, people, min(len(people), n))
    return [signer.line("/voice/input?expect=pin", call_form(sid, caller, Digits=pin)) for sid, caller, pin in calls]


def confirm_step(signer: Signer, sb: Server, people, budget: dict, n: int) -> list[str]:
    """Each request confirms a different cancellation (Text Archive of a line not used before)."""
    start = budget.get("confirm_at", len(people) // 2)
    pool = people[start:start + n]
    budget["confirm_at"] = start + len(pool)
    if len(pool) < 100:
        return []
    calls = _calls_at_pin(signer, sb, pool, len(pool))
    post_all(sb.url, [signer.line("/voice/input?expect=pin", call_form(sid, caller, Digits=pin))
                      for sid, caller, pin in calls])
    post_all(sb.url, [signer.line("/voice/input?expect=plan", call_form(sid, caller, Digits="2"))
                      for sid, caller, _ in calls])
    return [signer.line("/voice/input?expect=confirm", call_form(sid, caller, Digits="1")) for sid, caller, _ in calls]


def check_cancellations(url: str) -> dict:
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


def measure(args, model: Model, sb: Server, baseline: Server, machine: Machine, scenario: Scenario, work: Path):
    lines = scenario.build()
    if not lines:
        print(f"bench: {scenario.name}: not enough unused lines left: skipped", flush=True)
        return None
    req_file = work / f"{scenario.name}-{scenario.data}.txt".replace(" ", "_").replace("/", "_")
    req_file.write_text("\n".join(lines) + "\n")
    applied_before = check_cancellations(args.database_url) if scenario.name.startswith("confirmed") else None
    m0 = metrics_text(sb.url)
    c0 = machine.snapshot(sb)
    mine = wrk(sb.url, req_file, duration=args.duration, connections=args.connections,
               threads=args.wrk_threads, once=scenario.once)
    c1 = machine.snapshot(sb)
    m1 = metrics_text(sb.url)
    # The baseline ignores what it is sent, so it always cycles: a thread that ran out of its
    # slice early would make wrk's rate (counted over the whole duration) look low.
    theirs = wrk(baseline.url, req_file, duration=args.duration, connections=args.connections,
                 threads=args.wrk_threads, once=False)
    served = max(1.0, metric(m1, "switchboard_request_seconds_count", route=scenario.route)
                 - metric(m0, "switchboard_request_seconds_count", route=scenario.route))
    seconds = metric(m1, "switchboard_request_seconds_sum", route=scenario.route) - metric(
        m0, "switchboard_request_seconds_sum", route=scenario.route)
    b0, b1 = server_buckets(m0, scenario.route), server_buckets(m1, scenario.route)
    row = {"scenario": scenario.name, "data": scenario.data, "model": model.label, "rps": mine["rps"],
           "p50_ms": mine["p50_us"] / 1000, "p90_ms": mine["p90_us"] / 1000, "p99_ms": mine["p99_us"] / 1000,
           "max_ms": mine["max_us"] / 1000, "base_rps": theirs["rps"], "base_p99_ms": theirs["p99_us"] / 1000,
           "ratio": mine["rps"] / theirs["rps"] if theirs["rps"] else 0.0,
           "sql": (metric(m1, "switchboard_sql_queries_total") - metric(m0, "switchboard_sql_queries_total")) / served,
           "redis": (metric(m1, "switchboard_redis_roundtrips_total")
                     - metric(m0, "switchboard_redis_roundtrips_total")) / served,
           "server_ms": seconds / served * 1000, "server_p99_ms": bucket_quantile(b0, b1, 0.99),
           "errors": mine["errors"], "non2xx": mine["non2xx"], "requests": mine["requests"],
           "rss_mb": max(sb.worker_rss_mb() or [0.0]),
           "cpu_us": {part: (c1[part] - c0[part]) / max(1, mine["requests"]) * 1e6 for part in c0}
           | {"wrk": mine["cpu"] / max(1, mine["requests"]) * 1e6},
           "busy": (sum(c1[p] - c0[p] for p in c0) + mine["cpu"]) / (mine["seconds"] * (os.cpu_count() or 1))}
    if applied_before is not None:
        after = check_cancellations(args.database_url)
        row.update({k: after[k] - applied_before[k] for k in ("applied", "receipts")},
                   double_applied=after["double_applied"])
    print(format_row(row), flush=True)
    return row


def format_row(r: dict) -> str:
    extra = ""
    if "applied" in r:
        extra = f" | applied {r['applied']}, doubled {r['double_applied']}, receipts {r['receipts']}"
    cpu = " ".join(f"{k} {v:.0f}" for k, v in r["cpu_us"].items())
    return (f"{r['model']:<12} {r['scenario']:<32} {r['data']:<9} {r['rps']:6.0f} req/s x{r['ratio']:.2f} of "
            f"{r['base_rps']:.0f}  p50 {r['p50_ms']:5.1f} p99 {r['p99_ms']:6.1f} ms  server {r['server_ms']:.2f} ms  "
            f"sql {r['sql']:.2f} redis {r['redis']:.2f}  rss {r['rss_mb']:.0f} MB  cpu µs/req {cpu}  "
            f"errors {r['errors']}{extra}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/switchboard_bench"))
    ap.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    ap.add_argument("--duration", type=int, default=6, help="seconds a scenario, per server")
    ap.add_argument("--quick", action="store_true",
                    help="3 s a scenario, the big data set only, fewer set-up requests")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--models", default=os.environ.get("BENCH_MODELS", "sync:4"),
                    help="gunicorn worker models, comma-separated: sync:W or gthread:WxT (both servers)")
    ap.add_argument("--lines", type=int, default=10_000, help="generated lines (besides the demo set)")
    ap.add_argument("--reuse-data", action="store_true",
                    help="keep the database if it already holds the generated lines (a 1,000,000-line set)")
    ap.add_argument("--only", default=None, help="run only scenarios whose names contain one of these (comma-separated)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"), help="where the tables are written")
    args = ap.parse_args()

    def interrupted(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupted)  # servers are stopped on the way out
    if args.quick:
        args.duration = min(args.duration, 3)
    args.setup = 500 if args.quick else 2000
    args.confirmations = 2000 if args.quick else 4000

    import redis as redis_lib

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sb-bench-"))
    prom = work / "prom"
    today = dt.datetime.now(dt.timezone.utc).date()
    label = f"{args.lines // 1_000_000}M lines" if args.lines >= 1_000_000 else f"{args.lines // 1000}k lines"
    print(f"bench: database {args.database_url}, redis {args.redis_url}", flush=True)
    build = {}
    have = None
    if args.reuse_data:
        try:
            have = database_size(args.database_url)[1]
        except Exception:  # noqa: BLE001 - no database yet
            have = None
    demo_count = sum(len(a["lines"]) for a in demo_document(today)["accounts"])
    if have != args.lines + demo_count:
        reset_database(args.database_url)
        load_document(args.database_url, demo_document(today))
        build["seconds"] = generate_lines(args.database_url, args.lines, today)
        print(f"bench: generated {args.lines:,} lines in {build['seconds']:.1f}s", flush=True)
    else:
        dbmod.upgrade(args.database_url)  # the schema of this checkout
        print(f"bench: reusing the {have:,} lines in the database", flush=True)
    size, count = database_size(args.database_url)
    build.update(bytes=size, lines=count)
    print(f"bench: database {size / 2**20:,.0f} MiB, {count:,} lines", flush=True)

    # Users' lines only (an account's admin, every fourth line, is first asked which line),
    # spread over the whole set (a million lines: every 25th user line).
    users = [i for i in range(args.lines) if i % 4]
    step = max(1, len(users) // 30000)
    big = [person(i) for i in users[::step]]
    sets = ([] if args.quick else [("demo", demo_people(today))]) + [(label, big)]

    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url, "TWILIO_AUTH_TOKEN": TOKEN,
           "PIN_SECRET": PIN_SECRET, "SUPPORT_NUMBER": "+15550109999", "LOG_LEVEL": "WARNING",
           "SMS_RATE_LIMIT": "100000000/60", "CALL_RATE_LIMIT": "100000000/60",
           "PROMETHEUS_MULTIPROC_DIR": str(prom), "SWITCHBOARD_ENV": "production",
           # Production needs the public address Twilio signs (and a console key).
           "PUBLIC_BASE_URL": "https://bench.example", "SECRET_KEY": "bench-secret-key"}
    base_env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    signer = Signer("https://bench.example")
    machine = Machine(args.database_url)
    rows, budget = [], {}
    started = time.time()
    for spec in args.models.split(","):
        model = Model(spec.strip())
        redis_lib.Redis.from_url(args.redis_url).flushdb()
        if prom.exists():
            for f in prom.iterdir():
                f.unlink()
        prom.mkdir(exist_ok=True)
        # Switchboard with its own gunicorn.conf.py (the understanding model trained in each
        # worker before its first request); the worker model from the command line, for both.
        sb = Server("switchboard", "wsgi:app", env, model, work, str(ROOT / "gunicorn.conf.py"))
        baseline = Server("baseline", "bench.baseline:app", base_env, model, work, "/dev/null")
        try:
            for scenario in scenarios(args, signer, sb, sets, budget):
                if args.only and not any(part.strip() in scenario.name for part in args.only.split(",")):
                    continue
                row = measure(args, model, sb, baseline, machine, scenario, work)
                if row:
                    rows.append(row)
        except KeyboardInterrupt:
            print("bench: interrupted", flush=True)
            return 130
        finally:
            sb.stop()
            baseline.stop()
    elapsed = time.time() - started
    mine = out_dir / f"{label.replace(' ', '-')}.json"
    mine.write_text(json.dumps({"build": build, "rows": rows}, indent=1))
    report = render(rows, args, build, elapsed) + flatness(out_dir)
    (out_dir / "latest.md").write_text(report)
    print("\n" + report)
    return 0


def flatness(out_dir: Path) -> str:
    """Cost as data grows: each scenario's ratio to the baseline on every data set measured
    (results/<N>k-lines.json, results/<N>M-lines.json, each from its own run)."""
    runs = []
    for f in sorted(out_dir.glob("*-lines.json")):
        data = json.loads(f.read_text())
        if data.get("rows"):
            runs.append((data["build"]["lines"], f.stem.replace("-", " "), data["rows"]))
    runs.sort()
    if len(runs) < 2:
        return ""
    (n0, small, rows0), (n1, large, rows1) = runs[0], runs[-1]
    by = {r["scenario"]: r for r in rows0 if r["data"] != "demo"}
    out = ["", f"Cost as data grows, {small} → {large} (ratio to the baseline of each run; each run's own "
           "baseline absorbs the machine's load at the time):", "",
           f"| scenario | ratio, {small} | ratio, {large} | change | SQL/req, {large} | server ms, {small} → {large} |",
           "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows1:
        if r["data"] == "demo" or r["scenario"] not in by:
            continue
        a = by[r["scenario"]]
        change = r["ratio"] / a["ratio"] - 1 if a["ratio"] else float("nan")
        out.append(f"| {r['scenario']} | {a['ratio']:.2f} | {r['ratio']:.2f} | {change:+.0%} | {r['sql']:.2f} | "
                   f"{a['server_ms']:.2f} → {r['server_ms']:.2f} |")
    return "\n".join(out) + "\n"


def render(rows: list[dict], args, build: dict, elapsed: float) -> str:
    models = list(dict.fromkeys(r["model"] for r in rows))
    head = (f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores (shared with "
            f"PostgreSQL, Redis and wrk), load average {os.getloadavg()[0]:.1f}: gunicorn {', '.join(models)} for "
            f"both servers, wrk {args.wrk_threads} threads, {args.connections} connections, {args.duration} s a "
            f"scenario; database {build['lines']:,} lines, {build['bytes'] / 2**20:,.0f} MiB"
            + (f" (generated in {build['seconds']:.0f} s)" if "seconds" in build else "")
            + f"; {elapsed / 60:.1f} min.\n\n")
    out = [head, "| model | scenario | data | req/s | baseline req/s | ratio | p50 ms | p90 ms | p99 ms | max ms | "
           "server ms (mean / p99 ≤) | SQL/req | Redis RT/req | RSS/worker MB |",
           "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        out.append(f"| {r['model']} | {r['scenario']} | {r['data']} | {r['rps']:.0f} | {r['base_rps']:.0f} | "
                   f"{r['ratio']:.2f} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.0f} | "
                   f"{r['server_ms']:.2f} / {r['server_p99_ms']:g} | {r['sql']:.2f} | {r['redis']:.2f} | "
                   f"{r['rss_mb']:.0f} |")
    out += ["", "Where the machine's CPU went, µs a request (app workers, PostgreSQL, Redis, wrk; the baseline "
            "spends about 2 cores / its req/s):", "",
            "| model | scenario | data | app | PostgreSQL | Redis | wrk | total | baseline total | CPU busy |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        c = r["cpu_us"]
        out.append(f"| {r['model']} | {r['scenario']} | {r['data']} | {c['app']:.0f} | {c['postgres']:.0f} | "
                   f"{c['redis']:.0f} | {c['wrk']:.0f} | {sum(c.values()):.0f} | "
                   f"{2e6 / r['base_rps'] if r['base_rps'] else 0:.0f} | {r['busy']:.0%} |")
    notes = [f"- {r['model']} {r['scenario']}: {r['requests']} confirmations answered, {r['applied']} applied, "
             f"{r['double_applied']} applied twice, {r['receipts']} receipts queued"
             for r in rows if "applied" in r]
    out += ["", *notes, "", targets(rows)]
    return "\n".join(out) + "\n"


def targets(rows: list[dict]) -> str:
    """Issue 16's targets, each met or missed, from this run's rows (every model's best)."""
    lines = ["| target | result | met? |", "| --- | --- | --- |"]

    def best(name: str) -> list[dict]:
        return [r for r in rows if r["scenario"] == name]

    for name, goal in RATIO_TARGETS.items():
        got = best(name)
        if got:
            ratios = ", ".join(f"{r['ratio']:.2f} ({r['data']}, {r['model']})" for r in got)
            lines.append(f"| {name} ≥ {goal:.2f}x baseline | {ratios} | "
                         f"{'met' if all(r['ratio'] >= goal for r in got) else '**missed**'} |")
    got = best("confirmed cancellation (commit)")
    if got:
        rates = ", ".join(f"{r['rps']:.0f}/s, {r['double_applied']} twice ({r['model']})" for r in got)
        ok = all(r["rps"] >= COMMITS_TARGET and r["double_applied"] == 0 for r in got)
        lines.append(f"| confirmed change ≥ {COMMITS_TARGET} commits/s, 0 applied twice | {rates} | "
                     f"{'met' if ok else '**missed**'} |")
    p99 = [r for r in rows if r["scenario"] in RATIO_TARGETS or r["scenario"].startswith("confirmed")]
    if p99:
        worst = max(p99, key=lambda r: r["p99_ms"])
        lines.append(f"| p99 ≤ {P99_TARGET_MS:.0f} ms at 32 connections, every scenario above | worst "
                     f"{worst['p99_ms']:.1f} ms ({worst['scenario']}, {worst['data']}, {worst['model']}) | "
                     f"{'met' if worst['p99_ms'] <= P99_TARGET_MS else '**missed**'} |")
    if rows:
        rss = max(r["rss_mb"] for r in rows)
        lines.append(f"| resident memory per web worker, understanding model loaded ≤ {RSS_TARGET_MB} MB | "
                     f"largest {rss:.0f} MB | {'met' if rss <= RSS_TARGET_MB else '**missed**'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
