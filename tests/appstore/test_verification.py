"""Only what Apple's library believes is taken: every failure answers 4xx (or 503 when the feed
can't verify now), stores nothing, changes nothing, and a refusal is audited (R14)."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from sqlalchemy import select

from core.models import AuditEvent, OutboundText
from core.models_appstore import AppStoreNotification
from tests.appstore.apple import APP_APPLE_ID, Apple, AppleCA
from tests.appstore.conftest import ADDON_PRODUCT, ADDON_TX
from tests.helpers import count, plan


def disabled(apple: Apple, **kw) -> str:
    return apple.notification("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", otid=ADDON_TX,
                              product=ADDON_PRODUCT, auto_renew=False, **kw)


def tamper(body: str) -> str:
    """The payload changed after Apple signed it (a renewal turned back on)."""
    header, payload, signature = json.loads(body)["signedPayload"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["subtype"] = "AUTO_RENEW_ENABLED"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return json.dumps({"signedPayload": f"{header}.{forged}.{signature}"})


def other_ca() -> AppleCA:
    return AppleCA()  # well formed, Apple's markers and all, but nobody trusts its root


REFUSED = [
    pytest.param(lambda a: tamper(disabled(a)), 403, "bad_signature", id="a tampered payload"),
    pytest.param(lambda a: disabled(Apple(a.ca, bundle_id="com.example.other", signed=a.signed)), 403, "wrong_app",
                 id="a wrong bundle id"),
    pytest.param(lambda a: disabled(Apple(a.ca, environment="Production", signed=a.signed)), 403,
                 "wrong_environment", id="a wrong environment"),
    pytest.param(lambda a: disabled(a, signer=other_ca()), 403, "bad_signature", id="an untrusted root"),
    pytest.param(lambda a: disabled(a, leaf=a.ca.new_leaf(not_before=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
                                                          not_after=dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc))),
                 403, "bad_signature", id="an expired certificate"),
    pytest.param(lambda a: disabled(a, leaf=a.ca.new_leaf(marker=False)), 403, "bad_signature",
                 id="a leaf without Apple's marker extension"),
    pytest.param(lambda a: disabled(a, x5c=False), 403, "bad_signature", id="a missing x5c"),
    pytest.param(lambda a: disabled(a, x5c=a.ca.chain[:2]), 403, "bad_chain", id="an x5c of two certificates"),
    pytest.param(lambda a: disabled(a, x5c=["bm90IGEgY2VydA==", *a.ca.chain[1:]]), 403, "bad_certificate",
                 id="an x5c that is not a certificate"),
    pytest.param(lambda a: disabled(a, alg="HS256"), 403, "bad_signature", id="a shared-secret signature"),
    pytest.param(lambda a: disabled(a, nested_signer=other_ca(), signer=a.ca), 403, "bad_signature",
                 id="a nested transaction signed by someone else"),
    pytest.param(lambda a: disabled(a, transaction={"bundleId": "com.example.other"}), 403, "wrong_app",
                 id="a nested transaction of another app"),
    pytest.param(lambda a: disabled(a, transaction={"environment": "Production"}), 403, "wrong_environment",
                 id="a nested transaction of another environment"),
    pytest.param(lambda a: disabled(a, renewal={"environment": "Production"}), 403, "wrong_environment",
                 id="nested renewal info of another environment"),
    pytest.param(lambda a: disabled(a, renewal={"originalTransactionId": "2000000000000999"}), 403, "inconsistent",
                 id="nested transaction and renewal info about two subscriptions"),
    pytest.param(lambda a: disabled(a, uuid="x" * 65), 400, "malformed", id="an overlong notificationUUID"),
    pytest.param(lambda a: "not json", 400, "malformed", id="not JSON"),
    pytest.param(lambda a: json.dumps({"signed": "x"}), 400, "malformed", id="no signedPayload"),
    pytest.param(lambda a: json.dumps({"signedPayload": 12}), 400, "malformed", id="a signedPayload that is not text"),
    pytest.param(lambda a: json.dumps({"signedPayload": "a.b.c"}), 403, "bad_signature", id="not a JWS"),
]


def unchanged(deps):
    assert count(deps, AppStoreNotification) == 0
    addon = plan(deps, "alexk", "Call Recording")
    assert (addon.auto_renew, addon.ended, addon.term_end) == (True, False, dt.date(2026, 12, 3))
    assert count(deps, OutboundText) == 0


@pytest.mark.parametrize("make, code, reason", REFUSED)
def test_a_notification_apple_did_not_sign_as_configured_is_refused_and_audited(feed, apple, store_demo, deps,
                                                                                make, code, reason):
    resp = feed.post(make(apple))
    assert resp.status_code == code and resp.get_json() == {"error": reason}
    feed.work()
    unchanged(deps)
    with deps.db() as s:
        [event] = s.execute(select(AuditEvent).where(AuditEvent.action == "appstore_notification")).scalars().all()
    assert (event.actor, event.channel, event.outcome, event.details) == ("app_store", "app_store", "refused",
                                                                          {"reason": reason})
    assert event.line_id is None


def test_a_refused_delivery_never_uses_up_its_id(feed, apple, store_demo, deps):
    good = disabled(apple, uuid="11111111-2222-3333-4444-555555555555")
    assert feed.post(tamper(good)).status_code == 403
    assert feed.post(good).status_code == 200
    feed.work()
    assert plan(deps, "alexk", "Call Recording").auto_renew is False


def test_a_huge_body_is_refused_before_anything_reads_it(feed, apple, store_demo, deps):
    body = json.dumps({"signedPayload": "a" * 100_000})
    resp = feed.post(body)
    assert resp.status_code == 413
    unchanged(deps)


def test_production_needs_the_app_apple_id_and_checks_it(make_app, apple, settings, deps, store_demo):
    production = Apple(apple.ca, environment="Production", signed=apple.signed)
    without_id = make_app(appstore_environment="Production").test_client()
    assert without_id.post("/appstore/notifications", data=disabled(production)).status_code == 503
    with_id = make_app(appstore_environment="Production", appstore_app_apple_id=APP_APPLE_ID + 1).test_client()
    resp = with_id.post("/appstore/notifications", data=disabled(production))
    assert resp.status_code == 403 and resp.get_json() == {"error": "wrong_app"}
    right = make_app(appstore_environment="Production", appstore_app_apple_id=APP_APPLE_ID).test_client()
    assert right.post("/appstore/notifications", data=disabled(production)).status_code == 200
    assert count(deps, AppStoreNotification) == 1


@pytest.mark.parametrize("environment", ["LocalTesting", "Xcode"])
def test_environments_where_the_library_skips_the_signature_are_refused(make_app, apple, deps, store_demo, environment):
    # In these environments Apple's library decodes without checking any signature: a forged
    # notification, no x5c at all, would pass. Switchboard never runs them.
    forged = Apple(apple.ca, environment=environment, signed=apple.signed)
    client = make_app(appstore_environment=environment).test_client()
    resp = client.post("/appstore/notifications", data=disabled(forged, x5c=False, alg="HS256"))
    assert resp.status_code == 503
    unchanged(deps)


@pytest.mark.parametrize("overrides", [
    pytest.param({"appstore_root_certs": ()}, id="no roots"),
    pytest.param({"appstore_root_certs": ("/nonexistent/root.der",)}, id="an unreadable root"),
    pytest.param({"appstore_environment": None}, id="no environment"),
    pytest.param({"appstore_bundle_id": None}, id="no bundle id"),
])
def test_a_feed_not_configured_answers_503_so_apple_retries(make_app, apple, deps, store_demo, overrides):
    client = make_app(**overrides).test_client()
    assert client.post("/appstore/notifications", data=disabled(apple)).status_code == 503
    unchanged(deps)


def test_the_endpoint_is_not_behind_twilios_signature(feed, apple, store_demo):
    resp = feed.post(disabled(apple), headers={"X-Twilio-Signature": "bogus"})
    assert resp.status_code == 200


# Online revocation checks (OCSP, at the address each certificate names) -------------------
@pytest.fixture
def online(make_app, ocsp, tmp_path):
    """A fresh authority (nothing cached) whose certificates name the test OCSP responder."""
    authority = AppleCA(ocsp.url)
    ocsp.cas.append(authority)
    root = authority.write_root(tmp_path)
    app = make_app(appstore_root_certs=(root,), appstore_online_checks=True)
    yield Apple(authority), app.test_client()
    ocsp.cas.remove(authority)
    ocsp.down, ocsp.slow = False, 0.0


def test_online_checks_ask_the_responder_the_certificates_name(online, ocsp, deps, store_demo):
    apple, client = online
    before = ocsp.requests
    assert client.post("/appstore/notifications", data=disabled(apple)).status_code == 200
    assert ocsp.requests - before == 2  # the intermediate and the leaf; the nested JWS hit the cache


def test_a_revoked_certificate_is_refused(online, ocsp, deps, store_demo):
    apple, client = online
    ocsp.revoked.add(apple.ca.leaf.cert.serial_number)
    resp = client.post("/appstore/notifications", data=disabled(apple))
    assert resp.status_code == 403 and resp.get_json() == {"error": "bad_signature"}
    unchanged(deps)


def test_an_unreachable_responder_answers_503_so_apple_retries(online, ocsp, deps, store_demo):
    apple, client = online
    ocsp.down = True
    assert client.post("/appstore/notifications", data=disabled(apple)).status_code == 503
    unchanged(deps)


def test_a_slow_responder_never_holds_the_web_process_past_the_deadline(online, ocsp, deps, store_demo, monkeypatch):
    import time

    from core import appstore_verify

    apple, client = online
    monkeypatch.setattr(appstore_verify, "ONLINE_DEADLINE", 0.3)
    ocsp.slow = 1.0
    started = time.monotonic()
    assert client.post("/appstore/notifications", data=disabled(apple)).status_code == 503
    assert time.monotonic() - started < 1.0
    unchanged(deps)
    ocsp.slow = 0.0
    time.sleep(2.5)  # the check finishes in the background; Apple's retry goes through
    assert client.post("/appstore/notifications", data=disabled(apple)).status_code == 200
