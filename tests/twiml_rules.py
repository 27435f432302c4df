"""The TwiML Twilio documents: verbs, their attributes and nesting, and the combinations of
voice and language, speechModel and speechTimeout Twilio documents as valid (a <Say> voice for
its language; speechTimeout "auto" never with a speechModel; enhanced only with phone_call).
Every answer is checked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from core.voice_settings import SPEECH_MODELS, voice_problem

ATTRS = {
    "Response": set(),
    "Say": {"voice", "language", "loop"},
    "Play": {"loop", "digits"},
    "Pause": {"length"},
    "Gather": {"action", "method", "input", "timeout", "speechTimeout", "finishOnKey", "numDigits",
               "hints", "language", "actionOnEmptyResult", "speechModel", "enhanced",
               "profanityFilter", "bargeIn", "partialResultCallback", "partialResultCallbackMethod",
               "maxSpeechTime", "debug"},
    "Dial": {"action", "method", "timeout", "callerId", "record", "answerOnBridge", "hangupOnStar",
             "timeLimit", "ringTone", "recordingStatusCallback", "trim"},
    "Number": {"url", "method", "sendDigits", "statusCallback", "statusCallbackEvent",
               "statusCallbackMethod", "byoc"},
    "Record": {"action", "method", "maxLength", "finishOnKey", "playBeep", "timeout", "transcribe",
               "transcribeCallback", "trim", "recordingStatusCallback", "recordingStatusCallbackMethod"},
    "Redirect": {"method"},
    "Hangup": set(),
    "Message": {"to", "from", "action", "method", "statusCallback"},
}
CHILDREN = {
    "Response": {"Say", "Play", "Pause", "Gather", "Dial", "Record", "Redirect", "Hangup", "Message"},
    "Gather": {"Say", "Play", "Pause"},
    "Dial": {"Number"},
}
URL_ATTRS = {"action", "url"}


def check(xml: str | bytes) -> ET.Element:
    """Parse and check; raises AssertionError naming what Twilio would not accept."""
    root = ET.fromstring(xml)
    assert root.tag == "Response", f"root is <{root.tag}>"
    _walk(root)
    return root


def _walk(el: ET.Element) -> None:
    assert el.tag in ATTRS, f"<{el.tag}> is not a TwiML verb we use"
    extra = set(el.attrib) - ATTRS[el.tag]
    assert not extra, f"<{el.tag}> has undocumented attributes {extra}"
    for name in URL_ATTRS & set(el.attrib):
        assert not el.attrib[name].startswith(("http:", "https:")), f"<{el.tag} {name}> is not relative"
    if el.tag == "Redirect":
        assert (el.text or "").startswith("/"), "a <Redirect> names a relative URL"
    for child in el:
        assert child.tag in CHILDREN.get(el.tag, set()), f"<{child.tag}> may not be inside <{el.tag}>"
        _walk(child)
    if el.tag in ("Say", "Message"):
        assert (el.text or "").strip(), f"an empty <{el.tag}>"
    if el.tag == "Say" and el.get("voice"):
        problem = voice_problem(el.get("voice"), el.get("language") or "en-US")
        assert problem is None, f"<Say voice>: {problem}"
    if el.tag == "Gather" and "speech" in (el.get("input") or ""):
        timeout, model = el.get("speechTimeout"), el.get("speechModel")
        assert timeout is None or timeout == "auto" or (timeout.isdigit() and int(timeout) > 0), \
            f"<Gather speechTimeout={timeout!r}>"
        assert model is None or model in SPEECH_MODELS, f"<Gather speechModel={model!r}>"
        assert not (model and timeout == "auto"), "speechTimeout=auto with a speechModel (Twilio warning 13335)"
        assert el.get("enhanced") in (None, "false") or model == "phone_call", "enhanced needs phone_call"
