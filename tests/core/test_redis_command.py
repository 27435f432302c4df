"""core.redis_client.command: a thread's own connection, the client's retry around it, and no
reply ever left unread on a connection that another command then reads (issue 26's edge)."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis

from core.metrics import REDIS_ROUNDTRIPS
from core.redis_client import command, make_redis, run



@pytest.fixture
def r(redis_url):
    if not redis_url:
        pytest.skip("needs TEST_REDIS_URL (real Redis)")
    client = make_redis(redis_url)
    yield client
    client.close()


def _key() -> str:
    return f"sb:test:cmd:{uuid.uuid4().hex}"


def test_a_command_is_one_round_trip_on_the_threads_own_connection(r):
    k = _key()
    command(r, "GET", k)  # connected (the connection's own set-up commands are counted too)
    before = REDIS_ROUNDTRIPS._value.get()
    assert command(r, "SET", k, "v", "EX", 30) == "OK"
    assert command(r, "GET", k) == "v"
    assert command(r, "GET", _key()) is None
    assert REDIS_ROUNDTRIPS._value.get() - before == 3
    own = r.__dict__["_switchboard_own"].held.conn
    assert own in r.connection_pool._in_use_connections  # kept, never handed to another thread


def test_each_thread_keeps_its_own_connection(r):
    seen = []
    together = threading.Barrier(4)

    def use():
        command(r, "GET", _key())
        seen.append(r.__dict__["_switchboard_own"].held.conn)
        together.wait(timeout=10)  # all four alive at once: none has given its connection back

    threads = [threading.Thread(target=use) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 4


def test_a_read_cut_short_closes_the_connection_so_the_next_command_never_reads_its_reply(r, monkeypatch):
    a, b = _key(), _key()
    command(r, "SET", a, "first", "EX", 30)
    command(r, "SET", b, "second", "EX", 30)
    conn = r.__dict__["_switchboard_own"].held.conn
    real = conn.read_response

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # sent, never read: the reply "first" waits on the socket

    monkeypatch.setattr(conn, "read_response", interrupted)
    with pytest.raises(KeyboardInterrupt):
        command(r, "GET", a)
    monkeypatch.setattr(conn, "read_response", real)
    assert conn._sock is None  # dropped with what was left unread
    assert command(r, "GET", b) == "second"  # a fresh socket: its own reply, not "first"


def test_a_connection_the_server_closed_while_it_sat_is_reconnected_not_failed_on(r):
    k = _key()
    command(r, "SET", k, "v", "EX", 30)
    mine = command(r, "CLIENT", "ID")
    other = redis.Redis.from_url(_url(r))
    try:
        other.client_kill_filter(_id=mine)
    finally:
        other.close()
    assert command(r, "GET", k) == "v"


def test_an_error_reply_leaves_the_connection_in_use_and_sound(r):
    k = _key()
    command(r, "SET", k, "not a number", "EX", 30)
    conn = r.__dict__["_switchboard_own"].held.conn
    with pytest.raises(redis.ResponseError):
        command(r, "INCR", k)
    assert r.__dict__["_switchboard_own"].held.conn is conn and conn._sock is not None
    assert command(r, "GET", k) == "not a number"


def test_a_script_redis_does_not_know_yet_is_loaded_and_run(r):
    r.script_flush()
    assert run(r, "return ARGV[1] .. KEYS[1]", ["k"], ["v"]) == "vk"
    assert run(r, "return ARGV[1] .. KEYS[1]", ["k"], ["w"]) == "wk"


def test_redis_down_raises_the_librarys_connection_error():
    down = make_redis("redis://127.0.0.1:1/0")  # nothing listens on port 1
    down.set_retry(redis.retry.Retry(redis.backoff.NoBackoff(), 1))
    with pytest.raises(redis.ConnectionError):
        command(down, "GET", "k")


def _url(r) -> str:
    kw = r.connection_pool.connection_kwargs
    return f"redis://{kw.get('host', '127.0.0.1')}:{kw.get('port', 6379)}/{kw.get('db', 0)}"


def test_a_thread_that_ends_gives_its_connection_back(r):
    pool = r.connection_pool

    def use():
        command(r, "GET", _key())

    t = threading.Thread(target=use)
    t.start()
    t.join()
    import gc

    gc.collect()
    assert not pool._in_use_connections  # this test's own thread never took one
    assert len(pool._available_connections) == 1
