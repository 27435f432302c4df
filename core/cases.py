"""The support console's cases: every escalation (R15) as a case an agent works (R22).

A case is an ``Escalation`` row: new -> claimed -> done (closed with a wrap-up code). Its
kind says how it reached the queue: a call put through (``call``), a transfer nobody
answered (``missed``), a ``voicemail``, a text asking for a person (``text``), or a
``callback`` request. Agents claim, note, close, call back, text a self-service instruction,
send the R21 code to the line's own number and hand a live caller to the bot; nothing here
changes a line or a plan (R7). Every agent action is an audit event with actor ``agent`` and
channel ``console``, targeted ``case:<id>`` and filed under the case's line (R14), so it is on
the case page and in ``export``.

Acting on a case (anything but a note) claims it when it is new; a case another agent
claimed is theirs, unless a supervisor takes it over; a closed case takes notes only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from core import languages, one_time_codes, phone, services
from core.agents import AgentView
from core.db import reader
from core.models import Account, AuditEvent, Escalation, Line, OutboundText
from core.models_console import Agent, CaseNote
from core.services import Request, audit, transaction

STATES = ("new", "claimed", "done")
VIEWS = {"open": ("new", "claimed"), "new": ("new",), "claimed": ("claimed",), "done": ("done",),
         "all": STATES}
KINDS = ("call", "missed", "voicemail", "text", "callback")
# How a case was closed; the console names them.
WRAP_UPS = ("self_service", "handed_to_bot", "called_back", "texted_instructions", "code_sent",
            "policy_explained", "no_answer", "duplicate", "spam", "other")
LANGUAGES = languages.CODES
DEFAULT_LANGUAGE = languages.DEFAULT_CODE
NOTE_MAX = 2000
QUEUE_LIMIT = 200
# Outcomes of a voice escalation that reached (or is still reaching) a person.
REACHED = ("connected", "agent_answered", "requested")
CALLS = "voice"  # the channel of calls; every other channel's case is a written one (``text``)
CONSOLE = Request(channel="console")


class CaseError(RuntimeError):
    """A refused case action; ``reason`` is a code the door turns into words."""

    def __init__(self, reason: str, **data: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.data = data


def kind_of(channel: str, outcome: str, recording_url: str | None, callback_number: str | None) -> str:
    if callback_number:
        return "callback"
    if recording_url:
        return "voicemail"
    if channel != CALLS:  # a text, or any other written door: never shown as a call
        return "text"
    return "call" if outcome in REACHED else "missed"


def _kind_filter(kind: str):
    no_cb, no_rec = Escalation.callback_number.is_(None), Escalation.recording_url.is_(None)
    return {
        "callback": Escalation.callback_number.is_not(None),
        "voicemail": and_(no_cb, Escalation.recording_url.is_not(None)),
        "text": and_(no_cb, no_rec, Escalation.channel != CALLS),
        "call": and_(no_cb, no_rec, Escalation.channel == CALLS, Escalation.outcome.in_(REACHED)),
        "missed": and_(no_cb, no_rec, Escalation.channel == CALLS, not_(Escalation.outcome.in_(REACHED))),
    }[kind]


def language_of(context: dict | None) -> str:
    """The conversation's language (R20), kept in the escalation's context as ``lang``."""
    lang = (context or {}).get("lang") or (context or {}).get("language")
    return languages.code_or_default(lang)


@dataclass(frozen=True)
class CaseRow:
    id: int
    kind: str
    state: str
    channel: str
    created_at: dt.datetime
    caller: str | None
    callback_number: str | None
    line_number: str | None
    verified: bool
    language: str
    reason: str
    outcome: str
    claimed_by: str | None
    claimed_by_id: int | None
    closed_at: dt.datetime | None
    wrap_up: str | None
    asked: str | None
    name: str | None = None  # the account's name, of the line the case is about (verified or named)

    def waiting(self, now: dt.datetime) -> dt.timedelta:
        return (self.closed_at or now) - self.created_at


def _row(esc: Escalation, line_number: str | None, claimer: str | None, name: str | None = None) -> CaseRow:
    ctx = esc.context or {}
    return CaseRow(esc.id, kind_of(esc.channel, esc.outcome, esc.recording_url, esc.callback_number),
                   esc.state, esc.channel, esc.created_at, esc.caller, esc.callback_number, line_number,
                   esc.verified, language_of(ctx), esc.reason, esc.outcome, claimer, esc.claimed_by,
                   esc.closed_at, esc.wrap_up, ctx.get("asked") or ctx.get("pending"), name)


def queue(db: sessionmaker[Session], *, view: str = "open", kind: str | None = None,
          language: str | None = None, mine: int | None = None, limit: int = QUEUE_LIMIT) -> list[CaseRow]:
    """The cases, newest first: by state (``VIEWS``), kind, language, or claimed by ``mine``."""
    claimer = aliased(Agent)
    stmt = (select(Escalation, Line.number, claimer.name, Account.name)
            .outerjoin(Line, Line.id == Escalation.line_id)
            .outerjoin(Account, Account.id == Line.account_id)
            .outerjoin(claimer, claimer.id == Escalation.claimed_by)
            .where(Escalation.state.in_(VIEWS.get(view, VIEWS["open"])))
            .order_by(Escalation.created_at.desc(), Escalation.id.desc()))
    if kind in KINDS:
        stmt = stmt.where(_kind_filter(kind))
    if mine is not None:
        stmt = stmt.where(Escalation.claimed_by == mine)
    # The language is in the context (JSON): filtered here, from a bounded read.
    stmt = stmt.limit(limit if language not in LANGUAGES else limit * 5)
    with reader(db)() as session:
        rows = [_row(esc, number, name, customer) for esc, number, name, customer in session.execute(stmt)]
    if language in LANGUAGES:
        rows = [r for r in rows if r.language == language][:limit]
    return rows


def counts(db: sessionmaker[Session]) -> dict[str, int]:
    with reader(db)() as session:
        found = dict(session.execute(select(Escalation.state, func.count()).where(Escalation.state != "done")
                                     .group_by(Escalation.state)).all())
    return {"new": found.get("new", 0), "claimed": found.get("claimed", 0)}


# The case page --------------------------------------------------------------------------------
@dataclass
class CaseDetail:
    row: CaseRow
    context: dict[str, Any]
    whisper: str | None
    transcription: str | None
    has_recording: bool
    support_line: str | None
    line: dict[str, Any] | None  # the case's line (verified), else the one caller ID names
    line_verified: bool
    caller_matches: list[dict[str, Any]]  # lines caller ID names (proves nothing: R8)
    notes: list[dict[str, Any]] = field(default_factory=list)
    case_events: list[dict[str, Any]] = field(default_factory=list)
    line_events: list[dict[str, Any]] = field(default_factory=list)
    # What the bot did (the conversation's notes), each change with the plan it was about.
    steps: list[tuple[str, str | None]] = field(default_factory=list)  # (the note, the plan it named)
    # The receipts that were the bot's reply to a text (R17: no outbox row), newest first.
    replied_receipts: list[dict[str, Any]] = field(default_factory=list)


def _line_view(line: Line) -> dict[str, Any]:
    return {"id": line.id, "number": line.number, "login_id": line.login_id, "is_admin": line.is_admin,
            "account": line.account.name, "status": line.status, "status_reason": line.status_reason,
            "usage_credits": line.usage_credits, "pin_locked_until": line.pin_locked_until,
            "plans": [{"product": p.product, "kind": p.kind, "period": p.period, "channel": p.channel,
                       "term_end": p.term_end, "renews": p.auto_renew, "ended": p.ended} for p in line.plans]}


def _event_view(ev: AuditEvent) -> dict[str, Any]:
    return {"at": ev.at, "actor": ev.actor, "actor_id": ev.actor_id, "channel": ev.channel,
            "action": ev.action, "outcome": ev.outcome, "target": ev.target, "request_id": ev.request_id,
            "details": {k: v for k, v in (ev.details or {}).items() if k in _SHOWN_DETAILS}}


# Audit details worth showing an agent (never a PIN: none is ever audited, R14).
_SHOWN_DETAILS = ("reason", "wrap_up", "instruction", "status", "until", "role", "method", "error", "to")


def case(db: sessionmaker[Session], case_id: int) -> CaseDetail | None:
    with reader(db)() as session:
        caller = session.execute(select(Escalation.caller).where(Escalation.id == case_id)).scalar()
    # Before the session below: one session at a time (SQLite's reads take its write lock).
    refs = services.lines_for_caller(db, caller) if caller and phone.is_e164(caller) else []
    with reader(db)() as session:
        found = session.execute(
            select(Escalation, Agent.name).outerjoin(Agent, Agent.id == Escalation.claimed_by)
            .where(Escalation.id == case_id)).first()
        if found is None:
            return None
        esc, claimer = found
        line = session.get(Line, esc.line_id) if esc.line_id else None
        matches = [m for m in (session.get(Line, ref.line_id) for ref in refs) if m is not None]
        shown = line or (matches[0] if len(matches) == 1 else None)
        detail = CaseDetail(
            row=_row(esc, line.number if line else None, claimer, line.account.name if line else None),
            context=dict(esc.context or {}),
            whisper=esc.whisper, transcription=esc.transcription, has_recording=bool(esc.recording_url),
            support_line=esc.support_line, line=_line_view(shown) if shown else None,
            line_verified=line is not None and esc.verified,
            caller_matches=[{"number": m.number, "login_id": m.login_id, "account": m.account.name}
                            for m in matches])
        notes = session.execute(select(CaseNote, Agent.name).outerjoin(Agent, Agent.id == CaseNote.agent_id)
                                .where(CaseNote.escalation_id == case_id).order_by(CaseNote.at, CaseNote.id)).all()
        detail.notes = [{"at": n.at, "agent": name or "(removed)", "body": n.body} for n, name in notes]
        mine = [AuditEvent.target == f"case:{case_id}"]
        if esc.request_id:
            mine.append(AuditEvent.request_id == esc.request_id)
        detail.case_events = [_event_view(e) for e in session.execute(
            select(AuditEvent).where(or_(*mine)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(100)
        ).scalars()]
        if shown is not None:
            detail.line_events = [_event_view(e) for e in session.execute(
                select(AuditEvent).where(AuditEvent.line_id == shown.id)
                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(30)).scalars()]
            detail.replied_receipts = [
                {"at": e["at"], "action": e["action"], "about": target_detail(e["target"])} for e in detail.line_events
                if e["channel"] == "sms" and e["outcome"] == "applied" and e["action"] in CHANGES]
        detail.steps = _named_steps(session, esc, list((esc.context or {}).get("history") or []))
        return detail


# The changes a customer makes themselves (services' change steps), as the audit names them.
CHANGES = ("cancel_plan", "cancel_line", "reactivate_line", "change_number", "block_number", "unblock_number")
_PLAN_CANCELLED = "cancel_plan: done"  # the conversation's note of an applied plan cancellation


def target_detail(target: str | None) -> str | None:
    """What a change's audit target names beyond the number: a plan ("+1555…:Text Archive")."""
    return target.split(":", 1)[1] if target and ":" in target else None


def _named_steps(session: Session, esc: Escalation, history: list[str]) -> list[tuple[str, str | None]]:
    """The conversation's notes for a person to read, each plan change naming its plan: the
    notes say "cancel_plan: done" (the whisper reads them so), the line's audit names the
    plan: the last k such notes before the escalation are its last k applied cancellations."""
    wanted = [i for i, note in enumerate(history) if note == _PLAN_CANCELLED]
    plans: list[str | None] = []
    if wanted and esc.line_id:
        plans = [target_detail(target) for target in reversed(session.execute(
            select(AuditEvent.target).where(AuditEvent.line_id == esc.line_id, AuditEvent.action == "cancel_plan",
                                            AuditEvent.outcome == "applied", AuditEvent.at <= esc.created_at)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(len(wanted))).scalars().all())]
    plans = [None] * (len(wanted) - len(plans)) + plans
    named = {i: plan for i, plan in zip(wanted, plans)}
    return [(note, named.get(i)) for i, note in enumerate(history)]


def recording_url(db: sessionmaker[Session], case_id: int) -> str | None:
    with reader(db)() as session:
        return session.execute(select(Escalation.recording_url).where(Escalation.id == case_id)).scalar()


# Agent actions ---------------------------------------------------------------------------------
def _audit_case(session: Session, agent: AgentView, esc: Escalation, action: str, outcome: str,
                now: dt.datetime, request_id: str | None = None, **details: Any) -> None:
    audit(session, Request(channel="console", request_id=request_id), action=action, outcome=outcome, now=now,
          actor="agent", actor_id=agent.email, target=f"case:{esc.id}", line_id=esc.line_id, **details)


def _lock(session: Session, case_id: int) -> Escalation:
    esc = session.execute(select(Escalation).where(Escalation.id == case_id).with_for_update()).scalar_one_or_none()
    if esc is None:
        raise CaseError("unknown")
    return esc


def _may_act(esc: Escalation, agent: AgentView) -> None:
    if esc.state == "done":
        raise CaseError("done")
    if esc.state == "claimed" and esc.claimed_by != agent.id and not agent.supervisor:
        raise CaseError("claimed_by_other")


def _take(session: Session, esc: Escalation, agent: AgentView, now: dt.datetime) -> None:
    """Claim a new case for ``agent`` as part of another action (audited as a claim)."""
    _may_act(esc, agent)
    if esc.state == "new" or esc.claimed_by != agent.id:
        esc.state, esc.claimed_by, esc.claimed_at = "claimed", agent.id, now
        _audit_case(session, agent, esc, "case_claim", "applied", now)


def claim(db: sessionmaker[Session], *, agent: AgentView, case_id: int, now: dt.datetime,
          take_over: bool = False) -> None:
    with transaction(db) as session:
        esc = _lock(session, case_id)
        if esc.state == "done":
            raise CaseError("done")
        if esc.state == "claimed":
            if esc.claimed_by == agent.id:
                return
            if not (take_over and agent.supervisor):
                raise CaseError("claimed_by_other")
        esc.state, esc.claimed_by, esc.claimed_at = "claimed", agent.id, now
        _audit_case(session, agent, esc, "case_claim", "applied", now)


def release(db: sessionmaker[Session], *, agent: AgentView, case_id: int, now: dt.datetime) -> None:
    """Put a claimed case back in the queue (its claimer, or a supervisor)."""
    with transaction(db) as session:
        esc = _lock(session, case_id)
        _may_act(esc, agent)
        if esc.state == "claimed":
            esc.state, esc.claimed_by, esc.claimed_at = "new", None, None
            _audit_case(session, agent, esc, "case_release", "applied", now)


def add_note(db: sessionmaker[Session], *, agent: AgentView, case_id: int, body: str, now: dt.datetime) -> None:
    body = (body or "").strip()
    if not body:
        raise CaseError("empty_note")
    if len(body) > NOTE_MAX:
        raise CaseError("long_note", max=NOTE_MAX)
    with transaction(db) as session:
        esc = _lock(session, case_id)
        session.add(CaseNote(escalation_id=esc.id, agent_id=agent.id, at=now, body=body))
        _audit_case(session, agent, esc, "case_note", "applied", now)


def close(db: sessionmaker[Session], *, agent: AgentView, case_id: int, wrap_up: str, now: dt.datetime,
          note: str | None = None) -> None:
    if wrap_up not in WRAP_UPS:
        raise CaseError("no_wrap_up")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise CaseError("long_note", max=NOTE_MAX)
    with transaction(db) as session:
        esc = _lock(session, case_id)
        _take(session, esc, agent, now)
        if note:
            session.add(CaseNote(escalation_id=esc.id, agent_id=agent.id, at=now, body=note))
            _audit_case(session, agent, esc, "case_note", "applied", now)
        esc.state, esc.closed_at, esc.wrap_up = "done", now, wrap_up
        _audit_case(session, agent, esc, "case_close", "applied", now, wrap_up=wrap_up)


def check_may_act(db: sessionmaker[Session], *, agent: AgentView, case_id: int) -> None:
    """Before an action that goes out first (a call): would ``record_action`` accept it?"""
    with reader(db)() as session:
        esc = session.get(Escalation, case_id)
        if esc is None:
            raise CaseError("unknown")
        _may_act(esc, agent)


def record_action(db: sessionmaker[Session], *, agent: AgentView, case_id: int, action: str, outcome: str,
                  now: dt.datetime, request_id: str | None = None, **details: Any) -> None:
    """An action carried out elsewhere (a call placed, a call handed to the bot), audited on
    the case; the case is claimed for the agent if it was new."""
    with transaction(db) as session:
        esc = _lock(session, case_id)
        if esc.state != "done":
            _take(session, esc, agent, now)
        _audit_case(session, agent, esc, action, outcome, now, request_id=request_id, **details)


@dataclass(frozen=True)
class CallTarget:
    customer: str | None  # the callback number, else the caller's
    support_line: str | None  # the caller ID to call from
    whisper: str | None
    call_sid: str | None  # the customer's call, while it may still be live
    line_login: str | None
    # Why the customer's number must not be called or texted (core.phone.outbound_refusal:
    # premium_rate, shared_cost, international, short_code), else None.
    refused: str | None = None


def call_target(db: sessionmaker[Session], case_id: int, countries: Sequence[str] = ("US", "CA")) -> CallTarget:
    with reader(db)() as session:
        esc = session.get(Escalation, case_id)
        if esc is None:
            raise CaseError("unknown")
        support = esc.support_line or session.execute(
            select(Escalation.support_line).where(Escalation.support_line.is_not(None))
            .order_by(Escalation.id.desc()).limit(1)).scalar()
        customer = esc.callback_number or (esc.caller if esc.caller and phone.is_e164(esc.caller) else None)
        login = session.execute(select(Line.login_id).where(Line.id == esc.line_id)).scalar() if esc.line_id else None
        refused = phone.outbound_refusal(customer, tuple(countries)) if customer else None
        return CallTarget(customer, support, esc.whisper, esc.request_id if esc.channel == "voice" else None, login,
                          refused)


def text_customer(db: sessionmaker[Session], *, agent: AgentView, case_id: int, instruction: str, body: str,
                  now: dt.datetime, from_number: str | None, countries: Sequence[str] = ("US", "CA")) -> str:
    """Queue a self-service instruction (public words only: no account details) to the
    customer's number; returns it. Opted-out numbers (R16) are skipped by the outbox; a
    premium-rate, shared-cost, international or short number is refused (``refused_<why>``)."""
    with transaction(db) as session:
        esc = _lock(session, case_id)
        to = esc.callback_number or (esc.caller if esc.caller and phone.is_e164(esc.caller) else None)
        if to is None:
            raise CaseError("no_number")
        refused = phone.outbound_refusal(to, tuple(countries))
        if refused:
            raise CaseError(f"refused_{refused}")
        _take(session, esc, agent, now)
        session.add(OutboundText(created_at=now, to_number=to, from_number=from_number, body=body))
        _audit_case(session, agent, esc, "text_instruction", "queued", now, instruction=instruction, to=to)
        return to


def send_code(db: sessionmaker[Session], *, agent: AgentView, case_id: int, line_key: str | None,
              secret: str, now: dt.datetime, text: Callable[[str, int], str],
              from_number: str | None) -> one_time_codes.Issued:
    """R21 at the customer's request: the code goes to the line's own number, never elsewhere.
    The line: the one typed (a number or login id), else the case's verified line, else the
    one line caller ID names."""
    with reader(db)() as session:
        esc = session.get(Escalation, case_id)
        if esc is None:
            raise CaseError("unknown")
        _may_act(esc, agent)
        case_line, caller = esc.line_id, esc.caller
    line_id = None  # (looked up after the session: one at a time, for SQLite)
    if line_key:
        ref = services.find_line(db, line_key.strip()[:40])
        line_id = ref.line_id if ref else None
    elif case_line:
        line_id = case_line
    elif caller and phone.is_e164(caller):
        refs = services.lines_for_caller(db, caller)
        line_id = refs[0].line_id if len(refs) == 1 else None
    if line_id is None:
        raise CaseError("no_line")
    try:
        issued = one_time_codes.issue(db, line_id=line_id, secret=secret, now=now, req=CONSOLE, text=text,
                                      actor="agent", actor_id=agent.email, agent_id=agent.id,
                                      from_number=from_number)
    except one_time_codes.TooManyCodes:
        raise CaseError("too_many_codes") from None
    except one_time_codes.NoSuchLine:
        raise CaseError("no_line") from None
    record_action(db, agent=agent, case_id=case_id, action="case_code_sent", outcome="queued", now=now,
                  to=issued.to_number)
    return issued


# From the bot ----------------------------------------------------------------------------------
def request_callback(db: sessionmaker[Session], *, number: str, now: dt.datetime, req: Request,
                     escalation_id: int | None = None, context: dict[str, Any] | None = None,
                     line_id: int | None = None, verified: bool = False,
                     countries: Sequence[str] = ("US", "CA")) -> int:
    """A customer asks to be called back at ``number`` (E.164; the door has confirmed it
    with them): on their escalation when there is one, else a new one (reason
    ``callback_requested``). The case (re)opens as new. Returns the escalation id."""
    if not phone.is_e164(number):
        raise CaseError("bad_number")
    refused = phone.outbound_refusal(number, tuple(countries))
    if refused:
        raise CaseError(f"refused_{refused}")
    with transaction(db) as session:
        esc = session.execute(select(Escalation).where(Escalation.id == escalation_id).with_for_update()
                              ).scalar_one_or_none() if escalation_id is not None else None
        if esc is None:
            esc = Escalation(created_at=now, channel=req.channel, request_id=req.request_id, caller=req.caller,
                             line_id=line_id, verified=verified, reason="callback_requested",
                             context=services._jsonable(context or {"verified": verified}), outcome="requested",
                             state="new")
            session.add(esc)
            session.flush()
        esc.callback_number = number
        if esc.state == "done":
            esc.state, esc.closed_at, esc.wrap_up, esc.claimed_by, esc.claimed_at = "new", None, None, None, None
        audit(session, req, action="callback_request", outcome="requested", actor="system", now=now,
              line_id=esc.line_id, target=f"case:{esc.id}", escalation=esc.id)
        return esc.id


def record_transcription(db: sessionmaker[Session], *, escalation_id: int | None, text: str | None,
                         status: str, now: dt.datetime) -> bool:
    """Twilio's transcription of a voicemail (its signed callback)."""
    if escalation_id is None:
        return False
    with transaction(db) as session:
        esc = session.execute(select(Escalation).where(Escalation.id == escalation_id).with_for_update()
                              ).scalar_one_or_none()
        if esc is None:
            return False
        if status == "completed" and text:
            esc.transcription = text[:5000]
        audit(session, Request(channel="voice", request_id=esc.request_id), action="voicemail_transcription",
              outcome=status[:40] or "unknown", actor="system", now=now, line_id=esc.line_id,
              target=f"case:{esc.id}")
        return True


def note_transfer(db: sessionmaker[Session], escalation_id: int | None, *, support_line: str | None,
                  whisper: Callable[[dict[str, Any], str | None], str]) -> None:
    """Keep the whisper (what the agent hears: ``whisper(context, caller)``) and the support
    number the customer reached, for the case page and the call back."""
    if escalation_id is None:
        return
    with transaction(db) as session:
        esc = session.execute(select(Escalation).where(Escalation.id == escalation_id).with_for_update()
                              ).scalar_one_or_none()
        if esc is None:
            return
        esc.whisper = whisper(dict(esc.context or {}), esc.caller)
        if support_line and phone.is_e164(support_line):
            esc.support_line = support_line


def note_call_result(db: sessionmaker[Session], escalation_id: int | None, *, status: str, now: dt.datetime,
                     call_sid: str | None) -> None:
    """What became of an agent's call back once the customer's phone was dialled."""
    if escalation_id is None:
        return
    with transaction(db) as session:
        esc = session.get(Escalation, escalation_id)
        if esc is None:
            return
        audit(session, Request(channel="console", request_id=call_sid), action="callback_call",
              outcome=f"customer_{status.replace('-', '_')}"[:40], actor="system", now=now,
              line_id=esc.line_id, target=f"case:{esc.id}")
