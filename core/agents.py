"""The console's agents: accounts, passwords, sign-in and sessions (R22).

- Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher`` with ``ARGON2``: memory-hard,
  salted, its parameters in the stored string, rehashed on sign-in when they change).
- Sign-in failures are throttled in Redis (``SignInThrottle``: sliding windows, per client
  address and per email with a back-off, a known browser on its own): each attempt reserves
  its place first (so a burst can't buy more tries), a success gives it back.
  When Redis can't be asked, sign-in is refused (fails closed, like PIN entry).
- An unknown email, a disabled agent and a wrong password get the same answer and cost the
  same hashing work.
- A session is a random token in the browser's cookie; the database keeps its SHA-256 and
  ends it on sign-out, when the agent is disabled, after ``SESSION_IDLE`` without a request
  or ``SESSION_MAX`` after sign-in (measured on the app's clock).
- Every sign-in (and its refusal), sign-out and change to an agent is audited (R14) with
  actor ``agent`` (or ``system`` for the command line) and channel ``console``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from core import phone
from core.db import reader
from core.models_console import Agent, AgentSession
from core.services import Request, audit, transaction

ROLES = ("agent", "supervisor")
SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_MAX = dt.timedelta(hours=12)
# Sign-in failures in a sliding window of 15 minutes: per email (then a back-off), and per
# client address.
SIGN_IN_WINDOW = 15 * 60
SIGN_IN_PER_EMAIL = 5
SIGN_IN_PER_ADDRESS = 30
# A browser an agent signed in on is known for this long (its signed cookie, sb_known).
KNOWN_BROWSER_FOR = dt.timedelta(days=30)
PASSWORD_MIN = 12
PASSWORD_MAX = 200
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}")

# argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane): ~50 ms a check on a server core,
# so that a stolen table costs an attacker as much per guess; the sign-in limit stops guessing online.
ARGON2 = dict(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_hasher = PasswordHasher(**ARGON2)
_NO_AGENT: list[str] = []
CONSOLE = Request(channel="console")


class AgentError(ValueError):
    """A refused change to an agent; ``reason`` is a code the door turns into words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AgentView:
    id: int
    email: str
    name: str
    role: str
    active: bool
    phone: str | None
    time_zone: str
    created_at: dt.datetime

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.time_zone)


def _view(a: Agent) -> AgentView:
    return AgentView(a.id, a.email, a.name, a.role, a.active, a.phone, a.time_zone, a.created_at)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def time_zones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))) + ["UTC"]


def normalise_email(email: str) -> str:
    value = (email or "").strip().lower()
    if len(value) > 200 or not EMAIL.fullmatch(value):
        raise AgentError("bad_email")
    return value


def _check_password(password: str) -> None:
    if not isinstance(password, str) or not (PASSWORD_MIN <= len(password) <= PASSWORD_MAX):
        raise AgentError("bad_password")


def _check_profile(role: str, name: str, phone_number: str | None, time_zone: str) -> tuple[str, str | None]:
    if role not in ROLES:
        raise AgentError("bad_role")
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise AgentError("bad_name")
    e164 = None
    if phone_number:
        kind, e164 = phone.classify(phone_number)
        if kind != "ok":
            raise AgentError("bad_phone")
    if time_zone != "UTC" and time_zone not in available_timezones():
        raise AgentError("bad_time_zone")
    return name, e164


def _actor(by: AgentView | None) -> dict:
    return {"actor": "agent", "actor_id": by.email} if by else {"actor": "system", "actor_id": "command line"}


# Managing agents ----------------------------------------------------------------------------
def add_agent(db: sessionmaker[Session], *, email: str, name: str, role: str, password: str,
              now: dt.datetime, phone_number: str | None = None, time_zone: str = "UTC",
              by: AgentView | None = None) -> AgentView:
    email = normalise_email(email)
    _check_password(password)
    name, e164 = _check_profile(role, name, phone_number, time_zone)
    password_hash = _hasher.hash(password)  # slow: before the transaction
    with transaction(db) as session:
        if session.execute(select(Agent.id).where(Agent.email == email)).first():
            raise AgentError("exists")
        agent = Agent(email=email, name=name, role=role, password_hash=password_hash, active=True,
                      phone=e164, time_zone=time_zone, created_at=now)
        session.add(agent)
        session.flush()
        audit(session, CONSOLE, action="agent_add", outcome="applied", now=now, target=email,
              role=role, **_actor(by))
        return _view(agent)


def set_active(db: sessionmaker[Session], *, email: str, active: bool, now: dt.datetime,
               by: AgentView | None = None) -> AgentView:
    """Disable (and sign out everywhere) or enable an agent."""
    email = normalise_email(email)
    with transaction(db) as session:
        agent = session.execute(select(Agent).where(Agent.email == email).with_for_update()).scalar_one_or_none()
        if agent is None:
            raise AgentError("unknown")
        if by is not None and by.id == agent.id and not active:
            raise AgentError("not_yourself")
        if agent.active != active:
            agent.active = active
            if not active:
                session.execute(update(AgentSession).where(AgentSession.agent_id == agent.id,
                                                           AgentSession.ended_at.is_(None)).values(ended_at=now))
            audit(session, CONSOLE, action="agent_enable" if active else "agent_disable", outcome="applied",
                  now=now, target=email, **_actor(by))
        return _view(agent)


def set_password(db: sessionmaker[Session], *, email: str, password: str, now: dt.datetime,
                 by: AgentView | None = None) -> None:
    email = normalise_email(email)
    _check_password(password)
    password_hash = _hasher.hash(password)
    with transaction(db) as session:
        agent = session.execute(select(Agent).where(Agent.email == email).with_for_update()).scalar_one_or_none()
        if agent is None:
            raise AgentError("unknown")
        agent.password_hash = password_hash
        # A new password ends the sessions signed in with the old one.
        session.execute(update(AgentSession).where(AgentSession.agent_id == agent.id,
                                                   AgentSession.ended_at.is_(None)).values(ended_at=now))
        audit(session, CONSOLE, action="agent_password", outcome="applied", now=now, target=email, **_actor(by))


def set_profile(db: sessionmaker[Session], *, agent: AgentView, phone_number: str | None, time_zone: str,
                now: dt.datetime) -> AgentView:
    """An agent's own phone (rung first on a call back) and time zone."""
    _, e164 = _check_profile(agent.role, agent.name, phone_number, time_zone)
    with transaction(db) as session:
        row = session.get(Agent, agent.id, with_for_update=True)
        row.phone, row.time_zone = e164, time_zone
        audit(session, CONSOLE, action="agent_profile", outcome="applied", now=now, actor="agent",
              actor_id=agent.email, target=agent.email)
        return _view(row)


def list_agents(db: sessionmaker[Session]) -> list[AgentView]:
    with reader(db)() as session:
        return [_view(a) for a in session.execute(select(Agent).order_by(Agent.active.desc(), Agent.name)).scalars()]


def console_events(db: sessionmaker[Session], limit: int = 50) -> list[dict]:
    """The console's own audit trail (sign-ins and their refusals, sign-outs, changes to agents),
    newest first, for supervisors; case actions are on each case."""
    from core.models import AuditEvent

    actions = ("console_sign_in", "console_sign_out", "agent_add", "agent_disable", "agent_enable",
               "agent_password", "agent_profile")
    with reader(db)() as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.action.in_(actions))
                               .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)).scalars()
        return [{"at": e.at, "actor": e.actor, "actor_id": e.actor_id, "action": e.action, "outcome": e.outcome,
                 "target": e.target, "address": (e.details or {}).get("address")} for e in rows]


def get_agent(db: sessionmaker[Session], agent_id: int) -> AgentView | None:
    with reader(db)() as session:
        a = session.get(Agent, agent_id)
        return _view(a) if a else None


# Signing in ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignIn:
    ok: bool
    reason: str  # signed_in, refused, limited, unavailable
    agent: AgentView | None = None
    token: str | None = None  # for the browser's cookie; only its hash is stored


def _no_agent_hash() -> str:
    """Checked against when no agent has the email: the same work as a real check."""
    if not _NO_AGENT:
        _NO_AGENT.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _NO_AGENT[0]


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# KEYS: pairs of (failures zset, limit) per counter: the address's, the email's (or, for a
# browser an agent signed in on before, that browser's). ARGV: now, window, member, then per
# counter its limit and whether it backs off. Failures only: a reservation is a failure until
# the check says otherwise (a right password takes it back), so a burst can't buy more tries.
# Returns {1} reserved, or {0, retry_after_seconds}.
_SIGN_IN_RESERVE = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local wait = 0
for i = 1, #KEYS do
  local limit, backs_off = tonumber(ARGV[2 + i * 2]), ARGV[3 + i * 2] == '1'
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local n = redis.call('ZCARD', KEYS[i])
  if n >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i], n - limit, n - limit, 'WITHSCORES')
    local upto = tonumber(oldest[2]) + window
    if backs_off then
      -- per account: 1, 2, 4 ... minutes after the latest failure, never past the window
      local latest = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
      upto = math.min(upto, tonumber(latest[2]) + math.min(60 * 2 ^ (n - limit), window))
    end
    if upto > now and upto - now > wait then wait = upto - now end
  end
end
if wait > 0 then return {0, tostring(wait)} end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[3])
  redis.call('EXPIRE', KEYS[i], math.ceil(window) + 60)
end
return {1}
"""


@dataclass(frozen=True)
class Attempt:
    ok: bool
    keys: tuple[str, ...] = ()
    member: str = ""
    retry_after: float = 0.0


class SignInThrottle:
    """Sign-in failures in a sliding window (Redis sorted sets), reserved before the check:

    - per client address, ``SIGN_IN_PER_ADDRESS`` failures (successes never count, so agents
      behind one proxy signing in all day use none of it);
    - per email, ``SIGN_IN_PER_EMAIL`` failures, then a back-off (1, 2, 4… minutes after the
      latest failure, at most until the window lets the oldest go);
    - a browser an agent signed in on before (``known``: the console's signed cookie naming that
      agent's email) is counted on its own instead, with the email's limit: an attacker's
      failures from the same address, or against the same email, don't lock that agent out."""

    def __init__(self, client: redis.Redis, prefix: str = "sb:console:signin") -> None:
        self.r = client
        self.prefix = prefix
        self._reserve = client.register_script(_SIGN_IN_RESERVE)

    def _counters(self, email: str, address: str, known: str | None) -> list[tuple[str, int, bool]]:
        hashed = hashlib.sha256(email.encode()).hexdigest()[:24]
        if known:
            return [(f"{self.prefix}:known:{known}", SIGN_IN_PER_EMAIL, True)]
        return [(f"{self.prefix}:addr:{address}", SIGN_IN_PER_ADDRESS, False),
                (f"{self.prefix}:email:{hashed}", SIGN_IN_PER_EMAIL, True)]

    def reserve(self, email: str, address: str, now: dt.datetime, known: str | None = None) -> Attempt:
        """May this attempt be checked (it counts as a failure until ``give_back``)? Raises
        redis.RedisError."""
        counters = self._counters(email, address, known)
        member = f"{now.timestamp()}:{secrets.token_hex(6)}"
        args: list = [now.timestamp(), SIGN_IN_WINDOW, member]
        for _key, limit, backs_off in counters:
            args += [limit, 1 if backs_off else 0]
        answer = self._reserve(keys=[k for k, _, _ in counters], args=args)
        if int(answer[0]) == 1:
            return Attempt(True, tuple(k for k, _, _ in counters), member)
        return Attempt(False, retry_after=float(answer[1]))

    def give_back(self, attempt: Attempt) -> None:
        """A right password: its attempt was no failure (best effort)."""
        try:
            pipe = self.r.pipeline(transaction=False)
            for key in attempt.keys:
                pipe.zrem(key, attempt.member)
            pipe.execute()
        except redis.RedisError:
            pass


def known_browser(token: str | None, email: str, secret: str) -> str | None:
    """The id of a browser this agent signed in on before, from its signed cookie (``remember``),
    when the cookie is genuine, recent and names this email; else None."""
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    if not token:
        return None
    try:
        value = URLSafeTimedSerializer(secret, salt="sb-known-browser").loads(
            token, max_age=int(KNOWN_BROWSER_FOR.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.get("e") != hashlib.sha256(email.encode()).hexdigest()[:24]:
        return None
    browser = value.get("b")
    return browser if isinstance(browser, str) and browser.isalnum() and len(browser) <= 32 else None


def remember(email: str, secret: str) -> str:
    """The cookie value that makes this browser a known one for this agent's sign-ins."""
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret, salt="sb-known-browser").dumps(
        {"e": hashlib.sha256(email.encode()).hexdigest()[:24], "b": secrets.token_hex(12)})


def sign_in(db: sessionmaker[Session], throttle: SignInThrottle, *, email: str, password: str,
            address: str, now: dt.datetime, known: str | None = None) -> SignIn:
    """``known``: the id of a browser this agent signed in on before (``known_browser``)."""
    typed = (email or "").strip().lower()[:200]
    _no_agent_hash()  # made before the first attempt, so that no attempt pays for it
    try:
        attempt = throttle.reserve(typed, address, now, known=known)
        if not attempt.ok:
            _audit_sign_in(db, typed, "rate_limited", now, address)
            return SignIn(False, "limited")
    except redis.RedisError:
        return SignIn(False, "unavailable")
    with reader(db)() as session:
        agent = session.execute(select(Agent).where(Agent.email == typed)).scalar_one_or_none()
        stored = agent.password_hash if agent is not None else _no_agent_hash()
    try:
        ok = _hasher.verify(stored, (password or "")[:PASSWORD_MAX])
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or agent is None or not agent.active:
        _audit_sign_in(db, typed, "refused", now, address)
        return SignIn(False, "refused")
    throttle.give_back(attempt)
    token = secrets.token_urlsafe(32)
    rehash = _hasher.hash(password) if _hasher.check_needs_rehash(stored) else None
    with transaction(db) as session:
        session.add(AgentSession(id=_token_id(token), agent_id=agent.id, created_at=now, last_seen_at=now))
        if rehash:
            session.execute(update(Agent).where(Agent.id == agent.id).values(password_hash=rehash))
        audit(session, CONSOLE, action="console_sign_in", outcome="ok", now=now, actor="agent",
              actor_id=agent.email, target=agent.email, address=address)
    return SignIn(True, "signed_in", _view(agent), token)


def _audit_sign_in(db: sessionmaker[Session], email: str, outcome: str, now: dt.datetime, address: str) -> None:
    with transaction(db) as session:
        audit(session, CONSOLE, action="console_sign_in", outcome=outcome, now=now, actor="agent",
              actor_id=email[:100] or None, target=email[:200] or None, address=address)


@dataclass(frozen=True)
class SessionCheck:
    agent: AgentView | None
    reason: str  # ok, none, expired, ended


def current(db: sessionmaker[Session], token: str | None, now: dt.datetime) -> SessionCheck:
    """The signed-in agent for a session token, and the session kept alive; else why not."""
    if not token:
        return SessionCheck(None, "none")
    sid = _token_id(token)
    with reader(db)() as session:
        row = session.execute(
            select(AgentSession, Agent).join(Agent, Agent.id == AgentSession.agent_id).where(AgentSession.id == sid)
        ).first()
    if row is None:
        return SessionCheck(None, "none")
    s, agent = row
    if s.ended_at is not None or not agent.active:
        return SessionCheck(None, "ended")
    if now - s.last_seen_at > SESSION_IDLE or now - s.created_at > SESSION_MAX:
        with transaction(db) as session:
            session.execute(update(AgentSession).where(AgentSession.id == sid, AgentSession.ended_at.is_(None))
                            .values(ended_at=now))
        return SessionCheck(None, "expired")
    if now - s.last_seen_at > dt.timedelta(seconds=30):  # one write a half minute at most
        with transaction(db) as session:
            session.execute(update(AgentSession).where(AgentSession.id == sid).values(last_seen_at=now))
    return SessionCheck(_view(agent), "ok")


def sign_out(db: sessionmaker[Session], token: str | None, now: dt.datetime) -> None:
    if not token:
        return
    with transaction(db) as session:
        row = session.execute(select(AgentSession, Agent).join(Agent, Agent.id == AgentSession.agent_id)
                              .where(AgentSession.id == _token_id(token))).first()
        if row is None or row[0].ended_at is not None:
            return
        row[0].ended_at = now
        audit(session, CONSOLE, action="console_sign_out", outcome="ok", now=now, actor="agent",
              actor_id=row[1].email, target=row[1].email)
