"""What the bot can do ("what can you do"): its journeys in a line, and a person (R15)."""

from __future__ import annotations

from core.journeys._facts import answer

# Its questions are what HELP answers in commands; this answers them in words.
JOURNEY = answer("capabilities", "capabilities", frozenset({"help"}))
