"""R16's opt-out state read from Redis, with the database as the source of truth.

Every text needs to know whether its sender opted out before anything is sent back (R16).
Asking PostgreSQL cost each text a lookup; this keeps the answer in Redis, one key a number,
read in the text's first pipeline (no round trip of its own). The database stays the truth:
a reader that finds no answer asks it and keeps what it said; every change of consent goes
through ``core.services.set_opt_out``, which marks the number ``CHANGING`` before its
transaction and again after it, whatever its outcome. A marked number is read from the
database until the mark expires (``CHANGING_TTL``: consent changes are rare, so this costs
nothing that shows). Why that is never stale once a change has returned:

- a reader keeps what the database said only if the key is still absent (SET NX) and only
  within ``FILL_WITHIN`` of starting its lookup; the mark made after the commit overwrites
  whatever was kept before it, and while the mark lives nothing can be kept;
- after the mark expires, a value kept comes from a lookup started at most ``FILL_WITHIN``
  earlier, so after the commit (``CHANGING_TTL`` is far longer);
- a change that could not reach Redis (an outage) is still recorded in the database (R16
  needs only the database), and its mark is retried in the background, every second at most,
  until Redis answers: while Redis is unreachable no reader can read it either. The one case
  left: Redis reachable from the readers but not from the process that made the change (a
  partial network cut); the old answer can then be read until that process reaches Redis
  again, which it logs (tests/faults/test_opt_out_cache.py cuts exactly that).
Any Redis failure on the read side means "ask the database". (A Redis configured to evict keys
under memory pressure could drop a fresh mark: run it with ``maxmemory-policy noeviction``,
its default.)
"""

from __future__ import annotations

import logging
import threading
import time

import redis

log = logging.getLogger("switchboard.consent")

PREFIX = "sb:optout:"
OPTED_OUT, SUBSCRIBED, CHANGING = "1", "0", "changing"
TTL = 3600  # a kept answer: read again from the database at least once an hour
CHANGING_TTL = 60  # far beyond any transaction (core/db.py's timeouts: a few seconds)
FILL_WITHIN = 10.0  # seconds from the start of a database lookup to keeping its answer
REPAIR_FOR = 15 * 60  # how long a mark that Redis refused is retried


class OptOutCache:
    def __init__(self, client: redis.Redis) -> None:
        self.r = client

    @staticmethod
    def key(number: str) -> str:
        return PREFIX + number

    # Reading -------------------------------------------------------------------------------
    def get_in(self, pipe, number: str):
        """The kept answer, queued on the caller's pipeline; returns its reader: True or False,
        or None (not kept, being changed, or Redis failed: ask the database)."""
        at = len(pipe)
        pipe.get(self.key(number))
        return lambda results: opt_out_value(results[at])

    def get(self, number: str) -> bool | None:
        try:
            return opt_out_value(self.r.get(self.key(number)))
        except redis.RedisError:
            return None

    def keep(self, number: str, opted_out: bool, asked_at: float) -> None:
        """What the database said (asked at ``time.monotonic()`` ``asked_at``), unless the key
        is marked or kept already, or the answer is too old to be sure of."""
        if time.monotonic() - asked_at > FILL_WITHIN:
            return
        try:
            self.r.set(self.key(number), OPTED_OUT if opted_out else SUBSCRIBED, nx=True, ex=TTL)
        except redis.RedisError:
            pass  # the next text asks the database again

    # Changing (core.services.set_opt_out) --------------------------------------------------
    def mark(self, number: str) -> bool:
        """Readers ask the database for this number for the next ``CHANGING_TTL`` seconds."""
        try:
            self.r.set(self.key(number), CHANGING, ex=CHANGING_TTL)
            return True
        except redis.RedisError:
            return False

    def changed(self, number: str) -> None:
        """After a change's transaction, whatever its outcome: marked again, now or, if Redis
        can't be told, as soon as it can."""
        if not self.mark(number):
            log.warning("Redis unavailable after a consent change: its mark is retried in the background")
            _REPAIRS.add(self, number)


def opt_out_value(raw) -> bool | None:
    """A kept answer as read: True or False, or None (ask the database)."""
    if isinstance(raw, bytes):
        raw = raw.decode()
    if raw == OPTED_OUT:
        return True
    if raw == SUBSCRIBED:
        return False
    return None  # absent, CHANGING, or an error: ask the database


class _Repairs:
    """Marks to make once Redis answers again: one daemon thread a process, only while there
    are some."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: dict[tuple[int, str], tuple[OptOutCache, str, float]] = {}
        self.thread: threading.Thread | None = None

    def add(self, cache: OptOutCache, number: str) -> None:
        with self.lock:
            self.pending[(id(cache), number)] = (cache, number, time.monotonic() + REPAIR_FOR)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="opt-out-cache-marks", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        pause = 0.1
        while True:
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
            with self.lock:
                items = list(self.pending.items())
                if not items:
                    self.thread = None
                    return
            for slot, (cache, number, until) in items:
                done = cache.mark(number)
                if not done and time.monotonic() > until:
                    log.error("opt-out cache: Redis refused a consent change's mark for %d s; giving up", REPAIR_FOR)
                    done = True
                if done:
                    with self.lock:
                        if self.pending.get(slot, (None, None, 0.0))[2] == until:
                            del self.pending[slot]

    def wait(self, timeout: float = 10.0) -> bool:
        """Until nothing is left to mark (tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if not self.pending:
                    return True
            time.sleep(0.05)
        return False


_REPAIRS = _Repairs()
