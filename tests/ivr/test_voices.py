"""Voices and speech (issue 15): the <Say> voice per language (VOICE_EN, VOICE_ES) and the
recogniser settings (SPEECH_MODEL, SPEECH_TIMEOUT, SPEECH_ENHANCED) come from one place and
reach every <Say> and speech <Gather> of a call; only combinations Twilio documents are
accepted, and anything else is refused at start with one line naming the setting."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from core import voice_settings
from core.settings import Settings, SettingsError

DANA, SAM = "+15557770001", "+15557770003"


def says(t) -> list[ET.Element]:
    return [s for xml in t.transport.answers for s in ET.fromstring(xml).iter("Say")]


def speech_gathers(t) -> list[ET.Element]:
    return [g for xml in t.transport.answers for g in ET.fromstring(xml).iter("Gather")
            if "speech" in (g.get("input") or "")]


def test_by_default_every_say_has_a_neural_voice_of_its_language(call, demo):
    t = call(DANA, ["9", "0", "busy", "-"])
    voices = {(s.get("language"), s.get("voice")) for s in says(t)}
    assert voices == {("en-US", "Polly.Joanna-Neural"), ("es-US", "Polly.Lupe-Neural")}
    assert all(g.get("speechTimeout") == "auto" and g.get("speechModel") is None for g in speech_gathers(t))


def test_a_configured_voice_is_on_every_say_of_a_call_in_its_language(make_app, demo, call):
    speech = voice_settings.build({"en": "Polly.Matthew-Neural", "es": "Google.es-US-Neural2-B"}, None, None)
    app = make_app(speech=speech)
    # English: the menu, the PIN, a confirmation, the receipt, "anything else?", a transfer
    # whose agent takes it, then hangs up; the whisper is the agents' English too.
    t = call(SAM, ["4", "2", "1357#", "1", "0", "answer"], apps=[app])
    assert says(t) and {s.get("voice") for s in says(t) if s.get("language") == "en-US"} == {"Polly.Matthew-Neural"}
    assert {s.get("voice") for s in says(t)[2:]} == {"Polly.Matthew-Neural"}  # after the Spanish offer
    # Spanish: every <Say> of the call in es-US, through a voicemail and the call back's offer.
    t = call(DANA, ["9", "1", "1", "1234#", "2", "1", "0", "busy", "-"], apps=[app])
    spanish = [s for s in says(t) if s.get("language") == "es-US"]
    assert len(spanish) > 10 and {s.get("voice") for s in spanish} == {"Google.es-US-Neural2-B"}
    assert {s.get("voice") for s in says(t) if s.get("language") == "en-US"} == {"Polly.Matthew-Neural"}


def test_speech_settings_reach_every_speech_gather(make_app, demo, call):
    app = make_app(speech=voice_settings.build({}, "phone_call", "3", enhanced=True))
    t = call(SAM, ["say cancel my line", "1357#", "9", "2", "hangup"], apps=[app])
    gathers = speech_gathers(t)
    assert len(gathers) >= 3
    assert all((g.get("speechModel"), g.get("speechTimeout"), g.get("enhanced")) == ("phone_call", "3", "true")
               for g in gathers)


@pytest.mark.parametrize("env, says_what", [
    ({"VOICE_ES": "man"}, "VOICE_ES: man (Twilio's basic voice) is not documented for es-US"),
    ({"VOICE_EN": "Polly.Lupe-Neural"}, "VOICE_EN: Polly.Lupe-Neural is not an Amazon Polly voice for en-US"),
    ({"VOICE_ES": "Google.en-US-Neural2-A"}, "VOICE_ES: Google.en-US-Neural2-A is a Google voice for en-US, not es-US"),
    ({"VOICE_EN": "Joanna"}, "VOICE_EN: 'Joanna' is not a Twilio voice"),
    ({"SPEECH_MODEL": "phone_call"}, "SPEECH_TIMEOUT=auto can't be used with SPEECH_MODEL=phone_call"),
    ({"SPEECH_MODEL": "phone_call", "SPEECH_TIMEOUT": "auto"}, "(Twilio warning 13335)"),
    ({"SPEECH_MODEL": "chirp"}, "SPEECH_MODEL must be one of default, numbers_and_commands, phone_call"),
    ({"SPEECH_TIMEOUT": "0"}, "SPEECH_TIMEOUT must be auto or whole seconds"),
    ({"SPEECH_ENHANCED": "on"}, "SPEECH_ENHANCED=on needs SPEECH_MODEL=phone_call"),
    ({"SPEECH_ENHANCED": "on", "SPEECH_MODEL": "numbers_and_commands", "SPEECH_TIMEOUT": "2"}, "needs SPEECH_MODEL"),
])
def test_an_undocumented_combination_is_refused_at_start_with_a_clear_message(env, says_what):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert str(refused.value).startswith("switchboard: ") and says_what in str(refused.value)


@pytest.mark.parametrize("env", [
    {}, {"VOICE_EN": "woman", "VOICE_ES": "Polly.Pedro-Neural"}, {"VOICE_EN": "default", "VOICE_ES": "default"},
    {"SPEECH_MODEL": "numbers_and_commands", "SPEECH_TIMEOUT": "2"},
    {"SPEECH_MODEL": "phone_call", "SPEECH_TIMEOUT": "3", "SPEECH_ENHANCED": "on", "VOICE_EN": "Polly.Ruth-Generative"},
])
def test_documented_combinations_start(env):
    speech = Settings.from_env(env).speech
    if env.get("VOICE_EN") == "default":  # the account's own default voice: no voice attribute
        assert "voice" not in speech.say("en") and speech.say("es") == {"language": "es-US"}
    else:
        assert speech.say("en")["voice"] == env.get("VOICE_EN", "Polly.Joanna-Neural")
