"""The switchboard command: db upgrade, import, export, run-due, seed-demo."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from core.models import Line, Plan
from core.account_data import export_document
from tests.core.test_account_data import CONTRACT_EXAMPLE, exported, without_pins_with_audit


def test_import_then_export_gives_the_file_back(runner, deps, tmp_path):
    f = tmp_path / "accounts.json"
    f.write_text(json.dumps(CONTRACT_EXAMPLE))
    result = runner.invoke(args=["import", str(f)])
    assert result.exit_code == 0, result.output
    assert "1 new lines" in result.output
    out = runner.invoke(args=["export"])
    assert out.exit_code == 0
    assert json.loads(out.output) == export_document(deps.db)
    assert exported(deps) == without_pins_with_audit(CONTRACT_EXAMPLE)


def test_a_bad_import_names_the_problem_and_writes_nothing(runner, deps, tmp_path):
    bad = json.loads(json.dumps(CONTRACT_EXAMPLE))
    bad["accounts"][0]["lines"][0]["number"] = "0100001"
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(bad))
    result = runner.invoke(args=["import", str(f)])
    assert result.exit_code == 1
    assert "lines[0] (jdoe, 0100001).number: '0100001' is not an E.164 number" in result.output
    assert "nothing imported" in result.output
    with deps.db() as s:
        assert s.execute(select(func.count()).select_from(Line)).scalar() == 0


def test_import_refuses_a_file_that_is_not_json(runner, tmp_path):
    f = tmp_path / "junk.json"
    f.write_text("{not json")
    result = runner.invoke(args=["import", str(f)])
    assert result.exit_code == 1 and "not valid JSON" in result.output


def _states(deps):
    with deps.db() as s:
        lines = {ln.login_id: (ln.status, ln.status_reason) for ln in s.execute(select(Line)).scalars()}
        ended = set(s.execute(select(Line.login_id, Plan.product).join(Plan).where(Plan.ended)).all())
    return lines, ended


def test_seed_demo_and_run_due(runner, deps):
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0 and "+15550100010  jdoe" in seeded.output
    lines, ended = _states(deps)
    assert lines["pat"] == ("suspended", "unpaid") and lines["chrisw"] == ("cancel_pending", "user")
    assert ended == set()
    due = runner.invoke(args=["run-due", "--now", "2027-06-01T00:00:00Z"])
    # Pat's unpaid line lapses and, 30 days past its term, is released; Chris's (R3) is released.
    assert due.exit_code == 0
    assert "2 plans ended, 2 lines released, 1 lines lapsed" in due.output, due.output
    after, ended = _states(deps)
    assert after == {**lines, "pat": ("released", "unpaid"), "chrisw": ("released", "user")}
    assert ended == {("pat", "Unlimited Monthly"), ("chrisw", "Unlimited Monthly")}
    again = runner.invoke(args=["run-due", "--now", "2027-06-01T00:00:00Z"])
    assert "0 plans ended, 0 lines released, 0 lines lapsed" in again.output
    assert _states(deps) == (after, ended)


def test_run_due_rejects_a_bad_time(runner):
    result = runner.invoke(args=["run-due", "--now", "yesterday"])
    assert result.exit_code == 2 and "not an ISO 8601" in result.output


def test_export_of_an_unknown_number(runner):
    result = runner.invoke(args=["export", "--number", "+15550000000"])
    assert result.exit_code == 1 and "no line has the number" in result.output


# Issue 9 (10): an import refuses whole, with named errors only -------------------------------
NEW_LINE = {
    "login_id": "newbie", "number": "+15550100050", "pin": "2580", "contacts": ["+15557770050"],
    "status": "active", "status_reason": None, "usage_credits": "1.00",
    "plans": [{"product": "Unlimited Monthly", "kind": "number", "period": "monthly",
               "channel": "portal", "term_end": "2026-12-20", "auto_renew": True}],
    "blocked": [],
}


def new_account(*extra_lines, **line_changes):
    line = {**json.loads(json.dumps(NEW_LINE)), **line_changes}
    return {"accounts": [{"name": "New Co", "admin": line["login_id"], "lines": [line, *extra_lines]}]}


def demo_line(demo, login):
    line = next(ln for a in demo["accounts"] for ln in a["lines"] if ln["login_id"] == login)
    return json.loads(json.dumps(line))


def import_file(runner, tmp_path, doc=None, *, text=None, options=()):
    f = tmp_path / "import.json"
    f.write_text(json.dumps(doc) if text is None else text, encoding="utf-8")
    return runner.invoke(args=["import", *options, str(f)])


def assert_refused_cleanly(result, expected):
    """Refused whole: exit 1, the named error, one summary, never a traceback, hash or salt."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert expected in result.output, result.output
    assert "nothing imported" in result.output
    for word in ("Traceback", "pin_hash", "pin_salt", "INSERT", "UPDATE", "parameters"):
        assert word not in result.output


def with_account(doc, **changes):
    doc["accounts"][0].update(changes)
    return doc


def with_plan(doc, **changes):
    doc["accounts"][0]["lines"][0]["plans"][0].update(changes)
    return doc


@pytest.mark.parametrize("make, expected", [
    pytest.param(lambda demo: new_account(login_id="maria"),
                 "accounts[0] (New Co) lines[0] (maria, +15550100050).login_id: 'maria' is already "
                 "the login_id of +15550100011", id="login_id of a line in the database"),
    pytest.param(lambda demo: with_account(new_account(), name="New\x00Co"),
                 "accounts[0] (New\\x00Co).name: must not contain control characters", id="NUL in a name"),
    pytest.param(lambda demo: new_account(login_id="new\x00bie"),
                 "lines[0] (new\\x00bie, +15550100050).login_id: must not contain control characters",
                 id="NUL in a login_id"),
    pytest.param(lambda demo: with_account(new_account(), name="New \ud800"),
                 "accounts[0] (New \\ud800).name: must be valid Unicode (it has a lone surrogate)", id="lone surrogate"),
    pytest.param(lambda demo: new_account(usage_credits="10000000000.00"),
                 "lines[0] (newbie, +15550100050).usage_credits: '10000000000.00' is not an amount "
                 "from 0.00 to 9999999999.99", id="credits too large"),
    pytest.param(lambda demo: with_account(new_account(), name="N" * 201),
                 ".name: longer than 200 characters", id="name too long"),
    pytest.param(lambda demo: new_account(login_id="n" * 101),
                 ".login_id: longer than 100 characters", id="login_id too long"),
    pytest.param(lambda demo: with_plan(new_account(), product="P" * 101),
                 ".plans[0] (" + "P" * 40 + "…).product: longer than 100 characters", id="product too long"),
    pytest.param(lambda demo: new_account(status="cancel_pending", status_reason="user"),
                 "lines[0] (newbie, +15550100050).plans[0] (Unlimited Monthly).auto_renew: a line its user "
                 "cancelled (R3) renews nothing", id="cancel_pending with a renewing plan R3"),
    pytest.param(lambda demo: new_account(login_id="+15550100011"),
                 ".login_id: '+15550100011' is the number of another line (+15550100011)",
                 id="login_id is another line's number"),
    pytest.param(lambda demo: new_account(login_id="5550100011"),
                 ".login_id: '5550100011' is the number of another line (+15550100011)",
                 id="login_id reads as another line's number"),
    pytest.param(lambda demo: new_account(contacts=["+15550100011"]),
                 ".contacts[0]: +15550100011 is the number of another line", id="contact is another line"),
    pytest.param(lambda demo: new_account(blocked=["+15550100050"]),
                 ".blocked[0]: +15550100050 is the line's own number or a contact", id="blocks its own number"),
    pytest.param(lambda demo: new_account(blocked=["+15557770050"]),
                 ".blocked[0]: +15557770050 is the line's own number or a contact", id="blocks its contact"),
    pytest.param(lambda demo: new_account(number="+15550100900"),
                 ".number: +15550100900 is in the pool of available numbers", id="number in the pool"),
    pytest.param(lambda demo: new_account(number="+15550100050\n"),
                 ".number: '+15550100050\\n' is not an E.164 number", id="number with a newline"),
    pytest.param(lambda demo: new_account(number="+1555010005\u0660"),
                 ".number: '+1555010005\u0660' is not an E.164 number", id="number with Arabic-Indic digits"),
    pytest.param(lambda demo: new_account(pin="\u0661\u0662\u0663\u0664"),
                 ".pin: must be a string of 4 to 8 digits", id="PIN of Arabic-Indic digits"),
    pytest.param(lambda demo: new_account(pin="1234\n"), ".pin: must be a string of 4 to 8 digits",
                 id="PIN with a newline"),
    pytest.param(lambda demo: new_account(demo_line(demo, "maria")),
                 "lines[1] (maria, +15550100011): in the database it is a line of account 'Acme Plumbing'; "
                 "moving a line to another account needs --allow-move", id="moves a line"),
    pytest.param(lambda demo: {"accounts": [{"name": "Evil", "admin": "maria", "lines": [demo_line(demo, "maria")]}]},
                 "accounts[0] (Evil).admin: account 'Acme Plumbing' would have two admins: 'maria' and "
                 "'jdoe' (+15550100010), a line this file does not list", id="a second admin"),
    pytest.param(lambda demo: {"accounts": [
        {"name": "Acme A", "admin": "jdoe", "lines": [demo_line(demo, "jdoe")]},
        {"name": "Acme B", "admin": "maria", "lines": [demo_line(demo, "maria")]}]},
                 "accounts[1] (Acme B).admin: 'maria' is a line of account 'Acme Plumbing' in the database, "
                 "which accounts[0] (Acme A) is already", id="two accounts in one"),
])
def test_a_bad_import_is_refused_whole_with_a_named_error_and_no_traceback(runner, deps, demo, tmp_path,
                                                                              make, expected):
    before = export_document(deps.db)
    result = import_file(runner, tmp_path, make(demo))
    assert_refused_cleanly(result, expected)
    assert export_document(deps.db) == before


@pytest.mark.parametrize("text, expected", [
    pytest.param("[" * 100_000 + "]" * 100_000, "not valid JSON (nested too deeply)", id="deeply nested"),
    pytest.param('{"accounts": ' + "[" * 900 + "]" * 900 + "}", "accounts[0]: must be an object",
                 id="nested just under the parser's limit"),
    pytest.param('{"accounts": [], "available_numbers": [' + "9" * 5000 + "]}", "not valid JSON",
                 id="a number of 5000 digits"),
    pytest.param('{"accounts": [], "accounts": []}', "not valid JSON (the key 'accounts' is there twice)",
                 id="duplicate key"),
])
def test_a_file_no_parser_should_trust_is_refused_cleanly(runner, deps, demo, tmp_path, text, expected):
    before = export_document(deps.db)
    result = import_file(runner, tmp_path, text=text)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert expected in result.output and "Traceback" not in result.output
    assert export_document(deps.db) == before


def test_a_database_error_during_import_is_one_line_without_sql_parameters(runner, deps, demo, tmp_path,
                                                                           monkeypatch):
    # The last line of defence: as if validation had missed the clash on the unique login_id.
    import core.account_data
    from core.import_rules import Placement

    monkeypatch.setattr(core.account_data, "check", lambda doc, facts, **kw: (Placement(targets=[None]), []),
                        raising=False)
    result = import_file(runner, tmp_path, new_account(login_id="maria"))
    assert_refused_cleanly(result, "nothing imported: the database refused it (IntegrityError)")
    assert len(result.output.strip().splitlines()) == 1
    with deps.db() as s:
        assert s.execute(select(Line).where(Line.number == "+15550100050")).scalar() is None


def _account_of(deps, login):
    from core.models import Account

    with deps.db() as s:
        return s.execute(select(Account.name).join(Line).where(Line.login_id == login)).scalar_one()


def test_allow_move_moves_a_line_to_another_account_and_audits_it(runner, deps, demo, tmp_path):
    result = import_file(runner, tmp_path, new_account(demo_line(demo, "maria")), options=["--allow-move"])
    assert result.exit_code == 0, result.output
    assert _account_of(deps, "maria") == "New Co" and _account_of(deps, "newbie") == "New Co"
    assert _account_of(deps, "jdoe") == "Acme Plumbing" and _account_of(deps, "lee") == "Acme Plumbing"
    with deps.db() as s:
        admins = {ln.login_id for ln in s.execute(select(Line).where(Line.is_admin)).scalars()}
    assert {"jdoe", "newbie"} <= admins and "maria" not in admins
    maria = export_document(deps.db, "+15550100011")["accounts"][0]["lines"][0]
    assert maria["audit"][-1]["action"] == "line_updated" and maria["audit"][-1]["details"] == {"moved": True}


def test_allow_move_never_leaves_the_lines_behind_without_their_admin(runner, deps, demo, tmp_path):
    before = export_document(deps.db)
    doc = new_account(demo_line(demo, "jdoe"))
    result = import_file(runner, tmp_path, doc, options=["--allow-move"])
    assert_refused_cleanly(result, "lines[1] (jdoe, +15550100010): moving it would leave account "
                                   "'Acme Plumbing' without its admin")
    assert export_document(deps.db) == before


def test_allow_move_of_an_accounts_only_line_removes_the_empty_account(runner, deps, demo, tmp_path):
    from core.models import Account

    result = import_file(runner, tmp_path, new_account(demo_line(demo, "sam")), options=["--allow-move"])
    assert result.exit_code == 0, result.output
    assert _account_of(deps, "sam") == "New Co"
    with deps.db() as s:
        assert s.execute(select(Account).where(Account.name == "Sam Ortiz")).scalar() is None


def test_two_lines_can_swap_their_login_ids(runner, deps, demo, tmp_path):
    jdoe, maria = demo_line(demo, "jdoe"), demo_line(demo, "maria")
    jdoe["login_id"], maria["login_id"] = "maria", "jdoe"
    doc = {"accounts": [{"name": "Acme Plumbing", "admin": "maria", "lines": [jdoe, maria, demo_line(demo, "lee")]}]}
    result = import_file(runner, tmp_path, doc)
    assert result.exit_code == 0, result.output
    with deps.db() as s:
        logins = dict(s.execute(select(Line.number, Line.login_id)).all())
    assert logins["+15550100010"] == "maria" and logins["+15550100011"] == "jdoe"


def test_seed_demo_again_after_a_demo_line_changed_its_number_keeps_it_and_says_so(runner, deps, clock):
    """`dev.py run` seeds the demo on every start: a number changed through the bot must not stop it."""
    from core import services

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    sam = services.find_line(deps.db, "sam")
    assert services.change_number(deps.db, actor=sam, line_id=sam.line_id, now=clock(),
                                  req=services.Request(channel="sms")).applied
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert "kept as it is" in again.output and "Traceback" not in again.output
    assert services.find_line(deps.db, "sam").number == "+15550100900"


def test_the_app_imports_its_commands_only_when_the_cli_looks_them_up(settings):
    """A web worker builds the app and never runs a command: web/cli.py, the simulators and the
    demo data stay unimported (about 0.5 MB a worker: bench/README.md, "Memory a worker") until
    the CLI first lists or looks up a command; then every command is there."""
    import os
    import subprocess
    import sys

    script = (
        "import sys, wsgi\n"
        "app = wsgi.create_app()\n"
        "lazy = ('web.cli', 'web.twilio_cli', 'web.phrases_cli', 'web.simulator', 'sms.simulate',"
        " 'ivr.simulate', 'core.demo')\n"
        "print(sorted(m for m in lazy if m in sys.modules))\n"
        "import click\n"
        "ctx = click.Context(app.cli)\n"
        "names = app.cli.list_commands(ctx)\n"
        "print(sorted(m for m in lazy if m in sys.modules))\n"
        "print(' '.join(names))\n"
        "print(' '.join(app.cli.get_command(ctx, 'simulate').list_commands(ctx)))\n"
    )
    env = {**os.environ, "DATABASE_URL": settings.database_url, "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), timeout=120)
    assert out.returncode == 0, out.stderr
    before, after, names, simulators = out.stdout.splitlines()[-4:]
    assert before == "[]"
    assert after != "[]" and "'web.cli'" in after
    for name in ("db", "import", "export", "run-due", "seed-demo", "serve", "simulate", "worker", "outbox",
                 "phrases", "twilio", "calls", "agents", "appstore"):
        assert name in names.split(), names
    assert simulators.split() == ["call", "sms"], simulators
