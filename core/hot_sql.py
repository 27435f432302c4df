"""The PIN step's and the change skeleton's SQL as Core statements (issue 26): built once
here, with bound parameters, executed on a plain connection, no mapped object made.

PostgreSQL runs each write as ONE statement: the data-modifying parts are CTEs of it (an
update, the audit rows, the outbox row, the applied change, and for a verified PIN the line
summary read after them), atomic as any single statement is. SQLite has no data-modifying
CTE: there the same rows are written by the same statements one after another, in the
caller's transaction (``write``). Which path is the dialect's, never the caller's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Sequence

from sqlalchemy import bindparam, exists, func, insert, literal, literal_column, select, union_all, update
from sqlalchemy.engine import Connection

from core.models import AppliedChange, AuditEvent, BlockedNumber, ContactNumber, Line, OutboundText, Plan, TextOptOut

L = Line.__table__
P = Plan.__table__
A = AuditEvent.__table__
C = AppliedChange.__table__
O = OutboundText.__table__
X = TextOptOut.__table__
B = BlockedNumber.__table__
N = ContactNumber.__table__

AUDIT_COLUMNS = ("at", "actor", "actor_id", "channel", "action", "target", "outcome", "request_id", "line_id", "details")
CHANGE_COLUMNS = ("id", "line_id", "action", "at", "request_id", "applied", "reason", "rule", "data")
OUTBOX_COLUMNS = ("created_at", "to_number", "from_number", "body", "request_id", "next_attempt_at", "status",
                  "attempts", "secret")


def _params(table, columns: Sequence[str], prefix: str) -> dict:
    return {c: bindparam(f"{prefix}{c}", type_=table.c[c].type) for c in columns}


def prefixed(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {f"{prefix}{k}": v for k, v in row.items()}


# The PIN step --------------------------------------------------------------------------------
PIN_LINES = (select(L.c.id, L.c.account_id, L.c.number, L.c.login_id, L.c.is_admin, L.c.pin_salt, L.c.pin_hash,
                    L.c.pin_locked_until)
             .where(L.c.id.in_(bindparam("ids", expanding=True))).order_by(L.c.id))


@dataclass(frozen=True)
class PinLine:
    id: int
    account_id: int
    number: str
    login_id: str
    is_admin: bool
    pin_salt: str
    pin_hash: str
    pin_locked_until: dt.datetime | None


def pin_lines(conn: Connection, line_ids: Sequence[int]) -> list[PinLine]:
    if not line_ids:
        # No statement fewer for no line: the same work as a real line's (R8).
        line_ids = [-1]
    return [PinLine(*row) for row in conn.execute(PIN_LINES, {"ids": list(line_ids)})]


AUDIT_ONE = insert(A).values(**_params(A, AUDIT_COLUMNS, "a_"))


def audits(rows: Sequence[dict[str, Any]]):
    """One INSERT of every audit row given (a multi-row VALUES)."""
    if len(rows) == 1:
        return AUDIT_ONE, prefixed(rows[0], "a_")
    values, params = [], {}
    for i, row in enumerate(rows):
        values.append(_params(A, AUDIT_COLUMNS, f"a{i}_"))
        params.update(prefixed(row, f"a{i}_"))
    return insert(A).values(values), params


def pin_lock_update(line_ids: Sequence[int]):
    return (update(L).where(L.c.id.in_(bindparam("lock_ids", expanding=True)))
            .values(pin_locked_until=bindparam("lock_until", type_=L.c.pin_locked_until.type))), \
        {"lock_ids": list(line_ids)}


def write_pin_failure(conn: Connection, rows: Sequence[dict[str, Any]], lock_ids: Sequence[int],
                      until: dt.datetime | None) -> None:
    """The failed attempt's audit rows, and R9's lock kept on the lines when it locked."""
    stmt, params = audits(rows)
    if until is not None and lock_ids:
        upd, more = pin_lock_update(lock_ids)
        params.update(more, lock_until=until)
        if conn.dialect.name == "postgresql":
            conn.execute(stmt.add_cte(upd.returning(L.c.id).cte("locked")), params)
            return
        conn.execute(upd, params)
    conn.execute(stmt, params)


# The change skeleton -------------------------------------------------------------------------
LOCK_LINE = select(L.c.id).where(L.c.id == bindparam("line")).with_for_update()

# A line's blocked ('b') and contact ('c') numbers as one table (the summary and the change read it).
NUMBERS = union_all(
    select(literal_column("'b'").label("kind"), B.c.id.label("id"), B.c.line_id.label("line_id"),
           B.c.number.label("number")),
    select(literal_column("'c'"), N.c.id, N.c.line_id, N.c.number),
).subquery("numbers")
PLAN_FIELDS = ("id", "line_id", "product", "kind", "period", "channel", "term_end", "auto_renew", "ended",
               "cancelled_at", "original_transaction_id", "product_id")
LINE_FIELDS = ("id", "account_id", "number", "login_id", "is_admin", "status", "status_reason", "language",
               "usage_credits", "cancelled_at", "released_at")
PRIOR_FIELDS = ("id", "line_id", "applied", "reason", "rule", "data", "request_id")
# The locked line, its plans and numbers, the change already applied under ``change`` if any,
# and whether the receipt's possible numbers opted out (R16): one statement, read after the
# lock was taken (a read that waited must see what the other transaction committed).
CHANGE_READ = (
    select(*(L.c[f] for f in LINE_FIELDS),
           *(P.c[f].label(f"p_{f}") for f in PLAN_FIELDS),
           NUMBERS.c.kind.label("n_kind"), NUMBERS.c.id.label("n_id"), NUMBERS.c.number.label("n_number"),
           *(C.c[f].label(f"c_{f}") for f in PRIOR_FIELDS),
           exists().where(X.c.number == bindparam("to")).label("to_opted_out"),
           exists().where(X.c.number == L.c.number).label("line_opted_out"))
    .select_from(L.outerjoin(P, P.c.line_id == L.c.id)
                 .outerjoin(NUMBERS, NUMBERS.c.line_id == L.c.id)
                 .outerjoin(C, C.c.id == bindparam("change")))
    .where(L.c.id == bindparam("line"))
    .order_by(P.c.id, NUMBERS.c.id))
_AT = {"p": len(LINE_FIELDS), "n": len(LINE_FIELDS) + len(PLAN_FIELDS),
       "c": len(LINE_FIELDS) + len(PLAN_FIELDS) + 3}


@dataclass(frozen=True)
class PlanRow:
    id: int
    line_id: int
    product: str
    kind: str
    period: str
    channel: str
    term_end: dt.date
    auto_renew: bool
    ended: bool
    cancelled_at: dt.datetime | None
    original_transaction_id: str | None
    product_id: str | None


@dataclass(frozen=True)
class NumberRow:
    id: int
    number: str


@dataclass(frozen=True)
class PriorChange:
    id: str
    line_id: int
    applied: bool
    reason: str
    rule: str | None
    data: dict[str, Any] | None
    request_id: str | None


@dataclass(eq=False)
class LineRow:
    """A line as the skeleton's steps and the policy read it (the ORM ``Line``'s fields and
    collections, plain values): what ``decide`` and ``apply`` are given."""

    id: int
    account_id: int
    number: str
    login_id: str
    is_admin: bool
    status: str
    status_reason: str | None
    language: str
    usage_credits: Any
    cancelled_at: dt.datetime | None
    released_at: dt.datetime | None
    plans: list[PlanRow] = field(default_factory=list)
    blocked: list[NumberRow] = field(default_factory=list)
    contacts: list[NumberRow] = field(default_factory=list)

    @property
    def number_plan(self) -> PlanRow | None:
        return next((p for p in self.plans if p.kind == "number"), None)


@dataclass(frozen=True)
class ChangeRead:
    line: LineRow | None
    prior: PriorChange | None
    to_opted_out: bool
    line_opted_out: bool


def read_change(conn: Connection, line_id: int, change_id: str | None, receipt_to: str | None) -> ChangeRead:
    rows = conn.execute(CHANGE_READ, {"line": line_id, "change": change_id, "to": receipt_to}).all()
    if not rows:
        return ChangeRead(None, None, False, False)
    first = rows[0]
    line = LineRow(*first[:_AT["p"]])
    plans: dict[int, PlanRow] = {}
    numbers: dict[tuple[str, int], str] = {}
    for row in rows:
        if row.p_id is not None and row.p_id not in plans:
            plans[row.p_id] = PlanRow(*row[_AT["p"]:_AT["n"]])
        if row.n_kind is not None:
            numbers[(row.n_kind, row.n_id)] = row.n_number
    line.plans = list(plans.values())
    for (kind, nid), number in sorted(numbers.items()):
        (line.blocked if kind == "b" else line.contacts).append(NumberRow(nid, number))
    prior = PriorChange(*first[_AT["c"]:_AT["c"] + len(PRIOR_FIELDS)]) if first.c_id is not None else None
    return ChangeRead(line, prior, bool(first.to_opted_out), bool(first.line_opted_out))


CHANGE_ONE = insert(C).values(**_params(C, CHANGE_COLUMNS, "c_"))


def _joined(i: int):
    """A later change of the same conversation joins the receipt still waiting to go (R17);
    the row is locked by the update, and one a worker claimed meanwhile is left alone."""
    return (update(O).where(O.c.request_id == bindparam(f"o{i}_request_id"), O.c.to_number == bindparam(f"o{i}_to_number"),
                            O.c.status == "queued", O.c.secret.is_(False), O.c.next_attempt_at.is_not(None))
            .values(body=O.c.body + "\n" + bindparam(f"o{i}_body", type_=O.c.body.type),
                    next_attempt_at=bindparam(f"o{i}_next_attempt_at", type_=O.c.next_attempt_at.type)))


def _outbox_insert(i: int):
    return insert(O).values(**{c: bindparam(f"o{i}_{c}", type_=O.c[c].type) for c in OUTBOX_COLUMNS})


def _pg_change_write(n_texts: int, join: bool, with_change: bool):
    """One statement: the audit row, the outbox rows (a waiting one joined), the applied change;
    returns how many outbox rows it inserted (each wakes the worker)."""
    ctes = [AUDIT_ONE.returning(A.c.id).cte("audited")]
    counted = []
    for i in range(n_texts):
        if join:
            joined = _joined(i).returning(O.c.id).cte(f"joined{i}")
            cols = [bindparam(f"o{i}_{c}", type_=O.c[c].type) for c in OUTBOX_COLUMNS]
            queued = (insert(O).from_select(list(OUTBOX_COLUMNS),
                                            select(*cols).where(~exists(select(joined.c.id))))
                      .returning(O.c.id).cte(f"queued{i}"))
            ctes += [joined, queued]
        else:
            queued = _outbox_insert(i).returning(O.c.id).cte(f"queued{i}")
            ctes.append(queued)
        counted.append(select(func.count()).select_from(queued).scalar_subquery())
    if with_change:
        ctes.append(CHANGE_ONE.returning(C.c.id).cte("applied"))
    total = counted[0] if counted else literal(0)
    for more in counted[1:]:
        total = total + more
    stmt = select(total.label("queued"))
    for cte in ctes:
        stmt = stmt.add_cte(cte)
    return stmt


_PG_WRITES: dict[tuple[int, bool, bool], Any] = {}


def write_change(conn: Connection, audit_row: dict[str, Any], change_row: dict[str, Any] | None,
                 texts: Sequence[dict[str, Any]]) -> int:
    """The change's audit event (R14), its receipts in the outbox (R17: a text of the same
    conversation still waiting is joined, not doubled) and its applied-change row (R13), in
    one statement on PostgreSQL. Returns how many new outbox rows were inserted."""
    join = any(t.get("request_id") for t in texts)
    params = prefixed(audit_row, "a_")
    for i, t in enumerate(texts):
        params.update(prefixed(t, f"o{i}_"))
    if conn.dialect.name == "postgresql":
        key = (len(texts), join, change_row is not None)
        stmt = _PG_WRITES.get(key)
        if stmt is None:
            stmt = _PG_WRITES[key] = _pg_change_write(*key)
        if change_row is not None:
            params.update(prefixed(change_row, "c_"))
        return int(conn.execute(stmt, params).scalar() or 0)
    # SQLite: the same rows, statement by statement, in the caller's transaction.
    conn.execute(AUDIT_ONE, params)
    inserted = 0
    for i, t in enumerate(texts):
        if t.get("request_id") and conn.execute(_joined(i), params).rowcount:
            continue
        conn.execute(_outbox_insert(i), params)
        inserted += 1
    if change_row is not None:
        conn.execute(CHANGE_ONE, prefixed(change_row, "c_"))
    return inserted


def write_refusal(conn: Connection, audit_row: dict[str, Any], change_row: dict[str, Any] | None) -> None:
    """A change refused or found done: its audit event and, with an id, its applied-change row."""
    write_change(conn, audit_row, change_row, ())
