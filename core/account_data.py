"""``switchboard import`` / ``export``: the JSON format of CONTRACT.md.

Import refuses the whole file, writing nothing, when any part is wrong: first against its
declared schema (``core.import_schema``), then against the policy and what the database
already holds (``core.import_rules``); each error names the account, the line and the
field, and no value the database would refuse ever reaches it. Lines are matched by
number, so importing the same file twice changes nothing the second time; a line moves to
another account only with ``allow_move``. Export never contains a PIN.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable, Iterator

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload, sessionmaker

from core import languages, pins
from core.import_rules import Facts, Known, Placement, check, numbers_named, transactions_named
from core.import_schema import ImportDoc, LineDoc, parse
from core.models import (
    Account,
    AuditEvent,
    AvailableNumber,
    BlockedNumber,
    ContactNumber,
    Line,
    Plan,
)
from core.models_appstore import AppStoreNotification

CHUNK = 1000  # values a statement's IN takes (PostgreSQL and SQLite cap bound parameters)
KNOWN = (Line.id, Line.number, Line.login_id, Line.account_id, Line.is_admin)


class ImportRefused(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def validate(doc: Any, existing_numbers: Iterable[str] = frozenset()) -> list[str]:
    """Every problem the file has on its own; empty when it can be imported (the import
    also checks it against the database)."""
    parsed, errors = parse(doc)
    if parsed is None:
        return errors
    return check(parsed, Facts(existing=frozenset(existing_numbers)))[1]


def import_document(db: sessionmaker[Session], doc: Any, *, pin_secret: str,
                    allow_move: bool = False) -> dict[str, int]:
    """Validate all, then write all in one transaction. Raises ImportRefused."""
    parsed, errors = parse(doc)
    if parsed is None:
        raise ImportRefused(errors)
    with db.begin() as session:
        existing, facts = _facts(session, parsed)
        placement, errors = check(parsed, facts, allow_move=allow_move)
        if errors:
            raise ImportRefused(errors)
        return _Writer(session, existing, placement, pin_secret).write(parsed)


def _rows(session: Session, stmt: Select, column: InstrumentedAttribute,
          values: Iterable[Any]) -> Iterator[Any]:
    ordered = sorted(values)
    for i in range(0, len(ordered), CHUNK):
        yield from session.execute(stmt.where(column.in_(ordered[i:i + CHUNK]))).all()


def _known(session: Session, column: InstrumentedAttribute, values: Iterable[Any]) -> list[Known]:
    return [Known(*row) for row in _rows(session, select(*KNOWN), column, values)]


def _facts(session: Session, doc: ImportDoc) -> tuple[dict[str, Line], Facts]:
    numbers, others, logins = numbers_named(doc)
    # The file's lines, locked in number order: a concurrent change or import waits.
    locked = (select(Line).order_by(Line.number).with_for_update(of=Line)
              .options(selectinload(Line.plans), selectinload(Line.contacts), selectinload(Line.blocked)))
    existing = {row[0].number: row[0] for row in _rows(session, locked, Line.number, numbers)}
    accounts = {line.account_id for line in existing.values()}
    members = _known(session, Line.account_id, accounts)
    pool = _rows(session, select(AvailableNumber.number), AvailableNumber.number, numbers)
    facts = Facts(
        existing=frozenset(existing),
        lines={k.number: k for k in [*members, *_known(session, Line.number, others)]},
        logins={k.login_id: k for k in _known(session, Line.login_id, logins)},
        pool=frozenset(row[0] for row in pool),
        accounts=dict(_rows(session, select(Account.id, Account.name), Account.id, accounts)),
        members={a: [k for k in members if k.account_id == a] for a in accounts},
        transactions=dict(_rows(session, select(Plan.original_transaction_id, Line.number).join(Line),
                                Plan.original_transaction_id, transactions_named(doc))),
    )
    return existing, facts


class _Writer:
    """Writes a checked file: accounts, then each line with its children, then the pool."""

    def __init__(self, session: Session, existing: dict[str, Line], placement: Placement, pin_secret: str) -> None:
        self.session, self.existing, self.placement, self.pin_secret = session, existing, placement, pin_secret
        self.before = {number: _line_state(line) for number, line in existing.items()}
        self.counts = {"accounts": 0, "lines": 0, "lines_updated": 0, "available_numbers": 0}

    def write(self, doc: ImportDoc) -> dict[str, int]:
        self._free_logins(doc)
        self._free_transactions()
        for account_doc, target in zip(doc.accounts, self.placement.targets):
            account = self.session.get(Account, target) if target is not None else None
            if account is None:
                account = Account(name=account_doc.name)
                self.session.add(account)
                self.counts["accounts"] += 1
            account.name = account_doc.name
            self.session.flush()
            for line_doc in account_doc.lines:
                self._line(account, line_doc, is_admin=line_doc.login_id == account_doc.admin)
        if self.placement.emptied:
            self.session.execute(
                delete(Account).where(Account.id.in_(sorted(self.placement.emptied)), ~Account.lines.any())
                .execution_options(synchronize_session=False))
        self._pool(doc.available_numbers)
        return self.counts

    def _free_logins(self, doc: ImportDoc) -> None:
        """Two lines of the file may swap login ids; the unique index is checked statement by
        statement, so each line whose login id changes lets go of the old one first."""
        wanted = {ln.number: ln.login_id for account in doc.accounts for ln in account.lines}
        changing = [line for number, line in self.existing.items() if line.login_id != wanted[number]]
        for line in changing:
            line.login_id = f"\x1f{line.id}"  # a control character: no login id the schema lets in
        self.session.flush()

    def _free_transactions(self) -> None:
        """An original transaction id may move between two lines of the file; the plans of the
        file's lines are replaced, so they let go of theirs before any is written again."""
        ids = [line.id for line in self.existing.values()]
        for i in range(0, len(ids), CHUNK):
            self.session.execute(update(Plan).where(Plan.line_id.in_(ids[i:i + CHUNK]),
                                                    Plan.original_transaction_id.is_not(None))
                                 .values(original_transaction_id=None).execution_options(synchronize_session=False))

    def _line(self, account: Account, doc: LineDoc, *, is_admin: bool) -> None:
        line = self.existing.get(doc.number)
        pin_changed = False
        if line is None:
            line = self._new_line(account, doc)
        else:
            pin_changed = self._update_line(line, account, doc)
        line.is_admin = is_admin
        line.status, line.status_reason = doc.status, doc.status_reason
        line.usage_credits = doc.usage_credits
        line.language = doc.language
        self.session.flush()
        self.session.add_all([ContactNumber(line_id=line.id, number=n) for n in doc.contacts])
        self.session.add_all([BlockedNumber(line_id=line.id, number=n) for n in doc.blocked])
        self.session.add_all([Plan(line_id=line.id, product=p.product, kind=p.kind, period=p.period,
                                   channel=p.channel, term_end=p.term_end, auto_renew=p.auto_renew,
                                   ended=p.ended, original_transaction_id=p.original_transaction_id,
                                   product_id=p.product_id) for p in doc.plans])
        self.session.flush()
        self.session.expire(line, ["contacts", "plans", "blocked"])
        before = self.before.get(doc.number)
        if before is None or pin_changed or before != _line_state(line):
            self._audited(line, before is None, pin_changed=pin_changed, moved=doc.number in self.placement.moved)

    def _new_line(self, account: Account, doc: LineDoc) -> Line:
        salt = pins.new_salt()
        line = Line(account=account, number=doc.number, login_id=doc.login_id,
                    pin_salt=salt, pin_hash=pins.hash_pin(doc.pin, salt, self.pin_secret))
        self.session.add(line)
        self.counts["lines"] += 1
        return line

    def _update_line(self, line: Line, account: Account, doc: LineDoc) -> bool:
        """The line takes the file's account, login id and PIN; its children are replaced."""
        line.account = account
        line.login_id = doc.login_id
        pin_changed = doc.pin is not None and not pins.check_pin(
            doc.pin, line.pin_salt, line.pin_hash, self.pin_secret)
        if pin_changed:
            line.pin_salt = pins.new_salt()
            line.pin_hash = pins.hash_pin(doc.pin, line.pin_salt, self.pin_secret)
        for child in (ContactNumber, Plan, BlockedNumber):
            self.session.execute(delete(child).where(child.line_id == line.id))
        self.session.expire(line, ["contacts", "plans", "blocked"])
        self.counts["lines_updated"] += 1
        return pin_changed

    def _audited(self, line: Line, new: bool, **changes: bool) -> None:
        # R14: the command line (`switchboard import`) changed state. Never the PIN itself.
        self.session.add(AuditEvent(
            at=dt.datetime.now(dt.timezone.utc), actor="system", channel="cli",
            action="line_imported" if new else "line_updated",
            target=line.number, outcome="applied", line_id=line.id,
            details={k: True for k, v in changes.items() if v} or None,
        ))

    def _pool(self, numbers: list[str]) -> None:
        """A number a line holds never enters the pool; one already there stays once."""
        taken = {row[0] for column in (AvailableNumber.number, Line.number)
                 for row in _rows(self.session, select(column), column, numbers)}
        new = [AvailableNumber(number=n) for n in numbers if n not in taken]
        self.session.add_all(new)
        self.counts["available_numbers"] = len(new)


def export_document(db: sessionmaker[Session], number: str | None = None) -> dict[str, Any]:
    with db() as session:
        stmt = select(Account).order_by(Account.id).options(
            selectinload(Account.lines).selectinload(Line.plans),
            selectinload(Account.lines).selectinload(Line.contacts),
            selectinload(Account.lines).selectinload(Line.blocked),
        )
        if number is not None:
            stmt = stmt.where(Account.lines.any(Line.number == number))
        accounts = session.execute(stmt).scalars().all()
        audit_by_line: dict[int, list[dict]] = {}
        store_by_line: dict[int, list[dict]] = {}
        line_ids = [ln.id for a in accounts for ln in a.lines]
        if line_ids:
            for ev in session.execute(
                select(AuditEvent).where(AuditEvent.line_id.in_(line_ids)).order_by(AuditEvent.id)
            ).scalars():
                audit_by_line.setdefault(ev.line_id, []).append(_audit(ev))
            for note in session.execute(
                select(AppStoreNotification).where(AppStoreNotification.line_id.in_(line_ids))
                .order_by(AppStoreNotification.received_at, AppStoreNotification.uuid)
            ).scalars():
                store_by_line.setdefault(note.line_id, []).append(_notification(note))
        pool = session.execute(select(AvailableNumber.number).order_by(AvailableNumber.id)).scalars().all()
        out_accounts = []
        for account in accounts:
            lines = [ln for ln in account.lines if number is None or ln.number == number]
            admin = next((ln.login_id for ln in account.lines if ln.is_admin), None)
            out_accounts.append({"name": account.name, "admin": admin,
                                 "lines": [_export_line(ln, audit_by_line.get(ln.id, []), store_by_line.get(ln.id))
                                           for ln in lines]})
        return {"available_numbers": list(pool), "accounts": out_accounts}


def _line_state(line: Line) -> dict[str, Any]:
    state = _export_line(line, [])
    state.update(account=line.account_id, is_admin=line.is_admin)
    return state


def _export_line(line: Line, audit: list[dict], app_store: list[dict] | None = None) -> dict[str, Any]:
    plans = []
    for p in line.plans:
        plan = {"product": p.product, "kind": p.kind, "period": p.period, "channel": p.channel,
                "term_end": p.term_end.isoformat(), "auto_renew": p.auto_renew}
        if p.ended:
            plan["ended"] = True
        if p.original_transaction_id is not None:
            plan["original_transaction_id"] = p.original_transaction_id
        if p.product_id is not None:
            plan["product_id"] = p.product_id
        plans.append(plan)
    return {
        "login_id": line.login_id, "number": line.number,
        "contacts": [c.number for c in line.contacts],
        "status": line.status, "status_reason": line.status_reason,
        "usage_credits": str(Decimal(line.usage_credits).quantize(Decimal("0.01"))),
        # R20: the line's language, when it isn't the default English
        **({"language": line.language} if line.language and line.language != languages.DEFAULT_CODE else {}),
        "plans": plans,
        "blocked": [b.number for b in line.blocked],
        "audit": audit,
        # R23: Apple's notifications that reached this line's plans (with the audit: never imported)
        **({"app_store_notifications": app_store} if app_store else {}),
    }


def _notification(note: AppStoreNotification) -> dict[str, Any]:
    return {"uuid": note.uuid, "type": note.notification_type, "subtype": note.subtype,
            "original_transaction_id": note.original_transaction_id, "product_id": note.product_id,
            "signed_at": note.order_at.isoformat(), "received_at": note.received_at.isoformat(),
            "status": note.status, "reason": note.reason}


def _audit(ev: AuditEvent) -> dict[str, Any]:
    return {"at": ev.at.isoformat(), "actor": ev.actor, "actor_id": ev.actor_id,
            "channel": ev.channel, "action": ev.action, "target": ev.target,
            "outcome": ev.outcome, "request_id": ev.request_id, "details": ev.details}
