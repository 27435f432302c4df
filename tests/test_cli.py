"""The switchboard command: db upgrade, import, export, run-due, seed-demo."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from core.models import Line
from core.transfer import export_document
from tests.core.test_transfer import CONTRACT_EXAMPLE, exported, without_pins_with_audit


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


def test_seed_demo_and_run_due(runner, deps):
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0 and "+15550100010  jdoe" in seeded.output
    due = runner.invoke(args=["run-due", "--now", "2027-06-01T00:00:00Z"])
    assert due.exit_code == 0 and "lines released" in due.output
    again = runner.invoke(args=["run-due", "--now", "2027-06-01T00:00:00Z"])
    assert "0 plans ended, 0 lines released, 0 lines lapsed" in again.output


def test_run_due_rejects_a_bad_time(runner):
    result = runner.invoke(args=["run-due", "--now", "yesterday"])
    assert result.exit_code == 2 and "not an ISO 8601" in result.output


def test_export_of_an_unknown_number(runner):
    result = runner.invoke(args=["export", "--number", "+15550000000"])
    assert result.exit_code == 1 and "no line has the number" in result.output
