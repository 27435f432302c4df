"""R21: the one-time code for a customer who forgot the PIN.

``issue`` makes a 6-digit code for a line, keeps only its keyed hash (HMAC-SHA256 with
PIN_SECRET over the line and the code), and queues a text with it to the line's *own*
number (the outbox, in the same transaction), never to the number asking. A newer code
replaces the line's older ones; at most ``MAX_PER_HOUR`` codes a line an hour.

``verify`` checks an entered code exactly as ``services.verify_pin`` checks a PIN, and
against the same R9 counter: the attempt is reserved first (``PinAttempts``, the same
subjects as the PIN), five wrong entries (PINs and codes together) within 15 minutes lock
PIN entry for the line, the lock is written to the line's row and audited, and a line and
no line cost the same work (R8). A right code verifies like the PIN, once: it is marked used
with a conditional update, so two entries of the same code can't both verify.

The code itself is never logged, audited, returned or stored, except in the body of the
queued text until it is sent or given up (``outbox``: the body is then replaced by
``REDACTED``; such a text is never sent again after a delivery failure: ask for a new code).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Callable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.limits import PinAttempts
from core.models import Line, OutboundText
from core.models_console import OneTimeCode
from core.services import PinCheck, Request, audit, check_secret, transaction

VALID_FOR = dt.timedelta(minutes=10)
MAX_PER_HOUR = 3
DIGITS = 6


class TooManyCodes(RuntimeError):
    """MAX_PER_HOUR codes were already sent to this line in the last hour."""


class NoSuchLine(LookupError):
    pass


@dataclass(frozen=True)
class Issued:
    line_id: int
    to_number: str  # the line's own number
    expires_at: dt.datetime
    outbound_id: int


def _hash(secret: str, line_id: int, code: str) -> str:
    return hmac.new(secret.encode(), f"otc:{line_id}:{code}".encode(), hashlib.sha256).hexdigest()


def issue(db: sessionmaker[Session], *, line_id: int, secret: str, now: dt.datetime, req: Request,
          text: Callable[[str, int], str], actor: str = "system", actor_id: str | None = None,
          agent_id: int | None = None, from_number: str | None = None) -> Issued:
    """Make a code for the line and queue ``text(code, minutes)`` to the line's own number.

    ``req``/``actor``/``actor_id``: who asked (the bot: the caller's request; the console: the
    agent), for the audit event ``one_time_code_sent``. Raises ``NoSuchLine`` or
    ``TooManyCodes`` (audited as refused)."""
    code = f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"
    with transaction(db) as session:
        line = session.execute(select(Line).where(Line.id == line_id).with_for_update()).scalar_one_or_none()
        if line is None or line.status == "released":
            raise NoSuchLine(line_id)
        recent = session.execute(select(func.count()).select_from(OneTimeCode).where(
            OneTimeCode.line_id == line_id, OneTimeCode.created_at > now - dt.timedelta(hours=1))).scalar()
        if recent >= MAX_PER_HOUR:
            audit(session, req, action="one_time_code_sent", outcome="refused", now=now, actor=actor,
                  actor_id=actor_id, line_id=line.id, target=line.number, reason="too_many_codes")
            too_many = True
        else:
            too_many = False
            # The newest code replaces the older ones.
            session.execute(update(OneTimeCode).where(OneTimeCode.line_id == line_id, OneTimeCode.used_at.is_(None))
                            .values(used_at=now))
            session.add(OneTimeCode(line_id=line_id, code_hash=_hash(secret, line_id, code), created_at=now,
                                    expires_at=now + VALID_FOR, agent_id=agent_id))
            out = OutboundText(created_at=now, to_number=line.number, from_number=from_number,
                               body=text(code, int(VALID_FOR.total_seconds() // 60)), request_id=req.request_id,
                               secret=True)
            session.add(out)
            session.flush()
            audit(session, req, action="one_time_code_sent", outcome="queued", now=now, actor=actor,
                  actor_id=actor_id, line_id=line.id, target=line.number)
            issued = Issued(line.id, line.number, now + VALID_FOR, out.id)
    if too_many:  # the refusal's audit event is committed; then say so
        raise TooManyCodes(line_id)
    return issued


# Compared with when a line has no live code: the same HMAC work (R8).
_NO_CODE_HASH = "0" * 64


def verify(db: sessionmaker[Session], attempts: PinAttempts, secret: str, *, line_ids: Sequence[int],
           identity: str | None, code: str, now: dt.datetime, req: Request) -> PinCheck:
    """Check an entered one-time code; same arguments and answer as ``services.verify_pin``
    (``PinCheck``: ok / verified, wrong_pin, locked, unavailable), same R9 counter, lock and
    audit (``services.check_secret``), method ``one_time_code``. A code proves once."""
    entered = "".join(ch for ch in (code or "") if ch.isascii() and ch.isdigit())
    well_formed = len(entered) == DIGITS and entered == (code or "").strip()

    def match(session: Session, lines: Sequence[Line]) -> Line | None:
        live = {c.line_id: c for c in session.execute(
            select(OneTimeCode).where(OneTimeCode.line_id.in_([ln.id for ln in lines] or [-1]),
                                      OneTimeCode.used_at.is_(None), OneTimeCode.expires_at > now)
            .order_by(OneTimeCode.created_at)).scalars()}  # the newest a line wins
        found = None
        for line in lines or [None]:
            row = live.get(line.id) if line is not None else None
            expected = row.code_hash if row is not None else _NO_CODE_HASH
            given = _hash(secret, line.id if line is not None else -1, entered)
            if hmac.compare_digest(expected, given) and well_formed and row is not None and found is None:
                found = (line, row)
        if found is None:
            return None
        line, row = found
        used = session.execute(update(OneTimeCode).where(OneTimeCode.id == row.id, OneTimeCode.used_at.is_(None))
                               .values(used_at=now)).rowcount
        return line if used == 1 else None

    return check_secret(db, attempts, line_ids=line_ids, identity=identity, now=now, req=req, match=match,
                        method="one_time_code")
