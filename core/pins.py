"""PIN storage: a keyed hash (HMAC-SHA256 over a per-line salt and the PIN).

A slow password hash would protect nothing in a space of 10^8 and would cost every PIN
step tens of milliseconds; the server-side key (PIN_SECRET) makes a stolen database alone
useless, and the online attempt limit (R9, core.limits) stops guessing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

PIN_PATTERN = re.compile(r"[0-9]{4,8}")  # ASCII digits only, the whole string (fullmatch)


class InvalidPin(ValueError):
    """A PIN must be 4 to 8 digits. The message never contains the PIN."""


def is_valid_pin(pin: object) -> bool:
    return isinstance(pin, str) and bool(PIN_PATTERN.fullmatch(pin))


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_pin(pin: str, salt: str, secret: str) -> str:
    if not is_valid_pin(pin):
        raise InvalidPin("a PIN must be 4 to 8 digits")
    return hmac.new(secret.encode(), f"{salt}:{pin}".encode(), hashlib.sha256).hexdigest()


def check_pin(pin: str, salt: str, stored: str, secret: str) -> bool:
    if not is_valid_pin(pin):
        # Still spend the same work so that malformed input is not faster to reject.
        hmac.compare_digest(stored, hmac.new(secret.encode(), salt.encode(), hashlib.sha256).hexdigest())
        return False
    return hmac.compare_digest(stored, hash_pin(pin, salt, secret))
