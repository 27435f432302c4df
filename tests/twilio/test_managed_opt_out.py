"""OPT_OUT_MANAGED_BY=twilio (issue 15): Twilio answers consent words itself (its default
keywords, or Advanced Opt-Out with R16's Spanish ones) and still forwards them; the app answers
an empty <Response/> and mirrors the state, from ``OptOutType`` when present, else from
Twilio's default keywords. What Twilio did not act on, the app answers as always (R16). With
``app`` (the default) nothing changes."""

from __future__ import annotations

import pytest

from core.models import AuditEvent, TextOptOut
from tests.helpers import count, plan

DANA = "+15557770001"


@pytest.fixture
def settings(settings):
    return settings.with_(opt_out_managed_by="twilio")


def opted_out(deps) -> bool:
    return count(deps, TextOptOut, TextOptOut.number == DANA) == 1


@pytest.mark.parametrize("body, opt_out_type", [
    ("STOP", "STOP"),  # Advanced Opt-Out says so
    ("ARRET", "STOP"),  # a word the operator gave Twilio that the app doesn't know
    ("ALTO", "STOP"),  # R16's Spanish, configured in Advanced Opt-Out
    ("stop", None),  # Twilio's default keyword handling on a long code: no OptOutType
    ("UNSUBSCRIBE", None),
])
def test_an_opt_out_twilio_answered_gets_no_second_reply_and_is_mirrored_R16(phone, deps, demo, body, opt_out_type):
    extra = {"OptOutType": opt_out_type} if opt_out_type else {}
    assert phone(DANA).text(body, **extra) == ""
    assert opted_out(deps)
    assert count(deps, AuditEvent, AuditEvent.action == "text_opt_out") == 1


def test_an_opt_in_and_help_twilio_answered_are_mirrored_silently(phone, deps, demo):
    dana = phone(DANA)
    dana.text("STOP", OptOutType="STOP")
    assert dana.text("COMENZAR", OptOutType="START") == "" and not opted_out(deps)
    assert dana.text("AYUDA", OptOutType="HELP") == ""
    assert dana.text("HELP") == ""  # Twilio's default HELP keyword
    assert dana.text("start") == "" and not opted_out(deps)


def test_what_twilio_did_not_act_on_the_app_still_answers_R16(phone, deps, demo):
    dana = phone(DANA)
    reply = dana.text("stop texting me")  # not one of Twilio's words: Twilio did nothing
    assert "won't get more texts" in reply and "did not cancel" in reply
    assert opted_out(deps)
    assert dana.text("START") == "" and not opted_out(deps)  # Twilio's word: Twilio answered it
    assert "STOP PLAN, CANCEL LINE" in phone("+15557770003").text("commands")  # the app's own HELP word


def test_a_yes_that_confirms_is_the_conversations_not_consent_R18(phone, deps, demo):
    dana = phone(DANA)
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")
    assert dana.text("YES", OptOutType="START").startswith("Done")  # Advanced Opt-Out kept YES
    assert plan(deps, "dana", "Text Archive").auto_renew is False


def test_a_yes_from_an_opted_out_number_opts_it_back_in_silently(phone, deps, demo):
    dana = phone(DANA)
    dana.text("STOP")
    assert dana.text("YES") == "" and not opted_out(deps)


def test_a_consent_word_midway_drops_the_request_as_with_the_app_R16(phone, deps, demo):
    dana = phone(DANA)
    dana.text("STOP PLAN Text Archive")
    assert "Cancel Text Archive" in dana.text("1234")
    assert dana.text("CANCEL", OptOutType="STOP") == ""  # a bare CANCEL is an opt-out, never a cancellation
    assert dana.text("START", OptOutType="START") == ""
    dana.text("YES")
    assert plan(deps, "dana", "Text Archive").auto_renew is True


def test_through_the_messaging_service_only_optouttype_tells_what_twilio_did(make_app, deps, demo):
    """Advanced Opt-Out without YES among its opt-in words (README): a YES without OptOutType is
    not Twilio's, even from an opted-out number; a STOP always comes with it."""
    from tests.clients import Phone
    from tests.conftest import Twilio
    from tests.twilio.conftest import BASE

    service = "MG" + "3" * 32
    app = make_app(opt_out_managed_by="twilio", twilio_messaging_service_sid=service)
    dana = Phone(Twilio(app.test_client(), base=BASE), DANA)
    assert dana.text("STOP", OptOutType="STOP", MessagingServiceSid=service) == "" and opted_out(deps)
    assert dana.text("YES", MessagingServiceSid=service) == "" and opted_out(deps)  # R16: still nothing sent
    assert "won't get more texts" in Phone(Twilio(app.test_client(), base=BASE), "+15557770003").text(
        "stop", MessagingServiceSid=service)  # Advanced Opt-Out without "stop"? Then the app answers it


def test_with_the_app_managing_consent_the_app_answers(make_app, deps, demo):
    from tests.clients import Phone
    from tests.conftest import Twilio
    from tests.twilio.conftest import BASE

    app = make_app(opt_out_managed_by="app")
    dana = Phone(Twilio(app.test_client(), base=BASE), DANA)
    assert "won't get more texts" in dana.text("STOP", OptOutType="STOP")
    assert opted_out(deps)
