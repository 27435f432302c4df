"""A stand-in for Apple, as Apple's own library tests its verifier: a certificate authority
made here (root → intermediate → leaf, ES256, Apple's marker extensions on the intermediate
and the leaf), notifications signed as the App Store signs them (JWS, ``x5c`` of three
certificates, the transaction and renewal info nested as JWS of their own), and an OCSP
responder at the address the certificates name."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import threading
import uuid as uuidlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

BUNDLE_ID = "com.example.switchboard"
APP_APPLE_ID = 1234567890
LEAF_MARKER = x509.ObjectIdentifier("1.2.840.113635.100.6.11.1")
INTERMEDIATE_MARKER = x509.ObjectIdentifier("1.2.840.113635.100.6.2.1")
ASN1_NULL = b"\x05\x00"
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
FAR_AHEAD = dt.datetime(2045, 1, 1, tzinfo=dt.timezone.utc)

_serials = itertools.count(1000)


def ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Not Apple")])


@dataclass
class Issued:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def b64(self) -> str:
        return base64.b64encode(self.der).decode()


def _cert(cn: str, key, issuer: Issued | None, *, ca: bool, marker: x509.ObjectIdentifier | None,
          ocsp_url: str | None, not_before=LONG_AGO, not_after=FAR_AHEAD) -> Issued:
    public = key.public_key()
    builder = (x509.CertificateBuilder()
               .subject_name(_name(cn))
               .issuer_name(issuer.cert.subject if issuer else _name(cn))
               .public_key(public)
               .serial_number(next(_serials))
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                                            crl_sign=ca, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False))
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    if marker is not None:
        builder = builder.add_extension(x509.UnrecognizedExtension(marker, ASN1_NULL), critical=False)
    if ocsp_url is not None:
        builder = builder.add_extension(x509.AuthorityInformationAccess([
            x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]),
            critical=False)
    signer = issuer.key if issuer else key
    return Issued(key, builder.sign(signer, hashes.SHA256()))


class AppleCA:
    """Root, intermediate and leaf; ``chain`` is what a signature's x5c carries."""

    def __init__(self, ocsp_url: str | None = None, *, leaf_not_after=FAR_AHEAD, markers: bool = True) -> None:
        self.ocsp_url = ocsp_url
        self.root = _cert("Test Root CA", ec.generate_private_key(ec.SECP256R1()), None, ca=True, marker=None,
                          ocsp_url=None)
        self.intermediate = _cert("Test WWDR CA", ec.generate_private_key(ec.SECP256R1()), self.root, ca=True,
                                  marker=INTERMEDIATE_MARKER if markers else None, ocsp_url=ocsp_url)
        self.leaf = self.new_leaf(not_after=leaf_not_after, marker=markers)

    def new_leaf(self, *, not_before=LONG_AGO, not_after=FAR_AHEAD, marker: bool = True) -> Issued:
        return _cert("Test Store Signing", ec.generate_private_key(ec.SECP256R1()), self.intermediate, ca=False,
                     marker=LEAF_MARKER if marker else None, ocsp_url=self.ocsp_url,
                     not_before=not_before, not_after=not_after)

    @property
    def chain(self) -> list[str]:
        return [self.leaf.b64, self.intermediate.b64, self.root.b64]

    def write_root(self, folder: Path) -> str:
        path = folder / f"root-{self.root.cert.serial_number}.der"
        path.write_bytes(self.root.der)
        return str(path)

    def sign(self, payload: dict[str, Any], *, leaf: Issued | None = None, x5c: list[str] | None | bool = True,
             alg: str = "ES256") -> str:
        leaf = leaf or self.leaf
        headers: dict[str, Any] = {}
        if x5c is True:
            headers["x5c"] = [leaf.b64, self.intermediate.b64, self.root.b64]
        elif x5c:
            headers["x5c"] = x5c
        key = leaf.key if alg == "ES256" else "not-a-key-but-a-shared-secret-of-32-bytes!"
        return jwt.encode(payload, key, algorithm=alg, headers=headers)


@dataclass
class Apple:
    """Builds and signs notifications as the App Store sends them."""

    ca: AppleCA
    bundle_id: str = BUNDLE_ID
    environment: str = "Sandbox"
    app_apple_id: int | None = APP_APPLE_ID
    signed: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.timezone.utc))

    def tick(self, **delta) -> dt.datetime:
        self.signed += dt.timedelta(**delta) if delta else dt.timedelta(seconds=1)
        return self.signed

    def transaction(self, otid: str, product: str, *, expires: dt.datetime | None, signed: dt.datetime,
                    **extra) -> dict[str, Any]:
        return {"transactionId": f"{otid}{next(_serials)}", "originalTransactionId": otid,
                "webOrderLineItemId": "1", "bundleId": extra.pop("bundleId", self.bundle_id), "productId": product,
                "subscriptionGroupIdentifier": "21000001", "purchaseDate": ms(signed - dt.timedelta(days=1)),
                "originalPurchaseDate": ms(LONG_AGO), **({"expiresDate": ms(expires)} if expires else {}),
                "quantity": 1, "type": "Auto-Renewable Subscription", "inAppOwnershipType": "PURCHASED",
                "signedDate": ms(signed), "environment": extra.pop("environment", self.environment),
                "transactionReason": "RENEWAL", "storefront": "USA", "storefrontId": "143441",
                "price": 4990, "currency": "USD", **extra}

    def renewal(self, otid: str, product: str, *, auto_renew: bool, signed: dt.datetime, **extra) -> dict[str, Any]:
        return {"originalTransactionId": otid, "autoRenewProductId": product, "productId": product,
                "autoRenewStatus": 1 if auto_renew else 0, "signedDate": ms(signed),
                "environment": extra.pop("environment", self.environment), "recentSubscriptionStartDate": ms(LONG_AGO),
                **extra}

    def notification(self, kind: str, subtype: str | None = None, *, otid: str | None = None,
                     product: str = "com.example.switchboard.addon", expires: dt.datetime | None = None,
                     auto_renew: bool | None = True, uuid: str | None = None, signed: dt.datetime | None = None,
                     transaction: dict | None = None, renewal: dict | None = None, data: dict | None = None,
                     signer: AppleCA | None = None, nested_signer: AppleCA | None = None, **sign_kw) -> str:
        """The body Apple POSTs: {"signedPayload": "<JWS>"} as a string."""
        import json

        signed = signed or self.tick()
        outer, inner = signer or self.ca, nested_signer or signer or self.ca
        body: dict[str, Any] = {"appAppleId": self.app_apple_id, "bundleId": self.bundle_id, "bundleVersion": "1",
                                "environment": self.environment, "status": 1}
        if otid is not None:
            expires = expires if expires is not None else signed + dt.timedelta(days=30)
            body["signedTransactionInfo"] = inner.sign(
                self.transaction(otid, product, expires=expires, signed=signed, **(transaction or {})))
            if auto_renew is not None:
                body["signedRenewalInfo"] = inner.sign(
                    self.renewal(otid, product, auto_renew=auto_renew, signed=signed, **(renewal or {})))
        body.update(data or {})
        payload = {"notificationType": kind, **({"subtype": subtype} if subtype else {}),
                   "notificationUUID": uuid or str(uuidlib.uuid4()), "data": body, "version": "2.0",
                   "signedDate": ms(signed)}
        return json.dumps({"signedPayload": outer.sign(payload, **sign_kw)})


class OCSPResponder:
    """Answers OCSP requests for the certificates of the CAs it knows: GOOD unless revoked."""

    def __init__(self) -> None:
        self.cas: list[AppleCA] = []
        self.revoked: set[int] = set()
        self.down = False
        self.slow = 0.0  # seconds each answer takes
        self.requests = 0
        responder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                responder.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if responder.slow:
                    import time

                    time.sleep(responder.slow)
                if responder.down:
                    self.send_response(500)
                    self.end_headers()
                    return
                answer = responder.answer(ocsp.load_der_ocsp_request(body))
                self.send_response(200)
                self.send_header("Content-Type", "application/ocsp-response")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ocsp"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, request: ocsp.OCSPRequest) -> bytes:
        for ca in self.cas:
            for cert, issuer in ((ca.intermediate, ca.root), (ca.leaf, ca.intermediate), *(
                    (leaf, ca.intermediate) for leaf in getattr(ca, "extra_leaves", []))):
                if cert.cert.serial_number != request.serial_number:
                    continue
                now = dt.datetime.now(dt.timezone.utc)
                revoked = cert.cert.serial_number in self.revoked
                builder = ocsp.OCSPResponseBuilder().add_response(
                    cert=cert.cert, issuer=issuer.cert, algorithm=hashes.SHA256(),
                    cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
                    this_update=now - dt.timedelta(minutes=1), next_update=now + dt.timedelta(hours=1),
                    revocation_time=now - dt.timedelta(hours=1) if revoked else None,
                    revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
                ).responder_id(ocsp.OCSPResponderEncoding.HASH, issuer.cert)
                return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
        return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(
            serialization.Encoding.DER)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
