"""What the support team sees (issue 24): every figure of the console's Insights page, defined
here once, from the facts the product writes.

Where the figures come from:
- **turns** (``record_turn``): the conversation calls it once a turn, where it has decided
  what the turn was — understood, clarified (the short question "which: 1 or 2?" was asked),
  not understood, or *missed* (not routed even after the clarifying question; R26 keeps its
  masked words, ``core.missed_turns``). A turn costs one RPUSH on a Redis list, nothing in SQL;
  ``roll_up`` moves the list into ``turn_events`` in batches and folds each conversation,
  once it has been quiet for the conversation's time-to-live, into one ``ConversationFact``.
  A conversation is a call (its CallSid) or a sender's texts with no gap of 30 minutes.
- **escalations** (``core.models.Escalation``): why a person was asked for and how the case
  ended (its wrap-up code), and the time to the first agent (hand-off → claimed).
- **call events** (``core.models_twilio.CallEvent``): the time callers spent in the IVR.

The definitions (each tested on a known week in tests/console/test_insights.py):
- *self-service completion* of a journey: of the conversations that asked for it first, the
  share done by the bot (a change applied or a question answered) with no person asked for;
- *true containment*: of those done, the share with no new conversation from the same number
  (a keyed hash of it) in the next 24 hours — counted once those 24 hours have passed;
- *gave up*: conversations that ended neither done nor with a person, by the step they were
  left at (a call hung up, a text conversation that went silent); the *funnel* of a journey
  counts its conversations reaching each stage: asked → identified (PIN or code verified) →
  confirming (asked for the yes) → done (a journey that needs no PIN or yes skips those);
- *understanding*: per 100 turns, the not-understood ones (missed ones included) and the
  clarifying questions asked, by language and channel; the journeys chosen after a
  clarifying question;
- *time in the IVR*: a call's whole length, or until its hand-off to a person; *time to the
  first agent*: from the hand-off to an agent claiming the case. Median and 90th percentile
  by nearest rank.

Days and ranges are given as UTC instants by the caller (the console turns a supervisor's
"today" in their time zone into them). Nothing here holds a caller's number or words.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

import redis
from sqlalchemy import case, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from core import languages
from core.call_events import ANSWERS
from core.db import reader
from core.models import Escalation
from core.models_insights import ConversationFact, TurnEvent
from core.models_twilio import CallEvent
from core.services import transaction

log = logging.getLogger("switchboard.insights")

TURNS_KEY = "sb:insights:turns"
QUIET = dt.timedelta(minutes=30)  # the conversation's time-to-live (core.conversation.STATE_TTL)
REPEAT_WINDOW = dt.timedelta(hours=24)
KEEP_ROLLED = dt.timedelta(days=1)  # rolled-up turns kept this long, then deleted
BATCH = 5000
REPORT_TIMEOUT_MS = 30000
DOORS = ("voice", "sms")
LANGUAGES = languages.CODES
# Prompt keys that say the bot could not use what it got.
MISS_KEYS = frozenset({"unusable", "unknown_command", "pin_format", "code_format"})
CLARIFY_STEP = "which"  # core.journeys.clarify.EXPECT_WHICH
NOT_A_REQUEST = ("clarify", "agent")  # journeys that are no request of their own
STAGES = ("asked", "identified", "confirming", "done")


# Recording a turn ----------------------------------------------------------------------------
def contact_of(number: str | None, secret: str) -> str | None:
    """A keyed hash of the sender's number: the same number is the same contact (for true
    containment); the number itself is not kept here."""
    if not number:
        return None
    return hmac.new(secret.encode(), b"contact:" + number.encode(), hashlib.sha256).hexdigest()[:16]


def turn_outcome(step: str, keys: Iterable[str], expect: str, *, offer_person: bool = False) -> str:
    """What a turn was, from the step it answered and what the conversation answered."""
    keys = set(keys)
    missed_here = bool(keys & MISS_KEYS) or (offer_person and not keys - MISS_KEYS)
    if step == CLARIFY_STEP and missed_here:
        return "missed"  # not routed even after the clarifying question (R26)
    if expect == CLARIFY_STEP and step != CLARIFY_STEP:
        return "clarified"
    if missed_here:
        return "not_understood"
    return "understood"


def turn_result(keys: Iterable[str], expect: str, *, escalated: bool) -> str | None:
    """How far the turn took the request: to a person, done, asked for its yes (or None).
    (Whether it verified a PIN or code is recorded beside it: ``pin_ok`` among the keys.)"""
    keys = list(keys)
    if escalated:
        return "person"
    if any(k.startswith("done_") or k in ANSWERS for k in keys if k != "goodbye"):
        return "done"
    if expect == "confirm":
        return "confirming"
    return None


def record_turn(r: redis.Redis, *, door: str, lang: str, caller: str | None, thread: str | None, step: str,
                reply, journey: str | None, secret: str, now: dt.datetime, said: str | None = None,
                db: sessionmaker[Session] | None = None, later: list[str] | None = None) -> str:
    """One turn, as the conversation decided it: one RPUSH (never a SQL write on the way),
    and for a missed turn its masked words (R26, ``core.missed_turns``). Fails open: the
    caller is answered whatever happens here. Returns the turn's outcome. With ``later``,
    the record is appended to it for the caller to push in its own round trip (``push_in``:
    the conversation's state save), not sent now."""
    keys = reply.keys()
    outcome = turn_outcome(step, keys, reply.expect, offer_person=reply.offer_person)
    contact = contact_of(caller, secret)
    event = {"at": now.isoformat(), "door": door, "lang": lang, "step": step or "command",
             "expect": reply.expect, "journey": journey, "outcome": outcome, "contact": contact,
             "thread": (thread if door == "voice" and thread else f"{door}:{contact or '-'}"),
             "result": turn_result(keys, reply.expect, escalated=reply.escalation_id is not None),
             "verified": "pin_ok" in keys}
    if later is not None:
        later.append(json.dumps(event, separators=(",", ":")))
    else:
        push(r, event)
    if outcome == "missed" and db is not None and said:
        from core import missed_turns

        missed_turns.keep(db, said=said, door=door, lang=lang, step=step, now=now)
    return outcome


def record_handoff(r: redis.Redis, *, door: str, lang: str, caller: str | None, thread: str | None,
                   secret: str, now: dt.datetime, journey: str | None = None) -> None:
    """A person asked for outside a turn (a menu key, a failed input the door hands over):
    the conversation's result, not a turn of its own."""
    contact = contact_of(caller, secret)
    push(r, {"at": now.isoformat(), "door": door, "lang": lang, "step": "transfer", "expect": "command",
             "journey": journey, "outcome": "handoff", "contact": contact, "result": "person",
             "thread": (thread if door == "voice" and thread else f"{door}:{contact or '-'}")})


def push_in(pipe, records: list[str]) -> None:
    """Turns ``record_turn`` kept for later, queued on the caller's pipeline."""
    if records:
        pipe.rpush(TURNS_KEY, *records)


def push(r: redis.Redis, event: dict[str, Any]) -> None:
    try:
        r.rpush(TURNS_KEY, json.dumps(event, separators=(",", ":")))
    except redis.RedisError:
        log.warning("turn not recorded: Redis unavailable")


# From Redis to SQL, and from turns to conversations ---------------------------------------------
def drain(r: redis.Redis, db: sessionmaker[Session], *, batch: int = BATCH) -> int:
    """Move the recorded turns from Redis into ``turn_events`` (each batch taken atomically, so
    two processes draining at once never take the same turn)."""
    moved = 0
    while True:
        pipe = r.pipeline(transaction=True)
        pipe.lrange(TURNS_KEY, 0, batch - 1)
        pipe.ltrim(TURNS_KEY, batch, -1)
        raw, _ = pipe.execute()
        if not raw:
            return moved
        rows = []
        for item in raw:
            try:
                e = json.loads(item)
                rows.append(dict(at=dt.datetime.fromisoformat(e["at"]), door=e["door"][:10], lang=e["lang"][:2],
                                 thread=e["thread"][:80], contact=e.get("contact"), step=e["step"][:20],
                                 expect=e["expect"][:20], journey=(e.get("journey") or None),
                                 outcome=e["outcome"][:16], result=e.get("result"),
                                 verified=bool(e.get("verified")), rolled=False))
            except (ValueError, KeyError, TypeError):
                log.warning("a recorded turn could not be read: left out")
        if rows:
            with transaction(db) as session:
                session.execute(TurnEvent.__table__.insert(), rows)
        moved += len(rows)
        if len(raw) < batch:
            return moved


def _fact(turns: list[TurnEvent]) -> dict[str, Any]:
    first, last = turns[0], turns[-1]
    results = {t.result for t in turns}
    journey = next((t.journey for t in turns if t.journey and t.journey not in NOT_A_REQUEST), None)
    if "person" in results:
        result, step = "person", None
    elif "done" in results:
        result, step = "done", None
    else:
        result = "gave_up"
        step = "menu" if last.expect == "command" else last.expect
    clarified_to = None
    for t in turns:
        if t.step == CLARIFY_STEP and t.outcome == "understood" and t.journey and t.journey not in NOT_A_REQUEST:
            clarified_to = t.journey
            break
    counted = [t for t in turns if t.outcome != "handoff"]
    return dict(thread=first.thread, door=first.door, lang=last.lang, contact=first.contact,
                started_at=first.at, ended_at=last.at, journey=journey, result=result, step=step,
                stage=_stage(results | ({"identified"} if any(t.verified for t in turns) else set())),
                turns=len(counted),
                not_understood=sum(t.outcome in ("not_understood", "missed") for t in counted),
                clarified=sum(t.outcome == "clarified" for t in counted), clarified_to=clarified_to)


def _stage(results: set) -> str:
    """The stages a conversation reached, in order: "asked" always; "identified" once a PIN or
    code was verified; "confirming" once asked for its yes; "done" once done by the bot. A
    journey without a PIN (a refund question) goes from asked to done."""
    if "confirming" in results:
        results = results | {"identified"}  # a change is only proposed to a verified caller (R8)
    reached = ["asked"] + [s for s in STAGES[1:] if s in results]
    return ",".join(reached)


def roll_up(db: sessionmaker[Session], r: redis.Redis | None, *, now: dt.datetime) -> int:
    """Drain Redis, then fold every conversation quiet for ``QUIET`` into a ConversationFact
    (once: the turns are marked rolled in the same transaction, and a second roll-up racing
    this one finds them taken and gives up). Returns how many conversations were made."""
    if r is not None:
        try:
            drain(r, db)
        except redis.RedisError:
            log.warning("turns not drained: Redis unavailable")
    cutoff = now - QUIET
    made = 0
    with reader(db)() as session:
        threads = session.execute(select(TurnEvent.thread).where(TurnEvent.rolled.is_(False))
                                  .group_by(TurnEvent.thread).having(func.max(TurnEvent.at) < cutoff)).scalars().all()
    for i in range(0, len(threads), 500):
        made += _roll(db, threads[i:i + 500], cutoff)
    with transaction(db) as session:
        session.execute(delete(TurnEvent).where(TurnEvent.rolled.is_(True), TurnEvent.at < now - KEEP_ROLLED))
    return made


def _roll(db: sessionmaker[Session], threads: list[str], cutoff: dt.datetime) -> int:
    from core.services import NotApplied

    try:
        with transaction(db) as session:
            turns = session.execute(select(TurnEvent).where(TurnEvent.thread.in_(threads),
                                                            TurnEvent.rolled.is_(False), TurnEvent.at < cutoff)
                                    .order_by(TurnEvent.thread, TurnEvent.at, TurnEvent.id)).scalars().all()
            ids = [t.id for t in turns]
            taken = session.execute(update(TurnEvent).where(TurnEvent.id.in_(ids), TurnEvent.rolled.is_(False))
                                    .values(rolled=True).execution_options(synchronize_session=False)).rowcount
            if taken != len(ids):
                raise _Raced()
            convs: list[list[TurnEvent]] = []
            for t in turns:
                c = convs[-1] if convs else None
                if c and c[-1].thread == t.thread and t.at - c[-1].at < QUIET:
                    c.append(t)
                else:
                    convs.append([t])
            facts = [_fact(c) for c in convs]
            session.add_all([ConversationFact(**f) for f in facts])
            session.flush()
            # A conversation that was done by the bot, followed within 24 hours by another from
            # the same number, was not really contained: found for the whole batch at once.
            starts: dict[str, list[dt.datetime]] = defaultdict(list)
            for f in facts:
                if f["contact"]:
                    starts[f["contact"]].append(f["started_at"])
            if starts:
                first = min(min(v) for v in starts.values())
                done = session.execute(select(ConversationFact.id, ConversationFact.contact, ConversationFact.ended_at)
                                       .where(ConversationFact.contact.in_(list(starts)),
                                              ConversationFact.result == "done",
                                              ConversationFact.repeated.is_(False),
                                              ConversationFact.ended_at >= first - REPEAT_WINDOW)).all()
                again = [i for i, contact, ended in done
                         if any(ended < s <= ended + REPEAT_WINDOW for s in starts[contact])]
                if again:
                    session.execute(update(ConversationFact).where(ConversationFact.id.in_(again))
                                    .values(repeated=True).execution_options(synchronize_session=False))
            return len(facts)
    except (_Raced, NotApplied):
        log.info("another roll-up took these conversations")
        return 0


class _Raced(Exception):
    pass


# The figures ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    since: dt.datetime
    until: dt.datetime
    door: str | None = None
    lang: str | None = None
    journey: str | None = None


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Completion:
    journey: str
    conversations: int
    done: int
    done_closed: int  # done, 24 hours passed since
    contained: int  # of done_closed, no contact again within 24 hours

    @property
    def completion(self) -> float | None:
        return self.done / self.conversations if self.conversations else None

    @property
    def containment(self) -> float | None:
        return self.contained / self.done_closed if self.done_closed else None


@dataclass
class Understanding:
    door: str
    lang: str
    turns: int
    not_understood: int
    clarified: int

    @property
    def not_understood_per_100(self) -> float | None:
        return 100 * self.not_understood / self.turns if self.turns else None

    @property
    def clarified_per_100(self) -> float | None:
        return 100 * self.clarified / self.turns if self.turns else None


@dataclass
class Timing:
    what: str
    n: int
    median_s: float | None
    p90_s: float | None


@dataclass
class Figures:
    filters: Filters
    conversations: int = 0
    completion: list[Completion] = field(default_factory=list)
    gave_up: dict[str, dict[str, int]] = field(default_factory=dict)  # step -> door -> n
    funnels: dict[str, dict[str, int]] = field(default_factory=dict)  # journey -> stage -> n
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)  # reason -> ending -> n
    understanding: list[Understanding] = field(default_factory=list)
    after_clarifying: dict[str, int] = field(default_factory=dict)  # journey -> n
    timing: list[Timing] = field(default_factory=list)

    @property
    def total_completion(self) -> Completion:
        c = Completion("all", 0, 0, 0, 0)
        for x in self.completion:
            c.conversations += x.conversations
            c.done += x.done
            c.done_closed += x.done_closed
            c.contained += x.contained
        return c


def figures(db: sessionmaker[Session], f: Filters, *, now: dt.datetime) -> Figures:
    out = Figures(f)
    where = [ConversationFact.started_at >= f.since, ConversationFact.started_at < f.until]
    if f.door:
        where.append(ConversationFact.door == f.door)
    if f.lang:
        where.append(ConversationFact.lang == f.lang)
    if f.journey:
        where.append(ConversationFact.journey == f.journey)
    C = ConversationFact
    closed = C.ended_at <= now - REPEAT_WINDOW
    with db() as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            # A report, not a webhook: a year's range may take longer than a webhook's statements.
            session.execute(text("SET TRANSACTION READ ONLY"))
            session.execute(text(f"SET LOCAL statement_timeout = {REPORT_TIMEOUT_MS}"))
            # Planned for each range: a generic plan made for a day (prepared statements, core.db)
            # is a poor one for a year.
            session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        # Grouped in SQL (one pass over the range's index): a year of a large line stays quick.
        rows = session.execute(select(
            C.journey, C.result, C.stage, C.step, C.door, C.lang, C.repeated, closed, func.count(),
            func.sum(C.turns), func.sum(C.not_understood), func.sum(C.clarified),
        ).where(*where).group_by(C.journey, C.result, C.stage, C.step, C.door, C.lang, C.repeated, closed)).all()
        clarified_to = session.execute(select(C.clarified_to, func.count()).where(*where, C.clarified_to.is_not(None))
                                       .group_by(C.clarified_to)).all()
        # Cases and calls: grouped and ranked in SQL too (PostgreSQL's percentile_disc is the
        # nearest rank; SQLite, the development database, gets the column and ranks it here).
        e_where = [Escalation.created_at >= f.since, Escalation.created_at < f.until]
        if f.door:
            e_where.append(Escalation.channel == f.door)
        if f.lang:
            e_where.append(Escalation.context["lang"].as_string() == f.lang)
        if f.journey:
            e_where.append(Escalation.context["asked"].as_string() == f.journey)
        reason_rows = session.execute(select(Escalation.reason, Escalation.state, Escalation.wrap_up, func.count())
                                      .where(*e_where).group_by(Escalation.reason, Escalation.state,
                                                                Escalation.wrap_up)).all()
        dialect = session.get_bind().dialect.name
        to_agent = _timing(session, "to_first_agent", _seconds(dialect, Escalation.claimed_at, Escalation.created_at),
                           e_where)
        handed = Escalation.created_at
        ivr = case((handed.is_(None), CallEvent.duration_s),
                   else_=CallEvent.duration_s - _seconds(dialect, CallEvent.ended_at, handed))
        c_where = [CallEvent.ended_at >= f.since, CallEvent.ended_at < f.until, CallEvent.outcome != "not_answered",
                   CallEvent.duration_s.is_not(None), *([CallEvent.lang == f.lang] if f.lang else [])]
        in_ivr = (Timing("in_ivr", 0, None, None) if f.door == "sms" else
                  _timing(session, "in_ivr", func.greatest(ivr, 0) if dialect == "postgresql" else func.max(ivr, 0),
                          c_where,
                          join=(Escalation, Escalation.id == CallEvent.escalation_id), frm=CallEvent))
    per_journey: dict[str, Completion] = {}
    understanding: dict[tuple[str, str], Understanding] = {}
    funnels: dict[str, Counter] = defaultdict(Counter)
    gave_up: dict[str, Counter] = defaultdict(Counter)
    for journey, result, stage, step, door, lang, repeated, is_closed, n, turns, missed, clarified in rows:
        out.conversations += n
        u = understanding.setdefault((door, lang), Understanding(door, lang, 0, 0, 0))
        u.turns += turns or 0
        u.not_understood += missed or 0
        u.clarified += clarified or 0
        if result == "gave_up":
            gave_up[step or "menu"][door] += n
        if journey is None:
            continue
        c = per_journey.setdefault(journey, Completion(journey, 0, 0, 0, 0))
        c.conversations += n
        if result == "done":
            c.done += n
            if is_closed:
                c.done_closed += n
                c.contained += 0 if repeated else n
        for s in (stage or "asked").split(","):
            funnels[journey][s] += n
    out.completion = sorted(per_journey.values(), key=lambda c: (-c.conversations, c.journey))
    out.understanding = sorted(understanding.values(), key=lambda u: (u.door, u.lang))
    out.funnels = {j: {s: funnels[j][s] for s in STAGES} for j in sorted(funnels, key=lambda j: -funnels[j]["asked"])}
    out.gave_up = {s: dict(d) for s, d in sorted(gave_up.items(), key=lambda kv: -sum(kv[1].values()))}
    out.after_clarifying = dict(sorted(clarified_to, key=lambda kv: (-kv[1], kv[0])))

    reasons: dict[str, Counter] = defaultdict(Counter)
    for reason, state, wrap_up, n in reason_rows:
        reasons[reason][wrap_up if state == "done" and wrap_up else "open" if state != "done" else "closed"] += n
    out.reasons = {r: dict(c) for r, c in sorted(reasons.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))}
    out.timing = [in_ivr, to_agent]
    return out


def _seconds(dialect: str, later, earlier):
    """``later - earlier`` in seconds, in SQL."""
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _timing(session: Session, what: str, expr, where: list, *, join=None, frm=None) -> Timing:
    """How many, the median and the 90th percentile (nearest rank) of ``expr``, whole seconds."""
    inner = select(expr.label("s"))
    if frm is not None:
        inner = inner.select_from(frm)
    if join is not None:
        inner = inner.outerjoin(*join)
    sub = inner.where(*where).subquery()
    value = sub.c.s
    if session.get_bind().dialect.name == "postgresql":
        n, median, p90 = session.execute(select(func.count(value), func.percentile_disc(0.5).within_group(value),
                                                func.percentile_disc(0.9).within_group(value))).one()
        return Timing(what, n, None if median is None else round(float(median)),
                      None if p90 is None else round(float(p90)))
    values = [round(float(v)) for (v,) in session.execute(select(value).where(value.is_not(None)))]
    return Timing(what, len(values), percentile(values, 50), percentile(values, 90))


# An agent's own figures -------------------------------------------------------------------------
@dataclass
class OwnFigures:
    claimed: int
    closed: int
    open_now: int
    wrap_ups: dict[str, int]
    to_claim: Timing
    to_close: Timing


def own_figures(db: sessionmaker[Session], agent_id: int, *, since: dt.datetime, until: dt.datetime) -> OwnFigures:
    """The cases an agent claimed in the range: how many, closed how, and how quickly."""
    with reader(db)() as session:
        rows = session.execute(select(Escalation.state, Escalation.wrap_up, Escalation.created_at,
                                      Escalation.claimed_at, Escalation.closed_at)
                               .where(Escalation.claimed_by == agent_id, Escalation.claimed_at >= since,
                                      Escalation.claimed_at < until)).all()
    wraps = Counter(w for s, w, *_ in rows if s == "done" and w)
    claim = [(c - a).total_seconds() for _, _, a, c, _ in rows if c is not None]
    close = [(z - c).total_seconds() for _, _, _, c, z in rows if c is not None and z is not None]
    return OwnFigures(len(rows), sum(s == "done" for s, *_ in rows), sum(s == "claimed" for s, *_ in rows),
                      dict(wraps.most_common()), Timing("to_claim", len(claim), percentile(claim, 50),
                                                        percentile(claim, 90)),
                      Timing("to_close", len(close), percentile(close, 50), percentile(close, 90)))


# CSV --------------------------------------------------------------------------------------------
CHARTS = ("completion", "gave_up", "funnels", "reasons", "understanding", "after_clarifying", "timing")


def table(fig: Figures, chart: str) -> tuple[list[str], list[list[Any]]]:
    """A chart's numbers as a header and rows (the CSV download, and the table beside it)."""
    def pct(x):
        return "" if x is None else f"{x:.3f}"
    if chart == "completion":
        return (["journey", "conversations", "done_by_bot", "completion", "done_24h_ago", "contained", "containment"],
                [[c.journey, c.conversations, c.done, pct(c.completion), c.done_closed, c.contained,
                  pct(c.containment)] for c in fig.completion])
    if chart == "gave_up":
        return (["step", "voice_abandoned", "sms_silent"],
                [[s, d.get("voice", 0), d.get("sms", 0)] for s, d in fig.gave_up.items()])
    if chart == "funnels":
        return (["journey", *STAGES], [[j, *[d[s] for s in STAGES]] for j, d in fig.funnels.items()])
    if chart == "reasons":
        endings = sorted({e for d in fig.reasons.values() for e in d})
        return (["reason", "total", *endings], [[r, sum(d.values()), *[d.get(e, 0) for e in endings]]
                                                for r, d in fig.reasons.items()])
    if chart == "understanding":
        return (["channel", "language", "turns", "not_understood", "not_understood_per_100", "clarified",
                 "clarified_per_100"],
                [[u.door, u.lang, u.turns, u.not_understood, pct(u.not_understood_per_100), u.clarified,
                  pct(u.clarified_per_100)] for u in fig.understanding])
    if chart == "after_clarifying":
        return (["journey", "chosen_after_clarifying"], [[j, n] for j, n in fig.after_clarifying.items()])
    if chart == "timing":
        return (["what", "calls_or_cases", "median_s", "p90_s"],
                [[t.what, t.n, "" if t.median_s is None else round(t.median_s),
                  "" if t.p90_s is None else round(t.p90_s)] for t in fig.timing])
    raise KeyError(chart)
