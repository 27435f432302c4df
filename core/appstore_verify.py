"""The adapter to Apple's ``app-store-server-library``: a notification is believed only once
its ``SignedDataVerifier`` has checked it, and its nested transaction and renewal info too.

Failure behaviour, on purpose:
- not configured (no ``APPSTORE_ROOT_CERTS``, an unreadable root, an environment other than
  ``Production``/``Sandbox``, ``Production`` without ``APPSTORE_APP_APPLE_ID``) →
  ``StoreUnavailable``: the endpoint answers 503 and Apple retries later. ``LocalTesting`` and
  ``Xcode`` are refused here always: in those environments the library skips the signature.
- the revocation check (OCSP, at the address each certificate names) can't be done, or takes
  longer than ``ONLINE_DEADLINE`` → ``StoreUnavailable`` too: not Apple's fault, so Apple
  should retry. The library waits up to 30 s per certificate; a web process serving Twilio
  never waits that long (the check goes on in the background and fills the library's cache).
- anything else that fails (signature, chain, expiry, marker extensions, bundle id, app id,
  environment, a nested JWS that disagrees) → ``NotificationRefused`` with a reason code.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from core.settings import Settings

log = logging.getLogger("switchboard.appstore")

ENVIRONMENTS = ("Production", "Sandbox")
UNVERIFIED_ENVIRONMENTS = ("LocalTesting", "Xcode")  # the library skips the signature there
MAX_ID = 64  # notificationUUID, transaction ids: String(64) columns
ONLINE_DEADLINE = 10.0  # seconds a request waits for online checks before answering 503
_online_pool: ThreadPoolExecutor | None = None


class StoreUnavailable(RuntimeError):
    """The feed can't verify anything now (not configured, revocation check unreachable)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotificationRefused(ValueError):
    """Not believed: nothing is stored or changed."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Notice:
    """What a verified notification says, in the core's terms (aware UTC datetimes)."""

    uuid: str
    type: str
    subtype: str | None
    environment: str
    signed_at: dt.datetime  # the notification's signedDate
    order_at: dt.datetime  # the transaction's signedDate (else the renewal info's, else the notification's)
    original_transaction_id: str | None = None
    transaction_id: str | None = None
    product_id: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # JSON-ready: expires, auto_renew, revoked…


def _when(ms: int | None) -> dt.datetime | None:
    if ms is None:
        return None
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)


def _iso(ms: int | None) -> str | None:
    when = _when(ms)
    return when.isoformat() if when else None


def _short(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_ID or not value.isprintable():
        raise NotificationRefused("malformed", f"{what} is not an id")
    return value


class StoreVerifier:
    """One per process and configuration: the library caches a chain it checked online for
    15 minutes, so the nested JWS (same certificates) costs no second OCSP round."""

    def __init__(self, settings: Settings) -> None:
        from appstoreserverlibrary.models.Environment import Environment
        from appstoreserverlibrary.signed_data_verifier import SignedDataVerifier

        env = settings.appstore_environment
        if not settings.appstore_root_certs:
            raise StoreUnavailable("not_configured: APPSTORE_ROOT_CERTS is not set")
        if env in UNVERIFIED_ENVIRONMENTS:
            raise StoreUnavailable(f"not_configured: APPSTORE_ENVIRONMENT={env} skips Apple's signature; "
                                   "use Production or Sandbox")
        if env not in ENVIRONMENTS:
            raise StoreUnavailable(f"not_configured: APPSTORE_ENVIRONMENT must be Production or Sandbox, not {env!r}")
        if not settings.appstore_bundle_id:
            raise StoreUnavailable("not_configured: APPSTORE_BUNDLE_ID is not set")
        if env == "Production" and settings.appstore_app_apple_id is None:
            raise StoreUnavailable("not_configured: APPSTORE_APP_APPLE_ID is required for Production")
        roots = []
        for path in settings.appstore_root_certs:
            try:
                with open(path, "rb") as f:
                    roots.append(f.read())
            except OSError as exc:
                raise StoreUnavailable(f"not_configured: can't read the root certificate {path}: "
                                       f"{exc.strerror}") from None
        self.environment = env
        self.app_apple_id = settings.appstore_app_apple_id
        self.online_checks = settings.appstore_online_checks
        self._verifier = SignedDataVerifier(roots, settings.appstore_online_checks, Environment(env),
                                            settings.appstore_bundle_id, settings.appstore_app_apple_id)

    def verify(self, signed_payload: str) -> Notice:
        """``check``, bounded by ``ONLINE_DEADLINE`` when it may go online (OCSP)."""
        if not self.online_checks:
            return self.check(signed_payload)
        global _online_pool
        with _lock:
            if _online_pool is None:
                _online_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="appstore-ocsp")
        future = _online_pool.submit(self.check, signed_payload)
        try:
            return future.result(timeout=ONLINE_DEADLINE)
        except FutureTimeout:
            raise StoreUnavailable("revocation_check_slow") from None

    def check(self, signed_payload: str) -> Notice:
        """The notification and its nested signed transaction and renewal info, each verified
        (chain to a trusted root, ES256 signature, Apple's marker extensions, and, online,
        revocation), with bundle id, app id and environment checked. Raises
        ``NotificationRefused`` or ``StoreUnavailable``."""
        payload = self._checked(self._verifier.verify_and_decode_notification, signed_payload)
        bundle = payload.data  # None for a summary (renewal-date extension) and the like: nothing nested
        if self.app_apple_id is not None:
            # The library checks appAppleId in Production only: in Sandbox too, when configured.
            about = bundle or payload.summary or payload.externalPurchaseToken
            if getattr(about, "appAppleId", None) != self.app_apple_id:
                raise NotificationRefused("wrong_app", "appAppleId")
        transaction = renewal = None
        if bundle is not None and bundle.signedTransactionInfo:
            transaction = self._checked(self._verifier.verify_and_decode_signed_transaction,
                                        bundle.signedTransactionInfo)
        if bundle is not None and bundle.signedRenewalInfo:
            renewal = self._checked(self._verifier.verify_and_decode_renewal_info, bundle.signedRenewalInfo)
        return self._notice(payload, transaction, renewal)

    @staticmethod
    def _checked(verify, signed: str):
        from appstoreserverlibrary.signed_data_verifier import VerificationException, VerificationStatus

        try:
            return verify(signed)
        except VerificationException as exc:
            if exc.status == VerificationStatus.RETRYABLE_VERIFICATION_FAILURE:
                raise StoreUnavailable("revocation_check_unavailable") from exc
            raise NotificationRefused(_REASONS.get(exc.status.name, "bad_signature"), exc.status.name) from exc
        except Exception as exc:  # noqa: BLE001 - a signed object the library's models can't read
            # (cattrs' validation errors are exception groups): believed by nobody.
            raise NotificationRefused("malformed", type(exc).__name__) from exc

    def _notice(self, payload, transaction, renewal) -> Notice:
        uuid = _short(payload.notificationUUID, "notificationUUID")
        kind = payload.rawNotificationType
        if not uuid or not isinstance(kind, str) or not kind or len(kind) > 40:
            raise NotificationRefused("malformed", "no notificationUUID or notificationType")
        subtype = payload.rawSubtype if isinstance(payload.rawSubtype, str) and len(payload.rawSubtype) <= 40 else None
        signed_at = _when(payload.signedDate)
        if signed_at is None:
            raise NotificationRefused("malformed", "no signedDate")
        original = None
        if transaction is not None:
            original = _short(transaction.originalTransactionId, "originalTransactionId")
            if original is None:
                raise NotificationRefused("malformed", "a transaction without originalTransactionId")
        if renewal is not None:
            renewed = _short(renewal.originalTransactionId, "originalTransactionId")
            if original is not None and renewed is not None and renewed != original:
                # Both signed by Apple, but about two subscriptions: believe neither.
                raise NotificationRefused("inconsistent", "transaction and renewal info disagree")
            original = original or renewed
        order_at = (_when(transaction.signedDate) if transaction is not None else None) \
            or (_when(renewal.signedDate) if renewal is not None else None) or signed_at
        auto_renew = None
        if renewal is not None and renewal.rawAutoRenewStatus in (0, 1):
            auto_renew = renewal.rawAutoRenewStatus == 1
        facts = {
            "expires": _iso(transaction.expiresDate) if transaction is not None else None,
            "purchased": _iso(transaction.purchaseDate) if transaction is not None else None,
            "revoked": _iso(transaction.revocationDate) if transaction is not None else None,
            "revocation_reason": transaction.rawRevocationReason if transaction is not None else None,
            "auto_renew": auto_renew,
            "billing_retry": renewal.isInBillingRetryPeriod if renewal is not None else None,
            "grace_until": _iso(renewal.gracePeriodExpiresDate) if renewal is not None else None,
            "expiration_intent": renewal.rawExpirationIntent if renewal is not None else None,
        }
        product = transaction.productId if transaction is not None else (renewal.productId if renewal else None)
        if product is not None and (not isinstance(product, str) or len(product) > 200):
            raise NotificationRefused("malformed", "productId")
        return Notice(
            uuid=uuid, type=kind, subtype=subtype, environment=self.environment, signed_at=signed_at,
            order_at=order_at, original_transaction_id=original,
            transaction_id=_short(transaction.transactionId, "transactionId") if transaction is not None else None,
            product_id=product, facts={k: v for k, v in facts.items() if v is not None},
        )


_REASONS = {
    "VERIFICATION_FAILURE": "bad_signature",
    "INVALID_APP_IDENTIFIER": "wrong_app",
    "INVALID_ENVIRONMENT": "wrong_environment",
    "INVALID_CERTIFICATE": "bad_certificate",
    "INVALID_CHAIN_LENGTH": "bad_chain",
    "INVALID_CHAIN": "bad_chain",
}

_verifiers: dict[tuple, StoreVerifier] = {}
_lock = threading.Lock()


def verifier_for(settings: Settings) -> StoreVerifier:
    """The process's verifier for this configuration (built once: roots read, cache kept).
    Raises ``StoreUnavailable`` while the feed is not configured."""
    key = (settings.appstore_root_certs, settings.appstore_bundle_id, settings.appstore_app_apple_id,
           settings.appstore_environment, settings.appstore_online_checks)
    with _lock:
        verifier = _verifiers.get(key)
        if verifier is None:
            verifier = _verifiers[key] = StoreVerifier(settings)
        return verifier
