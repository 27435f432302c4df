"""``switchboard import`` / ``export``: the JSON format of CONTRACT.md.

Import checks the whole file first and writes nothing when any part is wrong; each error
names the account, the line and the field. Lines are matched by number, so importing the
same file twice changes nothing the second time. Export never contains a PIN.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from core import pins
from core.models import (
    LINE_STATUSES,
    PLAN_CHANNELS,
    PLAN_KINDS,
    PLAN_PERIODS,
    STATUS_REASONS,
    Account,
    AuditEvent,
    AvailableNumber,
    BlockedNumber,
    ContactNumber,
    Line,
    Plan,
)
from core.phone import is_e164

TOP_KEYS = {"available_numbers", "accounts"}
ACCOUNT_KEYS = {"name", "admin", "lines"}
LINE_KEYS = {"login_id", "number", "pin", "contacts", "status", "status_reason",
             "usage_credits", "plans", "blocked", "audit"}
PLAN_KEYS = {"product", "kind", "period", "channel", "term_end", "auto_renew", "ended"}


class ImportRefused(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _keys(where: str, obj: Any, allowed: set[str], required: set[str], errors: list[str]) -> bool:
    if not isinstance(obj, dict):
        errors.append(f"{where}: must be an object")
        return False
    for key in sorted(set(obj) - allowed):
        errors.append(f"{where}: unknown key {key!r}")
    for key in sorted(required - set(obj)):
        errors.append(f"{where}: missing {key!r}")
    return True


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _numbers(where: str, value: Any, errors: list[str]) -> list[str]:
    if not isinstance(value, list):
        errors.append(f"{where}: must be a list of E.164 numbers")
        return []
    for i, n in enumerate(value):
        if not is_e164(n):
            errors.append(f"{where}[{i}]: {n!r} is not an E.164 number")
    if len(set(map(str, value))) != len(value):
        errors.append(f"{where}: a number is listed twice")
    return value


def validate(doc: Any, existing_numbers: set[str] = frozenset()) -> list[str]:
    """Every problem in the document; empty when it can be imported."""
    errors: list[str] = []
    if not _keys("file", doc, TOP_KEYS, {"accounts"}, errors):
        return errors
    pool = _numbers("available_numbers", doc.get("available_numbers", []), errors)
    accounts = doc.get("accounts")
    if not isinstance(accounts, list):
        return errors + ["accounts: must be a list"]
    seen_numbers: dict[str, str] = {}
    seen_logins: dict[str, str] = {}
    for a, account in enumerate(accounts):
        where_a = f"accounts[{a}]"
        if isinstance(account, dict) and isinstance(account.get("name"), str):
            where_a += f" ({account['name']})"
        if not _keys(where_a, account, ACCOUNT_KEYS, ACCOUNT_KEYS, errors):
            continue
        if not isinstance(account["name"], str) or not account["name"].strip():
            errors.append(f"{where_a}.name: must be a non-empty string")
        lines = account["lines"]
        if not isinstance(lines, list) or not lines:
            errors.append(f"{where_a}.lines: must be a non-empty list")
            continue
        logins = [ln.get("login_id") for ln in lines if isinstance(ln, dict)]
        if account["admin"] not in logins:
            errors.append(f"{where_a}.admin: {account['admin']!r} is not the login_id of one of its lines")
        for i, line in enumerate(lines):
            where = f"{where_a} lines[{i}]"
            if isinstance(line, dict):
                where += f" ({line.get('login_id')}, {line.get('number')})"
            if not _keys(where, line, LINE_KEYS, {"login_id", "number", "status", "plans"}, errors):
                continue
            _line(where, line, errors, existing_numbers)
            number, login = line.get("number"), line.get("login_id")
            if isinstance(number, str):
                if number in seen_numbers:
                    errors.append(f"{where}.number: {number} is also {seen_numbers[number]}")
                seen_numbers[number] = where
                if number in pool:
                    errors.append(f"{where}.number: {number} is also in available_numbers")
            if isinstance(login, str):
                if login in seen_logins:
                    errors.append(f"{where}.login_id: {login!r} is also {seen_logins[login]}")
                seen_logins[login] = where
    return errors


def _line(where: str, line: dict, errors: list[str], existing_numbers: set[str]) -> None:
    if not isinstance(line["login_id"], str) or not line["login_id"].strip():
        errors.append(f"{where}.login_id: must be a non-empty string")
    if not is_e164(line["number"]):
        errors.append(f"{where}.number: {line['number']!r} is not an E.164 number")
    if "pin" in line:
        if not pins.is_valid_pin(line["pin"]):
            errors.append(f"{where}.pin: must be a string of 4 to 8 digits")
    elif line["number"] not in existing_numbers:
        errors.append(f"{where}.pin: missing (a new line needs a PIN)")
    _numbers(f"{where}.contacts", line.get("contacts", []), errors)
    _numbers(f"{where}.blocked", line.get("blocked", []), errors)
    status, reason = line["status"], line.get("status_reason")
    if status not in LINE_STATUSES:
        errors.append(f"{where}.status: {status!r} is not one of {', '.join(LINE_STATUSES)}")
    if reason is not None and reason not in STATUS_REASONS:
        errors.append(f"{where}.status_reason: {reason!r} is not null or one of {', '.join(STATUS_REASONS)}")
    if status == "active" and reason is not None:
        errors.append(f"{where}.status_reason: an active line has none (null)")
    if status in ("suspended", "cancelled", "released") and reason is None:
        errors.append(f"{where}.status_reason: a {status} line needs a reason")
    if status == "cancel_pending" and reason != "user":
        errors.append(f"{where}.status_reason: a cancel_pending line was cancelled by its user ('user')")
    credits = line.get("usage_credits", "0.00")
    try:
        if not isinstance(credits, str) or Decimal(credits) < 0 or Decimal(credits) != Decimal(credits).quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors.append(f"{where}.usage_credits: {credits!r} is not an amount such as \"12.50\"")
    plans = line["plans"]
    if not isinstance(plans, list):
        errors.append(f"{where}.plans: must be a list")
        return
    number_plans = 0
    for p, plan in enumerate(plans):
        pw = f"{where}.plans[{p}]"
        if isinstance(plan, dict) and isinstance(plan.get("product"), str):
            pw += f" ({plan['product']})"
        if not _keys(pw, plan, PLAN_KEYS, PLAN_KEYS - {"ended"}, errors):
            continue
        if not isinstance(plan["product"], str) or not plan["product"].strip():
            errors.append(f"{pw}.product: must be a non-empty string")
        for key, allowed in (("kind", PLAN_KINDS), ("period", PLAN_PERIODS), ("channel", PLAN_CHANNELS)):
            if plan[key] not in allowed:
                errors.append(f"{pw}.{key}: {plan[key]!r} is not one of {', '.join(allowed)}")
        if _date(plan["term_end"]) is None:
            errors.append(f"{pw}.term_end: {plan['term_end']!r} is not a date (YYYY-MM-DD)")
        for key in ("auto_renew", "ended"):
            if key in plan and not isinstance(plan[key], bool):
                errors.append(f"{pw}.{key}: must be true or false")
        if plan.get("kind") == "number":
            number_plans += 1
            if number_plans == 2:
                errors.append(f"{pw}.kind: a second number plan (a line has exactly one)")
    if number_plans == 0:
        errors.append(f"{where}.plans: no number plan (a line has exactly one)")


def import_document(db: sessionmaker[Session], doc: Any, *, pin_secret: str) -> dict[str, int]:
    """Validate all, then write all in one transaction. Raises ImportRefused."""
    with db.begin() as session:
        numbers = _line_numbers(doc)
        existing = {
            line.number: line
            for line in session.execute(
                select(Line).where(Line.number.in_(numbers)).with_for_update()
            ).scalars()
        } if numbers else {}
        errors = validate(doc, set(existing))
        if errors:
            raise ImportRefused(errors)
        counts = {"accounts": 0, "lines": 0, "lines_updated": 0, "available_numbers": 0}
        for account_doc in doc["accounts"]:
            _import_account(session, account_doc, existing, pin_secret, counts)
        have = set(session.execute(select(AvailableNumber.number)).scalars())
        assigned = set(session.execute(select(Line.number)).scalars())
        for n in doc.get("available_numbers", []):
            if n not in have and n not in assigned:
                session.add(AvailableNumber(number=n))
                counts["available_numbers"] += 1
        return counts


def _line_numbers(doc: Any) -> list[str]:
    try:
        return [ln["number"] for a in doc["accounts"] for ln in a["lines"] if isinstance(ln["number"], str)]
    except (TypeError, KeyError):
        return []


def _import_account(session: Session, doc: dict, existing: dict[str, Line], pin_secret: str,
                    counts: dict[str, int]) -> None:
    known = [existing[ln["number"]] for ln in doc["lines"] if ln["number"] in existing]
    if known:
        account = known[0].account
        account.name = doc["name"]
    else:
        account = Account(name=doc["name"])
        session.add(account)
        counts["accounts"] += 1
    session.flush()
    for line_doc in doc["lines"]:
        line = existing.get(line_doc["number"])
        before = _line_state(line) if line is not None else None
        pin_changed = False
        if line is None:
            salt = pins.new_salt()
            line = Line(account=account, number=line_doc["number"], login_id=line_doc["login_id"],
                        pin_salt=salt, pin_hash=pins.hash_pin(line_doc["pin"], salt, pin_secret))
            session.add(line)
            counts["lines"] += 1
        else:
            line.account = account
            line.login_id = line_doc["login_id"]
            pin_changed = "pin" in line_doc and not pins.check_pin(
                line_doc["pin"], line.pin_salt, line.pin_hash, pin_secret)
            if pin_changed:
                line.pin_salt = pins.new_salt()
                line.pin_hash = pins.hash_pin(line_doc["pin"], line.pin_salt, pin_secret)
            for child in (ContactNumber, Plan, BlockedNumber):
                session.execute(delete(child).where(child.line_id == line.id))
            session.expire(line, ["contacts", "plans", "blocked"])
            counts["lines_updated"] += 1
        line.is_admin = line_doc["login_id"] == doc["admin"]
        line.status = line_doc["status"]
        line.status_reason = line_doc.get("status_reason")
        line.usage_credits = Decimal(line_doc.get("usage_credits", "0.00"))
        session.flush()
        for n in line_doc.get("contacts", []):
            session.add(ContactNumber(line_id=line.id, number=n))
        for n in line_doc.get("blocked", []):
            session.add(BlockedNumber(line_id=line.id, number=n))
        for p in line_doc["plans"]:
            session.add(Plan(line_id=line.id, product=p["product"], kind=p["kind"], period=p["period"],
                             channel=p["channel"], term_end=_date(p["term_end"]),
                             auto_renew=p["auto_renew"], ended=p.get("ended", False)))
        session.flush()
        session.expire(line, ["contacts", "plans", "blocked"])
        if before is None or pin_changed or before != _line_state(line):
            # R14: the console changed state. The PIN itself is never part of an event.
            session.add(AuditEvent(
                at=dt.datetime.now(dt.timezone.utc), actor="system", channel="console",
                action="line_imported" if before is None else "line_updated",
                target=line.number, outcome="applied", line_id=line.id,
                details={"pin_changed": True} if pin_changed else None,
            ))


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
        line_ids = [ln.id for a in accounts for ln in a.lines]
        if line_ids:
            for ev in session.execute(
                select(AuditEvent).where(AuditEvent.line_id.in_(line_ids)).order_by(AuditEvent.id)
            ).scalars():
                audit_by_line.setdefault(ev.line_id, []).append(_audit(ev))
        pool = session.execute(select(AvailableNumber.number).order_by(AvailableNumber.id)).scalars().all()
        out_accounts = []
        for account in accounts:
            lines = [ln for ln in account.lines if number is None or ln.number == number]
            admin = next((ln.login_id for ln in account.lines if ln.is_admin), None)
            out_accounts.append({"name": account.name, "admin": admin,
                                 "lines": [_export_line(ln, audit_by_line.get(ln.id, [])) for ln in lines]})
        return {"available_numbers": list(pool), "accounts": out_accounts}


def _line_state(line: Line) -> dict[str, Any]:
    state = _export_line(line, [])
    state.update(account=line.account_id, is_admin=line.is_admin)
    return state


def _export_line(line: Line, audit: list[dict]) -> dict[str, Any]:
    plans = []
    for p in line.plans:
        plan = {"product": p.product, "kind": p.kind, "period": p.period, "channel": p.channel,
                "term_end": p.term_end.isoformat(), "auto_renew": p.auto_renew}
        if p.ended:
            plan["ended"] = True
        plans.append(plan)
    return {
        "login_id": line.login_id, "number": line.number,
        "contacts": [c.number for c in line.contacts],
        "status": line.status, "status_reason": line.status_reason,
        "usage_credits": str(Decimal(line.usage_credits).quantize(Decimal("0.01"))),
        "plans": plans,
        "blocked": [b.number for b in line.blocked],
        "audit": audit,
    }


def _audit(ev: AuditEvent) -> dict[str, Any]:
    return {"at": ev.at.isoformat(), "actor": ev.actor, "actor_id": ev.actor_id,
            "channel": ev.channel, "action": ev.action, "target": ev.target,
            "outcome": ev.outcome, "request_id": ev.request_id, "details": ev.details}
