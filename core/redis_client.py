"""Redis: one client per process, and the in-process stand-in when REDIS_URL is unset.

What each use does when Redis fails is decided where it is used:
- PIN attempt limits (core.limits): fail closed; PIN entry is refused and a person offered.
- conversation state (core.conversation): the caller is told and offered a person.
- de-duplication of webhooks: fail closed for changes (the database's conditional updates
  still apply each change once).
"""

from __future__ import annotations

import os
import threading

import redis

_FAKE_SERVER = None


class CountingConnection(redis.Connection):
    """Counts round trips (a command or a whole pipeline is one) for the metrics."""

    def send_packed_command(self, command, check_health=True):
        from core.metrics import REDIS_ROUNDTRIPS

        REDIS_ROUNDTRIPS.inc()
        return super().send_packed_command(command, check_health)


class Later:
    """What a turn queues to be written with its state (issue 26: one round trip out a turn):
    each entry adds its commands to the pipeline that saves the state. ``flush`` sends what a
    turn queued and no save took (the turn failed before it), so nothing queued is lost."""

    def __init__(self, client: redis.Redis) -> None:
        self.r = client
        self.queued: list = []

    def add(self, write) -> None:
        """``write(pipe)`` queues its commands on the save's pipeline."""
        self.queued.append(write)

    def into(self, pipe) -> None:
        queued, self.queued = self.queued, []
        for write in queued:
            write(pipe)

    def flush(self) -> None:
        """Best effort, as each write is on its own (a Redis error here is what it was then)."""
        if not self.queued:
            return
        try:
            writes = Writes()
            self.into(writes)
            writes.execute(self.r)
        except redis.RedisError:
            pass


# The writes of one turn, one command: each write is an operation on one key (KEYS, in order),
# its arguments in ARGV as: name, how many, the arguments. SET (with its time-to-live), RPUSH
# and ZREM are all a turn writes (the state, its insights record, the answer for Twilio's
# retries, a right PIN's reservation given back).
_WRITE = """
local i, k = 1, 1
while i <= #ARGV do
  local op, n = ARGV[i], tonumber(ARGV[i + 1])
  if op == 'set' then
    redis.call('SET', KEYS[k], ARGV[i + 2], 'EX', ARGV[i + 3])
  else
    for j = 1, n do redis.call(op == 'rpush' and 'RPUSH' or 'ZREM', KEYS[k], ARGV[i + 1 + j]) end
  end
  i, k = i + 2 + n, k + 1
end
return k - 1
"""


class Writes:
    """A turn's writes, sent as one script (``_WRITE``): one round trip and one command to pack
    and parse, where a pipeline packs and parses one a write. Takes the calls a pipeline takes
    for them (``set(..., ex=)``, ``rpush``, ``zrem``), so the same writers queue on either."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.args: list = []

    def __len__(self) -> int:
        return len(self.keys)

    def set(self, key: str, value, ex: int) -> None:
        self.keys.append(key)
        self.args += ["set", 2, value, ex]

    def rpush(self, key: str, *values) -> None:
        self.keys.append(key)
        self.args += ["rpush", len(values), *values]

    def zrem(self, key: str, *members) -> None:
        self.keys.append(key)
        self.args += ["zrem", len(members), *members]

    def execute(self, client: redis.Redis) -> None:
        if len(self.keys) == 1 and self.args[0] == "set":
            # one write: itself, no script
            command(client, "SET", self.keys[0], self.args[2], "EX", self.args[3])
        elif self.keys:
            run(client, _WRITE, self.keys, self.args)


def run(client: redis.Redis, source: str, keys: list, args: list):
    """``source`` run by its SHA1 (EVALSHA; loaded once when Redis doesn't know it yet), without
    redis-py's Script wrapper around every call."""
    try:
        return command(client, "EVALSHA", script(client, source).sha, len(keys), *keys, *args)
    except redis.exceptions.NoScriptError:
        return script(client, source)(keys=keys, args=args)


class _Held:
    """One thread's connection of one client, and the process it was taken in. Given back to the
    pool when its thread ends (the thread's locals go), so short-lived threads leave none open."""

    __slots__ = ("conn", "pid", "pool")

    def __init__(self, pool, conn) -> None:
        self.conn, self.pid, self.pool = conn, os.getpid(), pool

    def __del__(self) -> None:
        if self.pid == os.getpid():  # (a fork's copy is the parent's to give back)
            try:
                self.pool.release(self.conn)
            except Exception:  # noqa: BLE001 - at a thread's end or at exit: nothing to tell
                pass


class _Own(threading.local):
    held: _Held | None = None


def command(client: redis.Redis, *args):
    """One command and its raw reply (no response callback: GET's value, EVALSHA's list, SET's
    "OK" or None), on a connection this thread keeps from the client's pool, the client's
    retry policy around it as redis-py's own ``execute_command`` puts it (the same errors
    retried, the same backoff, the connection closed after each failure).

    Issue 26: redis-py 8 takes a connection from its pool and gives it back around every command
    (a lock, a poll of the socket for stale data, its observability records and release event:
    about a third of a GET's instructions); a thread that keeps one never shares it, and a
    connection that saw any error but a Redis error reply is closed (reconnected by the next
    command), so no reply is ever left unread on it; before each command it is polled as the
    pool polls one it hands out (closed by the server meanwhile: reconnected). After a fork the
    child takes its own.
    Anything but the app's real client (the in-process stand-in) goes the library's way."""
    pool = client.connection_pool
    if getattr(pool, "connection_class", None) is not CountingConnection:
        return client.execute_command(*args)
    own = client.__dict__.get("_switchboard_own")
    if own is None:
        own = client.__dict__.setdefault("_switchboard_own", _Own())
    held = own.held
    if held is None or held.pid != os.getpid():
        # kept: counted in use by the pool while this thread lives (Redis down: raised here, as
        # the library's own command raises it, and nothing is kept)
        held = own.held = _Held(pool, pool.get_connection())
        conn = held.conn
    elif (conn := held.conn)._sock is not None:
        # What the pool checks as it hands a connection out: one the server closed while it sat
        # (a restart, an idle timeout) reads as readable; it is reconnected, not failed on.
        try:
            stale = conn.can_read()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            stale = True
        if stale:
            conn.disconnect()

    def do():
        conn.send_command(*args)
        return conn.read_response()

    try:
        return conn.retry.call_with_retry(do, lambda _error: conn.disconnect())
    except redis.exceptions.ResponseError:
        raise  # the error reply was read whole: the connection is as good as before
    except BaseException:
        conn.disconnect()  # whatever was sent or half read is dropped with the socket
        raise


def script(client: redis.Redis, source: str):
    """``source`` registered once a client (its SHA1 computed once, not per request)."""
    scripts = client.__dict__.setdefault("_switchboard_scripts", {})
    registered = scripts.get(source)
    if registered is None:
        registered = scripts[source] = client.register_script(source)
    return registered


def make_redis(url: str | None) -> redis.Redis:
    if url:
        return redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=2.0,
            health_check_interval=30, connection_class=CountingConnection,
        )
    import fakeredis

    global _FAKE_SERVER
    if _FAKE_SERVER is None:
        # Said once, in plain words, by the commands it matters to (`serve`, so `dev.py run`:
        # web/server.py's start-up banner), not logged by every command that builds the app.
        _FAKE_SERVER = fakeredis.FakeServer()
    return fakeredis.FakeRedis(server=_FAKE_SERVER, decode_responses=True)


def make_queue_redis(url: str | None) -> redis.Redis:
    """The job queue's connection: RQ stores bytes, so no response decoding."""
    if url:
        return redis.Redis.from_url(url, socket_timeout=5.0, socket_connect_timeout=2.0)
    import fakeredis

    make_redis(None)  # the shared in-process server
    return fakeredis.FakeRedis(server=_FAKE_SERVER)
