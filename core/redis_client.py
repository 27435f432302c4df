"""Redis: one client per process, and the in-process stand-in when REDIS_URL is unset.

What each use does when Redis fails is decided where it is used:
- PIN attempt limits (core.limits): fail closed; PIN entry is refused and a person offered.
- conversation state (core.conversation): the caller is told and offered a person.
- de-duplication of webhooks: fail closed for changes (the database's conditional updates
  still apply each change once).
"""

from __future__ import annotations

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
            pipe = self.r.pipeline(transaction=False)
            self.into(pipe)
            pipe.execute()
        except redis.RedisError:
            pass


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
