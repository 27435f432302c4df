"""The Insights page's words (console/insights.py): names of stages, steps, outcomes and
labels, beside the console's own tables (console/words.py), which are used where they say it."""

from __future__ import annotations

from console import words

JOURNEYS = {**{k: v[0].upper() + v[1:] for k, v in words.ASKED.items()}, None: "No request"}
RANGES = {"today": "Today", "7d": "7 days", "30d": "30 days", "custom": "Custom"}
STAGES = {"asked": "asked", "identified": "identified (PIN)", "confirming": "asked to confirm", "done": "done"}
TIMING = {"in_ivr": "Time in the phone menu", "to_first_agent": "Time to the first agent",
          "to_claim": "Waiting before you claimed", "to_close": "Claimed to closed"}
STEPS = {**words.CALL_STEPS, "code": "when asked for the one-time code", "command": "at the menu",
         "steps": "at the offer to text steps", "next": "at \"anything else?\""}
ENDINGS = {**words.WRAP_UPS, "open": "Still open", "closed": "Closed (no code)"}
CHANNEL_DOORS = {"voice": "Phone", "sms": "Text"}
CHARTS = {"completion": "Self-service completion and true containment",
          "gave_up": "Where people gave up", "funnels": "Funnel per journey",
          "reasons": "Why people asked for a person, and how those cases ended",
          "understanding": "Understanding, per 100 turns", "after_clarifying": "Reached after a clarifying question",
          "timing": "Time in the IVR and to the first agent"}
MISSED_STATES = {"new": "To label", "labelled": "Labelled", "dismissed": "Dismissed"}


def label_name(label: str | None) -> str:
    """A model label as a supervisor reads it: a journey, a fix, or nothing we do."""
    if label is None:
        return ""
    if label == "none":
        return "Nothing we do"
    if label == "cancel":
        return "Cancel (ask: a plan or the line?)"
    if label == "opt_out":
        return "Stop texts (opt out)"
    if label == "help":
        return "Help"
    if label.startswith("fix."):
        return "Fix a problem: " + label[4:].replace("_", " ")
    return JOURNEYS.get(label, label.replace("_", " "))


def reason(code: str) -> str:
    text = words.REASONS.get(code, code.replace("_", " "))
    return text[0].upper() + text[1:]


def step(code: str | None) -> str:
    text = STEPS.get(code or "menu", (code or "").replace("_", " "))
    return text[0].upper() + text[1:]
