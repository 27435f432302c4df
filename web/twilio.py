"""Twilio at the edge: the X-Twilio-Signature check and TwiML answers.

Every Twilio route is signed; a missing or wrong signature gets HTTP 403 and nothing runs.
Any exception inside a Twilio route is answered with HTTP 200 and valid TwiML (voice: an
apology and the way to a person; SMS: a short apology; an empty ``<Response/>`` if making the
apology fails too), never a 500 or an HTML page. A body that is too large or can't be read
never gets here (web/server.py's edge answers 413/400); should werkzeug still refuse one, the
answer is its plain 413, never an apology.
"""

from __future__ import annotations

import base64
import hmac
import logging

from flask import Blueprint, Response, request
from twilio.request_validator import RequestValidator
from twilio.twiml import TwiML
from werkzeug.exceptions import HTTPException

from web.deps import deps
from web.twiml import to_xml

log = logging.getLogger("switchboard.web")

XML = "text/xml; charset=utf-8"
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'  # valid TwiML that does nothing


def twiml(response: TwiML | str) -> Response:
    # Written directly, the same bytes as twilio's to_xml() (web/twiml.py), not through ElementTree.
    body = response if isinstance(response, str) else to_xml(response)
    return Response(body, status=200, mimetype="text/xml", content_type=XML)


def signed_url() -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL plus path and query, else the request's own
    (with PROXY_HOPS, ProxyFix has put the scheme and host the proxy received into it;
    without, X-Forwarded-* is ignored)."""
    base = deps().settings.public_base_url
    req = request._get_current_object()
    if base:
        query = req.query_string.decode("latin-1")
        return base + req.path + (f"?{query}" if query else "")
    return req.url


_validators: dict[str, RequestValidator] = {}


def compute_signature(token: bytes, url: str, params) -> str:
    """twilio's ``RequestValidator.compute_signature`` (HMAC-SHA1, the default), the same string
    signed the same way: the URL, then each parameter's name and value, names sorted, a
    name's distinct values sorted. Without the library's per-parameter lookup (it asks a
    MultiDict for ``getall`` first, an AttributeError raised and caught for every parameter:
    issue 26) and with ``hmac.digest``'s one call. tests/security compares the two."""
    s = [url]
    if params:
        getlist = getattr(params, "getlist", None)
        for name in sorted(set(params)):
            values = getlist(name) if getlist is not None else [params[name]]
            for value in sorted(set(values)):
                s.append(name)
                s.append(value)
    return base64.b64encode(hmac.digest(token, "".join(s).encode("utf-8"), "sha1")).decode("utf-8").strip()


def validator(token: str) -> RequestValidator:
    v = _validators.get(token)
    if v is None:
        v = _validators[token] = RequestValidator(token)
    return v


def check_signature() -> Response | None:
    req = request._get_current_object()
    signature = req.headers.get("X-Twilio-Signature", "")
    token = deps().settings.twilio_auth_token
    params = req.form if req.method == "POST" else {}
    if signature:
        url = signed_url()
        v = validator(token)
        # The URL exactly as signed first (one HMAC); the library's validate also tries the URL
        # with and without the default port, which costs a second HMAC on every request.
        if hmac.compare_digest(compute_signature(v.token, url, params), signature) or v.validate(url, params, signature):
            return None
    log.warning("rejected a request with a %s signature on %s",
                "wrong" if signature else "missing", request.path)
    return Response("invalid or missing X-Twilio-Signature\n", status=403, mimetype="text/plain")


def twilio_blueprint(name: str, import_name: str, *, on_error) -> Blueprint:
    """A blueprint whose every route is signature-checked and never answers with an error page.

    ``on_error(exc)`` returns the channel's TwiML apology.
    """
    bp = Blueprint(name, import_name)
    bp.before_request(check_signature)

    @bp.errorhandler(Exception)
    def _any_error(exc: Exception):
        if isinstance(exc, HTTPException) and exc.code == 413:
            # Not Twilio's, and unreadable: an apology would read the body again.
            log.warning("request body too large on %s", request.path)
            return Response("413 Request Entity Too Large\n", status=413, mimetype="text/plain")
        log.exception("error answering %s", request.path)
        try:
            return twiml(on_error(exc))
        except Exception:  # noqa: BLE001 - raising here would reach gunicorn's HTML 500
            log.exception("the apology failed too on %s", request.path)
            return twiml(EMPTY)

    return bp
