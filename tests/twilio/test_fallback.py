"""The fallback URLs (issue 15): ``/voice/fallback`` and ``/sms/fallback`` answer, signed, with
the database and Redis down — pointed at a server that accepts connections and never answers,
so that touching either would take seconds — in well under a second: an apology, then a person
or the voicemail for calls, the support number for texts; the failure is logged with Twilio's
ErrorCode, ErrorUrl and the CallSid / MessageSid, never what was said or keyed."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest

from core.models import Escalation, TextOptOut
from tests.conftest import Twilio
from tests.helpers import count, free_port
from tests.twilio.conftest import ACCOUNT_SID, BASE, SUPPORT

CALLER = "+15557770001"
AGENTS = "+15550109999"  # the suite's SUPPORT_NUMBER



@pytest.fixture(params=["silent", "stopped"])
def down(request, make_app):
    """The app with PostgreSQL and Redis both hung (silent) or both gone (nothing listens)."""
    port = request.getfixturevalue("silent") if request.param == "silent" else free_port()
    app = make_app(database_url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/switchboard",
                   redis_url=f"redis://127.0.0.1:{port}/0")
    return Twilio(app.test_client(), base=BASE)


def call_form(**extra) -> dict[str, str]:
    return {"AccountSid": ACCOUNT_SID, "CallSid": "CA" + "f" * 32, "From": CALLER, "To": SUPPORT,
            "CallStatus": "in-progress", "Direction": "inbound", "ApiVersion": "2010-04-01", **extra}


def text_form(body: str, **extra) -> dict[str, str]:
    return {"AccountSid": ACCOUNT_SID, "MessageSid": "SM" + "f" * 32, "SmsSid": "SM" + "f" * 32, "From": CALLER,
            "To": SUPPORT, "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01", **extra}


def answered(twilio, path: str, form: dict) -> tuple[ET.Element, float]:
    started = time.perf_counter()
    resp = twilio.post(path, form)
    took = time.perf_counter() - started
    assert resp.status_code == 200 and resp.content_type.startswith("text/xml"), resp.data
    root = ET.fromstring(resp.data)
    assert root.tag == "Response"
    return root, took


def says(root: ET.Element) -> list[tuple[str, str]]:
    return [(s.get("language"), s.text) for s in root.iter("Say")]


def test_voice_fallback_apologises_and_puts_the_caller_through_with_nothing_up(down, caplog):
    root, took = answered(down, "/voice/fallback", call_form(ErrorCode="11200", ErrorUrl=f"{BASE}/voice/menu"))
    assert took < 1.0, took
    assert says(root)[0] == ("en-US", "Sorry, our system is having trouble right now.")
    dial = root.find("Dial")
    assert dial is not None and dial.find("Number").text == AGENTS
    assert dial.get("action") == "/voice/fallback/dial?lang=en"
    logged = [r.msg for r in caplog.records if r.name == "switchboard.fallback"]
    assert logged and logged[0]["error_code"] == "11200" and logged[0]["error_url"] == f"{BASE}/voice/menu"
    assert logged[0]["call_sid"] == "CA" + "f" * 32 and logged[0]["channel"] == "voice"


def test_voice_fallback_speaks_the_calls_language_or_both_when_it_cant_tell(down):
    spanish, _ = answered(down, "/voice/fallback",
                          call_form(ErrorCode="11205", ErrorUrl=f"{BASE}/voice/input?expect=pin&lang=es"))
    assert [lang for lang, _ in says(spanish)] == ["es-US", "es-US"]
    assert says(spanish)[0][1] == "Lo sentimos, nuestro sistema tiene problemas en este momento."
    assert spanish.find("Dial").get("action") == "/voice/fallback/dial?lang=es"
    first, _ = answered(down, "/voice/fallback", call_form(ErrorCode="11200", ErrorUrl=f"{BASE}/voice"))
    assert [lang for lang, _ in says(first)][:2] == ["en-US", "es-US"]  # the caller had not chosen yet
    assert first.find("Dial").get("action") == "/voice/fallback/dial"


@pytest.mark.parametrize("how", ["silent", "stopped"])
def test_voice_fallback_without_a_person_takes_a_message_and_says_it_was_not_saved_when_it_was_not(
        make_app, request, how):
    port = request.getfixturevalue("silent") if how == "silent" else free_port()
    app = make_app(support_number=None, database_url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/switchboard",
                   redis_url=f"redis://127.0.0.1:{port}/0")
    twilio = Twilio(app.test_client(), base=BASE)
    root, took = answered(twilio, "/voice/fallback", call_form(ErrorCode="11200", ErrorUrl=f"{BASE}/voice/menu"))
    assert took < 1.0 and root.find("Dial") is None
    record = root.find("Record")
    assert record is not None and record.get("action") == "/voice/fallback/voicemail?lang=en"
    assert "Please leave a message after the tone" in " ".join(t for _, t in says(root))
    left, took = answered(twilio, record.get("action"), call_form(
        RecordingUrl="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE" + "1" * 32,
        RecordingSid="RE" + "1" * 32, RecordingDuration="12"))
    said = " ".join(t for _, t in says(left))
    assert "couldn't keep your message" in said and "saved" not in said
    # Saving needs the database: a hung one costs its connect timeouts, well inside Twilio's 15 s.
    assert took < 10.0, took


def test_voice_fallback_voicemail_is_kept_for_the_console_when_the_database_answers(make_app, deps, twilio):
    app = make_app(support_number=None)
    twilio = Twilio(app.test_client(), base=BASE)
    root, _ = answered(twilio, "/voice/fallback", call_form(ErrorCode="11200", ErrorUrl=f"{BASE}/voice/menu?lang=es"))
    left, _ = answered(twilio, root.find("Record").get("action"), call_form(
        RecordingUrl="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE" + "2" * 32,
        RecordingSid="RE" + "2" * 32, RecordingDuration="9"))
    assert says(left) == [("es-US", "Gracias. Guardamos tu mensaje y una persona te devolverá la llamada. Adiós.")]
    with deps.db() as s:
        [esc] = s.query(Escalation).all()
    assert (esc.reason, esc.outcome, esc.caller, esc.request_id) == ("voicemail", "voicemail", CALLER, "CA" + "f" * 32)
    assert esc.recording_url.endswith("RE" + "2" * 32) and esc.context["bot_unavailable"] is True


def test_voice_fallback_sends_an_unanswered_transfer_to_the_voicemail(down):
    root, took = answered(down, "/voice/fallback/dial?lang=en", call_form(DialCallStatus="no-answer"))
    assert took < 1.0
    assert [t for _, t in says(root)][:2] == ["Sorry, no one could take your call.",
                                             "Please leave a message after the tone. Press pound when you're done."]
    assert root.find("Record") is not None
    done, _ = answered(down, "/voice/fallback/dial?lang=en", call_form(DialCallStatus="completed"))
    assert done.find("Hangup") is not None and done.find("Record") is None


def test_the_agent_hears_that_the_bot_was_unavailable(down):
    root, _ = answered(down, "/voice/fallback/whisper", call_form())
    assert "The bot was unavailable" in says(root)[0][1]


def test_voice_fallback_after_hours_takes_a_message(make_app, clock):
    clock.now = clock.now.replace(hour=3)  # 03:00 UTC: closed
    app = make_app(support_hours="mon-fri 09:00-17:00 UTC", redis_url=f"redis://127.0.0.1:{free_port()}/0")
    root, _ = answered(Twilio(app.test_client(), base=BASE), "/voice/fallback",
                       call_form(ErrorCode="11200", ErrorUrl=f"{BASE}/voice/menu"))
    assert root.find("Dial") is None and root.find("Record") is not None


@pytest.mark.parametrize("body, lang", [("PLANS", "en"), ("quiero cancelar mi línea", "es")])
def test_sms_fallback_apologises_with_the_support_number_in_the_senders_language(down, body, lang, caplog):
    root, took = answered(down, "/sms/fallback", text_form(body, ErrorCode="11200", ErrorUrl=f"{BASE}/sms"))
    assert took < 1.0, took
    [message] = [m.text for m in root.iter("Message")]
    expected = {"en": "Sorry, Second Line can't answer texts right now. Please try again later or call "
                      "(555) 010-9999.",
                "es": "Lo sentimos, Second Line no puede responder mensajes ahora. Vuelve a intentarlo luego o "
                      "llama al (555) 010-9999."}[lang]
    assert message == expected
    logged = [r.msg for r in caplog.records if r.name == "switchboard.fallback"]
    assert logged[0]["message_sid"] == "SM" + "f" * 32 and logged[0]["error_code"] == "11200"
    assert body not in str(logged)  # never the message's words


def test_sms_fallback_answers_in_both_languages_when_the_words_dont_tell(down):
    root, _ = answered(down, "/sms/fallback", text_form("1234", ErrorCode="11200"))
    [message] = [m.text for m in root.iter("Message")]
    assert message.startswith("Sorry, Second Line") and "\nLo sentimos, Second Line" in message


def test_sms_fallback_never_apologises_to_a_consent_word(down):
    for word in ("STOP", "alto", "START", "HELP"):
        root, took = answered(down, "/sms/fallback", text_form(word, ErrorCode="11200"))
        assert list(root) == [] and took < 1.0, took


def test_sms_fallback_records_an_opt_out_when_the_database_answers_R16(make_app, deps):
    app = make_app(redis_url=f"redis://127.0.0.1:{free_port()}/0")  # Redis down, the database up
    root, _ = answered(Twilio(app.test_client(), base=BASE), "/sms/fallback", text_form("stop texting me"))
    assert list(root) == []
    deadline = time.monotonic() + 10  # recorded after the answer went
    while not count(deps, TextOptOut, TextOptOut.number == CALLER) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count(deps, TextOptOut, TextOptOut.number == CALLER) == 1


@pytest.mark.parametrize("path", ["/voice/fallback", "/sms/fallback", "/voice/fallback/voicemail"])
def test_the_fallbacks_refuse_an_unsigned_request(down, path):
    assert down.post(path, call_form(), signature="nope").status_code == 403
