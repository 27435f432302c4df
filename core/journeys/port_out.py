"""Moving the number to another carrier (R25): never a cancellation or a new number (either
would release the number and lose it). Said: the new carrier starts the port, the line here
ends when the port completes, nothing is refunded (port fees included, R1); a person offered."""

from __future__ import annotations

from core.journeys._facts import answer

JOURNEY = answer("port_out", "port_out")
