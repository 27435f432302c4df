"""Structured logs, metrics, and the promise that a PIN is never written anywhere."""

from __future__ import annotations

import io
import json
import logging

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import inspect, select, text

from core.demo import demo_document
from core.account_data import export_document, import_document
from tests.conftest import TEST_PIN_SECRET, Twilio
from tests.clients import Phone
from web.observe import configure_logging

SECRET_PIN = "739164"  # Sam's PIN in these tests: a string that appears nowhere else
WRONG_PIN = "582047"


@pytest.fixture
def logs(app):
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    engine_log = logging.getLogger("sqlalchemy.engine")
    engine_log.setLevel(logging.DEBUG)  # every statement and its parameters
    yield stream
    engine_log.setLevel(logging.WARNING)
    configure_logging("INFO")


@pytest.fixture
def secret_demo(deps, clock):
    doc = demo_document(clock().date())
    for account in doc["accounts"]:
        for line in account["lines"]:
            if line["login_id"] == "sam":
                line["pin"] = SECRET_PIN
    import_document(deps.db, doc, pin_secret=TEST_PIN_SECRET)


def test_each_request_logs_one_json_line_with_its_sid_step_and_outcome(client, demo, logs):
    phone = Phone(Twilio(client), "+15557770001")
    phone.text("PLANS", sid="SM" + "a" * 32)
    lines = [json.loads(line) for line in logs.getvalue().splitlines() if line.startswith("{")]
    answered = [entry for entry in lines if entry.get("event") == "answered"]
    assert answered[-1]["request_id"] == "SM" + "a" * 32
    assert answered[-1]["step"] == "pin" and answered[-1]["outcome"] == "ask_pin"
    assert answered[-1]["route"] == "/sms" and answered[-1]["status"] == 200


def test_a_pin_is_never_in_logs_database_audit_exports_metrics_or_answers(app, client, deps, secret_demo, logs, call):
    twilio = Twilio(client)
    t = call("+15557770003", ["1", "1", f"{SECRET_PIN}#", "0", "answer"])
    t2 = call("+15550000777", ["1", "1", "5550100003#", f"{WRONG_PIN}#", "hangup"])
    answers = []
    sms = Phone(twilio, "+15557770003")
    for body in ["PLANS", WRONG_PIN, SECRET_PIN, "STOP PLAN", "1", "YES", "CANCEL LINE", "SKIP", "NO"]:
        answers.append(sms.text(body))
    other = Phone(twilio, "+15550100003")
    for body in ["REFUND", WRONG_PIN, WRONG_PIN, WRONG_PIN, SECRET_PIN]:
        answers.append(other.text(body))  # the fifth wrong PIN locks the line (R9)
    assert any("locked for 15 min" in a for a in answers)
    answers += t.transport.answers + t2.transport.answers
    everything = [logs.getvalue(), json.dumps(export_document(deps.db)), client.get("/metrics").get_data(as_text=True),
                  *answers, _database_text(deps)]
    for blob in everything:
        assert SECRET_PIN not in blob and WRONG_PIN not in blob
    assert "answered" in logs.getvalue()  # the logs were captured at all


def _database_text(deps) -> str:
    parts = []
    with deps.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                parts.append(repr(tuple(row)))
    return "\n".join(parts)


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_count_latency_and_outcomes(client, demo):
    before = value("switchboard_events_total", action="cancel_plan", outcome="applied", reason="")
    before_lat = value("switchboard_request_seconds_count", route="/sms", method="POST", status="200")
    phone = Phone(Twilio(client), "+15557770001")
    for body in ["STOP PLAN Text Archive", "1234", "YES"]:
        phone.text(body)
    assert value("switchboard_events_total", action="cancel_plan", outcome="applied", reason="") == before + 1
    assert value("switchboard_request_seconds_count", route="/sms", method="POST", status="200") == before_lat + 3
    body = client.get("/metrics").get_data(as_text=True)
    assert "switchboard_request_seconds_bucket" in body and "switchboard_events_total" in body


def test_refusals_are_counted_by_reason(client, demo):
    before = value("switchboard_events_total", action="cancel_plan", outcome="refused", reason="app_store_plan")
    phone = Phone(Twilio(client), "+15557770002")
    for body in ["STOP PLAN Call Recording", "2468"]:
        phone.text(body)
    assert value("switchboard_events_total", action="cancel_plan", outcome="refused",
                 reason="app_store_plan") == before + 1


def test_a_rolled_back_change_is_not_counted(deps, demo, clock):
    from core import services

    dana = services.find_line(deps.db, "dana")
    with deps.db() as s:
        from core.models import Line, Plan
        pid = s.execute(select(Plan.id).join(Line).where(Line.login_id == "dana", Plan.product == "Text Archive")).scalar()
    before = value("switchboard_events_total", action="cancel_plan", outcome="applied", reason="")

    def broken(kind, data, lang):
        raise RuntimeError("no receipt")

    with pytest.raises(RuntimeError):
        services.cancel_plan(deps.db, actor=dana, line_id=dana.line_id, plan_id=pid, now=clock(),
                             req=services.Request(channel="voice", receipt_to="+1", receipt=broken))
    assert value("switchboard_events_total", action="cancel_plan", outcome="applied", reason="") == before


def test_an_error_while_checking_a_pin_leaves_no_trace_of_it(client, deps, secret_demo, logs, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("hash module exploded")

    monkeypatch.setattr("core.services.check_pin", broken)
    phone = Phone(Twilio(client), "+15557770003")
    phone.text("PLANS")
    answer = phone.text(SECRET_PIN)
    assert "something went wrong" in answer
    assert "hash module exploded" in logs.getvalue()  # the error itself is logged…
    assert SECRET_PIN not in logs.getvalue() and SECRET_PIN not in answer  # …the PIN is not
