"""The one interpreter: every door's ``Turn`` (core/turns.py) → an ``Interpretation`` (the
act, the intent the conversation receives, its slots), in the turn's language, the same way
for every door. The doors parse their transport and render; none has its own ladder.

What is read, and how:
- **Typed words** (a text): first read for consent, HELP and commands (vocabulary/reading.py),
  in any language (R20); a command starts its journey at any step, with the slots the
  journey's own parser finds (core/journeys/); a person asked for in any words (R15).
- **Keys** (a call's keypad): what the step's keys mean (a PIN, a line's last digits, 1 to
  confirm, a menu's key). Keys are never sent to speech recognition or logged.
- **Speech**: the words the menus ask for ("say cancel", "agent", "español"), then
  vocabulary/understand.py; speech the recogniser itself was unsure of is not acted on.
- **Each step** (what the conversation expects) has one reader below, shared by all doors:
  the differences between keys, typed and spoken words are in the ``Said`` it is given.
- **Every step hears every act** (vocabulary/acts.py, issue 21): whatever a step waits for,
  a person (R15), a forgotten PIN (R21), a language switch (R20), a goodbye, "never mind" or
  a no (R18: the request ends), a question (R24: answered, never the change) and a new
  request are heard before the step's own reader; the step reads only what answers it.
- **The voice menus** are steps too: each menu's keys come from the journey registry (each
  journey's ``menu`` place) plus the menus' own keys (the sub-menus, the language, a person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from core import intents, languages, turns
from core.intents import Intent
from core.journeys import REGISTRY
from core.journeys.clarify import EXPECT_WHICH
from core.reply import (EXPECT_BLOCK_NUMBER, EXPECT_CODE, EXPECT_COMMAND, EXPECT_CONFIRM, EXPECT_FIX, EXPECT_OFFER,
                        EXPECT_PIN, EXPECT_PLAN, EXPECT_REASON, EXPECT_TARGET)
from core.turns import Interpretation, Turn, of_intent
from vocabulary import Vocabulary, contains, fold, slots as slot_reader, vocabulary
from vocabulary.acts import (Act, BOTHERED, CORRECTIONS, MY_LINE, NOT_CANCELLING, SPAM_WORDS, IN_PROGRESS,
                             NO as NO_WORDS, TAKE_FIX, TALK_OF_A_CHANGE, act_of, callback_asked,
                             only_waits as acts_only_waits, asks_another_change, NOT_OUR_PIN, form as form_of)
from vocabulary.language_id import language_of
from vocabulary.reading import KEYED, Parsed, parse
from vocabulary.understand import (ANSWERED_BY, NOTHING, SPEECH_FLOOR, VAGUE_CANCEL, Understanding, answer_which, find,
                                   fix_choice, reading, understand, undo_said)

FORGOT_KEY = "8"  # R21 (said at the last PIN try): a one-time code instead of the PIN
AGENT_KEY, REPEAT_KEY, LANGUAGE_KEY = "0", "*", "9"
# Steps whose answer is data (a PIN, a number, a plan's name): never read by the model.
DATA_STEPS = frozenset({EXPECT_PIN, EXPECT_CODE, EXPECT_TARGET, EXPECT_BLOCK_NUMBER, EXPECT_PLAN})
# Each voice menu's own keys (the sub-menus, what follows a task); the journeys' keys are theirs.
MENU_KEYS: dict[str | None, dict[str, Interpretation]] = {
    None: {"1": Interpretation(turns.MENU, value="cancel"), "4": Interpretation(turns.MENU, value="more")},
    "cancel": {},
    "more": {},
    "next": {"1": Interpretation(turns.MENU, value=None), "2": Interpretation(turns.GOODBYE)},
}


def menu_keys(sub: str | None) -> dict[str, Interpretation]:
    """What each key of a voice menu does: the menu's own keys and each journey's place."""
    keys = {AGENT_KEY: Interpretation(turns.PERSON, intents.AGENT), REPEAT_KEY: Interpretation(turns.REPEAT)}
    keys.update(MENU_KEYS.get(sub, {}))
    for journey in REGISTRY.values():
        if journey.menu is not None and journey.menu[0] == sub:
            keys[journey.menu[1]] = of_intent(intents.journey(journey.name))
    return keys


# What was said, as every step reads it --------------------------------------------------------
@dataclass
class Said:
    turn: Turn
    read: Parsed | None = None  # typed words' first reading
    vocabs: list[Vocabulary] = field(default_factory=list)  # typed: every language, the turn's first
    act: str | None = None  # what vocabulary/acts.py made of the words (when it was asked)
    how: str = ""  # the reading that decided it ("not_a_request": a past, someone else's or a hypothetical change)

    @property
    def keypad(self) -> bool:
        return bool(self.turn.keys)

    @property
    def spoken(self) -> bool:
        return bool(self.turn.speech) and not self.turn.keys

    @cached_property
    def words(self) -> str:
        if self.turn.keys:
            return ""
        return self.read.text if self.read is not None else self.turn.speech

    @cached_property
    def folded(self) -> str:
        return fold(self.words or "")

    @cached_property
    def keys(self) -> str:
        """Keys pressed, or the digits of a text that is only a number (typed keys), or at a
        data step the digits it asks for, said or typed in a sentence (vocabulary/slots.py)."""
        if self.turn.keys:
            return self.turn.keys
        text = self.read.text if self.read else ""
        if text and KEYED.fullmatch(text):
            return "".join(ch for ch in text if ch.isdigit())
        if self.words and asks_another_change(self.words, self.turn.lang, self.turn.expects):
            return ""  # "actually unblock 917…" at "which number should we block?": a new request, not its digits
        return slot_reader.step_digits(self.words, self.turn.lang, self.turn.expects)

    @cached_property
    def understood(self) -> Understanding | None:
        """Free words as the model reads them (typed or spoken); None for keys."""
        if self.keys or not self.words:
            return None
        if self.read is not None and self.read.understood is not None:
            return self.read.understood
        got = understand(self.words, self.turn.lang, speech_confidence=self.turn.confidence if self.spoken else None)
        return got

    @cached_property
    def answer(self) -> Intent | None:
        """R18: only an explicit yes is a yes; a no or a skip word ends the request (typed
        words: a consent word too)."""
        f = self.folded
        if any(f in v.yes for v in self.vocabs):
            return intents.YES
        for v in self.vocabs:
            if f in v.no:
                return intents.NO
            if f in v.skip or (self.read is not None and f in v.opt_out):
                return intents.SKIP
        return None

    def choice(self, limit: int = 2) -> Intent:
        """Keys as a numbered choice (at most ``limit`` digits)."""
        return intents.choice(int(self.keys)) if self.keys.isdigit() and len(self.keys) <= limit else intents.UNCLEAR

    def says_any(self, pick: Callable[[Vocabulary], frozenset[str] | tuple[str, ...]]) -> bool:
        return any(self.folded in pick(v) for v in self.vocabs)


def _vocabs(turn: Turn) -> list[Vocabulary]:
    if not turn.typed:  # a call is held in one language (R20: the caller chooses it)
        return [vocabulary(turn.lang)]
    return [vocabulary(turn.lang)] + [vocabulary(code) for code in languages.others(turn.lang)]


# What every step hears (issue 21) -------------------------------------------------------------
# The steps where a "no" ends the request in progress (R18); at R11's question and offer a no
# skips them (their readers say so), and only a hesitation ("never mind") ends it.
ENDS_ON_NO = frozenset(IN_PROGRESS) - {"reason", "offer"}
# The steps that wait for something the customer may have to look up (a PIN, a code, a line, a plan,
# a number): "give me a sec" there waits on; at a confirmation, R11's question or offer it ends (R18).
LOOKED_UP = frozenset({EXPECT_PIN, EXPECT_CODE, EXPECT_TARGET, EXPECT_PLAN, EXPECT_BLOCK_NUMBER, EXPECT_WHICH,
                       EXPECT_FIX})
# R18's own yes words: one of them, with nothing but courtesy words, confirms.
R18_YES = frozenset({"yes", "y", "confirm", "confirmed", "si", "confirmo", "confirmado"})
# "I don't know" at a step: at the PIN prompt the PIN is forgotten (R21: a one-time code, never a
# wrong PIN); at a confirmation it is no yes (R18: the request ends); R11's question and offer
# go on with the cancellation; anywhere else the question is asked again (then a person, R15).
DONT_KNOW = {EXPECT_PIN: intents.FORGOT, EXPECT_CODE: intents.FORGOT, EXPECT_CONFIRM: intents.NO,
             EXPECT_REASON: intents.SKIP, EXPECT_OFFER: intents.SKIP}
# The steps where a question is answered and a new request starts (at R11's question and offer
# their readers decide: anything else goes on with the cancellation; at a confirmation, R18).
# The steps where a question is answered in place and the step asked again (R24): a
# confirmation stays waiting for its yes (R18), R11's question and offer for their answer.
ASKED_IN_PLACE = frozenset({EXPECT_CONFIRM, EXPECT_REASON, EXPECT_OFFER})
ANSWER_STEPS = frozenset({EXPECT_PIN, EXPECT_CODE, EXPECT_TARGET, EXPECT_BLOCK_NUMBER, EXPECT_PLAN, EXPECT_WHICH,
                          EXPECT_FIX})


@dataclass(frozen=True)
class Heard:
    """One turn's free words as every step hears them: what was said, its act, the step."""

    s: Said
    act: Act
    step: str
    lang: str


READER = object()  # a stage's verdict: the step's own reader decides (no other stage is asked)


def heard(s: Said, lang: str) -> Interpretation | None:
    """The act of free words, as every step hears it; None: the step's own reader decides.
    The stages below are asked in order; the first that answers decides."""
    if s.keys or not s.words:
        return None  # keys (or a text that is only a number) answer the step
    step = s.turn.expects
    act = act_of(s.words, lang, "sms" if s.turn.typed else "voice", step)
    s.act, s.how = act.act, act.how
    h = Heard(s, act, step, lang)
    for stage in HEARD_STAGES:
        got = stage(h)
        if got is READER:
            return None
        if got is not None:
            return got
    return None


def _restated_stage(h: Heard):
    """R18: "yes, cancel it" at a confirmation."""
    if h.step == EXPECT_CONFIRM and h.act.act in ("unclear", "request"):
        return _restated_yes(h.s.words, h.lang)
    return None


def _opt_out_stage(h: Heard):
    """"stop texting me" said on a call while a step waits (R16): how texts are stopped (by text:
    caller ID alone opts no one out), then the step again."""
    if h.act.act == "opt_out" and h.s.spoken and h.step != EXPECT_COMMAND:
        return Interpretation(turns.OPT_OUT, lang=h.lang)
    return None


def _correction_stage(h: Heard):
    """"actually, just give me a new number instead" while a request is in progress."""
    if h.act.act == "hesitation" and h.step in IN_PROGRESS:
        return _correction(h.s.words, h.lang, h.s.spoken, asks=h.step in LOOKED_UP)
    return None


def _everywhere_stage(h: Heard):
    return _everywhere(h.act, h.step, h.lang, h.s.words)


# R25: a port to another carrier named while a step waits ("actually I want to port it to Verizon
# instead", "lo que quiero es pasarme a Telcel"): the port's answer, never the cancellation or the
# new number in progress (either would release the number and lose it).
PORTING = re.compile(r"\b(port|porting|ported|port out|portar\w*|portabilidad|portear|transfer my number|"
                     r"move my number|to (verizon|t mobile|at t|att|sprint|another carrier)|"
                     r"a (verizon|t mobile|telcel|movistar|at t|otra compania)|pasarme a|cambiarme a)\b")


def _port_stage(h: Heard):
    if h.step in IN_PROGRESS and h.act.act in ("request", "statement", "question", "answer", "hesitation", "no") \
            and PORTING.search(h.s.folded):
        act = {"question": turns.QUESTION, "statement": turns.STATEMENT}.get(h.act.act, turns.REQUEST)
        return Interpretation(act, intents.journey("port_out"), lang=h.lang)
    return None


def _social_stage(h: Heard):
    """Thanks or a greeting: one short line, then the step's question again (never an unusable
    input); at R11's offer or question "no thanks" declines and the cancellation goes on."""
    if h.act.act not in ("thanks", "greeting"):
        return None
    if h.act.act == "thanks":
        skips = h.step in (EXPECT_OFFER, EXPECT_REASON)
        return Interpretation(turns.THANKS, intents.SKIP if skips else intents.THANKS, lang=h.lang)
    return Interpretation(turns.GREETING, intents.GREETING, lang=h.lang)


def _dont_know_stage(h: Heard):
    """"I don't know", "no sé": what it means at the step."""
    if h.act.act == "dont_know":
        return Interpretation(turns.DONT_KNOW, DONT_KNOW.get(h.step, intents.UNCLEAR), lang=h.lang)
    return None


def _answer_stage(h: Heard):
    """The step's answer said in words."""
    if h.act.act == "answer" and h.act.answer:
        answered = _answered(h.s, h.act.answer, h.lang)
        if answered == intents.UNCLEAR:
            return Interpretation(turns.UNCLEAR, answered, lang=h.lang)
        return Interpretation(turns.ANSWER, answered, lang=h.lang) if answered is not None else None
    return None


# "Why do you need my PIN?", "¿para qué quieren el código?": why the step asks.
WHY_ASKED = re.compile(r"^(but |and |ok |pero |y )?(why|how come|what for|what do you need|por que|para que|"
                       r"what code|which code|que codigo|cual codigo)\b"
                       r"|\b(why|por que|para que) (do|does|would|is|are|necesita|necesitan|necesitas|quiere|quieren|"
                       r"piden|pide|me pide|me piden)\b")


STEP_WORDS = re.compile(r"\b(pin|pins|code|codigo|clave|nip|passcode|password|contrasena|need|needs|want|ask|asking|"
                        r"necesita|necesitan|necesitas|quiere|quieren|pide|piden|pides)\b")


def _why_stage(h: Heard):
    """"Why do you need my PIN?" at the PIN or code prompt: why it is asked (R8, R21), then the
    prompt again (never a wrong PIN); a question that names a journey is that question."""
    words = h.s.folded.split()
    about_it = len(words) <= 3 or bool(STEP_WORDS.search(h.s.folded))  # "why?", "why do you need my PIN"
    if h.step in (EXPECT_PIN, EXPECT_CODE) and h.act.act in ("question", "request", "statement") and about_it \
            and WHY_ASKED.search(h.s.folded) and not _names_a_journey(h):
        return Interpretation(turns.QUESTION, intents.why_asked(h.step), lang=h.lang)
    return None


def _question_stage(h: Heard):
    """R24: a question is answered (in place where a step waits), never the change."""
    if h.act.act != "question" or not (h.step in ANSWER_STEPS or h.step in ASKED_IN_PLACE or h.step == "command"):
        return None
    asked = question(h.s.words, h.lang, h.s.spoken)
    if asked.intent.kind == "question" and asked.intent.value is None and h.step == "command":
        return READER  # about nothing a journey does: read as before (help, a person, unclear)
    return asked


def _names_a_journey(h: Heard) -> bool:
    """Whether the words name something a journey does ("why can't I cancel my line?")."""
    got = understand(h.s.words, h.lang)
    return got.sure and got.intent.kind == "journey" and got.label not in ("help", "capabilities") \
        and not (got.label == "billing" and (STEP_WORDS.search(h.s.folded) or len(h.s.folded.split()) <= 3))


def _command_stage(h: Heard):
    return READER if h.step == "command" else None


def _request_stage(h: Heard):
    """A new request where a step waits for data starts it; inside a cancellation (R11's
    question and offer) see ``_during_cancellation``."""
    if h.act.act != "request":
        return None
    if h.step in ANSWER_STEPS:
        if h.step == EXPECT_PLAN and _offered_plan(h.s):
            return None  # "voicemail transcription" at "which plan?": the plan listed, not a problem to fix
        return _new_request(h.s.words, h.lang, h.s.spoken)
    if h.step in (EXPECT_REASON, EXPECT_OFFER) and h.act.how == "go_on_cancelling":
        # "no, just cancel the line": R11 skipped, the cancellation goes on (what it names is kept)
        rest = " ".join(h.s.folded.split()[1:])
        other = _during_cancellation(rest, h.lang, h.s.spoken, h.step)
        if other is not None and other.intent.kind == "journey":
            return other  # "no, just cancel the call recording instead": that request begins instead
        return Interpretation(turns.REQUEST, intents.SKIP, lang=h.lang, understood=understand(rest, h.lang))
    if h.step in (EXPECT_REASON, EXPECT_OFFER):
        other = _during_cancellation(h.s.words, h.lang, h.s.spoken, h.step)
        if other is None and "cancel" in find(h.s.words, h.s.folded, h.lang).concepts:
            # "I don't want a fix, I want to cancel", "omitir, nomás cancélalo": R11 skipped, asked for
            return Interpretation(turns.REQUEST, intents.SKIP, lang=h.lang, understood=understand(h.s.words, h.lang))
        return other
    return None


def _offered_plan(s: Said) -> bool:
    """Whether the words are, nearly all, the name of a plan the question listed (``Turn.options``),
    as the journey matches it: "voicemail transcription", "the voicemail transcription one"; never
    a sentence that also asks or tells something ("keep voicemail transcription, cancel the line")."""
    from core.journeys.cancel_plan import match_plan

    listed = [{"product": str(slots.get("plan"))} for _, slots in s.turn.options if slots.get("plan")]
    if not listed:
        return False
    padded = f" {s.folded} "
    for p in listed:
        name = f" {fold(p['product'])} "
        if name in padded:
            left = padded.replace(name, " ").split()
            return len(left) <= 2 and not set(left) & NO_WORDS and not set(left) - PLAN_ANSWER_FILLER
    return len(s.folded.split()) <= 3 and match_plan(s.words, listed) is not None


# What may come with a plan's name as the answer to "which plan?" ("the … one", "el de …").
PLAN_ANSWER_FILLER = frozenset({"the", "one", "my", "plan", "please", "el", "la", "de", "mi", "por", "favor", "porfa",
                                "that", "ese", "esa", "lo", "del"})


HEARD_STAGES = (_restated_stage, _opt_out_stage, _correction_stage, _everywhere_stage, _port_stage, _social_stage, _dont_know_stage,
                _answer_stage, _why_stage, _question_stage, _command_stage, _request_stage)


# R11's question and offer come inside the line's cancellation: a request to cancel it goes on
# with it; a sure request for something else ("can I just change my number instead?", "just
# cancel the call recording then") starts that.
CANCELLING = frozenset({"cancel_line", "clarify"})


def _during_cancellation(words: str, lang: str, spoken: bool, step: str) -> Interpretation | None:
    new = _new_request(words, lang, spoken)
    if new is None:
        return None  # the step's own reader decides (R11: anything else goes on)
    name = new.intent.value
    if name in CANCELLING:
        return Interpretation(turns.REQUEST, intents.SKIP, lang=lang, understood=new.understood)
    if step == EXPECT_REASON and (name == "troubleshoot" or name in ("reactivate", "change_number", "block")):
        return None  # a reason that names its fix: R11's own answer (the offer follows)
    return new


def _correction(words: str, lang: str, spoken: bool, asks: bool = False) -> Interpretation | None:
    """"actually, just give me a new number instead": a correction's lead, then a request of its
    own (three words or more, surely understood): the request in progress ends (R18) and that
    one begins, with its own yes. Anything else after "wait" is the hesitation it was."""
    folded = fold(words)
    lead = next((c for c in sorted(CORRECTIONS, key=len, reverse=True) if folded.startswith(c + " ")), None)
    if lead is None:
        return None
    rest = folded[len(lead):].strip()
    if len(rest.split()) < 3 or rest.split()[0] in NO_WORDS:
        return None
    if asks and form_of(rest) == "question" and not rest.startswith("que "):  # "espérame que lo estoy abriendo"  # "espere, antes de eso, ¿si cancelo pierdo mis mensajes?" at the
        return question(rest, lang, spoken)  # PIN prompt: asked (R24), answered in place (at a confirmation a
        # hesitation ends the request, R18)
    got = _new_request(rest, lang, spoken)
    return got if got is not None and got.intent.value != "clarify" else None


# A change's verb with its pronoun, said after R18's yes word ("yes change it", "sí, cámbialo").
CHANGE_SAID = {"change it": "change_number", "change my number": "change_number", "cambialo": "change_number",
               "cambiamelo": "change_number", "cambienlo": "change_number", "switch it": "change_number",
               "block it": "block", "block them": "block", "block him": "block", "block her": "block",
               "bloquealo": "block", "bloqueala": "block", "bloqueenlo": "block", "unblock it": "unblock",
               "unblock them": "unblock", "desbloquealo": "unblock", "desbloqueala": "unblock",
               "reactivate it": "reactivate", "reactivalo": "reactivate", "reactivala": "reactivate",
               "cancel it": "cancel", "cancelalo": "cancel", "cancelala": "cancel", "cancelenlo": "cancel"}


def _restated_yes(words: str, lang: str) -> Interpretation | None:
    """R18: "yes, cancel it", "sí, cancélalo": R18's yes word first, then the change said again.
    A yes that names its change; the conversation confirms it only when that is the change
    waiting (``restated``), never another."""
    folded = fold(words).split()
    if len(folded) < 2 or folded[0] not in R18_YES:
        return None
    named = CHANGE_SAID.get(" ".join(w for w in folded[1:] if w not in ("please", "por", "favor", "porfa")))
    if named:  # "yes change it", "sí, cámbialo": the change waiting, said by its verb
        return Interpretation(turns.YES, Intent("yes", None, {"restated": named}), lang=lang)
    got = understand(" ".join(folded[1:]), lang)
    if got.intent.kind != "journey" or not (got.sure or got.how == "clarify"):
        return None
    name = got.intent.value
    if name == "clarify":
        offered = {o[0] for o in got.intent.slot("options") or []}
        if not offered or not offered <= set(VAGUE_CANCEL):
            return None
        name = "cancel"  # a plan or the line: either cancellation waiting
    return Interpretation(turns.YES, Intent("yes", None, {"restated": name}), lang=lang)


# How many options a step offers when the door hands none over: R11's five reasons and fixes,
# the clarifying question's two.
OFFERED = {EXPECT_FIX: 5, EXPECT_REASON: 5, EXPECT_WHICH: 2}


def _answered(s: Said, kind: str, lang: str) -> Intent | None:
    """The step's answer said in words ("my PIN is one two three four", "the one ending
    0012", "block 212 555 0143"): its digits or its choice, as keys would give them."""
    step = s.turn.expects
    found = slot_reader.slots(s.words, lang, step)
    if step in (EXPECT_PIN, EXPECT_CODE):
        value = found.get("code") or found.get("pin") or (found.get("phone") if step == EXPECT_PIN else None)
        return intents.pin(value) if value else None
    if step == EXPECT_BLOCK_NUMBER and kind == "number" and found.get("phone"):
        return intents.number(found["phone"])
    if step == EXPECT_TARGET and (found.get("last4") or found.get("phone")):
        return intents.number(found.get("last4") or found["phone"])
    if step == EXPECT_TARGET and found.get("name"):
        return intents.name(found["name"])  # a line by its user's name (the conversation matches it)
    if step == EXPECT_TARGET:
        return _line_in_words(s.words, lang)
    if step in (EXPECT_WHICH, EXPECT_PLAN, EXPECT_FIX, EXPECT_REASON) and kind == "choice" \
            and str(found.get("choice", "")).isdigit():
        return _offered_choice(s, int(found["choice"]))
    return None


def _offered_choice(s: Said, n: int) -> Intent:
    """An option's number, if the step offered that many ("five" when three plans were offered: none)."""
    offered = len(s.turn.options) or OFFERED.get(s.turn.expects)
    return intents.UNCLEAR if offered and not 1 <= n <= offered else intents.choice(n)


def _everywhere(act, step: str, lang: str, words: str) -> Interpretation | None:
    """The acts heard the same at every step."""
    kind = act.act
    if kind == "person":
        return Interpretation(turns.PERSON, intents.AGENT, lang=lang)  # R15
    if kind == "forgot_pin":
        return Interpretation(turns.FORGOT_PIN, intents.FORGOT, lang=lang)  # R21
    if kind == "switch_language" and languages.known(act.language):
        return Interpretation(turns.LANGUAGE, intents.language(act.language), value=act.language,
                              lang=act.language)  # R20
    if kind == "goodbye":
        return Interpretation(turns.GOODBYE, intents.GOODBYE, lang=lang)
    if kind == "hesitation" and step in LOOKED_UP and acts_only_waits(words):
        return Interpretation(turns.HESITATION, intents.WAIT, lang=lang)  # "give me a sec": the step waits on
    if kind == "hesitation" and (step in IN_PROGRESS or step == EXPECT_COMMAND):
        # R18: the request ends at once; with none in progress, "one sec" is told what it can say
        return Interpretation(turns.HESITATION, intents.NO, lang=lang)
    if kind == "no" and step in ENDS_ON_NO:
        return Interpretation(turns.NO, intents.NO, lang=lang)
    if kind == "yes" and step in (EXPECT_CONFIRM, EXPECT_OFFER) and R18_YES & set(fold(words).split()):
        return Interpretation(turns.YES, intents.YES, lang=lang)  # R18: a yes with courtesy words
    return None


def question(words: str, lang: str, spoken: bool = False) -> Interpretation:
    """R24: a question about a change never starts it. A journey that changes nothing (the
    plans, the refund policy) answers it; else the registry journey whose ``answers`` hold it;
    else the short answer of ``question`` (what to ask for, and a person)."""
    got = understand(words, lang, speech_confidence=None)
    names = [got.intent.value] if got.intent.kind == "journey" and got.intent.value != "clarify" else \
        [o[0] for o in (got.intent.slot("options") or [])]
    known = [REGISTRY[n] for n in names if n in REGISTRY]
    if not known or (got.intent.kind == "journey" and not got.sure and got.how != "clarify"):
        return Interpretation(turns.QUESTION, intents.question(None), lang=lang, understood=got)
    changing = [j for j in known if j.changes]
    if not changing:  # the plans, the refund policy: their journey is the answer
        intent = got.intent if got.intent.kind != "journey" else _about(got.intent, got.label, words, lang)
        return Interpretation(turns.QUESTION, intent, lang=lang, understood=got)
    about = changing[0].name
    answers = ANSWERED_BY.get(about)
    if answers is not None:
        return Interpretation(turns.QUESTION, _about(intents.journey(answers), about, words, lang), lang=lang,
                              understood=got)
    return Interpretation(turns.QUESTION, _about(intents.question(about), about, words, lang), lang=lang,
                          understood=got)


def _about(answer: Intent, about: str, words: str, lang: str) -> Intent:
    """The answer to a question, with the details the question named about its change (the
    plan in "do I keep my texts if I cancel the archive?", the number in "how do I block 917…"),
    read by that change's journey."""
    journey = REGISTRY.get(about)
    if journey is None or journey.slots_heard is None:
        return answer
    found = journey.slots_heard(slot_reader.heard(words, lang))
    return Intent(answer.kind, answer.value, {**found, **answer.slots}) if found else answer


def _new_request(words: str, lang: str, spoken: bool) -> Interpretation | None:
    """Words at a step that waits for data that ask for a journey outright: that journey."""
    got = understand(words, lang)
    if got.sure and got.intent.kind == "journey":
        return of_intent(got.intent, lang=lang, understood=got)
    return None


# The steps' readers --------------------------------------------------------------------------
def _pin(s: Said) -> Intent:
    if s.keypad and s.keys == FORGOT_KEY:
        return intents.FORGOT
    if s.keys:
        return intents.pin(s.keys) if s.keys.isdigit() else intents.UNCLEAR
    # R21: "forgot", "CODE", "olvidé mi PIN": a one-time code to the line's own number (never a
    # stolen phone's: the code could not reach it).
    return intents.FORGOT if s.words and any(contains(s.folded, v.forgot) for v in s.vocabs) \
        and not NOT_OUR_PIN.search(s.folded) else intents.UNCLEAR


def _target(s: Said) -> Intent:
    if s.keys.isdigit():
        return intents.number(s.keys)
    if not s.words or s.keys:
        return intents.UNCLEAR
    who = slot_reader.name(s.words)
    if who:
        return intents.name(who)  # "Maria's line", "maria"
    return _line_in_words(s.words, s.turn.lang) or intents.UNCLEAR


def _line_in_words(words: str, lang: str) -> Intent | None:
    """A line of an admin's chosen in words other than its digits or its user: the verified line
    itself ("mine"), or its place in the list the question read out ("the second one")."""
    folded = fold(words)
    if MY_LINE.search(folded) and len(folded.split()) <= 5:  # "mine", "my own line", "la mía"
        return Intent("own_line")
    if set(folded.split()) & {"last", "other", "ultima", "ultimo", "otra", "otro"}:
        return None  # "the last one" of how many: asked again
    place = slot_reader.choice(words, lang)
    return intents.choice(place) if place else None


def _block_number(s: Said) -> Intent:
    if not s.keys.isdigit():
        return intents.UNCLEAR
    return intents.number(("+" if (s.read and s.read.text.startswith("+")) else "") + s.keys)


def _confirm(s: Said) -> Intent:
    if len(s.keys) == 3 and s.keys.isdigit() and (s.keypad or KEYED.fullmatch(s.words or "")):
        return intents.number(s.keys)  # an area code for another new number (the conversation decides)
    if s.keypad:
        # R18: the confirm key counts only on its own; a longer sequence (a re-typed PIN
        # such as 1357#) confirms nothing.
        return {"1": intents.YES, "2": intents.NO}.get(s.keys, intents.UNCLEAR)
    return s.answer or intents.UNCLEAR


def _which(s: Said) -> Intent:
    if s.keys:
        return intents.choice(int(s.keys)) if s.keys in ("1", "2") else intents.UNCLEAR
    if not s.folded:
        return intents.UNCLEAR
    options = list(s.turn.options)
    if s.answer is not None and s.answer.kind == "yes" and len(options) == 1:
        return intents.choice(1)
    return _named(answer_which(s.words, s.turn.lang, options, s.understood), options, s)


def _named(got: Intent, options: list, s: Said) -> Intent:
    """A choice of journey that names its details too ("the text archive one"): kept with it."""
    if got.kind != "choice" or not 1 <= got.value <= len(options):
        return got
    journey = REGISTRY.get(options[got.value - 1][0])
    if journey is None or journey.slots_heard is None:
        return got
    found = journey.slots_heard(slot_reader.heard(s.words, s.turn.lang))
    return Intent("choice", got.value, found) if found else got


def _plan(s: Said) -> Intent:
    if s.keypad or (s.keys and len(s.keys) <= 2):
        return s.choice()
    if not s.words:
        return intents.UNCLEAR
    # The words as said (a product's own name, matched by the journey), and the plan they name
    # in everyday words ("the archive one", "el de llamadas", "my number plan") when the
    # product's name doesn't match.
    said = act_of(s.words, s.turn.lang, "sms" if s.turn.typed else "voice", EXPECT_PLAN)
    if said.how == TALK_OF_A_CHANGE or (said.act in ("statement", "question") and undo_said(s.folded)):
        return intents.UNCLEAR  # "i cancelled call recording last month", "i didn't mean to cancel the whole
        # line, that was a mistake": told of, no plan chosen
    key = slot_reader.plan_at_step(s.words)
    if key in slot_reader.PRODUCTS:
        return Intent("name", s.words, {"plan": slot_reader.PRODUCTS[key]})
    if key == "number_plan":
        return Intent("name", s.words, {"kind": "number"})  # the line's own plan, whatever it is called
    if said.act == "unclear" or said.act == "dont_know":
        return intents.UNCLEAR  # "yeah", "k", "👍", "asdfg": no plan's name ("no plan called 'k'" would be untrue)
    if said.act in ("statement", "question") and len(s.folded.split()) > 3:
        return intents.UNCLEAR  # "i cancelled call recording last month", "my cat knocked my coffee over": told, no
        # plan's name (the statement is heard, then the question again)
    return intents.name(s.words)


def _fix(s: Said) -> Intent:
    if s.keys:
        got = s.choice() if s.keypad or len(s.keys) <= 2 else intents.UNCLEAR
        return _offered_choice(s, got.value) if got.kind == "choice" else got
    fix = fix_choice(s.understood)
    return intents.choice(fix) if fix else intents.UNCLEAR


# R11's reasons, the most specific words first: "too many spam calls" is spam, not calls;
# "my number got cancelled" and "no ringing" before calls, and "number" (dislike) last.
REASONS_SPECIFIC_FIRST = ("spam_calls", "number_cancelled", "no_ring_or_texts", "calling_problems", "dislike_number")


def _reason(s: Said) -> Intent:
    if s.keys in ("1", "2", "3", "4", "5"):
        return intents.choice(int(s.keys))
    if s.keys or not s.folded:
        return intents.SKIP  # 9, or anything else keyed: go on with the cancellation (R11)
    if _not_cancelling(s):
        return intents.NO  # "please don't cancel it", "mejor no cancelen": R18, the request ends
    if s.says_any(lambda v: v.skip) or (s.spoken and any(contains(s.folded, v.cancel) for v in _all())):
        return intents.SKIP
    for v in s.vocabs:
        order = list(v.reasons)  # R11's numbers: the order the reasons are offered in
        for reason in sorted(order, key=lambda r: REASONS_SPECIFIC_FIRST.index(r) if r in REASONS_SPECIFIC_FIRST
                             else len(REASONS_SPECIFIC_FIRST)):
            if contains(s.folded, v.reasons[reason]):
                return intents.choice(order.index(reason) + 1)
    fix = fix_choice(s.understood)
    return intents.choice(fix) if fix else intents.SKIP  # R11: anything else goes on with the cancellation


def _offer(s: Said) -> Intent:
    if s.keys == "1" or s.says_any(lambda v: v.accept) or (s.spoken and s.says_any(lambda v: v.yes)) \
            or TAKE_FIX.match(s.folded):  # "fix it", "let's try that", "arréglalo" (R11: the fix taken)
        return intents.YES
    keeps_it = _not_cancelling(s)
    if FIX_WANTED.search(s.folded) and (keeps_it or not FIX_REFUSED.search(NO_PROBLEM.sub(" ", s.folded))):
        return intents.YES  # "yeah let's try the fix", "sí, quiero intentarlo", "don't cancel, fix it"
    return intents.NO if keeps_it else intents.SKIP  # "no, just don't cancel it yet": R18, the request ends


def _not_cancelling(s: Said) -> bool:
    """Words that turn the cancellation round ("don't cancel", "no lo cancelen"; never "they won't
    stop calling"), asking for none."""
    found = find(s.words, s.folded, s.turn.lang)
    return bool(NOT_CANCELLING.search(s.folded)) and "cancel" not in found.concepts


# At R11's offer: words that take the fix, unless they refuse it or ask to go on cancelling.
FIX_WANTED = re.compile(r"\b(fix (it|that|this)|the fix|do the fix|fix fix|try (it|that|this|the fix|first)|"
                        r"let s try|lets try|give it a (try|shot|go)|show me|arregl\w*|intentar\w*|intentalo|"
                        r"intentemos|probar\w*|pruebalo|probemos|muestrame|ensename)\b")
FIX_REFUSED = re.compile(r"\b(no|not|don t|dont|never|skip|cancel\w*|omit\w*|nunca|ya lo|already|tried|won t|wont|"
                         r"can t|cant|nothing|another|else|later|nada|otra|otro|despues)\b")
NO_PROBLEM = re.compile(r"\b(no problem|no hay problema|sin problema)\b")


def _anything(s: Said) -> Intent:
    if s.answer is not None:
        return s.answer
    if s.spoken or s.keypad:
        return intents.UNCLEAR
    return s.understood.intent if s.understood is not None else intents.UNCLEAR


STEPS: dict[str, Callable[[Said], Intent]] = {
    EXPECT_PIN: _pin, EXPECT_CODE: _pin, EXPECT_TARGET: _target, EXPECT_BLOCK_NUMBER: _block_number,
    EXPECT_CONFIRM: _confirm, EXPECT_WHICH: _which, EXPECT_PLAN: _plan, EXPECT_FIX: _fix, EXPECT_REASON: _reason,
    EXPECT_OFFER: _offer,
}


def _all() -> list[Vocabulary]:
    return [vocabulary(code) for code in languages.CODES]


# The turn ----------------------------------------------------------------------------------
def interpret(turn: Turn) -> Interpretation:
    """What one turn means, for any door."""
    if turn.expects == turns.MENU_EXPECT or turn.expects.startswith(turns.MENU_EXPECT + ":"):
        return _menu(turn)
    if turn.typed:
        return _typed(turn)
    return _called(turn)


def _typed(turn: Turn) -> Interpretation:
    read = turn.read if isinstance(turn.read, Parsed) else parse(turn.text, turn.lang)
    lang = read.lang
    if read.kind in (turns.HELP, turns.EMPTY):
        return Interpretation(read.kind, lang=lang)
    if read.kind == "command":
        if read.action == "agent":
            return Interpretation(turns.PERSON, intents.AGENT, lang=lang)
        return of_intent(intents.journey(read.action, **_command_slots(read.action, read.arg, lang)), lang=lang)
    s = Said(turn, read, _vocabs(turn))
    if read.kind not in (turns.OPT_OUT, turns.OPT_IN):
        every = heard(s, lang)
        if every is not None:
            return every
    if turn.expects in DATA_STEPS or s.keys:
        s.understood = None  # data is never read by the model (and never logged)
    got = s.understood
    if got is not None and got.sure and got.label == "agent" and s.answer is None:
        return Interpretation(turns.PERSON, intents.AGENT, lang=lang, understood=got)  # R15, in any words
    intent = STEPS.get(turn.expects, _anything)(s)
    if read.kind in (turns.OPT_OUT, turns.OPT_IN):
        # A consent word (R16) is the door's to act on; what it would answer the step is
        # kept (a YES that re-subscribes may also be the yes the conversation waits for).
        return Interpretation(read.kind, intent, lang=lang, understood=read.understood)
    return _told(s, of_intent(intent, lang=lang, understood=s.__dict__.get("understood")))


def _command_slots(action: str, arg: str | None, lang: str) -> dict:
    """A command's own words, then the details of the sentence after it (vocabulary/slots.py:
    "BLOCK 212 555 0143, they keep calling me")."""
    journey = REGISTRY.get(action)
    return slot_reader.of_command(journey, arg, lang, understand) if journey is not None else {}


def _called(turn: Turn) -> Interpretation:
    """A call's keys or speech at a step of the conversation."""
    if turn.keys == AGENT_KEY or wants_agent(turn.speech, turn.lang):
        return Interpretation(turns.PERSON, intents.AGENT)
    if turn.keys == REPEAT_KEY or (turn.speech and not turn.keys and fold(turn.speech) in vocabulary(turn.lang).repeat):
        return Interpretation(turns.REPEAT, intents.REPEAT)
    if _unsure(turn):
        return Interpretation(turns.UNCLEAR, unsure_speech=True)
    switched = _spoken_language(turn)
    if switched is not None:
        return switched
    s = Said(turn, None, _vocabs(turn))
    every = heard(s, turn.lang)
    if every is not None:
        return every
    intent = STEPS.get(turn.expects, _anything)(s)
    got = s.__dict__.get("understood")
    return _told(s, of_intent(intent, understood=got))


def bothered_from(words: str, lang: str) -> Intent | None:
    """R24: someone calling, texting or threatening the customer (from a number they name): the
    free block (of that number) is offered first (R11 fix 5), never a cancellation."""
    said = BOTHERED.search(fold(words))
    if not said:
        return None
    found = REGISTRY["block"].slots_heard(slot_reader.heard(words, lang))
    if not found and said.group(0) in SPAM_WORDS:
        return None  # spam in general: R11's tip for spam calls (troubleshoot), not one number
    return intents.journey("block", **found)


# The acts whose words may ask for something this bot doesn't do, and how each is told (a statement
# "about nothing we do" is told how to ask instead: ``_told``).
_ASKED_ELSEWHERE = {"request": turns.REQUEST, "question": turns.QUESTION}


def not_ours(act: str | None, understood: Understanding | None, lang: str | None, words: str,
             said_in: str | None = None) -> Interpretation | None:
    """Asked, and understood surely as nothing this bot does, in words that name nothing it knows
    ("can you order me a pizza?", "what's the score?"): said so with what it does and a person,
    not "didn't get that" (no unusable input)."""
    if act not in _ASKED_ELSEWHERE or not surely_nothing(understood, words, said_in or lang):
        return None
    return Interpretation(_ASKED_ELSEWHERE[act], intents.not_ours(), lang=lang, understood=understood)


def surely_nothing(understood: Understanding | None, words: str, lang: str | None) -> bool:
    """Understood surely as nothing this bot does, in words that name nothing it knows (no
    change, plan or number): "write me a poem", "my cat knocked my coffee over"."""
    if understood is None or understood.label != "none" or understood.intent.kind != "unclear" \
            or understood.score < NOTHING or len(words.split()) < 2:
        return False  # ("nothing", "nada" alone: no request for anything)
    found = reading(words, lang or languages.DEFAULT_CODE)[2]  # as the model read it (cached)
    return not (found.concepts or found.plan or found.digits)


# "Stop calling me", "dejen de llamarme": calls nobody here makes (the support line calls no one but
# a callback asked for): unwanted calls, R11's free block of spam numbers (nothing cancelled).
UNWANTED_CALLS = re.compile(
    r"^(please |pls |just |por favor |ya )?(stop|quit|no more) (calling|ringing|phoning|bothering) me( please| pls)?$"
    r"|^(por favor |ya )?(deja|dejen|deje|dejes) de (llamarme|marcarme|molestarme)( por favor)?$"
    r"|^(ya )?no me (llamen|llames|marquen|molesten)( mas)?( por favor)?$")


def unwanted_calls(words: str, lang: str) -> Interpretation | None:
    """Calls the customer doesn't want, told to us: R11's fix for spam calls (the free block)."""
    if UNWANTED_CALLS.match(fold(words)):
        return Interpretation(turns.REQUEST, intents.journey("troubleshoot", fix="block_spam"), lang=lang)
    return None


def _told(s: Said, got: Interpretation) -> Interpretation:
    """What the step's reader made of free words, read again for what was told (``TOLD_STAGES``,
    in order; the first that answers decides): unwanted calls (R11's block), something surely
    nothing we do (``not_ours``), someone bothering the customer (R24: the block first), a
    statement about a change (only offered), and a question the model read as a change (R24:
    never the change)."""
    lang = got.lang or s.turn.lang
    for stage in TOLD_STAGES:
        again = stage(s, got, lang)
        if again is not None:
            return again
    return got


def _unwanted_calls_told(s: Said, got: Interpretation, lang: str) -> Interpretation | None:
    if s.turn.expects == "command" and got.act != turns.OPT_OUT and s.words:
        return unwanted_calls(s.words, lang)
    return None


def _not_ours_told(s: Said, got: Interpretation, lang: str) -> Interpretation | None:
    if s.turn.expects == "command" and got.act == turns.UNCLEAR:
        return not_ours(s.act, got.understood, lang, s.words)
    return None


def _told_at_step(s: Said) -> bool:
    """Words at a step that hears what is told (TOLD_AT_STEPS), with no digits: nothing the step
    keeps, so the model may read them."""
    return s.turn.expects in TOLD_AT_STEPS and bool(s.words) and not any(ch.isdigit() for ch in s.words)


def _bothered_told(s: Said, got: Interpretation, lang: str) -> Interpretation | None:
    block = bothered_from(s.words, lang) if (s.act == "statement" and s.turn.expects == "command"
                                             and s.how != TALK_OF_A_CHANGE) else None  # not "spam went way down"
    return Interpretation(turns.STATEMENT, block, lang=got.lang, understood=got.understood) if block else None


def _statement_told(s: Said, got: Interpretation, lang: str) -> Interpretation | None:
    if s.act != "statement":
        return None
    if got.act == turns.REQUEST:
        return statement(got.intent, got.lang, got.understood, led=s.how != TALK_OF_A_CHANGE)
    if got.act == turns.UNCLEAR and s.turn.expects == "command":
        # told something the model can't place ("my husband cancelled his plan last month"): that
        # nothing was changed, and the way on (how to ask for the change it is about, a person)
        return Interpretation(turns.STATEMENT, told_about(s.words, lang), lang=got.lang, understood=got.understood)
    if got.act == turns.UNCLEAR and _told_at_step(s):
        # "my husband wants to cancel his line" at "which line?", "my calls dropped yesterday" at the
        # PIN prompt: heard (what it is about, nothing changed), then the step's question again
        about = told_about(s.words, lang)
        if about.value is None:
            heard_as = understand(s.words, lang)  # no digits: nothing the step keeps from the model
            if surely_nothing(heard_as, s.words, lang) and len(s.folded.split()) >= 5 \
                    and not any(ch.isdigit() for ch in slot_reader.as_digits(s.folded, lang)):
                # "my cat knocked my coffee over": told, nothing changed (not "the one from yesterday", an
                # answer that failed, nor "it's the last one zero zero one two")
                return Interpretation(turns.STATEMENT, about, lang=got.lang)
            label = heard_as.label
            if label in ("fix.reactivate", "fix.change_number"):
                label = label[4:]  # R11's fixes that are journeys of their own
            if not (heard_as.sure and (label in REGISTRY or label.startswith("fix.")) and label != "agent"):
                return None
            if label == "lost_phone":  # "my phone was stolen so I can't get the code": what to do
                return Interpretation(turns.STATEMENT, intents.journey("lost_phone"), lang=got.lang)  # now, a person
            about = intents.told(label)
        return Interpretation(turns.STATEMENT, about, lang=got.lang)
    return None


# The steps where a statement is heard and the step asked again (the data steps, the confirmation).
TOLD_AT_STEPS = frozenset({EXPECT_PIN, EXPECT_CODE, EXPECT_TARGET, EXPECT_PLAN, EXPECT_BLOCK_NUMBER, EXPECT_CONFIRM,
                           EXPECT_WHICH, EXPECT_FIX})


# What a statement about a change is about, from its words (R24: said as the way to ask for it):
# the change's verb in any tense or person, and what it acts on.
CHANGE_VERBS = (
    ("unblock", re.compile(r"\b(unblock\w*|desbloque\w*)")),
    ("block", re.compile(r"\b(block\w*|bloque\w*|bloqui\w*)")),
    ("reactivate", re.compile(r"\b(reactiv\w*|turn(ed)? (it |my line |my number )?back on)")),
    ("change_number", re.compile(r"\b((chang|switch|swap)\w* (my |his |her |their |the |a |of )?(phone )?numbers?|"
                                 r"new numbers?|cambi\w* (de |el |mi |su |tu |un )?numero|otro numero|numero nuevo)\b")),
    # "drop", "close", "quit", "borrar", "cerrar" only with what is cancelled: "my calls dropped", "the
    # app closed", "he quit last month", "se cerró la app" cancel nothing
    ("cancel", re.compile(r"\b(cancel\w*|delet\w*|(dar|di|dio|dieron|doy|das) de baja|"
                          r"(drop\w*|clos\w*|quit\w*) (the |my |his |her |this |that |our )?(\w+ )?(line|plan|number|account|"
                          r"archive|recording|add ?on|subscription)|"
                          r"(borr\w*|cerr\w*|quit\w*) (el |la |mi |su |tu |los |las )?(numero|linea|cuenta|plan|"
                          r"archivo|grabacion)\w*)")),
)
LINE_WORDS = re.compile(r"\b(line|lines|account|number|linea|lineas|cuenta|numero|everything|todo)\b")


def told_about(words: str, lang: str) -> Intent:
    """``told`` of the change a statement names ("my wife wants to drop the text archive": a plan),
    or of none."""
    folded = fold(words or "")
    if undo_said(folded):  # "my boss cancelled my number, i didn't want that": what undoing can do (R3)
        return intents.journey("undo_cancel", **REGISTRY["undo_cancel"].slots_heard({"plan": slot_reader.plan(words)}))
    for name, verb in CHANGE_VERBS:
        if verb.search(folded):
            break
    else:
        return intents.told(None)
    if name in ("block", "unblock"):
        found = slot_reader.phones(words, lang)
        return intents.told(name, number=found[0] if found else None)
    if name != "cancel":
        return intents.told(name)
    plan = slot_reader.plan(words)
    if plan:
        return intents.told("cancel_plan", plan=plan)
    return intents.told("cancel_line" if LINE_WORDS.search(folded) else "cancel")


def _question_told(s: Said, got: Interpretation, lang: str) -> Interpretation | None:
    if s.act != "question" or got.act != turns.REQUEST or got.intent.kind != "journey":
        return None
    name = got.intent.value
    if name != "clarify" and not (name in REGISTRY and REGISTRY[name].changes):
        return None
    answer = ANSWERED_BY.get(name)
    details = {} if name == "clarify" else got.intent.slots
    intent = intents.journey(answer, **details) if answer else \
        intents.question(None if name == "clarify" else name, **details)
    return Interpretation(turns.QUESTION, intent, lang=got.lang, understood=got.understood)


# R11's own word to go on ("SKIP", "omitir", "cancel" said, "skip that, just cancel my line"): the
# cancellation in progress asked for (a request, what it names kept), where "no thanks" declines.
SKIP_ASKED = re.compile(r"^(skip|omitir|omite|omitelo|saltar|salta|saltate|saltatelo|continue|continuar|seguir|sigue|"
                        r"adelante|go on|cancel|cancelar)\b")


def _skip_told(s: Said, got: Interpretation, lang: str) -> Interpretation | None:
    if got.intent.kind != "skip" or s.turn.expects not in (EXPECT_REASON, EXPECT_OFFER) or s.keys \
            or not SKIP_ASKED.match(s.folded):
        return None
    return Interpretation(turns.REQUEST, intents.SKIP, lang=lang, understood=understand(s.words, lang))


TOLD_STAGES = (_skip_told, _unwanted_calls_told, _not_ours_told, _bothered_told, _statement_told, _question_told)


# The changes a statement may lead to straight away: R11's fixes for what was told ("someone
# keeps calling me": the free block first, R24; "my number was cancelled"; "I hate my number").
LED_TO = frozenset({"block", "reactivate", "change_number"})


def statement(intent: Intent, lang: str | None, understood=None, led: bool = True) -> Interpretation:
    """What was told: a fix or an answer it leads to starts; any other change ("I cancelled my
    line yesterday", "my friend wants to cancel") is only offered in one line (R24). ``led``
    False (a change done, someone else's, a hypothetical: "reactivated my line on Monday, all
    good"): no change starts, not even one a report leads to."""
    about = intent.value if intent.kind == "journey" else None
    if not led and about == "troubleshoot" and intent.slot("fix") == "block_spam":
        return Interpretation(turns.STATEMENT, intents.told("block"), lang=lang, understood=understood)  # no
        # block offered for "block button works great, spam went way down"
    names = [o[0] for o in intent.slot("options") or []] if about == "clarify" else [about] if about else []
    only_offered = [n for n in names if n in REGISTRY and REGISTRY[n].changes and (n not in LED_TO or not led)]
    if names and len(only_offered) == len(names):
        details = {} if about == "clarify" else intent.slots
        if about == "clarify":  # "I'm thinking of cancelling": which one is unsaid ("cancel", both named)
            about = "cancel" if set(names) <= set(VAGUE_CANCEL) else None
        return Interpretation(turns.STATEMENT, intents.told(about, **details), lang=lang, understood=understood)
    return Interpretation(turns.STATEMENT, intent, lang=lang, understood=understood)


def _spoken_language(turn: Turn) -> Interpretation | None:
    """R20: speech in another language than the call's switches the call (the door then reads
    the same words again in that language)."""
    if not turn.speech or turn.keys:
        return None
    said = language_of(turn.speech, turn.lang)
    if said != turn.lang and languages.known(said):
        return Interpretation(turns.LANGUAGE, intents.language(said), value=said, lang=said)
    return None


def _unsure(turn: Turn) -> bool:
    """Speech the recogniser was itself unsure of: asked again, then keys (ivr/views.py)."""
    return bool(turn.speech) and not turn.keys and turn.confidence is not None and turn.confidence < SPEECH_FLOOR


def wants_agent(speech: str | None, lang: str) -> bool:
    """A person, asked for (R15): the menu's word, or said in other words. A sentence that
    merely holds "someone" ("someone keeps calling me") is not a request for one."""
    if not speech:
        return False
    said = fold(speech)
    words = vocabulary(lang)
    if said in words.agent:
        return True
    if callback_asked(said):
        return False  # "have an agent call me later": the call back (R15), asked for as a request
    spoken = slot_reader.as_digits(said, lang)
    if not any(ch.isalpha() for ch in spoken):  # "zero" alone is the person's key said; more numbers are an
        return spoken.replace(" ", "") == "0"  # answer ("zero one two three" at the PIN prompt)
    if sum(ch.isdigit() for ch in spoken) >= 3:  # a number said with words ("oh oh one oh", "cero cero uno cero
        return contains(said, words.agent)  # la principal"): a person only in the words that ask for one
    got = understand(speech, lang)
    return (got.sure and got.label == "agent") or (contains(said, words.agent) and not got.sure)


# The voice menus -----------------------------------------------------------------------------
def _menu(turn: Turn) -> Interpretation:
    sub = turn.expects.partition(":")[2] or None
    if sub == "steps":
        return _steps(turn)
    if turn.keys:
        got = menu_keys(sub).get(turn.keys) if len(turn.keys) == 1 else None
        if got is None and turn.keys == LANGUAGE_KEY and sub is None:
            return Interpretation(turns.LANGUAGE, value=languages.next_after(turn.lang))
        return got or Interpretation(turns.UNCLEAR)
    if not turn.speech:
        return Interpretation(turns.UNCLEAR)
    if _unsure(turn):
        return Interpretation(turns.UNCLEAR, unsure_speech=True)
    if sub == "cancel":
        return _cancel_menu(turn)
    said, words = fold(turn.speech), vocabulary(turn.lang)
    if sub == "next" and said in words.goodbye:
        return Interpretation(turns.GOODBYE)
    if sub == "next" and said in words.to_menu:
        return Interpretation(turns.MENU, value=None)
    return _main_menu_speech(turn, said, words)


# The labels the main menu answers itself when understood: a person, the menu again (help:
# what the bot can do), or nothing to act on; any other label is its journey.
_MENU_LABELS = {"agent": (turns.PERSON, intents.AGENT), "help": (turns.HELP, intents.UNCLEAR),
                "opt_out": (turns.UNCLEAR, intents.UNCLEAR), "none": (turns.UNCLEAR, intents.UNCLEAR)}


def _main_menu_speech(turn: Turn, said: str, words: Vocabulary) -> Interpretation:
    """The main menu's words (a language named anywhere; "repeat", "cancel", "more" or
    "agent" said alone), then what was understood (a journey with its slots, or "which?")."""
    act = act_of(turn.speech, turn.lang, "voice", "command")
    return (_menu_language(turn, act, said, words) or _menu_act(turn, act) or _menu_word(said, words)
            or _menu_understood(turn, act))


def _menu_language(turn: Turn, act, said: str, words: Vocabulary) -> Interpretation | None:
    """A language asked for ("no hablo inglés"), named at the menu, or simply spoken (R20)."""
    if act.act == "switch_language" and languages.known(act.language):
        return Interpretation(turns.LANGUAGE, value=act.language, lang=act.language)
    named = {lang.name.lower(): lang.code for lang in languages.BY_CODE.values()}
    for phrases, choice in words.main_menu:
        if choice in named and contains(said, phrases):
            return Interpretation(turns.LANGUAGE, value=named[choice])
    return _spoken_language(turn)


def _menu_act(turn: Turn, act) -> Interpretation | None:
    """The acts heard at every step (but a no or a hesitation, which end nothing here), a
    question (answered, never started: R24), or a greeting or thanks (the menu again)."""
    every = _everywhere(act, "command", turn.lang, turn.speech)
    if every is not None and every.act not in (turns.NO, turns.HESITATION):
        return every
    if act.act in ("no", "hesitation", "dont_know"):
        # "no", "wait", "I'm not sure what I need" at the menu: nothing to end, nothing to open; the menu again
        return Interpretation({"no": turns.NO, "hesitation": turns.HESITATION}.get(act.act, turns.DONT_KNOW))
    if act.act == "question":
        return question(turn.speech, turn.lang, True)
    if act.act == "opt_out":  # "stop texting me" said on a call: how texts are stopped (R16), nothing changed
        return Interpretation(turns.OPT_OUT)
    if act.act == "greeting":  # the menu again (what the bot can do), told as what it was
        return Interpretation(turns.GREETING, intents.GREETING)
    if act.act == "thanks":
        return Interpretation(turns.THANKS, intents.THANKS)
    return None


def _menu_word(said: str, words: Vocabulary) -> Interpretation | None:
    """A menu word said alone: a person, the cancel or the more menu, or the menu again."""
    if said in words.agent:
        return Interpretation(turns.PERSON, intents.AGENT)
    if any(said in v.cancel for v in _all()):
        return Interpretation(turns.MENU, value="cancel")
    if said in words.more_menu:
        return Interpretation(turns.MENU, value="more")
    if said in words.repeat:
        return Interpretation(turns.REPEAT)
    if any(said in p for p, c in words.main_menu if c == "repeat"):
        return Interpretation(turns.HELP)  # "menu": what the bot can do, the menu read again
    return None


def _menu_understood(turn: Turn, act) -> Interpretation:
    """What the model understood: unwanted calls or nothing we do (as by text), a sure label
    (_MENU_LABELS, else its journey, told as a request or a statement), "a plan or the line?"
    as the cancel menu, another question, or unclear."""
    got = understand(turn.speech, turn.lang, speech_confidence=turn.confidence)
    first = _menu_told(turn, act, got)
    if first is not None:
        return first
    if act.act == "statement" and (got.sure or got.how == "clarify") and got.intent.kind == "journey":
        return statement(got.intent, None, got, led=act.how != TALK_OF_A_CHANGE)
    if act.act == "statement" and not got.sure and got.how != "clarify":
        return Interpretation(turns.STATEMENT, told_about(turn.speech, turn.lang), understood=got)  # the way on
    if got.sure and got.intent.kind == "journey":
        return Interpretation(turns.REQUEST, got.intent, understood=got)
    if got.how == "clarify" and got.intent.slot("options") == [[n, {}] for n in VAGUE_CANCEL]:
        return Interpretation(turns.MENU, value="cancel", understood=got)
    if got.sure or got.how == "clarify":
        return of_intent(got.intent, understood=got)
    return Interpretation(turns.UNCLEAR, understood=got)


def _menu_told(turn: Turn, act, got: Understanding) -> Interpretation | None:
    """At the menu, before its journeys: unwanted calls, nothing we do, a menu label, someone
    bothering the caller (R24: the block first)."""
    told = unwanted_calls(turn.speech, turn.lang) or not_ours(act.act, got, None, turn.speech, turn.lang)
    if told is not None:
        return told
    if got.sure and got.label in _MENU_LABELS:
        kind, intent = _MENU_LABELS[got.label]
        if kind == turns.HELP and act.act == "unclear":
            kind = turns.REPEAT  # "what?": not heard, the menu again
        return Interpretation(kind, intent, understood=got)
    block = bothered_from(turn.speech, turn.lang) if act.act == "statement" else None
    return Interpretation(turns.STATEMENT, block, understood=got) if block is not None else None


def _cancel_menu(turn: Turn) -> Interpretation:
    """"A plan or the whole line?": the plan named comes along ("the text archive")."""
    said = fold(turn.speech)
    choice = next((c for phrases, c in vocabulary(turn.lang).cancel_menu if contains(said, phrases)), None)
    if choice == "agent":
        return Interpretation(turns.PERSON, intents.AGENT)
    if choice == "repeat":
        return Interpretation(turns.REPEAT)
    f = find(turn.speech, said, turn.lang)
    plan, line = "plan" in f.concepts, "line" in f.concepts
    if f.plan is not None or (plan and not line):  # an add-on named is never the whole line (R4)
        return of_intent(intents.journey("cancel_plan", plan=f.plan))
    if line and not plan:
        return of_intent(intents.journey("cancel_line"))
    if choice is not None and not (plan and line):
        return of_intent(intents.journey(choice))
    return Interpretation(turns.UNCLEAR)  # both or neither named: asked again


def _steps(turn: Turn) -> Interpretation:
    """The offer to text Apple's steps: yes, a person, or anything else skips it."""
    said, words = fold(turn.speech or ""), vocabulary(turn.lang)
    if turn.keys == "1" or (not turn.keys and (said in words.yes or said in words.accept)):
        return Interpretation(turns.YES, intents.YES)
    if turn.keys == AGENT_KEY or (not turn.keys and wants_agent(turn.speech, turn.lang)):
        return Interpretation(turns.PERSON, intents.AGENT)
    return Interpretation(turns.SKIP, intents.SKIP)
