"""TwiML written directly (web/twiml.py) is byte for byte what twilio's library builds, for every
voice prompt and every SMS reply in every language, inside every shape ivr/render.py answers
with, and for text that needs escaping; and the webhooks answer with it."""

from __future__ import annotations

import pytest
from flask import Flask
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from core import languages
from core.policy import FIXES
from core.reply import Prompt
from core.voice_settings import Speech
from ivr import render
from ivr.prompts import PROMPTS
from sms.replies import REPLIES
from sms.replies import render as sms_render
from tests.ivr.test_prompt_lengths import LONG
from tests.sms.test_replies_fit import LONGEST
from web.twiml import messages, to_xml

HOSTILE = ["a & b < c > d", 'quote " and \' apostrophe', "tab\tnew\nline\rreturn", "ñandú ¿qué? ¡sí! 📞",
           "]]> <![CDATA[ &amp; &#10;", ""]


def _app() -> Flask:
    # url_for of any endpoint ivr/render.py names: a bare app that builds "/<endpoint>?…".
    app = Flask(__name__)
    app.url_build_error_handlers.append(
        lambda _error, endpoint, values: f"/{endpoint}?" + "&".join(f"{k}={v}" for k, v in sorted(values.items())))
    return app


def voice_cases():
    for lang in languages.CODES:
        for key in PROMPTS:
            for fix in (FIXES.values() if "fix" in key else [None]):
                yield pytest.param(lang, key, fix, id=f"{lang}-{key}" + (f"-{fix}" if fix else ""))


@pytest.mark.parametrize("lang, key, fix", list(voice_cases()))
def test_every_voice_prompt_in_every_language_is_written_as_twilio_writes_it(lang, key, fix):
    values = {**LONG, **({"fix": fix} if fix else {})}
    sp = render.Speaker("Second Line", lang, Speech())
    with _app().test_request_context("/voice"):
        shapes = [render.step(sp, "confirm", [Prompt(key, values)]),
                  render.step(sp, "pin", [Prompt(key, values)], greeting="greeting"),
                  render.menu(sp, None, [Prompt(key, values)], offer_spanish=True, miss=1),
                  render.say_all(VoiceResponse(), sp, [Prompt(key, values), Prompt("agent")])]
        shapes.append(render.transfer(render.say_all(VoiceResponse(), sp, [Prompt(key, values)]), sp, 7,
                                      dial_to="+15550100999"))
        shapes.append(render.voicemail(VoiceResponse(), sp, 7, "closed"))
    for r in shapes:
        assert to_xml(r) == r.to_xml()


@pytest.mark.parametrize("text", HOSTILE)
def test_text_and_attributes_that_need_escaping_are_escaped_as_elementtree_escapes_them(text):
    r = VoiceResponse()
    g = r.gather(action=f"/voice/input?expect=pin&lang=es&x={text}", hints=text, input="dtmf speech",
                 num_digits=1, timeout=6, speech_model="phone_call", profanity_filter=False, enhanced=True)
    g.say(text, voice="Polly.Joanna", language="en-US")
    g.append(text)  # bare text after a child: its tail
    r.redirect(text)
    r.append(text)
    r.hangup()
    r.pause(length=1)
    assert to_xml(r) == r.to_xml()
    m = MessagingResponse()
    m.message(text)
    m.message("second & <last>")
    assert messages([text, "second & <last>"]) == m.to_xml()


def test_an_empty_sms_reply_is_an_empty_response_as_twilio_writes_it():
    assert messages([]) == MessagingResponse().to_xml()
    assert to_xml(VoiceResponse()) == VoiceResponse().to_xml()


def sms_cases():
    for lang in languages.CODES:
        for key in REPLIES:
            for fix in (FIXES.values() if key in ("offer_fix", "fix_guidance", "fix_steps") else [None]):
                if key in ("fix_guidance", "fix_steps") and fix not in ("voice_network_mode", "device_settings"):
                    continue  # the fixes with steps of their own (as tests/sms/test_replies_fit.py)
                yield pytest.param(lang, key, fix, id=f"{lang}-{key}" + (f"-{fix}" if fix else ""))


@pytest.mark.parametrize("lang, key, fix", list(sms_cases()))
def test_every_sms_reply_in_every_language_is_written_as_twilio_writes_it(lang, key, fix):
    values = {**LONGEST, **({"fix": fix} if fix else {})}
    text = sms_render(key, values, brand="Second Line", lang=lang)
    m = MessagingResponse()
    m.message(text)
    m.message(text)
    assert messages([text, text]) == m.to_xml()
