"""R9: PIN attempt counting and lockout, per line, across channels and caller numbers.

Every PIN check first *reserves* an attempt, atomically, in one Redis script: refused when
the subject is locked or already has five failures (or checks in flight) within the
window; so no burst, on any number of servers, compares more than five PINs. A right PIN
gives its reservation back; a wrong one keeps it as the failure, and the fifth locks.

A subject is a line, or, for an identity that matches no line (an unknown sender, a
made-up line number), a key of its own: it is counted and locked exactly like a line, so
the answers can't tell the two apart (R8). Redis failure fails closed: ``PinLimitUnavailable``.
The lock of a real line is also written to its row (core.services), where it outlives Redis.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import redis

from core import policy
from core.redis_client import run


class PinLimitUnavailable(RuntimeError):
    """Redis could not be asked; PIN entry is refused rather than left unlimited."""


# KEYS: fails and lock key of each subject, in pairs. ARGV: now, window, max, member.
# Returns {1} with the reservation made on every subject, or {0, until} when any is locked
# or full (until: the lock's end, or 0 while checks are in flight).
_RESERVE = """
local now, window, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 1, #KEYS, 2 do
  local lock = redis.call('GET', KEYS[i + 1])
  if lock and tonumber(lock) > now then return {0, lock} end
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  if redis.call('ZCARD', KEYS[i]) >= max then return {0, '0'} end
end
for i = 1, #KEYS, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[4])
  redis.call('EXPIRE', KEYS[i], math.ceil(window) + 60)
end
return {1}
"""

# A wrong PIN: the reservation stays as the failure; at ``max`` failures the subject locks.
# ARGV: now, window, max, lock seconds. Returns {the lock's end (0: not locked by this one),
# the most failures any subject now has in the window} (R21: the warning before the last try).
_FAILED = """
local now, window, max, hold = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local locked, most = 0, 0
for i = 1, #KEYS, 2 do
  local n = redis.call('ZCOUNT', KEYS[i], now - window, '+inf')
  if n > most then most = n end
  if n >= max then
    if redis.call('SET', KEYS[i + 1], tostring(now + hold), 'NX', 'EX', math.ceil(hold)) then
      redis.call('DEL', KEYS[i])
      locked = now + hold
    end
  end
end
return {tostring(locked), most}
"""


# A rate window's hit, one command (INCR and EXPIRE). KEYS: the window's counter. ARGV: its ttl.
_HIT = """
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return n
"""


@dataclass(frozen=True)
class Reservation:
    ok: bool
    member: str = ""
    locked_until: dt.datetime | None = None


class PinAttempts:
    def __init__(self, client: redis.Redis, prefix: str = "sb:pin") -> None:
        self.r = client
        self.prefix = prefix
        self.later = None  # a turn's Later (``releasing_in``): reservations given back with its state

    def releasing_in(self, later) -> "PinAttempts":
        """This counter for one turn: a right PIN's reservation is given back in the round trip
        that saves the turn's state (core.redis_client.Later), not in one of its own. The
        reservation and the failure count stay one atomic script each (R9); a reservation given
        back later only holds its place longer (refusing, never admitting, a check meanwhile)."""
        turn = PinAttempts.__new__(PinAttempts)
        turn.r, turn.prefix, turn.later = self.r, self.prefix, later
        return turn

    def _keys(self, subjects: list[str]) -> list[str]:
        keys: list[str] = []
        for subject in subjects:
            keys += [f"{self.prefix}:fail:{subject}", f"{self.prefix}:lock:{subject}"]
        return keys

    def reserve(self, subjects: list[str], now: dt.datetime) -> Reservation:
        member = f"{now.timestamp()}:{uuid.uuid4().hex[:12]}"
        try:
            answer = run(self.r, _RESERVE, self._keys(subjects), [
                now.timestamp(), policy.PIN_WINDOW.total_seconds(), policy.PIN_MAX_FAILURES, member])
        except redis.RedisError as exc:
            raise PinLimitUnavailable(str(exc)) from exc
        if int(answer[0]) == 1:
            return Reservation(True, member)
        until = float(answer[1])
        # Full but not (yet) locked: checks are in flight; refused as a lock would be.
        return Reservation(False, locked_until=dt.datetime.fromtimestamp(until, dt.timezone.utc)
                           if until else now + policy.PIN_LOCK)

    def succeeded(self, subjects: list[str], reservation: Reservation) -> None:
        """The right PIN: its reservation is given back (best effort: it only ever undercounts
        the caller's own success)."""
        keys = self._keys(subjects)[::2]
        if self.later is not None:
            self.later.add(lambda pipe: [pipe.zrem(key, reservation.member) for key in keys])
            return
        try:
            pipe = self.r.pipeline(transaction=False)
            for key in keys:
                pipe.zrem(key, reservation.member)
            pipe.execute()
        except redis.RedisError:
            pass

    def failed(self, subjects: list[str], now: dt.datetime) -> tuple[dt.datetime | None, int]:
        """A wrong PIN (already counted by its reservation): (the lock's end when this one
        locks, else None; the most failures any subject now has in R9's window)."""
        try:
            until, most = run(self.r, _FAILED, self._keys(subjects), [
                now.timestamp(), policy.PIN_WINDOW.total_seconds(), policy.PIN_MAX_FAILURES,
                policy.PIN_LOCK.total_seconds()])
        except redis.RedisError as exc:
            raise PinLimitUnavailable(str(exc)) from exc
        until = float(until)
        return (dt.datetime.fromtimestamp(until, dt.timezone.utc) if until else None), int(most)


class RateLimit:
    """A fixed-window counter per key (a sender, a caller): one Redis round trip (one command) a hit.

    Fails open: when Redis can't be asked, the request goes on (and meets the conversation's
    own fail-closed behaviour)."""

    def __init__(self, client: redis.Redis, name: str, limit: int, window: int) -> None:
        self.r = client
        self.name = name
        self.limit = limit
        self.window = window

    def key(self, key: str, now: dt.datetime) -> str:
        """The counter of ``key``'s current window (it lives ``ttl`` seconds)."""
        return f"sb:rate:{self.name}:{key}:{int(now.timestamp() // self.window)}"

    @property
    def ttl(self) -> int:
        return self.window + 5

    def hit(self, key: str, now: dt.datetime) -> int:
        """This hit's number in the current window (1 for the first); 0 when unknown."""
        try:
            return int(run(self.r, _HIT, [self.key(key, now)], [self.ttl]))
        except redis.RedisError:
            return 0

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
