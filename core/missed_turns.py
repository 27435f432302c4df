"""R26: what the bot didn't understand, kept to learn from.

A turn the bot could not route after its clarifying question is kept (``keep``) with every
digit masked, its language, channel, the step it answered and when — never the sender's
number, nor anything that leads back to the conversation. Only supervisors see them (the
console checks the role); every view, label and dismissal is audited (R14). A supervisor
labels one with the label it should have been understood as (a journey, ``fix.<fix>``, …,
or ``none``: nothing we do), or dismisses it. Labelled turns become training phrases
(``phrase_rows``, ``switchboard phrases export``). ``purge`` deletes what is older than
``MISSED_TURNS_DAYS`` (``switchboard run-due``).

Which labels exist is the vocabulary's business: the console passes them in.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from core import languages
from core.db import reader
from core.models_insights import MissedTurn
from core.services import Request, audit, transaction

log = logging.getLogger("switchboard.missed_turns")

MASK = "\u2022"  # •, one for each digit
MAX_SAID = 400
NOTHING = "none"  # "nothing we do"
PAGE = 50
CONSOLE = Request(channel="console")
# Any digit of any script (Arabic-Indic, full-width…): none survives.
_DIGIT = re.compile(r"\d")


class MissedTurnError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def mask(said: str) -> str:
    """Every digit masked, whatever the script; spelled-out numbers stay words."""
    return _DIGIT.sub(MASK, " ".join((said or "").split()))[:MAX_SAID]


def keep(db: sessionmaker[Session], *, said: str | None, door: str, lang: str, step: str,
         now: dt.datetime) -> bool:
    """Keep one misunderstood turn (best effort: a failure is logged, the caller is answered)."""
    masked = mask(said or "")
    if not masked.strip():
        return False  # only keys, or nothing said: nothing to learn from
    try:
        with db() as session, session.begin():
            session.add(MissedTurn(at=now, door=door[:10], lang=(lang or languages.DEFAULT_CODE)[:2], step=step[:20], said=masked))
        return True
    except Exception:  # noqa: BLE001 - never the caller's problem
        log.warning("could not keep a misunderstood turn", exc_info=True)
        return False


@dataclass(frozen=True)
class MissedRow:
    id: int
    at: dt.datetime
    door: str
    lang: str
    step: str
    said: str
    state: str
    label: str | None


def _row(m: MissedTurn) -> MissedRow:
    return MissedRow(m.id, m.at, m.door, m.lang, m.step, m.said, m.state, m.label)


def queue(db: sessionmaker[Session], *, viewer_id: int, now: dt.datetime, state: str = "new",
          lang: str | None = None, door: str | None = None, since: dt.datetime | None = None,
          until: dt.datetime | None = None, limit: int = PAGE) -> tuple[list[MissedRow], dict[str, int]]:
    """A supervisor's view of the kept turns (newest first) and the counts by state; the view
    is audited (R26) with what was shown (how many, which filters), never the words."""
    where = [MissedTurn.state == state] if state in ("new", "labelled", "dismissed") else []
    if lang:
        where.append(MissedTurn.lang == lang)
    if door:
        where.append(MissedTurn.door == door)
    if since is not None:
        where.append(MissedTurn.at >= since)
    if until is not None:
        where.append(MissedTurn.at < until)
    with transaction(db) as session:
        rows = session.execute(select(MissedTurn).where(*where).order_by(MissedTurn.at.desc(), MissedTurn.id.desc())
                               .limit(limit)).scalars().all()
        counts = dict(session.execute(select(MissedTurn.state, func.count()).group_by(MissedTurn.state)).all())
        audit(session, CONSOLE, action="missed_turns_viewed", outcome="shown", now=now, actor="agent",
              actor_id=str(viewer_id), shown=len(rows), state=state, lang=lang, door=door,
              ids=[m.id for m in rows][:PAGE])
        return [_row(m) for m in rows], {s: counts.get(s, 0) for s in ("new", "labelled", "dismissed")}


def count(db: sessionmaker[Session], *, state: str = "new") -> int:
    """How many kept turns are in a state (the Insights page's link says how many to label)."""
    with reader(db)() as session:
        return session.execute(select(func.count()).select_from(MissedTurn).where(MissedTurn.state == state)).scalar()


def label(db: sessionmaker[Session], turn_id: int, *, label: str, labels: Iterable[str], by_id: int,
          now: dt.datetime) -> MissedRow:
    """Label one turn with what it meant (``labels``: those the vocabulary knows, and ``none``)."""
    if label != NOTHING and label not in set(labels):
        raise MissedTurnError("unknown_label")
    return _change(db, turn_id, state="labelled", label=label, by_id=by_id, now=now)


def dismiss(db: sessionmaker[Session], turn_id: int, *, by_id: int, now: dt.datetime) -> MissedRow:
    """Nothing to learn from this one (noise, a half sentence): kept out of the export."""
    return _change(db, turn_id, state="dismissed", label=None, by_id=by_id, now=now)


def _change(db, turn_id: int, *, state: str, label: str | None, by_id: int, now: dt.datetime) -> MissedRow:
    with transaction(db) as session:
        m = session.get(MissedTurn, turn_id, with_for_update=True)
        if m is None:
            raise MissedTurnError("no_such_turn")
        before = m.state
        m.state, m.label, m.labelled_by, m.labelled_at = state, label, by_id, now
        audit(session, CONSOLE, action="missed_turn_" + ("labelled" if state == "labelled" else "dismissed"),
              outcome="done", now=now, actor="agent", actor_id=str(by_id), target=f"missed_turn:{m.id}",
              label=label, was=before)
        return _row(m)


def purge(db: sessionmaker[Session], *, now: dt.datetime, days: int) -> int:
    """R26: delete the turns kept longer than ``days`` (labelled ones too: export them first)."""
    with transaction(db) as session:
        gone = session.execute(delete(MissedTurn).where(MissedTurn.at < now - dt.timedelta(days=days))).rowcount
        if gone:
            audit(session, Request(channel="job"), action="missed_turns_purged", outcome="done", now=now,
                  actor="system", count=gone, days=days)
        return gone or 0


def phrase_rows(db: sessionmaker[Session], *, since: dt.datetime | None = None) -> list[tuple[str, str, str]]:
    """The labelled turns as training phrases: (lang, label, text), oldest first. A masked digit
    is written as 0, so a number still reads as a number (never the one that was said)."""
    where = [MissedTurn.state == "labelled", MissedTurn.label.is_not(None)]
    if since is not None:
        where.append(MissedTurn.labelled_at >= since)
    with reader(db)() as session:
        rows = session.execute(select(MissedTurn.lang, MissedTurn.label, MissedTurn.said).where(*where)
                               .order_by(MissedTurn.at, MissedTurn.id)).all()
    out, seen = [], set()
    for lang, lab, said in rows:
        text = " ".join(said.replace(MASK, "0").replace("\t", " ").split())
        if text and (lang, lab, text.lower()) not in seen:
            seen.add((lang, lab, text.lower()))
            out.append((lang, lab, text))
    return out
