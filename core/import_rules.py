"""What an import file must satisfy beyond its schema (``core.import_schema``).

- The policy's states: a status and its reason agree; exactly one number plan a line; a
  line its user cancelled renews nothing (R3).
- Numbers and login ids stay unambiguous: a line number, a login id, a pool number is one
  thing only; a login id never reads as another line's number (``services.find_line``
  takes either); a contact number is never another line's number; a line never blocks its
  own number or a contact (as BLOCK refuses it).
- App Store plans stay matched (R23): only an App Store plan carries Apple's ids, and an
  original transaction id is one plan's only (in the file, and against the database's lines
  the file does not list).
- Accounts stay whole: a file's account is the database account of its admin line (a new
  one when the admin line is new); a line already in another account moves only when the
  import is told ``allow_move``; no account is left without its admin or given two.

``check`` returns where each account goes and every error, each naming the account, the
line and the field. ``Facts`` is what the database holds that the file touches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, NamedTuple

import phonenumbers

from core import phone
from core.import_schema import AccountDoc, ImportDoc, LineDoc, excerpt, label


class Known(NamedTuple):
    """A line as the database has it."""

    id: int
    number: str
    login_id: str
    account_id: int
    is_admin: bool


@dataclass
class Facts:
    existing: frozenset[str] = frozenset()                  # the file's line numbers already in the database
    lines: dict[str, Known] = field(default_factory=dict)   # by number: those lines, and any line a number names
    logins: dict[str, Known] = field(default_factory=dict)  # by login_id: the file's, or as its numbers may read
    pool: frozenset[str] = frozenset()                      # the file's line numbers in the database's pool
    accounts: dict[int, str] = field(default_factory=dict)  # name of each account the file's lines are in
    members: dict[int, list[Known]] = field(default_factory=dict)  # and all their lines
    transactions: dict[str, str] = field(default_factory=dict)  # the file's original transaction ids → the line holding each


@dataclass
class Placement:
    targets: list[int | None] = field(default_factory=list)  # each file account's database account, or new
    moved: dict[str, int] = field(default_factory=dict)      # line number → the account it leaves
    emptied: set[int] = field(default_factory=set)           # accounts a move leaves without lines


@dataclass(frozen=True)
class Placed:
    where: str
    account: int
    line: LineDoc


def account_where(a: int, account: AccountDoc) -> str:
    return f"accounts[{a}] ({label(account.name)})"


def placed_lines(doc: ImportDoc) -> list[Placed]:
    return [Placed(f"{account_where(a, acc)} lines[{i}] ({label(ln.login_id)}, {ln.number})", a, ln)
            for a, acc in enumerate(doc.accounts) for i, ln in enumerate(acc.lines)]


def reads_as(login_id: str) -> str | None:
    """The number ``services.find_line`` would take this key for."""
    return login_id if login_id.startswith("+") else phone.to_e164(login_id)


def login_forms(number: str) -> set[str]:
    """Login ids that would read as ``number``, as they are usually written."""
    national = phonenumbers.national_significant_number(phonenumbers.parse(number, None))
    return {number, number[1:], national}


def check(doc: ImportDoc, facts: Facts, *, allow_move: bool = False) -> tuple[Placement, list[str]]:
    """Where each account of the file goes, and every rule it breaks (none: it can be written)."""
    lines = placed_lines(doc)
    errors = [*_file_rules(doc, lines), *_line_numbers_rules(lines, facts), *_database_rules(lines, facts),
              *_transaction_rules(lines, facts)]
    for p in lines:
        errors += _status_rules(p) + _plan_rules(p) + _own_number_rules(p)
    placement = _place(doc, lines, facts, allow_move, errors)
    return placement, errors


# One line ----------------------------------------------------------------------------------
def _status_rules(p: Placed) -> list[str]:
    status, reason = p.line.status, p.line.status_reason
    if status == "active" and reason is not None:
        return [f"{p.where}.status_reason: an active line has none (null)"]
    if status in ("suspended", "cancelled", "released") and reason is None:
        return [f"{p.where}.status_reason: a {status} line needs a reason"]
    if status == "cancel_pending" and reason != "user":
        return [f"{p.where}.status_reason: a cancel_pending line was cancelled by its user ('user')"]
    return []


def _plan_rules(p: Placed) -> list[str]:
    plans = p.line.plans
    where = [f"{p.where}.plans[{i}] ({label(plan.product)})" for i, plan in enumerate(plans)]
    number_plans = [i for i, plan in enumerate(plans) if plan.kind == "number"]
    errors = [f"{where[i]}.kind: a second number plan (a line has exactly one)" for i in number_plans[1:2]]
    if not number_plans:
        errors.append(f"{p.where}.plans: no number plan (a line has exactly one)")
    if p.line.status_reason == "user":  # R3: renewal of every plan stopped, never restored
        errors += [f"{where[i]}.auto_renew: a line its user cancelled (R3) renews nothing"
                   for i, plan in enumerate(plans) if plan.auto_renew]
    errors += [f"{where[i]}.{key}: only an App Store plan (channel app_store) carries Apple's ids"
               for i, plan in enumerate(plans) if plan.channel != "app_store"
               for key in ("original_transaction_id", "product_id") if getattr(plan, key) is not None]
    return errors


def transactions_named(doc: ImportDoc) -> set[str]:
    """The original transaction ids the file's plans carry."""
    return {plan.original_transaction_id for acc in doc.accounts for ln in acc.lines for plan in ln.plans
            if plan.original_transaction_id is not None}


def _transaction_rules(lines: list[Placed], facts: Facts) -> Iterator[str]:
    """R23: each original transaction id names one plan, so that Apple's notification finds it."""
    in_file = {p.line.number for p in lines}
    seen: dict[str, str] = {}
    for p in lines:
        for i, plan in enumerate(p.line.plans):
            tid = plan.original_transaction_id
            if tid is None:
                continue
            where = f"{p.where}.plans[{i}] ({label(plan.product)}).original_transaction_id"
            if tid in seen:
                yield f"{where}: {excerpt(tid)} is also {seen[tid]}"
            holder = facts.transactions.get(tid)
            if holder is not None and holder not in in_file:
                yield f"{where}: {excerpt(tid)} is already the App Store transaction of a plan of {holder}"
            seen.setdefault(tid, f"{p.where}.plans[{i}]")


def _own_number_rules(p: Placed) -> list[str]:
    line = p.line
    errors = _twice(f"{p.where}.contacts", line.contacts) + _twice(f"{p.where}.blocked", line.blocked)
    errors += [f"{p.where}.contacts[{i}]: {n} is the line's own number (a contact already)"
               for i, n in enumerate(line.contacts) if n == line.number]
    own = {line.number, *line.contacts}
    errors += [f"{p.where}.blocked[{i}]: {n} is the line's own number or a contact (never blocked)"
               for i, n in enumerate(line.blocked) if n in own]
    return errors


def _twice(where: str, numbers: list[str]) -> list[str]:
    return [f"{where}: a number is listed twice"] if len(set(numbers)) != len(numbers) else []


# The whole file, and the database ----------------------------------------------------------
def _file_rules(doc: ImportDoc, lines: list[Placed]) -> Iterator[str]:
    yield from _twice("available_numbers", doc.available_numbers)
    pool = set(doc.available_numbers)
    numbers: dict[str, str] = {}
    logins: dict[str, str] = {}
    for p in lines:
        number, login = p.line.number, p.line.login_id
        if number in numbers:
            yield f"{p.where}.number: {number} is also {numbers[number]}"
        if login in logins:
            yield f"{p.where}.login_id: {excerpt(login)} is also {logins[login]}"
        if number in pool:
            yield f"{p.where}.number: {number} is also in available_numbers"
        numbers.setdefault(number, p.where)
        logins.setdefault(login, p.where)
    for a, account in enumerate(doc.accounts):
        if account.admin not in {ln.login_id for ln in account.lines}:
            yield f"{account_where(a, account)}.admin: {excerpt(account.admin)} is not the login_id of one of its lines"


def _line_numbers_rules(lines: list[Placed], facts: Facts) -> Iterator[str]:
    """No login id or contact number that is (or reads as) another line's number."""
    numbers = {p.line.number for p in lines} | set(facts.lines)
    for p in lines:
        own, login = p.line.number, p.line.login_id
        reading = reads_as(login)
        if reading in numbers and reading != own:
            yield f"{p.where}.login_id: {excerpt(login)} is the number of another line ({reading})"
        for i, contact in enumerate(p.line.contacts):
            if contact != own and contact in numbers:
                yield f"{p.where}.contacts[{i}]: {contact} is the number of another line"


def _database_rules(lines: list[Placed], facts: Facts) -> Iterator[str]:
    in_file = {p.line.number for p in lines}
    others = [k for k in facts.logins.values() if k.number not in in_file]
    readings = {reads_as(k.login_id): k for k in others}
    for p in lines:
        line = p.line
        if line.pin is None and line.number not in facts.existing:
            yield f"{p.where}.pin: missing (a new line needs a PIN)"
        holder = facts.logins.get(line.login_id)
        if holder is not None and holder.number not in in_file:
            yield f"{p.where}.login_id: {excerpt(line.login_id)} is already the login_id of {holder.number}"
        reader = readings.get(line.number)
        if reader is not None and reader.number != line.number:
            yield f"{p.where}.number: {line.number} is how the login_id {excerpt(reader.login_id)} of {reader.number} reads"
        if line.number in facts.pool:
            yield f"{p.where}.number: {line.number} is in the pool of available numbers"


# Accounts ----------------------------------------------------------------------------------
def _place(doc: ImportDoc, lines: list[Placed], facts: Facts, allow_move: bool,
           errors: list[str]) -> Placement:
    placement = Placement(targets=_targets(doc, facts, errors))
    for p in lines:
        known = facts.lines.get(p.line.number) if p.line.number in facts.existing else None
        if known is not None and known.account_id != placement.targets[p.account]:
            placement.moved[p.line.number] = known.account_id
            if not allow_move:
                errors.append(f"{p.where}: in the database it is a line of account "
                              f"{excerpt(facts.accounts[known.account_id])}; moving a line to another "
                              "account needs --allow-move")
    errors += _admin_rules(doc, lines, facts, placement, allow_move)
    return placement


def _targets(doc: ImportDoc, facts: Facts, errors: list[str]) -> list[int | None]:
    """Each file account is the database account of its admin line (None: a new account)."""
    targets: list[int | None] = []
    claimed: dict[int, str] = {}
    for a, account in enumerate(doc.accounts):
        admin = next((ln.number for ln in account.lines if ln.login_id == account.admin), None)
        known = facts.lines.get(admin) if admin in facts.existing else None
        target = known.account_id if known is not None else None
        if target in claimed:
            errors.append(f"{account_where(a, account)}.admin: {excerpt(account.admin)} is a line of account "
                          f"{excerpt(facts.accounts[target])} in the database, which {claimed[target]} is already")
            target = None
        elif target is not None:
            claimed[target] = account_where(a, account)
        targets.append(target)
    return targets


def _admin_rules(doc: ImportDoc, lines: list[Placed], facts: Facts, placement: Placement,
                 allow_move: bool) -> list[str]:
    """Each account keeps exactly one admin; an account a move empties is removed."""
    in_file = {p.line.number for p in lines}
    staying = {account: [k for k in members if k.number not in in_file]
               for account, members in facts.members.items()}
    errors = [
        f"{account_where(a, account)}.admin: account {excerpt(facts.accounts[target])} would have two "
        f"admins: {excerpt(account.admin)} and {excerpt(k.login_id)} ({k.number}), a line this file does not list"
        for a, (account, target) in enumerate(zip(doc.accounts, placement.targets))
        for k in staying.get(target, ()) if k.is_admin
    ]
    if not allow_move:
        return errors
    where = {p.line.number: p.where for p in lines}
    for number, source in placement.moved.items():
        if source in placement.targets:
            continue
        if not staying[source]:
            placement.emptied.add(source)
        elif facts.lines[number].is_admin:
            errors.append(f"{where[number]}: moving it would leave account "
                          f"{excerpt(facts.accounts[source])} without its admin")
    return errors


def numbers_named(doc: ImportDoc) -> tuple[set[str], set[str], set[str]]:
    """What to ask the database about: line numbers, other numbers that must not be a line's,
    and login ids (the file's, and those its line numbers may read as)."""
    lines = [ln for acc in doc.accounts for ln in acc.lines]
    numbers = {ln.number for ln in lines}
    others = {n for ln in lines for n in ln.contacts} | {r for ln in lines if (r := reads_as(ln.login_id))}
    logins = {ln.login_id for ln in lines} | {f for n in numbers for f in login_forms(n)}
    return numbers, others - numbers, logins

