"""Moving the number to another carrier (R25): never a cancellation or a new number (either
would release the number and lose it). Said: the new carrier starts the port, the line here
ends when the port completes, nothing is refunded (port fees included, R1); a person offered."""

from __future__ import annotations

from core.journeys._facts import answer

# Reached only when a port or another carrier is named.
CUE = (r"\b(port\w*|carrier|provider|transfer|switch\w*|move|moving|keep my number|take my number|verizon|"
       r"t mobile|at t|att|sprint|compania|operador|portar|portabilidad|llevar|llevo|llevarme|pasar mi numero|"
       r"cambiarme|telcel|movistar)\b")
JOURNEY = answer("port_out", "port_out", cue=CUE, ends_in_progress=True)
