"""``switchboard simulate call``: walks a call as Twilio would. Prints what is said, asks for
keypad digits or typed speech at each <Gather>, follows action and <Redirect> URLs, and
shows <Dial>, <Record> and <Hangup>; every request carries the standard fields and is signed.

Answers, typed or scripted (one a line):
  ``1234#`` or ``1``    keypad digits (a trailing # is the finish key)
  ``say cancel my line`` speech, sent with Twilio's Confidence 0.92
  ``say@0.3 cancel``    speech the recogniser was unsure of (Confidence 0.3)
  ``-``                 no input (silence)
  ``hangup``            the caller hangs up
  at a <Dial>: ``answer`` (the agent answers and presses 1 when asked), ``answer 5`` (presses
  5), ``voicemail`` (the agent's own voicemail answers: no key), ``busy``, ``no-answer`` or
  ``failed``; at a <Record>: ``record`` (a message, ended by silence), ``record #`` or
  ``record *`` (a message, then that key), ``*`` or ``#`` alone (the key at once, no
  message: star asks for a call back), ``-`` (nothing said) or ``hangup``

When the call ends, Twilio's call status callback is sent as the number's StatusCallback
sends it (``POST /voice/status``: ``CallStatus=completed``, ``CallDuration``), so
``switchboard calls report`` counts simulated calls; ``--no-status-callback`` leaves it out.

A <Number url> document runs on the agent's leg as Twilio documents it: after they answer,
before the two are connected. Its <Say>s are the whisper; its <Gather> takes the agent's keys
and follows its action; a <Hangup> there ends the agent's leg, so the <Dial> did not connect
(DialCallStatus ``no-answer``: Twilio's call-screening how-to moves on when it isn't
``completed``); reaching the document's end connects them (``completed``).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Callable, Iterator, TextIO

import click
from flask.cli import with_appcontext

from core import languages
from web.simulator import Transport, transport_for

MAX_STEPS = 300
SPOKEN = re.compile(r"(?i)say(?:@([01](?:\.\d+)?))? (.*)")  # "say …" or "say@0.35 …"


class SimulationError(RuntimeError):
    pass


@dataclass
class Transcript:
    events: list[tuple[str, str]] = field(default_factory=list)

    def add(self, kind: str, text: str, out: TextIO | None) -> None:
        self.events.append((kind, text))
        if out is not None:
            out.write(f"[{kind}] {text}\n")
            out.flush()

    def said(self) -> str:
        return " ".join(t for k, t in self.events if k in ("say", "whisper"))

    def kinds(self) -> list[str]:
        return [k for k, _ in self.events]

    def text(self, kind: str) -> list[str]:
        return [t for k, t in self.events if k == kind]


def call_form(call_sid: str, caller: str, to: str, **extra: str) -> dict[str, str]:
    return {"AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01", "CallSid": call_sid,
            "CallStatus": "in-progress", "Called": to, "Caller": caller, "Direction": "inbound",
            "From": caller, "FromCountry": "US", "To": to, "ToCountry": "US", **extra}


_GO_ON = object()  # a verb after which Twilio goes on with the next one


def _keyed(given: str, gather: ET.Element) -> str:
    """The Digits Twilio sends for keys pressed at a <Gather>: up to its finishOnKey, at most
    its numDigits."""
    digits = given
    finish = gather.get("finishOnKey", "#")
    if finish and finish in digits:
        digits = digits.split(finish)[0]
    if gather.get("numDigits"):
        digits = digits[: int(gather.get("numDigits"))]
    return digits


class CallSimulator:
    def __init__(self, transport: Transport, caller: str, to: str, answer: Callable[[str], str],
                 out: TextIO | None = None, *, status_callback: str | None = None) -> None:
        self.t = transport
        self.caller = caller
        self.to = to
        self.answer = answer
        self.out = out
        self.sid = "CA" + uuid.uuid4().hex
        self.transcript = Transcript()
        self.status_callback = status_callback  # e.g. "/voice/status": sent when the call ends

    def run(self, path: str = "/voice", extra: dict[str, str] | None = None) -> Transcript:
        url = urllib.parse.urljoin(self.t.base + "/", path.lstrip("/"))
        form = call_form(self.sid, self.caller, self.to, **(extra or {}))
        started = time.monotonic()
        for _ in range(MAX_STEPS):
            nxt = self._play(url, self._fetch(url, form))
            if nxt is None:
                self.transcript.add("end", "call ended", self.out)
                if self.status_callback:
                    self._call_ended(max(1, round(time.monotonic() - started)))
                return self.transcript
            url, form = nxt
        raise SimulationError(f"more than {MAX_STEPS} steps: the call loops")

    def _call_ended(self, seconds: int) -> None:
        """Twilio's call status callback at the end of an answered call (the number's
        StatusCallback; its default event is the end alone)."""
        url = urllib.parse.urljoin(self.t.base + "/", self.status_callback.lstrip("/"))
        form = self._base(CallStatus="completed", CallDuration=str(seconds), Duration=str(max(1, -(-seconds // 60))),
                          CallbackSource="call-progress-events", SequenceNumber="0",
                          Timestamp=time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()))
        status, body = self.t.post(url, form)
        if status != 200:
            raise SimulationError(f"HTTP {status} from the status callback {url}: {body[:200]}")
        self.transcript.add("status", f"completed, {seconds} s (status callback sent)", self.out)

    def _fetch(self, url: str, form: dict[str, str]) -> ET.Element:
        status, body = self.t.post(url, form)
        if status != 200:
            raise SimulationError(f"HTTP {status} from {url}: {body[:200]}")
        root = ET.fromstring(body)
        if root.tag != "Response":
            raise SimulationError(f"no <Response> from {url}")
        return root

    def _base(self, **extra: str) -> dict[str, str]:
        return call_form(self.sid, self.caller, self.to, **extra)

    def _play(self, url: str, root: ET.Element):
        """The document's verbs in order, until one ends the call (None) or asks Twilio to
        fetch the next document (its URL and form)."""
        for verb in root:
            play = self._VERBS.get(verb.tag)
            if play is None:
                self.transcript.add(verb.tag.lower(), ET.tostring(verb, encoding="unicode"), self.out)
                continue
            step = play(self, url, verb)
            if step is not _GO_ON:
                return step
        return None

    def _say(self, url: str, verb: ET.Element):
        self.transcript.add("say", (verb.text or "").strip(), self.out)
        return _GO_ON

    def _pause(self, url: str, verb: ET.Element):
        return _GO_ON

    def _gather(self, url: str, verb: ET.Element):
        for child in verb:
            if child.tag == "Say":
                self.transcript.add("say", (child.text or "").strip(), self.out)
        given = self.answer("gather").strip()
        self.transcript.add("caller", given or "-", self.out)
        if given.lower() == "hangup":
            return None
        if not given or given == "-":
            return _GO_ON  # No input: Twilio goes on with the next verb.
        form = self._base()
        spoken = SPOKEN.match(given)
        if spoken:
            form.update(SpeechResult=spoken.group(2), Confidence=spoken.group(1) or "0.92")
        else:
            form.update(Digits=_keyed(given, verb))
        return self._resolve(url, verb.get("action") or url), form

    def _redirect(self, url: str, verb: ET.Element):
        return self._resolve(url, (verb.text or "").strip()), self._base()

    def _dial(self, url: str, verb: ET.Element):
        number = next((c.text or "" for c in verb if c.tag == "Number"), verb.text or "")
        self.transcript.add("dial", number.strip(), self.out)
        outcome = self.answer("dial").strip() or "answer"
        self.transcript.add("agent", outcome, self.out)
        word, _, keys = outcome.partition(" ")
        status = outcome
        if word in ("answer", "voicemail"):
            keys = keys.strip() or ("1" if word == "answer" else "")
            screen = next((c.get("url") for c in verb if c.tag == "Number" and c.get("url")), None)
            status = self._agent_leg(self._resolve(url, screen), keys) if screen else "completed"
        if verb.get("action"):
            return self._resolve(url, verb.get("action")), self._base(DialCallStatus=status)
        return _GO_ON

    def _record(self, url: str, verb: ET.Element):
        self.transcript.add("record", "recording a message", self.out)
        given = self.answer("record").strip().lower()
        if given == "hangup":
            return None
        word, _, key = given.partition(" ")
        if word in ("*", "#"):  # a key at once: nothing recorded
            word, key = "", word
        if key and key not in (verb.get("finishOnKey") or "1234567890*#"):
            raise SimulationError(f"{key} does not end this <Record> (finishOnKey {verb.get('finishOnKey')!r})")
        if not (word == "record" or key):
            return _GO_ON  # Nothing said: Twilio goes on with the next verb.
        # Twilio's action request: the recording, and the key that ended it (if any).
        form = self._base(RecordingUrl=f"https://api.twilio.com/recordings/RE{uuid.uuid4().hex}",
                          RecordingDuration="7" if word == "record" else "0", **({"Digits": key} if key else {}))
        return self._resolve(url, verb.get("action") or url), form

    def _hangup(self, url: str, verb: ET.Element):
        self.transcript.add("hangup", "", self.out)
        return None

    _VERBS = {"Say": _say, "Pause": _pause, "Gather": _gather, "Redirect": _redirect, "Dial": _dial,
              "Record": _record, "Hangup": _hangup}

    def _agent_leg(self, url: str, keys: str) -> str:
        """The agent's leg: the <Number url> document until it connects (its end) or hangs up;
        ``keys`` is what the agent presses at its first <Gather> (empty: nothing, as a
        voicemail). Returns the DialCallStatus the caller's leg gets."""
        # The agent's leg is a call of its own, a child of the caller's (Twilio's ParentCallSid).
        leg = {"CallSid": "CA" + uuid.uuid4().hex, "ParentCallSid": self.sid, "Direction": "outbound-dial"}
        form = self._base(**leg)
        for _ in range(20):
            nxt = None
            for verb in self._fetch(url, form):
                if verb.tag == "Say":
                    self.transcript.add("whisper", (verb.text or "").strip(), self.out)
                elif verb.tag == "Gather":
                    for child in verb.iter("Say"):
                        self.transcript.add("whisper", (child.text or "").strip(), self.out)
                    if keys:
                        pressed = keys[: int(verb.get("numDigits"))] if verb.get("numDigits") else keys
                        keys = ""
                        self.transcript.add("agent", f"pressed {pressed}", self.out)
                        nxt = (self._resolve(url, verb.get("action") or url), self._base(**leg, Digits=pressed))
                        break
                elif verb.tag == "Redirect":
                    nxt = (self._resolve(url, (verb.text or "").strip()), self._base(**leg))
                    break
                elif verb.tag == "Hangup":
                    self.transcript.add("agent", "hung up before connecting", self.out)
                    return "no-answer"
                elif verb.tag == "Dial":
                    raise SimulationError("a <Number url> document may not <Dial>")
            if nxt is None:
                return "completed"  # the document ended: the two legs are connected
            url, form = nxt
        raise SimulationError("the agent's leg loops")

    @staticmethod
    def _resolve(current: str, target: str) -> str:
        return urllib.parse.urljoin(current, target)


def scripted(lines: list[str]) -> Callable[[str], str]:
    it: Iterator[str] = iter(lines)

    def answer(_what: str) -> str:
        try:
            return next(it)
        except StopIteration as exc:
            raise SimulationError("the script ran out of answers") from exc
    return answer


def _first(given: list[str], then: Callable[[str], str]) -> Callable[[str], str]:
    """These answers first, then the others."""
    queue = list(given)

    def answer(what: str) -> str:
        return queue.pop(0) if queue and what == "gather" else then(what)
    return answer


@click.command("call", help="Walk a call from the terminal, as Twilio would.")
@click.option("--from", "caller", required=True, help="The caller ID (E.164).")
@click.option("--to", default="+15550109000", show_default=True, help="The support number called.")
@click.option("--url", default=None, help="A running server; default: in-process.")
@click.option("--script", type=click.File("r"), default=None, help="Answers, one a line.")
@click.option("--handoff", is_flag=True, help="Start as an agent's hand-off (/voice/handoff).")
@click.option("--line", default=None, help="With --handoff: the line (login id or number).")
@click.option("--lang", type=click.Choice(languages.CODES), default=languages.DEFAULT_CODE, show_default=True,
              help="es: press 9 at the greeting for Spanish (a hand-off starts in Spanish).")
@click.option("--no-status-callback", "no_status", is_flag=True,
              help="Don't send Twilio's call status callback (/voice/status) when the call ends.")
@with_appcontext
def simulate_call(caller: str, to: str, url: str | None, script, handoff: bool, line: str | None,
                  lang: str, no_status: bool) -> None:
    logging.getLogger().setLevel(logging.WARNING)  # the chat, not the server's log lines
    transport = transport_for(url)
    if script is not None:
        answer = scripted([ln.rstrip("\n") for ln in script if ln.strip()])
    else:
        prompts = {"gather": "keys, 'say …', - for silence, hangup",
                   "dial": "answer/answer 5/voicemail/busy/no-answer/failed",
                   "record": "record, record *, *, - or hangup"}

        def answer(what: str) -> str:
            try:
                return input(f"  your answer ({prompts[what]}): ")
            except EOFError:
                return "-"
    if lang != languages.DEFAULT_CODE and not handoff:
        answer = _first(["9"], answer)  # "Para español, oprima 9"
    sim = CallSimulator(transport, caller, to, answer, out=sys.stdout,
                        status_callback=None if no_status else "/voice/status")
    extra = {"line": line} if handoff and line else None
    path = "/voice/handoff" if handoff else "/voice"
    try:
        sim.run(path + (f"?lang={lang}" if handoff and lang != languages.DEFAULT_CODE else ""), extra)
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from exc
