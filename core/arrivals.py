"""An incoming text's Redis round trips, two a message: what is known when it arrives (its
sender's rate-limit hit, the claim of its MessageSid for R13, the conversation's state and
the sender's kept opt-out answer for R16, read together by one script: one command), and
what is kept when it has been answered (the new state, a right PIN's reservation given back
(R9) and the answer for Twilio's retries, written together). The text
door asks for these; it drives no pipeline of its own.

Failure behaviour: a Redis error on the first round trip is raised (``redis.RedisError``):
the door records consent from the database alone and otherwise says it can't answer now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

import redis

from core.conversation import RedisConversations
from core.journeys import KINDS
from core.redis_client import run
from core.state import State
from core.dedupe import TAKEN_OVER, Dedupe
from core.limits import RateLimit
from core.opt_out_cache import OptOutCache, opt_out_value


# What a text needs when it arrives, read (and its rate hit and claim made) by one script.
# KEYS: the sender's rate window, the conversation's state, the sender's kept opt-out answer,
# the MessageSid's claim ('' when there is none). ARGV: the window's time-to-live, the claim's
# value ('' : no MessageSid), the claim's time-to-live, 1 to read the opt-out answer.
# Returns {count, 1 when claimed here, the claim found (a repeat's), state, opt-out answer}.
_ARRIVE = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
local created, seen = 1, false
if ARGV[2] ~= '' then
  if redis.call('SET', KEYS[4], ARGV[2], 'NX', 'EX', ARGV[3]) then
    created = 1
  else
    created, seen = 0, redis.call('GET', KEYS[4])
  end
end
local kept = false
if ARGV[4] == '1' then kept = redis.call('GET', KEYS[3]) end
return {count, created, seen, redis.call('GET', KEYS[2]), kept}
"""


@dataclass
class Arrival:
    """What Redis knew of a message when it arrived."""

    sid: str | None
    count: int  # this sender's messages in the rate limit's window, this one included (0: unknown)
    over_limit: bool
    first_time: bool  # to be handled now: claimed here, or without a MessageSid
    first_answer: Any  # a repeat's first answer (None: none yet); TAKEN_OVER: its first handler died
    claimed: bool  # this process holds the MessageSid's claim
    opted_out: bool | None | object  # the kept answer (None: ask the database; ...: not read)
    _state: Callable[[], State | None]

    @property
    def taken_over(self) -> bool:
        return self.first_answer is TAKEN_OVER

    def state(self) -> State | None:
        """The conversation's state (ConversationUnavailable when Redis failed to read it)."""
        return self._state()


class Arrivals:
    def __init__(self, client: redis.Redis, *, rate_limit: tuple[int, int], opt_outs: OptOutCache | None,
                 conversations: RedisConversations | None = None) -> None:
        self.r = client
        self.limit = RateLimit(client, "sms", *rate_limit)
        self.dedupe = Dedupe(client)
        self.conversations = conversations or RedisConversations(client)
        self.opt_outs = opt_outs

    def arrive(self, sender: str, sid: str | None, key: str, now: dt.datetime) -> Arrival:
        """One command (``_ARRIVE``), so one round trip with one command to pack and parse."""
        mine = self.dedupe.claim_value(now) if sid else ""
        keys = [self.limit.key(sender, now), f"{self.conversations.prefix}:{key}",
                OptOutCache.key(sender), self.dedupe._key(sid) if sid else ""]
        count, created, seen, raw, kept = run(
            self.r, _ARRIVE, keys, [self.limit.ttl, mine, self.dedupe.ttl, 1 if self.opt_outs is not None else 0])
        count = int(count)
        first_time, first_answer = self.dedupe.claimed(sid, mine, created, seen, now) if sid else (True, None)
        return Arrival(sid=sid, count=count, over_limit=self.limit.over(count), first_time=first_time,
                       first_answer=first_answer, claimed=bool(sid) and first_time,
                       opted_out=opt_out_value(kept) if self.opt_outs is not None else ...,
                       _state=lambda: State.from_json(raw, KINDS))

    def first_over_limit(self, arrival: Arrival) -> bool:
        """The first message over the limit (it gets one "slow down"; the rest, silence)."""
        return arrival.count == self.limit.limit + 1

    def release(self, arrival: Arrival) -> None:
        """Nothing was (surely) done: Twilio's retry of this message is handled afresh."""
        if arrival.claimed and arrival.sid:
            self.dedupe.release(arrival.sid)

    def remember(self, arrival: Arrival, answer: list[str]) -> None:
        if arrival.sid:
            self.dedupe.remember(arrival.sid, answer)

    def remember_with(self, arrival: Arrival, answer: list[str]):
        """The answer kept in the same round trip as the state (``RedisConversations.save``'s ``also``)."""
        return (lambda pipe: self.dedupe.remember_in(pipe, arrival.sid, answer)) if arrival.sid else None
