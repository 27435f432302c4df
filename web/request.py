"""The app's request class: Flask's, with a webhook's form parsed once from the body the edge
(web/server.py) has already read whole."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl

from flask import Request, current_app
from werkzeug.exceptions import RequestEntityTooLarge

from web.server import BODY


class EdgeRequest(Request):
    """Flask's request, its urlencoded form (every Twilio webhook's) parsed straight from the
    body the edge has read whole: the same parse as werkzeug's (``parse_qsl``, blank values
    kept, bytes that are no UTF-8 percent sequence kept quoted; a body that is no UTF-8 an
    empty form, as werkzeug's silent parser gives), without its form parser and stream built
    for every request (issue 26). Anything else (multipart, no body read by the edge, debug
    mode's helpers) goes werkzeug's way."""

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        body = self.environ.get(BODY)
        if body is None or self.mimetype != "application/x-www-form-urlencoded" or _debug():
            return super()._load_form_data()
        limit = self.max_content_length  # werkzeug's own limit (MAX_CONTENT_LENGTH), as its stream applies it
        if limit is not None and len(body) > limit:
            raise RequestEntityTooLarge()
        try:
            items = parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        except ValueError:  # not UTF-8
            items = []
        d = self.__dict__
        d["form"], d["files"] = self.parameter_storage_class(items), self.parameter_storage_class()
        d["stream"] = io.BytesIO(b"")  # read, as werkzeug leaves it once the form is parsed


def _debug() -> bool:
    return bool(current_app and current_app.debug)
