"""Talking to the bot without a phone: requests built and signed exactly as Twilio does,
sent to a running server (``--url``) or to the app in-process."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from twilio.request_validator import RequestValidator


class Transport:
    def __init__(self, token: str, *, url: str | None = None, app=None) -> None:
        if (url is None) == (app is None):
            raise ValueError("give a server URL or an app")
        self.validator = RequestValidator(token)
        self.base = (url or "http://localhost").rstrip("/")
        self.client = app.test_client() if app is not None else None

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        """POST ``form`` to ``path`` (relative URLs resolve against the base); (status, body)."""
        url = urllib.parse.urljoin(self.base + "/", path.lstrip("/")) if not path.startswith("http") else path
        signature = self.validator.compute_signature(url, form)
        if self.client is not None:
            parts = urllib.parse.urlsplit(url)
            resp = self.client.post(parts.path + (f"?{parts.query}" if parts.query else ""), data=form,
                                    headers={"X-Twilio-Signature": signature}, base_url=self.base)
            return resp.status_code, resp.get_data(as_text=True)
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "TwilioProxy/1.1 (switchboard simulate)"})
        try:
            with urllib.request.urlopen(request, timeout=15) as resp:
                return resp.status, resp.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")


def transport_for(url: str | None) -> Transport:
    """For the simulate commands: a running server at ``url``, else the app in-process."""
    from flask import current_app

    token = current_app.extensions["switchboard"].settings.twilio_auth_token
    return Transport(token, url=url) if url else Transport(token, app=current_app._get_current_object())
