"""The declared schema of an import file (CONTRACT.md's JSON format), in pydantic.

Every limit is the limit of the column the value goes to (``core.models``), so whatever the
database would refuse is refused here first, by name. ``parse`` gives the typed document or
every error, each naming the account, the line and the field; an error never repeats more
of a value than a short, escaped excerpt (and never a PIN).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any, Callable

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StrictBool, ValidationError
from pydantic_core import PydanticCustomError

from core import languages
from core.models import LINE_STATUSES, PLAN_CHANNELS, PLAN_KINDS, PLAN_PERIODS, STATUS_REASONS
from core.phone import is_e164

# ASCII digits only, whole string: ``\d`` and ``$`` would let "+1555…\n" or Arabic-Indic
# digits through, a number no call or text ever comes from.
E164_ASCII = re.compile(r"\+[1-9][0-9]{6,14}")
PIN_ASCII = re.compile(r"[0-9]{4,8}")
AMOUNT = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")  # Numeric(12, 2)
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Apple's ids (R23): an original transaction id is digits; a product id letters, digits, "." and "_".
STORE_ID = re.compile(r"[0-9A-Za-z._-]{1,64}")  # plans.original_transaction_id String(64)
PRODUCT_ID = re.compile(r"[0-9A-Za-z._-]{1,200}")  # plans.product_id String(200)
SHOWN = 40  # characters of a value an error repeats


def excerpt(value: Any) -> str:
    """A value as an error shows it: short, escaped, never a nested structure."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    if isinstance(value, str) and len(value) > SHOWN:
        return repr(value[:SHOWN]) + "…"
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def label(value: Any) -> str:
    """A name inside a location, e.g. the account in ``accounts[0] (Acme)``."""
    if not isinstance(value, str):
        return excerpt(value)
    short = value[:SHOWN] + ("…" if len(value) > SHOWN else "")
    return short if short.isprintable() else repr(short)[1:-1]


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("refused", "{message}", {"message": message})


def _text(limit: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _refuse("must be a non-empty string")
        if len(value) > limit:
            raise _refuse(f"longer than {limit} characters")
        categories = {unicodedata.category(c) for c in value}
        if "Cc" in categories:
            raise _refuse("must not contain control characters (such as NUL)")
        if "Cs" in categories:
            raise _refuse("must be valid Unicode (it has a lone surrogate)")
        return value
    return check


def _number(value: Any) -> str:
    if isinstance(value, str) and E164_ASCII.fullmatch(value) and is_e164(value):
        return value
    raise _refuse(f"{excerpt(value)} is not an E.164 number")


def _pin(value: Any) -> str:
    if isinstance(value, str) and PIN_ASCII.fullmatch(value):
        return value
    raise _refuse("must be a string of 4 to 8 digits")  # never the value: it may be a PIN


def _amount(value: Any) -> Decimal:
    if isinstance(value, str) and AMOUNT.fullmatch(value):
        return Decimal(value)
    raise _refuse(f"{excerpt(value)} is not an amount from 0.00 to 9999999999.99 such as \"12.50\"")


def _apple_id(pattern: re.Pattern[str], what: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None or isinstance(value, str) and pattern.fullmatch(value):
            return value
        raise _refuse(f"{excerpt(value)} is not null or {what}")
    return check


def _date(value: Any) -> dt.date:
    if isinstance(value, str) and DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _refuse(f"{excerpt(value)} is not a date (YYYY-MM-DD)")


def _one_of(allowed: tuple[str, ...], *, nullable: bool = False) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in allowed or nullable and value is None:
            return value
        null = "null or " if nullable else ""
        raise _refuse(f"{excerpt(value)} is not {null}one of {', '.join(allowed)}")
    return check


Name = Annotated[str, PlainValidator(_text(200))]          # accounts.name String(200)
Login = Annotated[str, PlainValidator(_text(100))]         # lines.login_id String(100)
Product = Annotated[str, PlainValidator(_text(100))]       # plans.product String(100)
Number = Annotated[str, PlainValidator(_number)]           # String(20); E.164 is at most 16
Pin = Annotated[str | None, PlainValidator(_pin)]
Amount = Annotated[Decimal, PlainValidator(_amount)]
Date = Annotated[dt.date, PlainValidator(_date)]
StoreId = Annotated[str | None, PlainValidator(_apple_id(STORE_ID, "an App Store transaction id (up to 64 letters, digits, '.', '_', '-')"))]
ProductId = Annotated[str | None, PlainValidator(_apple_id(PRODUCT_ID, "an App Store product id (up to 200 letters, digits, '.', '_', '-')"))]


class _Strict(BaseModel):
    # strict: no "yes" for true, no 1 for "1"; forbid: an unknown key is an error.
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class PlanDoc(_Strict):
    product: Product
    kind: Annotated[str, PlainValidator(_one_of(PLAN_KINDS))]
    period: Annotated[str, PlainValidator(_one_of(PLAN_PERIODS))]
    channel: Annotated[str, PlainValidator(_one_of(PLAN_CHANNELS))]
    term_end: Date
    auto_renew: StrictBool
    ended: StrictBool = False
    # App Store plans: Apple's ids, which its notifications are matched by (R23).
    original_transaction_id: StoreId = None
    product_id: ProductId = None


class LineDoc(_Strict):
    login_id: Login
    number: Number
    pin: Pin = None  # absent: keep the PIN of a line already in the database
    contacts: list[Number] = []
    status: Annotated[str, PlainValidator(_one_of(LINE_STATUSES))]
    status_reason: Annotated[str | None, PlainValidator(_one_of(STATUS_REASONS, nullable=True))] = None
    usage_credits: Amount = Decimal("0.00")
    language: Annotated[str, PlainValidator(_one_of(languages.CODES))] = languages.DEFAULT_CODE  # R20: for receipts
    plans: list[PlanDoc]
    blocked: list[Number] = []
    audit: list[Any] = []  # what export adds; never imported
    app_store_notifications: list[Any] = []  # likewise (R23)


class AccountDoc(_Strict):
    name: Name
    admin: Login
    lines: Annotated[list[LineDoc], Field(min_length=1)]


class ImportDoc(_Strict):
    available_numbers: list[Number] = []
    accounts: list[AccountDoc]


# Errors, named as people read them -----------------------------------------------------------
MESSAGES = {
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be a list",
    "bool_type": "must be true or false",
    "too_short": "must not be empty",
}
LABELS = {
    "accounts": lambda a: f" ({label(a.get('name'))})",
    "lines": lambda ln: f" ({label(ln.get('login_id'))}, {label(ln.get('number'))})",
    "plans": lambda p: f" ({label(p.get('product'))})",
}


def where(doc: Any, loc: tuple[int | str, ...]) -> str:
    """``('accounts', 0, 'lines', 1, 'pin')`` → ``accounts[0] (Acme) lines[1] (jdoe, +1555…).pin``."""
    text, node, key = "", doc, None
    for i, part in enumerate(loc):
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            text += f"[{part}]" + (LABELS[key](node) if key in LABELS and isinstance(node, dict) else "")
        else:
            following = loc[i + 1] if i + 1 < len(loc) else None
            # "accounts[0] (Acme) lines[1] (jdoe, …)", but "accounts[0] (Acme).lines: …"
            text += part if not text else (" " if part == "lines" and isinstance(following, int) else ".") + part
            node = node.get(part) if isinstance(node, dict) else None
        key = part
    return text


def _named(doc: Any, error: dict[str, Any]) -> str:
    loc, kind = tuple(error["loc"]), error["type"]
    if kind in ("missing", "extra_forbidden"):
        what = "missing" if kind == "missing" else "unknown key"
        return f"{where(doc, loc[:-1]) or 'file'}: {what} {excerpt(loc[-1])}"
    return f"{where(doc, loc) or 'file'}: {MESSAGES.get(kind, error['msg'])}"


def parse(doc: Any) -> tuple[ImportDoc | None, list[str]]:
    """The typed document, or every way it breaks the schema."""
    try:
        return ImportDoc.model_validate(doc), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return None, [_named(doc, e) for e in errors]
