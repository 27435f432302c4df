"""PostgreSQL cut or slowed behind a TCP proxy: every webhook still answers 200 with TwiML;
a change whose transaction did not commit is reported as not done; one that committed is
never repeated on retry."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy.engine import make_url

from core.models import AuditEvent
from tests.clients import Phone
from tests.conftest import Twilio
from tests.helpers import count, plan
from tests.tcpproxy import TcpProxy


@pytest.fixture
def proxied(settings, make_app):
    url = make_url(settings.database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): an embedded SQLite file has no connection to cut")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    app = make_app(database_url=url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    yield app, proxy
    proxy.close()


def test_a_cut_database_is_explained_and_nothing_is_half_applied(proxied, deps, demo):
    app, proxy = proxied
    twilio = Twilio(app.test_client())
    dana = Phone(twilio, "+15557770001")
    dana.text("STOP PLAN Text Archive")
    assert "Cancel Text Archive" in dana.text("1234")

    proxy.sever()
    reply = dana.text("YES")
    assert "nothing was changed" in reply.lower() or "can't handle requests" in reply
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    call = {"CallSid": "CA" + "e" * 32, "From": "+15557770001", "To": "+15550109000"}
    for path in ("/voice", "/voice/input?expect=confirm"):
        resp = twilio.post(path, {**call, "Digits": "1"})
        assert resp.status_code == 200 and ET.fromstring(resp.data).tag == "Response"
    assert app.test_client().get("/readyz").status_code == 503

    proxy.restore()
    assert dana.text("YES").startswith("Done")  # the same confirmation, now through
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied") == 1


def test_a_committed_change_is_not_repeated_when_twilio_retries(proxied, deps, demo, monkeypatch):
    """The commit went through but the answer was lost: Twilio sends the same MessageSid again."""
    app, proxy = proxied
    twilio = Twilio(app.test_client())
    dana = Phone(twilio, "+15557770001")
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")
    first = dana.text("YES", sid="SM" + "f" * 32)
    proxy.sever()  # the connection dies right after
    proxy.restore()
    again = dana.text("YES", sid="SM" + "f" * 32)
    assert first == again and first.startswith("Done")
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied") == 1


def test_a_slow_database_still_answers(proxied, deps, demo):
    app, proxy = proxied
    proxy.delay = 0.05  # 50 ms on every packet each way
    dana = Phone(Twilio(app.test_client()), "+15557770001")
    started = time.perf_counter()
    assert "PIN" in dana.text("PLANS")
    assert dana.text("1234").startswith("PIN OK")
    assert time.perf_counter() - started < 10


def test_the_connection_dying_inside_the_change_is_reported_as_not_done(proxied, deps, demo):
    from sqlalchemy import event

    app, proxy = proxied
    engine = app.extensions["switchboard"].engine
    dana = Phone(Twilio(app.test_client()), "+15557770001")
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")

    def cut_at_the_update(conn, cursor, statement, *args):
        if statement.startswith("UPDATE plans"):
            proxy.sever()

    event.listen(engine, "before_cursor_execute", cut_at_the_update)
    reply = dana.text("YES")
    event.remove(engine, "before_cursor_execute", cut_at_the_update)
    assert "that didn't go through: nothing was changed" in reply
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    proxy.restore()
    assert dana.text("YES").startswith("Done")  # the pending confirmation is still there
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied") == 1


def test_the_connection_dying_at_commit_is_reported_as_unknown_and_a_retry_applies_once(proxied, deps, demo):
    from sqlalchemy import event

    app, proxy = proxied
    engine = app.extensions["switchboard"].engine
    dana = Phone(Twilio(app.test_client()), "+15557770001")
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")
    armed = {"on": False}

    def cut_at_commit(conn):
        if armed["on"]:
            armed["on"] = False
            proxy.sever()

    def arm(conn, cursor, statement, *args):
        if statement.startswith("UPDATE plans"):
            armed["on"] = True

    event.listen(engine, "before_cursor_execute", arm)
    event.listen(engine, "commit", cut_at_commit)
    reply = dana.text("YES")
    event.remove(engine, "before_cursor_execute", arm)
    event.remove(engine, "commit", cut_at_commit)
    assert "couldn't confirm that went through" in reply
    proxy.restore()
    again = dana.text("YES")
    assert again.startswith("Done") or "already cancelled" in again
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied") == 1
