"""web.request.EdgeRequest: a webhook's urlencoded form parsed from the body the edge read,
exactly as werkzeug parses it (issue 26's edge)."""

from __future__ import annotations

import io

import pytest
from flask import Flask, Request

from web.request import EdgeRequest
from web.server import BODY, BodyLimit

BODIES = [
    b"From=%2B15557770001&To=%2B15550109000&Body=HELP&MessageSid=SM1",
    b"Body=&Digits=1234%23&SpeechResult=a+plan+please&Confidence=0.93",
    b"Body=one&Body=two&Body=",  # a repeated name keeps every value, in order
    b"Body=caf%C3%A9+%F0%9F%93%9E",  # UTF-8 percent-encoded: accents, an emoji
    b"Body=%FF%FE+bad+bytes&x=%",  # not UTF-8 once unquoted: kept quoted; a lone %
    b"Body=a%3Db%26c&;semi=1&&=&novalue",
    "Body=déjà vu".encode(),  # raw UTF-8, not encoded at all
    b"Body=\xff\xfe",  # a body that is no UTF-8: werkzeug's silent parser gives no form
    b"",
]


def _through_edge(body: bytes, content_type: str = "application/x-www-form-urlencoded"):
    """Both requests as the app sees them: the edge has read the body whole."""
    seen = {}

    def app(environ, start_response):
        seen["environ"] = environ
        start_response("200 OK", [])
        return [b""]

    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/sms", "SERVER_NAME": "localhost", "SERVER_PORT": "80",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
               "CONTENT_TYPE": content_type}
    BodyLimit(app, 64 * 1024)(environ, lambda *a: None)
    return seen["environ"]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded",
                                          "application/x-www-form-urlencoded; charset=utf-8"])
def test_the_form_is_werkzeugs_own_parse(body, content_type):
    mine = EdgeRequest(_through_edge(body, content_type))
    env = _through_edge(body, content_type)
    env.pop(BODY)
    theirs = Request(env)
    with Flask(__name__).app_context():
        assert list(mine.form.items(multi=True)) == list(theirs.form.items(multi=True))
        assert not mine.files and not theirs.files
        assert mine.get_data() == theirs.get_data() == b""  # the stream is read, as werkzeug leaves it


def test_other_bodies_go_werkzeugs_way():
    body = b"--b\r\nContent-Disposition: form-data; name=\"Body\"\r\n\r\nHELP\r\n--b--\r\n"
    req = EdgeRequest(_through_edge(body, "multipart/form-data; boundary=b"))
    with Flask(__name__).app_context():
        assert req.form["Body"] == "HELP"
    json_body = EdgeRequest(_through_edge(b'{"a": 1}', "application/json"))
    with Flask(__name__).app_context():
        assert not json_body.form and json_body.get_json() == {"a": 1}


def test_the_app_uses_it(app):
    assert app.request_class is EdgeRequest
