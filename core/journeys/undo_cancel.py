""""Undo my cancellation" (R3, told truly): a line's cancellation can't be undone by anyone;
it works until its term end, then the number is released. A plan cancelled on its own keeps
working to its term end and may be bought again in the app. A person for the rest (R15)."""

from __future__ import annotations

from core.journeys._facts import answer

JOURNEY = answer("undo_cancel", "undo_cancel")
