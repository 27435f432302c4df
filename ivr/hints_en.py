"""The phrases a call in English tells Twilio's recogniser to expect at each step (<Gather hints>):
the menus' own words first, then what people say instead (vocabulary/understand.py reads it)."""

HINTS = {
    "confirm": "yes, no, confirm, agent",
    "target": "the line ending, the one for, agent",
    "reason": "cancel, skip, calls, ringing, texts, number, spam, agent",
    "offer": "yes, cancel, skip, agent",
    "fix": ("calls, reactivate, ringing, change number, spam, agent, calls keep dropping, my phone "
        "doesn't ring, I don't get texts, spam calls, I don't like my number"),
    "plan": "text archive, call recording, the first one, agent",
    "which": "one, two, the first one, the second one, the plan, the whole line, yes, agent",
    "next": "yes, no, menu, goodbye, bye, that's all, no thanks, agent, cancel, refund, problem, number",
    "steps": "yes, no, text me, agent",
    "menu": ("cancel, cancel plan, cancel line, refund, problem, reactivate, change number, block, "
        "agent, repeat, español, plan, line, add-on, cancel my line, cancel my plan, text archive, "
        "call recording, I want my money back, what plans do I have, my phone doesn't ring, calls "
        "keep dropping, spam calls, turn my number back on, a new number, unblock a number, talk to"
        " a real person, number, other things"),
}
