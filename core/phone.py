"""Phone numbers: parsing and classification with the ``phonenumbers`` library."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat
from phonenumbers import shortnumberinfo

E164 = re.compile(r"\+[1-9][0-9]{6,14}")  # the whole string (fullmatch), ASCII digits only


def is_e164(value: object) -> bool:
    return isinstance(value, str) and bool(E164.fullmatch(value)) and _valid(value)


@lru_cache(maxsize=4096)
def _valid(value: str) -> bool:
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(parsed)


def region_of(e164: str) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None)) or "US"
    except phonenumbers.NumberParseException:
        return "US"


def to_e164(raw: str, region: str = "US") -> str | None:
    """A number as a caller typed or said it, in E.164; None when it is not one."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def classify(raw: str, region: str = "US") -> tuple[str, str | None]:
    """('ok', e164) or (reason, None): emergency and short numbers are never blocked."""
    digits = re.sub(r"[^\d+]", "", raw or "")
    if not digits:
        return "invalid_number", None
    if shortnumberinfo.is_emergency_number(digits, region) or digits in ("911", "112", "999"):
        return "emergency_number", None
    plain = digits.lstrip("+")
    if len(plain) <= 6:
        return "short_code", None
    e164 = to_e164(raw, region)
    if e164 is None:
        return "invalid_number", None
    parsed = phonenumbers.parse(e164, None)
    if shortnumberinfo.is_emergency_number(
        phonenumbers.national_significant_number(parsed), phonenumbers.region_code_for_number(parsed) or region
    ):
        return "emergency_number", None
    return "ok", e164



@lru_cache(maxsize=4096)
def display(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164, None)
        return phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL if e164.startswith("+1") else PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def national(e164: str) -> str:
    """The national significant number's digits (2125550100 of +12125550100); the digits
    after a leading + when the number can't be parsed."""
    try:
        return str(phonenumbers.parse(e164, None).national_number)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in e164 if ch.isdigit())


# Numbers nobody is called or texted at on the provider's behalf (issue 23: toll fraud): a
# call back a caller asks for, an agent's call back or text. The reasons are codes the doors
# turn into words.
REFUSED_TYPES = {phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
                 phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost"}


def outbound_refusal(number: str | None, countries: tuple[str, ...] | list[str] = ("US", "CA")) -> str | None:
    """None when ``number`` (E.164) may be called or texted back; else why not: ``invalid_number``,
    ``short_code`` (too short to be a subscriber's number), ``premium_rate``, ``shared_cost``
    (by ``phonenumbers``' number types) or ``international`` (a country outside ``countries``,
    CALLBACK_COUNTRIES). A number the metadata doesn't know (a fictional 555 one) is judged by
    its country code alone."""
    if not number or not E164.fullmatch(number):
        return "short_code" if number and number.lstrip("+").isdigit() and len(number.lstrip("+")) <= 6 \
            else "invalid_number"
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return "invalid_number"
    if len(str(parsed.national_number)) <= 6:
        return "short_code"
    refused = REFUSED_TYPES.get(phonenumbers.number_type(parsed))
    if refused:
        return refused
    region = (phonenumbers.region_code_for_number(parsed)
              or phonenumbers.region_code_for_country_code(parsed.country_code))
    if region not in countries:
        return "international"
    return None
