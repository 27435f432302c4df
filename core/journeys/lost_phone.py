"""A lost or stolen phone: what to do now (nobody can change the line without its PIN; sign in
to the app on another phone; ask the mobile carrier to lock the phone) and a person at once
(R15), with what was asked."""

from __future__ import annotations

from core.journeys import Journey, Turn
from core.reply import Prompt, Reply


def start(c, s, slots: dict, t: Turn) -> Reply:
    s.journey = "lost_phone"  # what the person is told was asked
    reply = c.to_person(s, t, "lost_phone")
    reply.prompts.insert(0, Prompt("lost_phone"))
    return reply


# Reached only when the phone is lost or stolen ("my phone doesn't ring" is a fix).
CUE = (r"\b(lost|lose|stolen|stole|steal|missing|cant find|can t find|misplaced|theft|perdi|perdio|perdido|"
       r"perdida|robaron|robado|robo|extravie|extraviado|no encuentro|"
       r"(left|forgot|dropped) my (phone|cell|iphone|mobile)(?! number| num)|"
       r"(took|grabbed|snatched|taken) (my )?(phone|cell|iphone)(?! number| num)|"
       r"(phone|cell|iphone) (was|got) (taken|snatched)|me (quitaron|arrebataron|sacaron) (el|mi) (telefono|celular|cel)|"
       r"(deje|olvide) (el|mi) (telefono|celular|cel)|asaltaron|se (me )?llevaron (el|mi) (telefono|celular|cel)|"
       r"se me cayo (el|mi) (telefono|celular|cel) (al|en el|en la|por)|"
       r"dropped my (phone|cell|iphone) in (a|the) (lake|river|ocean|sea|toilet|pool|water))\b")
JOURNEY = Journey("lost_phone", start, needs_line=False, prompts=("lost_phone", "agent"), cue=CUE)
