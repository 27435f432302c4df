"""PostgreSQL cut or slowed behind a TCP proxy: every webhook still answers 200 with TwiML;
a change whose transaction did not commit is reported as not done; one whose outcome is
unknown is never reported as "nothing was changed"; a retry never applies anything twice.

The cut (``tests/tcpproxy.py``) resets the app's side and leaves PostgreSQL's side open and
silent, as a real cut leaves the side that isn't told: a dead transaction keeps its row lock
until the database's own timeouts end it (``core/db.py``), which must happen before a retry
gives up waiting for that lock."""

from __future__ import annotations

import socket
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from core import db as dbmod
from core.models import AuditEvent
from tests.clients import Phone
from tests.conftest import Twilio
from tests.helpers import count, plan
from tests.tcpproxy import TcpProxy

DANA = "+15557770001"


def _done(reply: str) -> bool:
    """Applied now, or found applied by an earlier attempt (wording of either)."""
    return reply.startswith("Done") or "already" in reply.lower()


def _applied(deps) -> int:
    return count(deps, AuditEvent, AuditEvent.action == "cancel_plan", AuditEvent.outcome == "applied")


def _needs_postgres(url) -> None:
    if make_url(url).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): an embedded SQLite file has no connection to cut")


@pytest.fixture
def proxied(settings, make_app):
    _needs_postgres(settings.database_url)
    url = make_url(settings.database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    app = make_app(database_url=url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    yield app, proxy
    proxy.close()


def _settled(deps) -> None:
    """Wait until no other session of this database is inside a transaction: a COMMIT that
    reached PostgreSQL has been applied (or its session ended) before we look."""
    deadline = time.monotonic() + dbmod.IDLE_IN_TRANSACTION_MS / 1000 + 2
    others_in_a_transaction = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend' AND xact_start IS NOT NULL")
    with deps.engine.connect() as c:
        while c.execute(others_in_a_transaction).scalar():
            c.rollback()
            assert time.monotonic() < deadline, "a transaction outlived the idle-in-transaction timeout"
            time.sleep(0.02)


def _arm_at(engine, statement_prefix: str, action) -> callable:
    """Run ``action`` at the commit of the transaction that ran ``statement_prefix``."""
    armed = {"on": False}

    def arm(conn, cursor, statement, *args):
        if statement.startswith(statement_prefix):
            armed["on"] = True

    def at_commit(conn):
        if armed["on"]:
            armed["on"] = False
            action()

    event.listen(engine, "before_cursor_execute", arm)
    event.listen(engine, "commit", at_commit)

    def disarm():
        event.remove(engine, "before_cursor_execute", arm)
        event.remove(engine, "commit", at_commit)
    return disarm


def test_a_cut_database_is_explained_and_nothing_is_half_applied(proxied, deps, demo):
    app, proxy = proxied
    twilio = Twilio(app.test_client())
    dana = Phone(twilio, DANA)
    dana.text("STOP PLAN Text Archive")
    assert "Cancel Text Archive" in dana.text("1234")

    proxy.sever()
    reply = dana.text("YES")
    assert "nothing was changed" in reply.lower() or "can't handle requests" in reply
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    call = {"CallSid": "CA" + "e" * 32, "From": DANA, "To": "+15550109000"}
    for path in ("/voice", "/voice/input?expect=confirm"):
        resp = twilio.post(path, {**call, "Digits": "1"})
        assert resp.status_code == 200 and ET.fromstring(resp.data).tag == "Response"
    assert app.test_client().get("/readyz").status_code == 503

    proxy.restore()
    assert _done(dana.text("YES"))  # the same confirmation, now through
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert _applied(deps) == 1


def test_a_committed_change_is_not_repeated_when_twilio_retries(proxied, deps, demo):
    """The commit went through but the answer was lost: Twilio sends the same MessageSid again."""
    app, proxy = proxied
    twilio = Twilio(app.test_client())
    dana = Phone(twilio, DANA)
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")
    first = dana.text("YES", sid="SM" + "f" * 32)
    proxy.sever()  # the connection dies right after
    proxy.restore()
    again = dana.text("YES", sid="SM" + "f" * 32)
    assert first == again and first.startswith("Done")
    assert _applied(deps) == 1


@pytest.mark.parametrize("cut", ["reset on the app's side", "closed by the database"])
def test_pooled_connections_that_died_between_requests_are_replaced_unseen(proxied, deps, demo, cut):
    """No ping before each checkout (core/db.py): a pooled connection the network reset, or
    whose backend the database ended, shows on its socket and is replaced at checkout. The
    first request after the database is back gets its real answer, not an apology."""
    app, proxy = proxied
    engine = app.extensions["switchboard"].engine
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    dana = Phone(Twilio(app.test_client()), DANA)
    assert "PIN" in dana.text("PLANS")
    assert engine.pool.checkedin() >= 1  # the connection that answered is pooled, alive
    proxy.sever(close_database_side=cut == "closed by the database")
    time.sleep(0.2)  # the database side's FIN (or nothing) has arrived
    proxy.restore()
    sent.clear()
    assert dana.text("1234").startswith("PIN OK")  # the PIN check's transaction: a checkout
    assert sent, "the PIN step sent no statement: it did not exercise a pooled connection"
    assert not any(s.strip().upper() == "SELECT 1" for s in sent)  # no liveness ping


def test_a_slow_database_still_answers(proxied, deps, demo):
    app, proxy = proxied
    proxy.delay = 0.05  # 50 ms on every packet each way
    dana = Phone(Twilio(app.test_client()), DANA)
    started = time.perf_counter()
    assert "PIN" in dana.text("PLANS")
    assert dana.text("1234").startswith("PIN OK")
    assert time.perf_counter() - started < 10


def test_the_connection_dying_inside_the_change_is_reported_as_not_done(proxied, deps, demo):
    """The UPDATE never reaches PostgreSQL, so no COMMIT can: nothing was changed. The dead
    transaction still holds the line's row; the retry waits for the idle-in-transaction
    timeout to end it, well within its own lock timeout, and goes through."""
    app, proxy = proxied
    engine = app.extensions["switchboard"].engine
    dana = Phone(Twilio(app.test_client()), DANA)
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")

    def cut_at_the_update(conn, cursor, statement, *args):
        if statement.startswith("UPDATE plans"):
            proxy.sever()

    event.listen(engine, "before_cursor_execute", cut_at_the_update)
    try:
        reply = dana.text("YES")
    finally:
        event.remove(engine, "before_cursor_execute", cut_at_the_update)
    assert "that didn't go through: nothing was changed" in reply
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    proxy.restore()
    assert _done(dana.text("YES"))  # the pending confirmation is still there
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert _applied(deps) == 1


def test_the_connection_dying_at_commit_is_reported_as_unknown_and_a_retry_applies_once(proxied, deps, demo):
    """Cut just before the COMMIT is sent: the app can't know it never arrived."""
    app, proxy = proxied
    engine = app.extensions["switchboard"].engine
    dana = Phone(Twilio(app.test_client()), DANA)
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")
    disarm = _arm_at(engine, "UPDATE plans", proxy.sever)
    try:
        reply = dana.text("YES")
    finally:
        disarm()
    assert "couldn't confirm that went through" in reply
    assert "nothing was changed" not in reply.lower()
    proxy.restore()
    again = dana.text("YES")
    assert _done(again), again
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert _applied(deps) == 1


def test_a_commit_whose_answer_is_lost_is_reported_as_unknown_and_never_repeated(proxied, deps, demo):
    """The COMMIT reaches PostgreSQL and is applied; the answer never comes back."""
    app, proxy = proxied
    engine = app.extensions["switchboard"].engine
    dana = Phone(Twilio(app.test_client()), DANA)
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")
    disarm = _arm_at(engine, "UPDATE plans", proxy.sever_after_next_send)
    try:
        reply = dana.text("YES")
    finally:
        disarm()
    assert "couldn't confirm that went through" in reply
    assert "nothing was changed" not in reply.lower()
    _settled(deps)  # the COMMIT was on its way when the answer was lost
    assert plan(deps, "dana", "Text Archive").auto_renew is False  # it did commit
    assert _applied(deps) == 1
    proxy.restore()
    again = dana.text("YES")
    assert _done(again), again
    assert "nothing was changed" not in again.lower()
    assert _applied(deps) == 1


def test_a_dead_clients_row_lock_is_released_by_the_database_within_seconds(proxied, deps, demo):
    """The cut tells PostgreSQL nothing (no FIN, keepalives answered): only its
    idle_in_transaction_session_timeout frees the row, and it does before a waiter's
    lock_timeout runs out."""
    app, proxy = proxied
    idle, lock = dbmod.IDLE_IN_TRANSACTION_MS / 1000, dbmod.LOCK_TIMEOUT_MS / 1000
    assert idle + 1 < lock  # the margin a waiter has over the dead holder
    lock_dana = text("SELECT id FROM lines WHERE login_id = 'dana' FOR UPDATE")
    with app.extensions["switchboard"].engine.connect() as dead:
        dead.execute(lock_dana)  # a transaction begins: the row is this connection's
        locked_at = time.monotonic()
        proxy.sever()
        with pytest.raises(DBAPIError):
            dead.execute(text("SELECT 1"))
    with deps.engine.begin() as waiter:  # a live request for the same line
        waiter.execute(lock_dana)
        got_it = time.monotonic() - locked_at
    assert got_it >= idle - 0.25, "the database side was closed: the cut is not the one under test"
    assert got_it <= idle + 1.5
    with deps.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                              "AND state LIKE 'idle in transaction%'")).scalar() == 0


def test_every_database_connection_bounds_its_waits_and_notices_a_dead_peer(settings, deps):
    _needs_postgres(settings.database_url)
    with deps.engine.connect() as c:
        shown = {name: c.execute(text(f"SHOW {name}")).scalar()
                 for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")}
        raw = c.connection.dbapi_connection
        if not hasattr(raw, "pgconn"):
            pytest.skip("socket options are read through psycopg 3")
        sock = socket.socket(fileno=raw.pgconn.socket)
        try:
            keepalive = sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
            keepidle = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE)
            user_timeout = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT)
        finally:
            sock.detach()
    assert shown == {"statement_timeout": "5s", "lock_timeout": "4s", "idle_in_transaction_session_timeout": "2s"}
    assert keepalive == 1 and keepidle == dbmod.CLIENT_KEEPALIVES["keepalives_idle"]
    assert user_timeout == dbmod.CLIENT_TCP_USER_TIMEOUT_MS
    # A webhook's worst case stays well inside Twilio's 15 s.
    assert dbmod.IDLE_IN_TRANSACTION_MS < dbmod.LOCK_TIMEOUT_MS <= dbmod.STATEMENT_TIMEOUT_MS
    worst = max(dbmod.CONNECT_TIMEOUT_S * 1000, dbmod.CLIENT_TCP_USER_TIMEOUT_MS) + dbmod.STATEMENT_TIMEOUT_MS
    assert worst <= 10_000


def test_a_change_that_times_out_behind_another_transactions_row_lock_is_not_reported_as_nothing_changed(
        settings, make_app, app, deps, demo):
    """The first attempt of a confirmation is alive but slow to commit (as a backend waiting
    for a synchronous standby is: active, so no idle timeout ends it) and holds the line's
    row past the second attempt's lock_timeout. The second attempt can't know whether the
    first will commit — it does, here — so it must not say "nothing was changed"."""
    _needs_postgres(settings.database_url)
    url = make_url(settings.database_url)
    # Stand-in for "active in COMMIT": a holder the idle-in-transaction timeout leaves alone.
    slow = make_app(database_url=url.update_query_dict({"options": "-c idle_in_transaction_session_timeout=0"})
                    .render_as_string(hide_password=False))
    at_commit, release = threading.Event(), threading.Event()

    def hold():
        at_commit.set()
        release.wait(20)

    disarm = _arm_at(slow.extensions["switchboard"].engine, "UPDATE plans", hold)
    dana = Phone(Twilio(app.test_client()), DANA)
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")
    first: dict = {}

    def first_attempt():
        try:
            first["reply"] = Phone(Twilio(slow.test_client()), DANA).text("YES")
        except BaseException as exc:  # reported below, in the test's thread
            first["error"] = exc

    thread = threading.Thread(target=first_attempt)
    thread.start()
    try:
        assert at_commit.wait(15), "the first attempt never reached its commit"
        started = time.monotonic()
        second = dana.text("YES")  # another number of Twilio's, or the user sending YES again
        waited = time.monotonic() - started
    finally:
        release.set()
        thread.join(30)
        disarm()
    assert "error" not in first, first.get("error")
    assert first["reply"].startswith("Done")
    assert waited >= dbmod.LOCK_TIMEOUT_MS / 1000 - 0.25  # it did wait out the lock
    assert "nothing was changed" not in second.lower(), second
    assert "couldn't confirm" in second, second
    assert plan(deps, "dana", "Text Archive").auto_renew is False
    assert _applied(deps) == 1
    dana.text("YES")  # once more: whatever it says, nothing is applied twice
    assert _applied(deps) == 1
