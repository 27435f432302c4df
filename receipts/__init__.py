"""R17's text receipts: the words of a receipt, per language, for whichever door made the
change (a call's receipt is a text too). Both doors import this; it imports no door."""

from __future__ import annotations


def receipt_text(kind: str, values: dict, *, brand: str, lang: str = "en") -> str:
    from sms.replies import receipt_text as _text  # moved here once the Spanish catalogue lands

    return _text(kind, values, brand=brand, lang=lang)
