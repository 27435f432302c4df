"""R19: GSM-7 / UCS-2 segment counting as carriers do it, and joining reply parts into
messages of at most 3 segments.

GSM-7: 160 septets in a single message, 153 a part once concatenated; a character of the
extension table (``^{}\\[~]|€`` and form feed) takes two septets (escape and character) and
the pair never straddles two parts. A single character outside GSM-7 makes the whole
message UCS-2: 70 UTF-16 code units single, 67 a part; a character outside the Basic
Multilingual Plane (most emoji) is a surrogate pair of two units, never split either.
"""

from __future__ import annotations

import logging
from typing import Iterator

log = logging.getLogger("switchboard.sms")

GSM7, UCS2 = "GSM-7", "UCS-2"
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)  # the escape code (0x1B) is not a character one can send
EXTENDED = frozenset("^{}\\[~]|€\f")
SINGLE = {GSM7: 160, UCS2: 70}  # septets / code units in a message of one segment
PART = {GSM7: 153, UCS2: 67}  # in each part of a concatenated message
MAX_SEGMENTS = 3  # R19: never more


_ALPHABET = BASIC | EXTENDED


def is_gsm7(text: str) -> bool:
    return _ALPHABET.issuperset(text)  # every character in one of the two tables


def encoding(text: str) -> str:
    return GSM7 if is_gsm7(text) else UCS2


def _units(text: str, enc: str) -> Iterator[int]:
    """Each character's size in its encoding's units: indivisible across parts."""
    if enc == GSM7:
        return (2 if ch in EXTENDED else 1 for ch in text)
    return (2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _length(text: str, enc: str) -> int:
    if enc == GSM7:  # one septet a character, two for the extension table's
        return len(text) + sum(text.count(ch) for ch in EXTENDED if ch in text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2  # a surrogate pair is two units


def length(text: str) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes."""
    return _length(text, encoding(text))


def segments(text: str) -> tuple[str, int]:
    """('GSM-7' or 'UCS-2', number of segments) as a carrier counts them."""
    enc = encoding(text)
    total = _length(text, enc)
    if total <= SINGLE[enc]:
        return enc, 1
    if total == len(text):  # every character one unit: nothing indivisible to keep whole
        return enc, -(-total // PART[enc])
    sizes = _units(text, enc)
    count, used = 1, 0
    for size in sizes:
        if used + size > PART[enc]:
            count, used = count + 1, 0
        used += size
    return enc, count


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    return segments(text)[1] <= max_segments


def fit(parts: list[str]) -> list[str]:
    """Join the parts (with a space, in order) into as few messages as R19 allows: each at
    most MAX_SEGMENTS segments by the real rules. Joining is greedy, which is optimal here:
    a longer text never takes fewer segments. A part too long on its own is a wording bug
    (tests render every reply with its longest values); it is logged and split at spaces
    rather than sent over the limit."""
    messages: list[str] = []
    for part in parts:
        if not part:
            continue
        if not fits(part):
            log.warning("a reply part over %d segments (%d characters): split", MAX_SEGMENTS, len(part))
            pieces = _split(part)
        else:
            pieces = [part]
        for piece in pieces:
            joined = _ended(messages[-1]) + " " + piece if messages else ""
            if messages and fits(joined):
                messages[-1] = joined
            else:
                messages.append(piece)
    return messages


def _ended(text: str) -> str:
    """A part followed by another ends its sentence ("… STOP PLAN name. Cancel line …?"); a link
    is left as it is (a period after it would be read as part of it)."""
    last = text.rstrip().rsplit(" ", 1)[-1]
    if not text or text.rstrip()[-1] in ".!?:;…)\"'" or last.startswith(("http://", "https://")):
        return text
    return text.rstrip() + "."


def _split(text: str) -> list[str]:
    """Pieces of at most MAX_SEGMENTS segments each, cut at a space where one is near."""
    pieces: list[str] = []
    rest = text
    while rest and not fits(rest):
        lo, hi = 1, len(rest)  # the longest prefix that fits (fits is monotone in length)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(rest[:mid]):
                lo = mid
            else:
                hi = mid - 1
        cut = rest.rfind(" ", 0, lo + 1)
        if cut < lo // 2:
            cut = lo
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
