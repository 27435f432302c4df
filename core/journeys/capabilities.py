"""What the bot can do ("what can you do"): its journeys in a line, and a person (R15)."""

from __future__ import annotations

from core.journeys._facts import answer

JOURNEY = answer("capabilities", "capabilities")
