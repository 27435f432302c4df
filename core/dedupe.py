"""R13 at the edge: a provider request id (MessageSid) is handled once; a retry gets the
first answer again. Concurrent duplicates: the first claims the id, the others stay silent.

A claim records when it was made. A claim still pending long after any webhook could have
answered (``TAKEOVER``, beyond Twilio's 15 s) belongs to a process that died between its
work and its answer: a retry then takes the claim over and is handled afresh, so the texter
gets the real outcome (the changes themselves are once only in the database: a confirmed
change answers with its stored outcome), never an empty answer for a day.

When Redis fails, ``DedupeUnavailable`` is raised and the channel answers that it can't
handle requests now (fail closed; consent words are still recorded in the database).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import redis

from core.redis_client import command

PENDING = "\x00pending:"
TAKEN_OVER = object()  # the "answer" of a claim taken over from a process that died
TAKEOVER = dt.timedelta(seconds=20)


class DedupeUnavailable(RuntimeError):
    pass


class Dedupe:
    def __init__(self, client: redis.Redis, prefix: str = "sb:seen", ttl: int = 24 * 3600) -> None:
        self.r = client
        self.prefix = prefix
        self.ttl = ttl

    def _key(self, request_id: str) -> str:
        return f"{self.prefix}:{request_id}"

    def claim_value(self, now: dt.datetime) -> str:
        """What a claim made ``now`` stores until the answer replaces it."""
        return f"{PENDING}{now.timestamp()}"

    def claimed(self, request_id: str, mine: str, created, value, now: dt.datetime) -> tuple[bool, Any]:
        """(new, first answer) from a claim's SET NX and the value it found (``claim_in``'s reader,
        and core.arrivals' script)."""
        if created:
            return True, None
        if value is None:
            return False, None
        if value.startswith(PENDING):
            if self._stale(value, now) and self._take_over(self._key(request_id), value, mine):
                return True, TAKEN_OVER
            return False, None
        return False, json.loads(value)

    def claim_in(self, pipe, request_id: str, now: dt.datetime):
        """The claim queued on a shared pipeline; returns a reader of (new, first answer):
        (True, None) for an id to handle now, (True, TAKEN_OVER) for one whose first handler
        died (its outcome may already be in the database), (False, answer or None) for a repeat."""
        key = self._key(request_id)
        mine = self.claim_value(now)
        at = len(pipe)
        pipe.set(key, mine, nx=True, ex=self.ttl)
        pipe.get(key)

        def read(results) -> tuple[bool, Any]:
            created, value = results[at], results[at + 1]
            if isinstance(created, Exception) or isinstance(value, Exception):
                raise DedupeUnavailable(str(created if isinstance(created, Exception) else value))
            return self.claimed(request_id, mine, created, value, now)
        return read

    @staticmethod
    def _stale(value: str, now: dt.datetime) -> bool:
        try:
            claimed_at = float(value[len(PENDING):])
        except ValueError:
            return True  # an unreadable claim is nobody's
        return now.timestamp() - claimed_at > TAKEOVER.total_seconds()

    def _take_over(self, key: str, seen: str, mine: str) -> bool:
        """Replace the dead claim with ours, unless another retry replaced it first."""
        try:
            return self.r.set(key, mine, xx=True, ex=self.ttl, get=True) == seen
        except redis.RedisError as exc:
            raise DedupeUnavailable(str(exc)) from exc

    def remember_in(self, pipe, request_id: str, answer: Any) -> None:
        pipe.set(self._key(request_id), json.dumps(answer), ex=self.ttl)

    def remember(self, request_id: str, answer: Any) -> None:
        try:
            command(self.r, "SET", self._key(request_id), json.dumps(answer), "EX", self.ttl)
        except redis.RedisError:
            pass  # the change itself is already applied once; a retry would be answered anew

    def release(self, request_id: str) -> None:
        """Processing failed before an answer: let Twilio's retry be handled afresh."""
        try:
            self.r.delete(self._key(request_id))
        except redis.RedisError:
            pass
