"""R13 at the edge: a provider request id (MessageSid) is handled once; a retry gets the
first answer again. Concurrent duplicates: the first claims the id, the others stay silent.

When Redis fails, ``DedupeUnavailable`` is raised and the channel answers that it can't
handle requests now (fail closed; the database's conditional updates still apply any change
once).
"""

from __future__ import annotations

import json
from typing import Any

import redis

PENDING = "\x00pending"


class DedupeUnavailable(RuntimeError):
    pass


class Dedupe:
    def __init__(self, client: redis.Redis, prefix: str = "sb:seen", ttl: int = 24 * 3600) -> None:
        self.r = client
        self.prefix = prefix
        self.ttl = ttl

    def claim(self, request_id: str) -> tuple[bool, Any]:
        """(True, None) for a new id; (False, first answer or None while in flight) for a repeat."""
        key = f"{self.prefix}:{request_id}"
        try:
            if self.r.set(key, PENDING, nx=True, ex=self.ttl):
                return True, None
            value = self.r.get(key)
        except redis.RedisError as exc:
            raise DedupeUnavailable(str(exc)) from exc
        if value is None or value == PENDING:
            return False, None
        return False, json.loads(value)

    def claim_in(self, pipe, request_id: str):
        """``claim`` queued on a shared pipeline; returns a reader of (new, first answer)."""
        key = f"{self.prefix}:{request_id}"
        at = len(pipe)
        pipe.set(key, PENDING, nx=True, ex=self.ttl)
        pipe.get(key)

        def read(results) -> tuple[bool, Any]:
            created, value = results[at], results[at + 1]
            if isinstance(created, Exception) or isinstance(value, Exception):
                raise DedupeUnavailable(str(created if isinstance(created, Exception) else value))
            if created:
                return True, None
            if value is None or value == PENDING:
                return False, None
            return False, json.loads(value)
        return read

    def remember_in(self, pipe, request_id: str, answer: Any) -> None:
        pipe.set(f"{self.prefix}:{request_id}", json.dumps(answer), ex=self.ttl)

    def remember(self, request_id: str, answer: Any) -> None:
        try:
            self.r.set(f"{self.prefix}:{request_id}", json.dumps(answer), ex=self.ttl)
        except redis.RedisError:
            pass  # the change itself is already applied once; a retry would be answered anew

    def release(self, request_id: str) -> None:
        """Processing failed before an answer: let Twilio's retry be handled afresh."""
        try:
            self.r.delete(f"{self.prefix}:{request_id}")
        except redis.RedisError:
            pass
