"""Questions about changing the number ("is there a fee to change my number", "can I pick the
area code?"): the facts of a change (free here; the old number is given up for good; plans and
credits stay), and the command that does it. The change starts only when asked (R24)."""

from __future__ import annotations

from core.journeys._facts import answer

JOURNEY = answer("number_info", "number_info", frozenset({"change_number"}))
