"""The Insights page on a year of a large line (issue 24): how long its figures take.

    BENCH_DATABASE_URL=postgresql+psycopg://…/scratch .venv/bin/python bench/insights.py [--lines 1000000]

Builds, in a database of its own (its tables are dropped first and at the end: never point it
at one that matters), a year of events for ``--lines`` lines: 1.5 conversations a line a year
(``conversation_facts``), a person asked for in one of five, six calls in ten (``call_events``),
then times ``core.insights.figures`` for the console's ranges (best of 3, wall clock), the
roll-up of a busy day's turns, and what recording a turn costs the conversation (one RPUSH).
Not part of the test suite; never fails on a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from core import db as dbmod, insights  # noqa: E402
from core.models import Base, Escalation  # noqa: E402
from core.models_insights import ConversationFact  # noqa: E402
from core.models_twilio import CallEvent  # noqa: E402
from core.redis_client import make_redis  # noqa: E402
from core.reply import Prompt, Reply  # noqa: E402

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.timezone.utc)
JOURNEYS = ["plans", "refund", "cancel_plan", "cancel_line", "change_number", "block", "troubleshoot", "reactivate"]
STEPS = ["pin", "reason", "confirm", "menu", "which", "plan"]


def build(db, lines: int, chunk: int = 20000) -> tuple[int, int, int]:
    rnd = random.Random(24)
    total = int(lines * 1.5)
    start = NOW - dt.timedelta(days=365)
    facts = calls = escs = 0
    esc_id = 0
    while facts < total:
        n = min(chunk, total - facts)
        fact_rows, call_rows, esc_rows = [], [], []
        for i in range(n):
            # In the order the roll-up writes them: by time.
            began = start + dt.timedelta(seconds=(facts + i + rnd.random()) * 365 * 86400 / total)
            ended = began + dt.timedelta(seconds=rnd.randint(20, 400))
            door = "voice" if rnd.random() < 0.6 else "sms"
            lang = "es" if rnd.random() < 0.2 else "en"
            r = rnd.random()
            result = "person" if r < 0.2 else "done" if r < 0.75 else "gave_up"
            journey = rnd.choice(JOURNEYS) if rnd.random() < 0.9 else None
            turns = rnd.randint(1, 8)
            fact_rows.append(dict(thread=f"t{facts + i}", door=door, lang=lang, contact=f"{rnd.randrange(lines):016x}",
                                  started_at=began, ended_at=ended, journey=journey, result=result,
                                  step=rnd.choice(STEPS) if result == "gave_up" else None,
                                  stage="asked,identified,done" if result == "done" else "asked",
                                  turns=turns, not_understood=rnd.randint(0, 1), clarified=int(rnd.random() < 0.1),
                                  clarified_to=rnd.choice(JOURNEYS) if rnd.random() < 0.05 else None,
                                  repeated=rnd.random() < 0.1))
            handed = None
            if result == "person":
                esc_id += 1
                handed = esc_id
                claimed = ended + dt.timedelta(seconds=rnd.randint(10, 1800))
                esc_rows.append(dict(id=esc_id, created_at=ended, channel=door, reason=rnd.choice(
                    ["caller_asked", "failed_inputs", "pin_locked"]), context={"lang": lang, "asked": journey},
                    outcome="connected", state="done", claimed_at=claimed, closed_at=claimed + dt.timedelta(minutes=5),
                    wrap_up=rnd.choice(["self_service", "called_back", "other"]), verified=False))
            if door == "voice":
                call_rows.append(dict(call_sid=f"CA{facts + i}", ended_at=ended + dt.timedelta(seconds=30),
                                      call_status="completed", duration_s=int((ended - began).total_seconds()) + 30,
                                      outcome="transferred" if handed else "completed", lang=lang, escalation_id=handed))
        with db() as s, s.begin():
            s.execute(ConversationFact.__table__.insert(), fact_rows)
            if esc_rows:
                s.execute(Escalation.__table__.insert(), esc_rows)
            if call_rows:
                s.execute(CallEvent.__table__.insert(), call_rows)
        facts, calls, escs = facts + n, calls + len(call_rows), escs + len(esc_rows)
        print(f"\r  {facts:,} conversations, {calls:,} calls, {escs:,} cases", end="", flush=True)
    print()
    return facts, calls, escs


def best(fn, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--lines", type=int, default=1_000_000)
    args.add_argument("--reuse", action="store_true", help="the year built by a run with --keep")
    args.add_argument("--keep", action="store_true", help="leave the year in the database")
    opts = args.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'bench-insights.db'}"
    engine = dbmod.make_engine(url)
    if not opts.reuse:
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
        dbmod.upgrade(url)
        engine = dbmod.make_engine(url)
    db = dbmod.make_sessionmaker(engine)
    print(f"a year of events for {opts.lines:,} lines on {engine.dialect.name}:")
    t = time.perf_counter()
    if opts.reuse:
        with engine.connect() as conn:
            facts, calls, escs = (conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                                  for t in ("conversation_facts", "call_events", "escalations"))
    else:
        facts, calls, escs = build(db, opts.lines)
        print(f"  built in {time.perf_counter() - t:.0f} s")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    today = dt.datetime.combine(NOW.date(), dt.time(), dt.timezone.utc)
    print(f"\n{'range':<24} {'conversations':>14} {'figures()':>10}")
    for name, days in (("today", 0), ("7 days", 6), ("30 days", 29), ("a year", 364)):
        f = insights.Filters(today - dt.timedelta(days=days), today + dt.timedelta(days=1))
        fig = insights.figures(db, f, now=NOW)
        print(f"{name:<24} {fig.conversations:>14,} {best(lambda: insights.figures(db, f, now=NOW)) * 1000:>8.0f} ms")
    f = insights.Filters(today - dt.timedelta(days=29), today + dt.timedelta(days=1), door="voice", lang="es",
                         journey="cancel_line")
    print(f"{'30 days, all 3 filters':<24} {insights.figures(db, f, now=NOW).conversations:>14,} "
          f"{best(lambda: insights.figures(db, f, now=NOW)) * 1000:>8.0f} ms")

    # A busy day's turns (the line's conversations a day, four turns each), rolled up.
    r = make_redis(os.environ.get("BENCH_REDIS_URL"))
    r.delete(insights.TURNS_KEY)
    per_day = int(opts.lines * 1.5 / 365)
    reply = Reply([Prompt("ask_pin")], "pin")
    rnd = random.Random(7)
    costs = []
    day = NOW - dt.timedelta(hours=3)
    for i in range(per_day):
        caller = f"+1555{rnd.randrange(10**7):07d}"
        for k in range(4):
            t = time.perf_counter()
            insights.record_turn(r, door="voice", lang="en", caller=caller, thread=f"CAb{i}", step="command",
                                 reply=reply, journey="plans", secret="bench", now=day + dt.timedelta(seconds=i + k))
            costs.append((time.perf_counter() - t) * 1e6)
    t = time.perf_counter()
    made = insights.roll_up(db, r, now=NOW)
    print(f"\na day's turns ({per_day * 4:,} turns, {per_day:,} conversations): roll-up {time.perf_counter() - t:.1f} s "
          f"({made:,} conversations made)")
    q = statistics.quantiles(costs, n=100)
    print(f"recording a turn (record_turn, one RPUSH, {'Redis ' + os.environ['BENCH_REDIS_URL'] if os.environ.get('BENCH_REDIS_URL') else 'in-process stand-in'}): "
          f"median {q[49]:.0f} µs, p99 {q[98]:.0f} µs")
    r.delete(insights.TURNS_KEY)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM conversation_facts WHERE thread LIKE 'CAb%'"))
        conn.execute(text("DELETE FROM turn_events"))
        if not opts.keep:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    print(f"\n(measured {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}; {facts:,} conversations, {calls:,} calls, {escs:,} cases)")


if __name__ == "__main__":
    main()
