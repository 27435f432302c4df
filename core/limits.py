"""R9: PIN attempt counting and lockout, per line, across channels and caller numbers.

Failures are timestamps in a sorted set per line (a sliding 15-minute window); the lock is
a key with a 15-minute time-to-live. Redis failure fails closed: ``PinLimitUnavailable``.
"""

from __future__ import annotations

import datetime as dt
import uuid

import redis

from core import policy


class PinLimitUnavailable(RuntimeError):
    """Redis could not be asked; PIN entry is refused rather than left unlimited."""


class PinAttempts:
    def __init__(self, client: redis.Redis, prefix: str = "sb:pin") -> None:
        self.r = client
        self.prefix = prefix

    def _keys(self, line_id: int) -> tuple[str, str]:
        return f"{self.prefix}:fail:{line_id}", f"{self.prefix}:lock:{line_id}"

    def locked_until(self, line_id: int, now: dt.datetime) -> dt.datetime | None:
        _, lock = self._keys(line_id)
        try:
            value = self.r.get(lock)
        except redis.RedisError as exc:
            raise PinLimitUnavailable(str(exc)) from exc
        if value is None:
            return None
        until = dt.datetime.fromtimestamp(float(value), dt.timezone.utc)
        return until if until > now else None

    def record_failure(self, line_id: int, now: dt.datetime) -> dt.datetime | None:
        """Count a wrong PIN; return the lock's end when this failure locks the line."""
        fails, lock = self._keys(line_id)
        ts = now.timestamp()
        window = policy.PIN_WINDOW.total_seconds()
        try:
            pipe = self.r.pipeline(transaction=True)
            pipe.zadd(fails, {f"{ts}:{uuid.uuid4().hex[:8]}": ts})
            pipe.zremrangebyscore(fails, "-inf", ts - window)
            pipe.zrangebyscore(fails, ts - window, "+inf", withscores=True)
            pipe.expire(fails, int(window) + 60)
            _, _, recent, _ = pipe.execute()
            decision = policy.decide_pin_lock(
                [dt.datetime.fromtimestamp(score, dt.timezone.utc) for _, score in recent], now
            )
            if decision.allowed:
                return None
            until: dt.datetime = decision.data["until"]
            ttl = max(1, int((until - now).total_seconds()))
            # nx: the first failure that locks sets the end; later ones don't extend it.
            if self.r.set(lock, str(until.timestamp()), ex=ttl, nx=True):
                self.r.delete(fails)
                return until
            return None
        except redis.RedisError as exc:
            raise PinLimitUnavailable(str(exc)) from exc


class RateLimit:
    """A fixed-window counter per key (a sender, a caller): one Redis round trip a hit.

    Fails open: when Redis can't be asked, the request goes on (and meets the conversation's
    own fail-closed behaviour)."""

    def __init__(self, client: redis.Redis, name: str, limit: int, window: int) -> None:
        self.r = client
        self.name = name
        self.limit = limit
        self.window = window

    def hit(self, key: str, now: dt.datetime) -> int:
        """This hit's number in the current window (1 for the first); 0 when unknown."""
        bucket = int(now.timestamp() // self.window)
        rkey = f"sb:rate:{self.name}:{key}:{bucket}"
        try:
            pipe = self.r.pipeline(transaction=False)
            pipe.incr(rkey)
            pipe.expire(rkey, self.window + 5)
            count, _ = pipe.execute()
        except redis.RedisError:
            return 0
        return int(count)

    def hit_in(self, pipe, key: str, now: dt.datetime):
        """Queue this hit on a pipeline shared with other commands; returns a reader of its
        count from the pipeline's results (0 when unknown)."""
        bucket = int(now.timestamp() // self.window)
        rkey = f"sb:rate:{self.name}:{key}:{bucket}"
        at = len(pipe)
        pipe.incr(rkey)
        pipe.expire(rkey, self.window + 5)
        return lambda results: int(results[at]) if not isinstance(results[at], Exception) else 0

    def over(self, count: int) -> bool:
        return count > self.limit
