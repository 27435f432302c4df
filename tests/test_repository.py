"""What a newcomer runs works from the repository alone: ``.ci/`` in a clone with no
``shared/`` beside it (and through ``shared/ci-services.sh`` where there is one), pytest's
"no tests" not passing; quiet commands (the Redis stand-in said once, by ``serve``, in plain
words); a favicon; ``seed-demo`` printing what the database holds; and every journey tried
without a phone: the texts the bot would send printed in development (one-time codes
included, R21) and never in production, and the call simulator's status callback and keys
at a recording."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import outbox
from core.models import OutboundText
from core.models_twilio import CallEvent
from core.twilio_rest import PrintingSender

ROOT = Path(__file__).resolve().parent.parent
DANA = "+15557770001"


def _clone(tmp_path: Path) -> Path:
    """A fresh clone of this repository's committed state (what CI checks out)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(target)], check=True,
                   capture_output=True, timeout=120)
    return target


def _services_up() -> bool:
    return bool(shutil.which("pg_isready") and shutil.which("redis-cli")) and subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0


# .ci/ in any clone --------------------------------------------------------------------------
def test_ci_services_in_a_clone_without_shared_beside_it_finds_postgresql_and_redis(tmp_path):
    if not _services_up():
        pytest.skip("PostgreSQL and Redis are not running here (.ci/services.sh would install them)")
    clone = _clone(tmp_path)
    assert not (clone.parent / "shared").exists()
    out = subprocess.run(["bash", ".ci/services.sh"], cwd=clone, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    urls = dict(line.split("=", 1) for line in out.stdout.splitlines())
    assert urls == {"TEST_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/switchboard_test",
                    "TEST_REDIS_URL": "redis://127.0.0.1:6379/15"}
    import redis
    from sqlalchemy import create_engine, text

    engine = create_engine(urls["TEST_DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()
    assert redis.Redis.from_url(urls["TEST_REDIS_URL"]).ping()


def test_ci_services_uses_shared_ci_services_where_a_clone_sits_beside_it(tmp_path):
    clone = _clone(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "ci-services.sh").write_text("echo TEST_DATABASE_URL=postgresql+psycopg://ci@db/ci\n"
                                           "echo TEST_REDIS_URL=redis://ci:6379/3\n")
    out = subprocess.run(["bash", ".ci/services.sh"], cwd=clone, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["TEST_DATABASE_URL=postgresql+psycopg://ci@db/ci",
                                       "TEST_REDIS_URL=redis://ci:6379/3"]


def test_ci_run_fails_when_pytest_collects_no_tests():
    """pytest's exit 5 ("no tests ran") is a failure of CI, not a pass."""
    if not _services_up() or not os.path.exists("/usr/bin/chromium") or not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("needs PostgreSQL, Redis, /usr/bin/chromium and .venv (what .ci/run sets up)")
    env = {**os.environ, "TEST_DATABASE_URL": os.environ.get("TEST_DATABASE_URL") or "sqlite:///unused.db",
           "TEST_REDIS_URL": os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"}
    out = subprocess.run(["bash", ".ci/run", "tests/test_docs.py", "-k", "no_test_is_named_like_this"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 1, (out.returncode, out.stdout[-2000:], out.stderr[-2000:])
    assert "0 selected" in out.stdout and "collected no tests (exit 5): that is a failure" in out.stderr


# Quiet commands -----------------------------------------------------------------------------
def _switchboard(*args: str, env_extra: dict | None = None, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "SWITCHBOARD_ENV")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", **(env_extra or {}))
    return subprocess.run([sys.executable, "-c", "from wsgi import cli; cli()", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_commands_do_not_warn_about_the_redis_stand_in_help_included(tmp_path):
    for args in (["--help"], ["db", "upgrade"], ["seed-demo"], ["calls", "report"], ["outbox"]):
        out = _switchboard(*args, tmp_path=tmp_path)
        assert out.returncode == 0, (args, out.stderr)
        assert "stand-in" not in out.stdout + out.stderr and "fakeredis" not in out.stdout + out.stderr, args
        assert not any(line.startswith("{") for line in out.stderr.splitlines()), (args, out.stderr)


def test_serve_says_once_in_plain_words_that_redis_is_the_in_process_stand_in(app, capsys, monkeypatch):
    from gunicorn.app.base import BaseApplication

    from web.server import run_gunicorn

    monkeypatch.setattr(BaseApplication, "run", lambda self: None)  # the words before serving, not serving
    monkeypatch.setattr("vocabulary.understand.model", lambda: None)
    settings = app.extensions["switchboard"].settings.with_(redis_url=None)
    run_gunicorn(app, host="127.0.0.1", port=5099, workers=1, settings=settings)
    err = capsys.readouterr().err
    assert err.count("REDIS_URL not set: in-process Redis stand-in (one process only)") == 1
    assert "{" not in err


def test_the_favicon_answers(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200 and resp.mimetype == "image/vnd.microsoft.icon"
    assert resp.data[:4] == b"\x00\x00\x01\x00" and b"PNG" in resp.data[:40]


# seed-demo says what is there ---------------------------------------------------------------
def test_seed_demo_again_prints_what_the_database_holds_not_the_original_list(runner, deps, clock, phone):
    from core import services

    first = runner.invoke(args=["seed-demo"])
    assert "+15550100003  sam      PIN 1357    from +15557770003  [active]" in first.output
    sam = services.find_line(deps.db, "sam")
    assert services.change_number(deps.db, actor=sam, line_id=sam.line_id, now=clock(),
                                  req=services.Request(channel="sms")).applied
    dana = phone(DANA)
    dana.text("CANCEL LINE")
    dana.text("1234")
    dana.text("YES")  # Text Archive
    dana.text("YES")  # Call Recording
    assert "is cancelled" in dana.text("YES")  # the line
    from core.models import Line

    with deps.db() as s:
        held = s.scalars(select(Line).where(Line.login_id == "dana")).one()
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "kept as it is" in again.output
    assert "+15550100900  sam      PIN 1357" in again.output and "+15550100003  sam" not in again.output
    assert held.status != "active"
    assert f"dana     PIN 1234    from +15557770001  [{held.status}]" in again.output


# Texts printed in development, never in production (R21's codes included) --------------------
def _forgot_pin_code(phone) -> None:
    dana = phone(DANA)
    dana.text("PLANS")
    dana.text("CODE")
    assert "code" in dana.text("+15550100001").lower()


def test_in_development_the_texts_the_bot_cannot_send_are_printed_one_time_code_included_R21(
        phone, demo, deps, clock, capsys):
    _forgot_pin_code(phone)
    sender = deps.sender()
    assert isinstance(sender, PrintingSender) and not deps.settings.production
    report = outbox.send_due(deps.db, sender, clock)
    assert report.not_sent == 1
    err = capsys.readouterr().err
    assert "text not sent (development, no TWILIO_ACCOUNT_SID) to +15550100001" in err
    code = re.search(r"\b(\d{6})\b", err.split("to +15550100001", 1)[1]).group(1)
    with deps.db() as s:
        row = s.scalars(select(OutboundText)).one()
        assert row.status == "not_sent" and "printed on the terminal" in row.last_error
        assert code not in row.body  # R21: its words are not kept once it was given up


def test_the_printed_code_verifies_like_the_pin_R21(phone, demo, deps, clock, capsys):
    _forgot_pin_code(phone)
    outbox.send_due(deps.db, deps.sender(), clock)
    code = re.search(r"\b(\d{6})\b", capsys.readouterr().err.split("to +15550100001", 1)[1]).group(1)
    reply = phone(DANA).text(code)
    assert "Unlimited" in reply or "active" in reply.lower(), reply


def test_in_production_nothing_is_printed_and_the_text_is_marked_not_sent(make_app, capsys, clock):
    app = make_app(env="production", public_base_url="https://support.example.com",
                   secret_key="a-production-secret-key-of-some-length")
    d = app.extensions["switchboard"]
    assert d.sender() is None
    with d.db.begin() as s:
        s.add(OutboundText(to_number="+15550100001", body="Receipt 778899: Text Archive won't renew",
                           secret=False, status="queued", created_at=clock(), attempts=0))
    report = outbox.send_due(d.db, d.sender(), clock)
    assert report.not_sent == 1
    captured = capsys.readouterr()
    assert "778899" not in captured.out + captured.err and "text not sent" not in captured.err


# The call simulator: status callbacks and keys at a recording -------------------------------
def test_simulated_calls_send_the_status_callback_so_calls_report_counts_them(app, demo, runner):
    from ivr.simulate import CallSimulator, scripted
    from tests.clients import CheckedTransport

    for answers in (["1", "1", "1234#", "2", "1", "hangup"], ["hangup"], ["0", "busy", "record"]):
        sim = CallSimulator(CheckedTransport([app]), DANA, "+15550109000", scripted(answers),
                            status_callback="/voice/status")
        t = sim.run("/voice")
        assert t.kinds()[-1] == "status"
    deps = app.extensions["switchboard"]
    with deps.db() as s:
        assert s.scalar(select(func.count()).select_from(CallEvent)) == 3
    report = runner.invoke(args=["calls", "report"])
    assert "calls ended since" in report.output and ": 3 (" in report.output, report.output


def test_the_simulate_call_command_sends_the_status_callback_unless_told_not_to(app, demo, runner, tmp_path):
    script = tmp_path / "answers.txt"
    script.write_text("hangup\n")
    out = runner.invoke(args=["simulate", "call", "--from", DANA, "--script", str(script)])
    assert out.exit_code == 0 and "[status] completed" in out.output, out.output
    out = runner.invoke(args=["simulate", "call", "--from", DANA, "--script", str(script), "--no-status-callback"])
    assert out.exit_code == 0 and "[status]" not in out.output
    with app.extensions["switchboard"].db() as s:
        assert s.scalar(select(func.count()).select_from(CallEvent)) == 1


def test_star_during_the_recording_asks_for_a_call_back_R15(call, demo, deps):
    from core.models import Escalation

    t = call(DANA, ["0", "no-answer", "*", "1"])
    assert "record" in t.kinds()
    with deps.db() as s:
        esc = s.scalars(select(Escalation)).one()
        assert esc.callback_number == DANA and not esc.recording_url


def test_a_message_ended_with_a_key_is_kept_and_a_key_the_record_does_not_take_is_refused(call, demo, deps):
    from core.models import Escalation
    from ivr.simulate import SimulationError

    call(DANA, ["0", "busy", "record #"])
    with deps.db() as s:
        assert s.scalars(select(Escalation)).one().recording_url.startswith("https://api.twilio.com/recordings/RE")
    with pytest.raises(SimulationError, match="does not end this <Record>"):
        call(DANA, ["0", "busy", "record 5"])
