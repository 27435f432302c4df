"""The webhook foundation: signatures, TwiML on every answer, health."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from core.models import AuditEvent
from tests.conftest import sign

SMS = {"From": "+15557770001", "To": "+15550109000", "Body": "HELP", "MessageSid": "SM" + "1" * 32,
       "AccountSid": "AC" + "0" * 32}
CALL = {"From": "+15557770001", "To": "+15550109000", "CallSid": "CA" + "1" * 32,
        "AccountSid": "AC" + "0" * 32, "CallStatus": "ringing", "Direction": "inbound"}


def parse(resp):
    assert resp.status_code == 200, resp.data
    assert resp.mimetype == "text/xml"
    root = ET.fromstring(resp.data)
    assert root.tag == "Response"
    return root


def audit_count(deps):
    with deps.db() as s:
        return s.execute(select(func.count()).select_from(AuditEvent)).scalar()


@pytest.mark.parametrize("path, data", [("/sms", SMS), ("/voice", CALL)])
def test_a_signed_request_gets_twiml(twilio, path, data):
    parse(twilio.post(path, data))


@pytest.mark.parametrize("path, data", [("/sms", SMS), ("/voice", CALL), ("/voice/handoff", CALL)])
def test_a_missing_signature_gets_403_and_changes_nothing(client, deps, demo, path, data):
    before = audit_count(deps)
    resp = client.post(path, data=data)
    assert resp.status_code == 403
    assert audit_count(deps) == before


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda d: d.update(Body="CANCEL LINE"), id="body changed"),
    pytest.param(lambda d: d.update(From="+15557770002"), id="sender changed"),
    pytest.param(lambda d: d.update(Extra="1"), id="field added"),
])
def test_a_tampered_request_gets_403(client, tamper):
    data = dict(SMS)
    signature = sign("http://localhost/sms", data)
    tamper(data)
    resp = client.post("/sms", data=data, headers={"X-Twilio-Signature": signature})
    assert resp.status_code == 403


def test_a_signature_made_with_another_token_gets_403(client):
    resp = client.post("/sms", data=SMS, headers={"X-Twilio-Signature": sign("http://localhost/sms", SMS, "other")})
    assert resp.status_code == 403


def test_behind_a_proxy_the_public_https_url_is_what_counts(make_app):
    client = make_app(proxy_hops=1).test_client()  # one declared proxy (PROXY_HOPS)
    url = "https://support.example.com/sms"
    headers = {"X-Twilio-Signature": sign(url, SMS), "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "support.example.com"}
    parse(client.post("/sms", data=SMS, headers=headers))
    # The same signature over plain http is not Twilio's.
    assert client.post("/sms", data=SMS, headers={"X-Twilio-Signature": sign(url, SMS)}).status_code == 403


def test_public_base_url_rebuilds_the_signed_url(make_app, settings, clock):
    app = make_app(public_base_url="https://bot.example.com/hooks")
    client = app.test_client()
    url = "https://bot.example.com/hooks/sms?x=1"
    resp = client.post("/sms?x=1", data=SMS, headers={"X-Twilio-Signature": sign(url, SMS)})
    parse(resp)


def test_repeated_parameters_are_signed_as_twilio_does(twilio):
    data = {**SMS, "MediaUrl0": "https://x/1"}
    parse(twilio.post("/sms", data))


@pytest.mark.parametrize("path, data, target, verb", [
    ("/sms", SMS, "sms.channel._answer", "Message"),
    ("/voice", CALL, "core.conversation.Conversation.start", "Dial"),
])
def test_an_exception_inside_a_route_is_answered_with_twiml(twilio, deps, monkeypatch, path, data, target, verb):
    def boom(*args, **kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(target, boom)
    root = parse(twilio.post(path, data))
    assert root.find(verb) is not None  # voice: the apology and the way to a person (R15)
    assert b"Traceback" not in ET.tostring(root) and b"exploded" not in ET.tostring(root)


def test_a_huge_body_is_refused_413_in_plain_text(twilio):
    resp = twilio.post("/sms", {**SMS, "Body": "x" * 200_000})
    assert resp.status_code == 413 and resp.mimetype == "text/plain"


def test_a_get_on_a_webhook_is_never_an_html_page(client):
    resp = client.get("/sms")
    assert resp.status_code == 405 and resp.mimetype == "text/plain"


def test_health_and_readiness(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"] == {"database": "ok", "redis": "ok"}


def test_readiness_fails_when_the_database_cannot_be_reached(make_app, settings, clock):
    app = make_app(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503 and resp.json["checks"]["database"].startswith("error")


def test_a_url_signed_with_its_port_is_accepted(make_app):
    client = make_app(proxy_hops=1).test_client()
    """Twilio may sign https://host:443/… or https://host/…; both are the same URL."""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "support.example.com"}
    for url in ("https://support.example.com:443/sms", "https://support.example.com/sms"):
        parse(client.post("/sms", data=SMS, headers={**headers, "X-Twilio-Signature": sign(url, SMS)}))


def test_a_non_default_port_is_accepted_with_or_without_it_but_not_another_host(make_app):
    client = make_app(proxy_hops=1).test_client()
    # twilio's RequestValidator checks the URL with and without its port, as Twilio signs either.
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "support.example.com:8443"}
    for url in ("https://support.example.com:8443/sms", "https://support.example.com/sms"):
        parse(client.post("/sms", data=SMS, headers={**headers, "X-Twilio-Signature": sign(url, SMS)}))
    wrong = sign("https://evil.example.com:8443/sms", SMS)
    assert client.post("/sms", data=SMS, headers={**headers, "X-Twilio-Signature": wrong}).status_code == 403


def test_a_query_string_is_part_of_the_signed_url(client):
    assert client.post("/sms?a=1", data=SMS, headers={"X-Twilio-Signature": sign("http://localhost/sms", SMS)}
                       ).status_code == 403
    parse(client.post("/sms?a=1", data=SMS, headers={"X-Twilio-Signature": sign("http://localhost/sms?a=1", SMS)}))


def test_a_repeated_parameter_is_signed_with_every_value(client):
    from werkzeug.datastructures import MultiDict

    form = MultiDict([*SMS.items(), ("MediaUrl0", "https://x/1"), ("MediaUrl0", "https://x/2")])
    signature = sign("http://localhost/sms", form)
    parse(client.post("/sms", data=form, headers={"X-Twilio-Signature": signature}))
    only_one = MultiDict([*SMS.items(), ("MediaUrl0", "https://x/1")])
    assert client.post("/sms", data=form, headers={"X-Twilio-Signature": sign("http://localhost/sms", only_one)}
                       ).status_code == 403


def test_a_replayed_signed_request_changes_nothing_twice(twilio, deps, demo):
    """A replay carries a valid signature; the MessageSid makes it a repeat (R13)."""
    from tests.helpers import count

    first = twilio.post("/sms", {**SMS, "Body": "STOP"})
    again = twilio.post("/sms", {**SMS, "Body": "STOP"})
    assert first.data == again.data
    assert count(deps, AuditEvent, AuditEvent.action == "text_opt_out") == 1


@pytest.mark.parametrize("path, data", [("/sms", SMS), ("/voice", CALL)])
def test_a_webhook_opens_no_console_session_and_sets_no_cookie(app, client, twilio, demo, path, data):
    """Issue 26: the session is the console's (its cookie's path); a webhook gets an empty one
    and writes nothing, even when a client sends the console's cookie along."""
    from console.auth import COOKIE

    client.set_cookie(COOKIE, "not-a-session-of-ours", domain="localhost", path="/")
    resp = twilio.post(path, dict(data, **({"MessageSid": "SM" + "7" * 32} if path == "/sms" else
                                           {"CallSid": "CA" + "7" * 32})))
    parse(resp)
    assert "Set-Cookie" not in resp.headers and "Cookie" not in resp.headers.get("Vary", "")
    assert app.session_interface.open_session(app, _request(app, path)) == {}


def _request(app, path):
    from flask import Request

    return Request.from_values(path=path, method="POST", headers={"Cookie": "x=y"})
