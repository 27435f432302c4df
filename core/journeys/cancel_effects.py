"""What cancelling does (R2, R3, R1; R24: "do I keep my credits if I cancel?", "the number
stays, right?", "how do I delete my number?"): a plan stops renewing and works with the line's
credits until its term end; the line's cancellation is irreversible and releases the number
at its term end; nothing is refunded. Ends with the commands that would do it: the change
starts only when asked."""

from __future__ import annotations

from core.journeys._facts import answer

JOURNEY = answer("cancel_effects", "cancel_effects", frozenset({"cancel_line", "cancel_plan"}))
